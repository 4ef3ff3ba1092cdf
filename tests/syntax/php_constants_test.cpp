#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>

using namespace mil;
using mil::test::slice;

TEST_CASE("constants: class constants with namespace and visibility and types and lists") {
    std::string_view text = R"(<?php
namespace Vendor\Module\Model;

use Other\Thing;

const GLOBAL_ONE = 'not a class constant';

interface Names
{
    const INTEGRATION_NAME = 'Vendor Integration';
}

final class Config implements Names
{
    public const URL = "https://example.com";
    protected const A = 'a', B = "b\tb";
    private const string TYPED = 'typed';
    const JOINED = self::A . '-' . Names::INTEGRATION_NAME;
    const NUMBER = 42;
    const OUTSIDE = Thing::VALUE;

    public function run()
    {
        $x = ['const' => 'NOT_A_CONSTANT'];
        return static::URL;
    }
}
)";
    auto cs = find_php_class_constants(text);
    REQUIRE(cs.size() == 8);
    CHECK(cs[0].class_name == "Names");
    CHECK(cs[0].class_fqn == "Vendor\\Module\\Model\\Names");
    CHECK(cs[0].name == "INTEGRATION_NAME");
    CHECK(slice(text, cs[0].name_range) == "INTEGRATION_NAME");
    REQUIRE(cs[0].value);
    CHECK(*cs[0].value == "Vendor Integration");
    CHECK(slice(text, cs[0].value_range) == "Vendor Integration");

    CHECK(cs[1].class_fqn == "Vendor\\Module\\Model\\Config");
    CHECK(cs[1].name == "URL");
    CHECK(*cs[1].value == "https://example.com");
    CHECK(cs[2].name == "A");
    CHECK(cs[3].name == "B");
    CHECK(*cs[3].value == "b\tb");
    CHECK(slice(text, cs[3].value_range) == "b\\tb");
    CHECK(cs[4].name == "TYPED");
    CHECK(*cs[4].value == "typed");
    CHECK(cs[5].name == "JOINED");
    REQUIRE(cs[5].value);
    CHECK(*cs[5].value == "a-Vendor Integration");
    CHECK(slice(text, cs[5].value_range) == "self::A . '-' . Names::INTEGRATION_NAME");
    CHECK(cs[6].name == "NUMBER");
    CHECK_FALSE(cs[6].value);
    CHECK(slice(text, cs[6].value_range) == "42");
    CHECK(cs[7].name == "OUTSIDE");
    CHECK_FALSE(cs[7].value); // another file's constant: unknown here
}

TEST_CASE("constants: a cycle between constants stays unresolved") {
    std::string_view text =
        "<?php class C { const A = self::B; const B = self::A; const D = 'd'; }";
    auto cs = find_php_class_constants(text);
    REQUIRE(cs.size() == 3);
    CHECK_FALSE(cs[0].value);
    CHECK_FALSE(cs[1].value);
    CHECK(*cs[2].value == "d");
}

TEST_CASE("constants: a constant table finds by qualified and by short class name") {
    std::string_view text = R"(<?php
namespace Vendor\Module\Helper;
class Constants { const INTEGRATION_NAME = 'From Helper'; }
)";
    PhpConstantTable table;
    CHECK(table.empty());
    for (const auto& c : find_php_class_constants(text))
        table.add("/m/Helper/Constants.php", c);
    CHECK_FALSE(table.empty());
    const PhpConstantEntry* e =
        table.find("\\Vendor\\Module\\Helper\\Constants", "INTEGRATION_NAME");
    REQUIRE(e);
    CHECK(e->value == "From Helper");
    CHECK(e->path == "/m/Helper/Constants.php");
    CHECK(slice(text, e->value_range) == "From Helper");
    // Class names are case-insensitive, constant names are not.
    CHECK(table.find("vendor\\module\\helper\\constants", "INTEGRATION_NAME") == e);
    CHECK(table.find("vendor\\module\\helper\\constants", "integration_name") == nullptr);
    // Short name, and a qualified name that falls back on its short name.
    CHECK(table.find("Constants", "INTEGRATION_NAME") != nullptr);
    CHECK(table.find("Elsewhere\\Constants", "INTEGRATION_NAME") != nullptr);
    CHECK(table.find("Other", "INTEGRATION_NAME") == nullptr);
}
