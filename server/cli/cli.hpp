// Front ends besides the language server itself.
#pragma once

#include <string>
#include <vector>

namespace mil {

// "magento-integration-ls COMMAND: MESSAGE" on stderr; returns 2, the exit code of a usage or
// I/O error.
int command_error(const char* command, const std::string& message);

// `magento-integration-ls check [options] [PATH...]`; returns the process exit code
// (0 clean, 1 findings at or above --fail-on, 2 usage or I/O error).
int run_check(const std::vector<std::string>& args);

// `magento-integration-ls new-integration Vendor_Module --name NAME [...] [DIR]`.
int run_new_integration(const std::vector<std::string>& args);

// `magento-integration-ls explain CODE | --list | --markdown`: one rule as text, every rule
// one per line, or the rules reference (docs/rules.md) as markdown.
int run_explain(const std::vector<std::string>& args);

// Every rule, one per line: code, default severity, title (`explain --list`,
// `check --list-rules`).
void print_rule_list();

// `magento-integration-ls routes [PATH] [--integration NAME] [--route 'METHOD URL'] [--format F]`.
int run_routes(const std::vector<std::string>& args);

} // namespace mil
