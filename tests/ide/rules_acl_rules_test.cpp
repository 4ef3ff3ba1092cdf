// acl.xml rules: acl-duplicate-id, acl-missing-title, acl-orphan-branch, and the navigation
// the acl participant keeps offering.
#include "rules_support.hpp"

#include "mil/ide/acl_support.hpp"

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace rules_test {

namespace {

const std::string kAcmeAcl = kAcme + "/etc/acl.xml";

// An acl.xml whose <resources> holds `body` (indented by the caller).
std::string acl(std::string_view body) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <acl>\n        <resources>\n" +
           std::string(body) + "        </resources>\n    </acl>\n</config>\n";
}

// Offset of the n-th (0-based) occurrence of `needle` in `text`.
Offset nth(std::string_view text, std::string_view needle, int n) {
    std::size_t at = text.find(needle);
    for (int i = 0; i < n && at != std::string_view::npos; ++i)
        at = text.find(needle, at + 1);
    REQUIRE(at != std::string_view::npos);
    return static_cast<Offset>(at);
}

} // namespace

// ---- acl-duplicate-id ----------------------------------------------------------------------

TEST_CASE("acl-duplicate-id: the second declaration under the same parent") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::sync" title="Sync"/>
                <resource id="Acme_Connector::sync" title="Synchronise"/>
            </resource>
)");
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-duplicate-id");
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds[0];
    CHECK(d.severity == Severity::Error);
    CHECK(slice(text, d.range) == "Acme_Connector::sync");
    CHECK(d.range.begin == nth(text, "Acme_Connector::sync", 1));
    CHECK_THAT(d.message, Catch::Contains("'Acme_Connector::sync'") && Catch::Contains("twice") &&
                              Catch::Contains("later one's title"));
    REQUIRE(d.related.size() == 1);
    CHECK(d.related[0].location.path == kAcmeAcl);
    CHECK(d.related[0].location.range.begin == nth(text, "Acme_Connector::sync", 0));
    CHECK(slice(text, d.related[0].location.range) == "Acme_Connector::sync");
}

TEST_CASE("acl-duplicate-id: under two parents Magento's ACL loader fails") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::top" title="Acme">
                    <resource id="Acme_Connector::sync" title="Sync"/>
                </resource>
                <resource id="Acme_Connector::sync" title="Sync"/>
            </resource>
)");
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-duplicate-id");
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].range.begin == nth(text, "Acme_Connector::sync", 1));
    CHECK_THAT(ds[0].message, Catch::Contains("'Acme_Connector::top'") &&
                                  Catch::Contains("'Magento_Backend::admin'") &&
                                  Catch::Contains("already exists in the ACL"));
}

TEST_CASE("acl-duplicate-id: a third declaration is flagged too, each pointing at the first") {
    const std::string text = acl(R"(            <resource id="Acme_Connector::a" title="Aaa"/>
            <resource id="Acme_Connector::a" title="Aaa"/>
            <resource id="Acme_Connector::a" title="Aaa"/>
)");
    Tree t;
    t.add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-duplicate-id");
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].range.begin == nth(text, "Acme_Connector::a", 1));
    CHECK(ds[1].range.begin == nth(text, "Acme_Connector::a", 2));
    for (const auto& d : ds)
        CHECK(d.related.at(0).location.range.begin == nth(text, "Acme_Connector::a", 0));
}

TEST_CASE("acl-duplicate-id: the ancestor chain repeated in another file is not a duplicate") {
    Tree t;
    t.core();
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales">
                    <resource id="Acme_Connector::orders" title="Acme Orders"/>
                </resource>
                <resource id="Acme_Connector::sync" title="Sync"/>
            </resource>
)");
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    CHECK(t.diagnose(kAcmeAcl, "acl-duplicate-id").empty());
    CHECK(t.diagnose(module_dir("Magento", "Sales") + "/etc/acl.xml", "acl-duplicate-id").empty());
}

// ---- acl-missing-title ---------------------------------------------------------------------

