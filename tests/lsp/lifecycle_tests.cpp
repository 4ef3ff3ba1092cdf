// LSP transcripts: initialize (encodings, capabilities, options), shutdown and exit codes.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

TEST_CASE("initialize answers utf-8 when the client offers it, else utf-16") {
    TempCopy tree(example_dir());
    {
        LspClient c;
        json r =
            c.initialize(tree.root(), {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}});
        CHECK(r["capabilities"]["positionEncoding"] == "utf-8");
    }
    {
        LspClient c;
        json r = c.initialize(tree.root(), {{"general", {{"positionEncodings", {"utf-16"}}}}});
        CHECK(r["capabilities"]["positionEncoding"] == "utf-16");
    }
    {
        // Neovim 0.7 and VS Code: nothing offered, or utf-16 only.
        LspClient c;
        json r = c.initialize(tree.root());
        CHECK(r["capabilities"]["positionEncoding"] == "utf-16");
        CHECK(r["serverInfo"]["name"].is_string());
        CHECK(r["serverInfo"]["version"].is_string());
    }
}

TEST_CASE("initialize advertises what the server serves") {
    TempCopy tree(example_dir());
    LspClient c;
    json caps = c.initialize(tree.root())["capabilities"];
    CHECK(caps["textDocumentSync"]["openClose"] == true);
    CHECK(caps["textDocumentSync"]["change"] == 2); // incremental
    CHECK(caps["hoverProvider"] == true);
    CHECK(caps["completionProvider"].is_object());
    CHECK(caps["codeActionProvider"].is_object());
    // Pull diagnostics only when the client supports them.
    CHECK_FALSE(caps.contains("diagnosticProvider"));
}

TEST_CASE("shutdown then exit ends with code 0") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root());
    json r = c.request("shutdown");
    CHECK(r.contains("result"));
    CHECK(r["result"].is_null());
    // After shutdown, requests are refused.
    json after =
        c.request("textDocument/hover", {{"textDocument", {{"uri", tree.uri(kExampleIntegration)}}},
                                         {"position", {{"line", 0}, {"character", 0}}}});
    CHECK(after["error"]["code"] == -32600);
    c.notify("exit");
    CHECK(c.exit_code() == 0);
}

TEST_CASE("exit without shutdown ends with code 1") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root());
    c.notify("exit");
    CHECK(c.exit_code() == 1);
}

TEST_CASE("the client closing the stream ends the server with code 1") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root());
    c.raw().close();
    CHECK(c.exit_code() == 1);
}

TEST_CASE("shutdown right after initialized, while the index is being built") {
    // The index thread must not outlive the server or send after the end.
    TempCopy tree(example_dir());
    for (int i = 0; i < 5; ++i) {
        LspClient c;
        c.initialize(tree.root(), {{"window", {{"workDoneProgress", true}}}});
        c.request("shutdown");
        c.notify("exit");
        CHECK(c.exit_code() == 0);
    }
}

TEST_CASE("requests before initialize are refused with -32002") {
    LspClient c;
    json r = c.request("textDocument/hover",
                       {{"textDocument", {{"uri", "file:///x/etc/integration.xml"}}},
                        {"position", {{"line", 0}, {"character", 0}}}});
    CHECK(r["error"]["code"] == -32002);
}
