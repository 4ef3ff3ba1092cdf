// etc/adminhtml/system.xml: the ACL resource that guards each configuration section
// (system/section/resource, element text).
#include "p_acl_refs.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class SystemParticipant final : public AclRefParticipant {
public:
    const char* name() const override { return "system"; }
    bool serves(FileKind kind) const override { return kind == FileKind::System; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        // The index reads every module's system.xml (the largest files it reads): the texts
        // in one pass, the tree only for a file of another shape.
        static const std::vector<std::string_view> kPath{"config", "system", "section", "resource"};
        if (auto fast = scan_plain_texts(*entry.text, kPath)) {
            for (XmlPlainText& t : *fast)
                add_ref({std::move(t.text), t.range}, facts);
            return;
        }
        XmlDocument doc = parse_xml(*entry.text);
        const XmlElement* root = doc.root_element();
        if (!root || root->name != "config") return;
        for (auto system : doc.children(doc.root, "system"))
            for (auto section : doc.children(system, "section"))
                for (auto resource : doc.children(section, "resource"))
                    add_ref(text_value(doc.elements[resource]), facts);
    }

    void complete(const Query& q, CompletionResult& out) const override {
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind != CursorKind::Text ||
            !path_ends_with(c.path, {"system", "section", "resource"}))
            return;
        complete_acl_ids(q, c.token, c.prefix, out);
    }

protected:
    std::string_view consequence(FileKind) const override {
        static const std::string text = fmt::format(
            "{}, so no admin whose role lists resources can open this configuration section",
            kOnlyFullAccess);
        return text;
    }
};

} // namespace

const Participant& system_participant() {
    static const SystemParticipant p;
    return p;
}

} // namespace mil
