// Completion in integration files: ACL resource names (filtering, the replaced range,
// half-typed files, what the items say, parent insertion) and schema elements/attributes.
#include "cursor.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

// An integration.xml whose <resources> holds `body` (lines indented by 12 spaces).
std::string completion_integration_xml(std::string_view body) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"AcmeConnector\">\n"
           "        <email>dev@acme.example</email>\n        <resources>\n" +
           std::string(body) + "        </resources>\n    </integration>\n</config>\n";
}

struct Completion {
    std::string text;
    CompletionResult result;
};

Completion complete_at(const std::string& path, std::string_view marked,
                       bool insert_parents = true) {
    auto c = cursor(marked);
    Engine engine(core_snapshot());
    engine.settings().insert_parents = insert_parents;
    engine.open(path, c.text);
    return {c.text, engine.complete(path, c.offset)};
}

bool all_start_with(const CompletionResult& r, std::string_view prefix) {
    for (const auto& it : r.items)
        if (it.label.rfind(prefix, 0) != 0) return false;
    return true;
}

} // namespace

TEST_CASE("resource completion: what is typed filters by id") {
    auto r =
        complete_at(kAcmeIntegration,
                    completion_integration_xml("            <resource name=\"Magento_Sa|\"/>\n"));
    REQUIRE_FALSE(r.result.items.empty());
    CHECK(all_start_with(r.result, "Magento_Sales::"));
    CHECK(find_item(r.result, "Magento_Sales::sales_order"));
    CHECK(find_item(r.result, "Magento_Sales::actions_view"));
    CHECK_FALSE(find_item(r.result, "Magento_Customer::online"));
    CHECK_FALSE(find_item(r.result, "Magento_Backend::admin"));

    // Any part of the id, case-insensitively.
    auto mid = complete_at(
        kAcmeIntegration, completion_integration_xml("            <resource name=\"INVENT|\"/>\n"));
    CHECK(labels(mid.result) == std::vector<std::string>{"Magento_Catalog::catalog_inventory"});
}

TEST_CASE("resource completion: what is typed filters by title") {
    auto r = complete_at(kAcmeIntegration,
                         completion_integration_xml("            <resource name=\"now onl|\"/>\n"));
    CHECK(labels(r.result) == std::vector<std::string>{"Magento_Customer::online"});

    auto orders = complete_at(
        kAcmeIntegration, completion_integration_xml("            <resource name=\"Orders|\"/>\n"));
    CHECK(labels(orders.result) == std::vector<std::string>{"Magento_Sales::sales_order"});
}

TEST_CASE("resource completion: items come in tree order, and sort texts keep it") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Customer|\"/>\n"));
    REQUIRE(r.result.items.size() == 3);
    CHECK(r.result.items[0].label == "Magento_Customer::customer");
    CHECK(r.result.items[1].label == "Magento_Customer::manage");
    CHECK(r.result.items[2].label == "Magento_Customer::online");
    CHECK(r.result.items[0].sort_text < r.result.items[1].sort_text);
    CHECK(r.result.items[1].sort_text < r.result.items[2].sort_text);
}

TEST_CASE("resource completion: an empty value offers the whole tree") {
    auto r = complete_at(kAcmeIntegration,
                         completion_integration_xml("            <resource name=\"|\"/>\n"));
    // 2 Backend + 6 Sales + 3 Customer + 4 Catalog ids.
    CHECK(r.result.items.size() == 15);
    CHECK(r.result.items.front().label == "Magento_Backend::admin");
}

TEST_CASE("resource completion: the edit replaces the whole value, text after the cursor too") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sa|les::sale_ordr\"/>\n"));
    const CompletionItem* item = find_item(r.result, "Magento_Sales::sales_order");
    REQUIRE(item);
    CHECK(slice(r.text, item->edit.range) == "Magento_Sales::sale_ordr");
    CHECK(item->edit.new_text == "Magento_Sales::sales_order");
    const std::string after = accept(r.text, r.result, *item);
    CHECK(contains(after, "<resource name=\"Magento_Sales::sales_order\"/>"));
    CHECK_FALSE(contains(after, "sale_ordr"));
}

TEST_CASE("resource completion works in a half-typed file ending inside the value") {
    const std::string marked =
        "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Acme\">\n"
        "        <resources>\n            <resource name=\"Magento_Sa|";
    auto r = complete_at(kAcmeIntegration, marked);
    REQUIRE_FALSE(r.result.items.empty());
    CHECK(all_start_with(r.result, "Magento_Sales::"));
    const CompletionItem* item = find_item(r.result, "Magento_Sales::sales");
    REQUIRE(item);
    CHECK(slice(r.text, item->edit.range) == "Magento_Sa");
    CHECK(item->edit.range.end == r.text.size());

    // Unterminated value followed by more lines.
    auto mid =
        complete_at(kAcmeIntegration, "<config>\n  <integration name=\"Acme\">\n    <resources>\n"
                                      "      <resource name=\"Magento_Cus|\n    </resources>\n");
    CHECK(find_item(mid.result, "Magento_Customer::manage"));
    CHECK(all_start_with(mid.result, "Magento_Customer::"));
}

