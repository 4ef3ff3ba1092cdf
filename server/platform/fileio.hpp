// File system helpers for the server layer: reading files with a size cap, stat-based
// checks, directory listings that follow symbolic links, lexical path arithmetic,
// file:// URIs, and a small parallel loop.
//
// Paths are UTF-8 strings with '/' between segments; on Windows they start with a drive
// ("C:/Users/..."), backslashes are read as '/', and UTF-16 is used only at the OS edge.
// Nothing here resolves symbolic links in a path: paths are kept as the caller found them
// under its root (normalize_path is purely lexical).
//
// Two implementations of the OS calls, chosen in CMake (MIL_PLATFORM): fileio_linux.cpp
// (openat, getdents64, one stat per link) and fileio_portable.cpp (std::filesystem and plain
// reads), used on every other OS. The path arithmetic (fileio.cpp) is shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

// How paths are written: POSIX ("/a/b"), or Windows ("C:/a/b": a drive letter, '\\' read as
// '/', compared ignoring ASCII case). The functions below use the native style; the
// overloads that take one let tests check the other.
enum class PathStyle { Posix, Windows };
#ifdef _WIN32
inline constexpr PathStyle kNativePathStyle = PathStyle::Windows;
#else
inline constexpr PathStyle kNativePathStyle = PathStyle::Posix;
#endif

// Reads a whole regular file. Returns nullopt when the file cannot be opened or read, is not
// a regular file, or is larger than max_bytes (it is then not read at all); in those cases
// *error (when not null) names the path and the reason (the errno text, or the size and the
// limit). Never blocks on FIFOs or devices. When the file is over max_bytes, *oversize (when
// not null) is set to its size.
std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                     std::string* error, std::uint64_t* oversize = nullptr);
// An open folder, for reaching what lies in it by relative names (no "..", '/' between
// segments). The Linux platform holds a file descriptor (a name inside then costs the
// kernel no walk of the folder's path); the portable one holds the folder's path. Move-only.
class Dir {
public:
    Dir() = default;
    ~Dir();
    Dir(Dir&& other) noexcept;
    Dir& operator=(Dir&& other) noexcept;
    Dir(const Dir&) = delete;
    Dir& operator=(const Dir&) = delete;

    // The folder at `path` (links followed); not valid() when it is none or cannot be opened.
    static Dir open(const std::string& path);
    // The folder `relative` inside this one. *missing (when not null) is set when nothing is
    // there or it is not a folder, and left alone on other errors (no permission, ...).
    // Without `missing`, the portable platform does not look first: the result may be valid()
    // and fail when it is listed or read from (as a folder removed meanwhile would).
    Dir open_sub(const char* relative, bool* missing = nullptr) const;
    bool valid() const { return fd_ >= 0 || !path_.empty(); }

private:
    friend struct DirAccess; // the platform's implementation
    int fd_ = -1;            // Linux
    std::string path_;       // portable
};

// read_file of `relative` inside the open folder `dir`, for a file that may not be there:
// when nothing readable as a file is at that place (missing, a directory, a FIFO, a dangling
// or looping link), *absent is set and *error left alone. `path` is the name used in error
// messages.
std::optional<std::string> read_file_at(const Dir& dir, const char* relative,
                                        const std::string& path, std::size_t max_bytes,
                                        std::string* error, std::uint64_t* oversize, bool* absent);

// read_file of a file that must not be reached through a symbolic link (a settings file in
// a checkout that a pull request can change): a link, FIFO or device is refused unopened.
std::optional<std::string> read_file_no_follow(const std::string& path, std::size_t max_bytes,
                                               std::string* error);

// stat() based checks; both follow symbolic links. False on any error.
bool is_regular_file(const std::string& path);
bool is_directory(const std::string& path);
// True when something is at `path` (a dangling symbolic link counts).
bool path_exists_no_follow(const std::string& path);

// Identity of the object a path leads to (symbolic links followed): used to detect loops
// and two paths that reach the same directory. The Linux platform gives device and inode;
// the portable one the canonical path (links resolved) in `key`, device and inode 0.
struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::string key;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
    friend auto operator<=>(const FileIdentity&, const FileIdentity&) = default;
};
std::optional<FileIdentity> file_identity(const std::string& path);
// The same, for a directory only (nullopt for anything else): is_directory and
// file_identity with one stat.
std::optional<FileIdentity> directory_identity(const std::string& path);
// Whether two paths lead to the same file (also two hard links of one file): device and
// inode on Linux, std::filesystem::equivalent elsewhere. False when either cannot be read.
bool same_file(const std::string& a, const std::string& b);

enum class EntryKind {
    File,      // regular file (possibly reached through a link)
    Directory, // directory (possibly reached through a link)
    Other,     // FIFO, socket, device
    Broken,    // symbolic link whose target does not exist or cannot be reached
};