TEST_CASE("acl-missing-title: an id no acl.xml titles, with a fix that adds one") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::sync_orders" sortOrder="10"/>
            </resource>
)");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-missing-title");
    // Magento_Backend::admin has no title here, but Magento_Backend's acl.xml gives it one.
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds[0];
    CHECK(d.severity == Severity::Warning);
    CHECK(slice(text, d.range) == "Acme_Connector::sync_orders");
    CHECK_THAT(d.message,
               Catch::Contains("'Acme_Connector::sync_orders'") && Catch::Contains("title"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(apply_fix(d.fixes[0], kAcmeAcl, text) ==
          acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::sync_orders" title="Sync Orders" sortOrder="10"/>
            </resource>
)"));
}

TEST_CASE("acl-missing-title: a camel-case id in single quotes gets a readable title") {
    const std::string text = acl("            <resource id='Acme_Connector::manageItems'/>\n");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-missing-title");
    REQUIRE(ds.size() == 1);
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(apply_fix(ds[0].fixes[0], kAcmeAcl, text) ==
          acl("            <resource id='Acme_Connector::manageItems' title=\"Manage Items\"/>\n"));
}

TEST_CASE("acl-missing-title: a title given by another module's acl.xml counts") {
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector");
    const std::string base_dir = module_dir("Acme", "Base");
    t.module_xml(base_dir, "Acme_Base")
        .add(base_dir + "/etc/acl.xml",
             acl("            <resource id=\"Magento_Backend::admin\">\n"
                 "                <resource id=\"Acme_Base::top\" title=\"Acme\"/>\n"
                 "            </resource>\n"));
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Acme_Base::top">
                    <resource id="Acme_Connector::sync" title="Sync"/>
                </resource>
            </resource>
)");
    t.add(kAcmeAcl, text);
    CHECK(t.diagnose(kAcmeAcl, "acl-missing-title").empty());
    CHECK(t.diagnose(kAcmeAcl, "acl-orphan-branch").empty());
}

TEST_CASE("acl-missing-title: only declarations of this file are flagged, once per id") {
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector");
    const std::string other_dir = module_dir("Acme", "Other");
    t.module_xml(other_dir, "Acme_Other")
        .add(other_dir + "/etc/acl.xml",
             acl("            <resource id=\"Acme_Other::untitled\"/>\n"));
    const std::string text = acl("            <resource id=\"Acme_Connector::xy\"/>\n"
                                 "            <resource id=\"Acme_Connector::xy\"/>\n");
    t.add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-missing-title");
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].range.begin == nth(text, "Acme_Connector::xy", 0));
    CHECK(ds[0].fixes.empty()); // "Xy" is shorter than the 3 characters a title needs
}

TEST_CASE("acl-missing-title: a standalone module without core or catalogue says nothing") {
    Tree t;
    const std::string text = acl("            <resource id=\"Acme_Connector::sync\"/>\n");
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    CHECK(t.diagnose(kAcmeAcl, "acl-missing-title").empty());
}

TEST_CASE("acl-missing-title: with the bundled catalogue, core titles come from it") {
    Tree t;
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales">
                    <resource id="Acme_Connector::sync"/>
                </resource>
            </resource>
)");
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-missing-title", &bundled_catalog());
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Acme_Connector::sync");
    CHECK(t.diagnose(kAcmeAcl, "acl-orphan-branch", &bundled_catalog()).empty());
}

TEST_CASE("acl-missing-title: a disabled resource still needs a title") {
    Tree t;
    const std::string text =
        acl("            <resource id=\"Acme_Connector::old\" disabled=\"true\"/>\n"
            "            <resource id=\"Acme_Connector::older\" title=\"Older\" "
            "disabled=\"true\"/>\n");
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-missing-title");
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Acme_Connector::old");
}

// ---- acl-orphan-branch ---------------------------------------------------------------------

TEST_CASE("acl-orphan-branch: a mistyped ancestor starts a new branch, and the fix corrects it") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sale">
                    <resource id="Magento_Sales::sales_operation">
                        <resource id="Acme_Connector::orders" title="Acme Orders"/>
                    </resource>
                </resource>
            </resource>
)");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-orphan-branch");
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds[0];
    CHECK(d.severity == Severity::Warning);
    CHECK(slice(text, d.range) == "Magento_Sales::sale");
    CHECK_THAT(d.message, Catch::Contains("'Magento_Sales::sale'") &&
                              Catch::Contains("2 resources") &&
                              Catch::Contains("Did you mean 'Magento_Sales::sales'?"));
    REQUIRE(d.fixes.size() == 1);
    CHECK(d.fixes[0].preferred);
    CHECK(apply_fix(d.fixes[0], kAcmeAcl, text) ==
          acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales">
                    <resource id="Magento_Sales::sales_operation">
                        <resource id="Acme_Connector::orders" title="Acme Orders"/>
                    </resource>
                </resource>
            </resource>
)"));
    // Where the suggested id is defined.
    const std::string sales_acl = module_dir("Magento", "Sales") + "/etc/acl.xml";
    REQUIRE(d.related.size() == 1);
    CHECK(d.related[0].location.path == sales_acl);
    CHECK(slice(t.text(sales_acl), d.related[0].location.range) == "Sales");
    // The orphan is untitled too, but one diagnostic says it.
    CHECK(t.diagnose(kAcmeAcl, "acl-missing-title").empty());
}

