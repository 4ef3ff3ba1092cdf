// What the schemas say: element and attribute completion, their docs on hover, and `schema`
// diagnostics, for every XML file kind that has a Magento schema.
#include "participants.hpp"

#include "mil/model/schema.hpp"

#include <fmt/format.h>

#include <set>

namespace mil {

namespace {

std::optional<SchemaKind> schema_of(FileKind k) {
    switch (k) {
    case FileKind::Integration:
        return SchemaKind::Integration;
    case FileKind::IntegrationConfig:
        return SchemaKind::IntegrationConfig;
    case FileKind::IntegrationApi:
        return SchemaKind::IntegrationApi;
    case FileKind::Acl:
        return SchemaKind::Acl;
    case FileKind::ModuleXml:
        return SchemaKind::Module;
    case FileKind::Webapi:
        return SchemaKind::Webapi;
    case FileKind::Menu:
        return SchemaKind::Menu;
    case FileKind::System:
        return SchemaKind::System;
    default:
        return std::nullopt;
    }
}

bool validated(SchemaKind k) {
    return k != SchemaKind::Menu && k != SchemaKind::System;
}

class SchemaParticipant final : public Participant {
public:
    const char* name() const override { return "schema"; }
    bool serves(FileKind kind) const override { return schema_of(kind).has_value(); }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        auto kind = *schema_of(q.file.kind);
        if (!validated(kind) || q.xml_syntax()) return; // xml-syntax speaks first
        const XmlDocument& doc = q.xml();
        auto found = validate_schema(kind, doc, *q.file.text);
        out.insert(out.end(), std::make_move_iterator(found.begin()),
                   std::make_move_iterator(found.end()));
    }

    void complete(const Query& q, CompletionResult& out) const override {
        auto kind = *schema_of(q.file.kind);
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind == CursorKind::ElementName) {
            complete_elements(q, kind, doc, c, out);
        } else if (c.kind == CursorKind::AttributeName) {
            std::set<std::string> present(c.present_attributes.begin(), c.present_attributes.end());
            for (const auto& a : allowed_attributes(kind, c.path)) {
                if (present.count(a.name) && a.name != c.prefix) continue;
                CompletionItem item;
                item.label = a.name;
                item.kind = CompletionKind::Attribute;
                item.detail = a.required ? "required attribute" : "attribute";
                item.documentation = a.doc;
                bool snippet = q.settings.snippets;
                item.edit = {c.token, snippet ? a.name + "=\"$1\"" : a.name + "=\"\""};
                item.is_snippet = snippet;
                item.sort_text = (a.required ? "0" : "1") + a.name;
                out.items.push_back(std::move(item));
            }
        } else if (c.kind == CursorKind::AttributeValue) {
            for (const auto& a : allowed_attributes(kind, c.path)) {
                if (a.name != c.attribute) continue;
                for (const auto& v : a.values) {
                    CompletionItem item;
                    item.label = v;
                    item.kind = CompletionKind::Value;
                    item.edit = {c.token, v};
                    out.items.push_back(std::move(item));
                }
            }
        }
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        auto kind = *schema_of(q.file.kind);
        const XmlDocument& doc = q.xml();
        std::uint32_t el = doc.element_at(q.offset);
        if (el == kNoNode) return std::nullopt;
        const XmlElement& e = doc.elements[el];
        auto path = doc.path(el);
        // The element's name in its start tag or its end tag.
        Range end_name{};
        if (e.closed && !e.self_closing) {
            Offset after_lt = e.content.end + 2; // "</"
            end_name = {after_lt, static_cast<Offset>(after_lt + e.name.size())};
        }
        if (e.name_range.touches(q.offset) || (!end_name.empty() && end_name.touches(q.offset))) {
            std::string md = element_doc(kind, path);
            if (md.empty()) return std::nullopt;
            return HoverResult{md, e.name_range.touches(q.offset) ? e.name_range : end_name};
        }
        for (const auto& a : e.attributes) {
            if (!a.name_range.touches(q.offset)) continue;
            std::string md = element_doc(kind, path, a.name);
            if (md.empty()) return std::nullopt;
            return HoverResult{md, a.name_range};
        }
        return std::nullopt;
    }

private:
    static void complete_elements(const Query& q, SchemaKind kind, const XmlDocument& doc,
                                  const CursorContext& c, CompletionResult& out) {
        // Children already present in the parent, to skip those at their maximum.
        std::map<std::string, std::uint32_t> count;
        std::uint32_t parent = kNoNode;
        if (c.element != kNoNode) parent = c.element;
        if (parent != kNoNode)
            for (auto ch : doc.children(parent)) {
                const auto& e = doc.elements[ch];
                if (!e.name_range.touches(q.offset)) ++count[e.name];
            }
        auto children =
            c.path.empty() ? std::vector<SchemaElementInfo>{} : allowed_children(kind, c.path);
        if (c.path.empty()) {
            SchemaElementInfo root;
            root.name = std::string(schema_root_element(kind));
            children.push_back(root);
        }
        for (const auto& ch : children) {
            if (ch.max_occurs != kUnbounded && count[ch.name] >= ch.max_occurs) continue;
            CompletionItem item;
            item.label = ch.name;
            item.kind = CompletionKind::Element;
            item.documentation = ch.doc;
            item.detail = ch.min_occurs > 0 ? "required element" : "element";
            std::string insert = ch.name;
            if (q.settings.snippets) {
                std::string attrs;
                int n = 1;
                for (const auto& a : ch.required_attributes)
                    attrs += fmt::format(" {}=\"${}\"", a, n++);
                if (ch.content == ContentKind::Empty)
                    insert = fmt::format("{}{}/>", ch.name, attrs);
                else
                    insert = fmt::format("{}{}>${}</{}>", ch.name, attrs,
                                         ch.required_attributes.empty() ? 0 : n, ch.name);
                item.is_snippet = true;
            }
            item.edit = {c.token, insert};
            item.sort_text = (ch.min_occurs > 0 ? "0" : "1") + ch.name;
            out.items.push_back(std::move(item));
        }
    }
};

} // namespace

const Participant& schema_participant() {
    static const SchemaParticipant p;
    return p;
}

} // namespace mil
