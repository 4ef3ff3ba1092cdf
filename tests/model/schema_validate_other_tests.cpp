// validate_schema for acl.xml, module.xml, webapi.xml; menu.xml and system.xml are not validated.
#include "schema_test_support.hpp"

using namespace mil;
using namespace mil::test;

namespace {

const SchemaKind Acl = SchemaKind::Acl;
const SchemaKind Mod = SchemaKind::Module;
const SchemaKind Web = SchemaKind::Webapi;

std::string acl(const std::string& resources) {
    return "<?xml version=\"1.0\"?>\n<config xmlns:xsi=\"http://www.w3.org/2001/"
           "XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"urn:magento:framework:Acl/etc/"
           "acl.xsd\">\n  <acl>\n    <resources>\n" +
           resources + "\n    </resources>\n  </acl>\n</config>\n";
}

std::string module(const std::string& inside) {
    return "<config>\n  " + inside + "\n</config>\n";
}

std::string route(const std::string& attrs, const std::string& body) {
    return "<routes>\n  <route " + attrs + ">" + body + "</route>\n</routes>\n";
}

const std::string kService = "<service class=\"Acme\\Api\\Foo\" method=\"get\"/>";
const std::string kResources = "<resources><resource ref=\"Acme_Connector::foo\"/></resources>";

} // namespace

// ------------------------------------------------------------------ acl.xml

TEST_CASE("acl.xml: a nested tree with every attribute is valid") {
    expect_clean(Acl,
                 acl("<resource id=\"Magento_Backend::admin\">"
                     "<resource id=\"Acme_Connector::top\" title=\"Acme\" translate=\"title\" "
                     "sortOrder=\"-10\" disabled=\"false\">"
                     "<resource id=\"Acme_Connector::child_1\" title=\"Child\" disabled=\"1\"/>"
                     "</resource></resource>"));
    expect_clean(Acl, acl(""));
}

TEST_CASE("acl.xml: structure") {
    expect_one(Acl, "<config/>", "config", 1, {"required child element 'acl'"});
    expect_one(Acl, "<config><acl/></config>", "acl", 1, {"required child element 'resources'"});
    expect_one(Acl, "<config><acl><resources/><resource id=\"A_B::c\"/></acl></config>", "resource",
               2, {"Element 'resource' is not allowed here", "no further"});
    {
        // Before <resources>, the unknown element is reported with what is expected instead,
        // and the missing <resources> on <acl>.
        const std::string text = "<config><acl><resource id=\"A_B::c\"/></acl></config>";
        const auto ds = schema_diagnostics(Acl, text);
        REQUIRE(ds.size() == 2);
        CHECK(slice(text, ds[0].range) == "resource");
        CHECK(ds[0].message.find("expected resources") != std::string::npos);
        CHECK(slice(text, ds[1].range) == "acl");
    }
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\"><title>x</title></resource>"), "title", 1,
               {"'title' is not allowed here"});
    expect_one(Acl, "<config><acl><resources/></acl><acl><resources/></acl></config>", "acl", 3,
               {"only once"});
    expect_one(Acl, "<acl><resources/></acl>", "acl", 1, {"expected 'config'"});
}

TEST_CASE("acl.xml: id is required and follows the ACL id pattern") {
    expect_one(Acl, acl("<resource title=\"Orders\"/>"), "resource", 2,
               {"missing the required attribute 'id'"});
    expect_one(Acl, acl("<resource id=\"Magento_sales::sales\"/>"), "Magento_sales::sales", 1,
               {"'id'", "module part must start with an uppercase letter"});
    expect_one(Acl, acl("<resource id=\"Magento_Sales::sales-order\"/>"),
               "Magento_Sales::sales-order", 1, {"found '-'"});
    expect_one(Acl, acl("<resource id=\"Sales::order\"/>"), "Sales::order", 1, {"'_'"});
    // The ACL id pattern is stricter than an integration resource name.
    expect_one(Acl, acl("<resource id=\"a_b::c\"/>"), "a_b::c", 1, {"uppercase"});
}

TEST_CASE("acl.xml: title length 3..50 characters") {
    expect_clean(Acl, acl("<resource id=\"Ab_Cd::e\" title=\"abc\"/>"));
    expect_clean(Acl, acl("<resource id=\"Ab_Cd::e\" title=\"" + std::string(50, 'x') + "\"/>"));
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\" title=\"ab\"/>"), "ab", 1,
               {"'title'", "shorter than 3"});
    const std::string long_title(51, 'y');
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\" title=\"" + long_title + "\"/>"), long_title, 1,
               {"longer than 50"});
    // 50 two-byte characters are 50 characters, not 100.
    std::string accents;
    for (int i = 0; i < 50; ++i)
        accents += "\xC3\xA9";
    expect_clean(Acl, acl("<resource id=\"Ab_Cd::e\" title=\"" + accents + "\"/>"));
}

