// What the messages claim Magento does, against what Magento 2.4.8-p1's PHP does (issue 21,
// item 6): severities and wording of integration-missing-email, missing-parent,
// missing-integration-sequence, insecure-url / invalid-url, acl-missing-title, the
// processIntegrationConfig() hint and unknown ids in a legacy api.xml.
#include "cursor.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

std::vector<Diagnostic> claims_diagnose(const std::string& path, const std::string& text,
                                        std::vector<SourceFile> extra = {}) {
    Engine engine(core_snapshot(std::move(extra)));
    engine.open(path, text);
    return engine.diagnose(path);
}

std::string integration(std::string_view name, std::string_view children) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"" + std::string(name) +
           "\">\n" + std::string(children) + "    </integration>\n</config>\n";
}

} // namespace

// Consolidated\Converter::convert reads getElementsByTagName('email')->item(0)->nodeValue:
// without any <email> in the merged integration, setup:upgrade fails.
TEST_CASE("integration-missing-email is an error: setup:upgrade fails on the null read") {
    const std::string text =
        integration("NoMail", "        <resources>\n            <resource "
                              "name=\"Magento_Sales::sales\"/>\n        </resources>\n");
    const Diagnostic d = only(claims_diagnose(kAcmeIntegration, text), "integration-missing-email");
    CHECK(d.severity == Severity::Error);
    CHECK(slice(text, d.range) == "NoMail");
    CHECK(contains(d.message, "setup:upgrade fails"));
    CHECK(contains(d.message, "nodeValue"));
    CHECK_FALSE(contains(d.message, "empty email"));
}

TEST_CASE("integration-missing-email: an email from another module's file, or an empty one") {
    const std::string text = integration("Shared", "");
    // The merged integration has the other module's email: nothing fails.
    const std::string other = std::string(kRoot) + "/app/code/Other/Mod/etc/integration.xml";
    auto ds = claims_diagnose(
        kAcmeIntegration, text,
        {{other, integration("Shared", "        <email>a@b.cd</email>\n")},
         {std::string(kRoot) + "/app/code/Other/Mod/etc/module.xml", module_xml("Other_Mod")}});
    CHECK(with_code(ds, "integration-missing-email").empty());
    // <email></email> is read as "" (item(0) is not null): not this rule's finding.
    const std::string empty = integration("Empty", "        <email></email>\n");
    CHECK(with_code(claims_diagnose(kAcmeIntegration, empty), "integration-missing-email").empty());
}

// Consolidated\Converter::addParentsToResource adds and grants every ancestor: a hint.
TEST_CASE("missing-parent in integration.xml is a hint saying Magento adds the parents") {
    const std::string text = integration(
        "X", "        <email>a@b.cd</email>\n        <resources>\n"
             "            <resource name=\"Magento_Customer::online\"/>\n        </resources>\n");
    const Diagnostic d = only(claims_diagnose(kAcmeIntegration, text), "missing-parent");
    CHECK(d.severity == Severity::Hint);
    CHECK(contains(d.message, "Magento adds the ancestors itself and grants them"));
    CHECK(contains(d.message, "guide"));
    CHECK_FALSE(contains(d.message, "unchecked"));
    REQUIRE(d.fixes.size() == 1); // the fix that lists them stays
}

// Rules::saveRel: allow for the listed ids, deny for every other resource of the ACL.
TEST_CASE("missing-parent in api.xml is a warning: the parents are denied") {
    const std::string api = "<?xml version=\"1.0\"?>\n<integrations>\n    <integration "
                            "name=\"X\">\n        <resources>\n            <resource "
                            "name=\"Magento_Customer::online\"/>\n        </resources>\n    "
                            "</integration>\n</integrations>\n";
    const Diagnostic d = only(claims_diagnose(kAcmeApi, api), "missing-parent");
    CHECK(d.severity == Severity::Warning);
    CHECK(contains(d.message, "Magento_Customer::customer"));
    CHECK(contains(d.message, "the parent is denied"));
    CHECK(contains(d.message, "refused"));
    CHECK_FALSE(contains(d.message, "stored exactly"));
}

TEST_CASE("unknown-resource in api.xml: only ids of the ACL get permission rows") {
    const std::string api = "<?xml version=\"1.0\"?>\n<integrations>\n    <integration "
                            "name=\"X\">\n        <resources>\n            <resource "
                            "name=\"Magento_Sales::nope\"/>\n        </resources>\n    "
                            "</integration>\n</integrations>\n";
    const Diagnostic d = only(claims_diagnose(kAcmeApi, api), "unknown-resource");
    CHECK(contains(d.message, "only for ids of the ACL"));
    CHECK(contains(d.message, "grants nothing"));
    CHECK_FALSE(contains(d.message, "as listed"));
}

TEST_CASE("missing-integration-sequence is info: nothing fails in Magento 2.4") {
    const std::string acme_xml = kAcmeDir + "/etc/module.xml";
    Engine engine(
        core_snapshot({{kAcmeIntegration, integration("X", "        <email>a@b.cd</email>\n")}}));
    auto ds = engine.diagnose(acme_xml);
    const Diagnostic d = only(ds, "missing-integration-sequence");
    CHECK(d.severity == Severity::Info);
    CHECK(contains(d.message, "Nothing fails"));
    CHECK(contains(d.message, "guide"));
    REQUIRE(d.fixes.size() == 1);
}