TEST_CASE("acl-orphan-branch: correct ancestors and the module's own parents are not orphans") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales">
                    <resource id="Magento_Sales::sales_operation">
                        <resource id="Acme_Connector::orders" title="Acme Orders"/>
                    </resource>
                </resource>
                <resource id="Acme_Connector::top">
                    <resource id="Acme_Connector::sync" title="Sync"/>
                </resource>
            </resource>
)");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    CHECK(t.diagnose(kAcmeAcl, "acl-orphan-branch").empty());
    // The module's own untitled parent is a missing title instead.
    auto ds = t.diagnose(kAcmeAcl, "acl-missing-title");
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Acme_Connector::top");
}

TEST_CASE("acl-orphan-branch: a leaf or a titled parent is not an orphan") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Other_Module::leaf"/>
                <resource id="Other_Module::titled" title="Titled">
                    <resource id="Acme_Connector::sync" title="Sync"/>
                </resource>
            </resource>
)");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    CHECK(t.diagnose(kAcmeAcl, "acl-orphan-branch").empty());
}

TEST_CASE("acl-orphan-branch: nothing close gives no fix, and no core gives no diagnostic") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Zzyzx_Qwerty::qwertyuiop">
                    <resource id="Acme_Connector::sync" title="Sync"/>
                </resource>
            </resource>
)");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-orphan-branch");
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Zzyzx_Qwerty::qwertyuiop");
    CHECK_THAT(ds[0].message, Catch::Contains("1 resource,"));
    CHECK(ds[0].fixes.empty());

    Tree standalone;
    standalone.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    CHECK(standalone.diagnose(kAcmeAcl, "acl-orphan-branch").empty());
}

TEST_CASE("acl-orphan-branch: with the catalogue, a catalogue id is known and a typo is not") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales">
                    <resource id="Acme_Connector::a" title="Aaa"/>
                </resource>
                <resource id="Magento_Customer::customers">
                    <resource id="Acme_Connector::b" title="Bbb"/>
                </resource>
            </resource>
)");
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    auto ds = t.diagnose(kAcmeAcl, "acl-orphan-branch", &bundled_catalog());
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Magento_Customer::customers");
    CHECK_THAT(ds[0].message, Catch::Contains("catalogue"));
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(ds[0].fixes[0].changes.at(0).edits.at(0).new_text == "Magento_Customer::customer");
}

TEST_CASE("acl rules: with the catalogue alone, another vendor's ids are out of view") {
    // A standalone module that adds to a resource of another vendor's module: that module may
    // well define and title it; only a tree with Magento's core would show it.
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Zed_Base::api">
                    <resource id="Acme_Connector::sync" title="Sync"/>
                </resource>
                <resource id="Zed_Base::leaf"/>
            </resource>
)");
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    CHECK(t.diagnose(kAcmeAcl, "acl-orphan-branch", &bundled_catalog()).empty());
    CHECK(t.diagnose(kAcmeAcl, "acl-missing-title", &bundled_catalog()).empty());

    // With that module in view, its ids are checked.
    const std::string zed = module_dir("Zed", "Base");
    t.module_xml(zed, "Zed_Base")
        .add(zed + "/etc/acl.xml",
             acl("            <resource id=\"Zed_Base::apis\" title=\"Zed API\"/>\n"));
    auto ds = t.diagnose(kAcmeAcl, "acl-orphan-branch", &bundled_catalog());
    REQUIRE(ds.size() == 1);
    CHECK(slice(text, ds[0].range) == "Zed_Base::api");
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(ds[0].fixes[0].changes.at(0).edits.at(0).new_text == "Zed_Base::apis");
    auto titles = t.diagnose(kAcmeAcl, "acl-missing-title", &bundled_catalog());
    REQUIRE(titles.size() == 1);
    CHECK(slice(text, titles[0].range) == "Zed_Base::leaf");
}

