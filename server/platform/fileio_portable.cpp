// The portable platform's files: std::filesystem for kinds, listings and identities, and
// plain std::ifstream reads. Every OS with a C++20 library (Windows, macOS, Linux with
// -DMIL_PLATFORM=portable). A folder is known by its path; a file's identity is its
// canonical path.
#include "platform/fileio.hpp"
#include "platform/layer.hpp"

#include "platform/utf8_path.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <mutex>
#include <system_error>
#include <unordered_map>

namespace fs = std::filesystem;

namespace mil {

struct DirAccess {
    static const std::string& path(const Dir& d) { return d.path_; }
    static Dir adopt(std::string path) {
        Dir d;
        d.path_ = std::move(path);
        return d;
    }
};

Dir::~Dir() = default;
Dir::Dir(Dir&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
}
Dir& Dir::operator=(Dir&& other) noexcept {
    if (this != &other) {
        path_ = std::move(other.path_);
        other.path_.clear();
    }
    return *this;
}

Dir Dir::open(const std::string& path) {
    std::error_code ec;
    if (path.empty() || !fs::is_directory(utf8_path(path), ec)) return Dir();
    return DirAccess::adopt(path);
}

Dir Dir::open_sub(const char* relative, bool* missing) const {
    if (!valid()) {
        if (missing) *missing = true;
        return Dir();
    }
    std::string sub = path_ + "/" + relative;
    // A caller that does not ask whether it is missing lists it next: that listing fails when
    // it is no folder, so the look-up is spared (one stat per folder of a Setup walk).
    if (!missing) return DirAccess::adopt(std::move(sub));
    std::error_code ec;
    const auto st = fs::status(utf8_path(sub), ec);
    if (ec && st.type() != fs::file_type::not_found) return Dir(); // another error
    if (!fs::is_directory(st)) {
        if (missing) *missing = true;
        return Dir();
    }
    return DirAccess::adopt(std::move(sub));
}

namespace {

void set_error(std::string* error, std::string msg) {
    if (error) *error = std::move(msg);
}

// read_file of `file` (named `path` in messages), and read_file_at when `absent` is not null.
std::optional<std::string> read_path(const std::string& file, const std::string& path,
                                     std::size_t max_bytes, std::string* error,
                                     std::uint64_t* oversize, bool* absent) {
    const fs::path p = utf8_path(file);
    std::error_code ec;
    // One look-up gives the size, and an error for anything but a regular file (a folder, a
    // FIFO or a device is never opened: opening a FIFO would wait for a writer).
    const std::uintmax_t size = fs::file_size(p, ec);
    if (ec) {
        if (absent) {
            *absent = true;
            return std::nullopt;
        }
        if (ec == std::errc::is_a_directory)
            set_error(error, path + ": is a directory");
        else if (ec == std::errc::not_supported)
            set_error(error, path + ": not a regular file");
        else
            set_error(error, path + ": cannot open: " + ec.message());
        return std::nullopt;
    }
    if (size > max_bytes) {
        set_error(error, path + ": file is " + std::to_string(size) + " bytes, over the limit of " +
                             std::to_string(max_bytes) + " bytes; not read");
        if (oversize) *oversize = size;
        return std::nullopt;
    }
    errno = 0;
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        set_error(error, path + ": cannot open" +
                             (errno ? ": " + std::generic_category().message(errno) : ""));
        return std::nullopt;
    }
    // The size read: one read() for most files (asking for one byte more would cost a second
    // one, at the end of the file). A file that changes meanwhile is read as far as it was,
    // and read again when the change is reported.
    std::string out(static_cast<std::size_t>(size), '\0');
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        set_error(error, path + ": cannot read");
        return std::nullopt;
    }
    return out;
}

// fs::canonical, cheaper for many paths side by side: a path whose last name is no link is
// its folder's canonical path and that name (one lstat), and the folders' canonical paths are
// remembered for a second (a discovery or an index asks for hundreds of folders of a few
// parents, and a full canonical() costs a system call per component). Past the second, or
// when the memory holds 4,096 folders, it starts again: a link changed meanwhile is seen at
// the next look-up after that.
//
// One memory for the process, under a lock held only around the map (the file-system calls
// run outside it). Not a thread_local: with mingw-w64's emulated TLS a thread_local that owns
// heap memory is destroyed at thread exit after its storage was released, which corrupted
// the heap whenever an index thread ended (seen as a crash of the Windows build under wine).
std::optional<fs::path> canonical_path(const fs::path& p) {
    struct Memory {
        std::mutex mutex;
        std::unordered_map<std::string, fs::path> folders; // guarded by mutex
        std::chrono::steady_clock::time_point since;       // guarded by mutex
    };
    static Memory& memory = *new Memory; // never destroyed: threads may still look up at exit
    auto full = [](const fs::path& q) -> std::optional<fs::path> {
        std::error_code ec;
        auto c = fs::canonical(q, ec);
        if (ec) return std::nullopt;
        return c;
    };
    const fs::path normal = p.lexically_normal();
    const fs::path name = normal.filename();
    const fs::path parent = normal.parent_path();
    if (!normal.is_absolute() || name.empty() || name == "." || name == ".." || parent == normal)
        return full(p);
    std::error_code ec;
    const auto st = fs::symlink_status(normal, ec);
    if (ec || !fs::exists(st)) return std::nullopt;
    if (fs::is_symlink(st)) return full(normal);
    const std::string key = utf8_string(parent);
    std::optional<fs::path> folder;
    {
        std::lock_guard lock(memory.mutex);
        const auto now = std::chrono::steady_clock::now();
        if (now - memory.since > std::chrono::seconds(1) || memory.folders.size() >= 4096) {
            memory.folders.clear();
            memory.since = now;
        }
        if (auto it = memory.folders.find(key); it != memory.folders.end()) folder = it->second;
    }
    if (!folder) {
        folder = full(parent);
        if (!folder) return std::nullopt;
        std::lock_guard lock(memory.mutex);
        memory.folders.emplace(key, *folder);
    }
    fs::path out = *folder / name;
    if (fs::is_directory(st)) {
        std::lock_guard lock(memory.mutex);
        memory.folders.emplace(utf8_string(normal), out);
    }
    return out;
}

