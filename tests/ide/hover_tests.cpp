// Hover in integration files: element and attribute docs from the schema, and ACL resource
// names with their title, breadcrumb, module and file.
#include "cursor.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

const char* kIntegration = R"(<?xml version="1.0"?>
<config>
    <integration name="AcmeConnector">
        <email>dev@acme.example</email>
        <endpoint_url>https://acme.example/endpoint</endpoint_url>
        <identity_link_url>https://acme.example/login</identity_link_url>
        <resources>
            <resource name="Magento_Sales::sales_order"/>
        </resources>
    </integration>
</config>
)";

struct Hovered {
    std::string text;
    std::optional<HoverResult> hover;
};

// Hover with the cursor just after the first occurrence of `before` in `text`.
Hovered hover_after(const std::string& path, const std::string& text, std::string_view before,
                    std::shared_ptr<const Snapshot> snap = core_snapshot()) {
    auto pos = text.find(before);
    REQUIRE(pos != std::string::npos);
    Engine engine(std::move(snap));
    engine.open(path, text);
    return {text, engine.hover(path, static_cast<Offset>(pos + before.size()))};
}

} // namespace

TEST_CASE("hover shows the docs of integration.xml elements on their names") {
    struct Case {
        const char* before; // the cursor goes right after this
        const char* expected_range;
        const char* doc;
    };
    const Case cases[] = {
        {"<integ", "integration", "One integration"},
        {"<email", "email", "Contact address of the integration's owner"},
        {"<endpoint_u", "endpoint_url", "receives the OAuth consumer credentials"},
        {"<identity_", "identity_link_url", "Page Magento opens for the admin"},
        {"<resources", "resources", "The ACL resources the integration is allowed to use"},
        {"<resou", "resources", "The ACL resources"},
        {"            <r", "resource", "One ACL resource granted to the integration"},
        // End tags show the same docs.
        {"</ema", "email", "Contact address"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.before);
        auto h = hover_after(kAcmeIntegration, kIntegration, c.before);
        REQUIRE(h.hover);
        CHECK(contains(h.hover->markdown, c.doc));
        CHECK(slice(h.text, h.hover->range) == c.expected_range);
    }
}

TEST_CASE("hover shows the docs of attributes on their names") {
    auto name = hover_after(kAcmeIntegration, kIntegration, "<integration na");
    REQUIRE(name.hover);
    CHECK(contains(name.hover->markdown, "Name of the integration as the admin sees it"));
    CHECK(slice(name.text, name.hover->range) == "name");

    auto res = hover_after(kAcmeIntegration, kIntegration, "<resource n");
    REQUIRE(res.hover);
    CHECK(contains(res.hover->markdown, "ACL resource id to grant"));
    CHECK(slice(res.text, res.hover->range) == "name");
}

TEST_CASE("hover on a resource name shows title, breadcrumb, module and file") {
    auto h = hover_after(kAcmeIntegration, kIntegration, "Magento_Sales::sales_");
    REQUIRE(h.hover);
    const std::string& md = h.hover->markdown;
    CHECK(contains(md, "Orders"));
    CHECK(contains(md, "`Magento_Sales::sales_order`"));
    CHECK(contains(md, "Magento Admin \u203a Sales \u203a Operations \u203a Orders"));
    CHECK(contains(md, "Magento_Sales"));
    CHECK(contains(md, "app/code/Magento/Sales/etc/acl.xml"));
    CHECK_FALSE(contains(md, kRoot + std::string("/app"))); // shown relative to the root
    CHECK(slice(h.text, h.hover->range) == "Magento_Sales::sales_order");

    // At both ends of the value too.
    CHECK(hover_after(kAcmeIntegration, kIntegration, "<resource name=\"").hover);
    CHECK(hover_after(kAcmeIntegration, kIntegration, "Magento_Sales::sales_order").hover);
}

TEST_CASE("hover on a resource name in a legacy api.xml") {
    const std::string api = "<integrations>\n  <integration name=\"Acme\">\n    <resources>\n"
                            "      <resource name=\"Magento_Customer::online\"/>\n"
                            "    </resources>\n  </integration>\n</integrations>\n";
    auto h = hover_after(kAcmeApi, api, "Magento_Customer::on");
    REQUIRE(h.hover);
    CHECK(contains(h.hover->markdown, "Now Online"));
    CHECK(contains(h.hover->markdown, "Magento Admin \u203a Customers \u203a Now Online"));
    CHECK(slice(h.text, h.hover->range) == "Magento_Customer::online");

    auto doc = hover_after(kAcmeApi, api, "<integr");
    REQUIRE(doc.hover);
    CHECK(slice(doc.text, doc.hover->range) == "integrations");
}

TEST_CASE("no hover on an unknown resource name or on plain text") {
    const std::string text =
        "<config><integration name=\"x\"><resources>"
        "<resource name=\"Magento_Log::online\"/></resources></integration></config>";
    CHECK_FALSE(hover_after(kAcmeIntegration, text, "Magento_Log::").hover);
    CHECK_FALSE(hover_after(kAcmeIntegration, kIntegration, "<email>dev@").hover);
}

TEST_CASE("hover on a resource known only from the catalogue says so") {
    std::vector<CatalogEntry> catalog = {
        {"Magento_Backend::admin", "Magento Admin", "", "Magento_Backend", 10},
        {"Magento_Sales::sales", "Sales", "Magento_Backend::admin", "Magento_Sales", 20},
    };
    const std::string text =
        "<config><integration name=\"x\"><resources>"
        "<resource name=\"Magento_Sales::sales\"/></resources></integration></config>";
    auto snap = snapshot_of({{kAcmeIntegration, text}}, &catalog);
    REQUIRE(snap->uses_catalog);
    const AclNode* n = snap->acl.find("Magento_Sales::sales");
    REQUIRE(n);
    CHECK(n->from_catalog);
    Engine engine(snap); // nothing open: the snapshot as built
    auto h = engine.hover(kAcmeIntegration, static_cast<Offset>(text.find("Sales::")));
    REQUIRE(h);
    const std::string& md = h->markdown;
    CHECK(contains(md, "Magento Admin \u203a Sales"));
    CHECK(contains(md, "catalogue"));
}
