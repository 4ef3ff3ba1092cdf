// `explain`: the rule catalogue for people (one rule, the list, the markdown reference).
#include "cli/cli.hpp"

#include "mil/model/rules.hpp"

#include <cstdio>
#include <string>

namespace mil {

void print_rule_list() {
    for (const RuleInfo& r : rule_catalog())
        std::printf("%-32s %-8s %s\n", std::string(r.code).c_str(),
                    severity_name(r.default_severity), std::string(r.title).c_str());
}

int run_explain(const std::vector<std::string>& args) {
    if (args.size() == 1 && args[0] == "--markdown") {
        std::fputs(rules_markdown().c_str(), stdout);
        return 0;
    }
    if (args.size() == 1 && args[0] == "--list") {
        print_rule_list();
        return 0;
    }
    if (args.size() == 1 && !args[0].empty() && args[0][0] != '-') {
        if (const RuleInfo* r = find_rule(args[0])) {
            std::fputs(rule_text(*r).c_str(), stdout);
            return 0;
        }
        std::fprintf(stderr,
                     "magento-integration-ls: no rule '%s' (explain --list names every rule)\n",
                     args[0].c_str());
        return 2;
    }
    std::fprintf(stderr, "Usage: magento-integration-ls explain CODE | --list | --markdown\n");
    return 2;
}

} // namespace mil