// Name::isUrlSecure flags only a lower-case "http:" prefix; the token exchange (and with it
// the post to endpoint_url) runs only when both URLs are set (Link\Activate).
TEST_CASE("insecure-url: http:// in either case, with the grid note only for lower case") {
    const std::string text =
        integration("X", "        <email>a@b.cd</email>\n"
                         "        <endpoint_url>http://acme.example/e</endpoint_url>\n"
                         "        <identity_link_url>HTTP://acme.example/i</identity_link_url>\n");
    auto ds = claims_diagnose(kAcmeIntegration, text);
    auto urls = with_code(ds, "insecure-url");
    REQUIRE(urls.size() == 2);
    CHECK(with_code(ds, "invalid-url").empty());
    const Diagnostic& e = *urls[0];
    const Diagnostic& i = *urls[1];
    CHECK(slice(text, e.range) == "http://acme.example/e");
    CHECK(e.severity == Severity::Warning);
    CHECK(contains(e.message, "posts the OAuth consumer key"));
    CHECK(contains(e.message, "Integration not secure"));
    CHECK_FALSE(contains(i.message, "Integration not secure"));
    REQUIRE(i.fixes.size() == 1);
    CHECK(apply_fix(text, i.fixes[0], kAcmeIntegration).find("https://acme.example/i") !=
          std::string::npos);
}

TEST_CASE("insecure-url alone: Magento posts only once identity_link_url is set too") {
    const std::string text =
        integration("X", "        <email>a@b.cd</email>\n"
                         "        <endpoint_url>http://a.example/e</endpoint_url>\n");
    const Diagnostic d = only(claims_diagnose(kAcmeIntegration, text), "insecure-url");
    CHECK(contains(d.message, "once the integration also has an identity_link_url"));
}

TEST_CASE("invalid-url: not an absolute URL; an error only when activation posts to it") {
    const std::string both =
        integration("X", "        <email>a@b.cd</email>\n"
                         "        <endpoint_url>localhost:9001/init</endpoint_url>\n"
                         "        <identity_link_url>https://acme.example/i</identity_link_url>\n");
    auto ds = claims_diagnose(kAcmeIntegration, both);
    CHECK(with_code(ds, "insecure-url").empty());
    const Diagnostic d = only(ds, "invalid-url");
    CHECK(d.severity == Severity::Error);
    CHECK(slice(both, d.range) == "localhost:9001/init");
    CHECK(contains(d.message, "not an absolute http(s) URL"));
    CHECK(contains(d.message, "activating the integration fails"));
    CHECK(d.fixes.empty()); // no guess at the right URL

    for (const char* v : {"/magento/endpoint", "ftp://acme.example/x", "https:///path"}) {
        const std::string alone =
            integration("X", "        <email>a@b.cd</email>\n        <endpoint_url>" +
                                 std::string(v) + "</endpoint_url>\n");
        INFO(v);
        const Diagnostic w = only(claims_diagnose(kAcmeIntegration, alone), "invalid-url");
        CHECK(w.severity == Severity::Warning);
        CHECK(contains(w.message, "only when the integration also has an identity_link_url"));
    }
    // Upper-case HTTPS is an https URL.
    const std::string upper =
        integration("X", "        <email>a@b.cd</email>\n        "
                         "<endpoint_url>HTTPS://a.example/e</endpoint_url>\n");
    auto up = claims_diagnose(kAcmeIntegration, upper);
    CHECK(with_code(up, "invalid-url").empty());
    CHECK(with_code(up, "insecure-url").empty());
}

// Integration\Helper\Data::mapResources reads $resource['title'] without a check.
TEST_CASE("acl-missing-title names mapResources and the pages that fail") {
    const std::string acl =
        "<?xml version=\"1.0\"?>\n<config>\n    <acl>\n        <resources>\n"
        "            <resource id=\"Magento_Backend::admin\">\n"
        "                <resource id=\"Acme_Connector::top\"/>\n"
        "            </resource>\n        </resources>\n    </acl>\n</config>\n";
    const std::string path = kAcmeDir + "/etc/acl.xml";
    Engine engine(core_snapshot({{path, acl}}));
    const Diagnostic d = only(engine.diagnose(path), "acl-missing-title");
    CHECK(contains(d.message, "Integration\\Helper\\Data::mapResources"));
    CHECK(contains(d.message, "Undefined array key"));
    CHECK_FALSE(contains(d.message, "without a name."));
}

// ConfigBasedIntegrationManager::processIntegrationConfig creates or updates; an admin
// activates (TokensDialog, OAuth token exchange).
TEST_CASE("the processIntegrationConfig() hint says it creates or updates, not activates") {
    const std::string setup = kAcmeDir + "/Setup/InstallData.php";
    const std::string php = "<?php\nnamespace Acme\\Connector\\Setup;\nclass InstallData {\n"
                            "    public function install() {\n"
                            "        $this->integrationManager->processIntegrationConfig(['X']);\n"
                            "    }\n}\n";
    const std::string config =
        "<?xml version=\"1.0\"?>\n<integrations>\n    <integration name=\"X\">\n"
        "        <email>a@b.cd</email>\n    </integration>\n</integrations>\n";
    Engine engine(core_snapshot({{setup, php}, {kAcmeConfig, config}}));
    auto ds = engine.diagnose(setup);
    auto hints = with_code(ds, "deprecated-integration-config");
    REQUIRE(hints.size() == 1);
    CHECK(contains(hints[0]->message, "creates or updates"));
    CHECK(contains(hints[0]->message, "an admin still activates them"));
    CHECK_FALSE(contains(hints[0]->message, "() activates"));
}
