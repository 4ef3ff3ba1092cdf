// Writing a new integration from the editor: the code action in an empty etc/integration.xml
// and the workspace/executeCommand form. The server never writes: it hands the client a
// WorkspaceEdit (CreateFile + TextDocumentEdit), which these tests apply to the disk the way
// an editor does, then run our own `check` on the result.
#include "child_process.hpp"
#include "lsp_harness.hpp"
#include "server_binary.hpp"

using namespace mil;
using namespace mil::test;

namespace {

const char* kSyncDir = "app/code/Shop/Sync";
const char* kSyncIntegration = "app/code/Shop/Sync/etc/integration.xml";

json creating_client() {
    return {
        {"window", {{"workDoneProgress", true}}},
        {"workspace",
         {{"applyEdit", true},
          {"workspaceEdit",
           {{"documentChanges", true}, {"resourceOperations", {"create", "rename", "delete"}}}}}}};
}

// The example tree without its own module (whose mistakes are not the scaffold's).
void drop_acme(const TempCopy& tree) {
    std::filesystem::remove_all(tree.path("app/code/Acme"));
}

// Applies a WorkspaceEdit's documentChanges to the disk as an editor would; `open` holds the
// editor's text of open documents (by URI), which edits change and which are then saved.
void apply_edit(const json& edit, std::map<std::string, std::string> open = {}) {
    REQUIRE(edit.contains("documentChanges"));
    std::map<std::string, std::string> texts = std::move(open);
    for (const auto& c : edit["documentChanges"]) {
        if (c.contains("kind")) {
            REQUIRE(c["kind"] == "create");
            auto p = uri_to_path(c["uri"].get<std::string>());
            REQUIRE(p);
            REQUIRE_FALSE(std::filesystem::exists(*p)); // overwrite: false
            texts[c["uri"]] = "";
            continue;
        }
        const std::string uri = c["textDocument"]["uri"];
        REQUIRE(texts.count(uri));
        std::string& t = texts[uri];
        for (const auto& e : c["edits"]) {
            // Whole-document replacements and insertions at 0:0 are all the scaffold makes.
            const auto& r = e["range"];
            REQUIRE(r["start"] == json({{"line", 0}, {"character", 0}}));
            const std::size_t end = r["end"] == r["start"] ? 0 : t.size();
            t.replace(0, end, e["newText"].get<std::string>());
        }
    }
    for (const auto& [uri, text] : texts) {
        auto p = uri_to_path(uri);
        REQUIRE(p);
        std::filesystem::create_directories(std::filesystem::path(*p).parent_path());
        std::ofstream(*p, std::ios::binary) << text;
    }
}

using CheckRun = ShellResult;

CheckRun check(const TempCopy& tree) {
    return run_shell(std::string("'") + mil::test::server_binary() + "' check --fail-on hint '" +
                     tree.root() + "'");
}

const json* find_action(const json& actions, const std::string& kind) {
    for (const auto& a : actions)
        if (a["kind"] == kind) return &a;
    return nullptr;
}

json zero_range() {
    return {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}};
}

// Waits for the end of the indexing progress.
void wait_ready(LspClient& c) {
    c.wait_notification("$/progress",
                        [](const json& p) { return p["value"].value("kind", "") == "end"; });
}

} // namespace

