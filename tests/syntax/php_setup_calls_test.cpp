#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>

using namespace mil;
using mil::test::slice;

TEST_CASE("setup calls: a data patch with literal names") {
    std::string_view text = R"(<?php
namespace Vendor\Module\Setup\Patch\Data;

use Magento\Framework\Setup\Patch\DataPatchInterface;
use Magento\Integration\Model\ConfigBasedIntegrationManager;

class CreateIntegration implements DataPatchInterface
{
    public function __construct(private ConfigBasedIntegrationManager $integrationManager) {}

    public function apply()
    {
        // $this->integrationManager->processIntegrationConfig(['Commented Out']);
        /* $this->integrationManager->processIntegrationConfig(['Block Comment']); */
        $this->integrationManager->processIntegrationConfig(['First Integration', "Second",]);
        return $this;
    }
}
)";
    auto calls = find_php_setup_calls(text);
    REQUIRE(calls.size() == 1);
    const PhpSetupCall& c = calls[0];
    CHECK(
        slice(text, c.call_range) ==
        "$this->integrationManager->processIntegrationConfig(['First Integration', \"Second\",])");
    CHECK(slice(text, c.method_range) == "processIntegrationConfig");
    CHECK(slice(text, c.argument_range) == "['First Integration', \"Second\",]");
    CHECK(c.argument_kind == PhpArgumentKind::Array);
    CHECK(c.resolved);
    REQUIRE(c.names.size() == 2);
    CHECK(c.names[0].source == PhpNameSource::Literal);
    CHECK(c.names[0].value == "First Integration");
    CHECK(slice(text, c.names[0].range) == "First Integration");
    CHECK(c.names[0].expression == "'First Integration'");
    CHECK(c.names[1].value == "Second");
    CHECK(slice(text, c.names[1].range) == "Second");
}

TEST_CASE("setup calls: the method declaration and look-alikes in strings do not count") {
    std::string_view text = R"(<?php
class ConfigBasedIntegrationManager
{
    public function processIntegrationConfig(array $integrationNames)
    {
        $doc = <<<TXT
Call processIntegrationConfig(['In Heredoc']) from a setup script.
TXT;
        $s = 'processIntegrationConfig(["In String"])';
        $n = <<<'NOW'
processIntegrationConfig(['In Nowdoc'])
NOW;
        # processIntegrationConfig(['Hash Comment']);
        return $integrationNames;
    }
}
)";
    CHECK(find_php_setup_calls(text).empty());
}

TEST_CASE("setup calls: long array syntax and any receiver") {
    std::string_view text = R"(<?php
class InstallData {
    public function install($setup, $context) {
        $this->getManager()
            ->processIntegrationConfig(array('Old Style'));
        $manager?->processIntegrationConfig(['Nullsafe']);
        Manager::processIntegrationConfig(['Static']);
    }
}
)";
    auto calls = find_php_setup_calls(text);
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].argument_kind == PhpArgumentKind::Array);
    REQUIRE(calls[0].names.size() == 1);
    CHECK(calls[0].names[0].value == "Old Style");
    CHECK(slice(text, calls[0].call_range).substr(0, 19) == "$this->getManager()");
    CHECK(slice(text, calls[0].call_range).back() == ')');
    CHECK(slice(text, calls[1].call_range) == "$manager?->processIntegrationConfig(['Nullsafe'])");
    CHECK(slice(text, calls[2].call_range) == "Manager::processIntegrationConfig(['Static'])");
}

