// scan_plain_attributes: one attribute of the elements at one path in one pass, which must give
// exactly what the tolerant tree gives, or nullopt. The webapi.xml participant reads its ACL
// references this way.
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

const std::vector<std::string_view> kPath{"routes", "route", "resources", "resource"};

// The reference: the first `ref` of every element at kPath, from the tree.
std::vector<XmlPlainText> by_tree(std::string_view text) {
    const mil::XmlDocument doc = mil::parse_xml(text);
    std::vector<XmlPlainText> out;
    const std::vector<std::string> want(kPath.begin(), kPath.end());
    for (std::uint32_t i = 0; i < doc.elements.size(); ++i)
        if (doc.path(i) == want)
            if (const mil::XmlAttribute* a = doc.elements[i].attribute("ref"))
                out.push_back({a->value, a->value_range});
    return out;
}

bool same(const std::vector<XmlPlainText>& a, const std::vector<XmlPlainText>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].text != b[i].text || !(a[i].range == b[i].range)) return false;
    return true;
}

// The ids the index keeps for a webapi.xml with this text (one pass or tree).
std::vector<std::string> indexed_ids(const std::string& text) {
    auto e = mil::make_entry("/m/Acme/Mod/etc/webapi.xml", text);
    std::vector<std::string> ids;
    for (const auto& r : e->facts.acl_refs)
        ids.push_back(r.id);
    return ids;
}

// The tree's refs without the special ones the index leaves out.
std::vector<std::string> ids_of(const std::vector<XmlPlainText>& v) {
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
        auto fast = mil::scan_plain_attributes(text, kPath, "ref");
        REQUIRE(fast);
        CHECK(same(*fast, by_tree(text)));
        CHECK(indexed_ids(text) == ids_of(by_tree(text)));
    }
    CHECK(ids_of(*mil::scan_plain_attributes(texts[1], kPath, "ref")) ==
          std::vector<std::string>{"Acme_Mod::a"});
    CHECK(ids_of(*mil::scan_plain_attributes(texts[2], kPath, "ref")) ==
          std::vector<std::string>{"Acme_Mod::first"});
    CHECK(mil::scan_plain_attributes(texts[6], kPath, "ref")->size() == 3);
    CHECK(mil::scan_plain_attributes(texts[7], kPath, "ref")->empty());
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
        CHECK_FALSE(mil::scan_plain_attributes(text, kPath, "ref"));
        CHECK(indexed_ids(text) == ids_of(by_tree(text)));
    }
    // The tree still finds what it can: the id with an entity, decoded.
    CHECK(indexed_ids(texts[0]) == std::vector<std::string>{"Acme_Mod::a&b"});
}

TEST_CASE("scan_plain_attributes agrees with the tree on every cut of a webapi.xml") {
    const std::string text = route("<resource ref=\"Acme_Mod::read\"/>\n      "
                                   "<resource ref='Acme_Mod::write' />");
    for (std::size_t n = 0; n <= text.size(); ++n) {
        const std::string cut = text.substr(0, n);
        CAPTURE(cut);
        if (auto fast = mil::scan_plain_attributes(cut, kPath, "ref"))
            CHECK(same(*fast, by_tree(cut)));
        CHECK(indexed_ids(cut) == ids_of(by_tree(cut)));
    }
}

TEST_CASE("scan_plain_attributes agrees with the tree on every webapi.xml of the corpus") {
    const fs::path root = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    if (!fs::is_directory(root)) {
        WARN("corpus not found: skipped");
        return;
    }
    std::size_t files = 0, fast = 0, refs = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().filename() != "webapi.xml") continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        const std::string text = s.str();
        ++files;
        CAPTURE(e.path().string());
        const auto tree = by_tree(text);
        if (auto scanned = mil::scan_plain_attributes(text, kPath, "ref")) {
            ++fast;
            CHECK(same(*scanned, tree));
        }
        CHECK(indexed_ids(text) == ids_of(tree));
        refs += tree.size();
    }
    INFO(files << " files, " << fast << " in one pass, " << refs << " refs");
    REQUIRE(files > 20);
    CHECK(refs > 200);
    // Real files have the plain shape: the one pass serves nearly all of them.
    CHECK(fast * 10 >= files * 9);
}
