// etc/acl.xml: completion of resource ids. A module that adds a resource below another
// module's repeats the chain of ancestors, so inside <resource id="|"> the children the
// merged tree already has under the enclosing resource come first, then every other id.
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"

#include <fmt/format.h>

#include <set>

namespace mil {

namespace {

bool in_catalog(const Snapshot& s, std::string_view id) {
    if (!s.uses_catalog) return false;
    for (const auto& e : bundled_catalog())
        if (e.id == id) return true;
    return false;
}

class AclCompleteParticipant final : public Participant {
public:
    const char* name() const override { return "acl-complete"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Acl; }

    void complete(const Query& q, CompletionResult& out) const override {
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind != CursorKind::AttributeValue || c.attribute != "id" ||
            !path_is_resource(c.path))
            return;

        // Ids declared elsewhere in this file: a second declaration is an error
        // (acl-duplicate-id), so they are not offered. The id under the cursor is being typed
        // and is no candidate either.
        std::set<std::string> taken;
        for (const auto& d : q.file.facts.acl)
            if (!(d.id_range == c.token)) taken.insert(d.id);
        const AclTree& tree = q.snapshot.acl;
        auto offered = [&](const AclNode& n) {
            if (taken.count(n.id)) return false;
            // Not a node known only from the half-typed value under the cursor.
            for (const auto& d : n.declarations)
                if (d.location.path != q.file.path || !(d.location.range == c.token)) return true;
            return n.declarations.empty() || in_catalog(q.snapshot, n.id);
        };

        // The enclosing <resource>'s id, and what the merged tree has under it.
        std::string parent_id;
        std::uint32_t parent_el = doc.elements[c.element].parent;
        if (parent_el != kNoNode && doc.elements[parent_el].name == "resource")
            parent_id = attr_value(doc.elements[parent_el], "id").value;
        std::vector<std::uint32_t> first;
        if (!parent_id.empty()) {
            if (const AclNode* p = tree.find(parent_id)) first = p->children;
        } else if (parent_el != kNoNode && doc.elements[parent_el].name == "resources") {
            first = tree.roots;
        }

        std::set<std::string> seen;
        std::uint32_t rank = 0;
        const std::string typed = fold_ascii(c.prefix);
        for (std::uint32_t i : first) {
            const AclNode& n = tree.nodes[i];
            if (!offered(n) || !(icontains_folded(n.id, typed) || icontains_folded(n.title, typed)))
                continue;
            CompletionItem item;
            item.label = n.id;
            item.detail = n.title;
            item.kind = CompletionKind::Value;
            item.documentation = fmt::format(
                "{}\n\nChild of `{}` in the merged ACL tree. Module {}", tree.breadcrumb(n),
                parent_id.empty() ? "(top)" : parent_id, n.module.empty() ? "?" : n.module);
            item.edit = {c.token, n.id};
            item.filter_by_detail = !n.title.empty();
            item.sort_text = fmt::format("0{:06}", rank++);
            seen.insert(n.id);
            out.items.push_back(std::move(item));
        }

        CompletionResult all;
        complete_acl_ids(q, c.token, c.prefix, all);
        for (auto& item : all.items) {
            const AclNode* n = tree.find(item.label);
            if (seen.count(item.label) || (n && !offered(*n))) continue;
            item.sort_text = "1" + item.sort_text;
            out.items.push_back(std::move(item));
        }
    }

private:
    static bool path_is_resource(const std::vector<std::string>& path) {
        // config/acl/resources/resource(/resource)*
        if (path.size() < 4 || path[0] != "config" || path[1] != "acl" || path[2] != "resources")
            return false;
        for (std::size_t i = 3; i < path.size(); ++i)
            if (path[i] != "resource") return false;
        return true;
    }
};

} // namespace

const Participant& acl_complete_participant() {
    static const AclCompleteParticipant p;
    return p;
}

} // namespace mil
