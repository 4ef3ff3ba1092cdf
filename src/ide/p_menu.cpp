// etc/adminhtml/menu.xml: the ACL resource that shows or hides each admin menu item
// (menu/add@resource and menu/update@resource).
#include "p_acl_refs.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

bool is_item(std::string_view name) {
    return name == "add" || name == "update";
}

class MenuParticipant final : public AclRefParticipant {
public:
    const char* name() const override { return "menu"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Menu; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        XmlDocument doc = parse_xml(*entry.text);
        const XmlElement* root = doc.root_element();
        if (!root || root->name != "config") return;
        for (auto menu : doc.children(doc.root, "menu"))
            for (auto item : doc.children(menu)) {
                const XmlElement& e = doc.elements[item];
                if (is_item(e.name) && has_attr(e, "resource"))
                    add_ref(attr_value(e, "resource"), facts);
            }
    }

    void complete(const Query& q, CompletionResult& out) const override {
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind != CursorKind::AttributeValue || c.attribute != "resource" ||
            c.path.size() < 2 || !is_item(c.path.back()) || c.path[c.path.size() - 2] != "menu")
            return;
        complete_acl_ids(q, c.token, c.prefix, out);
    }

protected:
    std::string_view consequence(FileKind) const override {
        static const std::string text = fmt::format(
            "{}, so the menu item is hidden from every admin whose role lists resources",
            kOnlyFullAccess);
        return text;
    }
};

} // namespace

const Participant& menu_participant() {
    static const MenuParticipant p;
    return p;
}

} // namespace mil