TEST_CASE("resource completion items carry title, breadcrumb and module") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sales::sales_ord|\"/>\n"));
    const CompletionItem* item = find_item(r.result, "Magento_Sales::sales_order");
    REQUIRE(item);
    CHECK(item->detail == "Orders");
    CHECK(item->kind == CompletionKind::Value);
    CHECK(contains(item->documentation,
                   "Magento Admin \u203a Sales \u203a Operations \u203a Orders"));
    CHECK(contains(item->documentation, "Magento_Sales"));
    // The client filters on the id and the title.
    CHECK(r.result.filter_text(*item) == "Magento_Sales::sales_order Orders");
}

TEST_CASE(
    "resource completion inserts the missing parents, in tree order, with the file's indent") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sales::actions_v|\"/>\n"));
    const CompletionItem* item = find_item(r.result, "Magento_Sales::actions_view");
    REQUIRE(item);
    CHECK(accept(r.text, r.result, *item) ==
          completion_integration_xml(
              "            <resource name=\"Magento_Sales::sales\"/>\n"
              "            <resource name=\"Magento_Sales::sales_operation\"/>\n"
              "            <resource name=\"Magento_Sales::sales_order\"/>\n"
              "            <resource name=\"Magento_Sales::actions\"/>\n"
              "            <resource name=\"Magento_Sales::actions_view\"/>\n"));
    CHECK(contains(r.result.documentation(*item), "Magento_Sales::sales_operation"));
    // A top-level resource needs nothing (Magento_Backend::admin is never inserted).
    auto top_level = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sales::sa|\"/>\n"));
    const CompletionItem* top = find_item(top_level.result, "Magento_Sales::sales");
    REQUIRE(top);
    CHECK(top_level.result.additional_edits(*top).empty());
}

TEST_CASE("items under one parent share one parent insertion, made once") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sales::|\"/>\n"));
    const CompletionItem* view = find_item(r.result, "Magento_Sales::actions_view");
    const CompletionItem* edit = find_item(r.result, "Magento_Sales::create");
    const CompletionItem* order = find_item(r.result, "Magento_Sales::sales_order");
    const CompletionItem* top = find_item(r.result, "Magento_Sales::sales");
    REQUIRE(view);
    REQUIRE(edit);
    REQUIRE(order);
    REQUIRE(top);
    // Siblings: one shared insertion and note.
    const CompletionShared* shared = r.result.shared_of(*view);
    REQUIRE(shared);
    CHECK(r.result.shared_of(*edit) == shared);
    CHECK(r.result.additional_edits(*edit).size() == 1);
    CHECK(contains(r.result.note(view->shared), "Magento_Sales::actions"));
    CHECK(r.result.documentation(*edit).ends_with(r.result.note(edit->shared)));
    // Another parent: another insertion, which the deeper one's chain continues.
    const CompletionShared* of_order = r.result.shared_of(*order);
    REQUIRE(of_order);
    CHECK(of_order != shared);
    CHECK(r.result.additional_edits(*order)[0].new_text !=
          r.result.additional_edits(*view)[0].new_text);
    CHECK(shared->up != 0);
    CHECK(shared->count == of_order->count + 2); // actions, sales_order above operations
    CHECK(r.result.shared_of(*top) == nullptr);
    CHECK(r.result.additional_edits(*top).empty());
    // One per parent with something missing, not one per item.
    CHECK(r.result.shared.size() < r.result.items.size());
    for (const auto& it : r.result.items) {
        CHECK(it.shared <= r.result.shared.size());
        CHECK(it.additional_edits.empty());
    }
}

