// processIntegrationConfig() names that are class constants of another PHP file of the module
// (`Config::NAME`), resolved through the snapshot; and the files the index reads for them.
#include "mil/ide/entry.hpp"
#include "rules_support.hpp"

#include "mil/syntax/php.hpp"

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace rules_test {

namespace {

const std::string kPatch = kAcme + "/Setup/Patch/Data/InstallIntegration.php";
const std::string kHelper = kAcme + "/Helper/Config.php";

const char* kConfigXml = R"(<?xml version="1.0"?>
<integrations>
    <integration name="AcmeSync">
        <email>ops@acme.example</email>
    </integration>
</integrations>
)";

const char* kHelperPhp = R"(<?php
namespace Acme\Connector\Helper;

class Config
{
    const NAME = 'AcmeSync';
    const TYPO = 'AcmeSynk';
    const PREFIX = 'Acme';
}
)";

const char* kPatchPhp = R"(<?php
namespace Acme\Connector\Setup\Patch\Data;

use Acme\Connector\Helper\Config;
use Acme\Connector\Helper\Config as Settings;

class InstallIntegration
{
    public function apply()
    {
        $this->integrationManager->processIntegrationConfig([Config::NAME, Settings::TYPO, Config::MISSING]);
    }
}
)";

Tree module(bool with_helper) {
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").registration(kAcme, "Acme_Connector");
    t.add(kAcme + "/etc/integration/config.xml", kConfigXml);
    t.add(kPatch, kPatchPhp);
    if (with_helper) t.add(kHelper, kHelperPhp);
    return t;
}

} // namespace

TEST_CASE("setup: Class::NAME of another class of the module is resolved and checked") {
    Tree t = module(true);
    auto ds = t.diagnose(kPatch, "integration-name-mismatch");
    // Config::NAME is right, Settings::TYPO (an alias of the same class) is not, and
    // Config::MISSING is no constant anywhere: not judged.
    REQUIRE(ds.size() == 1);
    CHECK(slice(kPatchPhp, ds[0].range) == "Settings::TYPO");
    CHECK_THAT(ds[0].message, Catch::Contains("'AcmeSynk'"));

    // Hover on the resolved name shows the integration.
    Engine engine(t.snapshot());
    const std::string text = kPatchPhp;
    auto hover = engine.hover(kPatch, static_cast<Offset>(text.find("Config::NAME") + 3));
    REQUIRE(hover);
    CHECK_THAT(hover->markdown, Catch::Contains("AcmeSync"));

    // References of the integration's name include the call in the data patch.
    const std::string config = kAcme + "/etc/integration/config.xml";
    auto refs = engine.references(
        config, static_cast<Offset>(std::string(kConfigXml).find("AcmeSync") + 2), false);
    REQUIRE(refs.size() == 1);
    CHECK(refs[0].path == kPatch);
    CHECK(slice(kPatchPhp, refs[0].range) == "Config::NAME");
}

TEST_CASE("setup: without the class's file the names stay unresolved and unjudged") {
    CHECK(module(false).diagnose(kPatch, "integration-name-mismatch").empty());
}

TEST_CASE("setup: a constant of a class outside the module does not count") {
    Tree t = module(false);
    t.add(module_dir("Other", "Module") + "/Helper/Config.php",
          "<?php\nnamespace Acme\\Connector\\Helper;\nclass Config { const TYPO = 'AcmeSynk'; }\n");
    CHECK(t.diagnose(kPatch, "integration-name-mismatch").empty());
}

TEST_CASE("constant_class_files: the module's namespace and its composer.json PSR-4 folders") {
    std::vector<std::shared_ptr<const FileEntry>> entries = {
        make_entry(kAcme + "/etc/module.xml", "<config><module name=\"Acme_Connector\"/></config>"),
        make_entry(kPatch, kPatchPhp),
    };
    CHECK(constant_class_files(kAcme, entries) == std::vector<std::string>{kHelper});

    entries.push_back(make_entry(
        kAcme + "/composer.json",
        R"({"autoload": {"psr-4": {"Acme\\Connector\\": "src/", "Evil\\": "../../"}}})"));
    CHECK(constant_class_files(kAcme, entries) ==
          std::vector<std::string>{kHelper, kAcme + "/src/Helper/Config.php"});

    // Already read: not listed again.
    entries.push_back(make_entry(kHelper, kHelperPhp));
    CHECK(constant_class_files(kAcme, entries) ==
          std::vector<std::string>{kAcme + "/src/Helper/Config.php"});
}

} // namespace rules_test
