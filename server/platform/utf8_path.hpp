// std::filesystem::path <-> the UTF-8 strings used everywhere else (on Windows the path is
// UTF-16 inside, and a plain std::string would be read in the ANSI code page).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mil {

inline std::filesystem::path utf8_path(std::string_view s) {
    return std::filesystem::path(std::u8string(s.begin(), s.end()));
}

// With '/' between segments.
inline std::string utf8_string(const std::filesystem::path& p) {
    const std::u8string u = p.generic_u8string();
    return std::string(u.begin(), u.end());
}

} // namespace mil
