// Files changed on disk while documents are open: watched-file events, re-indexing, and
// what closing an unsaved document brings back.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

const char* kCustomerAcl = "app/code/Magento/Customer/etc/acl.xml";
const char* kSalesAcl = "app/code/Magento/Sales/etc/acl.xml";

const std::string kWatchIntegration =
    "<config>\n  <integration name=\"Acme\">\n    <email>a@acme.example</email>\n"
    "    <resources>\n      <resource name=\"Magento_Customer::customer\"/>\n"
    "      <resource name=\"Magento_Customer::online\"/>\n"
    "    </resources>\n  </integration>\n</config>\n";

json watching() {
    return {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}};
}

bool has_unknown(const json& p) {
    return find_diagnostic(p, "unknown-resource") != nullptr;
}

} // namespace

TEST_CASE("watch: the server registers for file events when the client allows it") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root(), watching());
    json reg = c.wait_server_request("client/registerCapability");
    json r = reg["params"]["registrations"][0];
    CHECK(r["method"] == "workspace/didChangeWatchedFiles");
    bool acl = false;
    for (const auto& w : r["registerOptions"]["watchers"])
        if (w["globPattern"] == "**/etc/acl.xml") acl = true;
    CHECK(acl);
}

TEST_CASE("watch: a changed acl.xml on disk is seen by the open integration file") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root(), watching());
    c.open(uri, kWatchIntegration);
    REQUIRE_FALSE(has_unknown(c.wait_diagnostics(uri)));
    std::string acl = tree.read(kCustomerAcl);
    acl.replace(acl.find("Magento_Customer::online"), 24, "Magento_Customer::gone");
    tree.write(kCustomerAcl, acl);
    watched(c, tree.uri(kCustomerAcl));
    CHECK(has_unknown(c.wait_diagnostics(uri)));
    // Deleted.
    std::filesystem::remove(tree.path(kCustomerAcl));
    watched(c, tree.uri(kCustomerAcl), 3);
    json p = c.wait_diagnostics(uri);
    CHECK(has_unknown(p));
}

TEST_CASE("watch: closing an unsaved acl.xml brings back the disk version after other events") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string acl_uri = tree.uri(kCustomerAcl);
    LspClient c;
    c.initialize(tree.root(), watching());
    c.open(uri, kWatchIntegration);
    REQUIRE_FALSE(has_unknown(c.wait_diagnostics(uri)));

    // Unsaved edit: Magento_Customer::online removed in the editor only.
    std::string unsaved = tree.read(kCustomerAcl);
    unsaved.replace(unsaved.find("Magento_Customer::online"), 24, "Magento_Customer::gone");
    c.open(acl_uri, unsaved);
    c.wait_diagnostics(acl_uri);
    REQUIRE(has_unknown(c.wait_diagnostics(uri)));

    // Another file changes on disk meanwhile.
    std::string sales = tree.read(kSalesAcl);
    sales.replace(sales.find("title=\"Ship\""), 12, "title=\"Shipping\"");
    tree.write(kSalesAcl, sales);
    watched(c, tree.uri(kSalesAcl));
    CHECK(has_unknown(c.wait_diagnostics(uri)));

    // Closing without saving: the disk has Magento_Customer::online.
    c.notify("textDocument/didClose", {{"textDocument", td(acl_uri)}});
    c.wait_diagnostics(acl_uri);
    json p = c.wait_diagnostics(uri);
    CHECK_FALSE(has_unknown(p));
    // And the change on disk is still there.
    json h = c.result("textDocument/hover",
                      {{"textDocument", td(uri)},
                       {"position", position_after(kWatchIntegration, "Magento_Customer::cus")}});
    REQUIRE(h.is_object());
}

TEST_CASE("watch: a re-index keeps what it found when later events arrive") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text =
        "<config>\n  <integration name=\"Acme\">\n    <email>a@acme.example</email>\n"
        "    <resources>\n      <resource name=\"Magento_Customer::customer\"/>\n"
        "      <resource name=\"Magento_Customer::segments\"/>\n"
        "    </resources>\n  </integration>\n</config>\n";
    LspClient c;
    c.initialize(tree.root(), watching());
    c.open(uri, text);
    REQUIRE(has_unknown(c.wait_diagnostics(uri)));
    // An event first (the server starts tracking the disk state)...
    watched(c, tree.uri(kSalesAcl));
    CHECK(has_unknown(c.wait_diagnostics(uri)));
    // ...then a change it does not get an event for, picked up by a re-index
    // (vendor/composer/installed.json changed: Composer ran).
    std::string acl = tree.read(kCustomerAcl);
    acl.replace(acl.find("<resource id=\"Magento_Customer::online\""), 0,
                "<resource id=\"Magento_Customer::segments\" title=\"Segments\"/>\n");
    tree.write(kCustomerAcl, acl);
    tree.write("vendor/composer/installed.json", "{\"packages\": []}\n");
    watched(c, tree.uri("vendor/composer/installed.json"));
    json p = c.wait_diagnostics(uri);
    while (has_unknown(p))
        p = c.wait_diagnostics(uri);
    // A later event for another file must not bring back the state before the re-index.
    watched(c, tree.uri(kSalesAcl));
    p = c.wait_diagnostics(uri);
    CHECK_FALSE(has_unknown(p));
}

TEST_CASE("watch: an open file changed on disk shows the disk version once closed") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string acl_uri = tree.uri(kCustomerAcl);
    const std::string text =
        "<config>\n  <integration name=\"Acme\">\n    <email>a@acme.example</email>\n"
        "    <resources>\n      <resource name=\"Magento_Customer::customer\"/>\n"
        "      <resource name=\"Magento_Customer::segments\"/>\n"
        "    </resources>\n  </integration>\n</config>\n";
    for (bool watch : {true, false}) {
        CAPTURE(watch);
        std::string disk = tree.read(kCustomerAcl);
        LspClient c;
        c.initialize(tree.root(), watch ? watching() : json::object());
        c.open(uri, text);
        REQUIRE(has_unknown(c.wait_diagnostics(uri)));
        // The acl.xml is open with unsaved edits while something else rewrites it on disk.
        c.open(acl_uri, disk + "<!-- unsaved -->\n");
        c.wait_diagnostics(acl_uri);
        std::string changed = disk;
        changed.replace(changed.find("<resource id=\"Magento_Customer::online\""), 0,
                        "<resource id=\"Magento_Customer::segments\" title=\"Segments\"/>\n");
        tree.write(kCustomerAcl, changed);
        if (watch) watched(c, acl_uri); // else closing re-reads the module's files
        c.notify("textDocument/didClose", {{"textDocument", td(acl_uri)}});
        json p = c.wait_diagnostics(uri);
        while (has_unknown(p))
            p = c.wait_diagnostics(uri);
        CHECK_FALSE(has_unknown(p));
        tree.write(kCustomerAcl, disk);
    }
}
