// view/adminhtml/ui_component/*.xml: the ACL resource a UI component's data needs
// (<aclResource> element text, usually under <dataSource>).
#include "p_acl_refs.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class UiComponentParticipant final : public AclRefParticipant {
public:
    const char* name() const override { return "ui-component"; }
    bool serves(FileKind kind) const override { return kind == FileKind::UiComponent; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        XmlDocument doc = parse_xml(*entry.text);
        for (const auto& e : doc.elements)
            if (e.name == "aclResource" && e.children.empty()) add_ref(text_value(e), facts);
    }

    void complete(const Query& q, CompletionResult& out) const override {
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind != CursorKind::Text || c.path.empty() || c.path.back() != "aclResource") return;
        complete_acl_ids(q, c.token, c.prefix, out);
    }

protected:
    std::string_view consequence(FileKind) const override {
        static const std::string text =
            fmt::format("{}, so the component is refused to every admin whose role lists resources",
                        kOnlyFullAccess);
        return text;
    }
};

} // namespace

const Participant& ui_component_participant() {
    static const UiComponentParticipant p;
    return p;
}

} // namespace mil
