// LSP transcripts: indexing progress, requests while the index builds, pull diagnostics,
// settings (initializationOptions, didChangeConfiguration), cancellation.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

// A tree with many modules, so that indexing takes a while.
void add_generated_modules(const TempCopy& tree, int count) {
    for (int i = 0; i < count; ++i) {
        const std::string name = "Gen_M" + std::to_string(i);
        const std::string dir = "app/code/Gen/M" + std::to_string(i);
        tree.write(dir + "/etc/module.xml", "<config><module name=\"" + name + "\"/></config>\n");
        tree.write(dir + "/registration.php",
                   "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
                   "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, '" +
                       name + "', __DIR__);\n");
        tree.write(dir + "/etc/acl.xml",
                   "<config><acl><resources><resource id=\"Magento_Backend::admin\">"
                   "<resource id=\"" +
                       name + "::top\" title=\"Generated " + std::to_string(i) +
                       "\"/></resource></resources></acl></config>\n");
    }
}

std::size_t index_in_log(const std::vector<json>& log,
                         const std::function<bool(const json&)>& pred) {
    for (std::size_t i = 0; i < log.size(); ++i)
        if (pred(log[i])) return i;
    return log.size();
}

} // namespace

TEST_CASE("progress: create, then begin, report and end on the same token") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root(), {{"window", {{"workDoneProgress", true}}}});
    json create = c.wait_server_request("window/workDoneProgress/create");
    const json token = create["params"]["token"];
    REQUIRE((token.is_string() || token.is_number_integer()));
    auto on_token = [&](const json& p) { return p["token"] == token; };
    json begin = c.wait_notification("$/progress", on_token);
    CHECK(begin["value"]["kind"] == "begin");
    CHECK(begin["value"]["title"].is_string());
    json next = c.wait_notification("$/progress", on_token);
    int reports = 0;
    while (next["value"]["kind"] == "report") {
        ++reports;
        CHECK(next["value"]["percentage"].get<int>() <= 100);
        next = c.wait_notification("$/progress", on_token);
    }
    CHECK(reports >= 1);
    CHECK(next["value"]["kind"] == "end");
    // Nothing more on that token.
    c.drain(200ms);
    for (const auto& n : c.notifications())
        CHECK_FALSE((n["method"] == "$/progress" && n["params"]["token"] == token));
    // The create request came before any $/progress.
    const auto& log = c.log();
    auto create_at = index_in_log(log, [](const json& m) {
        return m.value("method", "") == "window/workDoneProgress/create";
    });
    auto begin_at =
        index_in_log(log, [](const json& m) { return m.value("method", "") == "$/progress"; });
    CHECK(create_at < begin_at);
}

TEST_CASE("progress: none without window.workDoneProgress") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, tree.read(kExampleIntegration));
    c.wait_diagnostics(uri); // the index was built
    c.drain(100ms);
    for (const auto& m : c.log()) {
        CHECK(m.value("method", "") != "$/progress");
        CHECK(m.value("method", "") != "window/workDoneProgress/create");
    }
}

TEST_CASE("requests are answered while the index builds; diagnostics follow the index") {
    TempCopy tree(example_dir());
    add_generated_modules(tree, 400);
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    ServerOptions options = LspClient::fast_options();
    options.index_threads = 1;
    LspClient c(options);
    c.initialize(tree.root(), {{"window", {{"workDoneProgress", true}}}});
    c.open(uri, text);
    int hover_id =
        c.send_request("textDocument/hover",
                       {{"textDocument", td(uri)}, {"position", position_after(text, "<ema")}});
    int completion_id = c.send_request(
        "textDocument/completion",
        {{"textDocument", td(uri)}, {"position", position_after(text, "Magento_Sales::sa")}});
    json hover = c.response(hover_id);
    json completion = c.response(completion_id);
    // Schema docs need no index.
    REQUIRE(hover.contains("result"));
    CHECK(hover["result"]["contents"]["value"].get<std::string>().find("Contact address") !=
          std::string::npos);
    REQUIRE(completion.contains("result"));
    CHECK(completion["result"]["items"].is_array());
    // Both answers came before the index was done.
    auto end_at = index_in_log(c.log(), [](const json& m) {
        return m.value("method", "") == "$/progress" && m["params"]["value"]["kind"] == "end";
    });
    CHECK(end_at == c.log().size());

    // The first diagnostics are published once the index is ready, against the whole tree.
    json p = c.wait_diagnostics(uri);
    const json* unknown = find_diagnostic(p, "unknown-resource");
    REQUIRE(unknown);
    CHECK((*unknown)["range"] == lsp_range(text, "Magento_Log::online"));
    json end = c.wait_notification("$/progress",
                                   [](const json& p) { return p["value"]["kind"] == "end"; });
    CHECK(end["value"]["message"].get<std::string>().find("files") != std::string::npos);
    // Now completion sees the generated ids.
    json items = c.result("textDocument/completion",
                          {{"textDocument", td(uri)},
                           {"position", position_after(text, "Magento_Sales::sa")}})["items"];
    CHECK(items.size() >= 3);
}

