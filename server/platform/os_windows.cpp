#include "platform/os.hpp"

#include "platform/utf8_path.hpp"

#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <io.h>

namespace mil {

std::string current_directory() {
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    return ec ? std::string() : utf8_string(cwd);
}

bool is_terminal(std::FILE* stream) {
    return ::_isatty(::_fileno(stream)) != 0;
}

std::tm local_time(std::time_t t) {
    std::tm tm{};
    ::localtime_s(&tm, &t);
    return tm;
}

std::FILE* open_file(const std::string& path, const char* mode) {
    const std::wstring wmode(mode, mode + std::char_traits<char>::length(mode));
    return ::_wfopen(utf8_path(path).c_str(), wmode.c_str());
}

void set_binary_stdio() {
    // Text mode would write "\r\n" for each '\n' of a frame, and its Content-Length would lie.
    ::_setmode(::_fileno(stdin), _O_BINARY);
    ::_setmode(::_fileno(stdout), _O_BINARY);
}

} // namespace mil
