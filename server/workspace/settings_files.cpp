#include "workspace/settings_files.hpp"

#include "platform/fileio.hpp"

namespace mil {

std::optional<std::string> read_settings_text(const std::string& path, std::string* error) {
    std::string read_error;
    auto text = read_file_no_follow(path, kSettingsFileMaxBytes, &read_error);
    if (!text && error) *error = read_error.empty() ? path + ": cannot read the file" : read_error;
    return text;
}

std::string find_settings_file(const std::string& dir) {
    std::string cur = normalize_path(dir);
    for (;;) {
        std::string candidate = join_path(cur, kSettingsFileName);
        if (path_exists_no_follow(candidate)) return candidate;
        std::string up = parent_path(cur);
        if (up == cur) return {};
        cur = std::move(up);
    }
}

void to_engine_settings(const SettingsFile& from, Settings& to) {
    to.severity = from.severity;
    to.known_resources = {from.known_resources.begin(), from.known_resources.end()};
    to.known_modules = {from.known_modules.begin(), from.known_modules.end()};
    to.insert_parents = from.insert_parents.value_or(true);
}

} // namespace mil