TEST_CASE("with lazy documentation, items leave it to Engine::completion_documentation") {
    const auto c = cursor(
        completion_integration_xml("            <resource name=\"Magento_Sales::actions_v|\"/>\n"));
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, c.text);
    const CompletionResult eager = engine.complete(kAcmeIntegration, c.offset);
    engine.settings().lazy_documentation = true;
    const CompletionResult lazy = engine.complete(kAcmeIntegration, c.offset);
    REQUIRE(lazy.items.size() == eager.items.size());
    REQUIRE_FALSE(lazy.items.empty());
    for (std::size_t i = 0; i < lazy.items.size(); ++i) {
        const CompletionItem& l = lazy.items[i];
        const CompletionItem& e = eager.items[i];
        CAPTURE(e.label);
        CHECK(l.label == e.label);
        CHECK(e.documentation_source == DocumentationSource::Text);
        REQUIRE(l.documentation_source == DocumentationSource::AclId);
        // What follows the made part (the note about parents) stays in the result.
        CHECK(engine.completion_documentation(l.documentation_source, l.label) +
                  lazy.documentation(l) ==
              eager.documentation(e));
    }
    const CompletionItem* view = find_item(lazy, "Magento_Sales::actions_view");
    REQUIRE(view);
    CHECK(contains(lazy.documentation(*view), "Also adds the missing parents"));
    CHECK_FALSE(contains(lazy.documentation(*view), "Module"));
    CHECK(engine.completion_documentation(DocumentationSource::AclId, "Acme_Nope::x").empty());
    CHECK(
        engine.completion_documentation(DocumentationSource::Text, "Magento_Sales::sales").empty());
}

TEST_CASE("parent insertion skips the parents already listed") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sales::sales\"/>\n"
                                   "            <resource name=\"Magento_Sales::sales_order\"/>\n"
                                   "            <resource name=\"Magento_Sales::cre|\"/>\n"));
    const CompletionItem* item = find_item(r.result, "Magento_Sales::create");
    REQUIRE(item);
    CHECK(accept(r.text, r.result, *item) ==
          completion_integration_xml(
              "            <resource name=\"Magento_Sales::sales\"/>\n"
              "            <resource name=\"Magento_Sales::sales_order\"/>\n"
              "            <resource name=\"Magento_Sales::sales_operation\"/>\n"
              "            <resource name=\"Magento_Sales::actions\"/>\n"
              "            <resource name=\"Magento_Sales::create\"/>\n"));
}

TEST_CASE("no parent insertion when every parent is listed") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Customer::customer\"/>\n"
                                   "            <resource name=\"Magento_Customer::onl|\"/>\n"));
    const CompletionItem* item = find_item(r.result, "Magento_Customer::online");
    REQUIRE(item);
    CHECK(r.result.additional_edits(*item).empty());
    // Parents listed after the cursor count as well.
    auto after = complete_at(kAcmeIntegration,
                             completion_integration_xml(
                                 "            <resource name=\"Magento_Customer::onl|\"/>\n"
                                 "            <resource name=\"Magento_Customer::customer\"/>\n"));
    item = find_item(after.result, "Magento_Customer::online");
    REQUIRE(item);
    CHECK(after.result.additional_edits(*item).empty());
}

TEST_CASE("no parent insertion when the setting is off") {
    auto r = complete_at(
        kAcmeIntegration,
        completion_integration_xml("            <resource name=\"Magento_Sales::actions_v|\"/>\n"),
        /*insert_parents=*/false);
    const CompletionItem* item = find_item(r.result, "Magento_Sales::actions_view");
    REQUIRE(item);
    CHECK(r.result.additional_edits(*item).empty());
    CHECK(r.result.shared.empty());
    for (const auto& it : r.result.items)
        CHECK(r.result.additional_edits(it).empty());
}

TEST_CASE("parent insertion follows tabs and CRLF line ends") {
    const std::string marked = "<config>\r\n\t<integration name=\"Acme\">\r\n\t\t<resources>\r\n"
                               "\t\t\t<resource name=\"Magento_Catalog::prod|\"/>\r\n"
                               "\t\t</resources>\r\n\t</integration>\r\n</config>\r\n";
    auto r = complete_at(kAcmeIntegration, marked);
    const CompletionItem* item = find_item(r.result, "Magento_Catalog::products");
    REQUIRE(item);
    CHECK(accept(r.text, r.result, *item) ==
          "<config>\r\n\t<integration name=\"Acme\">\r\n\t\t<resources>\r\n"
          "\t\t\t<resource name=\"Magento_Catalog::catalog\"/>\r\n"
          "\t\t\t<resource name=\"Magento_Catalog::catalog_inventory\"/>\r\n"
          "\t\t\t<resource name=\"Magento_Catalog::products\"/>\r\n"
          "\t\t</resources>\r\n\t</integration>\r\n</config>\r\n");
}

TEST_CASE("parent insertion looks only at the integration under the cursor") {
    const std::string marked =
        "<config>\n"
        "  <integration name=\"One\">\n    <resources>\n"
        "      <resource name=\"Magento_Customer::customer\"/>\n    </resources>\n  "
        "</integration>\n"
        "  <integration name=\"Two\">\n    <resources>\n"
        "      <resource name=\"Magento_Customer::man|\"/>\n    </resources>\n  </integration>\n"
        "</config>\n";
    auto r = complete_at(kAcmeIntegration, marked);
    const CompletionItem* item = find_item(r.result, "Magento_Customer::manage");
    REQUIRE(item);
    REQUIRE(r.result.additional_edits(*item).size() == 1);
    const std::string after = accept(r.text, r.result, *item);
    CHECK(contains(after, "<integration name=\"Two\">\n    <resources>\n"
                          "      <resource name=\"Magento_Customer::customer\"/>\n"
                          "      <resource name=\"Magento_Customer::manage\"/>\n"));
}

