// A streaming reader of Composer's vendor/composer/installed.json that keeps only what module
// discovery needs (name, install-path and autoload.files of each magento2-module package)
// and skips everything else without building a document: the file of a full Magento tree is
// over a megabyte, nearly all of it metadata discovery never looks at.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

struct InstalledPackage {
    std::string name;                        // "" when absent or not a string
    std::string install_path;                // "" when absent or not a string
    std::vector<std::string> autoload_files; // the strings of autoload.files, in order
};

struct InstalledJson {
    enum class Status {
        Ok,         // Composer 2 {"packages": [...]} or Composer 1 [...]
        NotJson,    // `error` says where and why
        WrongShape, // valid JSON, but neither of the two forms
    };
    Status status = Status::Ok;
    std::string error; // NotJson: "line L, column C: what was wrong"
    // The packages whose "type" is "magento2-module", in the order of the file.
    std::vector<InstalledPackage> modules;
};

// Reads the text of an installed.json. The whole text is checked as JSON (RFC 8259, as
// strictly as nlohmann::json::parse: UTF-8 and \u escapes validated, a leading UTF-8 byte
// order mark skipped, no comments, no nesting limit); when a key appears more than once in
// an object the last one counts. Never throws; runs in time linear in the text, without
// recursion on the nesting depth.
//
// `early`, when given, is called with each magento2-module package as soon as its object has
// been read, before the rest of the text is checked: a caller may start work on it, but the
// answer is the returned value (an error further on, or a later "packages" member, takes
// those packages back).
InstalledJson read_installed_json(std::string_view text,
                                  const std::function<void(const InstalledPackage&)>& early = {});

} // namespace mil
