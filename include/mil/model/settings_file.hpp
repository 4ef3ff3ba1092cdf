// The settings file `.magento-integration-ls.json`: one model and one parser, used by `check`
// and by the language server (which also parses the editor's settings with it).
//
//   {
//     "severity": { "missing-parent": "error", "deprecated-integration-config": "off" },
//     "exclude": [ "vendor/**", "app/code/Legacy/*/etc/integration" ],
//     "knownResources": [ "Vendor_Optional::manage" ], "knownModules": [ "Vendor_Optional" ],
//     "completion": { "insertParents": true }
//   }
//
// "severity" maps a rule code to error, warning, info, hint or off. "exclude" lists globs
// relative to the folder of the settings file (with `check --config FILE`, the root): `*`, `?`
// stay within one path segment, a `**` segment spans any number of segments (none included);
// a pattern that matches a folder excludes everything below it.
//
// The reading of the file stays in the server (it must not follow a symbolic link); the core
// only sees its text.
#pragma once

#include "mil/base/diagnostic.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

inline constexpr const char* kSettingsFileName = ".magento-integration-ls.json";
// A settings file larger than this is not read.
inline constexpr std::size_t kSettingsFileMaxBytes = 1u << 20;

// Something wrong in a settings text. An Error is a value that cannot be used (invalid JSON,
// a value of the wrong type, an unknown severity): the entry is left out. A Warning is
// something accepted that looks wrong (an unknown key, a code no rule has).
struct SettingsProblem {
    Range range; // byte range in the text
    Severity severity = Severity::Error;
    std::string message;
};

struct SettingsFile {
    // Severity per code; nullopt turns the code off.
    std::map<std::string, std::optional<Severity>, std::less<>> severity;
    std::vector<std::string> exclude;
    // "completion": {"insertParents": bool}, for the editor.
    std::optional<bool> insert_parents;
    // "knownResources" and "knownModules": ids and modules of optional dependencies.
    std::vector<std::string> known_resources;
    std::vector<std::string> known_modules;
    // Which of the keys the text gives (an editor's settings override only those).
    bool has_severity = false, has_exclude = false, has_known_resources = false,
         has_known_modules = false;
    // In document order. With invalid JSON, that one error and no settings.
    std::vector<SettingsProblem> problems;

    // The first Error, or nullptr.
    const SettingsProblem* first_error() const;
};

// Parses the text of a settings file (never throws). Every mistake is a problem; the entries
// that are fine are kept.
SettingsFile parse_settings_file(std::string_view text);

// `top` laid over `base`, as the editor's settings override the file's: severities per code,
// each other key whole when `top` gives it.
SettingsFile overlay_settings(SettingsFile base, const SettingsFile& top);

// "NAME:LINE:COL: message" for a problem of `text` (1-based line, column in characters), as
// `check` prints it.
std::string settings_problem_text(std::string_view text, std::string_view name,
                                  const SettingsProblem& problem);

// True when `path` (relative, '/' separators) matches the glob `pattern`.
bool glob_match(std::string_view pattern, std::string_view path);

// True when `path` or one of the folders it lies in matches one of the patterns.
bool is_excluded(const std::vector<std::string>& patterns, std::string_view path);

} // namespace mil
