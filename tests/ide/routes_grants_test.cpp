// The route index and the effective grants of integrations, case by case against Magento's
// PHP (Consolidated\Converter, Integration\Converter, Plugin\Integration, Rules::saveRel,
// Framework\Webapi\Authorization): the "Test cases" of the grant model.
#include "rules_support.hpp"

#include "mil/model/routes.hpp"

#include <set>

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace rules_test {

namespace {

// The tree T of the test cases: all(10), admin(20) with Sales and Catalog below it, and a
// disabled Vendor_X::top.
const char* kTreeAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::all" title="Allow everything" sortOrder="10"/>
            <resource id="Magento_Backend::admin" title="Magento Admin" sortOrder="20">
                <resource id="Magento_Sales::sales" title="Sales">
                    <resource id="Magento_Sales::sales_operation" title="Operations">
                        <resource id="Magento_Sales::sales_order" title="Orders">
                            <resource id="Magento_Sales::actions" title="Actions">
                                <resource id="Magento_Sales::create" title="Create"/>
                                <resource id="Magento_Sales::actions_view" title="View"/>
                            </resource>
                        </resource>
                    </resource>
                </resource>
                <resource id="Magento_Catalog::catalog" title="Catalog">
                    <resource id="Magento_Catalog::catalog_inventory" title="Inventory">
                        <resource id="Magento_Catalog::products" title="Products"/>
                    </resource>
                </resource>
            </resource>
            <resource id="Vendor_X::top" title="Top" disabled="true" sortOrder="30">
                <resource id="Vendor_X::child" title="Child"/>
            </resource>
        </resources>
    </acl>
</config>
)";

// Routes R1..R7 of the test cases.
const char* kWebapi = R"(<?xml version="1.0"?>
<routes>
    <route url="/V1/orders" method="GET">
        <service class="Magento\Sales\Api\OrderRepositoryInterface" method="getList"/>
        <resources><resource ref="Magento_Sales::actions_view"/></resources>
    </route>
    <route url="/V1/r2" method="GET">
        <service class="R2" method="run"/>
        <resources><resource ref="Magento_Sales::sales"/></resources>
    </route>
    <route url="/V1/r3" method="POST">
        <service class="R3" method="run"/>
        <resources>
            <resource ref="Magento_Sales::actions_view"/>
            <resource ref="Magento_Catalog::products"/>
        </resources>
    </route>
    <route url="/V1/r4" method="GET">
        <service class="R4" method="run"/>
        <resources><resource ref="anonymous"/></resources>
    </route>
    <route url="/V1/r5" method="GET">
        <service class="R5" method="run"/>
        <resources><resource ref="self"/></resources>
    </route>
    <route url="/V1/r6" method="GET">
        <service class="R6" method="run"/>
        <resources><resource ref="Vendor_Typo::x"/></resources>
    </route>
    <route url="/V1/r7" method="GET">
        <service class="R7" method="run"/>
        <resources><resource ref="Magento_Backend::admin"/></resources>
    </route>
</routes>
)";

const std::string kBackend = module_dir("Magento", "Backend");

std::string resources_xml(const std::vector<std::string>& ids) {
    std::string out = "        <resources>\n";
    for (const auto& id : ids)
        out += "            <resource name=\"" + id + "\"/>\n";
    return out + "        </resources>\n";
}

std::string integration_xml(const std::vector<std::string>& ids, bool with_resources = true) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Foo\">\n"
           "        <email>a@example.com</email>\n" +
           (with_resources ? resources_xml(ids) : std::string()) +
           "    </integration>\n</config>\n";
}

std::string api_xml(const std::vector<std::string>& ids) {
    return "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"Foo\">\n" +
           resources_xml(ids) + "    </integration>\n</integrations>\n";
}

Tree base_tree(const std::string& acl = kTreeAcl) {
    Tree t;
    t.module_xml(kBackend, "Magento_Backend").add(kBackend + "/etc/acl.xml", acl);
    t.add(kBackend + "/etc/webapi.xml", kWebapi);
    t.module_xml(kAcme, "Acme_Connector");
    return t;
}