TEST_CASE("acl.xml: sortOrder is an xs:int, disabled an xs:boolean") {
    expect_clean(Acl,
                 acl("<resource id=\"Ab_Cd::e\" sortOrder=\" 2147483647 \" disabled=\"true\"/>"));
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\" sortOrder=\"ten\"/>"), "ten", 1,
               {"'sortOrder'", "whole number"});
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\" sortOrder=\"2147483648\"/>"), "2147483648", 1,
               {"out of range"});
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\" disabled=\"yes\"/>"), "yes", 1,
               {"'disabled'", "true, false, 1, 0"});
}

TEST_CASE("acl.xml: unknown attribute and text") {
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\" label=\"Foo\"/>"), "label", 1,
               {"Attribute 'label' is not allowed on 'resource'",
                "id, title, translate, sortOrder, disabled"});
    expect_one(Acl, acl("<resource id=\"Ab_Cd::e\">text</resource>"), "text", 1,
               {"cannot contain text"});
}

TEST_CASE("acl.xml: duplicate ids are left to acl-duplicate-id") {
    expect_clean(Acl, acl("<resource id=\"Ab_Cd::e\"/><resource id=\"Ab_Cd::e\"/>"));
}

TEST_CASE("acl.xml: deep nesting is validated without recursion") {
    const int depth = 20000;
    std::string inner;
    inner.reserve(static_cast<std::size_t>(depth) * 60);
    for (int i = 0; i < depth; ++i)
        inner += "<resource id=\"Ab_Cd::r" + std::to_string(i) + "\">";
    inner += "<resource id=\"bad\"/>";
    for (int i = 0; i < depth; ++i)
        inner += "</resource>";
    const std::string text = acl(inner);
    const auto ds = schema_diagnostics(Acl, text);
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "bad");
}

// ------------------------------------------------------------------ module.xml

TEST_CASE("module.xml: valid declarations") {
    expect_clean(Mod, module("<module name=\"Acme_Connector\" setup_version=\"2.0.1\">"
                             "<sequence><module name=\"Magento_Integration\"/>"
                             "<module name=\"Magento_Sales\"/></sequence></module>"));
    expect_clean(Mod, module("<module name=\"Acme_Connector\"/>"));
    expect_clean(Mod, module("<module name=\"Acme_Connector\"><sequence/></module>"));
}

TEST_CASE("module.xml: name") {
    expect_one(Mod, module("<module/>"), "module", 1, {"required attribute 'name'"});
    expect_one(Mod, module("<module name=\"acme_Connector\"/>"), "acme_Connector", 1,
               {"vendor part must start with an uppercase letter"});
    expect_one(Mod, module("<module name=\"Acme_C\"/>"), "Acme_C", 1, {"at least 2 characters"});
    expect_one(Mod, module("<module name=\"Acme_Con_nector\"/>"), "Acme_Con_nector", 1,
               {"only one '_'"});
    expect_one(Mod, module("<module name=\"AcmeConnector\"/>"), "AcmeConnector", 1,
               {"needs a '_'"});
}

TEST_CASE("module.xml: setup_version") {
    expect_one(Mod, module("<module name=\"Acme_Connector\" setup_version=\"1.0.0-beta\"/>"),
               "1.0.0-beta", 1, {"'setup_version'", "only digits and '.'"});
}

TEST_CASE("module.xml: sequence") {
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"><sequence><module/></sequence></module>"),
               "module", 2, {"required attribute 'name'"});
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"><sequence><module name=\"magento\"/>"
                      "</sequence></module>"),
               "magento", 1, {"'name'"});
    expect_one(Mod, module("<module name=\"Acme_Connector\"><sequence/><sequence/></module>"),
               "sequence", 2, {"only once"});
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"><sequence><after name=\"Ab_Cd\"/>"
                      "</sequence></module>"),
               "after", 1, {"not allowed", "expected module"});
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"><sequence><module name=\"Ab_Cd\">x"
                      "</module></sequence></module>"),
               "x", 1, {"cannot contain text"});
}

