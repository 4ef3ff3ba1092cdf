#include "platform/fileio.hpp"
#include "mil/base/strings.hpp"

#include "platform/heap.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mil {

namespace {

std::string errno_text(int err) {
    // strerror is not thread-safe everywhere; strerror_r's GNU form returns the message.
    char buf[256];
    buf[0] = '\0';
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    const char* msg = strerror_r(err, buf, sizeof buf);
    return msg ? std::string(msg) : std::string("error ") + std::to_string(err);
#else
    if (strerror_r(err, buf, sizeof buf) != 0) return "error " + std::to_string(err);
    return buf;
#endif
}

void set_error(std::string* error, std::string msg) {
    if (error) *error = std::move(msg);
}

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

namespace {

// The rest of read_file and read_file_at once the file is open.
std::optional<std::string> read_open_file(int fd, const std::string& path, std::size_t max_bytes,
                                          std::string* error, std::uint64_t* oversize,
                                          bool* absent) {
    FdCloser closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        set_error(error, path + ": cannot stat: " + errno_text(err));
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        if (absent) {
            *absent = true;
            return std::nullopt;
        }
        set_error(error,
                  path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
        return std::nullopt;
    }
    if (st.st_size < 0 || static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        set_error(error, path + ": file is " + std::to_string(st.st_size) +
                             " bytes, over the limit of " + std::to_string(max_bytes) +
                             " bytes; not read");
        if (oversize && st.st_size > 0) *oversize = static_cast<std::uint64_t>(st.st_size);
        return std::nullopt;
    }
    // Room for one byte more than stat promised: a regular file that reads short has ended,
    // so most files take one read. A file that grew keeps being read, up to the cap.
    std::string out;
    out.reserve(static_cast<std::size_t>(st.st_size) + 1);
    advise_large_block(out.data(), out.capacity()); // before the first write (resize's)
    out.resize(static_cast<std::size_t>(st.st_size) + 1);
    std::size_t got = 0;
    for (;;) {
        if (got == out.size()) {
            if (got > max_bytes) {
                set_error(error, path + ": file grew over the limit of " +
                                     std::to_string(max_bytes) + " bytes while reading");
                return std::nullopt;
            }
            out.resize(std::min(max_bytes + 1, std::max<std::size_t>(out.size() * 2, 4096)));
        }
        const std::size_t want = out.size() - got;
        ssize_t n = ::read(fd, out.data() + got, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            set_error(error, path + ": cannot read: " + errno_text(err));
            return std::nullopt;
        }
        got += static_cast<std::size_t>(n);
        if (n == 0 || static_cast<std::size_t>(n) < want) break;
    }
    out.resize(got);
    return out;
}

} // namespace

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                     std::string* error, std::uint64_t* oversize) {
    // A device, FIFO or socket is never opened (opening a device can act on it); O_NONBLOCK
    // as well: one put there between the stat and the open must not wait for a writer.
    if (struct stat st{}; ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        set_error(error,
                  path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
        return std::nullopt;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        set_error(error, path + ": cannot open: " + errno_text(err));
        return std::nullopt;
    }
    return read_open_file(fd, path, max_bytes, error, oversize, nullptr);
}

std::optional<std::string> read_file_at(int dir_fd, const char* relative, const std::string& path,
                                        std::size_t max_bytes, std::string* error,
                                        std::uint64_t* oversize, bool* absent) {
    *absent = false;
    // As read_file: what is not a regular file is not opened (a device under etc/ is never
    // touched); a stat that fails leaves it to the open to say why.
    if (struct stat st{}; ::fstatat(dir_fd, relative, &st, 0) == 0 && !S_ISREG(st.st_mode)) {
        *absent = true;
        return std::nullopt;
    }
    int fd = ::openat(dir_fd, relative, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR || err == ELOOP || err == ENAMETOOLONG) {
            *absent = true;
            return std::nullopt;
        }
        set_error(error, path + ": cannot open: " + errno_text(err));
        return std::nullopt;
    }
    return read_open_file(fd, path, max_bytes, error, oversize, absent);
}

