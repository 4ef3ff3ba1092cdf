// module.xml rules: module-name-mismatch, unknown-module, missing-integration-sequence.
#include "rules_support.hpp"

#include <fstream>
#include <sstream>

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace rules_test {

namespace {

const std::string kAcmeXml = kAcme + "/etc/module.xml";
const std::string kAcmeReg = kAcme + "/registration.php";
const std::string kAcmeIntegration = kAcme + "/etc/integration.xml";

const char* kIntegrationXml = R"(<?xml version="1.0"?>
<config>
    <integration name="AcmeSync">
        <email>ops@acme.example</email>
    </integration>
</config>
)";

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(MIL_FIXTURES_DIR) + "/rules/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string crlf(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

// The one fix of the one missing-integration-sequence diagnostic, applied to `text`.
std::string with_integration_fix(Tree& t, const std::string& text) {
    t.add(kAcmeXml, text);
    auto ds = t.diagnose(kAcmeXml, "missing-integration-sequence");
    REQUIRE(ds.size() == 1);
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(edited_paths(ds[0].fixes[0]) == std::vector<std::string>{kAcmeXml});
    return apply_fix(ds[0].fixes[0], kAcmeXml, text);
}

} // namespace

// ---- module-name-mismatch ------------------------------------------------------------------

TEST_CASE("module-name-mismatch: module.xml against registration.php, with both fixes") {
    Tree t;
    const std::string xml = "<?xml version=\"1.0\"?>\n<config>\n    <module "
                            "name=\"Acme_Conector\"/>\n</config>\n";
    t.add(kAcmeXml, xml).registration(kAcme, "Acme_Connector");
    auto ds = t.diagnose(kAcmeXml, "module-name-mismatch");
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds[0];
    CHECK(d.severity == Severity::Error);
    CHECK(slice(xml, d.range) == "Acme_Conector");
    CHECK_THAT(d.message,
               Catch::Contains("'Acme_Conector'") && Catch::Contains("'Acme_Connector'") &&
                   Catch::Contains("Module 'Acme_Conector' is not correctly registered."));
    REQUIRE(d.related.size() == 1);
    CHECK(d.related[0].location.path == kAcmeReg);
    CHECK(slice(t.text(kAcmeReg), d.related[0].location.range) == "Acme_Connector");

    REQUIRE(d.fixes.size() == 2);
    // The registered name agrees with the folder: that fix is the preferred one.
    CHECK(d.fixes[0].preferred);
    CHECK_FALSE(d.fixes[1].preferred);
    CHECK(apply_fix(d.fixes[0], kAcmeXml, xml) ==
          "<?xml version=\"1.0\"?>\n<config>\n    <module name=\"Acme_Connector\"/>\n</config>\n");
    CHECK(edited_paths(d.fixes[1]) == std::vector<std::string>{kAcmeReg});
    const std::string reg = apply_fix(d.fixes[1], kAcmeReg, t.text(kAcmeReg));
    CHECK_THAT(reg, Catch::Contains("ComponentRegistrar::MODULE, 'Acme_Conector', __DIR__"));
}

TEST_CASE("module-name-mismatch: outside app/code only registration.php counts") {
    Tree t;
    const std::string dir = kRoot + "/vendor/acme/module-sync";
    const std::string xml = "<config><module name=\"acme_Sync\" setup_version=\"1.0.0\"/></config>";
    t.add(dir + "/etc/module.xml", xml).registration(dir, "Acme_Sync");
    auto ds = t.diagnose(dir + "/etc/module.xml", "module-name-mismatch");
    REQUIRE(ds.size() == 1);
    CHECK(slice(xml, ds[0].range) == "acme_Sync");
    CHECK_THAT(ds[0].message, Catch::Contains("case-sensitive"));
    REQUIRE(ds[0].fixes.size() == 2);
    CHECK(ds[0].fixes[0].preferred);
    CHECK(apply_fix(ds[0].fixes[0], dir + "/etc/module.xml", xml) ==
          "<config><module name=\"Acme_Sync\" setup_version=\"1.0.0\"/></config>");
}

