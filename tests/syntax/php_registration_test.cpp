#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>

using namespace mil;
using mil::test::slice;

TEST_CASE("registration: the usual registration.php with an import") {
    std::string_view text = R"(<?php
/**
 * Copyright notice
 */
use Magento\Framework\Component\ComponentRegistrar;

ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Vendor_Module', __DIR__);
)";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 1);
    const PhpRegistration& r = regs[0];
    CHECK(r.type == PhpComponentType::Module);
    CHECK(slice(text, r.type_range) == "ComponentRegistrar::MODULE");
    CHECK(r.name == "Vendor_Module");
    CHECK(r.name_is_literal);
    CHECK(slice(text, r.name_range) == "Vendor_Module");
    CHECK(slice(text, r.call_range) == "ComponentRegistrar::register(ComponentRegistrar::MODULE, "
                                       "'Vendor_Module', __DIR__)");
    CHECK(r.registrar == "Magento\\Framework\\Component\\ComponentRegistrar");
}

TEST_CASE("registration: fully qualified and multi-line with double quotes") {
    std::string_view text =
        "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register(\n"
        "    \\Magento\\Framework\\Component\\ComponentRegistrar::MODULE,\n"
        "    \"Acme_Shop\",\n    __DIR__\n);\n";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 1);
    CHECK(regs[0].type == PhpComponentType::Module);
    CHECK(regs[0].name == "Acme_Shop");
    CHECK(slice(text, regs[0].name_range) == "Acme_Shop");
    CHECK(regs[0].registrar == "Magento\\Framework\\Component\\ComponentRegistrar");
}

TEST_CASE("registration: an aliased import") {
    std::string_view text = R"(<?php
use \Magento\Framework\Component\ComponentRegistrar as CR;
CR::register(CR::MODULE, 'Foo_Bar', __DIR__);
)";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 1);
    CHECK(regs[0].type == PhpComponentType::Module);
    CHECK(regs[0].name == "Foo_Bar");
    CHECK(regs[0].registrar == "Magento\\Framework\\Component\\ComponentRegistrar");
    CHECK(slice(text, regs[0].type_range) == "CR::MODULE");
}

TEST_CASE("registration: an unrelated class called CR is not the registrar") {
    std::string_view text = R"(<?php
use Some\Other\Registry as CR;
CR::register(CR::MODULE, 'Foo_Bar', __DIR__);
)";
    CHECK(find_php_registrations(text).empty());
}

TEST_CASE("registration: other component types are reported with their type") {
    std::string_view text = R"(<?php
use Magento\Framework\Component\ComponentRegistrar;
ComponentRegistrar::register(ComponentRegistrar::THEME, 'frontend/Vendor/theme', __DIR__);
ComponentRegistrar::register(ComponentRegistrar::LIBRARY, 'vendor/lib', __DIR__);
ComponentRegistrar::register(ComponentRegistrar::LANGUAGE, 'vendor_de_de', __DIR__);
ComponentRegistrar::register(ComponentRegistrar::SETUP, 'magento/setup', __DIR__);
ComponentRegistrar::register('module', 'By_Value', __DIR__);
ComponentRegistrar::register(ComponentRegistrar::WIDGET, 'Odd_Type', __DIR__);
)";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 6);
    CHECK(regs[0].type == PhpComponentType::Theme);
    CHECK(regs[1].type == PhpComponentType::Library);
    CHECK(regs[2].type == PhpComponentType::Language);
    CHECK(regs[3].type == PhpComponentType::Setup);
    CHECK(regs[4].type == PhpComponentType::Module);
    CHECK(regs[4].name == "By_Value");
    CHECK(regs[5].type == PhpComponentType::Unknown);
    CHECK(std::string(php_component_type_name(regs[0].type)) == "theme");
}

TEST_CASE("registration: look-alikes in comments and strings and heredocs do not count") {
    std::string_view text = R"(<?php
// ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Commented_Out', __DIR__);
# ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Hash_Comment', __DIR__);
/* ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Block_Comment', __DIR__); */
$s = "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'In_String', __DIR__);";
$h = <<<EOT
ComponentRegistrar::register(ComponentRegistrar::MODULE, 'In_Heredoc', __DIR__);
EOT;
\Magento\Framework\Component\ComponentRegistrar::register(
    \Magento\Framework\Component\ComponentRegistrar::MODULE, 'Real_One', __DIR__);
)";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 1);
    CHECK(regs[0].name == "Real_One");
}

TEST_CASE("registration: a qualified name inside a namespace resolves against it") {
    std::string_view text = R"(<?php
namespace Acme\Shop;
Magento\Framework\Component\ComponentRegistrar::register(
    Magento\Framework\Component\ComponentRegistrar::MODULE, 'Acme_Shop', __DIR__);
)";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 1);
    // PHP would look for Acme\Shop\Magento\...; callers can tell from
    // `registrar`.
    CHECK(regs[0].registrar == "Acme\\Shop\\Magento\\Framework\\Component\\ComponentRegistrar");
    CHECK(regs[0].name == "Acme_Shop");
}

TEST_CASE("registration: a name that is not a constant string") {
    std::string_view text = R"(<?php
use Magento\Framework\Component\ComponentRegistrar;
ComponentRegistrar::register(ComponentRegistrar::MODULE, $name, __DIR__);
ComponentRegistrar::register(ComponentRegistrar::MODULE, "Vendor_$x", __DIR__);
ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Vendor' . '_Joined', __DIR__);
)";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 3);
    CHECK_FALSE(regs[0].name_is_literal);
    CHECK(slice(text, regs[0].name_range) == "$name");
    CHECK_FALSE(regs[1].name_is_literal);
    CHECK(slice(text, regs[1].name_range) == "\"Vendor_$x\"");
    CHECK(regs[2].name_is_literal);
    CHECK(regs[2].name == "Vendor_Joined");
    CHECK(slice(text, regs[2].name_range) == "'Vendor' . '_Joined'");
}

TEST_CASE("registration: a half-typed call does not crash and keeps what it has") {
    std::string_view text = "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
                            "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Half_Typed";
    auto regs = find_php_registrations(text);
    REQUIRE(regs.size() == 1);
    CHECK(regs[0].type == PhpComponentType::Module);
    CHECK(regs[0].call_range.end == text.size());
    // The unterminated string is not a constant.
    CHECK_FALSE(regs[0].name_is_literal);
    CHECK(find_php_registrations("<?php ComponentRegistrar::register(").size() == 1);
    CHECK(find_php_registrations("<?php ComponentRegistrar::register").empty());
}