TEST_CASE("resource completion in a legacy api.xml, with parent insertion") {
    const std::string marked =
        "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"Acme\">\n        "
        "<resources>\n"
        "            <resource name=\"Magento_Customer::onl|\"/>\n        </resources>\n"
        "    </integration>\n</integrations>\n";
    auto r = complete_at(kAcmeApi, marked);
    REQUIRE(labels(r.result) == std::vector<std::string>{"Magento_Customer::online"});
    CHECK(accept(r.text, r.result, r.result.items[0]) ==
          "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"Acme\">\n        "
          "<resources>\n"
          "            <resource name=\"Magento_Customer::customer\"/>\n"
          "            <resource name=\"Magento_Customer::online\"/>\n        </resources>\n"
          "    </integration>\n</integrations>\n");
}

TEST_CASE("no resource completion outside a resource name") {
    // The integration's own name, and the email text, are not ACL ids.
    auto name =
        complete_at(kAcmeIntegration, "<config><integration name=\"Magento_Sa|\"/></config>");
    CHECK_FALSE(find_item(name.result, "Magento_Sales::sales"));
    auto email = complete_at(
        kAcmeIntegration,
        "<config><integration name=\"x\"><email>Magento_Sa|</email></integration></config>");
    CHECK_FALSE(find_item(email.result, "Magento_Sales::sales"));
    // A legacy config.xml has no resources.
    auto config = complete_at(
        kAcmeConfig,
        "<integrations><integration name=\"x\"><resources><resource name=\"Magento_Sa|\"/>"
        "</resources></integration></integrations>");
    CHECK_FALSE(find_item(config.result, "Magento_Sales::sales"));
}

TEST_CASE("element completion from the schema") {
    auto root = complete_at(kAcmeIntegration, "<?xml version=\"1.0\"?>\n<|");
    CHECK(labels(root.result) == std::vector<std::string>{"config"});

    auto in_config = complete_at(kAcmeIntegration, "<config>\n    <|\n</config>\n");
    CHECK(labels(in_config.result) == std::vector<std::string>{"integration"});

    // Children of an integration, minus those already there (each may appear once).
    auto children = complete_at(kAcmeIntegration,
                                "<config>\n  <integration name=\"x\">\n    <email>a@b.c</email>\n"
                                "    <en|\n  </integration>\n</config>\n");
    auto got = labels(children.result);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"endpoint_url", "identity_link_url", "resources"});
    const CompletionItem* ep = find_item(children.result, "endpoint_url");
    REQUIRE(ep);
    CHECK(slice(children.text, ep->edit.range) == "en");
    CHECK_FALSE(ep->documentation.empty());

    auto resources = complete_at(
        kAcmeIntegration,
        "<config><integration name=\"x\"><resources><|</resources></integration></config>");
    CHECK(labels(resources.result) == std::vector<std::string>{"resource"});

    // The legacy api.xml has its own root.
    auto api = complete_at(kAcmeApi, "<|");
    CHECK(labels(api.result) == std::vector<std::string>{"integrations"});
}

TEST_CASE("element completion with snippets writes the required attributes") {
    auto c =
        cursor("<config><integration name=\"x\"><resources><|</resources></integration></config>");
    Engine engine(core_snapshot());
    engine.settings().snippets = true;
    engine.open(kAcmeIntegration, c.text);
    auto r = engine.complete(kAcmeIntegration, c.offset);
    const CompletionItem* item = find_item(r, "resource");
    REQUIRE(item);
    CHECK(item->is_snippet);
    CHECK(item->edit.new_text == "resource name=\"$1\"/>");
}

TEST_CASE("attribute completion from the schema") {
    auto integ = complete_at(kAcmeIntegration, "<config><integration |></integration></config>");
    REQUIRE(labels(integ.result) == std::vector<std::string>{"name"});
    CHECK(integ.result.items[0].kind == CompletionKind::Attribute);
    CHECK(integ.result.items[0].edit.new_text == "name=\"\"");

    auto res = complete_at(kAcmeIntegration,
                           "<config><integration name=\"x\"><resources><resource n|/></resources>"
                           "</integration></config>");
    REQUIRE(labels(res.result) == std::vector<std::string>{"name"});
    CHECK(slice(res.text, res.result.items[0].edit.range) == "n");

    // An attribute already written is not offered again.
    auto present =
        complete_at(kAcmeIntegration, "<config><integration name=\"x\" |></integration></config>");
    CHECK(present.result.items.empty());
}
