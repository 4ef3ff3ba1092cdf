// Legacy integrations across files, as Magento 2.4.8-p1's PHP links them (issue 21, item 3):
// ConfigBasedIntegrationManager::processIntegrationConfig creates what config.xml declares,
// and Model\Plugin\Integration::_addAllowedResources then reads the resources of that exact
// name from api.xml and integration.xml (array_merge: integration.xml wins wholesale).
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

const std::string kSetup = kAcmeDir + "/Setup/InstallData.php";

std::string legacy_setup_php(std::string_view name) {
    return "<?php\nnamespace Acme\\Connector\\Setup;\nclass InstallData {\n"
           "    public function install() {\n"
           "        $this->integrationManager->processIntegrationConfig(['" +
           std::string(name) + "']);\n    }\n}\n";
}

std::string config_xml(std::string_view name) {
    return "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"" + std::string(name) +
           "\">\n        <email>a@b.cd</email>\n    </integration>\n"
           "</integrations>\n";
}

std::string legacy_api_xml(std::string_view name) {
    return "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"" + std::string(name) +
           "\">\n        <resources>\n            <resource name=\"Magento_Sales::sales\"/>\n"
           "        </resources>\n    </integration>\n</integrations>\n";
}

std::string legacy_integration_xml(std::string_view name) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"" + std::string(name) +
           "\">\n        <email>a@b.cd</email>\n    </integration>\n</config>\n";
}

} // namespace

TEST_CASE("a processed config.xml integration without an api.xml entry fails setup:upgrade") {
    Engine engine(
        core_snapshot({{kSetup, legacy_setup_php("Foo")}, {kAcmeConfig, config_xml("Foo")}}));
    auto ds = engine.diagnose(kAcmeConfig);
    auto d = copies_with_code(ds, "missing-integration-resources");
    REQUIRE(d.size() == 1);
    CHECK(d[0].severity == Severity::Error);
    CHECK(contains(d[0].message, "Undefined array key \"Foo\""));
    CHECK(copies_with_code(ds, "unprocessed-integration").empty());

    // The same name in api.xml (exact case) is what Magento needs.
    Engine fixed(core_snapshot({{kSetup, legacy_setup_php("Foo")},
                                {kAcmeConfig, config_xml("Foo")},
                                {kAcmeApi, legacy_api_xml("Foo")}}));
    CHECK(copies_with_code(fixed.diagnose(kAcmeConfig), "missing-integration-resources").empty());
    // A name that differs in case does not count.
    Engine cased(core_snapshot({{kSetup, legacy_setup_php("Foo")},
                                {kAcmeConfig, config_xml("Foo")},
                                {kAcmeApi, legacy_api_xml("foo")}}));
    CHECK(copies_with_code(cased.diagnose(kAcmeConfig), "missing-integration-resources").size() ==
          1);
    // integration.xml of the same name gives the resources too.
    Engine modern(core_snapshot({{kSetup, legacy_setup_php("Foo")},
                                 {kAcmeConfig, config_xml("Foo")},
                                 {kAcmeIntegration, legacy_integration_xml("Foo")}}));
    CHECK(copies_with_code(modern.diagnose(kAcmeConfig), "missing-integration-resources").empty());
}

