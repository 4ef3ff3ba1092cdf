#include "cli/config_file.hpp"

#include "platform/fileio.hpp"
#include "workspace/settings_files.hpp"

#include <fmt/format.h>

namespace mil {

std::optional<CheckConfig> parse_check_config(std::string_view text, std::string_view name,
                                              std::string* error) {
    CheckConfig config;
    static_cast<SettingsFile&>(config) = parse_settings_file(text);
    if (const SettingsProblem* e = config.first_error()) {
        if (error) *error = settings_problem_text(text, name, *e);
        return std::nullopt;
    }
    for (const auto& p : config.problems)
        config.warnings.push_back(settings_problem_text(text, name, p));
    return config;
}

CheckSettings::CheckSettings(std::optional<std::string> forced, std::string root, ShowPath show,
                             std::function<void(const std::string&)> warn)
    : forced_(std::move(forced)), root_(std::move(root)), show_(std::move(show)),
      warn_(std::move(warn)) {
    if (forced_) load(*forced_, *forced_, root_);
}

const CheckSettings::Entry& CheckSettings::of(const std::string& path) {
    if (forced_) return load(*forced_, *forced_, root_);
    // The lookup of the language server (LspServer::settings_of): the nearest file above
    // the file's folder.
    const std::string dir = parent_path(path);
    const std::string& file = nearest_.nearest(dir);
    return load(file, file.empty() ? file : show_(file), parent_path(file));
}

bool CheckSettings::excluded(const std::string& path) {
    const Entry& e = of(path);
    return !e.exclude.empty() && is_excluded(e.exclude, relative_path(path, e.base));
}

const CheckSettings::Entry& CheckSettings::load(const std::string& file, const std::string& name,
                                                const std::string& base) {
    auto it = entries_.find(file);
    if (it != entries_.end()) return it->second;
    Entry e;
    e.file = file;
    e.base = base;
    if (!file.empty()) {
        std::string error;
        auto text = read_settings_text(file, &error);
        SettingsFile parsed;
        if (!text) {
            bad_.push_back({name, {error}});
        } else {
            parsed = parse_settings_file(*text);
            if (parsed.first_error()) {
                BadFile& bad = bad_.emplace_back();
                bad.name = name;
                for (const auto& p : parsed.problems) {
                    // The severity after the position, as a compiler prints it.
                    SettingsProblem shown = p;
                    shown.message =
                        (p.severity == Severity::Error ? "error: " : "warning: ") + p.message;
                    bad.problems.push_back(settings_problem_text(*text, name, shown));
                }
            } else {
                for (const auto& p : parsed.problems)
                    warn_(settings_problem_text(*text, name, p));
            }
        }
        to_engine_settings(parsed, e.settings);
        e.exclude = parsed.exclude;
    }
    return entries_.emplace(file, std::move(e)).first->second;
}

} // namespace mil
