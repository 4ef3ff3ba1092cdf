// Integration resources as Magento 2.4.8-p1's PHP treats them (issue 21, items 4, 5, 7):
// Magento_Backend::all and ::admin, whitespace that Magento does not trim, and quick fixes
// that cannot make a grant worse.
#include "cursor.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

// Magento_Backend::all at the top (sortOrder 10, as core Backend's acl.xml has it) and a
// disabled id of the Acme module, beside the fixture's core tree.
const std::string kAllAcl = core_dir("AllRoot") + "/etc/acl.xml";
const char* kAllAclText = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::all" title="All Stores" sortOrder="10"/>
            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::gone" title="Gone" disabled="true"/>
            </resource>
        </resources>
    </acl>
</config>
)";

std::vector<Diagnostic> resources_diagnose(const std::string& path, const std::string& text) {
    Engine engine(
        core_snapshot({{kAllAcl, kAllAclText},
                       {core_dir("AllRoot") + "/etc/module.xml", module_xml("Magento_AllRoot")}}));
    engine.open(path, text);
    return engine.diagnose(path);
}

std::string resources_integration_xml(std::string_view resources, std::string_view name = "X") {
    return "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"" + std::string(name) +
           "\">\n        <email>a@b.cd</email>\n        <resources>\n" + std::string(resources) +
           "        </resources>\n    </integration>\n</config>\n";
}

std::string resources_api_xml(std::string_view resources) {
    return "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"X\">\n"
           "        <resources>\n" +
           std::string(resources) + "        </resources>\n    </integration>\n</integrations>\n";
}

std::string res(std::string_view id) {
    return "            <resource name=\"" + std::string(id) + "\"/>\n";
}

} // namespace

// Consolidated\Converter::convert searches below $allResources[1] (Magento_Backend::admin)
// only, and prepends it only when something was found: [all] or [admin] grant nothing.
TEST_CASE("integration.xml: Magento_Backend::all alone grants nothing, an error") {
    const std::string text = resources_integration_xml(res("Magento_Backend::all"));
    auto ds = resources_diagnose(kAcmeIntegration, text);
    const Diagnostic d = only(ds, "ignored-resource");
    CHECK(d.severity == Severity::Error);
    CHECK(slice(text, d.range) == "Magento_Backend::all");
    CHECK(contains(d.message, "granted nothing at all"));
    CHECK(d.fixes.empty()); // removing it would not grant anything either
    CHECK(with_code(ds, "grants-everything").empty());

    const Diagnostic a =
        only(resources_diagnose(kAcmeIntegration,
                                resources_integration_xml(res("Magento_Backend::admin"))),
             "ignored-resource");
    CHECK(a.severity == Severity::Error);
}