Grants ix(const std::vector<std::string>& ids) {
    auto t = base_tree();
    t.add(kAcme + "/etc/integration.xml", integration_xml(ids));
    return effective_grants(*t.snapshot(), "Foo");
}

Grants ax(const std::vector<std::string>& ids) {
    auto t = base_tree();
    t.add(kAcme + "/etc/integration/api.xml", api_xml(ids));
    return effective_grants(*t.snapshot(), "Foo");
}

std::set<std::string> as_set(const Grants& g) {
    return {g.ids.begin(), g.ids.end()};
}

// Which of R1..R7 the grants can call, as "1237".
std::string callable(const Grants& g) {
    auto t = base_tree();
    auto snap = t.snapshot();
    REQUIRE(snap->routes);
    std::string out;
    const char* keys[] = {"GET /V1/orders", "GET /V1/r2", "POST /V1/r3", "GET /V1/r4",
                          "GET /V1/r5",     "GET /V1/r6", "GET /V1/r7"};
    for (int i = 0; i < 7; ++i) {
        const Route* r = snap->routes->find(keys[i]);
        REQUIRE(r);
        if (can_call(g, *r)) out += std::to_string(i + 1);
    }
    return out;
}

} // namespace

TEST_CASE("routes: webapi.xml routes are indexed with service, refs and position", "[routes]") {
    auto t = base_tree();
    auto snap = t.snapshot();
    REQUIRE(snap->routes);
    const Route* r = snap->routes->find("get /V1/orders");
    REQUIRE(r);
    CHECK(r->method == "GET");
    CHECK(r->service_class == "Magento\\Sales\\Api\\OrderRepositoryInterface");
    CHECK(r->service_method == "getList");
    CHECK(r->resources == std::vector<std::string>{"Magento_Sales::actions_view"});
    REQUIRE(r->sources.size() == 1);
    CHECK(r->sources[0].path == kBackend + "/etc/webapi.xml");
    CHECK(slice(t.text(r->sources[0].path), r->sources[0].range) == "/V1/orders");
    CHECK(r->sources[0].module == "Magento_Backend");
    CHECK(snap->routes->needing("Magento_Sales::actions_view").size() == 2);
    CHECK(snap->routes->find("GET /V1/nope") == nullptr);
    CHECK_FALSE(snap->uses_catalog); // a core tree: no bundled routes
    CHECK(snap->routes->routes.size() == 7);
}

TEST_CASE("routes: same url and method in two modules is one route needing both refs", "[routes]") {
    // Case 26: Magento\Webapi\Model\Config\Reader merges /routes/route by (url, method).
    auto t = base_tree();
    // Acme loads after Magento_Backend: the later module's service stays.
    t.add(kAcme + "/etc/module.xml", R"(<?xml version="1.0"?>
<config><module name="Acme_Connector"><sequence><module name="Magento_Backend"/></sequence></module></config>
)");
    t.add(kAcme + "/etc/webapi.xml", R"(<?xml version="1.0"?>
<routes>
    <route url=" /V1/orders " method="GET">
        <service class="Acme\Orders" method="list"/>
        <resources><resource ref="Magento_Catalog::products"/></resources>
    </route>
</routes>
)");
    auto snap = t.snapshot();
    const Route* r = snap->routes->find("GET /V1/orders");
    REQUIRE(r);
    CHECK(r->resources ==
          std::vector<std::string>{"Magento_Sales::actions_view", "Magento_Catalog::products"});
    CHECK(r->service_class == "Acme\\Orders"); // the later module's service
    CHECK(r->sources.size() == 2);
    // Granted only one of them: not callable (all-of).
    CHECK_FALSE(can_call(ix({"Magento_Sales::actions_view"}), *r));
    CHECK(can_call(ix({"Magento_Sales::actions_view", "Magento_Catalog::products"}), *r));
}

