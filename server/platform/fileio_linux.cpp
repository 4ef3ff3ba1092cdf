// The Linux platform's files: openat() relative to an open folder, getdents64() listings
// with the kinds the kernel gives (a stat only for links), one read for most files.
#include "platform/fileio.hpp"
#include "platform/layer.hpp"

#include "platform/heap.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

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

struct DirAccess {
    static int fd(const Dir& d) { return d.fd_; }
    static Dir adopt(int fd) {
        Dir d;
        d.fd_ = fd;
        return d;
    }
};

Dir::~Dir() {
    if (fd_ >= 0) ::close(fd_);
}
Dir::Dir(Dir&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}
Dir& Dir::operator=(Dir&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

Dir Dir::open(const std::string& path) {
    return DirAccess::adopt(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

Dir Dir::open_sub(const char* relative, bool* missing) const {
    const int fd = fd_ < 0 ? -1 : ::openat(fd_, relative, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && missing && (fd_ < 0 || errno == ENOENT || errno == ENOTDIR)) *missing = true;
    return DirAccess::adopt(fd);
}

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
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        set_error(error, path + ": cannot open: " + errno_text(err));
        return std::nullopt;
    }
    return read_open_file(fd, path, max_bytes, error, oversize, nullptr);
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

std::optional<std::string> read_file_at(const Dir& dir, const char* relative,
                                        const std::string& path, std::size_t max_bytes,
                                        std::string* error, std::uint64_t* oversize, bool* absent) {
    *absent = false;
    int fd = ::openat(DirAccess::fd(dir), relative, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), {}};
}

} // namespace

std::optional<FileIdentity> file_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return identity_of(st);
}

std::optional<FileStatus> status_at(const Dir& dir, const char* relative) {
    struct stat st {};
    if (::fstatat(DirAccess::fd(dir), relative, &st, 0) != 0) return std::nullopt;
    return FileStatus{S_ISDIR(st.st_mode)   ? EntryKind::Directory
                      : S_ISREG(st.st_mode) ? EntryKind::File
                                            : EntryKind::Other,
                      identity_of(st)};
}

bool same_file(const std::string& a, const std::string& b) {
    const auto ia = file_identity(a);
    return ia && ia == file_identity(b);
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
bool each_dirent(int dfd, F&& f) {
    alignas(struct dirent64) char buf[16384];
    std::size_t at = 0, filled = 0;
    for (;;) {
        if (at >= filled) {
            const ssize_t n = ::getdents64(dfd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return n == 0;
            at = 0;
            filled = static_cast<std::size_t>(n);
        }
        const auto* e = reinterpret_cast<const struct dirent64*>(buf + at);
        at += e->d_reclen;
        const std::string_view name(e->d_name);
        if (name != "." && name != "..") f(*e, name);
    }
}

// The entries of the open directory `dfd`.
std::vector<DirEntry> read_entries(int dfd) {
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
                entry.identity = identity_of(st);
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
    FdCloser closer{fd};
    return read_entries(fd);
}

std::optional<std::vector<DirEntry>> list_directory(const Dir& dir) {
    if (!dir.valid()) return std::nullopt;
    return read_entries(DirAccess::fd(dir));
}

bool each_name(const Dir& dir, const std::function<void(std::string_view)>& on_name) {
    if (!dir.valid()) return false;
    return each_dirent(DirAccess::fd(dir),
                       [&](const struct dirent64&, std::string_view name) { on_name(name); });
}

const char* platform_layer() {
    return "linux";
}

} // namespace mil
