// app/etc/config.php: the 'modules' array read as Magento's ModuleList reads it.
#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>

using namespace mil;
using mil::test::slice;

TEST_CASE("config.php: modules set to 1 and 0, as bin/magento writes them") {
    std::string_view text = R"(<?php
return [
    'modules' => [
        'Magento_Store' => 1,
        'Magento_Analytics' => 0,
        "Vendor_Double" => 1,
    ],
    'scopes' => ['websites' => ['admin' => ['code' => 'admin']]],
    'system' => ['default' => ['web' => ['modules' => 0]]],
];
)";
    auto mods = find_php_module_switches(text);
    REQUIRE(mods);
    REQUIRE(mods->size() == 3);
    CHECK((*mods)[0].name == "Magento_Store");
    CHECK((*mods)[0].enabled);
    CHECK(slice(text, (*mods)[0].name_range) == "Magento_Store");
    CHECK((*mods)[1].name == "Magento_Analytics");
    CHECK_FALSE((*mods)[1].enabled);
    CHECK(slice(text, (*mods)[1].value_range) == "0");
    CHECK((*mods)[2].name == "Vendor_Double");
    CHECK((*mods)[2].enabled);
}

TEST_CASE("config.php: array(), comments, and the values ModuleList::has counts as empty") {
    std::string_view text = R"(<?php
// 'modules' => ['Commented_Out' => 0],
return array(
    'modules' => array(
        'A_One' => true,   # on
        'A_Two' => false,
        'A_Three' => '0',
        'A_Four' => '',
        'A_Five' => null,
        'A_Six' => 2,
        'A_Seven' => getenv('X'),
        /* 'A_Eight' => 0, */
    ),
);
)";
    auto mods = find_php_module_switches(text);
    REQUIRE(mods);
    REQUIRE(mods->size() == 7);
    const bool want[] = {true, false, false, false, false, true, true};
    for (std::size_t i = 0; i < 7; ++i) {
        INFO((*mods)[i].name);
        CHECK((*mods)[i].enabled == want[i]);
    }
}

TEST_CASE("config.php: no modules array, or a cut file") {
    CHECK_FALSE(find_php_module_switches("<?php return ['db' => []];"));
    CHECK_FALSE(find_php_module_switches(""));
    // Cut in the middle: what was read so far.
    auto mods = find_php_module_switches("<?php return ['modules' => ['A_B' => 0, 'C_D' =>");
    REQUIRE(mods);
    REQUIRE(mods->size() == 1);
    CHECK_FALSE((*mods)[0].enabled);
}