TEST_CASE("routes: integration.xml grants (Consolidated Converter)", "[routes][grants]") {
    using S = std::set<std::string>;
    // 1: ancestors below admin, admin first.
    auto g1 = ix({"Magento_Sales::actions_view"});
    CHECK(g1.source == Grants::Source::IntegrationXml);
    CHECK(g1.ids == std::vector<std::string>{"Magento_Backend::admin", "Magento_Sales::sales",
                                             "Magento_Sales::sales_operation",
                                             "Magento_Sales::sales_order", "Magento_Sales::actions",
                                             "Magento_Sales::actions_view"});
    CHECK_FALSE(g1.allows("Magento_Sales::create"));
    CHECK(callable(g1) == "1247");
    // 2: a parent does not grant its children.
    auto g2 = ix({"Magento_Sales::sales"});
    CHECK(as_set(g2) == S{"Magento_Backend::admin", "Magento_Sales::sales"});
    CHECK(callable(g2) == "247");
    // 3, 4: all and admin are not among admin's children: nothing.
    CHECK(ix({"Magento_Backend::all"}).ids.empty());
    CHECK(callable(ix({"Magento_Backend::all"})) == "4");
    CHECK(ix({"Magento_Backend::admin"}).ids.empty());
    // 5: an unknown id is dropped.
    CHECK(as_set(ix({"Vendor_Typo::x", "Magento_Catalog::products"})) ==
          S{"Magento_Backend::admin", "Magento_Catalog::catalog",
            "Magento_Catalog::catalog_inventory", "Magento_Catalog::products"});
    // 6, 7: no trimming, case-sensitive.
    CHECK(ix({" Magento_Catalog::products"}).ids.empty());
    CHECK(ix({"magento_catalog::products"}).ids.empty());
    // 8: below a disabled parent.
    CHECK(ix({"Vendor_X::child"}).ids.empty());
    // 10: duplicates removed, first seen first.
    CHECK(ix({"Magento_Sales::actions_view", "Magento_Sales::sales"}).ids == g1.ids);
}

TEST_CASE("routes: integration.xml without resources grants nothing", "[routes][grants]") {
    // 9: a role without rules: everything denied but anonymous routes.
    auto t = base_tree();
    t.add(kAcme + "/etc/integration.xml", integration_xml({}, false));
    auto g = effective_grants(*t.snapshot(), "Foo");
    CHECK(g.source == Grants::Source::IntegrationXml);
    CHECK(g.ids.empty());
    CHECK(callable(g) == "4");
}

TEST_CASE("routes: api.xml grants (Rules::saveRel)", "[routes][grants]") {
    using S = std::set<std::string>;
    // 12: as listed plus admin; ancestors are denied.
    auto g12 = ax({"Magento_Sales::actions_view"});
    CHECK(g12.source == Grants::Source::ApiXml);
    CHECK(as_set(g12) == S{"Magento_Sales::actions_view", "Magento_Backend::admin"});
    CHECK(callable(g12) == "147");
    // 13: exactly [all]: everything, unknown refs and self included (Policy\Acl fallback).
    auto g13 = ax({"Magento_Backend::all"});
    CHECK(g13.everything);
    CHECK(callable(g13) == "1234567");
    // 14: [all, X] is no longer "all".
    auto g14 = ax({"Magento_Backend::all", "Magento_Sales::sales"});
    CHECK_FALSE(g14.everything);
    CHECK(as_set(g14) ==
          S{"Magento_Backend::all", "Magento_Sales::sales", "Magento_Backend::admin"});
    CHECK(callable(g14) == "247");
    // 15: [all, all] neither.
    auto g15 = ax({"Magento_Backend::all", "Magento_Backend::all"});
    CHECK_FALSE(g15.everything);
    CHECK(callable(g15) == "47");
    // 16: an unknown id gets no row; admin still does.
    CHECK(as_set(ax({"Vendor_Typo::x"})) == S{"Magento_Backend::admin"});
    // 17: an empty list: no rows.
    CHECK(ax({}).ids.empty());
    CHECK(callable(ax({})) == "4");
}