TEST_CASE("acl rules: with the catalogue alone, Adobe Commerce ids are not judged") {
    // The catalogue is Magento Open Source's: an extension written for Adobe Commerce grants
    // and extends resources of Commerce modules that it cannot know.
    const std::string integration = kAcme + "/etc/integration.xml";
    const std::string granted = R"(<?xml version="1.0"?>
<config>
    <integration name="Acme">
        <resources>
            <resource name="Magento_Rma::magento_rma"/>
            <resource name="Magento_GiftCardAccount::customer_giftcardaccount"/>
            <resource name="Magento_Log::online"/>
        </resources>
    </integration>
</config>
)";
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Rma::rma_manage">
                    <resource id="Acme_Connector::returns" title="Returns"/>
                </resource>
            </resource>
)");
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text).add(integration, granted);
    auto unknown = t.diagnose(integration, "unknown-resource", &bundled_catalog());
    REQUIRE(unknown.size() == 1); // Magento_Log is no module of either edition
    CHECK(slice(granted, unknown[0].range) == "Magento_Log::online");
    CHECK(t.diagnose(kAcmeAcl, "acl-orphan-branch", &bundled_catalog()).empty());
    CHECK(t.diagnose(kAcmeAcl, "acl-missing-title", &bundled_catalog()).empty());
    // Hover says why nothing is reported.
    Engine engine(t.snapshot(&bundled_catalog()));
    auto at = static_cast<Offset>(granted.find("Magento_GiftCardAccount::") + 3);
    auto hover = engine.hover(integration, at);
    REQUIRE(hover);
    CHECK_THAT(hover->markdown, Catch::Contains("Adobe Commerce"));

    // With the Commerce module at hand, its ids are checked.
    const std::string rma = module_dir("Magento", "Rma");
    t.module_xml(rma, "Magento_Rma")
        .add(rma + "/etc/acl.xml",
             acl("            <resource id=\"Magento_Backend::admin\">\n"
                 "                <resource id=\"Magento_Rma::rma\" title=\"Returns\"/>\n"
                 "            </resource>\n"));
    unknown = t.diagnose(integration, "unknown-resource", &bundled_catalog());
    REQUIRE(unknown.size() == 2);
    CHECK(slice(granted, unknown[0].range) == "Magento_Rma::magento_rma");
    auto orphans = t.diagnose(kAcmeAcl, "acl-orphan-branch", &bundled_catalog());
    REQUIRE(orphans.size() == 1);
    CHECK(slice(text, orphans[0].range) == "Magento_Rma::rma_manage");
    // And with Magento's core in the tree, every id is.
    Tree core;
    core.core().module_xml(kAcme, "Acme_Connector").add(integration, granted);
    CHECK(core.diagnose(integration, "unknown-resource").size() == 3);
}

TEST_CASE("the Adobe Commerce module list names no module of the bundled catalogue") {
    REQUIRE(commerce_modules().size() > 30);
    for (const auto& c : bundled_catalog())
        CHECK_FALSE(std::binary_search(commerce_modules().begin(), commerce_modules().end(),
                                       std::string_view(c.module)));
}

// ---- navigation keeps working --------------------------------------------------------------

TEST_CASE("acl.xml: hover, definition and references on a redeclared ancestor") {
    const std::string text = acl(R"(            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales">
                    <resource id="Acme_Connector::orders" title="Acme Orders"/>
                </resource>
            </resource>
)");
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector").add(kAcmeAcl, text);
    Engine engine(t.snapshot());
    const Offset at = nth(text, "Magento_Sales::sales", 0) + 3;
    auto hover = engine.hover(kAcmeAcl, at);
    REQUIRE(hover);
    CHECK_THAT(hover->markdown, Catch::Contains("**Sales**"));
    CHECK(slice(text, hover->range) == "Magento_Sales::sales");

    const std::string sales_acl = module_dir("Magento", "Sales") + "/etc/acl.xml";
    auto defs = engine.definition(kAcmeAcl, at);
    REQUIRE(defs.size() == 1);
    CHECK(defs[0].path == sales_acl);
    CHECK(slice(t.text(sales_acl), defs[0].range) == "Magento_Sales::sales");

    auto refs = engine.references(kAcmeAcl, at, true);
    CHECK(refs.size() == 2);
    CHECK(std::count_if(refs.begin(), refs.end(),
                        [&](const Location& l) { return l.path == kAcmeAcl; }) == 1);
}

TEST_CASE("acl.xml rules survive broken and huge input") {
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector");
    for (std::string text :
         {std::string("<config><acl><resources><resource id=\"A_B::c\"><resource id="),
          std::string("<config><acl><resources><resource id=\"A_B::c\"><resource id=\"A_B::c\">"),
          std::string("\0\xff<<<>>>", 8), std::string()}) {
        t.add(kAcmeAcl, text);
        Engine engine(t.snapshot());
        CHECK_NOTHROW(engine.diagnose(kAcmeAcl));
    }
    // A deep chain of unknown ancestors is answered in reasonable time.
    std::string deep;
    const int depth = 3000;
    for (int i = 0; i < depth; ++i)
        deep += "<resource id=\"Zz_Yy::r" + std::to_string(i) + "\">";
    deep += "<resource id=\"Acme_Connector::leaf\" title=\"Leaf\"/>";
    for (int i = 0; i < depth; ++i)
        deep += "</resource>";
    t.add(kAcmeAcl, acl(deep));
    auto ds = t.diagnose(kAcmeAcl, "acl-orphan-branch");
    CHECK(ds.size() == static_cast<std::size_t>(depth));
    CHECK_THAT(ds.front().message, Catch::Contains("3000 resources"));
}

} // namespace rules_test
