#include "cli/check_output.hpp"
#include "mil/base/strings.hpp"

#include "mil/model/rules.hpp"
#include "mil/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <tuple>

namespace mil {

using ojson = nlohmann::ordered_json;

namespace {

auto sort_key(const CheckFinding& f) {
    return std::tie(f.path, f.span.line, f.span.column, f.code, f.span.end_line, f.span.end_column,
                    f.severity, f.message);
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string one_line(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' || s[i] == '\n') {
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string plural(std::size_t n, std::string_view word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// "unknown-resource" -> "UnknownResource" (SARIF's optional rule name).
std::string pascal_case(std::string_view code) {
    std::string out;
    bool up = true;
    for (char c : code) {
        if (c == '-' || c == '_' || c == '.') {
            up = true;
            continue;
        }
        out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        up = false;
    }
    return out;
}

const char* sarif_level(Severity s) {
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
    case Severity::Hint:
        return "note";
    }
    return "note";
}

const char* github_command(Severity s) {
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    default:
        return "notice";
    }
}

const char* checkstyle_severity(Severity s) {
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    default:
        return "info";
    }
}

const char* gitlab_severity(Severity s) {
    switch (s) {
    case Severity::Error:
        return "critical";
    case Severity::Warning:
        return "major";
    case Severity::Info:
        return "minor";
    case Severity::Hint:
        return "info";
    }
    return "info";
}

std::string dump(const ojson& j) {
    return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

// ---- text ------------------------------------------------------------------------------

std::string format_text(const CheckReport& report, bool color) {
    auto paint = [&](std::string_view s, const char* code) {
        return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : std::string(s);
    };
    auto sev_color = [](Severity s) {
        switch (s) {
        case Severity::Error:
            return "1;31";
        case Severity::Warning:
            return "1;33";
        case Severity::Info:
            return "1;36";
        case Severity::Hint:
            return "1;32";
        }
        return "1";
    };
    std::string out;
    for (const auto& f : report.findings) {
        out +=
            paint(fmt::format("{}:{}:{}:", to_valid_utf8(f.path), f.span.line, f.span.column), "1");
        out += ' ';
        out += paint(fmt::format("{}:", severity_name(f.severity)), sev_color(f.severity));
        out += ' ';
        out += one_line(to_valid_utf8(f.message));
        out += ' ';
        out += paint(fmt::format("[{}]", f.code), "2");
        out += '\n';
        for (const auto& r : f.related) {
            out += "    ";
            if (!r.path.empty())
                out += fmt::format("{}:{}:{}: ", to_valid_utf8(r.path), r.span.line, r.span.column);
            out += one_line(to_valid_utf8(r.message));
            out += '\n';
        }
    }
    return out;
}

// ---- json ------------------------------------------------------------------------------

ojson span_fields(ojson j, const CheckSpan& s) {
    j["line"] = s.line;
    j["column"] = s.column;
    j["endLine"] = s.end_line;
    j["endColumn"] = s.end_column;
    return j;
}

std::string format_json(const CheckReport& report) {
    ojson arr = ojson::array();
    for (const auto& f : report.findings) {
        ojson j = span_fields({{"path", to_valid_utf8(f.path)}}, f.span);
        j["severity"] = severity_name(f.severity);
        j["code"] = f.code;
        j["message"] = to_valid_utf8(f.message);
        ojson rel = ojson::array();
        for (const auto& r : f.related) {
            ojson rj = span_fields({{"path", to_valid_utf8(r.path)}}, r.span);
            rj["message"] = to_valid_utf8(r.message);
            rel.push_back(std::move(rj));
        }
        j["related"] = std::move(rel);
        j["fingerprint"] = f.fingerprint;
        arr.push_back(std::move(j));
    }
    return dump(arr);
}

// ---- sarif -----------------------------------------------------------------------------

ojson sarif_location(const std::string& path, const CheckSpan& s) {
    return {{"physicalLocation",
             {{"artifactLocation", {{"uri", uri_encode_path(path)}, {"uriBaseId", "%SRCROOT%"}}},
              {"region",
               {{"startLine", s.line},
                {"startColumn", s.column},
                {"endLine", s.end_line},
                {"endColumn", s.end_column}}}}}};
}

std::string format_sarif(const CheckReport& report) {
    // Every rule of the catalogue, then codes the catalogue does not know (sorted).
    std::vector<const RuleInfo*> known;
    for (const auto& r : rule_catalog())
        known.push_back(&r);
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < known.size(); ++i)
        index[std::string(known[i]->code)] = i;
    std::vector<std::string> extra;
    for (const auto& f : report.findings)
        if (!index.count(f.code) && std::find(extra.begin(), extra.end(), f.code) == extra.end())
            extra.push_back(f.code);
    std::sort(extra.begin(), extra.end());

    ojson rules = ojson::array();
    for (const RuleInfo* r : known) {
        std::string help(r->help);
        rules.push_back({{"id", r->code},
                         {"name", pascal_case(r->code)},
                         {"shortDescription", {{"text", r->title}}},
                         {"fullDescription", {{"text", r->description}}},
                         {"help", {{"text", markdown_to_text(help)}, {"markdown", help}}},
                         {"helpUri", rule_help_uri(r->code)},
                         {"defaultConfiguration", {{"level", sarif_level(r->default_severity)}}}});
    }
    for (const auto& code : extra) {
        index[code] = rules.size();
        std::string text = fmt::format("Diagnostic '{}' of {}", code, kName);
        rules.push_back({{"id", to_valid_utf8(code)},
                         {"name", pascal_case(to_valid_utf8(code))},
                         {"shortDescription", {{"text", text}}},
                         {"fullDescription", {{"text", text}}},
                         {"help", {{"text", text}, {"markdown", text}}},
                         {"defaultConfiguration", {{"level", "warning"}}}});
    }

    ojson results = ojson::array();
    for (const auto& f : report.findings) {
        ojson res = {{"ruleId", to_valid_utf8(f.code)},
                     {"ruleIndex", index[f.code]},
                     {"level", sarif_level(f.severity)},
                     {"message", {{"text", to_valid_utf8(f.message)}}},
                     {"locations", ojson::array({sarif_location(f.path, f.span)})}};
        if (!f.related.empty()) {
            ojson rel = ojson::array();
            int id = 1;
            for (const auto& r : f.related) {
                ojson loc = r.path.empty() ? ojson::object() : sarif_location(r.path, r.span);
                loc["id"] = id++;
                loc["message"] = {{"text", to_valid_utf8(r.message)}};
                rel.push_back(std::move(loc));
            }
            res["relatedLocations"] = std::move(rel);
        }
        res["partialFingerprints"] = {{"milFingerprint/v1", f.fingerprint}};
        results.push_back(std::move(res));
    }

    ojson sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                   {"version", "2.1.0"},
                   {"runs", ojson::array({{{"tool",
                                            {{"driver",
                                              {{"name", kName},
                                               {"version", kVersion},
                                               {"semanticVersion", kVersion},
                                               {"rules", std::move(rules)}}}}},
                                           {"columnKind", "utf16CodeUnits"},
                                           {"results", std::move(results)}}})}};
    return dump(sarif);
}

// ---- github ----------------------------------------------------------------------------

std::string format_github(const CheckReport& report) {
    std::string out;
    for (const auto& f : report.findings) {
        std::string message = to_valid_utf8(f.message);
        for (const auto& r : f.related) {
            message += '\n';
            if (!r.path.empty())
                message +=
                    fmt::format("{}:{}:{}: ", to_valid_utf8(r.path), r.span.line, r.span.column);
            message += to_valid_utf8(r.message);
        }
        out +=
            fmt::format("::{} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
                        github_command(f.severity), github_escape_property(to_valid_utf8(f.path)),
                        f.span.line, f.span.end_line, f.span.column, f.span.end_column,
                        github_escape_property(fmt::format("{} ({})", f.code, kName)),
                        github_escape_data(message));
    }
    return out;
}

// ---- checkstyle ------------------------------------------------------------------------

std::string format_checkstyle(const CheckReport& report) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
    const std::string* open = nullptr;
    for (const auto& f : report.findings) {
        if (!open || *open != f.path) {
            if (open) out += "  </file>\n";
            out += fmt::format("  <file name=\"{}\">\n", xml_escape(to_valid_utf8(f.path)));
            open = &f.path;
        }
        out += fmt::format("    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" "
                           "source=\"{}.{}\"/>\n",
                           f.span.line, f.span.column, checkstyle_severity(f.severity),
                           xml_escape(to_valid_utf8(f.message)), kName,
                           xml_escape(to_valid_utf8(f.code)));
    }
    if (open) out += "  </file>\n";
    out += "</checkstyle>\n";
    return out;
}