TEST_CASE("a config.xml integration that no setup script processes is never created") {
    Engine engine(
        core_snapshot({{kAcmeConfig, config_xml("Foo")}, {kAcmeApi, legacy_api_xml("Foo")}}));
    auto d = copies_with_code(engine.diagnose(kAcmeConfig), "unprocessed-integration");
    REQUIRE(d.size() == 1);
    // Info: code outside Setup/, which the checker does not read, might call it.
    CHECK(d[0].severity == Severity::Info);
    CHECK(contains(d[0].message, "never creates"));
    // A setup class outside Setup/ is not a setup script: still reported.
    Engine outside(core_snapshot({{kAcmeDir + "/InstallData.php", legacy_setup_php("Foo")},
                                  {kAcmeConfig, config_xml("Foo")},
                                  {kAcmeApi, legacy_api_xml("Foo")}}));
    CHECK(copies_with_code(outside.diagnose(kAcmeConfig), "unprocessed-integration").size() == 1);
    // Processed: nothing.
    Engine processed(core_snapshot({{kSetup, legacy_setup_php("Foo")},
                                    {kAcmeConfig, config_xml("Foo")},
                                    {kAcmeApi, legacy_api_xml("Foo")}}));
    auto ds = processed.diagnose(kAcmeConfig);
    CHECK(copies_with_code(ds, "unprocessed-integration").empty());
    CHECK(copies_with_code(ds, "missing-integration-resources").empty());
}

TEST_CASE("an api.xml integration that integration.xml also declares is overridden") {
    Engine engine(core_snapshot(
        {{kAcmeApi, legacy_api_xml("Foo")}, {kAcmeIntegration, legacy_integration_xml("Foo")}}));
    auto d = copies_with_code(engine.diagnose(kAcmeApi), "overridden-integration");
    REQUIRE(d.size() == 1);
    CHECK(contains(d[0].message, "ignores this file's resources"));
    REQUIRE(d[0].related.size() == 1);
    CHECK(d[0].related[0].location.path == kAcmeIntegration);
    Engine alone(core_snapshot({{kAcmeApi, legacy_api_xml("Foo")}}));
    CHECK(copies_with_code(alone.diagnose(kAcmeApi), "overridden-integration").empty());
}

// ModuleList\Loader::getModuleConfigs reads etc/module.xml of every registered module.
TEST_CASE("registration.php without etc/module.xml is an error") {
    const std::string dir = std::string(kRoot) + "/app/code/Acme/Half";
    const std::string reg = dir + "/registration.php";
    const std::string php = "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
                            "ComponentRegistrar::register(ComponentRegistrar::MODULE, "
                            "'Acme_Half', __DIR__);\n";
    Engine engine(core_snapshot({{reg, php}}));
    auto d = copies_with_code(engine.diagnose(reg), "missing-module-xml");
    REQUIRE(d.size() == 1);
    CHECK(d[0].severity == Severity::Error);
    CHECK(php.substr(d[0].range.begin, d[0].range.end - d[0].range.begin) == "Acme_Half");
    CHECK(contains(d[0].message, "every bin/magento command"));
    Engine whole(core_snapshot({{reg, php}, {dir + "/etc/module.xml", module_xml("Acme_Half")}}));
    CHECK(copies_with_code(whole.diagnose(reg), "missing-module-xml").empty());
}

// Only Magento's own packages are exempt from unknown-resource in webapi/menu/system/PHP.
TEST_CASE("the core exemption covers Magento's packages, not a module named Magento_*") {
    const std::string webapi =
        "<?xml version=\"1.0\"?>\n<routes>\n    <route url=\"/V1/foo\" method=\"GET\">\n"
        "        <service class=\"Foo\" method=\"get\"/>\n        <resources>\n"
        "            <resource ref=\"Magento_Foo::nope\"/>\n        </resources>\n"
        "    </route>\n</routes>\n";
    const std::string own = core_dir("Foo");
    const std::string vendored = std::string(kRoot) + "/vendor/magento/module-foo";
    const std::string impostor = std::string(kRoot) + "/app/code/Acme/MagentoFoo";
    for (const auto& [dir, exempt] :
         {std::pair{own, true}, std::pair{vendored, true}, std::pair{impostor, false}}) {
        INFO(dir);
        Engine engine(core_snapshot({{dir + "/etc/module.xml", module_xml("Magento_Foo")},
                                     {dir + "/etc/webapi.xml", webapi}}));
        CHECK(copies_with_code(engine.diagnose(dir + "/etc/webapi.xml"), "unknown-resource")
                  .empty() == exempt);
    }
}
