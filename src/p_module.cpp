// etc/module.xml: the module's name and its load-order dependencies.
#include "participants.hpp"

namespace mil {

namespace {

class ModuleParticipant final : public Participant {
public:
    const char* name() const override { return "module"; }
    bool serves(FileKind kind) const override { return kind == FileKind::ModuleXml; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        XmlDocument doc = parse_xml(*entry.text);
        const XmlElement* root = doc.root_element();
        if (!root || root->name != "config") return;
        auto mods = doc.children(doc.root, "module");
        if (mods.empty()) return;
        const XmlElement& m = doc.elements[mods.front()];
        ModuleDecl decl;
        decl.name = attr_value(m, "name");
        decl.element_name_range = m.name_range;
        decl.element_range = m.range;
        decl.self_closing = m.self_closing;
        if (const XmlAttribute* v = m.attribute("setup_version"))
            decl.setup_version = TextValue{v->value, v->value_range};
        for (auto seq : doc.children(mods.front(), "sequence")) {
            decl.has_sequence = true;
            decl.sequence_range = doc.elements[seq].range;
            for (auto dep : doc.children(seq, "module"))
                decl.sequence.push_back(attr_value(doc.elements[dep], "name"));
        }
        facts.module = std::move(decl);
    }
};

} // namespace

const Participant& module_participant() {
    static const ModuleParticipant p;
    return p;
}

} // namespace mil
