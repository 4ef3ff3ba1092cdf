#include "cli/config_file.hpp"

#include "mil/model/rules.hpp"
#include "mil/syntax/jsonlite.hpp"
#include "platform/fileio.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

// 1-based line and column (in characters) of a byte position.
std::string where(std::string_view text, std::string_view name, std::size_t pos) {
    if (pos > text.size()) pos = text.size();
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < pos; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
            col = 1;
        } else if (c == '\r') {
            // the '\n' of a CRLF ends the line
        } else if ((c & 0xC0) != 0x80) {
            ++col;
        }
    }
    return fmt::format("{}:{}:{}", name, line, col);
}

// A token of the file as an error message shows it: at most 40 bytes (cut at a character's
// start) and nothing a terminal would act on (control characters become '?'). The file may
// come from a checkout that someone else wrote; a message shows the offending token, never
// more of the file.
std::string shown(std::string_view token) {
    constexpr std::size_t kMax = 40;
    std::string out;
    std::size_t n = token.size() <= kMax ? token.size() : kMax;
    while (n < token.size() && n > 0 && (static_cast<unsigned char>(token[n]) & 0xC0) == 0x80)
        --n;
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(token[i]);
        out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
    }
    if (n < token.size()) out += "\u2026";
    return out;
}

// Segment-wise glob match of one segment: '*' any run, '?' one character (byte).
bool segment_match(std::string_view pat, std::string_view s) {
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*')
        ++p;
    return p == pat.size();
}

std::vector<std::string_view> split_segments(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t slash = s.find('/', pos);
        std::string_view seg =
            s.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        if (!seg.empty() && seg != ".") out.push_back(seg);
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    return out;
}

// match[i][j]: pattern segments from i match path segments from j.
bool segments_match(const std::vector<std::string_view>& pat,
                    const std::vector<std::string_view>& path, std::size_t path_len) {
    std::size_t P = pat.size(), S = path_len;
    std::vector<std::vector<char>> m(P + 1, std::vector<char>(S + 1, 0));
    m[P][S] = 1;
    for (std::size_t i = P; i-- > 0;) {
        for (std::size_t j = S + 1; j-- > 0;) {
            if (pat[i] == "**") {
                m[i][j] = m[i + 1][j] || (j < S && m[i][j + 1]);
            } else {
                m[i][j] = j < S && segment_match(pat[i], path[j]) && m[i + 1][j + 1];
            }
        }
    }
    return m[0][0] != 0;
}

} // namespace

