// validate_schema for etc/integration.xml and the legacy etc/integration/{config,api}.xml.
#include "schema_test_support.hpp"

using namespace mil;
using namespace mil::test;

namespace {

const SchemaKind I = SchemaKind::Integration;
const SchemaKind C = SchemaKind::IntegrationConfig;
const SchemaKind A = SchemaKind::IntegrationApi;

// An integration.xml with `body` inside <integration name="Acme">.
std::string integration(const std::string& body) {
    return "<?xml version=\"1.0\"?>\n"
           "<config xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xsi:noNamespaceSchemaLocation=\"urn:magento:module:Magento_Integration:etc/"
           "integration/integration.xsd\">\n"
           "  <integration name=\"Acme\">" +
           body +
           "</integration>\n"
           "</config>\n";
}

std::string legacy(const std::string& integration_tag, const std::string& body) {
    return "<integrations>\n  " + integration_tag + body + "</integration>\n</integrations>\n";
}

} // namespace

TEST_CASE("integration.xml: a complete valid file has no schema diagnostics") {
    expect_clean(I, integration("<email>dev@acme.example</email>"
                                "<endpoint_url>https://acme.example/endpoint</endpoint_url>"
                                "<identity_link_url>https://acme.example/login</identity_link_url>"
                                "<resources><resource name=\"Magento_Sales::sales\"/>"
                                "<resource name=\"Magento_Sales::sales_order\"></resource>"
                                "</resources>"));
}

TEST_CASE("integration.xml: children in any order; each optional in a single file") {
    expect_clean(I, integration("<resources><resource name=\"Magento_Sales::sales\"/></resources>"
                                "<identity_link_url>https://a.example</identity_link_url>"
                                "<email>dev@acme.example</email>"));
    expect_clean(I, integration(""));
    expect_clean(I, "<config><integration name=\"Acme\"/></config>");
}

TEST_CASE("integration.xml: wrong root element") {
    expect_one(I, "<integrations><integration name=\"Acme\"/></integrations>", "integrations", 1,
               {"Root element 'integrations'", "expected 'config'", "legacy"});
    expect_one(C, "<config><integration name=\"Acme\"><email>a@b.cd</email></integration></config>",
               "config", 1, {"expected 'integrations'"});
    expect_one(I, "<routes/>", "routes", 1, {"expected 'config'"});
}

TEST_CASE("integration.xml: the root needs at least one integration") {
    expect_one(I, "<config>\n</config>", "config", 1,
               {"'config' is missing the required child element 'integration'"});
}

TEST_CASE("integration.xml: unknown element inside integration") {
    const auto text = integration("<email>dev@acme.example</email><emial>x</emial>");
    expect_one(I, text, "emial", 1,
               {"Element 'emial' is not allowed here", "endpoint_url", "identity_link_url",
                "resources", "developer mode"});
    // The element already present at its maximum is not offered again.
    const auto ds = schema_diagnostics(I, text);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].message.find("email,") == std::string::npos);
}

TEST_CASE("integration.xml: an unknown element is reported once, not its subtree") {
    expect_one(I, integration("<extra><deeper><deepest a=\"1\"/></deeper></extra>"), "extra", 1,
               {"not allowed"});
}

TEST_CASE("integration.xml: element that may appear once appears twice") {
    expect_one(I, integration("<email>a@acme.example</email><email>b@acme.example</email>"),
               "email", 3, {"'email' may appear only once in 'integration'"});
    expect_one(I,
               integration("<resources><resource name=\"A_B::c\"/></resources>"
                           "<resources><resource name=\"A_B::d\"/></resources>"),
               "resources", 3, {"only once"});
}

TEST_CASE("integration.xml: unknown attribute; xmlns and xsi attributes are allowed") {
    expect_one(I, "<config><integration name=\"Acme\" label=\"x\"/></config>", "label", 1,
               {"Attribute 'label' is not allowed on 'integration'", "allowed: name"});
    expect_clean(I, "<config xmlns=\"\" xmlns:foo=\"urn:x\" "
                    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                    "<integration name=\"Acme\" xsi:type=\"x\"/></config>");
}

