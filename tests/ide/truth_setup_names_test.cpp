// Setup scripts Magento never runs (issue 21, item 3): Magento\Setup\Model\Installer runs
// only <Vendor>\<Module>\Setup\{InstallSchema, UpgradeSchema, Recurring, InstallData,
// UpgradeData, RecurringData}, autoloaded from Setup/<Name>.php (case-sensitive on Linux).
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

std::string setup_php(std::string_view cls, std::string_view name = "Foo") {
    return "<?php\nnamespace Acme\\Connector\\Setup;\nclass " + std::string(cls) +
           " {\n    public function install() {\n"
           "        $this->integrationManager->processIntegrationConfig(['" +
           std::string(name) + "']);\n    }\n}\n";
}

const char* kConfigXml = "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"Foo\">\n"
                         "        <email>a@b.cd</email>\n    </integration>\n</integrations>\n";
const char* kApiXml = "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"Foo\">\n"
                      "        <resources>\n            <resource name=\"Magento_Sales::sales\"/>\n"
                      "        </resources>\n    </integration>\n</integrations>\n";

} // namespace

TEST_CASE("setup scripts: a wrongly cased or misspelled class file is never run") {
    for (std::string_view cls : {"Installdata", "InstalData"}) {
        const std::string path = kAcmeDir + "/Setup/" + std::string(cls) + ".php";
        INFO(path);
        Engine engine(core_snapshot(
            {{path, setup_php(cls)}, {kAcmeConfig, kConfigXml}, {kAcmeApi, kApiXml}}));
        auto ds = copies_with_code(engine.diagnose(path), "setup-script-not-run");
        REQUIRE(ds.size() == 1);
        CHECK(ds[0].severity == Severity::Warning);
        CHECK(contains(ds[0].message, "Setup/InstallData.php"));
        CHECK(contains(ds[0].message, "case-sensitive"));
        const std::string text = setup_php(cls);
        CHECK(text.substr(ds[0].range.begin, ds[0].range.end - ds[0].range.begin) ==
              "processIntegrationConfig");
        // It creates nothing: the config.xml integration is unprocessed.
        CHECK(copies_with_code(engine.diagnose(kAcmeConfig), "unprocessed-integration").size() ==
              1);
    }
}

TEST_CASE("setup scripts: the right name, or a data patch, is run") {
    for (std::string path :
         {kAcmeDir + "/Setup/InstallData.php", kAcmeDir + "/Setup/Patch/Data/Installdata.php",
          kAcmeDir + "/Setup/Patch/Data/CreateIntegration.php"}) {
        INFO(path);
        Engine engine(core_snapshot(
            {{path, setup_php("X")}, {kAcmeConfig, kConfigXml}, {kAcmeApi, kApiXml}}));
        CHECK(copies_with_code(engine.diagnose(path), "setup-script-not-run").empty());
        CHECK(copies_with_code(engine.diagnose(kAcmeConfig), "unprocessed-integration").empty());
    }
}

TEST_CASE("setup scripts: InstallData.php outside Setup/ is never run") {
    const std::string path = kAcmeDir + "/InstallData.php";
    Engine engine(core_snapshot(
        {{path, setup_php("InstallData")}, {kAcmeConfig, kConfigXml}, {kAcmeApi, kApiXml}}));
    REQUIRE(engine.entry(path));
    CHECK(engine.entry(path)->kind == FileKind::Php);
    auto ds = copies_with_code(engine.diagnose(path), "setup-script-not-run");
    REQUIRE(ds.size() == 1);
    CHECK(contains(ds[0].message, "not in Setup/"));
    CHECK(copies_with_code(engine.diagnose(kAcmeConfig), "unprocessed-integration").size() == 1);
    // Without a processIntegrationConfig() call, no finding: another class of that name.
    Engine plain(core_snapshot(
        {{path, "<?php\nclass InstallData {}\n"}, {kAcmeConfig, kConfigXml}, {kAcmeApi, kApiXml}}));
    CHECK(copies_with_code(plain.diagnose(path), "setup-script-not-run").empty());
}
