#include "mil/base/embedded.hpp"

namespace mil {

std::string_view embedded_file(std::string_view name) {
    for (const auto& f : embedded_files())
        if (f.name == name) return f.content;
    return {};
}

std::vector<std::string_view> embedded_lines(std::string_view name) {
    std::vector<std::string_view> out;
    std::string_view text = embedded_file(name);
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && line.front() != '#') out.push_back(line);
    }
    return out;
}

} // namespace mil