TEST_CASE("integration.xml: integration name is required and at least 2 characters") {
    expect_one(I, "<config><integration><email>a@b.cd</email></integration></config>",
               "integration", 1, {"missing the required attribute 'name'"});
    expect_one(I, "<config><integration name=\"A\"/></config>", "A", 1,
               {"'A'", "attribute 'name'", "at least 2 characters"});
    expect_clean(I, "<config><integration name=\"AB\"/></config>");
    // Characters, not bytes: two non-ASCII characters are enough.
    expect_clean(I, "<config><integration name=\"\xC3\xA9\xC3\xA9\"/></config>");
    // An empty value is shown on the whole attribute.
    expect_one(I, "<config><integration name=\"\"/></config>", "name=\"\"", 1,
               {"attribute 'name'"});
}

TEST_CASE("integration.xml: integration name declared twice in one file") {
    const std::string text = "<config>\n"
                             "  <integration name=\"Acme\"/>\n"
                             "  <integration name=\"Other\"/>\n"
                             "  <integration name=\"Acme\"/>\n"
                             "</config>\n";
    expect_one(I, text, "Acme", 2, {"Integration 'Acme'", "line 2"});
    expect_clean(I, "<config><integration name=\"Acme\"/><integration name=\"acme\"/></config>");
}

TEST_CASE("integration.xml: email pattern") {
    expect_clean(I, integration("<email>a@b.c</email>"));
    expect_clean(I, integration("<email>first.last+tag@mail.example.com</email>"));
    // Leading whitespace is absorbed by [^@]+.
    expect_clean(I, integration("<email>\n    dev@acme.example</email>"));
    expect_one(I, integration("<email>dev.acme.example</email>"), "dev.acme.example", 1,
               {"'email'", "no '@'"});
    expect_one(I, integration("<email>@acme.example</email>"), "@acme.example", 1,
               {"before the '@'"});
    expect_one(I, integration("<email>dev@localhost</email>"), "dev@localhost", 1,
               {"no '.' after the '@'"});
    expect_one(I, integration("<email>dev@.example</email>"), "dev@.example", 1,
               {"directly follows"});
    expect_one(I, integration("<email>dev@acme.</email>"), "dev@acme.", 1, {"nothing follows"});
    // xs:string keeps whitespace: a line break before </email> breaks `\..+`.
    expect_one(I, integration("<email>dev@acme.example\n    </email>"), "dev@acme.example", 1,
               {"line break"});
    expect_one(I, integration("<email/>"), "email", 1, {"'email' is empty"});
    const auto empty = schema_diagnostics(I, integration("<email></email>"));
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].message.find("'@'") == std::string::npos); // no reason beyond "empty"
}

TEST_CASE("integration.xml: URLs need at least 4 characters") {
    expect_clean(I, integration("<endpoint_url>a:bc</endpoint_url>"));
    expect_one(I, integration("<endpoint_url>a:b</endpoint_url>"), "a:b", 1,
               {"'endpoint_url'", "shorter than 4"});
    expect_one(I, integration("<identity_link_url></identity_link_url>"), "identity_link_url", 1,
               {"'identity_link_url' is empty"});
}

TEST_CASE("integration.xml: text-only elements take no child elements") {
    expect_one(I, integration("<email><bold>a@b.cd</bold></email>"), "bold", 1,
               {"Element 'bold' is not allowed here", "'email' holds text only"});
}

TEST_CASE("integration.xml: element-only content takes no text") {
    expect_one(I, integration("stray words<email>a@b.cd</email>"), "stray words", 1,
               {"'integration' cannot contain text"});
    expect_one(I, integration("<resources>oops<resource name=\"A_B::c\"/></resources>"), "oops", 1,
               {"'resources' cannot contain text"});
    // Comments, processing instructions and blank CDATA are not text.
    expect_clean(I, integration("<!-- note <x> --><?pi data?><![CDATA[  ]]><email>a@b.cd</email>"));
    expect_one(I, integration("<![CDATA[data]]><email>a@b.cd</email>"), "<![CDATA[data]]>", 1,
               {"cannot contain text"});
}