struct DirEntry {
    std::string name; // file name only, never "." or ".."
    EntryKind kind = EntryKind::Other;
    bool is_symlink = false;
    // What the entry leads to: for a link followed, its target's device and inode; else the
    // inode the directory lists (device 0: the listed directory's own, which a mount point
    // below it would make wrong). Portable platform: for directories only, the canonical path.
    FileIdentity identity;
};

// What `relative` inside `dir` leads to (links followed); nullopt when nothing is there.
struct FileStatus {
    EntryKind kind = EntryKind::Other;
    FileIdentity identity;
};
std::optional<FileStatus> status_at(const Dir& dir, const char* relative);

// Lists a directory, following symbolic links to report what each entry leads to.
// Entries are sorted by name (byte order). Returns nullopt when the directory cannot be
// opened; *error (when not null) then names the path and the errno text.
std::optional<std::vector<DirEntry>> list_directory(const std::string& dir,
                                                    std::string* error = nullptr);
// The same for a folder already open. List a Dir once (a second listing may be empty).
std::optional<std::vector<DirEntry>> list_directory(const Dir& dir);
// The names in the open folder `dir`, "." and ".." left out, in the order the file system
// gives, without a stat of any: for a question "is X there?". False when the folder could
// not be listed (no permission to read it; the names given then may be incomplete).
bool each_name(const Dir& dir, const std::function<void(std::string_view)>& on_name);

// Lexical normalisation: collapses repeated '/', removes "." segments, folds "x/.." pairs
// and drops a trailing '/'. ".." above the root of an absolute path is dropped; leading ".."
// of a relative path are kept. "" and "." give ".". Symbolic links are not consulted.
// Windows style: '\\' becomes '/', the drive letter upper case ("c:\\x" -> "C:/x"), and
// "C:/" is the root of "C:/a".
std::string normalize_path(std::string_view path);
std::string normalize_path(std::string_view path, PathStyle style);

// `base` joined with `rel`, normalised; an absolute `rel` is returned normalised on its own.
std::string join_path(std::string_view base, std::string_view rel);

// Lexical parent ("/a/b" -> "/a", "/a" -> "/", "a" -> ".", "/" -> "/").
std::string parent_path(std::string_view path);

// Last segment of the normalised path ("/a/b.xml" -> "b.xml"; "/" -> "").
std::string file_name(std::string_view path);

// `path` made absolute against the current directory (lexically) and normalised.
std::string absolute_path(std::string_view path);

// Lexical relative path from directory `base` to `path`, both normalised first:
// ("/r/a/b", "/r") -> "a/b"; ("/r", "/r") -> "."; ("/x/y", "/r/a") -> "../../x/y".
// When one is absolute and the other is not, or `base` climbs above its start in a way
// that cannot be undone ("x" from "../y"), returns the normalised `path` unchanged.
std::string relative_path(std::string_view path, std::string_view base);

// True when normalised `path` equals `dir` or lies below it (lexically).
// Windows style: ignoring ASCII case.
bool path_is_within(std::string_view path, std::string_view dir);
bool path_is_within(std::string_view path, std::string_view dir, PathStyle style);

// Absolute path -> "file:///..." URI. Every byte other than the RFC 3986 unreserved
// characters (A-Z a-z 0-9 - . _ ~) and '/' is percent-encoded with upper-case hex, so
// spaces, '#', '?', '%' and the UTF-8 bytes of non-ASCII characters are all encoded.
// A relative path is made absolute first.
// Windows style: "C:/Users/x" -> "file:///c%3A/Users/x" (as VS Code writes them).
std::string path_to_uri(std::string_view path);
std::string path_to_uri(std::string_view path, PathStyle style);

// "file:" URI -> path. Accepts "file:///p", "file://localhost/p" and "file:/p"; decodes
// %XX in either case of hex; drops a "?query" or "#fragment"; normalises the result
// lexically (like normalize_path), so that it compares equal to the paths that discover()
// reports for the same file. Returns nullopt for other
// schemes, another host, a path that is not absolute, or an encoded NUL byte. A '%' not
// followed by two hex digits is kept as it is.
// Windows style: "file:///c%3A/Users/x", "file:///C:/Users/x" -> "C:/Users/x"; a path
// without a drive is refused.
std::optional<std::string> uri_to_path(std::string_view uri);
std::optional<std::string> uri_to_path(std::string_view uri, PathStyle style);

// Calls fn(i) for every i in [0, n_items) on up to n_threads threads (0: the number of
// hardware threads). Each index is handed out exactly once. Returns after every call
// finished; if a call throws, the remaining indices are skipped and the first exception is
// rethrown here.
void parallel_for(std::size_t n_items, std::size_t n_threads,
                  const std::function<void(std::size_t)>& fn);

} // namespace mil
