// The exported value matchers, against the XSD patterns they stand for.
#include "mil/model/schema.hpp"

#include <catch2/catch.hpp>

using namespace mil;

TEST_CASE("is_acl_id follows ([A-Z]+[a-zA-Z0-9]{1,}){1,}_[A-Z]+[A-Z0-9a-z]{1,}::[A-Za-z_0-9]{1,}") {
    CHECK(is_acl_id("Magento_Sales::sales_order"));
    CHECK(is_acl_id("Magento_Backend::all"));
    CHECK(is_acl_id("ABc_DE::x"));
    CHECK(is_acl_id("Ab_Cd::_"));
    CHECK(is_acl_id("Vendor2_Module3::A_b_9"));

    CHECK_FALSE(is_acl_id(""));
    CHECK_FALSE(is_acl_id("Magento_Sales"));         // no local part
    CHECK_FALSE(is_acl_id("Magento_Sales::"));       // empty local part
    CHECK_FALSE(is_acl_id("magento_Sales::sales"));  // vendor lowercase
    CHECK_FALSE(is_acl_id("Magento_sales::sales"));  // module lowercase
    CHECK_FALSE(is_acl_id("M_Sales::sales"));        // vendor one character
    CHECK_FALSE(is_acl_id("Magento_S::sales"));      // module one character
    CHECK_FALSE(is_acl_id("MagentoSales::sales"));   // no '_'
    CHECK_FALSE(is_acl_id("Mage_nto_Sales::sales")); // two '_'
    CHECK_FALSE(is_acl_id("Magento_Sales::sales:x"));
    CHECK_FALSE(is_acl_id("Magento_Sales::sales order"));
    CHECK_FALSE(is_acl_id("Magento_Sales::sales-order"));
    CHECK_FALSE(is_acl_id(" Magento_Sales::sales"));
    CHECK_FALSE(is_acl_id("Magento_Sales::sales\n"));
    CHECK_FALSE(is_acl_id("Magento_Sa\xC3\xA9les::sales"));
}

TEST_CASE("is_module_name follows [A-Z]+[A-Za-z0-9]{1,}_[A-Z]+[A-Z0-9a-z]{1,}") {
    CHECK(is_module_name("Magento_Integration"));
    CHECK(is_module_name("AB_CD"));
    CHECK(is_module_name("Vendor1_Module2"));
    CHECK_FALSE(is_module_name(""));
    CHECK_FALSE(is_module_name("Vendor"));
    CHECK_FALSE(is_module_name("A_Module"));
    CHECK_FALSE(is_module_name("Vendor_M"));
    CHECK_FALSE(is_module_name("vendor_Module"));
    CHECK_FALSE(is_module_name("Vendor_module"));
    CHECK_FALSE(is_module_name("Vendor_Mod_ule"));
    CHECK_FALSE(is_module_name("Vendor-Module"));
    CHECK_FALSE(is_module_name("Vendor_Module "));
    CHECK_FALSE(is_module_name("Vendor1/Module1"));
}

TEST_CASE("is_integration_resource_name follows .+_.+::.+") {
    CHECK(is_integration_resource_name("Magento_Sales::sales"));
    CHECK(is_integration_resource_name("a_b::c"));
    CHECK(is_integration_resource_name("x_y::z::w"));
    CHECK(is_integration_resource_name("Magento_Sales:::")); // ".+" after the first "::" is ":"
    CHECK(is_integration_resource_name("a_b_c::d e"));
    CHECK_FALSE(is_integration_resource_name(""));
    CHECK_FALSE(is_integration_resource_name("_b::c"));  // nothing before '_'
    CHECK_FALSE(is_integration_resource_name("ab_::c")); // nothing between '_' and "::"
    CHECK_FALSE(is_integration_resource_name("Magento::sales"));
    CHECK_FALSE(is_integration_resource_name("Magento_Sales::"));
    CHECK_FALSE(is_integration_resource_name("Magento_Sales:sales"));
    CHECK_FALSE(is_integration_resource_name("Magento_Sales::sa\nles")); // '.' excludes line breaks
}

TEST_CASE("is_email follows [^@]+@[^\\.]+\\..+") {
    CHECK(is_email("a@b.c"));
    CHECK(is_email("first.last@mail.example.com"));
    CHECK(is_email("a@b@c.d")); // [^\.]+ accepts '@'
    CHECK(is_email(" a@b.c ")); // xs:string keeps spaces, and the pattern accepts them
    CHECK(is_email("\na@b.c")); // [^@]+ accepts a line break
    CHECK_FALSE(is_email(""));
    CHECK_FALSE(is_email("a.b.c"));
    CHECK_FALSE(is_email("@b.c"));
    CHECK_FALSE(is_email("a@.c"));
    CHECK_FALSE(is_email("a@bc"));
    CHECK_FALSE(is_email("a@b."));
    CHECK_FALSE(is_email("a@b.c\n")); // .+ excludes line breaks
}

TEST_CASE("is_setup_version, is_xsd_boolean, is_xsd_int") {
    CHECK(is_setup_version("2.0.1"));
    CHECK(is_setup_version("."));
    CHECK_FALSE(is_setup_version(""));
    CHECK_FALSE(is_setup_version("1.0.0-dev"));
    CHECK_FALSE(is_setup_version(" 1.0"));

    for (const char* b : {"true", "false", "1", "0", " true "})
        CHECK(is_xsd_boolean(b));
    for (const char* b : {"", "True", "yes", "2", "on"})
        CHECK_FALSE(is_xsd_boolean(b));

    for (const char* i : {"0", "-1", "+5", " 42 ", "2147483647", "-2147483648", "0007"})
        CHECK(is_xsd_int(i));
    for (const char* i :
         {"", "-", "1.5", "1e3", "2147483648", "-2147483649", "99999999999999999999", "ten", "1 2"})
        CHECK_FALSE(is_xsd_int(i));
}

TEST_CASE("schema_kind_for_path and kind names") {
    CHECK(schema_kind_for_path("/m/app/code/Acme/Connector/etc/integration.xml") ==
          SchemaKind::Integration);
    CHECK(schema_kind_for_path("C:\\shop\\Acme\\etc\\integration\\config.xml") ==
          SchemaKind::IntegrationConfig);
    CHECK(schema_kind_for_path("etc/integration/api.xml") == SchemaKind::IntegrationApi);
    CHECK(schema_kind_for_path("/x/etc/acl.xml") == SchemaKind::Acl);
    CHECK(schema_kind_for_path("/x/etc/module.xml") == SchemaKind::Module);
    CHECK(schema_kind_for_path("/x/etc/webapi.xml") == SchemaKind::Webapi);
    CHECK(schema_kind_for_path("/x/etc/adminhtml/menu.xml") == SchemaKind::Menu);
    CHECK(schema_kind_for_path("/x/etc/adminhtml/system.xml") == SchemaKind::System);
    CHECK_FALSE(schema_kind_for_path("/x/etc/config.xml"));
    CHECK_FALSE(schema_kind_for_path("/x/myetc/acl.xml"));
    CHECK_FALSE(schema_kind_for_path("/x/etc/di.xml"));
    CHECK_FALSE(schema_kind_for_path(""));

    CHECK(schema_kind_name(SchemaKind::IntegrationConfig) == "integration-config");
    CHECK(schema_root_element(SchemaKind::IntegrationApi) == "integrations");
    CHECK(schema_root_element(SchemaKind::Webapi) == "routes");
    CHECK(schema_root_element(SchemaKind::Acl) == "config");
}
