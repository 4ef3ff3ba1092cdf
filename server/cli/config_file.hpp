// The settings files of the check command: for each checked file the nearest
// `.magento-integration-ls.json` walking up from its folder, found by the lookup the language
// server uses (workspace/settings_files.hpp), or the one file given with --config. The model
// and its parser are the core's (mil/model/settings_file.hpp, shared with the language
// server).
#pragma once

#include "mil/ide/engine.hpp"
#include "mil/model/settings_file.hpp"
#include "workspace/settings_files.hpp"

#include <functional>
#include <map>
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

// The settings of each file `check` reports, as the language server gives them to a
// document of the same tree (without an editor's settings): the nearest settings file above
// the file, its excludes relative to its own folder. With --config, that one file for every
// file, its excludes relative to the root.
class CheckSettings {
public:
    struct Entry {
        std::string file; // the settings file; "" when there is none
        Settings settings;
        std::vector<std::string> exclude;
        std::string base; // the folder `exclude` is relative to
    };
    // A settings file with mistakes: every problem as "NAME:LINE:COL: error|warning: message"
    // in document order (or the one line saying why it cannot be read).
    struct BadFile {
        std::string name;
        std::vector<std::string> problems;
    };
    // How a settings file is named in messages.
    using ShowPath = std::function<std::string(const std::string& path)>;

    // `forced`: the --config file, read at once; its excludes are relative to `root`.
    // `warn` gets the warnings of a usable file as "NAME:LINE:COL: message", once per file.
    CheckSettings(std::optional<std::string> forced, std::string root, ShowPath show,
                  std::function<void(const std::string&)> warn);

    // The settings of the file at `path` (absolute, normalised). The entry stays valid.
    const Entry& of(const std::string& path);
    // Whether the settings of `path` exclude it.
    bool excluded(const std::string& path);
    // The files read so far that cannot be used (a mistake, or unreadable).
    const std::vector<BadFile>& bad_files() const { return bad_; }

private:
    const Entry& load(const std::string& file, const std::string& name, const std::string& base);

    std::optional<std::string> forced_;
    std::string root_;
    ShowPath show_;
    std::function<void(const std::string&)> warn_;
    SettingsFileFinder nearest_;           // folder -> its nearest settings file
    std::map<std::string, Entry> entries_; // settings file -> its settings
    std::vector<BadFile> bad_;
};

} // namespace mil