TEST_CASE("scaffold: an empty integration.xml offers to write it and the module's missing files") {
    TempCopy tree(example_dir());
    drop_acme(tree);
    tree.write(kSyncIntegration, "");
    LspClient c;
    c.initialize(tree.root(), creating_client());
    const std::string uri = tree.uri(kSyncIntegration);
    c.open(uri, "\n", 3);
    json actions =
        c.result("textDocument/codeAction", {{"textDocument", {{"uri", uri}}},
                                             {"range", zero_range()},
                                             {"context", {{"diagnostics", json::array()}}}});
    const json* a = find_action(actions, "refactor.rewrite");
    REQUIRE(a);
    CHECK((*a)["title"] == "Write the integration 'Sync' and the files Shop_Sync needs");
    const json& changes = (*a)["edit"]["documentChanges"];
    std::vector<std::string> created;
    for (const auto& ch : changes)
        if (ch.contains("kind")) created.push_back(ch["uri"]);
    CHECK(created == std::vector<std::string>{tree.uri("app/code/Shop/Sync/registration.php"),
                                              tree.uri("app/code/Shop/Sync/etc/module.xml"),
                                              tree.uri("app/code/Shop/Sync/composer.json")});
    // The open document is edited at its version, whole.
    bool edits_open = false;
    for (const auto& ch : changes)
        if (!ch.contains("kind") && ch["textDocument"]["uri"] == uri) {
            edits_open = true;
            CHECK(ch["textDocument"]["version"] == 3);
            CHECK(ch["edits"][0]["range"]["end"] == json({{"line", 1}, {"character", 0}}));
            CHECK(ch["edits"][0]["newText"].get<std::string>().find(
                      "<integration name=\"Sync\">") != std::string::npos);
        }
    CHECK(edits_open);

    apply_edit((*a)["edit"], {{uri, "\n"}});
    // Our own check finds only what the user still has to say: the contact address, an error
    // because without it setup:upgrade fails (Consolidated\Converter::convert).
    CheckRun r = check(tree);
    INFO(r.out);
    CHECK(r.out.find("integration-missing-email") != std::string::npos);
    CHECK(r.out.find("1 error, 0 warnings in 1 file") != std::string::npos);
    CHECK(r.out.find("module-name-mismatch") == std::string::npos);
    CHECK(r.out.find("missing-integration-sequence") == std::string::npos);
}

TEST_CASE(
    "scaffold: existing module files are kept; without CreateFile only the open file is written") {
    TempCopy tree(example_dir());
    drop_acme(tree);
    tree.write(kSyncIntegration, "");
    tree.write("app/code/Shop/Sync/registration.php",
               "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
               "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Shop_Sync', "
               "__DIR__);\n");
    const std::string uri = tree.uri(kSyncIntegration);
    SECTION("a client that creates files") {
        LspClient c;
        c.initialize(tree.root(), creating_client());
        c.open(uri, "");
        json actions = c.result("textDocument/codeAction",
                                {{"textDocument", {{"uri", uri}}}, {"range", zero_range()}});
        const json* a = find_action(actions, "refactor.rewrite");
        REQUIRE(a);
        for (const auto& ch : (*a)["edit"]["documentChanges"])
            if (ch.contains("kind"))
                CHECK(ch["uri"] != tree.uri("app/code/Shop/Sync/registration.php"));
    }
    SECTION("a client that does not") {
        LspClient c;
        c.initialize(tree.root());
        c.open(uri, "");
        json actions = c.result("textDocument/codeAction",
                                {{"textDocument", {{"uri", uri}}}, {"range", zero_range()}});
        const json* a = find_action(actions, "refactor.rewrite");
        REQUIRE(a);
        CHECK((*a)["title"] == "Write the integration 'Sync'");
        REQUIRE((*a)["edit"].contains("changes"));
        CHECK((*a)["edit"]["changes"].size() == 1);
        CHECK((*a)["edit"]["changes"].contains(uri));
    }
    SECTION("not offered once the file has content") {
        LspClient c;
        c.initialize(tree.root(), creating_client());
        c.open(uri, "<config/>\n");
        json actions = c.result("textDocument/codeAction",
                                {{"textDocument", {{"uri", uri}}}, {"range", zero_range()}});
        CHECK_FALSE(find_action(actions, "refactor.rewrite"));
    }
}

