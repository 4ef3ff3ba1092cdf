// The report of the check command and its output formats: text (compiler style), JSON,
// SARIF 2.1.0, GitHub Actions workflow commands, checkstyle XML and GitLab Code Quality.
//
// Every position is 1-based; columns count UTF-16 code units, end columns are exclusive
// (the column just after the flagged text). Paths are relative to the checked root with '/'
// separators; FormatOptions::show_path turns them into what people click on.
#pragma once

#include "mil/base/diagnostic.hpp"
#include "mil/syntax/xml.hpp" // xml_escape

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

struct CheckSpan {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
    std::uint32_t end_line = 1;
    std::uint32_t end_column = 1;
    friend auto operator<=>(const CheckSpan&, const CheckSpan&) = default;
};

struct CheckRelated {
    std::string path; // relative to the root, or "" when the place is not a file
    CheckSpan span;
    std::string message;
};

struct CheckFinding {
    std::string path;
    CheckSpan span;
    Severity severity = Severity::Error;
    std::string code;
    std::string message;
    std::vector<CheckRelated> related;
    // The text the finding flags (or its line when the range is empty): an input of the
    // fingerprint, not printed.
    std::string flagged;
    // Stable identity across runs and line shifts (see make_fingerprints).
    std::string fingerprint;
};

struct CheckReport {
    std::vector<CheckFinding> findings; // sorted (sort_findings)
    std::size_t files_checked = 0;
};

enum class CheckFormat { Text, Json, Sarif, Github, Checkstyle, Gitlab };

std::optional<CheckFormat> parse_check_format(std::string_view name);

// Sorts by path, line, column, code (then the rest, so that the order is total) and drops
// exact duplicates.
void sort_findings(std::vector<CheckFinding>& findings);

// Fills every finding's fingerprint from a hash of its code, path and flagged text and its
// occurrence index among findings with the same three; never from line numbers. `findings`
// must be sorted.
void make_fingerprints(std::vector<CheckFinding>& findings);

struct FormatOptions {
    bool color = false; // ANSI colours in the text format
    // How a path (relative to the root) is shown in the text, GitHub, checkstyle and GitLab
    // formats: `check` shows it relative to the current folder. Empty: as it is.
    std::function<std::string(std::string_view)> show_path;
};

// The whole output of one format, ready to write.
std::string format_report(const CheckReport& report, CheckFormat format,
                          const FormatOptions& options = {});

// "3 errors, 2 warnings in 4 files (12 files checked)" or "no problems (12 files checked)".
std::string summary_line(const CheckReport& report);

// Helpers, exposed for the tests.
std::string github_escape_data(std::string_view s);
std::string github_escape_property(std::string_view s);
// Replaces bytes that are not valid UTF-8 with U+FFFD.
std::string to_valid_utf8(std::string_view s);
// Percent-encodes a relative path for a URI reference (keeps unreserved characters and '/').
std::string uri_encode_path(std::string_view path);

} // namespace mil
