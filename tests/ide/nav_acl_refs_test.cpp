// ACL ids outside acl.xml and the integration files: webapi.xml, menu.xml, system.xml and UI
// components. For each kind: completion where an id is written (and nowhere else), hover,
// and unknown-resource with what Magento does.
#include "cursor.hpp"
#include "nav_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace nav {

namespace {

struct Done {
    std::string text;
    CompletionResult result;
};

// Completion in `path` whose text is `marked` ('|' is the cursor), over the fixture workspace.
Done complete_in(const std::string& path, std::string_view marked) {
    auto c = mil::test::cursor(marked);
    Engine engine(workspace());
    engine.open(path, c.text);
    return {c.text, engine.complete(path, c.offset)};
}

bool has_acl_ids(const CompletionResult& r) {
    for (const auto& i : r.items)
        if (i.label.find("::") != std::string::npos) return true;
    return false;
}

std::string webapi_with(std::string_view ref) {
    return "<?xml version=\"1.0\"?>\n<routes>\n    <route url=\"/V1/x\" method=\"GET\">\n"
           "        <service class=\"X\" method=\"y\"/>\n        <resources>\n"
           "            <resource ref=\"" +
           std::string(ref) + "\"/>\n        </resources>\n    </route>\n</routes>\n";
}

} // namespace

// ---- webapi.xml --------------------------------------------------------------------------

TEST_CASE("webapi: ref completion offers self, anonymous, then the ACL ids") {
    auto r = complete_in(kWebapi, webapi_with("|"));
    REQUIRE(r.result.items.size() >= 3);
    CHECK(r.result.items[0].label == "self");
    CHECK(r.result.items[1].label == "anonymous");
    CHECK(has(r.result, "Acme_Connector::sync"));
    CHECK(has(r.result, "Magento_Sales::sales_order"));
    // The special refs sort before every id.
    for (std::size_t i = 2; i < r.result.items.size(); ++i)
        CHECK(r.result.items[0].sort_text < r.result.items[i].sort_text);
}

TEST_CASE("webapi: ref completion filters by what is typed and replaces the whole value") {
    auto r = complete_in(kWebapi, webapi_with("Acme_Connector::s|ync"));
    CHECK_FALSE(has(r.result, "self"));
    CHECK(has(r.result, "Acme_Connector::sync"));
    CHECK_FALSE(has(r.result, "Acme_Connector::logs"));
    for (const auto& i : r.result.items)
        CHECK(slice(r.text, i.edit.range) == "Acme_Connector::sync");

    auto an = complete_in(kWebapi, webapi_with("an|"));
    CHECK(labels(an.result) == std::vector<std::string>{"anonymous"});
}

TEST_CASE("webapi: no ACL ids where no ACL id is written") {
    CHECK_FALSE(has_acl_ids(
        complete_in(kWebapi, R"(<routes><route url="|" method="GET"/></routes>)").result));
    CHECK_FALSE(has_acl_ids(
        complete_in(kWebapi, R"(<routes><route url="/V1/x"><service class="|"/></route></routes>)")
            .result));
    // `ref` outside route/resources/resource.
    CHECK_FALSE(
        has_acl_ids(complete_in(kWebapi, R"(<routes><resource ref="|"/></routes>)").result));
}

TEST_CASE(
    "webapi: hover on an id shows its title and breadcrumb; on self/anonymous what they mean") {
    Engine engine(workspace());
    std::string text = text_of(kWebapi);
    auto h = engine.hover(kWebapi, at(text, "\"Acme_Connector::sync\"", 0, 3));
    REQUIRE(h);
    CHECK(slice(text, h->range) == "Acme_Connector::sync");
    CHECK(h->markdown.find("Synchronise") != std::string::npos);
    CHECK(h->markdown.find("Acme Connector") != std::string::npos); // parent in the breadcrumb

    auto self = engine.hover(kWebapi, at(text, "\"self\"", 0, 2));
    REQUIRE(self);
    CHECK(slice(text, self->range) == "self");
    CHECK(self->markdown.find("customer") != std::string::npos);
    auto anon = engine.hover(kWebapi, at(text, "\"anonymous\"", 0, 2));
    REQUIRE(anon);
    CHECK(anon->markdown.find("without a token") != std::string::npos);

    // An unknown id has nothing to show.
    CHECK_FALSE(engine.hover(kWebapi, at(text, "Acme_Connector::synk", 0, 3)));
}

