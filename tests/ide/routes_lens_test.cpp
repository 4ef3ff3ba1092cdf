// The code lens on each <integration> (integration.xml, legacy api.xml): how many REST routes
// it can call, counted by effective_grants as hover counts them, and the list its command
// shows. The routes are those of tests/fixtures/routes/webapi.xml in Magento_Sales.
#include "magento_fixture.hpp"

#include "mil/ide/routes_features.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace mil;
using namespace mil::test;

namespace {

const std::string kSalesWebapi = core_dir("Sales") + "/etc/webapi.xml";

// A file of tests/fixtures/routes/tree (laid over the core tree of magento_fixture.hpp).
std::string fixture(const std::string& rel) {
    std::ifstream in(std::string(MIL_SOURCE_DIR) + "/tests/fixtures/routes/tree/" + rel,
                     std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string fixture_webapi() {
    return fixture("app/code/Magento/Sales/etc/webapi.xml");
}

// The core tree with the fixture's Backend acl.xml (Magento_Backend::all sorts first, so
// integration.xml grants below Magento_Backend::admin) and `extra` files.
std::shared_ptr<const Snapshot> lens_snapshot(std::vector<SourceFile> extra) {
    std::vector<SourceFile> files = core_files();
    for (auto& f : files)
        if (f.path == core_dir("Backend") + "/etc/acl.xml")
            f.text = fixture("app/code/Magento/Backend/etc/acl.xml");
    files.push_back({kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")});
    for (auto& f : extra)
        files.push_back(std::move(f));
    return snapshot_of(std::move(files));
}

// An integration file whose root element is `root` (config: integration.xml, integrations:
// api.xml) declaring `name` with `ids`.
std::string integration_file(std::string_view root, std::string_view name,
                             const std::vector<std::string>& ids) {
    std::string out = "<?xml version=\"1.0\"?>\n<" + std::string(root) +
                      ">\n    <integration name=\"" + std::string(name) +
                      "\">\n        <resources>\n";
    for (const auto& id : ids)
        out += "            <resource name=\"" + id + "\"/>\n";
    return out + "        </resources>\n    </integration>\n</" + std::string(root) + ">\n";
}

std::string lens_integration_xml(std::string_view name, const std::vector<std::string>& ids) {
    return integration_file("config", name, ids);
}

std::string lens_api_xml(std::string_view name, const std::vector<std::string>& ids) {
    return integration_file("integrations", name, ids);
}

std::vector<std::string> labels(const std::vector<RouteEntry>& routes) {
    std::vector<std::string> out;
    for (const auto& r : routes)
        out.push_back(r.label);
    return out;
}

} // namespace

TEST_CASE("lens: an integration listing actions_view can call the GET order routes",
          "[routes][lens]") {
    const std::string xml = lens_integration_xml("Acme", {"Magento_Sales::actions_view"});
    Engine engine(lens_snapshot({{kSalesWebapi, fixture_webapi()}, {kAcmeIntegration, xml}}));

    const auto lenses = engine.code_lenses(kAcmeIntegration);
    REQUIRE(lenses.size() == 1);
    const CodeLens& lens = lenses.front();
    // GET /V1/orders/:id and GET /V1/orders; not PUT /V1/orders/create (Magento_Sales::create
    // is a sibling, never granted by its parent) nor the cancel route (an id the ACL lacks);
    // the guest route apart.
    CHECK(lens.title == "can call 2 REST routes (and 1 route anyone may call)");
    CHECK(xml.substr(lens.range.begin, lens.range.end - lens.range.begin) == "integration");
    CHECK(lens.command == "magento-integration-ls.showRoutes");
    CHECK(lens.arguments == std::vector<std::string>{"Acme"});
    CHECK(lens.tooltip.find("never their children") != std::string::npos);

    // The same count as the hover on the name.
    const auto hover = engine.hover(kAcmeIntegration, static_cast<Offset>(xml.find("Acme")));
    REQUIRE(hover);
    CHECK(hover->markdown.find("can call **2 REST routes** (and 1 route anyone may call)") !=
          std::string::npos);

    // The command's list: the guarded routes by url then method, then the guest one, each at
    // its url in Magento_Sales's webapi.xml.
    const auto routes = integration_route_list(engine.snapshot(), "Acme");
    CHECK(labels(routes) == std::vector<std::string>{"GET /V1/orders", "GET /V1/orders/:id",
                                                     "GET /V1/guest-carts/:cartId"});
    const std::string webapi = fixture_webapi();
    for (const auto& r : routes) {
        REQUIRE(r.location);
        CHECK(r.location->path == kSalesWebapi);
        CHECK(r.module == "Magento_Sales");
        const std::string url = r.label.substr(r.label.find(' ') + 1);
        CHECK(webapi.substr(r.location->range.begin,
                            r.location->range.end - r.location->range.begin) == url);
    }
    CHECK(routes[1].resources == std::vector<std::string>{"Magento_Sales::actions_view"});
    CHECK_FALSE(routes[1].is_public);
    CHECK(routes[2].is_public);
}

TEST_CASE("lens: a parent alone calls none of its children's routes", "[routes][lens]") {
    const std::string xml = lens_integration_xml("Acme", {"Magento_Sales::sales_order"});
    Engine engine(lens_snapshot({{kSalesWebapi, fixture_webapi()}, {kAcmeIntegration, xml}}));
    const auto lenses = engine.code_lenses(kAcmeIntegration);
    REQUIRE(lenses.size() == 1);
    CHECK(lenses.front().title == "can call 0 REST routes (and 1 route anyone may call)");
    CHECK(labels(integration_route_list(engine.snapshot(), "Acme")) ==
          std::vector<std::string>{"GET /V1/guest-carts/:cartId"});
}

TEST_CASE("lens: legacy api.xml, Magento_Backend::all, and integration.xml winning",
          "[routes][lens]") {
    SECTION("api.xml grants the listed ids only") {
        const std::string api = lens_api_xml("Legacy", {"Magento_Sales::create"});
        Engine engine(lens_snapshot({{kSalesWebapi, fixture_webapi()}, {kAcmeApi, api}}));
        const auto lenses = engine.code_lenses(kAcmeApi);
        REQUIRE(lenses.size() == 1);
        CHECK(lenses.front().title == "can call 1 REST route (and 1 route anyone may call)");
        CHECK(labels(integration_route_list(engine.snapshot(), "Legacy")).front() ==
              "PUT /V1/orders/create");
    }
    SECTION("exactly Magento_Backend::all calls every route, ids the ACL lacks included") {
        const std::string api = lens_api_xml("Legacy", {"Magento_Backend::all"});
        Engine engine(lens_snapshot({{kSalesWebapi, fixture_webapi()}, {kAcmeApi, api}}));
        const auto lenses = engine.code_lenses(kAcmeApi);
        REQUIRE(lenses.size() == 1);
        CHECK(lenses.front().title == "can call 4 REST routes (and 1 route anyone may call)");
        CHECK(lenses.front().tooltip.find("allows everything") != std::string::npos);
    }
    SECTION("in api.xml, a name integration.xml declares too counts integration.xml's grants") {
        const std::string api = lens_api_xml("Acme", {"Magento_Backend::all"});
        const std::string xml = lens_integration_xml("Acme", {"Magento_Sales::create"});
        Engine engine(lens_snapshot(
            {{kSalesWebapi, fixture_webapi()}, {kAcmeApi, api}, {kAcmeIntegration, xml}}));
        const auto in_api = engine.code_lenses(kAcmeApi);
        REQUIRE(in_api.size() == 1);
        CHECK(in_api.front().title ==
              "can call 1 REST route (and 1 route anyone may call) (per its integration.xml)");
        CHECK(in_api.front().tooltip.find("integration.xml declares 'Acme' too") !=
              std::string::npos);
        const auto in_xml = engine.code_lenses(kAcmeIntegration);
        REQUIRE(in_xml.size() == 1);
        CHECK(in_xml.front().title == "can call 1 REST route (and 1 route anyone may call)");
    }
}

TEST_CASE("lens: none without routes, in other files, or for an unnamed integration",
          "[routes][lens]") {
    const std::string xml = lens_integration_xml("Acme", {"Magento_Sales::actions_view"});
    // A core tree without any webapi.xml: no route to count, so no lens.
    Engine no_routes(lens_snapshot({{kAcmeIntegration, xml}}));
    CHECK((!no_routes.snapshot().routes || no_routes.snapshot().routes->routes.empty()));
    CHECK(no_routes.code_lenses(kAcmeIntegration).empty());

    Engine engine(
        lens_snapshot({{kSalesWebapi, fixture_webapi()},
                       {kAcmeIntegration, lens_integration_xml("", {"Magento_Sales::create"})}}));
    CHECK(engine.code_lenses(kAcmeIntegration).empty());
    CHECK(engine.code_lenses(kSalesWebapi).empty());
    CHECK(engine.code_lenses(core_dir("Sales") + "/etc/acl.xml").empty());
    CHECK(integration_route_list(engine.snapshot(), "Nobody").empty());
}

TEST_CASE("lens: an edit of the integration or of webapi.xml changes the count", "[routes][lens]") {
    const std::string xml = lens_integration_xml("Acme", {"Magento_Sales::actions_view"});
    Engine engine(lens_snapshot({{kSalesWebapi, fixture_webapi()}, {kAcmeIntegration, xml}}));
    engine.change(kAcmeIntegration, lens_integration_xml("Acme", {"Magento_Sales::actions_view",
                                                                  "Magento_Sales::create"}));
    REQUIRE(engine.code_lenses(kAcmeIntegration).size() == 1);
    CHECK(engine.code_lenses(kAcmeIntegration).front().title ==
          "can call 3 REST routes (and 1 route anyone may call)");
    // webapi.xml edited: GET /V1/orders now also needs Magento_Catalog::products.
    std::string webapi = fixture_webapi();
    const std::string view = "<resource ref=\"Magento_Sales::actions_view\"/>";
    const auto second = webapi.find(view, webapi.find(view) + 1);
    REQUIRE(second != std::string::npos);
    webapi.insert(second + view.size(), "<resource ref=\"Magento_Catalog::products\"/>");
    engine.open(kSalesWebapi, webapi);
    CHECK(engine.code_lenses(kAcmeIntegration).front().title ==
          "can call 2 REST routes (and 1 route anyone may call)");
}