TEST_CASE("setup calls: class constants of the same file") {
    std::string_view text = R"(<?php
namespace Vendor\Module\Setup\Patch\Data;

class AddIntegration
{
    const INTEGRATION_NAME = 'Self Named';
    protected const OTHER = "Static Named";

    public function apply()
    {
        $this->integrationManager->processIntegrationConfig([
            self::INTEGRATION_NAME,
            static::OTHER,
            AddIntegration::INTEGRATION_NAME,
            \Vendor\Module\Setup\Patch\Data\AddIntegration::OTHER,
            self::MISSING,
        ]);
    }
}
)";
    auto calls = find_php_setup_calls(text);
    REQUIRE(calls.size() == 1);
    const auto& names = calls[0].names;
    REQUIRE(names.size() == 5);
    CHECK_FALSE(calls[0].resolved);
    for (int i = 0; i < 4; ++i) {
        INFO(i);
        CHECK(names[i].source == PhpNameSource::Constant);
        REQUIRE(names[i].origin_range);
        CHECK(names[i].origin_path.empty());
        CHECK(slice(text, *names[i].origin_range) == names[i].value);
    }
    CHECK(names[0].value == "Self Named");
    CHECK(slice(text, names[0].range) == "self::INTEGRATION_NAME");
    CHECK(names[1].value == "Static Named");
    CHECK(names[2].value == "Self Named");
    CHECK(names[3].value == "Static Named");
    CHECK(names[4].source == PhpNameSource::Unresolved);
    CHECK(names[4].value.empty());
    CHECK(slice(text, names[4].range) == "self::MISSING");
    CHECK(names[4].expression == "self::MISSING");
}

TEST_CASE("setup calls: constants of other files through the caller's table") {
    std::string_view constants_php = R"(<?php
namespace Vendor\Module\Model;
class Constants { public const INTEGRATION_NAME = 'From Constants'; }
)";
    std::string_view text = R"(<?php
namespace Vendor\Module\Setup;

use Vendor\Module\Model\Constants;
use Vendor\Module\Model\Constants as C;

class InstallData extends AbstractSetup
{
    public function install()
    {
        $this->integrationManager->processIntegrationConfig([
            Constants::INTEGRATION_NAME,
            C::INTEGRATION_NAME,
            \Vendor\Module\Model\Constants::INTEGRATION_NAME,
            self::INHERITED,
            parent::INHERITED,
            Unknown::NAME,
        ]);
    }
}
)";
    PhpConstantTable table;
    for (const auto& c : find_php_class_constants(constants_php))
        table.add("/m/Model/Constants.php", c);
    table.add("Vendor\\Module\\Setup\\AbstractSetup", "INHERITED",
              PhpConstantEntry{"From Parent", "/m/Setup/AbstractSetup.php", {10, 21}});
    auto calls = find_php_setup_calls(text, table);
    REQUIRE(calls.size() == 1);
    const auto& names = calls[0].names;
    REQUIRE(names.size() == 6);
    for (int i = 0; i < 3; ++i) {
        INFO(i);
        CHECK(names[i].source == PhpNameSource::Constant);
        CHECK(names[i].value == "From Constants");
        CHECK(names[i].origin_path == "/m/Model/Constants.php");
        REQUIRE(names[i].origin_range);
        CHECK(slice(constants_php, *names[i].origin_range) == "From Constants");
    }
    CHECK(names[3].value == "From Parent");
    CHECK(names[3].origin_path == "/m/Setup/AbstractSetup.php");
    CHECK(names[4].value == "From Parent");
    CHECK(names[5].source == PhpNameSource::Unresolved);
    CHECK(slice(text, names[5].range) == "Unknown::NAME");

    // Without the table the same names are unresolved.
    auto bare = find_php_setup_calls(text);
    REQUIRE(bare.size() == 1);
    for (const auto& n : bare[0].names)
        CHECK(n.source == PhpNameSource::Unresolved);
}