std::optional<FileIdentity> canonical_identity(const fs::path& p) {
    auto c = canonical_path(p);
    if (!c) return std::nullopt;
    FileIdentity id;
    id.key = utf8_string(*c);
    return id;
}

EntryKind kind_of(const fs::file_status& st) {
    return fs::is_directory(st)      ? EntryKind::Directory
           : fs::is_regular_file(st) ? EntryKind::File
                                     : EntryKind::Other;
}

} // namespace

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                     std::string* error, std::uint64_t* oversize) {
    return read_path(path, path, max_bytes, error, oversize, nullptr);
}

std::optional<std::string> read_file_no_follow(const std::string& path, std::size_t max_bytes,
                                               std::string* error) {
    std::error_code ec;
    const auto st = fs::symlink_status(utf8_path(path), ec);
    if (!ec && st.type() != fs::file_type::regular && st.type() != fs::file_type::not_found) {
        set_error(error,
                  path + (st.type() == fs::file_type::symlink ? ": is a symbolic link; not followed"
                                                              : ": not a regular file"));
        return std::nullopt;
    }
    return read_path(path, path, max_bytes, error, nullptr, nullptr);
}

std::optional<std::string> read_file_at(const Dir& dir, const char* relative,
                                        const std::string& path, std::size_t max_bytes,
                                        std::string* error, std::uint64_t* oversize, bool* absent) {
    *absent = false;
    return read_path(DirAccess::path(dir) + "/" + relative, path, max_bytes, error, oversize,
                     absent);
}

bool is_regular_file(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(utf8_path(path), ec);
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(utf8_path(path), ec);
}

bool path_exists_no_follow(const std::string& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(utf8_path(path), ec));
}

std::optional<FileIdentity> file_identity(const std::string& path) {
    return canonical_identity(utf8_path(path));
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    const bool same = fs::equivalent(utf8_path(a), utf8_path(b), ec);
    return !ec && same;
}

std::optional<FileIdentity> directory_identity(const std::string& path) {
    if (!is_directory(path)) return std::nullopt;
    return canonical_identity(utf8_path(path));
}

std::optional<FileStatus> status_at(const Dir& dir, const char* relative) {
    const fs::path p = utf8_path(DirAccess::path(dir) + "/" + relative);
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) return std::nullopt;
    FileStatus out{kind_of(st), {}};
    if (out.kind == EntryKind::Directory)
        if (auto id = canonical_identity(p)) out.identity = std::move(*id);
    return out;
}

std::optional<std::vector<DirEntry>> list_directory(const std::string& dir, std::string* error) {
    std::error_code ec;
    fs::directory_iterator it(utf8_path(dir), ec);
    if (ec) {
        set_error(error, dir + ": cannot list directory: " + ec.message());
        return std::nullopt;
    }
    std::vector<DirEntry> out;
    // A folder that is no link is known by the listed folder's canonical path and its name:
    // one canonical() per listing (when it holds a folder), not one per folder in it.
    std::optional<fs::path> listed;
    bool listed_tried = false;
    auto identity_in_listed = [&](const fs::path& name) -> std::optional<FileIdentity> {
        if (!listed_tried) {
            listed_tried = true;
            listed = canonical_path(utf8_path(dir));
        }
        if (!listed) return std::nullopt;
        FileIdentity id;
        id.key = utf8_string(*listed / name);
        return id;
    };
    for (const fs::directory_entry& e : it) {
        DirEntry entry;
        entry.name = utf8_string(e.path().filename());
        // The kinds of entries that are no link come from the listing (no stat on most
        // systems); a link is followed.
        // A cached answer leaves `ec` as it was (libstdc++): clear it before each call, or a
        // broken link's error would hide every entry after it.
        ec.clear();
        entry.is_symlink = e.is_symlink(ec);
        if (ec) continue;
        ec.clear();
        // A link is followed (a stat); the kind of anything else is the listing's (libstdc++
        // and libc++ keep the type the listing gave: no stat where the system gives it).
        const auto st = entry.is_symlink ? e.status(ec) : e.symlink_status(ec);
        if (ec || !fs::exists(st)) {
            entry.kind = entry.is_symlink ? EntryKind::Broken : EntryKind::Other;
        } else {
            entry.kind = kind_of(st);
            if (entry.kind == EntryKind::Directory)
                if (auto id = entry.is_symlink ? canonical_identity(e.path())
                                               : identity_in_listed(e.path().filename()))
                    entry.identity = std::move(*id);
        }
        out.push_back(std::move(entry));
    }
    std::sort(out.begin(), out.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return out;
}

std::optional<std::vector<DirEntry>> list_directory(const Dir& dir) {
    if (!dir.valid()) return std::nullopt;
    return list_directory(DirAccess::path(dir), nullptr);
}

bool each_name(const Dir& dir, const std::function<void(std::string_view)>& on_name) {
    if (!dir.valid()) return false;
    std::error_code ec;
    fs::directory_iterator it(utf8_path(DirAccess::path(dir)), ec);
    if (ec) return false;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) return false;
        on_name(utf8_string(it->path().filename()));
    }
    return !ec;
}

const char* platform_layer() {
    return "portable";
}

} // namespace mil