TEST_CASE("routes: integration.xml wins over api.xml for one name", "[routes][grants]") {
    // 20, 21: Plugin\Integration::_addAllowedResources, array_merge.
    auto t = base_tree();
    t.add(kAcme + "/etc/integration/api.xml", api_xml({"Magento_Sales::sales"}));
    t.add(kAcme + "/etc/integration.xml", integration_xml({"Magento_Catalog::products"}));
    auto g = effective_grants(*t.snapshot(), "Foo");
    CHECK(g.source == Grants::Source::IntegrationXml);
    CHECK_FALSE(g.allows("Magento_Sales::sales"));
    CHECK(g.allows("Magento_Catalog::products"));

    auto t2 = base_tree();
    t2.add(kAcme + "/etc/integration/api.xml", api_xml({"Magento_Sales::sales"}));
    t2.add(kAcme + "/etc/integration.xml", integration_xml({}, false));
    CHECK(effective_grants(*t2.snapshot(), "Foo").ids.empty());
    // Unknown names have no grants.
    CHECK(effective_grants(*t2.snapshot(), "Bar").source == Grants::Source::None);
}

TEST_CASE("routes: integration.xml grants use the top-level node that sorts second",
          "[routes][grants]") {
    // 30: a top-level resource without sortOrder (0) sorts first; [1] is then
    // Magento_Backend::all, which has no children: every grant is dropped.
    auto t = base_tree();
    t.add(kAcme + "/etc/acl.xml", R"(<?xml version="1.0"?>
<config><acl><resources><resource id="Acme_Connector::top" title="Top"/></resources></acl></config>
)");
    t.add(kAcme + "/etc/integration.xml", integration_xml({"Magento_Sales::actions_view"}));
    auto g = effective_grants(*t.snapshot(), "Foo");
    CHECK(g.ids.empty());
    CHECK(callable(g) == "4");
}

TEST_CASE("routes: an edit of webapi.xml or acl.xml updates the routes", "[routes]") {
    auto t = base_tree();
    auto snap = t.snapshot();
    const std::string path = kAcme + "/etc/webapi.xml";
    auto next = with_file(*snap, path, make_entry(path, R"(<?xml version="1.0"?>
<routes>
    <route url="/V1/acme" method="PUT">
        <service class="Acme\Api" method="put"/>
        <resources><resource ref="Magento_Sales::create"/></resources>
    </route>
</routes>
)"),
                          nullptr);
    REQUIRE(next->routes);
    const Route* r = next->routes->find("PUT /V1/acme");
    REQUIRE(r);
    CHECK(r->sources.at(0).module == "Acme_Connector");
    CHECK(next->routes->routes.size() == 8);
    // Unrelated edits share the index; removing the file removes the route.
    auto same = with_file(*next, kAcme + "/etc/integration.xml",
                          make_entry(kAcme + "/etc/integration.xml", integration_xml({})), nullptr);
    CHECK(same->routes == next->routes);
    auto gone = with_file(*same, path, nullptr, nullptr);
    CHECK(gone->routes->find("PUT /V1/acme") == nullptr);
    CHECK(gone->routes->routes.size() == 7);
}