TEST_CASE("pull diagnostics when the client advertises them") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    json init = c.initialize(tree.root(),
                             {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}},
                              {"workspace", {{"diagnostics", {{"refreshSupport", true}}}}}});
    CHECK(init["capabilities"]["diagnosticProvider"].is_object());
    c.open(uri, text);
    c.wait_server_request("workspace/diagnostic/refresh"); // the index is ready
    json r = c.result("textDocument/diagnostic", {{"textDocument", td(uri)}});
    CHECK(r["kind"] == "full");
    bool unknown = false;
    for (const auto& d : r["items"])
        if (d["code"] == "unknown-resource") {
            unknown = true;
            CHECK(d["range"] == lsp_range(text, "Magento_Log::online"));
        }
    CHECK(unknown);
    // A change is seen by the next pull; nothing is pushed.
    c.notify("textDocument/didChange",
             {{"textDocument", {{"uri", uri}, {"version", 2}}},
              {"contentChanges",
               {{{"range", lsp_range(text, "Magento_Log")}, {"text", "Magento_Customer"}}}}});
    r = c.result("textDocument/diagnostic", {{"textDocument", td(uri)}});
    for (const auto& d : r["items"])
        CHECK(d["code"] != "unknown-resource");
    c.drain(150ms);
    for (const auto& n : c.notifications())
        CHECK(n["method"] != "textDocument/publishDiagnostics");
    // Pulling for a file that is neither open nor indexed: empty, or an error.
    json other =
        c.request("textDocument/diagnostic",
                  {{"textDocument", td(tree.uri("app/code/Acme/None/etc/integration.xml"))}});
    CHECK((other.contains("error") || other["result"]["items"].empty()));
}

TEST_CASE("initializationOptions: severity override and \"off\", insertParents") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    c.initialize(
        tree.root(), json::object(),
        {{"severity",
          {{"unknown-resource", "warning"}, {"missing-parent", "off"}, {"insecure-url", "hint"}}},
         {"completion", {{"insertParents", false}}}});
    c.open(uri, text);
    json p = c.wait_diagnostics(uri);
    const json* unknown = find_diagnostic(p, "unknown-resource");
    REQUIRE(unknown);
    CHECK((*unknown)["severity"] == 2);
    CHECK_FALSE(find_diagnostic(p, "missing-parent"));
    const json* insecure = find_diagnostic(p, "insecure-url");
    REQUIRE(insecure);
    CHECK((*insecure)["severity"] == 4);
    json items =
        c.result("textDocument/completion",
                 {{"textDocument", td(uri)},
                  {"position", position_after(text, "Magento_Sales::actions_v")}})["items"];
    REQUIRE(items.size() == 1);
    CHECK_FALSE(items[0].contains("additionalTextEdits"));

    // didChangeConfiguration (client without workspace/configuration) changes them again.
    c.notify(
        "workspace/didChangeConfiguration",
        {{"settings", {{"magentoIntegration", {{"severity", {{"unknown-resource", "error"}}}}}}}});
    p = c.wait_diagnostics(uri);
    unknown = find_diagnostic(p, "unknown-resource");
    REQUIRE(unknown);
    CHECK((*unknown)["severity"] == 1);
    CHECK(find_diagnostic(p, "missing-parent")); // the new map replaces the old one
}

TEST_CASE("initializationOptions: knownResources and knownModules") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root(), json::object(),
                 {{"knownResources", json::array({"Magento_Log::online"})}});
    c.open(uri, tree.read(kExampleIntegration));
    CHECK_FALSE(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource"));
    // Replaced by the next settings: the id is unknown again, until its module is known.
    c.notify("workspace/didChangeConfiguration",
             {{"settings", {{"magentoIntegration", {{"knownResources", json::array()}}}}}});
    CHECK(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource"));
    c.notify(
        "workspace/didChangeConfiguration",
        {{"settings", {{"magentoIntegration", {{"knownModules", json::array({"Magento_Log"})}}}}}});
    CHECK_FALSE(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource"));
}

TEST_CASE("workspace/configuration is asked for when the client supports it") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.answer = [](const json& request) -> json {
        if (request["method"] == "workspace/configuration")
            return json::array({{{"severity", {{"unknown-resource", "off"}}}}});
        return nullptr;
    };
    c.initialize(tree.root(), {{"workspace", {{"configuration", true}}}});
    json ask = c.wait_server_request("workspace/configuration");
    CHECK(ask["params"]["items"][0]["section"] == "magentoIntegration");
    c.open(uri, tree.read(kExampleIntegration));
    json p = c.wait_diagnostics(uri);
    CHECK_FALSE(find_diagnostic(p, "unknown-resource"));
    CHECK(find_diagnostic(p, "insecure-url"));
}

TEST_CASE("cancel: a cancelled request is still answered, and the server goes on") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text);
    c.wait_diagnostics(uri);
    // A large document keeps the main loop busy while the requests and their cancellations
    // arrive, so the cancellations land before the requests run.
    std::string big = "<config><integration name=\"Big\"><resources>\n";
    for (int i = 0; i < 5000; ++i)
        big += "<resource name=\"Magento_Sales::sales_order\"/>\n";
    big += "</resources></integration></config>\n";
    c.open(tree.uri("app/code/Acme/Big/etc/integration.xml"), big);
    json params = {{"textDocument", td(uri)},
                   {"position", position_after(text, "Magento_Sales::sa")}};
    std::vector<int> ids;
    for (int i = 0; i < 20; ++i) {
        ids.push_back(c.send_request("textDocument/completion", params));
        c.notify("$/cancelRequest", {{"id", ids.back()}});
    }
    int cancelled = 0;
    for (int id : ids) {
        json r = c.response(id);
        if (r.contains("error")) {
            CHECK(r["error"]["code"] == -32800);
            ++cancelled;
        } else {
            CHECK(r["result"]["items"].is_array());
        }
    }
    CHECK(cancelled > 0);
    // Cancelling what is unknown or already answered does nothing.
    c.notify("$/cancelRequest", {{"id", 99999}});
    c.notify("$/cancelRequest", {{"id", ids.front()}});
    json r = c.request("textDocument/completion", params);
    REQUIRE(r.contains("result"));
    CHECK_FALSE(r["result"]["items"].empty());
}
