#include "platform/fileio.hpp"
#include "mil/base/strings.hpp"

#include "platform/os.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

// The path arithmetic and file:// URIs, shared by both platforms: no OS call here.

namespace mil {

namespace {

bool is_ascii_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
bool same_char(char a, char b, PathStyle style) {
    return style == PathStyle::Windows ? lower(a) == lower(b) : a == b;
}
bool same_text(std::string_view a, std::string_view b, PathStyle style) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [style](char x, char y) { return same_char(x, y, style); });
}
bool has_drive(std::string_view p) {
    return p.size() >= 2 && is_ascii_alpha(p[0]) && p[1] == ':';
}

// Length of the root of a path whose separators are '/': 1 for "/a", 3 for "C:/a" (Windows
// style), 0 for a relative path.
std::size_t root_size(std::string_view p, PathStyle style) {
    if (style == PathStyle::Windows && has_drive(p) && p.size() >= 3 && p[2] == '/') return 3;
    return !p.empty() && p.front() == '/' ? 1 : 0;
}
bool is_absolute(std::string_view p, PathStyle style) {
    if (style == PathStyle::Windows && has_drive(p)) return true; // "C:" is "C:/"
    return !p.empty() && (p.front() == '/' || (style == PathStyle::Windows && p.front() == '\\'));
}

// Whether normalize_path() would return `path` (its separators '/') unchanged: not empty, no
// empty, "." or ".." segment and no '/' at the end (but a root itself). Most paths the
// indexer joins are.
bool is_normal_path(std::string_view path, std::size_t root) {
    if (path.empty()) return false;
    if (path.size() == root) return true;
    if (path.back() == '/') return false;
    std::size_t seg = root; // start of the current segment
    for (std::size_t i = seg; i <= path.size(); ++i) {
        if (i < path.size() && path[i] != '/') continue;
        const std::size_t len = i - seg;
        if (len == 0) return false;
        if (path[seg] == '.' && (len == 1 || (len == 2 && path[seg + 1] == '.'))) return false;
        seg = i + 1;
    }
    return true;
}

// Windows style: '\\' as '/', the drive letter upper case, "C:" as "C:/".
std::string windows_separators(std::string_view in) {
    std::string s(in);
    std::replace(s.begin(), s.end(), '\\', '/');
    if (has_drive(s)) {
        s[0] = upper(s[0]);
        if (s.size() == 2) s.push_back('/');
    }
    return s;
}

} // namespace

std::string normalize_path(std::string_view in, PathStyle style) {
    std::string converted;
    std::string_view path = in;
    if (style == PathStyle::Windows) {
        converted = windows_separators(in);
        path = converted;
    }
    const std::size_t root = root_size(path, style);
    if (is_normal_path(path, root)) return std::string(path);
    std::vector<std::string_view> parts;
    std::size_t i = root;
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
                else if (root == 0)
                    parts.push_back(seg);
                // ".." above the root stays at the root
            } else {
                parts.push_back(seg);
            }
        }
        i = j;
    }
    std::string out;
    out.reserve(path.size());
    out.append(path.substr(0, root));
    for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k) out.push_back('/');
        out.append(parts[k]);
    }
    if (out.empty()) out = ".";
    return out;
}

std::string normalize_path(std::string_view path) {
    return normalize_path(path, kNativePathStyle);
}

std::string join_path(std::string_view base, std::string_view rel) {
    constexpr PathStyle style = kNativePathStyle;
    if (is_absolute(rel, style)) return normalize_path(rel);
    if (base.empty()) return normalize_path(rel);
    std::string s;
    s.reserve(base.size() + 1 + rel.size());
    s.append(base);
    s.push_back('/');
    s.append(rel);
    if (style == PathStyle::Posix && is_normal_path(s, root_size(s, style))) return s;
    return normalize_path(s);
}

std::string parent_path(std::string_view path) {
    std::string p = normalize_path(path);
    const std::size_t root = root_size(p, kNativePathStyle);
    if (root > 0 && p.size() == root) return p;
    if (p == ".") return "..";
    std::size_t slash = p.rfind('/');
    if (slash == std::string::npos) {
        // "a" -> "."; ".." -> "../.."
        if (p == ".." || p.ends_with("/..")) return p + "/..";
        return ".";
    }
    if (p.substr(slash + 1) == "..") return p + "/..";
    if (slash + 1 == root) return p.substr(0, root);
    return p.substr(0, slash);
}

std::string file_name(std::string_view path) {
    std::string p = normalize_path(path);
    const std::size_t root = root_size(p, kNativePathStyle);
    if (root > 0 && p.size() == root) return "";
    std::size_t slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string absolute_path(std::string_view path) {
    if (is_absolute(path, kNativePathStyle)) return normalize_path(path);
    std::string cwd = current_directory();
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
    constexpr PathStyle style = kNativePathStyle;
    std::string p = normalize_path(path);
    std::string b = normalize_path(base);
    const bool pa = root_size(p, style) > 0;
    const bool ba = root_size(b, style) > 0;
    if (pa != ba) return p;
    auto ps = split_segments(p);
    auto bs = split_segments(b);
    if (!pa) {
        // "." is the empty relative path.
        if (p == ".") ps.clear();
        if (b == ".") bs.clear();
    }
    std::size_t common = 0;
    while (common < ps.size() && common < bs.size() && same_text(ps[common], bs[common], style))
        ++common;
    // Another drive: no relative path leads there.
    if (style == PathStyle::Windows && pa && common == 0 && has_drive(p)) return p;
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

bool path_is_within(std::string_view path, std::string_view dir, PathStyle style) {
    std::string p = normalize_path(path, style);
    std::string d = normalize_path(dir, style);
    if (same_text(p, d, style)) return true;
    const std::size_t root = root_size(d, style);
    if (root > 0 && d.size() == root)
        return p.size() >= root && same_text(std::string_view(p).substr(0, root), d, style);
    if (d == ".") return root_size(p, style) == 0 && !p.starts_with("..");
    return p.size() > d.size() && same_text(std::string_view(p).substr(0, d.size()), d, style) &&
           p[d.size()] == '/';
}

bool path_is_within(std::string_view path, std::string_view dir) {
    return path_is_within(path, dir, kNativePathStyle);
}

std::string path_to_uri(std::string_view path, PathStyle style) {
    static const char hex[] = "0123456789ABCDEF";
    const std::string abs =
        style == kNativePathStyle ? absolute_path(path) : normalize_path(path, style);
    std::string out = "file://";
    out.reserve(out.size() + abs.size() * 3);
    std::string_view rest = abs;
    if (style == PathStyle::Windows && has_drive(rest)) {
        // As VS Code writes them: "file:///c%3A/Users".
        out.push_back('/');
        out.push_back(lower(rest[0]));
        out.append("%3A");
        rest.remove_prefix(2);
    }
    for (unsigned char c : rest) {
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

std::string path_to_uri(std::string_view path) {
    return path_to_uri(path, kNativePathStyle);
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
bool iequals_prefix(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[i]) != prefix[i]) return false;
    }
    return true;
}
} // namespace

std::optional<std::string> uri_to_path(std::string_view uri, PathStyle style) {
    if (!iequals_prefix(uri, "file:")) return std::nullopt;
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
    if (style == PathStyle::Windows) {
        // "/c:/Users" -> "c:/Users"; a path without a drive names nothing on Windows.
        if (!has_drive(std::string_view(out).substr(1))) return std::nullopt;
        out.erase(0, 1);
    }
    return normalize_path(out, style);
}

std::optional<std::string> uri_to_path(std::string_view uri) {
    return uri_to_path(uri, kNativePathStyle);
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
