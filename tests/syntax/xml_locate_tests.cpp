#include "mil/syntax/xml.hpp"

#include "cursor.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mil;
using mil::test::cursor;
using mil::test::slice;

namespace {

using Path = std::vector<std::string>;

struct Expect {
    std::string marked;
    CursorKind kind;
    Path path;
    std::string attribute;
    std::string prefix;
    std::string token; // text of the token; an empty token must sit at the cursor
    std::vector<std::string> present = {};
};

const char* kind_name(CursorKind k) {
    switch (k) {
    case CursorKind::None:
        return "None";
    case CursorKind::ElementName:
        return "ElementName";
    case CursorKind::AttributeName:
        return "AttributeName";
    case CursorKind::AttributeValue:
        return "AttributeValue";
    case CursorKind::Text:
        return "Text";
    case CursorKind::EndTagName:
        return "EndTagName";
    }
    return "?";
}

void check(const Expect& x) {
    CAPTURE(x.marked);
    const auto c = cursor(x.marked);
    const XmlDocument doc = parse_xml(c.text);
    const CursorContext ctx = locate(doc, c.text, c.offset);
    CHECK(std::string(kind_name(ctx.kind)) == kind_name(x.kind));
    CHECK(ctx.path == x.path);
    CHECK(ctx.attribute == x.attribute);
    CHECK(ctx.prefix == x.prefix);
    CHECK(slice(c.text, ctx.token) == x.token);
    if (x.token.empty()) CHECK(ctx.token.begin == c.offset);
    CHECK(ctx.token.touches(c.offset));
    CHECK(ctx.present_attributes == x.present);
    CHECK(ctx.path == doc.path(ctx.element));
    // For ElementName, `element` is the parent in which the new element is typed.
    if (ctx.kind == CursorKind::ElementName && x.path.empty()) CHECK(ctx.element == kNoNode);
}

} // namespace

TEST_CASE("locate: attribute values") {
    const std::vector<Expect> cases = {
        {"<resource name=\"Magento_Sa|\"",
         CursorKind::AttributeValue,
         {"resource"},
         "name",
         "Magento_Sa",
         "Magento_Sa",
         {"name"}},
        // The value continues after the cursor; the quote is unterminated.
        {"<resources><resource name=\"Magento_Sa|les::sales",
         CursorKind::AttributeValue,
         {"resources", "resource"},
         "name",
         "Magento_Sa",
         "Magento_Sales::sales",
         {"name"}},
        {"<resources><resource name=\"Magento_Sa|",
         CursorKind::AttributeValue,
         {"resources", "resource"},
         "name",
         "Magento_Sa",
         "Magento_Sa",
         {"name"}},
        {"<resource name=\"|\"/>",
         CursorKind::AttributeValue,
         {"resource"},
         "name",
         "",
         "",
         {"name"}},
        {"<resource name='A::b|' title=\"T\"/>",
         CursorKind::AttributeValue,
         {"resource"},
         "name",
         "A::b",
         "A::b",
         {"name", "title"}},
        {"<resource name=\"A::b\" title=\"|T\"/>",
         CursorKind::AttributeValue,
         {"resource"},
         "title",
         "",
         "T",
         {"name", "title"}},
        {"<r a=\"x &amp;| y\"/>",
         CursorKind::AttributeValue,
         {"r"},
         "a",
         "x &amp;",
         "x &amp; y",
         {"a"}},
        // Unterminated value followed by more attributes on the next line.
        {"<r name=\"Magento_Ca|\n   title=\"Cart\"/>",
         CursorKind::AttributeValue,
         {"r"},
         "name",
         "Magento_Ca",
         "Magento_Ca",
         {"name", "title"}},
        {"<r k=\"\xC3\xA9\xF0\x9F\x98\x80|\"/>",
         CursorKind::AttributeValue,
         {"r"},
         "k",
         "\xC3\xA9\xF0\x9F\x98\x80",
         "\xC3\xA9\xF0\x9F\x98\x80",
         {"k"}},
        // Before the opening quote and after the closing one: not in the value.
        {"<r a=|\"x\"/>", CursorKind::None, {"r"}, "", "", ""},
        {"<r a=\"x\"|/>", CursorKind::None, {"r"}, "", "", ""},
    };
    for (const auto& x : cases)
        check(x);
}

TEST_CASE("locate: element names") {
    const std::vector<Expect> cases = {
        {"<resources>\n  <|", CursorKind::ElementName, {"resources"}, "", "", ""},
        {"<resources><re|", CursorKind::ElementName, {"resources"}, "", "re", "re"},
        {"<resources><resource name=\"A::b\"/><reso|",
         CursorKind::ElementName,
         {"resources"},
         "",
         "reso",
         "reso"},
        {"<config><acl><reso|urce id=\"x\"/></acl></config>",
         CursorKind::ElementName,
         {"config", "acl"},
         "",
         "reso",
         "resource"},
        {"<config>\n  <|\n  <acl/>\n</config>", CursorKind::ElementName, {"config"}, "", "", ""},
        {"<|", CursorKind::ElementName, {}, "", "", ""},
        {"<?xml version=\"1.0\"?>\n<con|", CursorKind::ElementName, {}, "", "con", "con"},
        {"<a>\r\n\t<b|\r\n</a>", CursorKind::ElementName, {"a"}, "", "b", "b"},
    };
    for (const auto& x : cases)
        check(x);
}

