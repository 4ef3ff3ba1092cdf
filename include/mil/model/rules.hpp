// The rule catalogue: every diagnostic code the participants emit, with the texts that CI
// reports (SARIF rules, documentation) show for it. One table, in src/rules.cpp.
#pragma once

#include "mil/base/diagnostic.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

struct RuleInfo {
    std::string_view code;        // stable code, e.g. "unknown-resource"
    std::string_view title;       // one line: what is wrong
    std::string_view description; // a paragraph: what is checked and what Magento does
    std::string_view help;        // markdown: how to fix it, with an example
    Severity default_severity = Severity::Error;
};

// Every rule, in a fixed order (the order of the design notes' catalogue).
const std::vector<RuleInfo>& rule_catalog();

// The rule of a code, or nullptr when the catalogue does not know it.
const RuleInfo* find_rule(std::string_view code);

// Where the rules reference (docs/rules.md) is published, and the address of one rule's
// section there (SARIF helpUri, LSP codeDescription.href).
inline constexpr std::string_view kRulesPage =
    "https://github.com/magento-integration-ls/magento-integration-ls/blob/main/docs/rules.md";
std::string rule_help_uri(std::string_view code);

// The rules reference as markdown: every rule's code, default severity, what it finds and
// what Magento does, how to fix it with an example. docs/rules.md is this text (a test keeps
// them equal; `magento-integration-ls explain --markdown` prints it).
std::string rules_markdown();

// One rule explained as plain text (`magento-integration-ls explain CODE`).
std::string rule_text(const RuleInfo& rule);

// A severity as the settings name it (the same words in the LSP settings and the `check`
// settings file): "error", "warning", "info" or "information", "hint"; "off" or "none" turn
// the rule off (*out = nullopt). False (and *out untouched) for any other word.
bool parse_severity_setting(std::string_view word, std::optional<Severity>* out);

// A markdown help text as plain text: fenced code lines kept without the fences, inline
// backticks and emphasis markers removed.
std::string markdown_to_text(std::string_view markdown);

} // namespace mil