TEST_CASE("scaffold: workspace/executeCommand newIntegration sends the files through applyEdit") {
    TempCopy tree(example_dir());
    drop_acme(tree);
    LspClient c;
    json caps = c.initialize(tree.root(), creating_client());
    wait_ready(c);
    CHECK(std::find(caps["capabilities"]["executeCommandProvider"]["commands"].begin(),
                    caps["capabilities"]["executeCommandProvider"]["commands"].end(),
                    "magento-integration-ls.newIntegration") !=
          caps["capabilities"]["executeCommandProvider"]["commands"].end());
    const json args = {{"module", "Shop_Sync"},
                       {"name", "ShopSync"},
                       {"email", "ops@shop.example"},
                       {"endpointUrl", "https://shop.example/endpoint"},
                       {"resources", {"Magento_Sales::actions_view"}},
                       {"acl", true}};
    json r =
        c.result("workspace/executeCommand",
                 {{"command", "magento-integration-ls.newIntegration"}, {"arguments", {args}}});
    CHECK(r["files"].size() == 5);
    json req = c.wait_server_request("workspace/applyEdit");
    const json& edit = req["params"]["edit"];
    std::string integ;
    for (const auto& ch : edit["documentChanges"])
        if (!ch.contains("kind") &&
            ch["textDocument"]["uri"] == tree.uri(std::string(kSyncDir) + "/etc/integration.xml"))
            integ = ch["edits"][0]["newText"];
    // The parents of the granted resource, in tree order, before it.
    auto p1 = integ.find("Magento_Sales::sales\"");
    auto p2 = integ.find("Magento_Sales::sales_order");
    auto p3 = integ.find("Magento_Sales::actions_view");
    REQUIRE(p1 != std::string::npos);
    CHECK(p1 < p2);
    CHECK(p2 < p3);
    apply_edit(edit);
    CheckRun run = check(tree);
    INFO(run.out);
    CHECK(run.code == 0);

    // Again: the files exist now; nothing is sent and the error names them.
    json again =
        c.request("workspace/executeCommand",
                  {{"command", "magento-integration-ls.newIntegration"}, {"arguments", {args}}});
    REQUIRE(again.contains("error"));
    CHECK(again["error"]["code"] == -32803);
    CHECK(again["error"]["message"].get<std::string>().find("registration.php") !=
          std::string::npos);
}

TEST_CASE("scaffold: newIntegration refuses bad arguments and clients that cannot create files") {
    TempCopy tree(example_dir());
    {
        LspClient c;
        c.initialize(tree.root(), creating_client());
        wait_ready(c);
        json r = c.request("workspace/executeCommand",
                           {{"command", "magento-integration-ls.newIntegration"},
                            {"arguments",
                             {{{"module", "Shop_Sync"},
                               {"name", "X1"},
                               {"resources", {"Magento_Log::online"}}}}}});
        REQUIRE(r.contains("error"));
        CHECK(r["error"]["code"] == -32602);
        CHECK(r["error"]["message"].get<std::string>().find("Magento_Customer::online") !=
              std::string::npos);
        r = c.request("workspace/executeCommand",
                      {{"command", "magento-integration-ls.newIntegration"},
                       {"arguments", {{{"module", "shop-sync"}, {"name", "X1"}}}}});
        CHECK(r["error"]["code"] == -32602);
        r = c.request("workspace/executeCommand",
                      {{"command", "magento-integration-ls.newIntegration"}, {"arguments", {42}}});
        CHECK(r["error"]["code"] == -32602);
        for (const auto& m : c.server_requests())
            CHECK(m["method"] != "workspace/applyEdit");
    }
    {
        LspClient c;
        c.initialize(tree.root());
        json r = c.request("workspace/executeCommand",
                           {{"command", "magento-integration-ls.newIntegration"},
                            {"arguments", {{{"module", "Shop_Sync"}, {"name", "ShopSync"}}}}});
        REQUIRE(r.contains("error"));
        CHECK(r["error"]["code"] == -32803);
        CHECK(r["error"]["message"].get<std::string>().find("new-integration") !=
              std::string::npos);
        CHECK_FALSE(std::filesystem::exists(tree.path("app/code/Shop")));
    }
}

TEST_CASE("scaffold: newIntegration writes only inside a workspace folder") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root(), creating_client());
    wait_ready(c);
    json args = {{"module", "Shop_Sync"},
                 {"name", "ShopSync"},
                 {"email", "ops@shop.example"},
                 {"endpointUrl", "https://shop.example/endpoint"},
                 {"resources", {"Magento_Sales::actions_view"}}};
    for (const std::string& folder :
         {std::string("/tmp/elsewhere/Shop/Sync"), tree.root() + "/../outside/Sync"}) {
        INFO(folder);
        args["folder"] = mil::path_to_uri(folder);
        json r = c.request(
            "workspace/executeCommand",
            {{"command", "magento-integration-ls.newIntegration"}, {"arguments", {args}}});
        REQUIRE(r.contains("error"));
        CHECK(r["error"]["message"].get<std::string>().find("workspace folders") !=
              std::string::npos);
    }
    // Inside it: accepted.
    args["folder"] = mil::path_to_uri(tree.root() + "/app/code/Shop/Sync");
    json ok =
        c.result("workspace/executeCommand",
                 {{"command", "magento-integration-ls.newIntegration"}, {"arguments", {args}}});
    CHECK(ok["files"].size() == 4);
}
