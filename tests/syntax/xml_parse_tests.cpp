#include "mil/syntax/xml.hpp"

#include "cursor.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

using namespace mil;
using mil::test::slice;

namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(MIL_FIXTURES_DIR) + "/xml/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const XmlElement& only(const XmlDocument& doc, std::string_view name) {
    const XmlElement* found = nullptr;
    for (const auto& e : doc.elements) {
        if (e.name == name) {
            REQUIRE(found == nullptr);
            found = &e;
        }
    }
    REQUIRE(found != nullptr);
    return *found;
}

// Structural invariants every parse must satisfy, whatever the input.
void check_invariants(const XmlDocument& doc, std::string_view text) {
    Offset prev_begin = 0;
    for (std::uint32_t i = 0; i < doc.elements.size(); ++i) {
        const XmlElement& e = doc.elements[i];
        INFO("element " << i << " <" << e.name << ">");
        REQUIRE(e.range.begin <= e.range.end);
        REQUIRE(e.range.end <= text.size());
        if (i > 0) REQUIRE(e.range.begin > prev_begin);
        prev_begin = e.range.begin;
        REQUIRE(e.start_tag.begin == e.range.begin);
        REQUIRE(e.start_tag.end <= e.content.begin);
        REQUIRE(e.content.begin <= e.content.end);
        REQUIRE(e.content.end <= e.range.end);
        REQUIRE(slice(text, e.name_range) == e.name);
        REQUIRE(e.text_range.begin >= e.content.begin);
        REQUIRE(e.text_range.end <= e.content.end);
        for (const auto& a : e.attributes) {
            REQUIRE(slice(text, a.name_range) == a.name);
            REQUIRE(a.name_range.end <= a.value_range.begin);
            REQUIRE(a.value_range.end <= e.start_tag.end);
        }
        if (e.parent == kNoNode) {
            REQUIRE(e.depth == 0);
        } else {
            const XmlElement& p = doc.elements[e.parent];
            REQUIRE(e.parent < i);
            REQUIRE(e.depth == p.depth + 1);
            REQUIRE(p.content.begin <= e.range.begin);
            REQUIRE(e.range.end <= p.content.end);
        }
        for (std::uint32_t c : e.children)
            REQUIRE(doc.elements[c].parent == i);
    }
    if (!doc.elements.empty()) REQUIRE(doc.root == 0);
}

} // namespace

TEST_CASE("parse_xml reads a well-formed document with exact ranges") {
    const std::string text = "<?xml version=\"1.0\"?>\n"
                             "<!DOCTYPE config>\n"
                             "<!-- comment <not-an-element/> -->\n"
                             "<config xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                             "  <integration name = 'Shop' email=\"a@b.c\">\n"
                             "    <?pi inside?>\n"
                             "    <resources>\n"
                             "      <resource name=\"Magento_Sales::sales\"/>\n"
                             "      <resource\tname\n=\n\"Magento_Cart::cart\" />\n"
                             "    </resources>\n"
                             "  </integration>\n"
                             "</config>\n";
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    REQUIRE(doc.elements.size() == 5);
    const XmlElement& config = *doc.root_element();
    CHECK(config.name == "config");
    CHECK(config.closed);
    CHECK(slice(text, config.range).substr(0, 8) == "<config ");
    CHECK(slice(text, config.range).substr(slice(text, config.range).size() - 9) == "</config>");
    REQUIRE(config.attributes.size() == 1);
    CHECK(config.attributes[0].name == "xmlns:xsi");

    const XmlElement& integ = doc.elements[1];
    CHECK(integ.name == "integration");
    CHECK(integ.parent == 0);
    CHECK(integ.depth == 1);
    REQUIRE(integ.attributes.size() == 2);
    CHECK(integ.attributes[0].name == "name");
    CHECK(integ.attributes[0].value == "Shop");
    CHECK(slice(text, integ.attributes[0].value_range) == "Shop");
    CHECK(integ.attributes[0].has_value);
    CHECK(integ.attributes[0].terminated);
    CHECK(integ.attribute("email")->value == "a@b.c");
    CHECK(integ.attribute("missing") == nullptr);
    CHECK(slice(text, integ.start_tag) == "<integration name = 'Shop' email=\"a@b.c\">");
    CHECK(slice(text, integ.name_range) == "integration");
    CHECK(integ.text.empty());

    const XmlElement& r2 = doc.elements[4];
    CHECK(r2.name == "resource");
    CHECK(r2.self_closing);
    CHECK(r2.closed);
    CHECK(r2.content.empty());
    CHECK(r2.attribute("name")->value == "Magento_Cart::cart");
    CHECK(slice(text, r2.range) == "<resource\tname\n=\n\"Magento_Cart::cart\" />");

    CHECK(doc.children(2).size() == 2);
    CHECK(doc.children(2, "resource").size() == 2);
    CHECK(doc.children(0, "resources").empty());
    CHECK(doc.children(kNoNode) == std::vector<std::uint32_t>{0});
    CHECK(doc.path(4) ==
          std::vector<std::string>{"config", "integration", "resources", "resource"});
    CHECK(doc.path(kNoNode).empty());

    REQUIRE(doc.markup.size() == 4);
    CHECK(doc.markup[0].kind == XmlMarkupKind::ProcessingInstruction);
    CHECK(slice(text, doc.markup[0].range) == "<?xml version=\"1.0\"?>");
    CHECK(doc.markup[1].kind == XmlMarkupKind::Doctype);
    CHECK(doc.markup[2].kind == XmlMarkupKind::Comment);
    CHECK(slice(text, doc.markup[2].range) == "<!-- comment <not-an-element/> -->");
    CHECK(doc.markup[3].kind == XmlMarkupKind::ProcessingInstruction);
}

