// Writing a report into a folder that someone else may control (a checkout a pull request
// changed): never through a symbolic link, never into a FIFO or device, never over a file
// the caller names as off limits, and never half written.
#pragma once

#include "platform/fileio.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace mil {

// Writes `data` to a new temporary file beside `path` and renames it over `path`. False (and
// *error says why) when `path` is a symbolic link, is not a regular file (a folder, FIFO,
// socket or device), is a file for which `forbidden` answers true (asked with `path` when
// something is there), or cannot be written;
// `path` is then left as it was. The new file gets the old one's permissions, or 0666 less
// the umask.
bool write_file_replacing(const std::string& path, std::string_view data,
                          const std::function<bool(const std::string&)>& forbidden,
                          std::string* error);

} // namespace mil
