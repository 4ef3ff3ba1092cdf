// Setup scripts and data patches (Setup/**/*.php): processIntegrationConfig() calls, the legacy
// way to create an integration declared in etc/integration/config.xml.
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"
#include "mil/syntax/php.hpp"

#include <fmt/format.h>

#include <cctype>

namespace mil {

namespace {

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

class SetupParticipant final : public Participant {
public:
    const char* name() const override { return "setup"; }
    bool serves(FileKind kind) const override { return kind == FileKind::SetupPhp; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        index_setup_calls(entry, facts);
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        for (const auto& call : resolve_setup_calls(q.snapshot, q.file)) {
            Diagnostic hint;
            hint.range = call.call_range;
            hint.severity = Severity::Hint;
            hint.code = "deprecated-integration-config";
            hint.deprecated = true;
            // Integration\Model\ConfigBasedIntegrationManager::processIntegrationConfig
            // creates or updates the integration (status inactive); only an admin activates it
            // (Controller\Adminhtml\Integration\TokensDialog or the OAuth token exchange).
            hint.message = "processIntegrationConfig() creates or updates integrations of the "
                           "legacy etc/integration/config.xml (deprecated since Magento 2.1); an "
                           "admin still activates them. Integrations in etc/integration.xml "
                           "need no setup script: Magento creates or updates them on every "
                           "setup:upgrade.";
            out.push_back(std::move(hint));
            for (const auto& n : call.names)
                if (n.resolved) check_name(q, n, out);
        }
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        for (const auto& call : resolve_setup_calls(q.snapshot, q.file))
            for (const auto& n : call.names) {
                if (!n.resolved || !n.range.touches(q.offset)) continue;
                auto it = q.snapshot.integrations.find(n.value);
                std::string md = fmt::format("**Integration `{}`**\n\n", n.value);
                if (it == q.snapshot.integrations.end()) {
                    md += "No integration file of the tree declares this name.";
                } else {
                    for (const auto& r : it->second)
                        md +=
                            fmt::format("- declared in `{}`{}\n", display_path(q.snapshot, r.path),
                                        r.module.empty() ? std::string() : " (" + r.module + ")");
                }
                return HoverResult{md, n.range};
            }
        return std::nullopt;
    }

private:
    static void check_name(const Query& q, const SetupCallName& n, std::vector<Diagnostic>& out) {
        const Snapshot& s = q.snapshot;
        bool in_config = false, in_integration_xml = false;
        auto it = s.integrations.find(n.value);
        if (it != s.integrations.end())
            for (const auto& r : it->second) {
                if (r.kind == FileKind::IntegrationConfig) in_config = true;
                if (r.kind == FileKind::Integration) in_integration_xml = true;
            }
        if (in_config) return;
        // Integration\Model\ConfigBasedIntegrationManager::processIntegrationConfig reads
        // $integrations[$name] of the merged config.xml without isset: PHP 8 warns
        // "Undefined array key", which bin/magento turns into an exception.
        Diagnostic d;
        d.range = n.range;
        d.severity = Severity::Error;
        d.code = "integration-name-mismatch";
        // A name that differs only in case.
        std::string case_match;
        const IntegrationRef* case_ref = nullptr;
        for (const auto& [name, refs] : s.integrations)
            for (const auto& r : refs)
                if (r.kind == FileKind::IntegrationConfig && iequal(name, n.value)) {
                    case_match = name;
                    case_ref = &r;
                }
        if (!case_match.empty()) {
            d.message = fmt::format(
                "No integration named '{}' in etc/integration/config.xml: the name there is "
                "'{}', which differs only in case, and Magento compares names exactly. "
                "bin/magento setup:upgrade fails on this call.",
                n.value, case_match);
            Fix fix;
            fix.title = fmt::format("Use '{}'", case_match);
            fix.preferred = true;
            fix.changes.push_back({q.file.path, {{n.range, case_match}}});
            d.fixes.push_back(std::move(fix));
            if (const IntegrationDecl* decl = s.integration(*case_ref))
                d.related.push_back({{case_ref->path, decl->name.range}, "declared here"});
        } else if (in_integration_xml) {
            d.message = fmt::format(
                "'{}' is declared in etc/integration.xml, but processIntegrationConfig() only "
                "reads the legacy etc/integration/config.xml, so bin/magento setup:upgrade fails "
                "on this call. Integrations in etc/integration.xml need no setup script: remove "
                "the call.",
                n.value);
            for (const auto& r : it->second)
                if (const IntegrationDecl* decl = s.integration(r))
                    d.related.push_back({{r.path, decl->name.range}, "declared here"});
        } else {
            d.message = fmt::format(
                "No integration named '{}' in any etc/integration/config.xml of the tree: "
                "Magento looks the name up without a check, so bin/magento setup:upgrade fails "
                "on this call with \"Undefined array key\".",
                n.value);
        }
        out.push_back(std::move(d));
    }
};

// The string class constants of every PHP file, for resolve_setup_calls().
class PhpConstantsParticipant final : public Participant {
public:
    const char* name() const override { return "php-constants"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::Php || kind == FileKind::SetupPhp;
    }
    void index(const FileEntry& entry, FileFacts& facts) const override {
        for (auto& c : find_php_class_constants(*entry.text))
            if (c.value)
                facts.php_constants.push_back(
                    {c.class_name, c.class_fqn, c.name, std::move(*c.value), c.value_range});
    }
};

std::string_view short_name(std::string_view fqn) {
    auto slash = fqn.rfind('\\');
    return slash == std::string_view::npos ? fqn : fqn.substr(slash + 1);
}

} // namespace

void index_setup_calls(const FileEntry& entry, FileFacts& facts) {
    for (const auto& call : find_php_setup_calls(*entry.text)) {
        SetupCall c;
        c.call_range = call.method_range;
        for (const auto& n : call.names)
            c.names.push_back({n.value, n.range,
                               n.source != PhpNameSource::Unresolved && !n.value.empty(),
                               n.constant_class, n.constant_name});
        facts.setup_calls.push_back(std::move(c));
    }
}

std::vector<SetupCall> resolve_setup_calls(const Snapshot& snapshot, const FileEntry& file) {
    std::vector<SetupCall> calls = file.facts.setup_calls;
    const std::string& dir = file.module_dir;
    if (dir.empty()) return calls;
    const std::string prefix = dir == "." ? std::string() : dir + "/";
    for (auto& call : calls)
        for (auto& n : call.names) {
            if (n.resolved || n.constant_class.empty()) continue;
            const PhpConstantFact* exact = nullptr;
            const PhpConstantFact* by_short = nullptr;
            int short_matches = 0;
            for (auto it = snapshot.files.lower_bound(prefix);
                 it != snapshot.files.end() && it->first.compare(0, prefix.size(), prefix) == 0;
                 ++it)
                for (const auto& c : it->second->facts.php_constants) {
                    if (c.name != n.constant_name) continue;
                    if (iequal(c.class_fqn, n.constant_class)) exact = &c;
                    if (iequal(c.class_name, short_name(n.constant_class))) {
                        by_short = &c;
                        ++short_matches;
                    }
                }
            const PhpConstantFact* found = exact ? exact : short_matches == 1 ? by_short : nullptr;
            if (!found) continue;
            n.value = found->value;
            n.resolved = !n.value.empty();
        }
    return calls;
}

const Participant& setup_participant() {
    static const SetupParticipant p;
    return p;
}

const Participant& php_constants_participant() {
    static const PhpConstantsParticipant p;
    return p;
}

} // namespace mil