TEST_CASE("integration.xml: a resource directly in integration is pointed to <resources>") {
    expect_one(I, integration("<resource name=\"Magento_Sales::sales\"/>"), "resource", 1,
               {"'resource' is not allowed here", "belongs inside <resources>"});
}

TEST_CASE("integration.xml: resources needs at least one resource") {
    expect_one(I, integration("<resources>\n</resources>"), "resources", 1,
               {"'resources' is missing the required child element 'resource'"});
}

TEST_CASE("integration.xml: resource name is required and shaped like Vendor_Module::id") {
    expect_one(I, integration("<resources><resource/></resources>"), "resource", 2,
               {"'resource' is missing the required attribute 'name'"});
    expect_clean(I, integration("<resources><resource name=\"a_b::c\"/>"
                                "<resource name=\"Magento_Sales::sales\">ignored text</resource>"
                                "</resources>"));
    expect_one(I, integration("<resources><resource name=\"Magento::sales\"/></resources>"),
               "Magento::sales", 1, {"'Magento::sales'", "'_'"});
    expect_one(I, integration("<resources><resource name=\"Magento_Sales:sales\"/></resources>"),
               "Magento_Sales:sales", 1, {"'::'"});
    expect_one(I, integration("<resources><resource name=\"Magento_Sales::\"/></resources>"),
               "Magento_Sales::", 1, {"'::'"});
}

TEST_CASE("integration.xml: file without root or with junk does not produce schema noise") {
    CHECK(schema_diagnostics(I, "").empty());
    CHECK(schema_diagnostics(I, "just text, no XML").empty());
    std::string junk;
    for (int i = 0; i < 4096; ++i)
        junk += static_cast<char>((i * 131 + 7) % 256);
    const auto ds = schema_diagnostics(I, junk); // must not crash; ranges inside the text
    for (const auto& d : ds) {
        CHECK(d.range.begin <= d.range.end);
        CHECK(d.range.end <= junk.size());
        CHECK(valid_utf8(d.message));
    }
}

TEST_CASE("integration.xml: messages quote invalid UTF-8 safely") {
    const std::string text = "<config><integration name=\"\xFF\"/></config>";
    const auto ds = schema_diagnostics(I, text);
    for (const auto& d : ds)
        CHECK(valid_utf8(d.message));
}

// ------------------------------------------------------------------ legacy config.xml

TEST_CASE("legacy config.xml: valid file") {
    expect_clean(C, legacy("<integration name=\"Acme\">",
                           "<email>dev@acme.example</email>"
                           "<endpoint_url>https://acme.example/e</endpoint_url>"
                           "<identity_link_url>https://acme.example/l</identity_link_url>"));
    expect_clean(C, legacy("<integration name=\"Acme\">", "<email>dev@acme.example</email>"));
}

TEST_CASE("legacy config.xml: children must follow the order email, endpoint_url, "
          "identity_link_url") {
    expect_one(C,
               legacy("<integration name=\"Acme\">",
                      "<endpoint_url>https://a.example</endpoint_url><email>a@b.cd</email>"),
               "email", 1, {"'email' is out of order", "email, endpoint_url, identity_link_url"});
    expect_one(C,
               legacy("<integration name=\"Acme\">",
                      "<email>a@b.cd</email><identity_link_url>https://a.example</"
                      "identity_link_url><endpoint_url>https://a.example</endpoint_url>"),
               "endpoint_url", 1, {"'endpoint_url' is out of order"});
}