TEST_CASE("module-name-mismatch: a name that agrees with registration.php but not the folder") {
    Tree t;
    const std::string xml = "<config>\n    <module name=\"Acme_Sync\"/>\n</config>\n";
    t.add(kAcmeXml, xml).registration(kAcme, "Acme_Sync");
    auto ds = t.diagnose(kAcmeXml, "module-name-mismatch");
    REQUIRE(ds.size() == 1);
    CHECK(slice(xml, ds[0].range) == "Acme_Sync");
    CHECK_THAT(ds[0].message,
               Catch::Contains("app/code/Acme/Connector") && Catch::Contains("'Acme_Connector'"));
    CHECK(ds[0].related.empty());
    REQUIRE(ds[0].fixes.size() == 1);
    const Fix& fix = ds[0].fixes[0];
    CHECK(apply_fix(fix, kAcmeXml, xml) ==
          "<config>\n    <module name=\"Acme_Connector\"/>\n</config>\n");
    CHECK_THAT(apply_fix(fix, kAcmeReg, t.text(kAcmeReg)),
               Catch::Contains("ComponentRegistrar::MODULE, 'Acme_Connector', __DIR__"));
}

TEST_CASE("module-name-mismatch: all three disagree, so no fix is preferred") {
    Tree t;
    const std::string xml = "<config><module name=\"Acme_Foo\"/></config>";
    t.add(kAcmeXml, xml).registration(kAcme, "Acme_Bar");
    auto ds = t.diagnose(kAcmeXml, "module-name-mismatch");
    REQUIRE(ds.size() == 1);
    CHECK_THAT(ds[0].message, Catch::Contains("'Acme_Bar'") && Catch::Contains("'Acme_Connector'"));
    REQUIRE(ds[0].fixes.size() == 2);
    CHECK_FALSE(ds[0].fixes[0].preferred);
    CHECK_FALSE(ds[0].fixes[1].preferred);
}

TEST_CASE("module-name-mismatch: agreeing names, unknown registration, no folder rule") {
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").registration(kAcme, "Acme_Connector");
    CHECK(t.diagnose(kAcmeXml, "module-name-mismatch").empty());

    Tree no_reg; // registration.php not in view: the folder alone agrees
    no_reg.module_xml(kAcme, "Acme_Connector");
    CHECK(no_reg.diagnose(kAcmeXml, "module-name-mismatch").empty());

    Tree vendor; // composer layout: folder names say nothing
    const std::string dir = kRoot + "/vendor/acme/module-connector";
    vendor.module_xml(dir, "Acme_Connector").registration(dir, "Acme_Connector");
    CHECK(vendor.diagnose(dir + "/etc/module.xml", "module-name-mismatch").empty());

    Tree nested; // app/code/Acme/Connector/Sub is not a module folder of app/code
    const std::string sub = kAcme + "/Sub";
    nested.module_xml(sub, "Acme_Other");
    CHECK(nested.diagnose(sub + "/etc/module.xml", "module-name-mismatch").empty());
}

// ---- unknown-module ------------------------------------------------------------------------

TEST_CASE("unknown-module: a misspelt dependency, with a replace fix") {
    const std::string xml = R"(<?xml version="1.0"?>
<config>
    <module name="Acme_Connector">
        <sequence>
            <module name="Magento_Store"/>
            <module name="Magento_Sale"/>
            <module name="Magneto_Backend"/>
        </sequence>
    </module>
</config>
)";
    Tree t;
    t.core().add(kAcmeXml, xml);
    auto ds = t.diagnose(kAcmeXml, "unknown-module");
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].severity == Severity::Warning);
    CHECK(slice(xml, ds[0].range) == "Magento_Sale");
    CHECK_THAT(ds[0].message, Catch::Contains("'Magento_Sale'") &&
                                  Catch::Contains("'Acme_Connector'") &&
                                  Catch::Contains("Did you mean 'Magento_Sales'?"));
    REQUIRE(ds[0].fixes.size() == 1);
    std::string fixed = xml;
    fixed.replace(fixed.find("Magento_Sale\""), 12, "Magento_Sales");
    CHECK(apply_fix(ds[0].fixes[0], kAcmeXml, xml) == fixed);
    const std::string sales_xml = module_dir("Magento", "Sales") + "/etc/module.xml";
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].location.path == sales_xml);
    CHECK(slice(t.text(sales_xml), ds[0].related[0].location.range) == "Magento_Sales");

    // The same module under a misspelt vendor.
    CHECK(slice(xml, ds[1].range) == "Magneto_Backend");
    REQUIRE(ds[1].fixes.size() == 1);
    CHECK(ds[1].fixes[0].changes.at(0).edits.at(0).new_text == "Magento_Backend");
}

TEST_CASE("unknown-module: a missing third-party module is reported without a fix") {
    const std::string xml = "<config><module name=\"Acme_Connector\"><sequence>"
                            "<module name=\"Zed_Base\"/></sequence></module></config>";
    Tree t;
    t.core().add(kAcmeXml, xml);
    auto ds = t.diagnose(kAcmeXml, "unknown-module");
    REQUIRE(ds.size() == 1);
    CHECK(slice(xml, ds[0].range) == "Zed_Base");
    CHECK(ds[0].fixes.empty());
}

