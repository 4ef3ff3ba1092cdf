// Files of data/ compiled into the binary (hover docs, the bundled ACL catalogue).
#pragma once

#include <string_view>
#include <vector>

namespace mil {

struct EmbeddedFile {
    std::string_view name; // path relative to data/, e.g. "docs/integration.md"
    std::string_view content;
};

const std::vector<EmbeddedFile>& embedded_files();
// Content of one embedded file, empty when there is none of that name.
std::string_view embedded_file(std::string_view name);
// The lines of one embedded file that carry data: not empty, not a `#` comment, without a
// trailing '\r'.
std::vector<std::string_view> embedded_lines(std::string_view name);

} // namespace mil