std::optional<std::string> read_file_no_follow(const std::string& path, std::size_t max_bytes,
                                               std::string* error) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        set_error(error, path + (S_ISLNK(st.st_mode) ? ": is a symbolic link; not followed"
                                                     : ": not a regular file"));
        return std::nullopt;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    if (fd < 0) {
        int err = errno;
        set_error(error, path + (err == ELOOP ? std::string(": is a symbolic link; not followed")
                                              : ": cannot open: " + errno_text(err)));
        return std::nullopt;
    }
    return read_open_file(fd, path, max_bytes, error, nullptr, nullptr);
}

bool is_regular_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool path_exists_no_follow(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

namespace {

FileIdentity identity_of(const struct stat& st) {
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

} // namespace

std::optional<FileIdentity> file_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return identity_of(st);
}

std::optional<FileIdentity> fd_identity(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return std::nullopt;
    return identity_of(st);
}

std::optional<FileIdentity> directory_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    return identity_of(st);
}

namespace {

// Calls f(entry) for each entry of the open directory `dfd` but "." and "..", read with
// getdents64 directly: readdir's fdopendir/opendir would add an fstat and an fcntl to every
// listing. An error ends the listing with what was listed so far.
template <typename F>
void each_dirent(int dfd, F&& f) {
    alignas(struct dirent64) char buf[16384];
    std::size_t at = 0, filled = 0;
    for (;;) {
        if (at >= filled) {
            const ssize_t n = ::getdents64(dfd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            at = 0;
            filled = static_cast<std::size_t>(n);
        }
        const auto* e = reinterpret_cast<const struct dirent64*>(buf + at);
        at += e->d_reclen;
        const std::string_view name(e->d_name);
        if (name != "." && name != "..") f(*e, name);
    }
}

// The entries of the open directory `dfd` (closed here).
std::vector<DirEntry> read_entries(int dfd) {
    FdCloser closer{dfd};
    std::vector<DirEntry> out;
    each_dirent(dfd, [&](const struct dirent64& dirent, std::string_view name) {
        const struct dirent64* e = &dirent;
        DirEntry entry;
        entry.name = std::string(name);
        entry.identity.inode = e->d_ino;
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat lst {};
            if (::fstatat(dfd, e->d_name, &lst, AT_SYMLINK_NOFOLLOW) != 0) return;
            if (S_ISLNK(lst.st_mode))
                type = DT_LNK;
            else if (S_ISDIR(lst.st_mode))
                type = DT_DIR;
            else if (S_ISREG(lst.st_mode))
                type = DT_REG;
            else
                type = DT_FIFO; // any "other"
        }
        if (type == DT_LNK) {
            entry.is_symlink = true;
            struct stat st {};
            if (::fstatat(dfd, e->d_name, &st, 0) != 0) {
                entry.kind = EntryKind::Broken;
            } else {
                entry.identity = {static_cast<std::uint64_t>(st.st_dev),
                                  static_cast<std::uint64_t>(st.st_ino)};
                entry.kind = S_ISDIR(st.st_mode)   ? EntryKind::Directory
                             : S_ISREG(st.st_mode) ? EntryKind::File
                                                   : EntryKind::Other;
            }
        } else if (type == DT_DIR) {
            entry.kind = EntryKind::Directory;
        } else if (type == DT_REG) {
            entry.kind = EntryKind::File;
        } else {
            entry.kind = EntryKind::Other;
        }
        out.push_back(std::move(entry));
    });
    std::sort(out.begin(), out.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return out;
}

} // namespace

std::optional<std::vector<DirEntry>> list_directory(const std::string& dir, std::string* error) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        set_error(error, dir + ": cannot list directory: " + errno_text(err));
        return std::nullopt;
    }
    return read_entries(fd);
}

