// XML for half-typed files.
//
// parse_xml() never fails: it builds an element tree with exact byte ranges from whatever
// text it is given (a file being typed, a truncated file, binary junk), recovering the way
// an editor user expects (an unclosed element ends where its parent ends: at the '<' of the
// end tag that closed an ancestor, or at the end of the text; a stray end tag is skipped; an
// unterminated attribute value ends at the end of its line or at '<'; a start tag cut off by
// '<' or the end of the text has no content, so it does not adopt the elements after it).
// check_well_formed() asks pugixml whether the text is well-formed XML, for the
// `xml-syntax` diagnostic. locate() answers "what is at this offset" for completion and hover.
#pragma once

#include "mil/base/text.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

inline constexpr std::uint32_t kNoNode = 0xffffffffu;

struct XmlAttribute {
    std::string name;
    Range name_range;
    std::string value; // entity-decoded (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;)
    Range value_range; // raw bytes between the quotes (to where scanning stopped if unterminated)
    bool has_value = false; // `name="..."` seen (false for a bare `name` or `name=`)
    bool terminated = true; // the closing quote was found
};

struct XmlElement {
    std::string name; // qualified name as written, e.g. "xsi:schemaLocation" style prefixes kept
    Range name_range;
    Range range;     // from '<' to the end of the end tag (or where recovery closed it)
    Range start_tag; // from '<' to just after '>' of the start tag (or where it stopped)
    Range content;   // between the start tag and the end tag (empty for self-closing)
    bool self_closing = false;
    bool closed = false;              // self-closing or a matching end tag was found
    bool start_tag_terminated = true; // the start tag ended with '>' or '/>'
    std::vector<XmlAttribute> attributes;
    std::uint32_t parent = kNoNode;
    std::vector<std::uint32_t> children; // element children, in document order
    std::uint32_t depth = 0;             // 0 for the root element

    // Text content with surrounding whitespace trimmed and entities/CDATA decoded, of an
    // element that has no element children; empty otherwise.
    std::string text;
    Range text_range; // raw range of the trimmed text (empty range at content.begin if none)

    const XmlAttribute* attribute(std::string_view name) const;
};

// Markup that is not an element, recorded by parse_xml() in document order.
enum class XmlMarkupKind { Comment, ProcessingInstruction, Doctype, CData };
struct XmlMarkup {
    XmlMarkupKind kind = XmlMarkupKind::Comment;
    Range range;            // from '<' to just after the closing delimiter (or where it stopped)
    bool terminated = true; // the closing delimiter ("-->", "?>", ">", "]]>") was found
};

struct XmlDocument {
    std::vector<XmlElement> elements; // in document order; index 0 is the first top element
    std::uint32_t root = kNoNode;     // the first top-level element
    std::vector<XmlMarkup> markup;    // comments, PIs (incl. the XML declaration), DOCTYPE, CDATA

    const XmlElement* root_element() const { return root == kNoNode ? nullptr : &elements[root]; }
    // Element children of `parent` named `name` (all of them when name is empty); with
    // parent == kNoNode, the top-level elements.
    std::vector<std::uint32_t> children(std::uint32_t parent, std::string_view name = {}) const;
    // Names from the root down to `element`, e.g. {"config","integration","resources"}.
    std::vector<std::string> path(std::uint32_t element) const;
    // Innermost element whose range contains `offset` (kNoNode if none).
    std::uint32_t element_at(Offset offset) const;
};

// Tolerant parse; never throws. Depth is bounded by an explicit stack (no recursion), so
// deeply nested input cannot overflow the call stack.
XmlDocument parse_xml(std::string_view text);

struct XmlSyntaxError {
    Offset offset = 0;   // where pugixml stopped
    std::string message; // pugixml's description, e.g. "Start-end tags mismatch"
};
// nullopt when pugixml accepts the text as a well-formed document.
std::optional<XmlSyntaxError> check_well_formed(std::string_view text);