TEST_CASE("webapi: unknown-resource on an unknown ref only; self and anonymous never") {
    Engine engine(workspace());
    std::string text = text_of(kWebapi);
    auto ds = unknown_in(engine, kWebapi);
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Acme_Connector::synk");
    CHECK(ds[0].severity == Severity::Error);
    CHECK(ds[0].message.find("never call this route") != std::string::npos);
    CHECK(ds[0].message.find("Magento_Backend::all") != std::string::npos);
    CHECK(ds[0].message.find("Did you mean 'Acme_Connector::sync'") != std::string::npos);
    REQUIRE(ds[0].fixes.size() == 1);
    REQUIRE(ds[0].fixes[0].changes.size() == 1);
    CHECK(apply(text, ds[0].fixes[0].changes[0].edits).find("Acme_Connector::synk") ==
          std::string::npos);

    // A file of only special refs is clean; the special refs are not ACL references.
    engine.open(kWebapi, webapi_with("self") + webapi_with("anonymous"));
    CHECK(unknown_in(engine, kWebapi).empty());
    CHECK(engine.entry(kWebapi)->facts.acl_refs.empty());
    // Case matters: Magento compares the strings as they are.
    engine.open(kWebapi, webapi_with("Self"));
    CHECK(unknown_in(engine, kWebapi).size() == 1);
}

// ---- menu.xml ------------------------------------------------------------------------------

TEST_CASE("menu: resource completion on add and update, nowhere else") {
    auto add = complete_in(
        kMenu,
        R"(<config><menu><add id="A_B::c" title="T" module="A_B" resource="Acme_Connector::|"/></menu></config>)");
    CHECK(labels(add.result) ==
          std::vector<std::string>{"Acme_Connector::connector", "Acme_Connector::sync",
                                   "Acme_Connector::logs", "Acme_Connector::config"});
    auto update =
        complete_in(kMenu, R"(<config><menu><update id="A_B::c" resource="|"/></menu></config>)");
    CHECK(has(update.result, "Magento_Backend::admin"));
    CHECK_FALSE(has(update.result, "self")); // webapi-only
    CHECK_FALSE(
        has_acl_ids(complete_in(kMenu, R"(<config><menu><add id="|"/></menu></config>)").result));
    CHECK_FALSE(has_acl_ids(
        complete_in(kMenu, R"(<config><menu><add action="|"/></menu></config>)").result));
    CHECK_FALSE(has_acl_ids(complete_in(kMenu, R"(<config><add resource="|"/></config>)").result));
}

TEST_CASE("menu: hover and unknown-resource on add and update") {
    Engine engine(workspace());
    std::string text = text_of(kMenu);
    auto h = engine.hover(kMenu, at(text, "resource=\"Acme_Connector::logs", 0, 12));
    REQUIRE(h);
    CHECK(slice(text, h->range) == "Acme_Connector::logs");
    CHECK(h->markdown.find("Logs") != std::string::npos);
    // The id attribute of a menu item is the item's own id, not an ACL reference.
    CHECK_FALSE(engine.hover(kMenu, at(text, "id=\"Acme_Connector::logs", 0, 6)));
    CHECK(unknown_in(engine, kMenu).empty());

    std::string bad = R"(<config><menu>
<add id="Acme_Connector::a" title="A" module="Acme_Connector" resource="Acme_Connector::log"/>
<update id="Acme_Connector::b" resource="Acme_Nothing::here"/>
<update id="Acme_Connector::c" title="No resource"/>
</menu></config>)";
    engine.open(kMenu, bad);
    auto ds = unknown_in(engine, kMenu);
    REQUIRE(ds.size() == 2);
    CHECK(slice(bad, ds[0].range) == "Acme_Connector::log");
    CHECK(slice(bad, ds[1].range) == "Acme_Nothing::here");
    CHECK(ds[0].message.find("menu item is hidden") != std::string::npos);
}

// ---- system.xml ----------------------------------------------------------------------------

TEST_CASE("system: section resource completion in the element text") {
    auto r = complete_in(
        kSystem,
        R"(<config><system><section id="s"><resource>Acme_Connector::c|</resource></section></system></config>)");
    CHECK(labels(r.result) ==
          std::vector<std::string>{"Acme_Connector::connector", "Acme_Connector::config"});
    for (const auto& i : r.result.items)
        CHECK(slice(r.text, i.edit.range) == "Acme_Connector::c");
    auto empty = complete_in(
        kSystem,
        R"(<config><system><section id="s"><resource>|</resource></section></system></config>)");
    CHECK(has(empty.result, "Magento_Config::config"));
    // Other elements of a section, and a resource that is not a section's.
    CHECK_FALSE(has_acl_ids(
        complete_in(
            kSystem,
            R"(<config><system><section id="s"><label>|</label></section></system></config>)")
            .result));
    CHECK_FALSE(has_acl_ids(
        complete_in(
            kSystem,
            R"(<config><system><section id="s"><group id="g"><resource>|</resource></group></section></system></config>)")
            .result));
}

