// Rename of an ACL id across the workspace (edits applied and checked; refusals), and the
// document symbols of acl.xml, integration files and module.xml.
#include "nav_fixture.hpp"

#include "mil/model/schema.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace mil;
// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace nav {

namespace {

// Every file's text after applying a rename's edits to the engine's current texts.
std::map<std::string, std::string> applied(const Engine& engine, const RenameResult& r) {
    std::map<std::string, std::string> out;
    for (const auto& fe : r.changes) {
        const FileEntry* f = engine.entry(fe.path);
        REQUIRE(f);
        auto& text = out.try_emplace(fe.path, *f->text).first->second;
        text = apply(text, fe.edits);
    }
    return out;
}

std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("rename: an id is renamed in every file that declares or names it") {
    Engine engine(workspace());
    std::string webapi = text_of(kWebapi);
    auto r =
        engine.rename(kWebapi, at(webapi, "Acme_Connector::sync"), "Acme_Connector::synchronise");
    REQUIRE(r.error.empty());
    auto texts = applied(engine, r);
    // acl.xml (declaration), integration.xml, webapi.xml (twice), the controller's isAllowed()
    // and nothing else.
    CHECK(texts.size() == 4);
    REQUIRE(texts.count(kController));
    REQUIRE(texts.count(kAcmeAcl));
    REQUIRE(texts.count(kIntegration));
    REQUIRE(texts.count(kWebapi));
    for (const auto& [path, text] : texts) {
        INFO(path);
        CHECK(count(text, "Acme_Connector::sync\"") == 0);
        CHECK(count(text, "Acme_Connector::sync'") == 0);
        // Only the id changed: the text is the old one with each occurrence replaced.
        std::string expected = text_of(path);
        for (std::string quoted : {"\"Acme_Connector::sync\"", "'Acme_Connector::sync'"})
            for (auto p = expected.find(quoted); p != std::string::npos;
                 p = expected.find(quoted, p))
                expected.replace(p + 1, 20, "Acme_Connector::synchronise");
        CHECK(text == expected);
    }
    CHECK(count(texts[kWebapi], "Acme_Connector::synchronise") == 2);
    // The unknown look-alike stays as it is.
    CHECK(count(texts[kWebapi], "Acme_Connector::synk") == 1);
}

TEST_CASE("rename: from a redeclaration, with an open document's unsaved text") {
    Engine engine(workspace());
    std::string menu = text_of(kMenu) + "<!-- trailing -->\n";
    menu.insert(
        menu.find("    </menu>"),
        "        <update id=\"Acme_Connector::x\" resource=\"Acme_Connector::connector\"/>\n");
    engine.open(kMenu, menu);
    auto r = engine.rename(kReportsAcl, at(text_of(kReportsAcl), "Acme_Connector::connector"),
                           "Acme_Connector::main");
    REQUIRE(r.error.empty());
    auto texts = applied(engine, r);
    CHECK(texts.size() == 4); // both acl.xml, integration.xml, the open menu.xml
    REQUIRE(texts.count(kMenu));
    CHECK(count(texts[kMenu], "resource=\"Acme_Connector::main\"") == 2);
    CHECK(count(texts[kMenu], "<!-- trailing -->") == 1);
    CHECK(count(texts[kReportsAcl], "Acme_Connector::main") == 1);
    CHECK(count(texts[kAcmeAcl], "Acme_Connector::main") == 1);

    // Renaming to the same name changes nothing.
    auto same = engine.rename(kMenu, at(menu, "resource=\"Acme_Connector::connector", 0, 12),
                              "Acme_Connector::connector");
    CHECK(same.error.empty());
    CHECK(same.changes.empty());
}

TEST_CASE("rename: refused for Magento core ids, vendor ids and invalid names") {
    Engine engine(workspace());
    std::string acl = text_of(kAcmeAcl);
    auto core = engine.rename(kAcmeAcl, at(acl, "Magento_Config::config"), "Acme_Connector::cfg");
    CHECK(core.changes.empty());
    CHECK(core.error.find("Magento core module Magento_Backend") != std::string::npos);
    auto sales = engine.rename(kIntegration, at(text_of(kIntegration), "Magento_Sales::sales"),
                               "Acme_Connector::s");
    CHECK(sales.changes.empty());
    CHECK(sales.error.find("Magento_Sales") != std::string::npos);

    auto vendor = engine.rename(kVendorAcl, at(text_of(kVendorAcl), "Vendorco_Thing::thing"),
                                "Vendorco_Thing::other");
    CHECK(vendor.changes.empty());
    CHECK(vendor.error.find("vendor/") != std::string::npos);

    // A custom id used from a vendor package cannot be renamed either.
    auto files = workspace_files();
    files.push_back(
        {kVendor + "/etc/webapi.xml",
         R"(<routes><route url="/V1/t" method="GET"><resources><resource ref="Acme_Connector::logs"/></resources></route></routes>)"});
    Engine used(snapshot_of(files));
    auto logs = used.rename(kAcmeAcl, at(acl, "Acme_Connector::logs"), "Acme_Connector::log");
    CHECK(logs.changes.empty());
    CHECK(logs.error.find("used under vendor/") != std::string::npos);

    for (const char* bad : {"sync", "Acme_Connector::", "acme_connector::sync", "Acme::sync",
                            "Acme_Connector::sy nc", "Acme_Connector::sync-2", ""}) {
        INFO(bad);
        REQUIRE_FALSE(is_acl_id(bad));
        auto r = engine.rename(kAcmeAcl, at(acl, "Acme_Connector::sync"), bad);
        CHECK(r.changes.empty());
        CHECK(r.error.find("not a valid ACL id") != std::string::npos);
    }
    // An id spelled with a character reference cannot be replaced by a literal edit.
    std::string entity = text_of(kWebapi);
    entity.replace(entity.find("Acme_Connector::sync"), 20, "Acme_Connector::&#115;ync");
    engine.open(kWebapi, entity);
    auto spelled = engine.rename(kAcmeAcl, at(acl, "Acme_Connector::sync"), "Acme_Connector::s2");
    CHECK(spelled.changes.empty());
    CHECK(spelled.error.find(
              "not written literally in app/code/Acme/Connector/etc/webapi.xml (line 6)") !=
          std::string::npos);
    engine.close(kWebapi);

    auto nowhere = engine.rename(kAcmeAcl, at(acl, "<acl>"), "Acme_Connector::x");
    CHECK(nowhere.changes.empty());
    CHECK_FALSE(nowhere.error.empty());
    // An id of the bundled catalogue in a tree without Magento's core is Magento's too.
    Engine standalone(snapshot_of({{kAcmeAcl, kAcmeAclText}}));
    auto cat = standalone.rename(kAcmeAcl, at(acl, "Magento_Config::config"), "Acme_Connector::c");
    CHECK(cat.changes.empty());
    CHECK(cat.error.find("Magento core") != std::string::npos);
    CHECK(standalone.rename(kAcmeAcl, at(acl, "Acme_Connector::logs"), "Acme_Connector::log")
              .error.empty());
}

// ---- document symbols -----------------------------------------------------------------------

namespace {

// "name[child,child[grandchild]]" for an outline.
std::string shape(const std::vector<SymbolInfo>& syms) {
    std::string out;
    for (const auto& s : syms) {
        if (!out.empty()) out += ",";
        out += s.name;
        if (!s.children.empty()) out += "[" + shape(s.children) + "]";
    }
    return out;
}

// Every symbol's selection lies in its range, and every child's range in its parent's.
bool well_nested(const std::vector<SymbolInfo>& syms, Range outer) {
    for (const auto& s : syms) {
        const Range r = s.location.range;
        if (r.begin < outer.begin || r.end > outer.end) return false;
        if (s.selection.begin < r.begin || s.selection.end > r.end) return false;
        if (!well_nested(s.children, r)) return false;
    }
    return true;
}

} // namespace

TEST_CASE("document symbols: an acl.xml is its resource tree") {
    Engine engine(workspace());
    auto syms = engine.document_symbols(kAcmeAcl);
    CHECK(shape(syms) ==
          "Magento_Backend::admin[Acme_Connector::connector[Acme_Connector::sync,Acme_Connector::"
          "logs],Magento_Backend::stores[Magento_Backend::stores_settings[Magento_Config::config["
          "Acme_Connector::config]]]]");
    std::string text = text_of(kAcmeAcl);
    CHECK(well_nested(syms, {0, static_cast<Offset>(text.size())}));
    REQUIRE(syms.size() == 1);
    const auto& connector = syms[0].children[0];
    CHECK(connector.detail == "Acme Connector");
    CHECK(slice(text, connector.selection) == "Acme_Connector::connector");
    CHECK(connector.location.path == kAcmeAcl);
    // A redeclaration without a title shows the merged title.
    CHECK(syms[0].detail == "Magento Admin");
    // The range covers the whole element, so the outline follows the cursor.
    CHECK(slice(text, connector.location.range).substr(0, 9) == "<resource");
    CHECK(slice(text, connector.location.range).find("Acme_Connector::logs") != std::string::npos);
}

TEST_CASE("document symbols: deep or broken acl.xml stays bounded and complete") {
    std::string deep = "<config><acl><resources>";
    for (int i = 0; i < 300; ++i)
        deep += "<resource id=\"Acme_Deep::r" + std::to_string(i) + "\">";
    deep += "</resources></acl></config>";
    Engine engine(workspace());
    engine.open(kAcmeAcl, deep);
    auto syms = engine.document_symbols(kAcmeAcl);
    std::size_t total = 0, depth = 0;
    auto walk = [&](auto&& self, const std::vector<SymbolInfo>& v, std::size_t d) -> void {
        for (const auto& s : v) {
            ++total;
            depth = std::max(depth, d);
            self(self, s.children, d + 1);
        }
    };
    walk(walk, syms, 1);
    CHECK(total == 300);
    CHECK(depth <= 32);

    engine.open(kAcmeAcl, "<config><acl><resources><resource title=\"No id\"/><resource id=");
    auto broken = engine.document_symbols(kAcmeAcl);
    REQUIRE(broken.size() == 2);
    CHECK(broken[0].name == "(no id)"); // editors reject empty names
    CHECK_FALSE(broken[1].name.empty());
}

TEST_CASE("document symbols: an outline stops at 5,000 resources and says how many more") {
    Engine engine(workspace());
    auto count = [](const std::vector<SymbolInfo>& v) {
        std::size_t n = 0;
        auto walk = [&](auto&& self, const std::vector<SymbolInfo>& level) -> void {
            for (const auto& s : level) {
                ++n;
                self(self, s.children);
            }
        };
        walk(walk, v);
        return n;
    };
    SECTION("acl.xml: the first 5,000 in document order, nested or not") {
        for (bool nested : {false, true}) {
            std::string text = "<config><acl><resources>";
            for (int i = 0; i < 5012; ++i)
                text += "<resource id=\"Acme_Many::r" + std::to_string(i) + "\"" +
                        (nested ? ">" : "/>");
            if (nested)
                for (int i = 0; i < 5012; ++i)
                    text += "</resource>";
            text += "</resources></acl></config>";
            engine.open(kAcmeAcl, text);
            auto syms = engine.document_symbols(kAcmeAcl);
            INFO("nested " << nested);
            CHECK(count(syms) == 5001);
            REQUIRE(syms.size() == (nested ? 2 : 5001));
            const SymbolInfo& more = syms.back();
            CHECK(more.name == "(12 more resources not listed)");
            CHECK(more.children.empty());
            // At the first resource left out.
            CHECK(slice(text, more.location.range).rfind("<resource id=\"Acme_Many::r5000\"", 0) ==
                  0);
        }
    }
    SECTION("integration.xml: the first 5,000 ids") {
        std::string text = "<config><integration name=\"Many\"><resources>";
        for (int i = 0; i < 5003; ++i)
            text += "<resource name=\"Magento_Sales::r" + std::to_string(i) + "\"/>";
        text += "</resources></integration></config>";
        engine.open(kIntegration, text);
        auto syms = engine.document_symbols(kIntegration);
        REQUIRE(syms.size() == 1);
        REQUIRE(syms[0].children.size() == 5001);
        const SymbolInfo& more = syms[0].children.back();
        CHECK(more.name == "(3 more ids not listed)");
        CHECK(slice(text, more.location.range) == "Magento_Sales::r5000");
    }
    SECTION("up to 5,000 nothing is left out") {
        std::string text = "<config><acl><resources>";
        for (int i = 0; i < 5000; ++i)
            text += "<resource id=\"Acme_Many::r" + std::to_string(i) + "\"/>";
        text += "</resources></acl></config>";
        engine.open(kAcmeAcl, text);
        auto syms = engine.document_symbols(kAcmeAcl);
        CHECK(syms.size() == 5000);
        CHECK(syms.back().name == "Acme_Many::r4999");
    }
}

TEST_CASE("document symbols: integrations with what they declare") {
    Engine engine(workspace());
    auto syms = engine.document_symbols(kIntegration);
    CHECK(shape(syms) == "AcmeSync[email,endpoint_url,Acme_Connector::connector,Acme_Connector::"
                         "sync,Magento_Sales::sales]");
    std::string text = text_of(kIntegration);
    CHECK(well_nested(syms, {0, static_cast<Offset>(text.size())}));
    REQUIRE(syms.size() == 1);
    CHECK(slice(text, syms[0].selection) == "AcmeSync");
    CHECK(syms[0].children[0].detail == "dev@acme.example");
    CHECK(syms[0].children[3].detail == "Synchronise"); // the ACL title of the resource

    CHECK(shape(engine.document_symbols(kLegacyConfig)) == "AcmeLegacy[email]");
}

TEST_CASE("document symbols: module.xml is the module with its sequence") {
    Engine engine(workspace());
    auto syms = engine.document_symbols(kAcmeModuleXml);
    CHECK(shape(syms) == "Acme_Connector[Magento_Backend,Magento_Integration]");
    REQUIRE(syms.size() == 1);
    CHECK(syms[0].kind == 2);
    std::string text = engine.entry(kAcmeModuleXml)->text->c_str();
    CHECK(well_nested(syms, {0, static_cast<Offset>(text.size())}));
    // Files with no outline of their own.
    CHECK(engine.document_symbols(kWebapi).empty());
}

} // namespace nav
