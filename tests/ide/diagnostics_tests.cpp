// Diagnostics of integration files and their quick fixes: xml-syntax, unknown-resource,
// missing-parent, duplicate-resource, insecure-url.
#include "cursor.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

std::string integration_xml(std::string_view body, std::string_view endpoint = {}) {
    std::string out =
        "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"AcmeConnector\">\n"
        "        <email>dev@acme.example</email>\n";
    if (!endpoint.empty())
        out += "        <endpoint_url>" + std::string(endpoint) + "</endpoint_url>\n";
    out += "        <resources>\n" + std::string(body) +
           "        </resources>\n    </integration>\n</config>\n";
    return out;
}

std::string api_xml(std::string_view body) {
    return "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"AcmeConnector\">\n"
           "        <resources>\n" +
           std::string(body) + "        </resources>\n    </integration>\n</integrations>\n";
}

std::vector<Diagnostic> diagnose(const std::string& path, const std::string& text,
                                 std::shared_ptr<const Snapshot> snap = core_snapshot()) {
    Engine engine(std::move(snap));
    engine.open(path, text);
    return engine.diagnose(path);
}

// The single diagnostic with `code`; fails the test when there is not exactly one.

} // namespace

TEST_CASE("xml-syntax reports the first error where it is") {
    struct LineCase {
        const char* text;
        std::uint32_t line;
    };
    const LineCase lines[] = {
        {"<config>\n  <integration name=\"a\">\n  </integraton>\n</config>\n", 2},
        {"<config>\n  <integration name=a>\n  </integration>\n</config>\n", 1},
        {"<config>\n  <integration name=\"a\" name=\"b\"/>\n  <email>a & b</email>\n</config>\n",
         1},
        {"<config>\n  <email>a & b</email>\n</config>\n", 1},
        // Truncated: the last character, the newline that ends line 1.
        {"<config>\n  <integration name=\"a\">\n", 1},
        {"<config>\n  <integration name=\"a\"/>\n</config>\n<config/>\n", 3},
    };
    for (const auto& c : lines) {
        CAPTURE(c.text);
        const std::string text = c.text;
        auto ds = diagnose(kAcmeIntegration, text);
        const Diagnostic d = only(ds, "xml-syntax");
        CHECK(d.severity == Severity::Error);
        CHECK(d.range.begin <= d.range.end);
        CHECK(d.range.end <= text.size());
        LineIndex li(text);
        CHECK(li.to_line_col(text, d.range.begin, Encoding::Utf8).line == c.line);
        // Nothing else is said about a file Magento cannot read.
        CHECK(with_code(ds, "schema").empty());
    }
}

TEST_CASE("xml-syntax: exact position of a mismatched end tag and of a truncated file") {
    const std::string mismatch =
        "<config>\n  <integration name=\"a\">\n  </integraton>\n</config>\n";
    auto d = only(diagnose(kAcmeIntegration, mismatch), "xml-syntax");
    const auto end_tag = mismatch.find("</integraton>");
    CHECK(d.range.begin >= end_tag);
    CHECK(d.range.end <= end_tag + std::string("</integraton>").size());

    const std::string truncated = "<config>\n  <integration name=\"a\"";
    auto t = only(diagnose(kAcmeIntegration, truncated), "xml-syntax");
    CHECK(t.range.end == truncated.size());
    CHECK_FALSE(t.range.empty());

    // A well-formed file has none.
    CHECK(with_code(diagnose(kAcmeIntegration, integration_xml("")), "xml-syntax").empty());
}

TEST_CASE("unknown-resource names the closest id; its fix replaces exactly the value") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Log::online\"/>\n");
    auto ds = diagnose(kAcmeIntegration, text);
    const Diagnostic d = only(ds, "unknown-resource");
    CHECK(d.severity == Severity::Error);
    CHECK(slice(text, d.range) == "Magento_Log::online");
    CHECK(contains(d.message, "'Magento_Log::online'"));
    CHECK(contains(d.message, "Magento_Customer::online"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(d.fixes[0].preferred);
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          integration_xml("            <resource name=\"Magento_Customer::online\"/>\n"));
    // Where the suggestion is defined.
    REQUIRE_FALSE(d.related.empty());
    CHECK(d.related[0].location.path == core_dir("Customer") + "/etc/acl.xml");
    // An unknown id gets no missing-parent warning on top.
    CHECK(with_code(ds, "missing-parent").empty());
}