TEST_CASE("system: hover and unknown-resource on the section resource") {
    Engine engine(workspace());
    std::string text = text_of(kSystem);
    auto h = engine.hover(kSystem, at(text, ">Acme_Connector::config<", 0, 4));
    REQUIRE(h);
    CHECK(slice(text, h->range) == "Acme_Connector::config");
    CHECK(h->markdown.find("Acme Connector Settings") != std::string::npos);
    CHECK(unknown_in(engine, kSystem).empty());

    std::string bad =
        R"(<config><system><section id="s"><resource>  Acme_Connector::konfig  </resource></section></system></config>)";
    engine.open(kSystem, bad);
    auto ds = unknown_in(engine, kSystem);
    REQUIRE(ds.size() == 1);
    CHECK(slice(bad, ds[0].range) == "Acme_Connector::konfig");
    CHECK(ds[0].message.find("configuration section") != std::string::npos);
}

// ---- UI components -------------------------------------------------------------------------

TEST_CASE("ui component: aclResource completion, hover and unknown-resource") {
    auto r = complete_in(
        kListing,
        R"(<listing><dataSource name="d"><aclResource>Acme_Connector::l|</aclResource></dataSource></listing>)");
    CHECK(labels(r.result) == std::vector<std::string>{"Acme_Connector::logs"});
    CHECK_FALSE(
        has_acl_ids(complete_in(kListing, R"(<listing><dataSource name="|"/></listing>)").result));

    Engine engine(workspace());
    std::string text = text_of(kListing);
    auto h = engine.hover(kListing, at(text, "Acme_Connector::logs", 0, 2));
    REQUIRE(h);
    CHECK(slice(text, h->range) == "Acme_Connector::logs");
    CHECK(unknown_in(engine, kListing).empty());

    std::string bad =
        R"(<listing><dataSource name="d"><aclResource>Acme_Connector::logz</aclResource></dataSource></listing>)";
    engine.open(kListing, bad);
    auto ds = unknown_in(engine, kListing);
    REQUIRE(ds.size() == 1);
    CHECK(slice(bad, ds[0].range) == "Acme_Connector::logz");
    CHECK(ds[0].message.find("Did you mean 'Acme_Connector::logs'") != std::string::npos);
}

// ---- all kinds -----------------------------------------------------------------------------

TEST_CASE("unknown-resource waits for a complete ACL tree") {
    // Without Magento's core and without the catalogue, an id may come from anywhere.
    auto files = workspace_files();
    files.erase(std::remove_if(files.begin(), files.end(),
                               [](const File& f) { return f.path == kBackendAcl; }),
                files.end());
    Engine engine(snapshot_of(files));
    for (const auto& p : {kWebapi, kMenu, kSystem, kListing})
        CHECK(unknown_in(engine, p).empty());
}

TEST_CASE("files that name ACL ids survive junk and half-typed text") {
    const std::string junk[] = {"",
                                "<",
                                "<routes><route><resources><resource ref=\"",
                                "<config><menu><add resource=",
                                "<config><system><section><resource>",
                                "\xff\xfe<\x00>",
                                std::string(5000, '<'),
                                "<listing><aclResource><aclResource>X_Y::z</aclResource>"};
    for (const auto& path : {kWebapi, kMenu, kSystem, kListing}) {
        Engine engine(workspace());
        for (const auto& j : junk) {
            engine.open(path, j);
            for (Offset o = 0; o <= j.size();
                 o += std::max<Offset>(1, static_cast<Offset>(j.size() / 7))) {
                (void)engine.complete(path, o);
                (void)engine.hover(path, o);
                (void)engine.definition(path, o);
                (void)engine.references(path, o, true);
            }
            (void)engine.diagnose(path);
            (void)engine.document_symbols(path);
        }
    }
    SUCCEED("no crash");
}

TEST_CASE("Magento's own modules are not told about ids its ACL lacks on purpose") {
    // Magento names ids it does not declare (or disables) so that only full-access admins
    // pass; nobody can fix those files. The same text in one's own module is reported.
    std::string menu =
        R"(<config><menu><add id="Magento_Sales::x" title="X" module="Magento_Sales" resource="Magento_Sales::partners"/></menu></config>)";
    Engine engine(workspace());
    const std::string core_menu = kSales + "/etc/adminhtml/menu.xml";
    engine.open(core_menu, menu);
    CHECK(unknown_in(engine, core_menu).empty());
    engine.open(kMenu, menu);
    CHECK(unknown_in(engine, kMenu).size() == 1);
}

} // namespace nav
