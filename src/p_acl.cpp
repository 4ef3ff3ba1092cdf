// etc/acl.xml: the declarations of ACL resources.
#include "participants.hpp"

#include "mil/acl_support.hpp"

#include <charconv>

namespace mil {

namespace {

class AclParticipant final : public Participant {
public:
    const char* name() const override { return "acl"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Acl; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        XmlDocument doc = parse_xml(*entry.text);
        const XmlElement* root = doc.root_element();
        if (!root || root->name != "config") return;
        for (auto acl : doc.children(doc.root, "acl"))
            for (auto resources : doc.children(acl, "resources"))
                collect(doc, resources, facts);
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        for (const auto& d : q.file.facts.acl)
            if (d.id_range.touches(q.offset)) {
                std::string md = acl_hover(q.snapshot, d.id);
                if (!md.empty()) return HoverResult{md, d.id_range};
            }
        return std::nullopt;
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        for (const auto& d : q.file.facts.acl)
            if (d.id_range.touches(q.offset)) {
                auto defs = acl_definitions(q.snapshot, d.id);
                out.insert(out.end(), defs.begin(), defs.end());
            }
    }

    void references(const Query& q, bool include_declaration,
                    std::vector<Location>& out) const override {
        for (const auto& d : q.file.facts.acl)
            if (d.id_range.touches(q.offset)) {
                auto refs = acl_references(q.snapshot, d.id, include_declaration);
                out.insert(out.end(), refs.begin(), refs.end());
            }
    }

private:
    // Walks the <resource> tree below one <resources> element without recursion.
    static void collect(const XmlDocument& doc, std::uint32_t resources, FileFacts& facts) {
        struct Item {
            std::uint32_t element;
            std::string parent;
            std::uint32_t depth;
        };
        std::vector<Item> stack;
        auto push_children = [&](std::uint32_t el, const std::string& parent, std::uint32_t depth) {
            auto kids = doc.children(el, "resource");
            for (auto it = kids.rbegin(); it != kids.rend(); ++it)
                stack.push_back({*it, parent, depth});
        };
        push_children(resources, {}, 0);
        while (!stack.empty()) {
            Item item = std::move(stack.back());
            stack.pop_back();
            const XmlElement& e = doc.elements[item.element];
            AclDecl d;
            TextValue id = attr_value(e, "id");
            d.id = id.value;
            d.id_range = id.range;
            d.parent = item.parent;
            d.depth = item.depth;
            d.element_name_range = e.name_range;
            if (const XmlAttribute* t = e.attribute("title")) {
                d.has_title = true;
                d.title = {t->value, t->value_range};
            }
            if (const XmlAttribute* so = e.attribute("sortOrder")) {
                int v = 0;
                auto r = std::from_chars(so->value.data(), so->value.data() + so->value.size(), v);
                if (r.ec == std::errc()) d.sort_order = v;
            }
            if (const XmlAttribute* dis = e.attribute("disabled"))
                d.disabled = dis->value == "true" || dis->value == "1";
            std::string id_copy = d.id;
            facts.acl.push_back(std::move(d));
            push_children(item.element, id_copy, item.depth + 1);
        }
    }
};

} // namespace

const Participant& acl_participant() {
    static const AclParticipant p;
    return p;
}

} // namespace mil