TEST_CASE("unknown-module: known modules, Commerce-only Magento modules, no core") {
    const std::string xml = "<config><module name=\"Acme_Connector\"><sequence>"
                            "<module name=\"Magento_Store\"/>"
                            "<module name=\"Magento_AdvancedCheckout\"/>"
                            "<module name=\"Acme_Connector\"/>"
                            "</sequence></module></config>";
    Tree t;
    t.core().add(kAcmeXml, xml);
    CHECK(t.diagnose(kAcmeXml, "unknown-module").empty());

    // Without Magento's core the tree cannot know which modules exist.
    const std::string typo = "<config><module name=\"Acme_Connector\"><sequence>"
                             "<module name=\"Magento_Sale\"/><module name=\"Zed_Base\"/>"
                             "</sequence></module></config>";
    Tree standalone;
    standalone.add(kAcmeXml, typo);
    CHECK(standalone.diagnose(kAcmeXml, "unknown-module", &bundled_catalog()).empty());
}

TEST_CASE("unknown-module: a module known only by its registration.php counts") {
    Tree t;
    const std::string dir = module_dir("Zed", "Base");
    t.core().registration(dir, "Zed_Base");
    const std::string xml = "<config><module name=\"Acme_Connector\"><sequence>"
                            "<module name=\"Zed_Base\"/></sequence></module></config>";
    t.add(kAcmeXml, xml);
    CHECK(t.diagnose(kAcmeXml, "unknown-module").empty());
}

// ---- missing-integration-sequence ----------------------------------------------------------

TEST_CASE("missing-integration-sequence: added after the last dependency, same indentation") {
    Tree t;
    t.core().add(kAcmeIntegration, kIntegrationXml);
    const std::string xml = R"(<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Acme_Connector">
        <sequence>
            <module name="Magento_Store"/>
            <!-- orders first -->
            <module name="Magento_Sales"/>
        </sequence>
    </module>
</config>
)";
    t.add(kAcmeXml, xml);
    auto ds = t.diagnose(kAcmeXml, "missing-integration-sequence");
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds[0];
    // Advice only: nothing fails in 2.4 (schemas before data; Integration\Setup\Recurring
    // reads every module's integration.xml).
    CHECK(d.severity == Severity::Info);
    CHECK(slice(xml, d.range) == "Acme_Connector");
    CHECK_THAT(d.message, Catch::Contains("'Acme_Connector'") &&
                              Catch::Contains("(etc/integration.xml)") &&
                              Catch::Contains("Nothing fails in Magento 2.4"));
    REQUIRE(d.related.size() == 1);
    CHECK(d.related[0].location.path == kAcmeIntegration);
    CHECK(slice(kIntegrationXml, d.related[0].location.range) == "AcmeSync");
    REQUIRE(d.fixes.size() == 1);
    CHECK(d.fixes[0].preferred);
    CHECK(apply_fix(d.fixes[0], kAcmeXml, xml) == R"(<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Acme_Connector">
        <sequence>
            <module name="Magento_Store"/>
            <!-- orders first -->
            <module name="Magento_Sales"/>
            <module name="Magento_Integration"/>
        </sequence>
    </module>
</config>
)");
}

TEST_CASE("missing-integration-sequence: a self-closing module is opened (fixture file)") {
    Tree t;
    t.add(kAcmeIntegration, kIntegrationXml);
    CHECK(with_integration_fix(t, read_fixture("module_self_closing.xml")) ==
          read_fixture("module_self_closing.fixed.xml"));
}

TEST_CASE("missing-integration-sequence: a module without <sequence> gets one") {
    Tree t;
    t.add(kAcme + "/etc/integration/config.xml",
          "<integrations><integration name=\"AcmeSync\"><email>a@b.example</email>"
          "</integration></integrations>");
    CHECK(with_integration_fix(t, "<config>\n  <module name=\"Acme_Connector\">\n  </module>\n"
                                  "</config>\n") ==
          "<config>\n  <module name=\"Acme_Connector\">\n    <sequence>\n"
          "      <module name=\"Magento_Integration\"/>\n    </sequence>\n  </module>\n"
          "</config>\n");
}

