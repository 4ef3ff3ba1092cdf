// The routes code lens through the protocol: textDocument/codeLens on an integration, the
// command's answer (workspace/executeCommand: the routes as Locations with labels), and
// workspace/codeLens/refresh when the routes may have changed, only to a client that takes it.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

const char* kWebapi = "app/code/Magento/Sales/etc/webapi.xml";

// data/example with tests/fixtures/routes/tree laid over it (Sales routes, Magento_Backend::all).
void add_routes(const TempCopy& tree) {
    std::filesystem::copy(std::string(MIL_SOURCE_DIR) + "/tests/fixtures/routes/tree", tree.root(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
}

// Diagnostics of `uri` once the index is ready (unknown-resource needs the ACL).
void wait_indexed(LspClient& c, const std::string& uri) {
    while (!find_diagnostic(c.wait_diagnostics(uri), "unknown-resource")) {
    }
}

json lens_caps() {
    return {{"workspace", {{"codeLens", {{"refreshSupport", true}}}}}};
}

} // namespace

TEST_CASE("codeLens: each integration says how many REST routes it can call") {
    TempCopy tree(example_dir());
    add_routes(tree);
    const std::string uri = tree.uri(kExampleIntegration);
    std::string text = tree.read(kExampleIntegration);
    LspClient c;
    json init = c.initialize(tree.root(), lens_caps());
    const json& caps = init["capabilities"];
    CHECK(caps["codeLensProvider"]["resolveProvider"] == false);
    const json& commands = caps["executeCommandProvider"]["commands"];
    CHECK(std::find(commands.begin(), commands.end(), "magento-integration-ls.showRoutes") !=
          commands.end());
    c.open(uri, text);
    wait_indexed(c, uri);
    c.wait_server_request("workspace/codeLens/refresh");

    json lenses = c.result("textDocument/codeLens", {{"textDocument", td(uri)}});
    REQUIRE(lenses.size() == 1);
    const json& lens = lenses[0];
    // Magento_Sales::actions_view: GET /V1/orders/:id and GET /V1/orders; the guest route apart.
    CHECK(lens["command"]["title"] == "can call 2 REST routes (and 1 route anyone may call)");
    CHECK(lens["command"]["command"] == "magento-integration-ls.showRoutes");
    CHECK(lens["command"]["arguments"] == json::array({"AcmeConnector"}));
    CHECK(lens["command"]["tooltip"].get<std::string>().find("never their children") !=
          std::string::npos);
    // Over the element's name: `<integration name="AcmeConnector">`.
    const auto at = static_cast<Offset>(text.find("integration name"));
    CHECK(lens["range"] == json({{"start", lsp_position(text, at, Encoding::Utf16)},
                                 {"end", lsp_position(text, at + 11, Encoding::Utf16)}}));

    // The command lists them as Locations in webapi.xml, with their labels.
    json routes =
        c.result("workspace/executeCommand", {{"command", lens["command"]["command"]},
                                              {"arguments", lens["command"]["arguments"]}});
    REQUIRE(routes.size() == 3);
    const std::string webapi = tree.read(kWebapi);
    CHECK(routes[0]["label"] == "GET /V1/orders");
    CHECK(routes[1]["label"] == "GET /V1/orders/:id");
    CHECK(routes[1]["uri"] == tree.uri(kWebapi));
    CHECK(routes[1]["range"] == lsp_range(webapi, "/V1/orders/:id"));
    CHECK(routes[1]["resources"] == json::array({"Magento_Sales::actions_view"}));
    CHECK(routes[1]["module"] == "Magento_Sales");
    CHECK(routes[1]["anonymous"] == false);
    CHECK(routes[2]["label"] == "GET /V1/guest-carts/:cartId");
    CHECK(routes[2]["anonymous"] == true);
    // {"integration": name} works too.
    CHECK(c.result("workspace/executeCommand",
                   {{"command", "magento-integration-ls.showRoutes"},
                    {"arguments", {{{"integration", "AcmeConnector"}}}}}) == routes);

    // Granting Magento_Sales::create (a sibling: never granted through its parent) adds
    // PUT /V1/orders/create; the client is told to ask again.
    const std::string view = "<resource name=\"Magento_Sales::actions_view\"/>";
    text.insert(text.find(view) + view.size(), "<resource name=\"Magento_Sales::create\"/>");
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                        {"contentChanges", {{{"text", text}}}}});
    c.wait_server_request("workspace/codeLens/refresh");
    lenses = c.result("textDocument/codeLens", {{"textDocument", td(uri)}});
    REQUIRE(lenses.size() == 1);
    CHECK(lenses[0]["command"]["title"] == "can call 3 REST routes (and 1 route anyone may call)");
}

TEST_CASE("codeLens: no refresh for a client without it; a bad argument is invalid params") {
    TempCopy tree(example_dir());
    add_routes(tree);
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text);
    wait_indexed(c, uri);
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                        {"contentChanges", {{{"text", text + " "}}}}});
    CHECK(c.result("textDocument/codeLens", {{"textDocument", td(uri)}}).size() == 1);
    for (const json& r : c.server_requests())
        CHECK(r["method"] != "workspace/codeLens/refresh");
    json bad = c.request("workspace/executeCommand",
                         {{"command", "magento-integration-ls.showRoutes"}, {"arguments", {42}}});
    REQUIRE(bad.contains("error"));
    CHECK(bad["error"]["code"] == -32602);
    // An integration nobody declares can call nothing.
    CHECK(c.result("workspace/executeCommand", {{"command", "magento-integration-ls.showRoutes"},
                                                {"arguments", {"Nobody"}}}) == json::array());
}

TEST_CASE("codeLens: none before the index is ready, then a refresh") {
    TempCopy tree(example_dir());
    add_routes(tree);
    const std::string uri = tree.uri(kExampleIntegration);
    // The index waits until the test lets it go.
    std::promise<void> go;
    std::shared_future<void> released = go.get_future().share();
    ServerOptions options = LspClient::fast_options();
    options.build_index = [released](const std::vector<std::string>& folders,
                                     const IndexOptions& io) {
        released.wait();
        return index_folders(folders, io);
    };
    LspClient c(options);
    // Let the index go before the client joins its thread, also when a check fails.
    bool gone = false;
    auto let_go = [&] {
        if (!gone) go.set_value();
        gone = true;
    };
    struct Finally {
        std::function<void()> fn;
        ~Finally() { fn(); }
    } finally{let_go};
    c.initialize(tree.root(), lens_caps());
    c.open(uri, tree.read(kExampleIntegration));
    // Counted from the open document alone, the lens would be wrong: none yet.
    CHECK(c.result("textDocument/codeLens", {{"textDocument", td(uri)}}) == json::array());
    let_go();
    c.wait_server_request("workspace/codeLens/refresh");
    json lenses = c.result("textDocument/codeLens", {{"textDocument", td(uri)}});
    REQUIRE(lenses.size() == 1);
    CHECK(lenses[0]["command"]["title"] == "can call 2 REST routes (and 1 route anyone may call)");
}