// ---- gitlab ----------------------------------------------------------------------------

std::string format_gitlab(const CheckReport& report) {
    ojson arr = ojson::array();
    for (const auto& f : report.findings)
        arr.push_back(
            {{"description", to_valid_utf8(f.message)},
             {"check_name", to_valid_utf8(f.code)},
             {"fingerprint", f.fingerprint},
             {"severity", gitlab_severity(f.severity)},
             {"location", {{"path", to_valid_utf8(f.path)}, {"lines", {{"begin", f.span.line}}}}}});
    return dump(arr);
}

} // namespace

std::optional<CheckFormat> parse_check_format(std::string_view name) {
    if (name == "text") return CheckFormat::Text;
    if (name == "json") return CheckFormat::Json;
    if (name == "sarif") return CheckFormat::Sarif;
    if (name == "github") return CheckFormat::Github;
    if (name == "checkstyle") return CheckFormat::Checkstyle;
    if (name == "gitlab") return CheckFormat::Gitlab;
    return std::nullopt;
}

void sort_findings(std::vector<CheckFinding>& findings) {
    std::sort(findings.begin(), findings.end(), [](const CheckFinding& a, const CheckFinding& b) {
        return sort_key(a) < sort_key(b);
    });
    findings.erase(std::unique(findings.begin(), findings.end(),
                               [](const CheckFinding& a, const CheckFinding& b) {
                                   return sort_key(a) == sort_key(b);
                               }),
                   findings.end());
}

