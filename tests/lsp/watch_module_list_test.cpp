// app/etc/config.php changed on disk: the modules it disables change at once (issue 21,
// item 2). The server asks the client to watch it.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

const std::string kModuleListIntegration =
    "<config>\n  <integration name=\"Acme\">\n    <email>a@acme.example</email>\n"
    "    <resources>\n      <resource name=\"Magento_Customer::customer\"/>\n"
    "    </resources>\n  </integration>\n</config>\n";

std::string config_php(int customer) {
    return "<?php\nreturn [\n    'modules' => [\n        'Magento_Backend' => 1,\n"
           "        'Magento_Customer' => " +
           std::to_string(customer) + ",\n    ],\n];\n";
}

} // namespace

TEST_CASE("watch: app/etc/config.php disabling a module, on disk, is seen at once") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string config_uri = tree.uri("app/etc/config.php");
    LspClient c;
    c.initialize(tree.root(),
                 {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}});
    json reg = c.wait_server_request("client/registerCapability");
    bool asked = false;
    for (const auto& w : reg["params"]["registrations"][0]["registerOptions"]["watchers"])
        if (w["globPattern"] == "**/app/etc/config.php") asked = true;
    CHECK(asked);
    c.open(uri, kModuleListIntegration);
    REQUIRE(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource") == nullptr);

    tree.write("app/etc/config.php", config_php(0));
    watched(c, config_uri, 1);
    json p = c.wait_diagnostics(uri);
    const json* d = find_diagnostic(p, "unknown-resource");
    REQUIRE(d != nullptr);
    CHECK((*d)["message"].get<std::string>().find("app/etc/config.php") != std::string::npos);

    tree.write("app/etc/config.php", config_php(1));
    watched(c, config_uri, 2);
    CHECK(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource") == nullptr);

    tree.write("app/etc/config.php", config_php(0));
    watched(c, config_uri, 2);
    REQUIRE(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource") != nullptr);
    std::filesystem::remove(tree.path("app/etc/config.php"));
    watched(c, config_uri, 3);
    CHECK(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource") == nullptr);
}
