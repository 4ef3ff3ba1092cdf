// Facts about the process and its surroundings that differ between operating systems:
// the current folder, terminals, local time, files opened by a UTF-8 name, and the
// standard streams in binary mode. os_posix.cpp serves Linux and every other POSIX system
// (whichever MIL_PLATFORM), os_windows.cpp Windows.
#pragma once

#include <cstdio>
#include <ctime>
#include <string>

namespace mil {

// The current folder, UTF-8 with '/' between segments; "" when it cannot be known.
std::string current_directory();

// True when `stream` (stdout or stderr) is a terminal.
bool is_terminal(std::FILE* stream);

// `t` in the local time zone.
std::tm local_time(std::time_t t);

// std::fopen for a UTF-8 file name (Windows: the wide name), or nullptr.
std::FILE* open_file(const std::string& path, const char* mode);

// stdin and stdout as byte streams: no newline translation (Windows), and a vanished reader
// of a pipe is a write error instead of a signal that ends the process (POSIX: SIGPIPE
// ignored). Call once, before reading the LSP stream.
void set_binary_stdio();

} // namespace mil
