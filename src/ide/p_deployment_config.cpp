// app/etc/config.php: the modules Magento runs. A module set to 0 there is disabled: Magento
// reads none of its configuration (its acl.xml, integration files and webapi.xml are left
// out of the merge; see Snapshot::disabled_modules).
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"
#include "mil/syntax/php.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class DeploymentConfigParticipant final : public Participant {
public:
    const char* name() const override { return "deployment-config"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::DeploymentConfig || kind == FileKind::ModuleXml;
    }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        if (entry.kind != FileKind::DeploymentConfig) return;
        auto switches = find_php_module_switches(*entry.text);
        if (!switches) return;
        facts.module_switches.emplace();
        for (auto& sw : *switches)
            facts.module_switches->push_back({{std::move(sw.name), sw.name_range}, sw.enabled});
    }

    // On the name in etc/module.xml of a module config.php disables.
    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        const auto& mod = q.file.facts.module;
        if (q.file.kind != FileKind::ModuleXml || !mod) return;
        auto it = q.snapshot.disabled_modules.find(mod->name.value);
        if (it == q.snapshot.disabled_modules.end()) return;
        // Magento's own packages are disabled routinely (Inventory, Adobe Stock): not news.
        if (const ModuleInfo* m = q.snapshot.module_by_dir(q.file.module_dir);
            m && magento_own_module(*m))
            return;
        // Framework\Module\ModuleList::has (`!empty($this->configData[$name])`) and
        // Module\Dir\Reader::getFiles, which reads the files of ModuleList::getNames only.
        Diagnostic d;
        d.range = mod->name.range;
        d.severity = Severity::Info;
        d.code = "disabled-module";
        d.message = fmt::format(
            "{} is disabled in {} ('{}' => 0): Magento reads none of its configuration (acl.xml, "
            "integrations, webapi.xml), so its files are not checked against the tree.",
            mod->name.value, display_path(q.snapshot, it->second.path), mod->name.value);
        d.related.push_back({it->second, "disabled here"});
        out.push_back(std::move(d));
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        if (q.file.kind != FileKind::DeploymentConfig || !q.file.facts.module_switches)
            return std::nullopt;
        for (const auto& sw : *q.file.facts.module_switches) {
            if (!sw.name.range.touches(q.offset)) continue;
            const ModuleInfo* m = q.snapshot.module_by_name(sw.name.value);
            std::string md = fmt::format("**Module `{}`**: {}", sw.name.value,
                                         sw.enabled ? "enabled"
                                                    : "disabled: Magento reads none of its "
                                                      "configuration files");
            if (m) md += fmt::format("\n\n`{}`", display_path(q.snapshot, m->dir));
            return HoverResult{md, sw.name.range};
        }
        return std::nullopt;
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        if (q.file.kind != FileKind::DeploymentConfig || !q.file.facts.module_switches) return;
        for (const auto& sw : *q.file.facts.module_switches) {
            if (!sw.name.range.touches(q.offset)) continue;
            if (const ModuleInfo* m = q.snapshot.module_by_name(sw.name.value))
                if (const FileEntry* mx = q.snapshot.file(m->dir + "/etc/module.xml");
                    mx && mx->facts.module)
                    out.push_back({mx->path, mx->facts.module->name.range});
        }
    }
};

} // namespace

const Participant& deployment_config_participant() {
    static const DeploymentConfigParticipant p;
    return p;
}

} // namespace mil
