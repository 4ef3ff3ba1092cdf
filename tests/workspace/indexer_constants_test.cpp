// The index also reads the class files whose constants a setup script passes to
// processIntegrationConfig() (`Config::NAME`), found through the module's namespace and its
// composer.json PSR-4 folders, and nothing else of the module's PHP.
#include "temp_tree.hpp"
#include "workspace/indexer.hpp"

#include "mil/ide/engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using mil::test::TempTree;

namespace {

const char* kPatch = R"(<?php
namespace Acme\Connector\Setup\Patch\Data;

use Acme\Connector\Helper\Config;
use Acme\Connector\Model\Names;

class Install
{
    public function apply()
    {
        $this->manager->processIntegrationConfig([Config::NAME, Names::OTHER]);
    }
}
)";

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

TEST_CASE("index: a setup script's constant classes are read, and resolve its names") {
    TempTree t;
    const std::string dir = t.module("app/code/Acme/Connector", "Acme_Connector");
    t.write("app/code/Acme/Connector/composer.json",
            R"({"name": "acme/module-connector", "type": "magento2-module",
                "autoload": {"files": ["registration.php"], "psr-4": {"Acme\\Connector\\": ""}}})");
    t.write("app/code/Acme/Connector/etc/integration/config.xml",
            "<integrations><integration name=\"AcmeSync\"><email>a@b.example</email>"
            "</integration></integrations>\n");
    t.write("app/code/Acme/Connector/Setup/Patch/Data/Install.php", kPatch);
    t.write(
        "app/code/Acme/Connector/Helper/Config.php",
        "<?php\nnamespace Acme\\Connector\\Helper;\nclass Config { const NAME = 'AcmeSynk'; }\n");
    t.write("app/code/Acme/Connector/Helper/Unrelated.php",
            "<?php\nnamespace Acme\\Connector\\Helper;\nclass Unrelated {}\n");
    // Model/Names.php does not exist: not an error, just unresolved.

    auto files = mil::indexed_files(dir);
    CHECK(has(files, dir + "/Helper/Config.php"));
    CHECK_FALSE(has(files, dir + "/Helper/Unrelated.php"));
    CHECK_FALSE(has(files, dir + "/Model/Names.php"));

    mil::IndexOptions options;
    options.threads = 1;
    auto result = mil::index_folders({t.path("app/code/Acme/Connector")}, options);
    CHECK(result.warnings.empty());
    REQUIRE(result.snapshot->file(dir + "/Helper/Config.php"));
    CHECK_FALSE(result.snapshot->file(dir + "/Helper/Unrelated.php"));

    mil::Engine engine(result.snapshot);
    std::vector<std::string> mismatches;
    for (const auto& d : engine.diagnose(dir + "/Setup/Patch/Data/Install.php"))
        if (d.code == "integration-name-mismatch") mismatches.push_back(d.message);
    REQUIRE(mismatches.size() == 1);
    CHECK_THAT(mismatches[0], Catch::Contains("'AcmeSynk'"));
}

TEST_CASE("composer_psr4: the roots, also from a composer.json that is not valid JSON") {
    using Roots = std::vector<std::pair<std::string, std::string>>;
    CHECK(mil::composer_psr4(R"({"autoload": {"psr-4": {"Acme\\Connector\\": ""}}})") ==
          Roots{{"Acme\\Connector\\", ""}});
    CHECK(mil::composer_psr4(R"({"autoload": {"psr-4": {"Acme\\A\\": ["src/", "lib/"]}}})") ==
          Roots{{"Acme\\A\\", "src/"}});
    // A trailing comma: Composer refuses the file, but the namespace is still the module's.
    CHECK(mil::composer_psr4(R"({"autoload": {"psr-4": {"Acme\\B\\": "src/"},},})") ==
          Roots{{"Acme\\B\\", "src/"}});
    CHECK(mil::composer_psr4("[1, 2]").empty());
    CHECK(mil::composer_psr4("").empty());
}
