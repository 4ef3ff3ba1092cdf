// What every participant for a file that names ACL ids (webapi.xml, menu.xml, system.xml,
// UI components, PHP) has in common: the ids it names go into FileFacts.acl_refs at index
// time, and the features (unknown-resource, hover, definition, references) work over those.
// Internal to the core.
#pragma once

#include "participants.hpp"

#include "mil/ide/acl_support.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mil {

class AclRefParticipant : public Participant {
public:
    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        if (magento_own_file(q)) return;
        for (const auto& ref : q.file.facts.acl_refs)
            if (auto d = check_acl_ref(q, ref, consequence(q.file.kind)))
                out.push_back(std::move(*d));
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        const IdRef* ref = ref_at(q);
        if (!ref) return std::nullopt;
        std::string md = acl_hover(q.snapshot, ref->id);
        if (md.empty()) return std::nullopt;
        return HoverResult{std::move(md), ref->range};
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        if (const IdRef* ref = ref_at(q)) {
            auto defs = acl_definitions(q.snapshot, ref->id);
            out.insert(out.end(), defs.begin(), defs.end());
        }
    }

    void references(const Query& q, bool include_declaration,
                    std::vector<Location>& out) const override {
        if (const IdRef* ref = ref_at(q)) {
            auto refs = acl_references(q.snapshot, ref->id, include_declaration);
            out.insert(out.end(), refs.begin(), refs.end());
        }
    }

protected:
    // What Magento does when the id is unknown, for the unknown-resource message.
    virtual std::string_view consequence(FileKind kind) const = 0;

    // Magento's own modules name a few ids on purpose that its ACL does not have (or has
    // disabled) so that only full-access admins see an item, e.g. Magento_Config::advanced
    // in Backend's system.xml and Magento_Marketplace::partners in Marketplace's menu.xml.
    // Nobody can fix those files, so unknown-resource is not reported in them: only in
    // Magento's own packages (vendor/magento/..., or app/code/Magento in a git checkout),
    // not in any module that merely names itself Magento_*.
    static bool magento_own_file(const Query& q) {
        const ModuleInfo* m = q.snapshot.module_of(q.file.path);
        return m && magento_own_module(*m);
    }

    static const IdRef* ref_at(const Query& q) {
        for (const auto& ref : q.file.facts.acl_refs)
            if (ref.range.touches(q.offset)) return &ref;
        return nullptr;
    }

    // An attribute value or element text as a reference (nothing when empty).
    static void add_ref(const TextValue& v, FileFacts& facts) {
        if (!v.value.empty()) facts.acl_refs.push_back({v.value, v.range});
    }
};

// What Magento does with an id its ACL does not have: the authorization policy falls back to
// "is everything allowed", so only roles granted all resources pass. The start of every
// consequence phrase.
inline constexpr std::string_view kOnlyFullAccess =
    "Magento's ACL check then passes only for roles granted all resources (Magento_Backend::all)";

// True when `path` (names from the root) ends with `tail`.
inline bool path_ends_with(const std::vector<std::string>& path,
                           std::initializer_list<std::string_view> tail) {
    if (path.size() < tail.size()) return false;
    auto it = path.end() - static_cast<std::ptrdiff_t>(tail.size());
    for (std::string_view t : tail)
        if (*it++ != t) return false;
    return true;
}

} // namespace mil
