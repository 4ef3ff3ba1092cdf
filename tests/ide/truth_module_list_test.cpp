// app/etc/config.php (issue 21, item 2): a module set to 0 is disabled
// (Framework\Module\ModuleList::has) and Magento reads none of its configuration files
// (Module\Dir\Reader::getFiles walks ModuleList::getNames). An id only it declares is
// reported as disabled, naming config.php, and fixed only by removing it.
#include "cursor.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

const std::string kConfig = std::string(kRoot) + "/app/etc/config.php";
const std::string kOffDir = std::string(kRoot) + "/app/code/Vendor/Off";

const char* kOffAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Vendor_Off::thing" title="Thing"/>
            </resource>
        </resources>
    </acl>
</config>
)";

const char* kOffIntegration = R"(<?xml version="1.0"?>
<config>
    <integration name="OffIntegration">
        <email>a@b.cd</email>
        <resources>
            <resource name="Vendor_Off::thing"/>
            <resource name="Vendor_Off::typo"/>
        </resources>
    </integration>
</config>
)";

std::string config_php(std::string_view off_value, std::string_view extra = "") {
    return "<?php\nreturn [\n    'modules' => [\n        'Magento_Backend' => 1,\n"
           "        'Vendor_Off' => " +
           std::string(off_value) + ",\n" + std::string(extra) + "    ],\n];\n";
}

std::string module_list_integration_xml(std::string_view id) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Acme\">\n"
           "        <email>a@b.cd</email>\n        <resources>\n"
           "            <resource name=\"Magento_Sales::sales\"/>\n"
           "            <resource name=\"" +
           std::string(id) + "\"/>\n        </resources>\n    </integration>\n</config>\n";
}

std::vector<SourceFile> off_module(std::string_view config_value) {
    std::vector<SourceFile> out = {
        {kOffDir + "/etc/module.xml", module_xml("Vendor_Off")},
        {kOffDir + "/etc/acl.xml", kOffAcl},
        {kOffDir + "/etc/integration.xml", kOffIntegration},
        {kAcmeIntegration, module_list_integration_xml("Vendor_Off::thing")}};
    if (!config_value.empty()) out.push_back({kConfig, config_php(config_value)});
    return out;
}

} // namespace

TEST_CASE("config.php: an id only a disabled module declares is reported as disabled") {
    auto snap = core_snapshot(off_module("0"));
    CHECK(snap->deployment_config == kConfig);
    CHECK(snap->module_disabled("Vendor_Off"));
    CHECK_FALSE(snap->acl.find("Vendor_Off::thing"));
    Engine engine(snap);
    const std::string text = module_list_integration_xml("Vendor_Off::thing");
    auto ds = copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource");
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds[0];
    CHECK(d.severity == Severity::Error);
    CHECK(slice(text, d.range) == "Vendor_Off::thing");
    CHECK(contains(d.message, "declared only by Vendor_Off"));
    CHECK(contains(d.message, "app/etc/config.php disables"));
    // config.php's entry and the declaration are linked.
    bool config_linked = false, declared_linked = false;
    for (const auto& r : d.related) {
        if (r.location.path == kConfig) {
            config_linked = true;
            CHECK(slice(config_php("0"), r.location.range) == "Vendor_Off");
        }
        if (r.location.path == kOffDir + "/etc/acl.xml") declared_linked = true;
    }
    CHECK(config_linked);
    CHECK(declared_linked);
    // The only fix removes it: never another privilege.
    REQUIRE(d.fixes.size() == 1);
    CHECK(contains(d.fixes[0].title, "Remove"));
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration).find("Vendor_Off") == std::string::npos);
    // Hover says why.
    engine.open(kAcmeIntegration, text);
    auto h = engine.hover(kAcmeIntegration, static_cast<Offset>(text.find("Vendor_Off::thing")));
    REQUIRE(h);
    CHECK(contains(h->markdown, "app/etc/config.php"));
}

TEST_CASE("config.php: enabled, or not listed at all, the module's ids count") {
    for (std::string_view value : {"1", ""}) {
        INFO("Vendor_Off => " << (value.empty() ? "(no config.php)" : value));
        Engine engine(core_snapshot(off_module(value)));
        CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").empty());
        CHECK_FALSE(engine.snapshot().module_disabled("Vendor_Off"));
    }
    // Listed without Vendor_Off: setup:upgrade adds it enabled (Setup\Model\Installer).
    auto files = off_module("");
    files.push_back({kConfig, "<?php\nreturn ['modules' => ['Magento_Backend' => 1]];\n"});
    Engine engine(core_snapshot(files));
    CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").empty());
}

