#include "platform/trace_file.hpp"
#include "mil/base/strings.hpp"
#include "mil/version.hpp"
#include "platform/os.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <string_view>

#include <fmt/format.h>

namespace mil {

namespace {

struct Event {
    const char* name;
    std::string detail;
    std::int64_t begin_ns, end_ns; // since the origin
    std::uint32_t tid;
    bool wait; // an async wait (b/e pair), not a span of the thread
};

// Details longer than this are cut (a path, a method): the trace stays bounded.
constexpr std::size_t kMaxDetail = 512;

std::atomic<std::uint32_t> g_next_tid{1};
thread_local std::uint32_t t_tid = 0;

std::uint32_t this_tid() {
    if (t_tid == 0) t_tid = g_next_tid++;
    return t_tid;
}

// A JSON string's content: escapes, and U+FFFD for bytes that are not UTF-8.
void append_escaped(fmt::memory_buffer& out, std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
            ++i;
        } else if (c < 0x20) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
            ++i;
        } else if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
        } else {
            bool valid = false;
            const std::size_t n = utf8_step(s, i, valid);
            if (valid)
                out.append(s.data() + i, s.data() + i + n);
            else
                out.append(std::string_view("\xEF\xBF\xBD"));
            i += n;
        }
    }
}

// Nanoseconds as microseconds with three decimals, exactly (no rounding through a double), so
// that a span inside another stays inside in the file.
void append_us(fmt::memory_buffer& out, std::int64_t ns) {
    if (ns < 0) {
        out.push_back('-');
        ns = -ns;
    }
    fmt::format_to(std::back_inserter(out), "{}.{:03}", ns / 1000, ns % 1000);
}

class Recorder final : public trace::Sink {
public:
    bool start(const std::string& path, trace::Clock::time_point origin, std::string* error,
               std::size_t max_events) {
        std::FILE* f = open_file(path, "wb");
        if (!f) {
            if (error) *error = "cannot create the trace file '" + path + "'";
            return false;
        }
        std::fclose(f);
        std::lock_guard lock(mutex_);
        path_ = path;
        origin_ = origin;
        events_.clear();
        dropped_ = 0;
        max_events_ = max_events;
        active_ = true;
        return true;
    }

    void stop() {
        std::lock_guard lock(mutex_);
        active_ = false;
    }

    bool flush() {
        fmt::memory_buffer out;
        std::string path;
        {
            std::lock_guard lock(mutex_);
            if (path_.empty()) return false;
            path = path_;
            write(out);
        }
        std::FILE* f = open_file(path, "wb");
        if (!f) return false;
        const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
        return std::fclose(f) == 0 && ok;
    }

    void span(const char* name, std::string_view detail, trace::Clock::time_point begin,
              trace::Clock::time_point end) noexcept override {
        add(name, detail, begin, end, false);
    }
    void wait(const char* name, std::string_view detail, trace::Clock::time_point begin,
              trace::Clock::time_point end) noexcept override {
        add(name, detail, begin, end, true);
    }
    void name_thread(std::string_view name) noexcept override {
        try {
            const std::uint32_t tid = this_tid();
            std::lock_guard lock(mutex_);
            thread_names_[tid] = std::string(name);
        } catch (...) {
        }
    }
    const char* intern(std::string_view name) noexcept override {
        try {
            std::lock_guard lock(mutex_);
            return names_.emplace(name).first->c_str();
        } catch (...) {
            return "?";
        }
    }

private:
    void add(const char* name, std::string_view detail, trace::Clock::time_point begin,
             trace::Clock::time_point end, bool wait) noexcept {
        try {
            const std::uint32_t tid = this_tid();
            std::lock_guard lock(mutex_);
            if (!active_) return;
            if (events_.size() >= max_events_) {
                ++dropped_;
                return;
            }
            auto ns = [&](trace::Clock::time_point t) {
                return std::chrono::duration_cast<std::chrono::nanoseconds>(t - origin_).count();
            };
            events_.push_back({name, std::string(detail.substr(0, kMaxDetail)),
                               static_cast<std::int64_t>(ns(begin)),
                               static_cast<std::int64_t>(ns(end)), tid, wait});
        } catch (...) {
            ++dropped_; // out of memory: counted as dropped
        }
    }

    // Under mutex_.
    void write(fmt::memory_buffer& out) const {
        auto put = [&](std::string_view s) { out.append(s); };
        put("{\"traceEvents\":[\n");
        put(R"({"ph":"M","pid":1,"tid":0,"name":"process_name","args":{"name":")");
        append_escaped(out, kName);
        put("\"}}");
        for (const auto& [tid, name] : thread_names_) {
            fmt::format_to(std::back_inserter(out),
                           ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_name\","
                           "\"args\":{{\"name\":\"",
                           tid);
            append_escaped(out, name);
            put("\"}}");
        }
        std::uint64_t wait_id = 0;
        for (const Event& e : events_) {
            auto common = [&](const char* ph) {
                fmt::format_to(std::back_inserter(out), ",\n{{\"ph\":\"{}\",\"pid\":1,\"tid\":{},",
                               ph, e.tid);
                put("\"name\":\"");
                append_escaped(out, e.name ? e.name : "?");
                put("\"");
            };
            auto args = [&] {
                if (e.detail.empty()) return;
                put(",\"args\":{\"detail\":\"");
                append_escaped(out, e.detail);
                put("\"}");
            };
            if (!e.wait) {
                common("X");
                put(",\"ts\":");
                append_us(out, e.begin_ns);
                put(",\"dur\":");
                append_us(out, e.end_ns - e.begin_ns);
                args();
                put("}");
            } else {
                ++wait_id;
                common("b");
                fmt::format_to(std::back_inserter(out),
                               ",\"cat\":\"queue\",\"id\":{},\"ts\":", wait_id);
                append_us(out, e.begin_ns);
                args();
                put("}");
                common("e");
                fmt::format_to(std::back_inserter(out),
                               ",\"cat\":\"queue\",\"id\":{},\"ts\":", wait_id);
                append_us(out, e.end_ns);
                put("}");
            }
        }
        fmt::format_to(std::back_inserter(out),
                       "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{{\"version\":\"{}\","
                       "\"events\":{},\"max_events\":{},\"dropped_events\":{}}}}}\n",
                       kVersion, events_.size(), max_events_, dropped_.load());
    }

    std::mutex mutex_;
    std::string path_;
    trace::Clock::time_point origin_;
    std::deque<Event> events_;
    std::atomic<std::size_t> dropped_{0};
    std::size_t max_events_ = kMaxTraceEvents;
    bool active_ = false;
    std::map<std::uint32_t, std::string> thread_names_;
    std::set<std::string> names_; // interned: node-based, so c_str() stays put
};

// Never destroyed: a span still open on some thread at exit may end after main returns.
Recorder& recorder() {
    static Recorder* r = new Recorder;
    return *r;
}

} // namespace

bool start_trace(const std::string& path, trace::Clock::time_point origin, std::string* error,
                 std::size_t max_events) {
    if (!recorder().start(path, origin, error, max_events)) return false;
    trace::install(&recorder());
    trace::name_thread("main");
    return true;
}

bool flush_trace() {
    if (!trace::enabled()) return false;
    return recorder().flush();
}

void stop_trace() {
    if (!trace::enabled()) return;
    recorder().flush();
    trace::install(nullptr);
    recorder().stop();
}

} // namespace mil