TEST_CASE("integration.xml: Magento_Backend::all beside real resources is dropped, a warning") {
    const std::string text =
        resources_integration_xml(res("Magento_Backend::all") + res("Magento_Sales::sales"));
    const Diagnostic d = only(resources_diagnose(kAcmeIntegration, text), "ignored-resource");
    CHECK(d.severity == Severity::Warning);
    CHECK(contains(d.message, "does not give the integration every resource"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          resources_integration_xml(res("Magento_Sales::sales")));
    // Magento_Backend::admin beside real resources: Magento prepends it anyway.
    CHECK(with_code(resources_diagnose(kAcmeIntegration,
                                       resources_integration_xml(res("Magento_Backend::admin") +
                                                                 res("Magento_Sales::sales"))),
                    "ignored-resource")
              .empty());
}

// Rules::saveRel: exactly [Magento_Backend::all] (===) is one allow-everything row.
TEST_CASE("api.xml: Magento_Backend::all alone is full API access, a least-privilege warning") {
    const std::string text = resources_api_xml(res("Magento_Backend::all"));
    auto ds = resources_diagnose(kAcmeApi, text);
    // One finding there, not two (the former full-api-access is folded into it).
    const Diagnostic d = only(ds, "grants-everything");
    CHECK(d.severity == Severity::Warning);
    CHECK(slice(text, d.range) == "Magento_Backend::all");
    CHECK(contains(d.message, "every ACL resource"));
    CHECK(contains(d.message, "full admin API access"));
    CHECK(contains(d.message, "least privilege"));
    std::size_t at_all = 0;
    for (const auto& x : ds)
        at_all += x.range.begin == d.range.begin;
    CHECK(at_all == 1);
    CHECK(with_code(ds, "ignored-resource").empty());
}

TEST_CASE("api.xml: Magento_Backend::all with other ids, or twice, grants nothing more") {
    for (const std::string& body : {res("Magento_Backend::all") + res("Magento_Sales::sales"),
                                    res("Magento_Backend::all") + res("Magento_Backend::all")}) {
        INFO(body);
        auto ds = resources_diagnose(kAcmeApi, resources_api_xml(body));
        CHECK(with_code(ds, "grants-everything").empty());
        const Diagnostic d = only(ds, "ignored-resource");
        CHECK(d.severity == Severity::Warning);
        CHECK(contains(d.message, "only when it is the only resource listed"));
    }
}

// Consolidated\Converter::convert takes the name attribute as it is (no trim): the id does
// not match, and is dropped.
TEST_CASE("whitespace in a resource id is named, and the fix trims it") {
    const std::string text =
        resources_integration_xml(res(" Magento_Sales::sales") + res("Magento_Customer::manage  "));
    auto ds = resources_diagnose(kAcmeIntegration, text);
    auto unknown = with_code(ds, "unknown-resource");
    REQUIRE(unknown.size() == 2);
    CHECK(contains(unknown[0]->message, "has a space before it"));
    CHECK(contains(unknown[0]->message, "does not trim"));
    CHECK(contains(unknown[1]->message, "has 2 spaces after it"));
    REQUIRE(unknown[0]->fixes.size() == 1);
    CHECK(unknown[0]->fixes[0].title == "Trim to 'Magento_Sales::sales'");
    std::string fixed = apply_fix(text, unknown[0]->fixes[0], kAcmeIntegration);
    fixed = apply_fix(fixed,
                      with_code(resources_diagnose(kAcmeIntegration, fixed), "unknown-resource")
                          .at(0)
                          ->fixes.at(0),
                      kAcmeIntegration);
    CHECK(fixed ==
          resources_integration_xml(res("Magento_Sales::sales") + res("Magento_Customer::manage")));
}

TEST_CASE("whitespace around an integration name and a URL: stray-whitespace with a trim") {
    const std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Foo \">\n"
                             "        <email>a@b.cd</email>\n"
                             "        <endpoint_url>\n            https://a.example/e\n"
                             "        </endpoint_url>\n    </integration>\n</config>\n";
    auto ds = resources_diagnose(kAcmeIntegration, text);
    auto stray = with_code(ds, "stray-whitespace");
    REQUIRE(stray.size() == 2);
    const Diagnostic& name = *stray[0];
    const Diagnostic& url = *stray[1];
    CHECK(slice(text, name.range) == "Foo ");
    CHECK(contains(name.message, "a space after it"));
    REQUIRE(name.fixes.size() == 1);
    CHECK(contains(apply_fix(text, name.fixes[0], kAcmeIntegration), "name=\"Foo\""));
    CHECK(contains(url.message, "endpoint_url has a line break before it and a line break"));
    REQUIRE(url.fixes.size() == 1);
    CHECK(contains(apply_fix(text, url.fixes[0], kAcmeIntegration),
                   "<endpoint_url>https://a.example/e</endpoint_url>"));
    CHECK(with_code(ds, "invalid-url").empty());
}

// A disabled id is outside the tree (TreeBuilder::build skips the subtree): it grants
// nothing, and any other id would be another privilege. The fix removes it.
TEST_CASE("a disabled id is fixed by removing it, never by another id") {
    const std::string text =
        resources_integration_xml(res("Magento_Sales::sales") + res("Acme_Connector::gone"));
    const Diagnostic d = only(resources_diagnose(kAcmeIntegration, text), "unknown-resource");
    CHECK(contains(d.message, "is disabled"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(contains(d.fixes[0].title, "Remove"));
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          resources_integration_xml(res("Magento_Sales::sales")));
}

TEST_CASE("a typo whose closest id is listed already is removed, not replaced") {
    const std::string text =
        resources_integration_xml(res("Magento_Sales::sales") + res("Magento_Sales::sale"));
    const Diagnostic d = only(resources_diagnose(kAcmeIntegration, text), "unknown-resource");
    CHECK(contains(d.message, "'Magento_Sales::sales', is listed already"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(d.fixes[0].title == "Remove 'Magento_Sales::sale'");
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          resources_integration_xml(res("Magento_Sales::sales")));
}

TEST_CASE("an unknown id listed twice is reported at both places") {
    const std::string text =
        resources_integration_xml(res("Magento_Customer::onlin") + res("Magento_Customer::onlin"));
    auto ds = resources_diagnose(kAcmeIntegration, text);
    auto unknown = with_code(ds, "unknown-resource");
    REQUIRE(unknown.size() == 2);
    CHECK(unknown[0]->range.begin == text.find("Magento_Customer::onlin"));
    CHECK(unknown[1]->range.begin == text.rfind("Magento_Customer::onlin"));
    CHECK(with_code(ds, "duplicate-resource").size() == 1);
    // "Defined here" points at the id attribute of the suggestion, not at its title.
    REQUIRE(unknown[0]->related.size() == 1);
    const Location& at = unknown[0]->related[0].location;
    CHECK(at.path == core_dir("Customer") + "/etc/acl.xml");
    CHECK(std::string(kCustomerAcl).substr(at.range.begin, at.range.end - at.range.begin) ==
          "Magento_Customer::online");
}

// Settings "knownResources" / "knownModules": ids and modules of optional dependencies.
TEST_CASE("knownResources and knownModules silence only what they name") {
    const std::string text =
        resources_integration_xml(res("Vendor_Opt::manage") + res("Vendor_Typo::x"));
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, text);
    CHECK(with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").size() == 2);
    engine.settings().known_resources.insert("Vendor_Opt::manage");
    auto ds = engine.diagnose(kAcmeIntegration);
    REQUIRE(with_code(ds, "unknown-resource").size() == 1);
    CHECK(slice(text, with_code(ds, "unknown-resource")[0]->range) == "Vendor_Typo::x");
    engine.settings().known_modules.insert("Vendor_Typo");
    CHECK(with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").empty());

    const std::string xml =
        "<?xml version=\"1.0\"?>\n<config>\n    <module name=\"Acme_Connector\">\n"
        "        <sequence>\n            <module name=\"Vendor_Opt\"/>\n"
        "            <module name=\"Magento_Integration\"/>\n"
        "        </sequence>\n    </module>\n</config>\n";
    const std::string path = kAcmeDir + "/etc/module.xml";
    engine.open(path, xml);
    CHECK(with_code(engine.diagnose(path), "unknown-module").size() == 1);
    engine.settings().known_modules.insert("Vendor_Opt");
    CHECK(with_code(engine.diagnose(path), "unknown-module").empty());
}

// The bundled catalogue keeps Magento's disabled ids (TreeBuilder::build leaves them out of
// the ACL): a standalone module hears "disabled", with the removal as its fix.
TEST_CASE("with the bundled catalogue, a disabled core id is called disabled") {
    const std::string text =
        resources_integration_xml(res("Magento_Sales::sales") + res("Magento_Config::advanced"));
    Engine engine(snapshot_of(
        {{kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")}, {kAcmeIntegration, text}},
        &bundled_catalog()));
    REQUIRE(engine.snapshot().uses_catalog);
    const Diagnostic d = only(engine.diagnose(kAcmeIntegration), "unknown-resource");
    CHECK(contains(d.message, "'Magento_Config::advanced' is disabled"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          resources_integration_xml(res("Magento_Sales::sales")));
}
