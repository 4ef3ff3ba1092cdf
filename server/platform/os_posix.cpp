#include "platform/os.hpp"

#include <cerrno>
#include <csignal>
#include <vector>

#include <unistd.h>

namespace mil {

std::string current_directory() {
    std::vector<char> buf(4096);
    for (int attempt = 0; attempt < 8; ++attempt) {
        if (::getcwd(buf.data(), buf.size())) return buf.data();
        if (errno != ERANGE) break;
        buf.resize(buf.size() * 2);
    }
    return "";
}

bool is_terminal(std::FILE* stream) {
    return ::isatty(::fileno(stream)) == 1;
}

std::tm local_time(std::time_t t) {
    std::tm tm{};
    ::localtime_r(&t, &tm);
    return tm;
}

std::FILE* open_file(const std::string& path, const char* mode) {
    return std::fopen(path.c_str(), mode);
}

void set_binary_stdio() {
    std::signal(SIGPIPE, SIG_IGN);
}

} // namespace mil
