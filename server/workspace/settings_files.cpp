#include "workspace/settings_files.hpp"

#include "platform/fileio.hpp"

#include <vector>

namespace mil {

std::optional<std::string> read_settings_text(const std::string& path, std::string* error) {
    std::string read_error;
    auto text = read_file_no_follow(path, kSettingsFileMaxBytes, &read_error);
    if (!text && error) *error = read_error.empty() ? path + ": cannot read the file" : read_error;
    return text;
}

const std::string& SettingsFileFinder::nearest(const std::string& dir) {
    const std::string start = normalize_path(dir);
    if (auto it = nearest_.find(start); it != nearest_.end()) return it->second;
    // The folders from `start` up to the first one answered (remembered, or holding the
    // file, or the top): all of them get that answer.
    std::vector<std::string> chain;
    std::string found, cur = start;
    for (;;) {
        if (auto it = nearest_.find(cur); it != nearest_.end()) {
            found = it->second;
            break;
        }
        chain.push_back(cur);
        if (std::string candidate = join_path(cur, kSettingsFileName);
            path_exists_no_follow(candidate)) {
            found = std::move(candidate);
            break;
        }
        std::string up = parent_path(cur);
        if (up == cur) break;
        cur = std::move(up);
    }
    for (std::string& folder : chain)
        nearest_.emplace(std::move(folder), found);
    return nearest_.at(start);
}

void to_engine_settings(const SettingsFile& from, Settings& to) {
    to.severity = from.severity;
    to.known_resources = {from.known_resources.begin(), from.known_resources.end()};
    to.known_modules = {from.known_modules.begin(), from.known_modules.end()};
    to.insert_parents = from.insert_parents.value_or(true);
}

} // namespace mil
