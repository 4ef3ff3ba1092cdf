#include "mil/syntax/xml.hpp"

#include "cursor.hpp"

#include <catch2/catch.hpp>

#include "files.hpp"
#include <pugixml.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace mil;
using mil::test::read_file;
using mil::test::slice;

namespace {

std::string trim(std::string s) {
    const auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && sp(s.back()))
        s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && sp(s[i]))
        ++i;
    return s.substr(i);
}

// Compares parse_xml's tree with pugixml's on a well-formed document: same elements in the
// same order, same attributes and decoded values, same text for leaf elements.
void compare_with_pugixml(const std::string& text) {
    pugi::xml_document pdoc;
    const unsigned flags = pugi::parse_default & ~pugi::parse_wconv_attribute & ~pugi::parse_eol;
    REQUIRE(pdoc.load_buffer(text.data(), text.size(), flags, pugi::encoding_utf8));
    const XmlDocument doc = parse_xml(text);
    std::vector<pugi::xml_node> order;
    std::vector<pugi::xml_node> todo{pdoc.document_element()};
    while (!todo.empty()) {
        pugi::xml_node n = todo.back();
        todo.pop_back();
        order.push_back(n);
        std::vector<pugi::xml_node> kids;
        for (pugi::xml_node k : n.children())
            if (k.type() == pugi::node_element) kids.push_back(k);
        for (auto it = kids.rbegin(); it != kids.rend(); ++it)
            todo.push_back(*it);
    }
    REQUIRE(doc.elements.size() == order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const XmlElement& e = doc.elements[i];
        const pugi::xml_node n = order[i];
        INFO("element " << i << " <" << e.name << ">");
        REQUIRE(e.name == n.name());
        CHECK(e.closed);
        CHECK(e.range.begin == n.offset_debug() - 1);
        std::size_t a = 0;
        for (pugi::xml_attribute pa : n.attributes()) {
            REQUIRE(a < e.attributes.size());
            CHECK(e.attributes[a].name == pa.name());
            CHECK(e.attributes[a].value == pa.value());
            ++a;
        }
        CHECK(a == e.attributes.size());
        if (e.children.empty()) {
            std::string t;
            for (pugi::xml_node k : n.children())
                if (k.type() == pugi::node_pcdata || k.type() == pugi::node_cdata) t += k.value();
            CHECK(e.text == trim(t));
        }
    }
}

} // namespace

TEST_CASE("check_well_formed accepts well-formed documents") {
    const std::vector<std::string> ok = {
        "<a/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a b='1' c=\"2\">t</a>\n",
        "\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>",
        "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
        "<!-- c --><a><![CDATA[ < & ]]>]</a><?pi x?>\n",
        "<a x=\"&amp;&lt;&gt;&quot;&apos;&#65;&#x1F600;\">caf\xC3\xA9 \xF0\x9F\x98\x80</a>",
        "<x:a xmlns:x=\"urn:x\"><x:b/></x:a>",
        "<a>\r\n</a>\r\n",
    };
    for (const auto& t : ok) {
        CAPTURE(t);
        const auto err = check_well_formed(t);
        CHECK_FALSE(err.has_value());
        if (err) FAIL_CHECK(err->message << " at " << err->offset);
    }
}

