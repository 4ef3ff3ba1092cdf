// Finding and reading `.magento-integration-ls.json` (the model and its parser are in the
// core: mil/model/settings_file.hpp). Used by `check` and by the language server.
#pragma once

#include "mil/ide/engine.hpp"
#include "mil/model/settings_file.hpp"

#include <optional>
#include <string>
#include <unordered_map>

namespace mil {

// The text of a settings file, never read through a symbolic link (the file in a checkout
// could lead anywhere, and a message would show what it found there), nor anything but a
// regular file. nullopt with *error set when it cannot be read.
std::optional<std::string> read_settings_text(const std::string& path, std::string* error);

// The settings file nearest to a folder: `dir`/.magento-integration-ls.json or the one of its
// nearest ancestor (lexical parents) that has one; "" when none. Something at that name that
// is not a regular file (a symbolic link) counts as found: reading it then says why it is
// refused, rather than a file further up standing in for it.
// Remembered: a folder's answer is its own file or its parent's answer, so the folders of a
// tree share their ancestors' lookups and each folder costs at most one look at the disk (a
// whole-tree `check` asks for some 1,800 folders).
class SettingsFileFinder {
public:
    const std::string& nearest(const std::string& dir);
    void clear() { nearest_.clear(); }

private:
    std::unordered_map<std::string, std::string> nearest_; // folder -> its file or ""
};

// What the engine takes of a settings model (the rest of `to`, a client's capabilities,
// stays). The language server and `check` both turn a settings file into the engine's
// settings with it.
void to_engine_settings(const SettingsFile& from, Settings& to);

} // namespace mil
