// Spans of a session's trace (the server's `--trace FILE`): names and steady-clock times,
// handed to a sink that the server installs. The core only records; the sink (in
// server/platform) keeps the events and writes them out.
//
// Off by default and free when off: with no sink installed, a Span costs one load and one
// branch (no clock read, no allocation, no formatting), so spans may sit on hot paths.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string_view>

namespace mil::trace {

using Clock = std::chrono::steady_clock;

// Receives the events of every thread. Implementations are thread-safe and never throw.
class Sink {
public:
    virtual ~Sink() = default;
    // A finished span of the calling thread. `name` lives as long as the program (a literal or
    // a name from intern()); `detail` is copied if kept.
    virtual void span(const char* name, std::string_view detail, Clock::time_point begin,
                      Clock::time_point end) noexcept = 0;
    // A wait that began on one thread and ended on another (a message in the main loop's
    // queue): shown apart from the threads' own spans.
    virtual void wait(const char* name, std::string_view detail, Clock::time_point begin,
                      Clock::time_point end) noexcept = 0;
    // Names the calling thread in the trace ("index worker").
    virtual void name_thread(std::string_view name) noexcept = 0;
    // A name that lives as long as the program, for names known only at run time (methods).
    virtual const char* intern(std::string_view name) noexcept = 0;
};

namespace detail {
inline std::atomic<Sink*> g_sink{nullptr};
inline thread_local Clock::time_point t_last_end{}; // when this thread's last Span ended
} // namespace detail

// The installed sink, or nullptr when tracing is off.
inline Sink* sink() noexcept {
    return detail::g_sink.load(std::memory_order_acquire);
}
// Installs `s` (nullptr: tracing off). The sink must outlive every span started meanwhile.
inline void install(Sink* s) noexcept {
    detail::g_sink.store(s, std::memory_order_release);
}
inline bool enabled() noexcept {
    return sink() != nullptr;
}

inline void name_thread(std::string_view name) noexcept {
    if (Sink* s = sink()) s->name_thread(name);
}

// The time work is handed to a thread, for thread_start(): the epoch when tracing is off (no
// clock read).
inline Clock::time_point handed_now() noexcept {
    return enabled() ? Clock::now() : Clock::time_point{};
}

// On a thread that takes work handed to it at `handed` (handed_now()): names the thread and
// records "thread start" from then, or from the end of the thread's last span if later (a
// thread still warming up when the work came starts it there, so that its spans nest), to now.
inline void thread_start(std::string_view thread_name, Clock::time_point handed) noexcept {
    if (Sink* s = sink()) {
        s->name_thread(thread_name);
        s->span("thread start", {}, std::max(handed, detail::t_last_end), Clock::now());
    }
}

// A span from its construction to its destruction, on one thread. `detail` must stay valid
// until the span ends.
class Span {
public:
    explicit Span(const char* name, std::string_view detail = {}) noexcept : sink_(sink()) {
        if (sink_) {
            name_ = name;
            detail_ = detail;
            begin_ = Clock::now();
        }
    }
    ~Span() { end(); }
    // Ends the span now (before the end of its scope); later calls do nothing.
    void end() noexcept {
        if (sink_) {
            const Clock::time_point now = Clock::now();
            sink_->span(name_, detail_, begin_, now);
            detail::t_last_end = now;
        }
        sink_ = nullptr;
    }
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;

private:
    Sink* sink_;
    const char* name_ = nullptr;
    std::string_view detail_;
    Clock::time_point begin_;
};

} // namespace mil::trace
