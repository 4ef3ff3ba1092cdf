// The trace of a session (`--trace FILE`): the sink of mil/base/trace.hpp that keeps the
// events of every thread in memory and writes them in the Chrome trace event format (a JSON
// object with "traceEvents"; open it in https://ui.perfetto.dev or chrome://tracing).
//
// Spans are "X" (complete) events with ts/dur in microseconds since the trace's origin; the
// threads are named by "M" (metadata) events; a wait that crosses threads (a message in the
// main loop's queue) is an async "b"/"e" pair. At most kMaxTraceEvents events are kept (some
// 16 MB: an event is 64 bytes and its detail, a path or a method, cut at 512 bytes); the rest
// are counted, and the file's "otherData" says how many were dropped.
#pragma once

#include "mil/base/trace.hpp"

#include <cstddef>
#include <string>

namespace mil {

inline constexpr std::size_t kMaxTraceEvents = 100000;

// Starts recording into `path` (created now, so that an unwritable path fails at once):
// installs the recorder as the trace sink. `origin` is the time 0 of the trace (the process
// start, when known; else now). At most `max_events` events are kept. False (and *error)
// when the file cannot be created.
bool start_trace(const std::string& path, trace::Clock::time_point origin, std::string* error,
                 std::size_t max_events = kMaxTraceEvents);
// Writes every event recorded so far to the file (replacing its content). Thread-safe; does
// nothing when no trace was started.
bool flush_trace();
// Flushes, then stops recording (the sink is removed; spans still open are dropped).
void stop_trace();

} // namespace mil
