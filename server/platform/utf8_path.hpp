// std::filesystem::path <-> the UTF-8 strings used everywhere else (on Windows the path is
// UTF-16 inside, and a plain std::string would be read in the ANSI code page).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>

namespace mil {

// Where a path is made of bytes (POSIX), they are taken as they are, without the detour
// through std::u8string (two copies for each of the thousands of paths an index opens).
inline constexpr bool kBytePaths = std::is_same_v<std::filesystem::path::value_type, char>;

inline std::filesystem::path utf8_path(std::string_view s) {
    if constexpr (kBytePaths)
        return std::filesystem::path(s);
    else
        return std::filesystem::path(std::u8string(s.begin(), s.end()));
}

// With '/' between segments.
inline std::string utf8_string(const std::filesystem::path& p) {
    if constexpr (kBytePaths) {
        return p.generic_string();
    } else {
        const std::u8string u = p.generic_u8string();
        return std::string(u.begin(), u.end());
    }
}

} // namespace mil