TEST_CASE("element_at finds the innermost element") {
    const std::string text = "<a><b>x</b> <c/></a>";
    const XmlDocument doc = parse_xml(text);
    CHECK(doc.element_at(0) == 0);
    CHECK(doc.element_at(3) == 1);  // '<' of <b>
    CHECK(doc.element_at(6) == 1);  // 'x'
    CHECK(doc.element_at(11) == 0); // the space between </b> and <c/>
    CHECK(doc.element_at(12) == 2);
    CHECK(doc.element_at(static_cast<Offset>(text.size() - 1)) == 0);
    CHECK(doc.element_at(static_cast<Offset>(text.size())) == kNoNode);
    CHECK(parse_xml("  ").element_at(0) == kNoNode);
}

TEST_CASE("element text is trimmed, decoded and ranged") {
    struct Case {
        std::string marked; // [ and ] are not used: the expected range is given as
                            // a substring
        std::string text;
        std::string raw;
    };
    const std::vector<Case> cases = {
        {"<email> a@b.c </email>", "a@b.c", "a@b.c"},
        {"<email>\r\n\ta@b.c\r\n</email>", "a@b.c", "a@b.c"},
        {"<u>https://x/?a=1&amp;b=&lt;2&gt;</u>", "https://x/?a=1&b=<2>",
         "https://x/?a=1&amp;b=&lt;2&gt;"},
        {"<c><![CDATA[ <b>bold</b> & ]]></c>", "<b>bold</b> &", "<b>bold</b> &"},
        {"<c>one <!-- two --> three</c>", "one  three", "one <!-- two --> three"},
        {"<n>&#65;&#x42;&#x4E2D;&#x1F600;</n>", "AB\xE4\xB8\xAD\xF0\x9F\x98\x80",
         "&#65;&#x42;&#x4E2D;&#x1F600;"},
        {"<q>&quot;&apos;</q>", "\"'", "&quot;&apos;"},
        {"<k>&unknown; &amp &#xZZ; &#0;</k>", "&unknown; &amp &#xZZ; &#0;",
         "&unknown; &amp &#xZZ; &#0;"},
        {"<z>caf\xC3\xA9 \xE4\xB8\xAD</z>", "caf\xC3\xA9 \xE4\xB8\xAD", "caf\xC3\xA9 \xE4\xB8\xAD"},
        {"<e>   </e>", "", ""},
        {"<e></e>", "", ""},
        {"<m>1 < 2</m>", "1 < 2", "1 < 2"},
        // White space next to entities: trimmed only at the ends of the whole text.
        {"<s> &amp; </s>", "&", "&amp;"},
        {"<s>  a  &lt;  b  </s>", "a  <  b", "a  &lt;  b"},
        {"<s>&amp;\n\t</s>", "&", "&amp;"},
        {"<s>\n  &bad  x </s>", "&bad  x", "&bad  x"},
        {"<s> x&amp;&amp;y\n</s>", "x&&y", "x&amp;&amp;y"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.marked);
        const XmlDocument doc = parse_xml(c.marked);
        check_invariants(doc, c.marked);
        REQUIRE(doc.elements.size() == 1);
        const XmlElement& e = doc.elements[0];
        CHECK(e.text == c.text);
        CHECK(slice(c.marked, e.text_range) == c.raw);
        if (c.raw.empty()) CHECK(e.text_range.begin == e.content.begin);
    }
}