TEST_CASE("unknown-resource suggestions: case, edit distance, nothing close") {
    struct Case {
        const char* id;
        const char* suggestion; // empty: none
    };
    const Case cases[] = {
        {"magento_sales::SALES_ORDER", "Magento_Sales::sales_order"},
        {"Magento_Sales::sales_ordr", "Magento_Sales::sales_order"},
        {"Magento_Catalog::product", "Magento_Catalog::products"},
        {"Vendor_Thing::whatever_else", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.id);
        const std::string text =
            integration_xml("            <resource name=\"" + std::string(c.id) + "\"/>\n");
        const Diagnostic d = only(diagnose(kAcmeIntegration, text), "unknown-resource");
        CHECK(slice(text, d.range) == c.id);
        if (*c.suggestion) {
            CHECK(contains(d.message, c.suggestion));
            REQUIRE(d.fixes.size() == 1);
            CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
                  integration_xml("            <resource name=\"" + std::string(c.suggestion) +
                                  "\"/>\n"));
        } else {
            CHECK(d.fixes.empty());
            CHECK_FALSE(contains(d.message, "Did you mean"));
        }
    }
}

TEST_CASE("unknown-resource in a legacy api.xml, and not in a tree that cannot know") {
    const std::string api = api_xml("            <resource name=\"Magento_Log::online\"/>\n");
    const Diagnostic d = only(diagnose(kAcmeApi, api), "unknown-resource");
    CHECK(slice(api, d.range) == "Magento_Log::online");
    CHECK(contains(d.message, "Magento_Customer::online"));

    // A module alone, without Magento's core and without the catalogue: nothing to check
    // against, so nothing is reported.
    const std::string text =
        integration_xml("            <resource name=\"Magento_Log::online\"/>\n");
    auto snap = snapshot_of({{kAcmeIntegration, text}});
    REQUIRE_FALSE(snap->has_core);
    REQUIRE_FALSE(snap->uses_catalog);
    Engine engine(snap); // nothing open: the snapshot as built, without the catalogue
    CHECK(with_code(engine.diagnose(kAcmeIntegration), "unknown-resource").empty());
}

TEST_CASE("missing-parent names the missing ancestors; its fix inserts them in tree order") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Sales::sales\"/>\n"
                        "            <resource name=\"Magento_Sales::actions_view\"/>\n");
    auto ds = diagnose(kAcmeIntegration, text);
    const Diagnostic d = only(ds, "missing-parent");
    // Magento adds the ancestors itself (Consolidated\Converter::addParentsToResource).
    CHECK(d.severity == Severity::Hint);
    CHECK(slice(text, d.range) == "Magento_Sales::actions_view");
    CHECK(contains(d.message, "Magento_Sales::sales_operation"));
    CHECK(contains(d.message, "Magento_Sales::sales_order"));
    CHECK(contains(d.message, "Magento_Sales::actions"));
    CHECK_FALSE(contains(d.message, "Magento_Backend::admin"));
    CHECK_FALSE(contains(d.message, "Magento_Sales::sales,")); // listed already
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          integration_xml("            <resource name=\"Magento_Sales::sales\"/>\n"
                          "            <resource name=\"Magento_Sales::sales_operation\"/>\n"
                          "            <resource name=\"Magento_Sales::sales_order\"/>\n"
                          "            <resource name=\"Magento_Sales::actions\"/>\n"
                          "            <resource name=\"Magento_Sales::actions_view\"/>\n"));
    // After the fix, nothing is missing.
    CHECK(with_code(diagnose(kAcmeIntegration, apply_fix(text, d.fixes[0], kAcmeIntegration)),
                    "missing-parent")
              .empty());
}

TEST_CASE("missing-parent: none for top-level resources and Magento_Backend::admin") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Backend::admin\"/>\n"
                        "            <resource name=\"Magento_Sales::sales\"/>\n"
                        "            <resource name=\"Magento_Backend::dashboard\"/>\n"
                        "            <resource name=\"Magento_Customer::customer\"/>\n"
                        "            <resource name=\"Magento_Customer::manage\"/>\n");
    auto ds = diagnose(kAcmeIntegration, text);
    CHECK(ds.empty());
}

TEST_CASE("missing-parent: parents listed after the child count") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Customer::online\"/>\n"
                        "            <resource name=\"Magento_Customer::customer\"/>\n");
    CHECK(with_code(diagnose(kAcmeIntegration, text), "missing-parent").empty());
}

