// The baseline of `check`, as PHPStan keeps one: the findings a project accepts for now, by
// their line-independent fingerprint, so that CI fails only on new ones.
#pragma once

#include "cli/check_output.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

// The file looked for at the root when no --baseline is given.
inline constexpr const char* kBaselineName = ".magento-integration-ls-baseline.json";

struct BaselineEntry {
    std::string fingerprint;
    // For people reading the file and for the "no longer matches" list; not matched on.
    std::string code;
    std::string path;
    std::string message;
};

struct Baseline {
    std::vector<BaselineEntry> entries;
};

// The baseline file of these findings: JSON, one entry per finding, in report order.
std::string baseline_text(const std::vector<CheckFinding>& findings);

// Reads a baseline file; nullopt and `error` (with a position) when it is not one.
std::optional<Baseline> parse_baseline(std::string_view text, std::string* error);

struct BaselineOutcome {
    std::size_t suppressed = 0;           // findings the baseline held back
    std::vector<BaselineEntry> unmatched; // entries that match no finding any more
};

// Removes from `findings` those whose fingerprint the baseline lists (each entry holds back
// one finding) and returns what happened.
BaselineOutcome apply_baseline(const Baseline& baseline, std::vector<CheckFinding>& findings);

} // namespace mil