std::optional<std::vector<DirEntry>> list_directory_fd(int dir_fd) {
    return read_entries(dir_fd);
}

void each_name_fd(int dir_fd, const std::function<void(std::string_view)>& on_name) {
    FdCloser closer{dir_fd};
    each_dirent(dir_fd, [&](const struct dirent64&, std::string_view name) { on_name(name); });
}

namespace {

// Whether normalize_path() would return `path` unchanged: not empty, no empty, "." or ".."
// segment and no '/' at the end (but "/" itself). Most paths the indexer joins are.
bool is_normal_path(std::string_view path) {
    if (path.empty()) return false;
    if (path == "/") return true;
    if (path.back() == '/') return false;
    std::size_t seg = path.front() == '/' ? 1 : 0; // start of the current segment
    for (std::size_t i = seg; i <= path.size(); ++i) {
        if (i < path.size() && path[i] != '/') continue;
        const std::size_t len = i - seg;
        if (len == 0) return false;
        if (path[seg] == '.' && (len == 1 || (len == 2 && path[seg + 1] == '.'))) return false;
        seg = i + 1;
    }
    return true;
}

} // namespace

std::string normalize_path(std::string_view path) {
    if (is_normal_path(path)) return std::string(path);
    const bool absolute = !path.empty() && path.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/')
            ++i;
        std::size_t j = i;
        while (j < path.size() && path[j] != '/')
            ++j;
        if (j > i) {
            std::string_view seg = path.substr(i, j - i);
            if (seg == ".") {
                // skip
            } else if (seg == "..") {
                if (!parts.empty() && parts.back() != "..")
                    parts.pop_back();
                else if (!absolute)
                    parts.push_back(seg);
                // ".." above "/" stays at "/"
            } else {
                parts.push_back(seg);
            }
        }
        i = j;
    }
    std::string out;
    out.reserve(path.size());
    if (absolute) out.push_back('/');
    for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k) out.push_back('/');
        out.append(parts[k]);
    }
    if (out.empty()) out = ".";
    return out;
}

std::string join_path(std::string_view base, std::string_view rel) {
    if (!rel.empty() && rel.front() == '/') return normalize_path(rel);
    if (base.empty()) return normalize_path(rel);
    std::string s;
    s.reserve(base.size() + 1 + rel.size());
    s.append(base);
    s.push_back('/');
    s.append(rel);
    if (is_normal_path(s)) return s;
    return normalize_path(s);
}

std::string parent_path(std::string_view path) {
    std::string p = normalize_path(path);
    if (p == "/") return p;
    if (p == ".") return "..";
    std::size_t slash = p.rfind('/');
    if (slash == std::string::npos) {
        // "a" -> "."; ".." -> "../.."
        if (p == ".." || p.ends_with("/..")) return p + "/..";
        return ".";
    }
    if (p.substr(slash + 1) == "..") return p + "/..";
    if (slash == 0) return "/";
    return p.substr(0, slash);
}

std::string file_name(std::string_view path) {
    std::string p = normalize_path(path);
    if (p == "/") return "";
    std::size_t slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string absolute_path(std::string_view path) {
    if (!path.empty() && path.front() == '/') return normalize_path(path);
    std::string cwd;
    std::vector<char> buf(4096);
    for (int attempt = 0; attempt < 8; ++attempt) {
        if (::getcwd(buf.data(), buf.size())) {
            cwd = buf.data();
            break;
        }
        if (errno != ERANGE) break;
        buf.resize(buf.size() * 2);
    }
    if (cwd.empty()) cwd = "/";
    return join_path(cwd, path);
}

namespace {
std::vector<std::string_view> split_segments(std::string_view p) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < p.size()) {
        while (i < p.size() && p[i] == '/')
            ++i;
        std::size_t j = i;
        while (j < p.size() && p[j] != '/')
            ++j;
        if (j > i) out.push_back(p.substr(i, j - i));
        i = j;
    }
    return out;
}
} // namespace

