// Fuzz harness: the tolerant XML parser, locate() at offsets, check_well_formed() and the
// schema checks on whatever tree the parser builds.
//
// Input: [schema kind][3 x u16 offsets][text...]
#pragma once

#include "harness.hpp"

#include "mil/ide/module_xml.hpp"
#include "mil/model/schema.hpp"
#include "mil/syntax/xml.hpp"

namespace mil::fuzz {

inline void check_range_in(Range r, std::size_t size, const char* what) {
    MIL_FUZZ_CHECK(r.begin <= r.end && r.end <= size, describe(what, r.begin, r.end));
}

inline void check_within(Range inner, Range outer, const char* what) {
    MIL_FUZZ_CHECK(outer.begin <= inner.begin && inner.end <= outer.end,
                   describe(what, inner.begin, inner.end) + " outside " +
                       describe("", outer.begin, outer.end));
}

inline void check_xml_tree(const XmlDocument& doc, std::string_view text) {
    const std::size_t n = doc.elements.size();
    std::uint32_t first_top = kNoNode;
    for (std::uint32_t i = 0; i < n; ++i) {
        const XmlElement& e = doc.elements[i];
        check_range_in(e.range, text.size(), "element range");
        check_within(e.start_tag, e.range, "start tag");
        MIL_FUZZ_CHECK(e.start_tag.begin == e.range.begin, "start tag begins the element");
        check_within(e.name_range, e.start_tag, "element name");
        MIL_FUZZ_CHECK(text.substr(e.name_range.begin, e.name_range.end - e.name_range.begin) ==
                           e.name,
                       "name is the text of name_range");
        check_within(e.content, e.range, "content");
        MIL_FUZZ_CHECK(e.content.begin >= e.start_tag.end || e.content.empty(),
                       "content after the start tag");
        if (!e.text.empty() || !e.text_range.empty()) check_within(e.text_range, e.content, "text");
        for (const XmlAttribute& a : e.attributes) {
            check_within(a.name_range, e.range, "attribute name");
            if (a.has_value) check_within(a.value_range, e.range, "attribute value");
            MIL_FUZZ_CHECK(a.name_range.end <= a.value_range.begin || !a.has_value,
                           "value after the name");
        }
        if (e.parent == kNoNode) {
            MIL_FUZZ_CHECK(e.depth == 0, "top element at depth 0");
            if (first_top == kNoNode) first_top = i;
        } else {
            MIL_FUZZ_CHECK(e.parent < i, "parent precedes the child");
            const XmlElement& p = doc.elements[e.parent];
            MIL_FUZZ_CHECK(e.depth == p.depth + 1, "depth is the parent's plus one");
            check_within(e.range, p.range, "child range");
        }
        std::uint32_t prev = i;
        for (std::uint32_t c : e.children) {
            MIL_FUZZ_CHECK(c < n && c > prev, "children in document order");
            MIL_FUZZ_CHECK(doc.elements[c].parent == i, "child names its parent");
            prev = c;
        }
    }
    MIL_FUZZ_CHECK(doc.root == first_top, "root is the first top-level element");
    for (const XmlMarkup& m : doc.markup)
        check_range_in(m.range, text.size(), "markup range");
}

inline void check_locate(const XmlDocument& doc, std::string_view text, Offset offset) {
    CursorContext c = locate(doc, text, offset);
    const Offset at = static_cast<Offset>(std::min<std::size_t>(offset, text.size()));
    check_range_in(c.token, text.size(), "cursor token");
    MIL_FUZZ_CHECK(c.element == kNoNode || c.element < doc.elements.size(), "cursor element");
    MIL_FUZZ_CHECK(c.path == doc.path(c.element), "path == doc.path(element)");
    if (c.kind == CursorKind::None) MIL_FUZZ_CHECK(c.prefix.empty(), "no prefix outside a token");
    if (c.token.begin <= at && c.kind != CursorKind::None) {
        const Offset end = std::min(at, c.token.end);
        MIL_FUZZ_CHECK(c.prefix == text.substr(c.token.begin, end - c.token.begin),
                       "prefix is the token up to the cursor");
    }
    std::uint32_t e = doc.element_at(offset);
    if (e != kNoNode) {
        MIL_FUZZ_CHECK(e < doc.elements.size(), "element_at in bounds");
        MIL_FUZZ_CHECK(doc.elements[e].range.touches(at), "element_at contains the offset");
    }
}

// scan_plain_texts at `path`, when it answers, gives what the tree gives.
inline void check_plain_texts(const XmlDocument& doc, std::string_view text,
                              const std::vector<std::string>& path) {
    const std::vector<std::string_view> want(path.begin(), path.end());
    const auto fast = scan_plain_texts(text, want);
    if (!fast) return;
    std::vector<const XmlElement*> tree;
    for (std::uint32_t i = 0; i < doc.elements.size(); ++i) {
        const XmlElement& e = doc.elements[i];
        if (e.depth + 1 == path.size() && !e.text.empty() && doc.path(i) == path)
            tree.push_back(&e);
    }
    MIL_FUZZ_CHECK(fast->size() == tree.size(), "plain texts: as many as the tree's");
    for (std::size_t k = 0; k < tree.size() && k < fast->size(); ++k) {
        MIL_FUZZ_CHECK((*fast)[k].text == tree[k]->text, "plain texts: the tree's text");
        MIL_FUZZ_CHECK((*fast)[k].range == tree[k]->text_range, "plain texts: the tree's range");
    }
}

// scan_plain_attributes at `path` for `attribute`, when it answers, gives the first such
// attribute of each element at the path, as the tree has it.
inline void check_plain_attributes(const XmlDocument& doc, std::string_view text,
                                   const std::vector<std::string>& path,
                                   std::string_view attribute) {
    const std::vector<std::string_view> want(path.begin(), path.end());
    const auto fast = scan_plain_attributes(text, want, attribute);
    if (!fast) return;
    std::vector<const XmlAttribute*> tree;
    for (std::uint32_t i = 0; i < doc.elements.size(); ++i) {
        const XmlElement& e = doc.elements[i];
        if (e.depth + 1 == path.size() && doc.path(i) == path)
            if (const XmlAttribute* a = e.attribute(attribute)) tree.push_back(a);
    }
    MIL_FUZZ_CHECK(fast->size() == tree.size(), "plain attributes: as many as the tree's");
    for (std::size_t k = 0; k < tree.size() && k < fast->size(); ++k) {
        MIL_FUZZ_CHECK((*fast)[k].text == tree[k]->value, "plain attributes: the tree's value");
        MIL_FUZZ_CHECK((*fast)[k].range == tree[k]->value_range,
                       "plain attributes: the tree's range");
    }
}

// module_decl_plain, when it answers, gives what module_decl_from_tree gives.
inline void check_module_decl(std::string_view text) {
    const auto fast = module_decl_plain(text);
    if (!fast) return;
    const auto tree = module_decl_from_tree(text);
    MIL_FUZZ_CHECK(fast->has_value() == tree.has_value(), "plain module.xml: a module as the tree");
    if (!*fast || !tree) return;
    const ModuleDecl& a = **fast;
    const ModuleDecl& b = *tree;
    auto same = [](const TextValue& x, const TextValue& y) {
        return x.value == y.value && x.range == y.range;
    };
    MIL_FUZZ_CHECK(same(a.name, b.name), "plain module.xml: the name");
    MIL_FUZZ_CHECK(a.element_name_range == b.element_name_range &&
                       a.element_range == b.element_range && a.self_closing == b.self_closing,
                   "plain module.xml: the element");
    MIL_FUZZ_CHECK(a.setup_version.has_value() == b.setup_version.has_value() &&
                       (!a.setup_version || same(*a.setup_version, *b.setup_version)),
                   "plain module.xml: setup_version");
    MIL_FUZZ_CHECK(a.has_sequence == b.has_sequence && a.sequence_range == b.sequence_range &&
                       a.sequence.size() == b.sequence.size(),
                   "plain module.xml: the sequence");
    for (std::size_t i = 0; i < a.sequence.size() && i < b.sequence.size(); ++i)
        MIL_FUZZ_CHECK(same(a.sequence[i], b.sequence[i]), "plain module.xml: a sequence name");
}

inline void run_xml(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    const auto kind = static_cast<SchemaKind>(in.byte() % 8);
    const std::uint16_t offsets[3] = {in.u16(), in.u16(), in.u16()};
    const std::string text(in.rest());

    XmlDocument doc = parse_xml(text);
    check_xml_tree(doc, text);
    for (std::uint16_t o : offsets)
        check_locate(doc, text, static_cast<Offset>(o % (text.size() + 2)));
    // The end of the text, and one past it, are where a user types.
    check_locate(doc, text, static_cast<Offset>(text.size()));

    check_plain_texts(doc, text, {"config", "system", "section", "resource"});
    check_plain_attributes(doc, text, {"routes", "route", "resources", "resource"}, "ref");
    check_module_decl(text);
    if (!doc.elements.empty()) { // the path of an element the input chose, and its attributes
        const auto chosen = static_cast<std::uint32_t>(offsets[1] % doc.elements.size());
        check_plain_texts(doc, text, doc.path(chosen));
        for (const XmlAttribute& a : doc.elements[chosen].attributes)
            check_plain_attributes(doc, text, doc.path(chosen), a.name);
    }

    if (auto err = check_well_formed(text))
        MIL_FUZZ_CHECK(err->offset <= text.size(), "well-formedness error offset");

    for (const Diagnostic& d : validate_schema(kind, doc, text))
        check_range_in(d.range, text.size(), "schema diagnostic");
    // Completion and hover knowledge at the element under the first offset.
    const std::uint32_t e = doc.element_at(static_cast<Offset>(offsets[0] % (text.size() + 1)));
    const std::vector<std::string> path = doc.path(e);
    (void)allowed_children(kind, path);
    for (const SchemaAttributeInfo& a : allowed_attributes(kind, path))
        (void)element_doc(kind, path, a.name);
    (void)element_doc(kind, path);
}

} // namespace mil::fuzz