void make_fingerprints(std::vector<CheckFinding>& findings) {
    std::map<std::string, std::size_t> seen;
    for (auto& f : findings) {
        std::string key = f.code;
        key += '\0';
        key += f.path;
        key += '\0';
        key += f.flagged;
        std::size_t occurrence = seen[key]++;
        key += '\0';
        key += std::to_string(occurrence);
        std::uint64_t a = fnv1a(key, 0xcbf29ce484222325ull);
        std::uint64_t b = fnv1a(key, 0x84222325cbf29ce4ull ^ a);
        f.fingerprint = fmt::format("{:016x}{:016x}", a, b);
    }
}

namespace {

// The report with its paths as people and CI annotations want them (FormatOptions::show_path).
CheckReport with_shown_paths(const CheckReport& report, const FormatOptions& options) {
    CheckReport shown = report;
    for (auto& f : shown.findings) {
        f.path = options.show_path(f.path);
        for (auto& r : f.related)
            if (!r.path.empty()) r.path = options.show_path(r.path);
    }
    return shown;
}

} // namespace

std::string format_report(const CheckReport& report, CheckFormat format,
                          const FormatOptions& options) {
    // SARIF and JSON keep paths relative to the root (SARIF's uriBaseId); the others show
    // them as show_path says.
    if (options.show_path && format != CheckFormat::Sarif && format != CheckFormat::Json) {
        FormatOptions plain = options;
        plain.show_path = nullptr;
        return format_report(with_shown_paths(report, options), format, plain);
    }
    switch (format) {
    case CheckFormat::Text:
        return format_text(report, options.color);
    case CheckFormat::Json:
        return format_json(report);
    case CheckFormat::Sarif:
        return format_sarif(report);
    case CheckFormat::Github:
        return format_github(report);
    case CheckFormat::Checkstyle:
        return format_checkstyle(report);
    case CheckFormat::Gitlab:
        return format_gitlab(report);
    }
    return {};
}

std::string summary_line(const CheckReport& report) {
    std::size_t counts[5] = {0, 0, 0, 0, 0};
    std::vector<std::string_view> files;
    for (const auto& f : report.findings) {
        ++counts[static_cast<int>(f.severity)];
        if (files.empty() || files.back() != f.path) files.push_back(f.path);
    }
    std::string checked = fmt::format("({} checked)", plural(report.files_checked, "file"));
    if (report.findings.empty()) return "no problems " + checked;
    std::string out = plural(counts[1], "error") + ", " + plural(counts[2], "warning");
    if (counts[3]) out += ", " + plural(counts[3], "info");
    if (counts[4]) out += ", " + plural(counts[4], "hint");
    return out + " in " + plural(files.size(), "file") + " " + checked;
}

std::string github_escape_data(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else
            out += c;
    }
    return out;
}

std::string github_escape_property(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : github_escape_data(s)) {
        if (c == ':')
            out += "%3A";
        else if (c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

std::string to_valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t len = utf8_sequence_length(s, i);
        const bool ok = len != 0;
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

std::string uri_encode_path(std::string_view path) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char ch : path) {
        unsigned char c = static_cast<unsigned char>(ch);
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace mil
