#include "mil/model/settings_file.hpp"
#include "mil/base/strings.hpp"

#include "mil/model/rules.hpp"
#include "mil/syntax/jsonlite.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

// A token of the file as a message quotes it: the file may come from a checkout that someone
// else wrote; a message shows the offending token, never more of it.
constexpr std::size_t kShownChars = 40;

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

// Reads a list of non-empty strings (exclude, knownResources, knownModules); a wrong entry is
// a problem and left out.
void read_string_list(const JsonDocument& doc, const JsonValue& value, std::string_view key,
                      std::string_view what, bool allow_empty, std::vector<std::string>& out,
                      std::vector<SettingsProblem>& problems) {
    if (value.type != JsonType::Array) {
        problems.push_back({value.range, Severity::Error,
                            fmt::format("\"{}\" must be an array of {}", key, what)});
        return;
    }
    for (std::uint32_t index : value.items) {
        const JsonValue& item = *doc.get(index);
        if (item.type != JsonType::String || (!allow_empty && item.string.empty())) {
            problems.push_back({item.range, Severity::Error,
                                fmt::format("each \"{}\" entry must be one of the {}", key, what)});
            continue;
        }
        out.push_back(item.string);
    }
}

} // namespace

const SettingsProblem* SettingsFile::first_error() const {
    for (const auto& p : problems)
        if (p.severity == Severity::Error) return &p;
    return nullptr;
}

SettingsFile parse_settings_file(std::string_view text) {
    SettingsFile out;
    auto error = [&](Range r, std::string message) {
        out.problems.push_back({r, Severity::Error, std::move(message)});
    };
    auto warning = [&](Range r, std::string message) {
        out.problems.push_back({r, Severity::Warning, std::move(message)});
    };
    const JsonDocument doc = parse_json(text);
    if (doc.error || !doc.root()) {
        const Offset at = doc.error ? doc.error->offset : 0;
        const Offset end = at < text.size() ? at + 1 : at;
        error({at, end}, "invalid JSON: " + (doc.error ? doc.error->message : "no value"));
        return out;
    }
    const JsonValue& root = *doc.root();
    if (root.type != JsonType::Object) {
        error(root.range, "the settings must be a JSON object");
        return out;
    }
    // A member's key with its quotes.
    auto key_range = [](const JsonMember& m) {
        return Range{m.key_range.begin - 1, m.key_range.end + 1};
    };
    for (const JsonMember& member : root.members) {
        const std::string& k = member.key;
        const JsonValue& value = *doc.get(member.value);
        if (k == "severity") {
            if (value.type != JsonType::Object) {
                error(value.range, "\"severity\" must be an object mapping rule codes to "
                                   "error, warning, info, hint or off");
                continue;
            }
            out.has_severity = true;
            for (const JsonMember& code_member : value.members) {
                const std::string& code = code_member.key;
                const JsonValue& level = *doc.get(code_member.value);
                std::optional<Severity> sev;
                if (level.type == JsonType::Bool && !level.boolean) {
                    sev.reset(); // false: off
                } else if (level.type != JsonType::String) {
                    error(level.range, fmt::format("the severity of '{}' must be a string: "
                                                   "error, warning, info, hint or off",
                                                   shown(code, kShownChars)));
                    continue;
                } else if (!parse_severity_setting(level.string, &sev)) {
                    error(level.range,
                          fmt::format("unknown severity '{}' for '{}' (use error, "
                                      "warning, info, hint or off)",
                                      shown(level.string, kShownChars), shown(code, kShownChars)));
                    continue;
                }
                if (!find_rule(code))
                    warning(key_range(code_member),
                            fmt::format("no rule has the code '{}'", shown(code, kShownChars)));
                out.severity[code] = sev;
            }
        } else if (k == "exclude") {
            out.has_exclude = value.type == JsonType::Array;
            if (value.type != JsonType::Array)
                error(value.range, "\"exclude\" must be an array of glob strings");
            else
                for (std::uint32_t index : value.items) {
                    const JsonValue& item = *doc.get(index);
                    if (item.type != JsonType::String)
                        error(item.range, "each \"exclude\" entry must be a glob string");
                    else
                        out.exclude.push_back(item.string);
                }
        } else if (k == "knownResources" || k == "knownModules") {
            const bool ids = k == "knownResources";
            (ids ? out.has_known_resources : out.has_known_modules) = value.type == JsonType::Array;
            read_string_list(doc, value, k, ids ? "ACL id strings" : "module name strings", false,
                             ids ? out.known_resources : out.known_modules, out.problems);
        } else if (k == "$schema") {
            // For editors that validate the file (data/schema/settings.schema.json).
        } else if (k == "completion") {
            if (value.type != JsonType::Object) {
                error(value.range, "\"completion\" must be an object");
                continue;
            }
            for (const JsonMember& m : value.members) {
                const JsonValue& v = *doc.get(m.value);
                if (m.key != "insertParents")
                    warning(key_range(m), fmt::format("unknown setting 'completion.{}' is ignored",
                                                      shown(m.key, kShownChars)));
                else if (v.type != JsonType::Bool)
                    error(v.range, "\"completion.insertParents\" must be true or false");
                else
                    out.insert_parents = v.boolean;
            }
        } else {
            warning(key_range(member),
                    fmt::format("unknown setting '{}' is ignored", shown(k, kShownChars)));
        }
    }
    return out;
}

SettingsFile overlay_settings(SettingsFile base, const SettingsFile& top) {
    for (const auto& [code, sev] : top.severity)
        base.severity[code] = sev;
    base.has_severity = base.has_severity || top.has_severity;
    if (top.has_exclude) {
        base.exclude = top.exclude;
        base.has_exclude = true;
    }
    if (top.has_known_resources) {
        base.known_resources = top.known_resources;
        base.has_known_resources = true;
    }
    if (top.has_known_modules) {
        base.known_modules = top.known_modules;
        base.has_known_modules = true;
    }
    if (top.insert_parents) base.insert_parents = top.insert_parents;
    return base;
}

std::string settings_problem_text(std::string_view text, std::string_view name,
                                  const SettingsProblem& problem) {
    std::size_t pos = std::min<std::size_t>(problem.range.begin, text.size());
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
    return fmt::format("{}:{}:{}: {}", name, line, col, problem.message);
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