TEST_CASE("routes: without a core, the bundled 2.4.8-p1 routes stand in", "[routes]") {
    Tree t;
    t.module_xml(kAcme, "Acme_Connector");
    t.add(kAcme + "/etc/integration.xml", integration_xml({"Magento_Sales::actions_view"}));
    auto snap = t.snapshot(&bundled_catalog());
    REQUIRE(snap->uses_catalog);
    const Route* r = snap->routes->find("GET /V1/orders/:id");
    REQUIRE(r);
    CHECK(r->from_catalog);
    CHECK(r->resources == std::vector<std::string>{"Magento_Sales::actions_view"});
    CHECK(r->service_class == "Magento\\Sales\\Api\\OrderRepositoryInterface");
    REQUIRE_FALSE(r->sources.empty());
    CHECK(r->sources[0].module == "Magento_Sales");
    CHECK(r->sources[0].line > 0);
    CHECK(snap->routes->routes.size() > 400);
    auto g = effective_grants(*snap, "Foo");
    CHECK(can_call(g, *r));
    // Granting the parent alone does not reach it.
    Tree t2;
    t2.module_xml(kAcme, "Acme_Connector");
    t2.add(kAcme + "/etc/integration.xml", integration_xml({"Magento_Sales::sales"}));
    auto snap2 = t2.snapshot(&bundled_catalog());
    CHECK_FALSE(
        can_call(effective_grants(*snap2, "Foo"), *snap2->routes->find("GET /V1/orders/:id")));
}

// ---- Features: hover and diagnostics -----------------------------------------------------

namespace {

Offset offset_of(const std::string& text, const std::string& needle) {
    auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return static_cast<Offset>(at + 1);
}

} // namespace

TEST_CASE("routes: hover on a resource lists the routes that need it", "[routes][hover]") {
    auto t = base_tree();
    const std::string path = kAcme + "/etc/integration.xml";
    t.add(path, integration_xml({"Magento_Sales::actions_view"}));
    Engine engine(t.snapshot());
    auto h = engine.hover(path, offset_of(t.text(path), "Magento_Sales::actions_view"));
    REQUIRE(h);
    INFO(h->markdown);
    CHECK(h->markdown.find("**2 REST routes** need it") != std::string::npos);
    // Linked to the line of the route in its webapi.xml (line 3).
    CHECK(h->markdown.find("[`GET /V1/orders`](file://" + kBackend + "/etc/webapi.xml#L3)") !=
          std::string::npos);
    // Of those, the integration can call GET /V1/orders, not POST /V1/r3 (needs products too).
    CHECK(h->markdown.find("Thanks to it, `Foo` can call 1 of them") != std::string::npos);

    // In webapi.xml too.
    const std::string webapi = kBackend + "/etc/webapi.xml";
    auto hw = engine.hover(webapi, offset_of(t.text(webapi), "Magento_Catalog::products"));
    REQUIRE(hw);
    CHECK(hw->markdown.find("**1 REST route** needs it") != std::string::npos);
}

TEST_CASE("routes: hover on an integration's name counts its routes", "[routes][hover]") {
    auto t = base_tree();
    const std::string path = kAcme + "/etc/integration.xml";
    t.add(path, integration_xml({"Magento_Sales::actions_view"}));
    Engine engine(t.snapshot());
    auto h = engine.hover(path, offset_of(t.text(path), "\"Foo\""));
    REQUIRE(h);
    INFO(h->markdown);
    // R1, R2, R7 (R4 is anonymous).
    CHECK(h->markdown.find("**Foo** can call **3 REST routes** (and 1 route anyone may call)") !=
          std::string::npos);
    CHECK(h->markdown.find("`GET /V1/r7`") != std::string::npos);
}

TEST_CASE("routes: grants-no-route on a parent whose children routes need", "[routes][rules]") {
    auto t = base_tree();
    const std::string path = kAcme + "/etc/integration.xml";
    t.add(path, integration_xml({"Magento_Sales::sales_order", "Magento_Catalog::products"}));
    auto ds = t.diagnose(path, "grants-no-route");
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds.front();
    CHECK(d.severity == Severity::Info);
    CHECK(slice(t.text(path), d.range) == "Magento_Sales::sales_order");
    CHECK(d.message.find("never their children") != std::string::npos);
    CHECK(d.message.find("'Magento_Sales::actions_view' for GET /V1/orders") != std::string::npos);
    REQUIRE(d.fixes.size() == 1);
    std::string fixed = apply_fix(d.fixes.front(), path, t.text(path));
    CHECK(fixed.find("<resource name=\"Magento_Sales::sales_order\"/>\n"
                     "            <resource name=\"Magento_Sales::actions_view\"/>\n") !=
          std::string::npos);
    // Fixed, nothing is left to report.
    auto t2 = base_tree();
    t2.add(path, fixed);
    CHECK(t2.diagnose(path, "grants-no-route").empty());
}