TEST_CASE("setup calls: elements that cannot be known are unresolved with their range") {
    std::string_view text = R"(<?php
$this->integrationManager->processIntegrationConfig([
    $this->config->getName(), "Name $suffix", ...$more, 'key' => 'Keyed Value', 'A' . 'B']);
)";
    auto calls = find_php_setup_calls(text);
    REQUIRE(calls.size() == 1);
    const auto& n = calls[0].names;
    REQUIRE(n.size() == 5);
    CHECK(n[0].source == PhpNameSource::Unresolved);
    CHECK(slice(text, n[0].range) == "$this->config->getName()");
    CHECK(n[1].source == PhpNameSource::Unresolved);
    CHECK(slice(text, n[1].range) == "\"Name $suffix\"");
    CHECK(n[2].source == PhpNameSource::Unresolved);
    CHECK(slice(text, n[2].range) == "...$more");
    CHECK(n[3].source == PhpNameSource::Literal);
    CHECK(n[3].value == "Keyed Value");
    CHECK(slice(text, n[3].range) == "Keyed Value");
    CHECK(n[4].source == PhpNameSource::Literal);
    CHECK(n[4].value == "AB");
    CHECK(slice(text, n[4].range) == "'A' . 'B'");
    CHECK_FALSE(calls[0].resolved);
}

TEST_CASE("setup calls: a variable assigned earlier in the same function") {
    std::string_view text = R"(<?php
class InstallData
{
    const NAME = 'Const Name';

    public function install()
    {
        $names = ['Var One', self::NAME];
        if ($this->enabled) {
            $this->integrationManager->processIntegrationConfig($names);
        }
    }

    public function other()
    {
        $this->integrationManager->processIntegrationConfig($names);
    }
}
)";
    auto calls = find_php_setup_calls(text);
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].argument_kind == PhpArgumentKind::Variable);
    CHECK(slice(text, calls[0].argument_range) == "$names");
    CHECK(calls[0].resolved);
    REQUIRE(calls[0].names.size() == 2);
    CHECK(calls[0].names[0].value == "Var One");
    CHECK(slice(text, calls[0].names[0].range) == "Var One");
    CHECK(calls[0].names[1].value == "Const Name");
    // The assignment is in another function: not visible.
    CHECK(calls[1].argument_kind == PhpArgumentKind::Variable);
    CHECK_FALSE(calls[1].resolved);
    CHECK(calls[1].names.empty());
}

TEST_CASE("setup calls: a variable that is not simple stays unresolved") {
    std::string_view branch = R"(<?php
function f($prod) {
    if ($prod) { $names = ['Prod']; } else { $names = ['Dev']; }
    $m->processIntegrationConfig($names);
})";
    std::string_view appended = R"(<?php
function f() {
    $names = ['One'];
    $names[] = 'Two';
    $m->processIntegrationConfig($names);
})";
    std::string_view computed = R"(<?php
function f() {
    $names = $this->getNames();
    $m->processIntegrationConfig($names);
})";
    std::string_view parameter = R"(<?php
function f(array $names) {
    $m->processIntegrationConfig($names);
})";
    for (std::string_view text : {branch, appended, computed, parameter}) {
        INFO(text);
        auto calls = find_php_setup_calls(text);
        REQUIRE(calls.size() == 1);
        CHECK(calls[0].argument_kind == PhpArgumentKind::Variable);
        CHECK_FALSE(calls[0].resolved);
        CHECK(calls[0].names.empty());
    }
    // A reassignment after the last one wins.
    std::string_view reassigned = R"(<?php
function f() {
    $names = ['Old'];
    $names = array('New');
    $m->processIntegrationConfig($names);
})";
    auto calls = find_php_setup_calls(reassigned);
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].resolved);
    REQUIRE(calls[0].names.size() == 1);
    CHECK(calls[0].names[0].value == "New");
}

TEST_CASE("setup calls: other and missing arguments and half-typed calls") {
    std::string_view text = R"(<?php
$a->processIntegrationConfig($this->names());
$a->processIntegrationConfig();
$a->processIntegrationConfig(['Half', )";
    auto calls = find_php_setup_calls(text);
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].argument_kind == PhpArgumentKind::Other);
    CHECK_FALSE(calls[0].resolved);
    CHECK(slice(text, calls[0].argument_range) == "$this->names()");
    CHECK(calls[1].argument_kind == PhpArgumentKind::Missing);
    CHECK(calls[1].argument_range.empty());
    CHECK(calls[2].call_range.end == text.rfind(',') + 1);
    CHECK(calls[2].argument_kind == PhpArgumentKind::Other);
}
