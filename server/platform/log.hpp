// Logging for the server side: timestamped lines, thread-safe, never on stdout.
//
// stdout carries the protocol, so the log goes to stderr by default, or to a file.
// Every function here may be called from any thread; a line is written and flushed
// under one mutex so lines from different threads never interleave.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace mil::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

// Writes to `out` (not owned). stdout is refused and replaced by stderr; nullptr
// silences the log.
void set_output(std::FILE* out);
// Appends to the file at `path` (owned, closed when replaced). Returns false and keeps
// the current output when the file cannot be opened.
bool set_file(const std::string& path);
// Messages above `level` are dropped. Default: info.
void set_level(Level level);
Level level();
bool enabled(Level level);
// "error", "warn"/"warning", "info", "debug" (any case) -> Level.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

// Writes one line "YYYY-MM-DD hh:mm:ss.mmm [level] message". Never throws.
void write(Level level, std::string_view message);

namespace detail {
void vwrite(Level level, fmt::string_view format, fmt::format_args args) noexcept;
}

template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::error)) detail::vwrite(Level::error, format, fmt::make_format_args(args...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::warn)) detail::vwrite(Level::warn, format, fmt::make_format_args(args...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::info)) detail::vwrite(Level::info, format, fmt::make_format_args(args...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::debug)) detail::vwrite(Level::debug, format, fmt::make_format_args(args...));
}

} // namespace mil::log