TEST_CASE("missing-integration-sequence: CRLF and tabs are kept") {
    Tree t;
    t.add(kAcme + "/etc/integration/api.xml",
          "<integrations><integration name=\"AcmeSync\"><resources><resource "
          "name=\"Magento_Sales::sales\"/></resources></integration></integrations>");
    CHECK(with_integration_fix(
              t, crlf("<?xml version=\"1.0\"?>\n<config>\n\t<module name=\"Acme_Connector\" "
                      "setup_version=\"2.0.0\" />\n</config>\n")) ==
          crlf("<?xml version=\"1.0\"?>\n<config>\n\t<module name=\"Acme_Connector\" "
               "setup_version=\"2.0.0\">\n\t\t<sequence>\n\t\t\t<module "
               "name=\"Magento_Integration\"/>\n\t\t</sequence>\n\t</module>\n</config>\n"));
    CHECK(with_integration_fix(t, crlf("<config>\n\t<module name=\"Acme_Connector\">\n"
                                       "\t\t<sequence>\n\t\t\t<module name=\"Magento_Store\"/>\n"
                                       "\t\t</sequence>\n\t</module>\n</config>\n")) ==
          crlf("<config>\n\t<module name=\"Acme_Connector\">\n\t\t<sequence>\n\t\t\t<module "
               "name=\"Magento_Store\"/>\n\t\t\t<module name=\"Magento_Integration\"/>\n"
               "\t\t</sequence>\n\t</module>\n</config>\n"));
}

TEST_CASE("missing-integration-sequence: empty and inline sequences") {
    Tree t;
    t.add(kAcmeIntegration, kIntegrationXml);
    CHECK(with_integration_fix(t, "<config>\n    <module name=\"Acme_Connector\">\n"
                                  "        <sequence/>\n    </module>\n</config>\n") ==
          "<config>\n    <module name=\"Acme_Connector\">\n        <sequence>\n"
          "            <module name=\"Magento_Integration\"/>\n        </sequence>\n"
          "    </module>\n</config>\n");
    CHECK(with_integration_fix(t, "<config>\n    <module name=\"Acme_Connector\">\n"
                                  "        <sequence></sequence>\n    </module>\n</config>\n") ==
          "<config>\n    <module name=\"Acme_Connector\">\n        <sequence>\n"
          "            <module name=\"Magento_Integration\"/>\n        </sequence>\n"
          "    </module>\n</config>\n");
    CHECK(with_integration_fix(t,
                               "<config><module name=\"Acme_Connector\"><sequence>"
                               "<module name=\"Magento_Store\"/></sequence></module></config>") ==
          "<config><module name=\"Acme_Connector\"><sequence><module name=\"Magento_Store\"/>"
          "<module name=\"Magento_Integration\"/></sequence></module></config>");
}

TEST_CASE("missing-integration-sequence: not without integration config or with the dependency") {
    Tree t;
    t.core().module_xml(kAcme, "Acme_Connector");
    CHECK(t.diagnose(kAcmeXml, "missing-integration-sequence").empty());

    t.add(kAcmeIntegration, kIntegrationXml)
        .add(kAcmeXml, "<config><module name=\"Acme_Connector\"><sequence>"
                       "<module name=\"Magento_Integration\"/></sequence></module></config>");
    CHECK(t.diagnose(kAcmeXml, "missing-integration-sequence").empty());

    // Another module's integration config does not count for this one.
    Tree other;
    other.module_xml(kAcme, "Acme_Connector")
        .add(module_dir("Acme", "Other") + "/etc/integration.xml", kIntegrationXml);
    CHECK(other.diagnose(kAcmeXml, "missing-integration-sequence").empty());
}

TEST_CASE("missing-integration-sequence: an unclosed module element gets no fix") {
    Tree t;
    t.add(kAcmeIntegration, kIntegrationXml);
    const std::string xml = "<config>\n    <module name=\"Acme_Connector\">\n";
    t.add(kAcmeXml, xml);
    auto ds = t.diagnose(kAcmeXml, "missing-integration-sequence");
    REQUIRE(ds.size() == 1);
    CHECK(slice(xml, ds[0].range) == "Acme_Connector");
    CHECK(ds[0].fixes.empty());
}

TEST_CASE("module.xml rules survive broken input") {
    Tree t;
    t.core().add(kAcmeIntegration, kIntegrationXml).registration(kAcme, "Acme_Connector");
    for (std::string text :
         {std::string("<config><module name=\"Acme_Connector\"><sequence><module name="),
          std::string("<config><module name=\"\"/><module name=\"A_B\"/></config>"),
          std::string("<config><module/></config>"), std::string("<module name=\"x\"/>"),
          std::string("\0\xff<<<>>>", 8), std::string()}) {
        t.add(kAcmeXml, text);
        Engine engine(t.snapshot());
        CHECK_NOTHROW(engine.diagnose(kAcmeXml));
    }
}

} // namespace rules_test