TEST_CASE("legacy config.xml: email is required") {
    expect_one(C, legacy("<integration name=\"Acme\">", ""), "integration", 2,
               {"missing the required child element 'email'"});
    expect_one(
        C, legacy("<integration name=\"Acme\">", "<endpoint_url>https://a.example</endpoint_url>"),
        "integration", 2, {"'email'", "expected before 'endpoint_url'"});
}

TEST_CASE("legacy config.xml: unknown element lists what may still follow") {
    expect_one(C,
               legacy("<integration name=\"Acme\">",
                      "<email>a@b.cd</email><resources><resource name=\"A_B::c\"/></resources>"),
               "resources", 1,
               {"Element 'resources' is not allowed here; expected one of: endpoint_url, "
                "identity_link_url."});
    expect_one(C,
               legacy("<integration name=\"Acme\">",
                      "<email>a@b.cd</email><identity_link_url>https://a.example</"
                      "identity_link_url><zzz/>"),
               "zzz", 1, {"'integration' expects no further child elements"});
}

TEST_CASE("legacy config.xml: too many") {
    expect_one(C,
               legacy("<integration name=\"Acme\">",
                      "<email>a@b.cd</email><endpoint_url>https://a.example</endpoint_url>"
                      "<endpoint_url>https://b.example</endpoint_url>"),
               "endpoint_url", 3, {"'endpoint_url' may appear only once"});
}

TEST_CASE("legacy config.xml: values and names") {
    expect_one(C, legacy("<integration name=\"Acme\">", "<email>not-an-email</email>"),
               "not-an-email", 1, {"'email'"});
    expect_one(C, legacy("<integration>", "<email>a@b.cd</email>"), "integration", 2,
               {"required attribute 'name'"});
    expect_one(C,
               "<integrations><integration name=\"Acme\"><email>a@b.cd</email></integration>"
               "<integration name=\"Acme\"><email>a@b.cd</email></integration></integrations>",
               "Acme", 2, {"already declared"});
    expect_one(C, "<integrations/>", "integrations", 1, {"'integration'"});
}

// ------------------------------------------------------------------ legacy api.xml

TEST_CASE("legacy api.xml: valid file") {
    expect_clean(A, legacy("<integration name=\"Acme\">",
                           "<resources><resource name=\"Magento_Sales::sales\"/>"
                           "<resource name=\"Magento_Sales::sales_order\"/></resources>"));
}

TEST_CASE("legacy api.xml: exactly one resources with at least one resource") {
    expect_one(A, legacy("<integration name=\"Acme\">", ""), "integration", 2,
               {"missing the required child element 'resources'"});
    expect_one(A,
               legacy("<integration name=\"Acme\">",
                      "<resources><resource name=\"A_B::c\"/></resources>"
                      "<resources><resource name=\"A_B::d\"/></resources>"),
               "resources", 3, {"only once"});
    expect_one(A, legacy("<integration name=\"Acme\">", "<resources/>"), "resources", 1,
               {"'resource'"});
    expect_one(A,
               legacy("<integration name=\"Acme\">",
                      "<resources><resource name=\"A_B::c\"/></resources><email>a@b.cd</email>"),
               "email", 1, {"not allowed", "no further"});
    // Before resources, the unknown element and the missing resources are both reported.
    const auto text = legacy("<integration name=\"Acme\">", "<email>a@b.cd</email>");
    const auto ds = schema_diagnostics(A, text);
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].message.find("expected resources") != std::string::npos);
}

TEST_CASE("legacy api.xml: resource names") {
    expect_one(
        A,
        legacy("<integration name=\"Acme\">", "<resources><resource name=\"Sales\"/></resources>"),
        "Sales", 1, {"'name'"});
    expect_one(A, legacy("<integration name=\"Acme\">", "<resources><resource/></resources>"),
               "resource", 2, {"required attribute 'name'"});
    // api.xsd declares no uniqueness of resource names (duplicate-resource is another rule).
    expect_clean(A, legacy("<integration name=\"Acme\">",
                           "<resources><resource name=\"A_B::c\"/><resource name=\"A_B::c\"/>"
                           "</resources>"));
}