TEST_CASE("elements with element children have no text") {
    const std::string text = "<a> x <b>y</b> z </a>";
    const XmlDocument doc = parse_xml(text);
    CHECK(doc.elements[0].text.empty());
    CHECK(doc.elements[0].text_range == Range{3, 3});
    CHECK(doc.elements[1].text == "y");
}

TEST_CASE("attribute values are entity-decoded and keep raw ranges") {
    const std::string text = "<a t=\"Shop &amp; Sync &lt;1&gt; &quot;q&quot; "
                             "&apos;\" u='say \"hi\"' v=\"&#x1F600;\"/>";
    const XmlDocument doc = parse_xml(text);
    const XmlElement& e = doc.elements.at(0);
    CHECK(e.attribute("t")->value == "Shop & Sync <1> \"q\" '");
    CHECK(slice(text, e.attribute("t")->value_range) ==
          "Shop &amp; Sync &lt;1&gt; &quot;q&quot; &apos;");
    CHECK(e.attribute("u")->value == "say \"hi\"");
    CHECK(e.attribute("v")->value == "\xF0\x9F\x98\x80");
}

TEST_CASE("names with prefixes and non-ASCII characters") {
    const std::string text = "<x:caf\xC3\xA9 "
                             "xsi:type=\"\xE4\xB8\xAD\"><d\xC3\xA9j\xC3\xA0.v-1_/></x:caf\xC3\xA9>";
    const XmlDocument doc = parse_xml(text);
    REQUIRE(doc.elements.size() == 2);
    CHECK(doc.elements[0].name == "x:caf\xC3\xA9");
    CHECK(doc.elements[0].closed);
    CHECK(doc.elements[0].attribute("xsi:type")->value == "\xE4\xB8\xAD");
    CHECK(doc.elements[1].name == "d\xC3\xA9j\xC3\xA0.v-1_");
}

TEST_CASE("CRLF documents keep byte ranges") {
    const std::string text = "<a>\r\n  <b k=\"v\">t</b>\r\n</a>\r\n";
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    REQUIRE(doc.elements.size() == 2);
    CHECK(slice(text, doc.elements[1].range) == "<b k=\"v\">t</b>");
    CHECK(slice(text, doc.elements[0].content) == "\r\n  <b k=\"v\">t</b>\r\n");
}

TEST_CASE("recovery: unterminated attribute value at the end of the file") {
    const std::string text = "<resources><resource name=\"Magento_Sa";
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    REQUIRE(doc.elements.size() == 2);
    const XmlElement& r = doc.elements[1];
    CHECK(r.name == "resource");
    CHECK(r.parent == 0);
    CHECK_FALSE(r.closed);
    CHECK_FALSE(r.start_tag_terminated);
    const XmlAttribute& a = r.attributes.at(0);
    CHECK(a.has_value);
    CHECK_FALSE(a.terminated);
    CHECK(a.value == "Magento_Sa");
    CHECK(slice(text, a.value_range) == "Magento_Sa");
    CHECK(doc.elements[0].range.end == text.size());
    CHECK_FALSE(doc.elements[0].closed);
}