TEST_CASE("config.php: a disabled module's files are not merged and not checked against the "
          "tree") {
    Engine engine(core_snapshot(off_module("0")));
    const Snapshot& s = engine.snapshot();
    // Its integration is not read (never created).
    CHECK(s.integrations.count("OffIntegration") == 0);
    CHECK(s.integrations.count("Acme") == 1);
    // Its integration.xml names its own ids and a typo: nothing reported there.
    CHECK(engine.diagnose(kOffDir + "/etc/integration.xml").empty());
    // Its module.xml says why, once.
    auto ds = engine.diagnose(kOffDir + "/etc/module.xml");
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].code == "disabled-module");
    CHECK(ds[0].severity == Severity::Info);
    CHECK(contains(ds[0].message, "app/etc/config.php"));
    // An enabled module's broken id is still reported.
    Engine other(core_snapshot(off_module("1")));
    CHECK(copies_with_code(other.diagnose(kOffDir + "/etc/integration.xml"), "unknown-resource")
              .size() == 1);
}

TEST_CASE("config.php: Magento's own disabled modules get no note, their ids are disabled") {
    auto files = off_module("");
    files.push_back(
        {kConfig, "<?php\nreturn ['modules' => ['Magento_Customer' => 0, 'Vendor_Off' => 1]];\n"});
    files.push_back({kAcmeApi, "<?xml version=\"1.0\"?>\n<integrations>\n    <integration "
                               "name=\"Legacy\">\n        <resources>\n            <resource "
                               "name=\"Magento_Customer::customer\"/>\n        </resources>\n"
                               "    </integration>\n</integrations>\n"});
    Engine engine(core_snapshot(files));
    CHECK(engine.diagnose(core_dir("Customer") + "/etc/module.xml").empty());
    auto ds = copies_with_code(engine.diagnose(kAcmeApi), "unknown-resource");
    REQUIRE(ds.size() == 1);
    CHECK(contains(ds[0].message, "declared only by Magento_Customer"));
}

TEST_CASE("config.php: editing it changes what is disabled, live") {
    Engine engine(core_snapshot(off_module("1")));
    CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").empty());
    engine.open(kConfig, config_php("0"));
    CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").size() == 1);
    engine.change(kConfig, config_php("true"));
    CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").empty());
    engine.change(kConfig, config_php("false"));
    CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").size() == 1);
    // An edit of the disabled module's acl.xml keeps it out of the tree.
    std::string acl = kOffAcl;
    acl.replace(acl.find("title=\"Thing\""), 13, "title=\"Things\"");
    engine.open(kOffDir + "/etc/acl.xml", acl);
    CHECK_FALSE(engine.snapshot().acl.find("Vendor_Off::thing"));
    CHECK(copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").size() == 1);
    engine.close(kConfig); // back to the disk: enabled
    CHECK(engine.snapshot().acl.find("Vendor_Off::thing"));
}

TEST_CASE("config.php: without a Magento core, the catalogue's ids of a disabled module") {
    // A project checkout without vendor/: the bundled catalogue stands in for the core.
    std::vector<SourceFile> files = {
        {kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")},
        {kAcmeIntegration, module_list_integration_xml("Magento_Analytics::analytics")},
        {kConfig, "<?php\nreturn ['modules' => ['Magento_Analytics' => 0]];\n"}};
    Engine engine(snapshot_of(files, &bundled_catalog()));
    REQUIRE(engine.snapshot().uses_catalog);
    auto ds = copies_with_code(engine.diagnose(kAcmeIntegration), "unknown-resource");
    REQUIRE(ds.size() == 1);
    CHECK(contains(ds[0].message, "declared only by Magento_Analytics"));
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(contains(ds[0].fixes[0].title, "Remove"));
    files.pop_back();
    Engine enabled(snapshot_of(files, &bundled_catalog()));
    CHECK(copies_with_code(enabled.diagnose(kAcmeIntegration), "unknown-resource").empty());
}

TEST_CASE("config.php: hover and go to definition on a module name") {
    Engine engine(core_snapshot(off_module("0")));
    const std::string text = config_php("0");
    const auto at = static_cast<Offset>(text.find("Vendor_Off") + 2);
    auto h = engine.hover(kConfig, at);
    REQUIRE(h);
    CHECK(contains(h->markdown, "disabled"));
    CHECK(slice(text, h->range) == "Vendor_Off");
    auto defs = engine.definition(kConfig, at);
    REQUIRE(defs.size() == 1);
    CHECK(defs[0].path == kOffDir + "/etc/module.xml");
}