TEST_CASE("check_well_formed reports the error offset and a description") {
    struct Case {
        std::string marked; // '|' marks the expected error offset
        std::string message_part;
    };
    const std::vector<Case> cases = {
        // Errors pugixml finds, at the offsets pugixml reports.
        {"<a><b></|a>", "mismatch"},
        {"<a b=|1/>", "attribute"},
        {"<a|>", "mismatch"},
        {"<|1a/>", "tag"},
        {"|", "No document element"},
        {"<!-- only a comment -->|", "No document element"},
        {"<?xml version=\"1.0\"?>|", "No document element"},
        // Errors pugixml lets through.
        {"<a/>|<b/>", "Multiple root elements"},
        {"<a/>\n|junk", "Text outside the document element"},
        {"|junk<a/>", "Text outside the document element"},
        {"<a b=\"1\" |b=\"2\"/>", "Duplicate attribute 'b'"},
        {"<a b=\"|<\"/>", "'<'"},
        {"<a>|&foo;</a>", "Undefined entity 'foo'"},
        {"<a x=\"|&bar;\"/>", "Undefined entity 'bar'"},
        {"<a>|& b</a>", "Unescaped '&'"},
        {"<a>|&#0;</a>", "Invalid character reference"},
        {"<a>x|]]></a>", "']]>'"},
        {"<a><!-- a |-- b --></a>", "'--'"},
        {"<a/>\n|<?xml version=\"1.0\"?>", "XML declaration"},
        {"<a>\xC3\xA9|\xFF</a>", "Invalid UTF-8"},
        {"<a>|\xED\xA0\x80</a>", "Invalid UTF-8"},
        {"<a>|\x01</a>", "Invalid character"},
        {"<a/>|<!DOCTYPE a>", "DOCTYPE"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.marked);
        const auto m = mil::test::cursor(c.marked);
        const auto err = check_well_formed(m.text);
        REQUIRE(err.has_value());
        CHECK(err->offset == m.offset);
        CHECK_THAT(err->message, Catch::Matchers::Contains(c.message_part));
    }
}

TEST_CASE("check_well_formed on a NUL byte and on junk") {
    const std::string nul("<a>x\0y</a>", 10);
    const auto e1 = check_well_formed(nul);
    REQUIRE(e1.has_value());
    CHECK(e1->offset <= 4);
    const std::string junk("\x00\x01\xFF<<<&&&]]>", 12);
    CHECK(check_well_formed(junk).has_value());
}

TEST_CASE("a well-formed fixture matches pugixml's tree") {
    const std::string text = read_file(std::string(MIL_FIXTURES_DIR) + "/xml/well_formed_acl.xml");
    REQUIRE_FALSE(text.empty());
    CHECK_FALSE(check_well_formed(text).has_value());
    compare_with_pugixml(text);
    const XmlDocument doc = parse_xml(text);
    bool found = false;
    for (const auto& e : doc.elements) {
        if (const XmlAttribute* t = e.attribute("title"); t && t->value == "Child \"one\"") {
            found = true;
            CHECK(slice(text, t->value_range) == "Child \"one\"");
        }
    }
    CHECK(found);
}

TEST_CASE("real Magento files parse like pugixml parses them") {
    namespace fs = std::filesystem;
    const fs::path corpus = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    std::error_code ec;
    if (!fs::is_directory(corpus, ec)) {
        WARN("SKIPPED: no corpus at " << corpus.string());
        return;
    }
    std::size_t files = 0;
    for (auto it = fs::recursive_directory_iterator(corpus, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() != ".xml") continue;
        const std::string text = read_file(it->path());
        CAPTURE(it->path().string());
        const auto err = check_well_formed(text);
        if (err) {
            // Not expected in the corpus; the pugixml comparison would be meaningless.
            FAIL_CHECK("not well-formed: " << err->message << " at " << err->offset);
            continue;
        }
        compare_with_pugixml(text);
        ++files;
    }
    CHECK(files > 0);
}

TEST_CASE("check_well_formed on a start tag with very many attributes") {
    std::string text = "<a";
    for (int k = 0; k < 100000; ++k)
        text += " a" + std::to_string(k) + "=\"1\"";
    CHECK_FALSE(check_well_formed(text + "/>").has_value());
    const std::size_t dup = text.size() + 1;
    text += " a77=\"2\"/>";
    const auto err = check_well_formed(text);
    REQUIRE(err.has_value());
    CHECK(err->offset == dup);
    CHECK(err->message == "Duplicate attribute 'a77'");
    CHECK(parse_xml(text).elements.at(0).attributes.size() == 100001);
}