TEST_CASE("recovery: unterminated value ends at the end of its line or at '<'") {
    {
        const std::string text = "<r name=\"Magento_Ca\n   title=\"Cart\"/>";
        const XmlDocument doc = parse_xml(text);
        const XmlElement& r = doc.elements.at(0);
        REQUIRE(r.attributes.size() == 2);
        CHECK(r.attributes[0].value == "Magento_Ca");
        CHECK_FALSE(r.attributes[0].terminated);
        CHECK(r.attributes[1].name == "title");
        CHECK(r.attributes[1].value == "Cart");
        CHECK(r.closed);
    }
    {
        const std::string text = "<a><b v=\"x<c/></a>";
        const XmlDocument doc = parse_xml(text);
        check_invariants(doc, text);
        REQUIRE(doc.elements.size() == 3);
        CHECK(doc.elements[1].attribute("v")->value == "x");
        CHECK(doc.elements[2].name == "c");
        CHECK(doc.elements[2].parent == 0); // not swallowed by the broken <b
        CHECK(doc.elements[0].closed);
    }
    {
        // A legitimate multi-line value stays one value.
        const std::string text = "<r a=\"x\ny\" b='z'/>";
        const XmlDocument doc = parse_xml(text);
        CHECK(doc.elements.at(0).attribute("a")->value == "x\ny");
        CHECK(doc.elements.at(0).attribute("a")->terminated);
        CHECK(doc.elements.at(0).attribute("b")->value == "z");
    }
}

TEST_CASE("recovery: half-typed element and missing end tags") {
    const std::string text = "<resources><resource name=\"A::b\"/><reso";
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    REQUIRE(doc.elements.size() == 3);
    CHECK(doc.elements[2].name == "reso");
    CHECK(doc.elements[2].parent == 0);
    CHECK(doc.elements[1].attribute("name")->value == "A::b");

    const std::string open = "<config><integration name=\"x\">\n  <email>a@b.c</email>\n";
    const XmlDocument d2 = parse_xml(open);
    check_invariants(d2, open);
    REQUIRE(d2.elements.size() == 3);
    CHECK_FALSE(d2.elements[1].closed);
    CHECK(d2.elements[1].range.end == open.size());
    CHECK(d2.elements[2].closed);
    CHECK(d2.elements[2].parent == 1);
}

TEST_CASE("recovery: a start tag cut by '<' does not adopt the next element") {
    const std::string text = "<list>\n  <item na\n  <item name=\"b\"/>\n</list>";
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    REQUIRE(doc.elements.size() == 3);
    CHECK(doc.elements[1].attributes.at(0).name == "na");
    CHECK_FALSE(doc.elements[1].attributes.at(0).has_value);
    CHECK_FALSE(doc.elements[1].start_tag_terminated);
    CHECK(doc.elements[2].parent == 0);
    CHECK(doc.elements[0].closed);
}

TEST_CASE("recovery: mismatched end tags close up to the matching element") {
    const std::string text = "<a><b><c>t</b><d/></a>";
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    REQUIRE(doc.elements.size() == 4);
    const XmlElement& c = doc.elements[2];
    CHECK_FALSE(c.closed);
    CHECK(slice(text, c.range) == "<c>t");
    CHECK(c.text == "t");
    CHECK(doc.elements[1].closed);
    CHECK(slice(text, doc.elements[1].range) == "<b><c>t</b>");
    CHECK(doc.elements[3].parent == 0);
    CHECK(doc.elements[0].closed);

    // An end tag that matches nothing is ignored.
    const std::string stray = "<a></x><b/>text</a>";
    const XmlDocument d2 = parse_xml(stray);
    check_invariants(d2, stray);
    REQUIRE(d2.elements.size() == 2);
    CHECK(d2.elements[1].parent == 0);
    CHECK(d2.elements[0].closed);
    const std::string leaf = "<e>foo</ef></e>";
    CHECK(parse_xml(leaf).elements.at(0).text == "foo");
}

