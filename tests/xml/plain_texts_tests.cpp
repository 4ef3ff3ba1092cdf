// scan_plain_texts: the texts at one element path in one pass, which must give exactly what
// the tolerant tree gives, or nullopt.
#include "mil/model.hpp"
#include "mil/xml.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using mil::XmlPlainText;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string_view> kPath{"config", "system", "section", "resource"};

// The reference: every element at kPath with a non-empty text, from the tree.
std::vector<XmlPlainText> by_tree(std::string_view text) {
    const mil::XmlDocument doc = mil::parse_xml(text);
    std::vector<XmlPlainText> out;
    const std::vector<std::string> want(kPath.begin(), kPath.end());
    for (std::uint32_t i = 0; i < doc.elements.size(); ++i)
        if (!doc.elements[i].text.empty() && doc.path(i) == want)
            out.push_back({doc.elements[i].text, doc.elements[i].text_range});
    return out;
}

bool same(const std::vector<XmlPlainText>& a, const std::vector<XmlPlainText>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].text != b[i].text || !(a[i].range == b[i].range)) return false;
    return true;
}

// The ids the index keeps for a system.xml with this text (fast path or tree).
std::vector<std::string> indexed_ids(const std::string& text) {
    auto e = mil::make_entry("/m/Acme/Mod/etc/adminhtml/system.xml", text);
    std::vector<std::string> ids;
    for (const auto& r : e->facts.acl_refs)
        ids.push_back(r.id);
    return ids;
}

std::vector<std::string> ids_of(const std::vector<XmlPlainText>& v) {
    std::vector<std::string> ids;
    for (const auto& t : v)
        ids.push_back(t.text);
    return ids;
}

std::string section(const std::string& resource_element) {
    return "<?xml version=\"1.0\"?>\n<config xmlns:xsi=\"x\">\n  <system>\n"
           "    <section id=\"a\" translate=\"label\">\n      " +
           resource_element + "\n    </section>\n  </system>\n</config>\n";
}

} // namespace

TEST_CASE("scan_plain_texts gives the tree's texts and ranges for plain documents") {
    const std::vector<std::string> texts = {
        section("<resource>Acme_Mod::config</resource>"),
        section("<resource>\r\n  Acme_Mod::config  \t</resource>"),
        section("<resource/>"),
        section("<resource>   </resource>"),
        section("<label>a > b</label><resource>Acme_Mod::x</resource>"
                "<group id=\"g\" label='x > y'><resource>Deep::no</resource></group>"),
        section("<!-- <resource>Not::this</resource> --><resource>Acme_Mod::y</resource>"
                "<comment><![CDATA[<b>bold</b>]]></comment><?pi data?>"),
        "<config><system><section><resource>One::a</resource></section>"
        "<section id=\"2\"><resource>Two::b</resource></section></system>"
        "<system><section><resource>Three::c</resource></section></system></config>",
        "<other><system><section><resource>Not::config</resource></section></system></other>",
        "\xef\xbb\xbf<config ><system\n><section a = \"1\"\t><resource >\xc3\xa9t\xc3\xa9</resource"
        " ></section></system></config>",
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        auto fast = mil::scan_plain_texts(text, kPath);
        REQUIRE(fast);
        CHECK(same(*fast, by_tree(text)));
        CHECK(indexed_ids(text) == ids_of(by_tree(text)));
    }
    CHECK(mil::scan_plain_texts(texts[0], kPath)->size() == 1);
    CHECK(mil::scan_plain_texts(texts[6], kPath)->size() == 3);
}

TEST_CASE("scan_plain_texts leaves anything else to the tree, which the index then uses") {
    const std::vector<std::string> texts = {
        section("<resource>Acme_Mod::a&amp;b</resource>"),
        section("<resource><![CDATA[Acme_Mod::c]]></resource>"),
        section("<resource>Acme_Mod::d<!-- why --></resource>"),
        section("<resource><x/>Acme_Mod::e</resource>"),
        section("<resource>Acme_Mod::f</resourc>"),
        section("<resource>Acme_Mod::g"),
        "<!DOCTYPE config>" + section("<resource>Acme_Mod::h</resource>"),
        section("<resource a=b>Acme_Mod::i</resource>"),
        section("<resource a=\"1\"b=\"2\">Acme_Mod::j</resource>"),
        section("<resource a=\"<\">Acme_Mod::k</resource>"),
        section("<resource>Acme_Mod::l</resource>") + "<config/>",
        section("<resource / >Acme_Mod::m</resource>"),
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        CHECK_FALSE(mil::scan_plain_texts(text, kPath));
        CHECK(indexed_ids(text) == ids_of(by_tree(text)));
    }
    // The tree still finds what it can: the id with an entity, decoded.
    CHECK(indexed_ids(texts[0]) == std::vector<std::string>{"Acme_Mod::a&b"});
}

TEST_CASE("scan_plain_texts agrees with the tree on every system.xml of the corpus") {
    const fs::path root = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    if (!fs::is_directory(root)) {
        WARN("corpus not found: skipped");
        return;
    }
    std::size_t files = 0, fast = 0, ids = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().filename() != "system.xml") continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        const std::string text = s.str();
        ++files;
        CAPTURE(e.path().string());
        const auto tree = by_tree(text);
        if (auto scanned = mil::scan_plain_texts(text, kPath)) {
            ++fast;
            CHECK(same(*scanned, tree));
        }
        ids += tree.size();
    }
    INFO(files << " files, " << fast << " in one pass, " << ids << " ids");
    REQUIRE(files > 100);
    CHECK(ids > 40);
    // Real files have the plain shape: the one pass serves nearly all of them.
    CHECK(fast * 10 >= files * 9);
}
