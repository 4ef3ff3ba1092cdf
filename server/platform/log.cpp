#include "platform/log.hpp"

#include "platform/os.hpp"

#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <mutex>

namespace mil::log {
namespace {

struct State {
    std::mutex mutex;
    std::FILE* out = stderr;
    std::FILE* owned = nullptr; // set when `out` was opened by set_file
};

State& state() {
    static State s;
    return s;
}

std::atomic<int> g_level{static_cast<int>(Level::info)};

void replace_output(State& s, std::FILE* out, std::FILE* owned) {
    if (s.owned != nullptr && s.owned != owned) std::fclose(s.owned);
    s.out = out;
    s.owned = owned;
}

std::string timestamp() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t secs = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::tm tm = local_time(secs);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return fmt::format("{}.{:03}", buf, ms);
}

} // namespace

void set_output(std::FILE* out) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (out == stdout) out = stderr;
    replace_output(s, out, nullptr);
}

bool set_file(const std::string& path) {
    std::FILE* f = open_file(path, "a");
    if (f == nullptr) return false;
    State& s = state();
    std::lock_guard lock(s.mutex);
    replace_output(s, f, f);
    return true;
}

void set_level(Level level) {
    g_level.store(static_cast<int>(level));
}
Level level() {
    return static_cast<Level>(g_level.load());
}
bool enabled(Level level) {
    return static_cast<int>(level) <= g_level.load();
}

std::optional<Level> parse_level(std::string_view name) {
    std::string lower;
    for (char c : name)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "error") return Level::error;
    if (lower == "warn" || lower == "warning") return Level::warn;
    if (lower == "info") return Level::info;
    if (lower == "debug") return Level::debug;
    return std::nullopt;
}

std::string_view level_name(Level level) {
    switch (level) {
    case Level::error:
        return "error";
    case Level::warn:
        return "warn";
    case Level::info:
        return "info";
    case Level::debug:
        return "debug";
    }
    return "?";
}

void write(Level level, std::string_view message) {
    if (!enabled(level)) return;
    try {
        std::string line = fmt::format("{} [{}] ", timestamp(), level_name(level));
        line.append(message);
        // One message, one line: control characters (newlines, escape sequences from
        // client input) become spaces.
        for (char& c : line)
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = ' ';
        line += '\n';
        State& s = state();
        std::lock_guard lock(s.mutex);
        if (s.out == nullptr) return;
        std::fwrite(line.data(), 1, line.size(), s.out);
        std::fflush(s.out);
    } catch (...) {
        // Logging must never take the server down.
    }
}

namespace detail {
void vwrite(Level level, fmt::string_view format, fmt::format_args args) noexcept {
    try {
        write(level, fmt::vformat(format, args));
    } catch (...) {
    }
}
} // namespace detail

} // namespace mil::log
