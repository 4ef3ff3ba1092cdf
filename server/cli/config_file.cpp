#include "cli/config_file.hpp"

#include "workspace/settings_files.hpp"

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

std::optional<CheckConfig> load_check_config(const std::string& path, std::string* error) {
    auto text = read_settings_text(path, error);
    if (!text) return std::nullopt;
    return parse_check_config(*text, path, error);
}

} // namespace mil
