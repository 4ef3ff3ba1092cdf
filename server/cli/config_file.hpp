// The settings file of the check command: `.magento-integration-ls.json` at the checked root
// (or the file given with --config).
//
//   {
//     "severity": { "missing-parent": "error", "deprecated-integration-config": "off" },
//     "exclude": [ "vendor/**", "app/code/Legacy/*/etc/integration" ]
//   }
//
// "severity" maps a rule code to error, warning, info, hint or off. "exclude" lists globs
// relative to the root: `*` and `?` stay within one path segment, a `**` segment spans any
// number of segments (none included); a pattern that matches a folder excludes everything
// below it.
#pragma once

#include "mil/base/diagnostic.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

inline constexpr const char* kCheckConfigName = ".magento-integration-ls.json";

struct CheckConfig {
    // Severity per code; nullopt turns the code off.
    std::map<std::string, std::optional<Severity>, std::less<>> severity;
    std::vector<std::string> exclude;
    // "completion": {"insertParents": bool}, for the editor.
    std::optional<bool> insert_parents;
    // "knownResources" and "knownModules": ids and modules of optional dependencies.
    std::vector<std::string> known_resources;
    std::vector<std::string> known_modules;
    // Things that are accepted but look wrong (unknown keys, codes no rule has), as
    // "FILE:LINE:COL: message".
    std::vector<std::string> warnings;
};

// Parses the text of a settings file. On a mistake (invalid JSON, a value of the wrong type,
// an unknown severity) returns nullopt and sets *error to "NAME:LINE:COL: what is wrong"
// (1-based line, column in characters).
std::optional<CheckConfig> parse_check_config(std::string_view text, std::string_view name,
                                              std::string* error);

// Reads and parses a settings file; a file that cannot be read is an error too, and so is a
// symbolic link (not followed) or anything but a regular file.
std::optional<CheckConfig> load_check_config(const std::string& path, std::string* error);

// True when `path` (relative, '/' separators) matches the glob `pattern`.
bool glob_match(std::string_view pattern, std::string_view path);

// True when `path` or one of the folders it lies in matches one of the patterns.
bool is_excluded(const std::vector<std::string>& patterns, std::string_view path);

} // namespace mil
