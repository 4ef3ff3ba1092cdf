// scan_plain_texts and scan_plain_attributes: the texts (or one attribute) of the elements at
// one path in one pass, which must give exactly what the tolerant tree gives, or nullopt. The
// system.xml and webapi.xml participants read their ACL references this way.
#include "mil/ide/entry.hpp"
#include "mil/model/model.hpp"
#include "mil/syntax/xml.hpp"

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

// The ids the index keeps for a file at `path` (system.xml by default) with this text (fast
// path or tree).
std::vector<std::string>
indexed_ids(const std::string& text,
            const std::string& path = "/m/Acme/Mod/etc/adminhtml/system.xml") {
    auto e = mil::make_entry(path, text);
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

// Calls fn(path, text) for every file of the shared corpus named `name`; false when the corpus
// is absent.
template <typename F>
bool each_corpus_file(const char* name, F&& fn) {
    const fs::path root = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    if (!fs::is_directory(root)) return false;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().filename() != name) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        fn(e.path().string(), s.str());
    }
    return true;
}

const std::string kWebapi = "/m/Acme/Mod/etc/webapi.xml";

const std::vector<std::string_view> kRefPath{"routes", "route", "resources", "resource"};

// The reference: the first `ref` of every element at kRefPath, from the tree.
std::vector<XmlPlainText> refs_by_tree(std::string_view text) {
    const mil::XmlDocument doc = mil::parse_xml(text);
    std::vector<XmlPlainText> out;
    const std::vector<std::string> want(kRefPath.begin(), kRefPath.end());
    for (std::uint32_t i = 0; i < doc.elements.size(); ++i)
        if (doc.path(i) == want)
            if (const mil::XmlAttribute* a = doc.elements[i].attribute("ref"))
                out.push_back({a->value, a->value_range});
    return out;
}

// The tree's refs without the special ones the index leaves out.
std::vector<std::string> ref_ids_of(const std::vector<XmlPlainText>& v) {
    std::vector<std::string> ids;
    for (const auto& t : v)
        if (!t.text.empty() && t.text != "self" && t.text != "anonymous") ids.push_back(t.text);
    return ids;
}

std::string route(const std::string& resources) {
    return "<?xml version=\"1.0\"?>\n<!-- a note -->\n<routes xmlns:xsi=\"x\">\n"
           "  <route url=\"/V1/acme/:id\" method=\"GET\">\n"
           "    <service class=\"Acme\\Api\\ThingInterface\" method=\"get\"/>\n"
           "    <resources>\n      " +
           resources + "\n    </resources>\n  </route>\n</routes>\n";
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
    std::size_t files = 0, fast = 0, ids = 0;
    const bool found =
        each_corpus_file("system.xml", [&](const std::string& path, const std::string& text) {
            ++files;
            CAPTURE(path);
            const auto tree = by_tree(text);
            if (auto scanned = mil::scan_plain_texts(text, kPath)) {
                ++fast;
                CHECK(same(*scanned, tree));
            }
            ids += tree.size();
        });
    if (!found) {
        WARN("corpus not found: skipped");
        return;
    }
    INFO(files << " files, " << fast << " in one pass, " << ids << " ids");
    REQUIRE(files > 100);
    CHECK(ids > 40);
    // Real files have the plain shape: the one pass serves nearly all of them.
    CHECK(fast * 10 >= files * 9);
}