std::string relative_path(std::string_view path, std::string_view base) {
    std::string p = normalize_path(path);
    std::string b = normalize_path(base);
    const bool pa = p.front() == '/';
    const bool ba = b.front() == '/';
    if (pa != ba) return p;
    auto ps = split_segments(p);
    auto bs = split_segments(b);
    if (!pa) {
        // "." is the empty relative path.
        if (p == ".") ps.clear();
        if (b == ".") bs.clear();
    }
    std::size_t common = 0;
    while (common < ps.size() && common < bs.size() && ps[common] == bs[common])
        ++common;
    // A base that climbs above its start ("../y") has segments we cannot name.
    for (std::size_t k = common; k < bs.size(); ++k) {
        if (bs[k] == "..") return p;
    }
    std::string out;
    for (std::size_t k = common; k < bs.size(); ++k) {
        if (!out.empty()) out.push_back('/');
        out.append("..");
    }
    for (std::size_t k = common; k < ps.size(); ++k) {
        if (!out.empty()) out.push_back('/');
        out.append(ps[k]);
    }
    return out.empty() ? "." : out;
}

bool path_is_within(std::string_view path, std::string_view dir) {
    std::string p = normalize_path(path);
    std::string d = normalize_path(dir);
    if (p == d) return true;
    if (d == "/") return p.front() == '/';
    if (d == ".") return p.front() != '/' && !p.starts_with("..");
    return p.size() > d.size() && p.starts_with(d) && p[d.size()] == '/';
}

std::string path_to_uri(std::string_view path) {
    static const char hex[] = "0123456789ABCDEF";
    std::string abs = absolute_path(path);
    std::string out = "file://";
    out.reserve(out.size() + abs.size() * 3);
    for (unsigned char c : abs) {
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
    return out;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<std::string> uri_to_path(std::string_view uri) {
    if (!istarts_with(uri, "file:")) return std::nullopt;
    std::string_view rest = uri.substr(5);
    // Query and fragment are not part of the path.
    std::size_t cut = rest.find_first_of("?#");
    if (cut != std::string_view::npos) rest = rest.substr(0, cut);
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        std::size_t slash = rest.find('/');
        std::string_view host = rest.substr(0, slash);
        const bool localhost = host.size() == 9 && istarts_with(host, "localhost");
        if (!host.empty() && !localhost) return std::nullopt;
        if (slash == std::string_view::npos) return std::nullopt;
        rest = rest.substr(slash);
    }
    if (rest.empty() || rest.front() != '/') return std::nullopt;
    std::string out;
    out.reserve(rest.size());
    for (std::size_t i = 0; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '%' && i + 2 < rest.size()) {
            int hi = hex_value(rest[i + 1]);
            int lo = hex_value(rest[i + 2]);
            if (hi >= 0 && lo >= 0) {
                char decoded = static_cast<char>(hi * 16 + lo);
                if (decoded == '\0') return std::nullopt;
                out.push_back(decoded);
                i += 2;
                continue;
            }
        }
        out.push_back(c);
    }
    return normalize_path(out);
}

void parallel_for(std::size_t n_items, std::size_t n_threads,
                  const std::function<void(std::size_t)>& fn) {
    if (n_items == 0) return;
    if (n_threads == 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
    n_threads = std::min(n_threads, n_items);
    if (n_threads <= 1) {
        for (std::size_t i = 0; i < n_items; ++i)
            fn(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto worker = [&] {
        for (;;) {
            if (failed.load(std::memory_order_relaxed)) return;
            std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= n_items) return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!first_error) first_error = std::current_exception();
                failed.store(true, std::memory_order_relaxed);
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(n_threads - 1);
    try {
        for (std::size_t t = 1; t < n_threads; ++t)
            threads.emplace_back(worker);
    } catch (...) {
        // Could not start more threads: the ones we have (and this one) do the work.
    }
    worker();
    for (auto& th : threads)
        th.join();
    if (first_error) std::rethrow_exception(first_error);
}

} // namespace mil