TEST_CASE("module.xml: an element one level too high or too low is pointed to its place") {
    expect_one(Mod,
               module("<module name=\"Acme_Connector\">\n    <module name=\"Magento_Sales\"/>\n"
                      "  </module>"),
               "module", 2, {"not allowed", "expected sequence", "belongs inside <sequence>"});
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"/>\n  <sequence><module "
                      "name=\"Magento_Sales\"/></sequence>"),
               "sequence", 1, {"not allowed", "belongs inside <module>"});
}

TEST_CASE("module.xml: unique module names and unique dependencies") {
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"/>\n  <module name=\"Acme_Connector\"/>"),
               "Acme_Connector", 2, {"already declared on line 2"});
    expect_one(Mod,
               module("<module name=\"Acme_Connector\"><sequence><module name=\"Ab_Cd\"/>"
                      "<module name=\"Ab_Cd\"/></sequence></module>"),
               "Ab_Cd", 2, {"'Ab_Cd'", "only once in <sequence>"});
    expect_clean(Mod, module("<module name=\"Acme_Connector\"><sequence><module name=\"Ab_Cd\"/>"
                             "</sequence></module>\n  <module name=\"Acme_Other\"><sequence>"
                             "<module name=\"Ab_Cd\"/></sequence></module>"));
}

TEST_CASE("module.xml: messages do not claim a developer-mode check") {
    const auto ds = schema_diagnostics(Mod, module("<module name=\"x\"/>"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].message.find("developer mode") == std::string::npos);
}

// ------------------------------------------------------------------ webapi.xml

TEST_CASE("webapi.xml: valid routes") {
    expect_clean(Web,
                 route("url=\"/V1/acme/:id\" method=\"GET\" secure=\"true\" soapOperation=\"x\"",
                       kService + kResources +
                           "<data input-array-size-limit=\"10\"><parameter name=\"id\" "
                           "force=\"true\">%customer_id%</parameter></data>"));
    expect_clean(Web, route("url=\"/V1/acme\" method=\"DELETE\"", ""));
    expect_clean(Web, "<routes/>");
    expect_clean(Web, route("url=\"/V1/acme\" method=\"POST\"",
                            "<resources><resource ref=\"self\"/>"
                            "<resource ref=\"Ab_Cd::e, Ab_Cd::f\"/></resources>"));
}

TEST_CASE("webapi.xml: route attributes") {
    expect_one(Web, route("url=\"/V1/acme\" method=\"PATCH\"", kService), "PATCH", 1,
               {"'method'", "GET", "DELETE"});
    expect_one(Web, route("method=\"GET\"", kService), "route", 2, {"required attribute 'url'"});
    expect_one(Web, route("url=\"/V1/acme\" method=\"GET\" secure=\"yes\"", ""), "yes", 1,
               {"'secure'"});
}

TEST_CASE("webapi.xml: route children come in the order service, resources, data") {
    expect_one(Web, route("url=\"/V1/acme\" method=\"GET\"", kResources + kService), "service", 1,
               {"out of order", "service, resources, data"});
    expect_one(Web, route("url=\"/V1/acme\" method=\"GET\"", kService + kService), "service", 2,
               {"only once"});
}

TEST_CASE("webapi.xml: resources and data") {
    expect_one(Web, route("url=\"/V1/acme\" method=\"GET\"", kService + "<resources/>"),
               "resources", 1, {"'resource'"});
    expect_one(Web,
               route("url=\"/V1/acme\" method=\"GET\"",
                     kService + "<resources><resource ref=\"\"/></resources>"),
               "ref=\"\"", 1, {"'ref'", "empty"});
    expect_one(Web,
               route("url=\"/V1/acme\" method=\"GET\"", "<data input-array-size-limit=\"-1\"/>"),
               "-1", 1, {"'input-array-size-limit'"});
    expect_one(Web,
               route("url=\"/V1/acme\" method=\"GET\"", "<data><parameter>v</parameter></data>"),
               "parameter", 1, {"required attribute 'name'"});
}

// ------------------------------------------------------------------ menu / system

TEST_CASE("menu.xml and system.xml are not validated") {
    CHECK(schema_diagnostics(SchemaKind::Menu, "<config><menu><whatever x=\"1\"/></menu></config>")
              .empty());
    CHECK(schema_diagnostics(SchemaKind::Menu, "<routes/>").empty());
    CHECK(schema_diagnostics(SchemaKind::System, "<config><system><section><junk/></section>"
                                                 "</system></config>")
              .empty());
}