TEST_CASE("recovery: junk bytes, stray markup and unterminated constructs") {
    const std::vector<std::string> inputs = {
        std::string("\xFF\xFE\x00<a>\x01\x02</a>\x00", 12),
        "<a><!-- never closed <b/>",
        "<a><![CDATA[ never closed",
        "<!DOCTYPE [ <a/>",
        "<a><? never closed\n<b/></a>",
        "<a><!junk <b/></a>",
        "<<<>>></></ <a =\"x\" '' / >",
        "<a b=c d = e f=>",
        "</a></b><c/>",
        "<",
        "</",
        "<a",
        "<a b",
        "<a b=",
        "<a b='",
        "&#x110000;&",
    };
    for (const auto& in : inputs) {
        CAPTURE(in);
        const XmlDocument doc = parse_xml(in);
        check_invariants(doc, in);
        for (Offset o = 0; o <= in.size(); ++o)
            (void)locate(doc, in, o);
    }
    const XmlDocument d = parse_xml("<a><? never closed\n<b/></a>");
    REQUIRE(d.elements.size() == 2);
    CHECK(d.elements[0].closed);
    const XmlDocument u = parse_xml("<a b=c/>");
    CHECK(u.elements.at(0).attribute("b")->value == "c");
    CHECK_FALSE(u.elements.at(0).attribute("b")->terminated);
    CHECK(u.elements.at(0).self_closing);
}

TEST_CASE("a half-typed fixture file keeps its structure") {
    const std::string text = read_fixture("half_typed_integration.xml");
    const XmlDocument doc = parse_xml(text);
    check_invariants(doc, text);
    const XmlElement& integ = only(doc, "integration");
    CHECK(integ.attribute("name")->value == "Shop Sync");
    CHECK(only(doc, "email").text == "sync@example.com");
    CHECK(only(doc, "endpoint_url").text == "https://example.com/endpoint?a=1&b=2");
    const XmlElement& resources = only(doc, "resources");
    CHECK(resources.closed);
    const auto res = doc.children(static_cast<std::uint32_t>(&resources - doc.elements.data()));
    REQUIRE(res.size() == 4);
    CHECK(doc.elements[res[0]].attribute("name")->value == "Magento_Sales::sales");
    CHECK(doc.elements[res[1]].attribute("name")->value == "Magento_Catalog::cat");
    CHECK_FALSE(doc.elements[res[1]].attribute("name")->terminated);
    CHECK(doc.elements[res[2]].attribute("name")->value == "Magento_Customer::customer");
    CHECK(doc.elements[res[3]].name == "reso");
    CHECK(integ.closed);
    CHECK_FALSE(doc.root_element()->closed); // </config> is missing
    CHECK(doc.root_element()->range.end == text.size());
}

TEST_CASE("100,000 nested elements") {
    constexpr int kDepth = 100000;
    std::string text;
    for (int i = 0; i < kDepth; ++i)
        text += "<a>";
    text += "leaf";
    for (int i = 0; i < kDepth; ++i)
        text += "</a>";
    const XmlDocument doc = parse_xml(text);
    REQUIRE(doc.elements.size() == kDepth);
    CHECK(doc.elements.back().depth == kDepth - 1);
    CHECK(doc.elements.back().text == "leaf");
    CHECK(doc.elements.front().closed);
    CHECK(doc.elements.front().range.end == text.size());
    CHECK(doc.elements.back().closed);
    const Offset leaf = static_cast<Offset>(3 * kDepth + 1);
    CHECK(doc.element_at(leaf) == kDepth - 1);
    CHECK(doc.path(kDepth - 1).size() == kDepth);
    const CursorContext c = locate(doc, text, leaf);
    CHECK(c.kind == CursorKind::Text);
    CHECK(c.token == Range{leaf - 1, leaf + 3});

    // Never closed, with stray end tags that match nothing.
    std::string open;
    for (int i = 0; i < kDepth; ++i)
        open += "<b>";
    for (int i = 0; i < kDepth; ++i)
        open += "</x>";
    const XmlDocument d2 = parse_xml(open);
    REQUIRE(d2.elements.size() == kDepth);
    CHECK_FALSE(d2.elements.front().closed);
    CHECK(d2.elements.back().range.end == open.size());
    CHECK(check_well_formed(open).has_value());
}