// The text of each element at `path` (names from the root, e.g. {"config", "system",
// "section", "resource"}) with a non-blank text, trimmed, in document order: what
// parse_xml gives as such elements' text and text_range, found in one pass without the
// tree. Only for plain documents: nullopt (parse the tree instead) for one that is not well
// nested or has a DOCTYPE, unquoted or unspaced attributes, or an element at `path` whose
// content is not plain text (an entity, CDATA, a comment or a child element in it).
struct XmlPlainText {
    std::string text;
    Range range;
};
std::optional<std::vector<XmlPlainText>>
scan_plain_texts(std::string_view text, const std::vector<std::string_view>& path);

// The same for attributes: the value of the first attribute named `attribute` of each element
// at `path` (self-closing ones included), with its range between the quotes, in document
// order; what parse_xml gives as such an attribute's value and value_range. Nullopt for a
// document that is not plain (as above) or where such a value holds an entity.
std::optional<std::vector<XmlPlainText>>
scan_plain_attributes(std::string_view text, const std::vector<std::string_view>& path,
                      std::string_view attribute);

// What those two are built on: one pass over a plain document (as above), start tags and
// the ends of elements in document order. A start tag gives its name, the names of the
// elements open around it (root first), its attributes as written (values not decoded)
// and where it ends; an element's end gives its name, depth and whole range ('<' to the end
// of its end tag, or of the tag itself when self-closing), as parse_xml's range. A callback
// returning false stops the walk. False when the document is not plain or a callback stopped it.
struct PlainAttribute {
    std::string_view name;
    std::string_view value; // raw, between the quotes
    Range value_range;
};
struct PlainStartTag {
    std::string_view name;
    Range name_range;
    Offset end = 0; // just after its '>'
    bool self_closing = false;
    const std::vector<std::string_view>* open = nullptr; // enclosing elements, root first
    const std::vector<PlainAttribute>* attributes = nullptr;
    const PlainAttribute* attribute(std::string_view n) const; // the first so named
};
// on_end: the element's name, its depth (0 for the root) and its range.
bool walk_plain(
    std::string_view text, const std::function<bool(const PlainStartTag&)>& on_start,
    const std::function<bool(std::string_view name, std::size_t depth, Range element)>& on_end);

// `s` escaped for XML text or a quoted attribute value: `& < > " '` as entities, newline,
// carriage return and tab as character references (kept in attribute values), and the
// other control characters, which XML 1.0 does not allow, as U+FFFD.
std::string xml_escape(std::string_view s);

// What the cursor is on.
enum class CursorKind {
    None, // outside anything useful (prolog, comment, between tags where text is not expected)
    ElementName,    // typing an element name after '<' (also an empty name right after '<')
    AttributeName,  // inside a start tag, where an attribute name is (or may be typed)
    AttributeValue, // inside an attribute's quotes
    Text,           // element text content
    EndTagName,     // typing a name after '</'
};

struct CursorContext {
    CursorKind kind = CursorKind::None;
    // The element the cursor is in (its start tag or its content); for ElementName, the parent
    // in which the new element is typed (kNoNode at the top level).
    std::uint32_t element = kNoNode;
    // Names from the root to `element` inclusive (always doc.path(element)); for ElementName
    // the path of the parent in which the new element is typed.
    std::vector<std::string> path;
    // Attribute name for AttributeValue (and the partial name for AttributeName).
    std::string attribute;
    std::string prefix; // what is typed from the start of the token to the cursor
    Range token; // the whole token under the cursor (value between quotes, name, trimmed text)
    std::vector<std::string> present_attributes; // attributes already in the start tag
};

// Details: an offset counts as inside an element that was never closed (no end tag, or a
// start tag without '>') even when it equals the element's range end, so the cursor at the
// end of a half-typed file is inside what is being typed. For AttributeName,
// present_attributes leaves out the attribute whose name is under the cursor. In the content
// of an element that has element children, a cursor on whitespace between tags gives None
// (with `element` and `path` still set); on a non-blank text run it gives Text whose token is
// that trimmed run. Inside a comment, PI or DOCTYPE: None; inside CDATA: Text. An offset past
// the end of the text is clamped to it. When there is no token (None, or an empty name or
// value), `token` is the empty range at the cursor.
CursorContext locate(const XmlDocument& doc, std::string_view text, Offset offset);

} // namespace mil