TEST_CASE("routes: grants-everything on api.xml's Magento_Backend::all alone", "[routes][rules]") {
    auto t = base_tree();
    const std::string path = kAcme + "/etc/integration/api.xml";
    t.add(path, api_xml({"Magento_Backend::all"}));
    auto ds = t.diagnose(path, "grants-everything");
    REQUIRE(ds.size() == 1);
    CHECK(ds.front().severity == Severity::Warning);
    CHECK(ds.front().message.find("all 7 REST routes") != std::string::npos);
    // With another id it is no longer everything.
    auto t2 = base_tree();
    t2.add(path, api_xml({"Magento_Backend::all", "Magento_Sales::sales"}));
    CHECK(t2.diagnose(path, "grants-everything").empty());
    // integration.xml of the same name wins: api.xml's list is not what Magento uses.
    auto t3 = base_tree();
    t3.add(path, api_xml({"Magento_Backend::all"}));
    t3.add(kAcme + "/etc/integration.xml", integration_xml({"Magento_Sales::sales"}));
    CHECK(t3.diagnose(path, "grants-everything").empty());
}

TEST_CASE("routes: completion by route writes the resources the route needs",
          "[routes][completion]") {
    auto t = base_tree();
    const std::string path = kAcme + "/etc/integration.xml";
    const std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Foo\">\n"
                             "        <email>a@example.com</email>\n        <resources>\n"
                             "            <resource name=\"Magento_Catalog::catalog\"/>\n"
                             "            <resource name=\"POST /V1/r\"/>\n"
                             "        </resources>\n    </integration>\n</config>\n";
    t.add(path, text);
    Engine engine(t.snapshot());
    const Offset at = static_cast<Offset>(text.find("POST /V1/r") + 10);
    CompletionResult res = engine.complete(path, at);
    REQUIRE(res.items.size() == 1);
    const CompletionItem& item = res.items.front();
    CHECK(item.label == "POST /V1/r3");
    // The last of them replaces the typed route; the others go before the element, in tree
    // order, with the missing ancestors (Magento_Catalog::catalog is listed already).
    std::vector<TextEdit> edits = item.additional_edits;
    edits.push_back(item.edit);
    std::string after = apply_edits(text, edits);
    CHECK(after.find("<resource name=\"Magento_Catalog::catalog\"/>\n"
                     "            <resource name=\"Magento_Sales::sales\"/>\n"
                     "            <resource name=\"Magento_Sales::sales_operation\"/>\n"
                     "            <resource name=\"Magento_Sales::sales_order\"/>\n"
                     "            <resource name=\"Magento_Sales::actions\"/>\n"
                     "            <resource name=\"Magento_Sales::actions_view\"/>\n"
                     "            <resource name=\"Magento_Catalog::catalog_inventory\"/>\n"
                     "            <resource name=\"Magento_Catalog::products\"/>\n") !=
          std::string::npos);
    // Typing a url prefix offers every route under it that needs something not listed yet.
    const std::string text2 = std::string(text).replace(text.find("POST /V1/r"), 10, "/V1/");
    Engine engine2(t.add(path, text2).snapshot());
    CompletionResult all = engine2.complete(path, static_cast<Offset>(text2.find("\"/V1/") + 5));
    std::set<std::string> labels;
    for (const auto& i : all.items)
        labels.insert(i.label);
    // Not r4 (anonymous: nothing to grant) nor r5 (self: never an integration's).
    CHECK(labels == std::set<std::string>{"GET /V1/orders", "GET /V1/r2", "POST /V1/r3",
                                          "GET /V1/r6", "GET /V1/r7"});
}

} // namespace rules_test