TEST_CASE("a multi-megabyte document") {
    std::string text = "<?xml version=\"1.0\"?>\n<config><acl><resources>\n";
    constexpr int kCount = 60000;
    for (int i = 0; i < kCount; ++i) {
        text += "  <resource id=\"Vendor_Module::r" + std::to_string(i) +
                "\" title=\"Resource &amp; number " + std::to_string(i) + "\">\n" +
                "    <!-- note " + std::to_string(i) + " -->\n" + "    <title>Title \xC3\xA9 " +
                std::to_string(i) + "</title>\n  </resource>\n";
    }
    text += "</resources></acl></config>\n";
    REQUIRE(text.size() > 8'000'000);
    const XmlDocument doc = parse_xml(text);
    REQUIRE(doc.elements.size() == 3 + 2 * kCount);
    const auto resources = doc.children(2, "resource");
    REQUIRE(resources.size() == kCount);
    const XmlElement& r = doc.elements[resources[kCount / 2]];
    CHECK(r.attribute("id")->value == "Vendor_Module::r" + std::to_string(kCount / 2));
    CHECK(r.attribute("title")->value == "Resource & number " + std::to_string(kCount / 2));
    const XmlElement& t = doc.elements[r.children.at(0)];
    CHECK(t.text == "Title \xC3\xA9 " + std::to_string(kCount / 2));
    CHECK(slice(text, t.text_range) == t.text);
    CHECK(doc.root_element()->closed);
    CHECK(doc.markup.size() == 1 + kCount);
    CHECK_FALSE(check_well_formed(text).has_value());
    const auto id = r.attribute("id")->value_range;
    const CursorContext c = locate(doc, text, id.begin + 3);
    CHECK(c.kind == CursorKind::AttributeValue);
    CHECK(c.token == id);
}

TEST_CASE("pathological inputs stay linear") {
    // Many unterminated quotes on separate lines inside one start tag.
    std::string quotes = "<x ";
    for (int i = 0; i < 200000; ++i)
        quotes += "a=\"v\n";
    const XmlDocument d1 = parse_xml(quotes);
    REQUIRE(d1.elements.size() == 1);
    CHECK(d1.elements[0].attributes.size() == 200000);
    CHECK(d1.elements[0].attributes.back().value == "v");

    // Many unterminated processing instructions.
    std::string pis = "<a>";
    for (int i = 0; i < 200000; ++i)
        pis += "<?p <b/>";
    const XmlDocument d2 = parse_xml(pis);
    CHECK(d2.elements.size() == 200001);
    CHECK(d2.markup.size() == 200000);

    // Many '<!' junk constructs and stray '<'.
    std::string bangs;
    for (int i = 0; i < 200000; ++i)
        bangs += "<!x < ";
    CHECK(parse_xml(bangs).markup.size() == 200000);
}

TEST_CASE("random token soup never breaks the invariants") {
    const std::vector<std::string> tokens = {
        "<a",   "<b",        ">",   "/>", "</a>", "</b", "</",    "<",        "=",
        "\"",   "'",         " ",   "\n", "\r\n", "x",   "&amp;", "&",        "<!--",
        "-->",  "<![CDATA[", "]]>", "<?", "?>",   "<!",  "n=",    "\xC3\xA9", "\xF0\x9F\x98\x80",
        "\xFF", "[",         "]"};
    std::mt19937 rng(4242);
    for (int round = 0; round < 300; ++round) {
        std::string text;
        const int len = std::uniform_int_distribution<int>(0, 60)(rng);
        for (int k = 0; k < len; ++k)
            text += tokens[std::uniform_int_distribution<std::size_t>(0, tokens.size() - 1)(rng)];
        CAPTURE(text);
        const XmlDocument doc = parse_xml(text);
        check_invariants(doc, text);
        for (Offset o = 0; o <= text.size(); ++o) {
            const CursorContext c = locate(doc, text, o);
            REQUIRE(c.token.begin <= c.token.end);
            REQUIRE(c.token.end <= text.size());
            REQUIRE(c.token.touches(o));
            if (c.kind == CursorKind::None) REQUIRE(c.token.empty());
            if (c.element != kNoNode) REQUIRE(c.element < doc.elements.size());
            REQUIRE(c.path == doc.path(c.element));
        }
        (void)check_well_formed(text);
    }
}
