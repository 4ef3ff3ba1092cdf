// Integration names between the legacy setup scripts and the integration files: a name passed
// to processIntegrationConfig() goes to the <integration name> of etc/integration/config.xml
// (the module's own first), and an integration's name finds those calls.
#include "participants.hpp"

namespace mil {

namespace {

bool is_integration_kind(FileKind k) {
    return k == FileKind::Integration || k == FileKind::IntegrationConfig ||
           k == FileKind::IntegrationApi;
}

// The integration name under the cursor: a processIntegrationConfig() argument of a setup
// script, or an <integration name> of an integration file.
std::optional<std::string> name_at(const Query& q) {
    if (q.file.kind == FileKind::SetupPhp)
        for (const auto& call : resolve_setup_calls(q.snapshot, q.file))
            for (const auto& n : call.names)
                if (n.resolved && !n.value.empty() && n.range.touches(q.offset)) return n.value;
    for (const auto& integ : q.file.facts.integrations)
        if (!integ.name.value.empty() && integ.name.range.touches(q.offset))
            return integ.name.value;
    return std::nullopt;
}

class IntegrationNamesParticipant final : public Participant {
public:
    const char* name() const override { return "integration-names"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::SetupPhp || is_integration_kind(kind);
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        // Only from where the name is used: a setup script, or a legacy api.xml (whose
        // integration is the one config.xml declares).
        if (q.file.kind != FileKind::SetupPhp && q.file.kind != FileKind::IntegrationApi) return;
        const auto name = name_at(q);
        if (!name) return;
        auto it = q.snapshot.integrations.find(*name);
        if (it == q.snapshot.integrations.end()) return;
        // processIntegrationConfig() reads the merged legacy config.xml: the module's own
        // declaration first, any other module's when it has none.
        std::vector<Location> own, other;
        for (const auto& ref : it->second) {
            if (ref.kind != FileKind::IntegrationConfig) continue;
            const IntegrationDecl* d = q.snapshot.integration(ref);
            if (!d) continue;
            const FileEntry* f = q.snapshot.file(ref.path);
            bool same = f && !q.file.module_dir.empty() && f->module_dir == q.file.module_dir;
            (same ? own : other).push_back({ref.path, d->name.range});
        }
        const auto& pick = own.empty() ? other : own;
        out.insert(out.end(), pick.begin(), pick.end());
    }

    void references(const Query& q, bool include_declaration,
                    std::vector<Location>& out) const override {
        const auto found = name_at(q);
        if (!found) return;
        const std::string name = *found;
        if (include_declaration) {
            auto it = q.snapshot.integrations.find(name);
            if (it != q.snapshot.integrations.end())
                for (const auto& ref : it->second)
                    if (const IntegrationDecl* d = q.snapshot.integration(ref))
                        out.push_back({ref.path, d->name.range});
        }
        for (const auto& [path, f] : q.snapshot.files) {
            if (f->kind != FileKind::SetupPhp) continue;
            for (const auto& call : resolve_setup_calls(q.snapshot, *f))
                for (const auto& n : call.names)
                    if (n.resolved && n.value == name) out.push_back({f->path, n.range});
        }
    }
};

} // namespace

const Participant& integration_names_participant() {
    static const IntegrationNamesParticipant p;
    return p;
}

} // namespace mil
