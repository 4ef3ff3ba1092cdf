// The settings file of the check command: `.magento-integration-ls.json` at the checked root
// (or the file given with --config). The model and its parser are the core's
// (mil/model/settings_file.hpp, shared with the language server); the file is read by
// workspace/settings_files.hpp.
#pragma once

#include "mil/model/settings_file.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

inline constexpr const char* kCheckConfigName = kSettingsFileName;

struct CheckConfig : SettingsFile {
    // The problems that are only warnings (unknown keys, codes no rule has), as
    // "FILE:LINE:COL: message".
    std::vector<std::string> warnings;
};

// Parses the text of a settings file. On a mistake (invalid JSON, a value of the wrong type,
// an unknown severity) returns nullopt and sets *error to "NAME:LINE:COL: what is wrong"
// (1-based line, column in characters), the first of them.
std::optional<CheckConfig> parse_check_config(std::string_view text, std::string_view name,
                                              std::string* error);

// Reads and parses a settings file; a file that cannot be read is an error too, and so is a
// symbolic link (not followed) or anything but a regular file.
std::optional<CheckConfig> load_check_config(const std::string& path, std::string* error);

} // namespace mil