std::optional<CheckConfig> parse_check_config(std::string_view text, std::string_view name,
                                              std::string* error) {
    auto set_error = [&](std::size_t pos, const std::string& message) {
        if (error) *error = where(text, name, pos) + ": " + message;
    };
    const JsonDocument doc = parse_json(text);
    if (doc.error) {
        set_error(doc.error->offset, "invalid JSON: " + doc.error->message);
        return std::nullopt;
    }
    const JsonValue& root = *doc.root();
    if (root.type != JsonType::Object) {
        set_error(root.range.begin, "the settings must be a JSON object");
        return std::nullopt;
    }
    // Where a member's key starts (its opening quote).
    auto key_pos = [](const JsonMember& m) { return m.key_range.begin - 1; };
    CheckConfig config;
    for (const JsonMember& member : root.members) {
        const std::string& k = member.key;
        const JsonValue& value = *doc.get(member.value);
        if (k == "severity") {
            if (value.type != JsonType::Object) {
                set_error(value.range.begin, "\"severity\" must be an object mapping rule codes to "
                                             "error, warning, info, hint or off");
                return std::nullopt;
            }
            for (const JsonMember& code_member : value.members) {
                const std::string& code = code_member.key;
                const JsonValue& level = *doc.get(code_member.value);
                std::optional<Severity> sev;
                if (level.type == JsonType::Bool && !level.boolean) {
                    sev.reset(); // false: off, as in the editor's settings
                } else if (level.type != JsonType::String) {
                    set_error(level.range.begin,
                              fmt::format("the severity of '{}' must be a string: "
                                          "error, warning, info, hint or off",
                                          shown(code)));
                    return std::nullopt;
                } else if (!parse_severity_setting(level.string, &sev)) {
                    set_error(level.range.begin,
                              fmt::format("unknown severity '{}' for '{}' (use error, warning, "
                                          "info, hint or off)",
                                          shown(level.string), shown(code)));
                    return std::nullopt;
                }
                if (!find_rule(code))
                    config.warnings.push_back(
                        where(text, name, key_pos(code_member)) +
                        fmt::format(": no rule has the code '{}'", shown(code)));
                config.severity[code] = sev;
            }
        } else if (k == "exclude") {
            if (value.type != JsonType::Array) {
                set_error(value.range.begin, "\"exclude\" must be an array of glob strings");
                return std::nullopt;
            }
            for (std::uint32_t index : value.items) {
                const JsonValue& item = *doc.get(index);
                if (item.type != JsonType::String) {
                    set_error(item.range.begin, "each \"exclude\" entry must be a glob string");
                    return std::nullopt;
                }
                config.exclude.push_back(item.string);
            }
        } else if (k == "knownResources" || k == "knownModules") {
            const bool ids = k == "knownResources";
            const char* what = ids ? "ACL id strings" : "module name strings";
            if (value.type != JsonType::Array) {
                set_error(value.range.begin, fmt::format("\"{}\" must be an array of {}", k, what));
                return std::nullopt;
            }
            for (std::uint32_t index : value.items) {
                const JsonValue& item = *doc.get(index);
                if (item.type != JsonType::String || item.string.empty()) {
                    set_error(item.range.begin,
                              fmt::format("each \"{}\" entry must be one of the {}", k, what));
                    return std::nullopt;
                }
                (ids ? config.known_resources : config.known_modules).push_back(item.string);
            }
        } else if (k == "$schema") {
            // For editors that validate the file (data/schema/settings.schema.json).
        } else if (k == "completion") {
            // The editor's completion settings: read by the server, not by check.
            if (value.type != JsonType::Object) {
                set_error(value.range.begin, "\"completion\" must be an object");
                return std::nullopt;
            }
            for (const JsonMember& m : value.members) {
                const JsonValue& v = *doc.get(m.value);
                if (m.key != "insertParents")
                    config.warnings.push_back(
                        where(text, name, key_pos(m)) +
                        fmt::format(": unknown setting 'completion.{}' is ignored", m.key));
                else if (v.type != JsonType::Bool) {
                    set_error(v.range.begin, "\"completion.insertParents\" must be true or false");
                    return std::nullopt;
                } else
                    config.insert_parents = v.boolean;
            }
        } else {
            config.warnings.push_back(where(text, name, key_pos(member)) +
                                      fmt::format(": unknown setting '{}' is ignored", shown(k)));
        }
    }
    return config;
}

std::optional<CheckConfig> load_check_config(const std::string& path, std::string* error) {
    std::string read_error;
    // Never through a symbolic link: the file in a checkout could lead anywhere, and a parse
    // error would show what it found there.
    auto text = read_file_no_follow(path, 1u << 20, &read_error);
    if (!text) {
        if (error) *error = read_error.empty() ? path + ": cannot read the file" : read_error;
        return std::nullopt;
    }
    return parse_check_config(*text, path, error);
}

bool glob_match(std::string_view pattern, std::string_view path) {
    auto pat = split_segments(pattern);
    auto segs = split_segments(path);
    return segments_match(pat, segs, segs.size());
}

bool is_excluded(const std::vector<std::string>& patterns, std::string_view path) {
    auto segs = split_segments(path);
    for (const auto& p : patterns) {
        auto pat = split_segments(p);
        if (pat.empty()) continue;
        for (std::size_t len = 1; len <= segs.size(); ++len)
            if (segments_match(pat, segs, len)) return true;
    }
    return false;
}

} // namespace mil