TEST_CASE("scan_plain_attributes gives the tree's values and ranges for plain documents") {
    const std::vector<std::string> texts = {
        route("<resource ref=\"Acme_Mod::read\"/>"),
        route("<resource ref='Acme_Mod::a'/><resource ref=\"self\"/><resource ref=\"anonymous\"/>"),
        route("<resource id=\"x\" ref=\"Acme_Mod::first\" ref=\"Acme_Mod::second\"/>"),
        route("<resource ref = \"Acme_Mod::spaced\" ></resource>"),
        route("<resource/><resource ref=\"\"/><resource ref=\"a > b\"/>"),
        route("<resource ref=\"Acme_Mod::x\"><resource ref=\"Deep::no\"/></resource>"),
        "<routes><route><resources><resource ref=\"One::a\"/></resources>"
        "<resources><resource ref=\"Two::b\"/></resources></route>"
        "<route><resources><resource ref=\"Three::c\"/></resources></route></routes>",
        "<config><route><resources><resource ref=\"Not::routes\"/></resources></route></config>",
        "<routes><resources><resource ref=\"Not::in_route\"/></resources></routes>",
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        auto fast = mil::scan_plain_attributes(text, kRefPath, "ref");
        REQUIRE(fast);
        CHECK(same(*fast, refs_by_tree(text)));
        CHECK(indexed_ids(text, kWebapi) == ref_ids_of(refs_by_tree(text)));
    }
    CHECK(ref_ids_of(*mil::scan_plain_attributes(texts[1], kRefPath, "ref")) ==
          std::vector<std::string>{"Acme_Mod::a"});
    CHECK(ref_ids_of(*mil::scan_plain_attributes(texts[2], kRefPath, "ref")) ==
          std::vector<std::string>{"Acme_Mod::first"});
    CHECK(mil::scan_plain_attributes(texts[6], kRefPath, "ref")->size() == 3);
    CHECK(mil::scan_plain_attributes(texts[7], kRefPath, "ref")->empty());
}

TEST_CASE("scan_plain_attributes leaves anything else to the tree, which the index then uses") {
    const std::vector<std::string> texts = {
        route("<resource ref=\"Acme_Mod::a&amp;b\"/>"),
        route("<resource ref=\"Acme_Mod::b\">"),
        route("<resource ref=Acme_Mod::c/>"),
        route("<resource ref=\"Acme_Mod::d\"id=\"x\"/>"),
        route("<resource ref=\"Acme_<Mod::e\"/>"),
        route("<resource ref=\"Acme_Mod::f\"/>") + "<routes/>",
        "<!DOCTYPE routes>" + route("<resource ref=\"Acme_Mod::g\"/>"),
        route("<resource ref=\"Acme_Mod::h\"/ >"),
        route("<resource ref=\"Acme_Mod::i"),
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        CHECK_FALSE(mil::scan_plain_attributes(text, kRefPath, "ref"));
        CHECK(indexed_ids(text, kWebapi) == ref_ids_of(refs_by_tree(text)));
    }
    // The tree still finds what it can: the id with an entity, decoded.
    CHECK(indexed_ids(texts[0], kWebapi) == std::vector<std::string>{"Acme_Mod::a&b"});
}

TEST_CASE("scan_plain_attributes agrees with the tree on every cut of a webapi.xml") {
    const std::string text = route("<resource ref=\"Acme_Mod::read\"/>\n      "
                                   "<resource ref='Acme_Mod::write' />");
    for (std::size_t n = 0; n <= text.size(); ++n) {
        const std::string cut = text.substr(0, n);
        CAPTURE(cut);
        if (auto fast = mil::scan_plain_attributes(cut, kRefPath, "ref"))
            CHECK(same(*fast, refs_by_tree(cut)));
        CHECK(indexed_ids(cut, kWebapi) == ref_ids_of(refs_by_tree(cut)));
    }
}

TEST_CASE("scan_plain_attributes agrees with the tree on every webapi.xml of the corpus") {
    std::size_t files = 0, fast = 0, refs = 0;
    const bool found =
        each_corpus_file("webapi.xml", [&](const std::string& path, const std::string& text) {
            ++files;
            CAPTURE(path);
            const auto tree = refs_by_tree(text);
            if (auto scanned = mil::scan_plain_attributes(text, kRefPath, "ref")) {
                ++fast;
                CHECK(same(*scanned, tree));
            }
            CHECK(indexed_ids(text, kWebapi) == ref_ids_of(tree));
            refs += tree.size();
        });
    if (!found) {
        WARN("corpus not found: skipped");
        return;
    }
    INFO(files << " files, " << fast << " in one pass, " << refs << " refs");
    REQUIRE(files > 20);
    CHECK(refs > 200);
    // Real files have the plain shape: the one pass serves nearly all of them.
    CHECK(fast * 10 >= files * 9);
}