TEST_CASE("missing-parent fix on a one-line file and in api.xml") {
    const std::string one_line = "<config><integration name=\"x\"><email>a@b.cd</email><resources>"
                                 "<resource name=\"Magento_Customer::online\"/></resources>"
                                 "</integration></config>";
    const Diagnostic d = only(diagnose(kAcmeIntegration, one_line), "missing-parent");
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(one_line, d.fixes[0], kAcmeIntegration) ==
          "<config><integration name=\"x\"><email>a@b.cd</email><resources>"
          "<resource name=\"Magento_Customer::customer\"/><resource "
          "name=\"Magento_Customer::online\"/>"
          "</resources></integration></config>");

    const std::string api = api_xml("            <resource name=\"Magento_Catalog::products\"/>\n");
    const Diagnostic a = only(diagnose(kAcmeApi, api), "missing-parent");
    CHECK(contains(a.message, "Magento_Catalog::catalog"));
    CHECK(contains(a.message, "Magento_Catalog::catalog_inventory"));
    REQUIRE(a.fixes.size() == 1);
    CHECK(apply_fix(api, a.fixes[0], kAcmeApi) ==
          api_xml("            <resource name=\"Magento_Catalog::catalog\"/>\n"
                  "            <resource name=\"Magento_Catalog::catalog_inventory\"/>\n"
                  "            <resource name=\"Magento_Catalog::products\"/>\n"));
}

TEST_CASE("missing-parent fix on a resource written over several lines") {
    const std::string text = integration_xml(
        "            <resource\n                name=\"Magento_Customer::online\"/>\n");
    const Diagnostic d = only(diagnose(kAcmeIntegration, text), "missing-parent");
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          integration_xml(
              "            <resource name=\"Magento_Customer::customer\"/>\n"
              "            <resource\n                name=\"Magento_Customer::online\"/>\n"));
}

TEST_CASE("duplicate-resource is reported on the second listing") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Sales::sales\"/>\n"
                        "            <resource name=\"Magento_Sales::sales\"/>\n");
    auto ds = diagnose(kAcmeIntegration, text);
    const Diagnostic d = only(ds, "duplicate-resource");
    CHECK(d.range.begin == text.rfind("Magento_Sales::sales"));
    REQUIRE(d.related.size() == 1);
    CHECK(d.related[0].location.range.begin == text.find("Magento_Sales::sales"));
}

TEST_CASE("insecure-url and its fix") {
    const std::string text = integration_xml("", "http://acme.example/endpoint");
    const Diagnostic d = only(diagnose(kAcmeIntegration, text), "insecure-url");
    CHECK(slice(text, d.range) == "http://acme.example/endpoint");
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(text, d.fixes[0], kAcmeIntegration) ==
          integration_xml("", "https://acme.example/endpoint"));
}

TEST_CASE("quick fixes are offered as code actions over the diagnostic's range") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Log::online\"/>\n");
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, text);
    const auto at = static_cast<Offset>(text.find("Magento_Log") + 3);
    auto actions = engine.actions(kAcmeIntegration, {at, at});
    REQUIRE(actions.size() == 1);
    CHECK(actions[0].kind == "quickfix");
    CHECK(actions[0].diagnostic_codes == std::vector<std::string>{"unknown-resource"});
    REQUIRE(actions[0].changes.size() == 1);
    CHECK(apply_edits(text, actions[0].changes[0].edits) ==
          integration_xml("            <resource name=\"Magento_Customer::online\"/>\n"));
    // Nowhere near it: nothing.
    CHECK(engine.actions(kAcmeIntegration, {0, 5}).empty());
}

TEST_CASE("severity settings change or silence a code") {
    const std::string text =
        integration_xml("            <resource name=\"Magento_Log::online\"/>\n"
                        "            <resource name=\"Magento_Customer::manage\"/>\n");
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, text);
    REQUIRE(with_code(engine.diagnose(kAcmeIntegration), "missing-parent").size() == 1);
    engine.settings().severity["unknown-resource"] = Severity::Warning;
    engine.settings().severity["missing-parent"] = std::nullopt;
    auto ds = engine.diagnose(kAcmeIntegration);
    CHECK(only(ds, "unknown-resource").severity == Severity::Warning);
    CHECK(with_code(ds, "missing-parent").empty());
}