TEST_CASE("locate: attribute names") {
    const std::vector<Expect> cases = {
        {"<resource |/>", CursorKind::AttributeName, {"resource"}, "", "", ""},
        {"<resource |>", CursorKind::AttributeName, {"resource"}, "", "", ""},
        {"<resource na|", CursorKind::AttributeName, {"resource"}, "na", "na", "na"},
        {"<resource title=\"T\" na|",
         CursorKind::AttributeName,
         {"resource"},
         "na",
         "na",
         "na",
         {"title"}},
        {"<resource id=\"x\" |title=\"T\"/>",
         CursorKind::AttributeName,
         {"resource"},
         "title",
         "",
         "title",
         {"id"}},
        {"<resource id=\"x\" | title=\"T\"/>",
         CursorKind::AttributeName,
         {"resource"},
         "",
         "",
         "",
         {"id", "title"}},
        {"<a><resource na|\n<b/></a>",
         CursorKind::AttributeName,
         {"a", "resource"},
         "na",
         "na",
         "na"},
        {"<a><resource |\n<b/></a>", CursorKind::AttributeName, {"a", "resource"}, "", "", ""},
    };
    for (const auto& x : cases)
        check(x);
}

TEST_CASE("locate: text content") {
    const std::vector<Expect> cases = {
        {"<email>foo|</email>", CursorKind::Text, {"email"}, "", "foo", "foo"},
        {"<email>|</email>", CursorKind::Text, {"email"}, "", "", ""},
        {"<email>  f|oo  </email>", CursorKind::Text, {"email"}, "", "f", "foo"},
        {"<email> | foo</email>", CursorKind::Text, {"email"}, "", "", ""},
        {"<i><email>a@b|", CursorKind::Text, {"i", "email"}, "", "a@b", "a@b"},
        {"<u>a&amp;|b</u>", CursorKind::Text, {"u"}, "", "a&amp;", "a&amp;b"},
        {"<c><![CDATA[x|y]]></c>", CursorKind::Text, {"c"}, "", "x", "xy"},
        {"<a>\r\n  v|al\r\n</a>", CursorKind::Text, {"a"}, "", "v", "val"},
        {"<a>\xE4\xB8\xAD|\xF0\x9F\x98\x80</a>",
         CursorKind::Text,
         {"a"},
         "",
         "\xE4\xB8\xAD",
         "\xE4\xB8\xAD\xF0\x9F\x98\x80"},
        // Text beside element children: the run between the tags.
        {"<a><b/> lo|ose <c/></a>", CursorKind::Text, {"a"}, "", "lo", "loose"},
        // Blank space between element children: nothing to complete, but the
        // element is known.
        {"<a>\n  <b/>\n  |\n  <c/>\n</a>", CursorKind::None, {"a"}, "", "", ""},
        // Recovery closed <b> at </a>: the cursor at its end is still in <b>.
        {"<a><b>x|</a>", CursorKind::Text, {"a", "b"}, "", "x", "x"},
    };
    for (const auto& x : cases)
        check(x);
}

TEST_CASE("locate: end tag names") {
    const std::vector<Expect> cases = {
        {"<resources>\n</reso|", CursorKind::EndTagName, {"resources"}, "", "reso", "reso"},
        {"<resources>\n</|", CursorKind::EndTagName, {"resources"}, "", "", ""},
        {"<a><resources></reso|</a>",
         CursorKind::EndTagName,
         {"a", "resources"},
         "",
         "reso",
         "reso"},
        {"<resources></reso|urces>",
         CursorKind::EndTagName,
         {"resources"},
         "",
         "reso",
         "resources"},
        {"<resources></resources|>",
         CursorKind::EndTagName,
         {"resources"},
         "",
         "resources",
         "resources"},
        {"<resources></resources >|", CursorKind::None, {}, "", "", ""},
    };
    for (const auto& x : cases)
        check(x);
}

TEST_CASE("locate: comments, prolog and outside the root give None") {
    const std::vector<Expect> cases = {
        {"<?xml vers|ion=\"1.0\"?><a/>", CursorKind::None, {}, "", "", ""},
        {"<?xml version=\"1.0\"?>|\n<a/>", CursorKind::None, {}, "", "", ""},
        {"<a><!-- <b na|me=\"x\"/> --></a>", CursorKind::None, {}, "", "", ""},
        {"<a><!-- <|", CursorKind::None, {}, "", "", ""},
        {"<!DOCTYPE a [ <!ENTITY x \"|\"> ]><a/>", CursorKind::None, {}, "", "", ""},
        {"|<a/>", CursorKind::None, {}, "", "", ""},
        {"<a/>\n|", CursorKind::None, {}, "", "", ""},
        {"", CursorKind::None, {}, "", "", ""},
    };
    for (const auto& x : cases) {
        if (x.marked.empty()) {
            const XmlDocument doc = parse_xml("");
            CHECK(locate(doc, "", 0).kind == CursorKind::None);
            continue;
        }
        check(x);
    }
}

TEST_CASE("locate: the cursor at a value's closing quote is inside the value") {
    const std::string text = "<r a=\"abc\"/>";
    const XmlDocument doc = parse_xml(text);
    const Offset quote = static_cast<Offset>(text.find("\"/>"));
    const CursorContext c = locate(doc, text, quote);
    CHECK(c.kind == CursorKind::AttributeValue);
    CHECK(c.prefix == "abc");
    CHECK(locate(doc, text, quote + 1).kind == CursorKind::None);
}

TEST_CASE("locate: an offset past the end is clamped") {
    const std::string text = "<resources><reso";
    const XmlDocument doc = parse_xml(text);
    const CursorContext c = locate(doc, text, 10'000);
    CHECK(c.kind == CursorKind::ElementName);
    CHECK(c.prefix == "reso");
}

TEST_CASE("the cursor helper") {
    const auto c = cursor("ab|cd");
    CHECK(c.text == "abcd");
    CHECK(c.offset == 2);
    CHECK(cursor("$0x", "$0").offset == 0);
    CHECK_THROWS(cursor("no marker"));
    CHECK_THROWS(cursor("a|b|c"));
}
