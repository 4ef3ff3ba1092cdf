// Bad protocol input, in-process through the in-memory transport: broken framing, JSON that
// is not a message, params of the wrong type, documents that are not open, positions far out
// of range. After each, the server answers the next request correctly and exits 0 after
// shutdown.
#include "robust_support.hpp"

using namespace mil::robust;

namespace {

// A request whose answer is known: hover on an ACL id of the small tree's integration.xml,
// served from the index (the file is not open).
void check_still_answers(Server& s, const TempDir& t) {
    json r = s.result("textDocument/hover", text_pos(t.uri(kDemoIntegration), 5, 35));
    REQUIRE(r.is_object());
    CHECK(r["contents"]["value"].get<std::string>().find("Acme_Demo::top") != std::string::npos);
}

struct Fixture {
    TempDir tree;
    QuietLog quiet;
    Server server;
    Fixture() {
        write_small_tree(tree);
        server.initialize(tree.root());
        server.wait_indexed();
    }
};

} // namespace

TEST_CASE("robust protocol: a header block without Content-Length is skipped") {
    Fixture f;
    f.server.raw("Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":99,"
                 "\"method\":\"shutdown\"}");
    f.server.raw("X-Junk: 1\r\nContent-Lenght: 12\r\n\r\n");
    check_still_answers(f.server, f.tree);
    // The unframed shutdown was not taken as one: the server still runs.
    CHECK(f.server.result("workspace/symbol", {{"query", "Acme_Demo::child"}}).size() >= 1);
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: a Content-Length that is too short or too long") {
    Fixture f;
    const std::string hover = json{
        {"jsonrpc", "2.0"},
        {"id", 500},
        {"method", "textDocument/hover"},
        {"params", text_pos(f.tree.uri(kDemoIntegration), 5,
                            35)}}.dump();
    SECTION("too short: the body is cut, its tail is junk before the next header") {
        f.server.raw("Content-Length: 10\r\n\r\n" + hover);
        json r = f.server.response(nullptr);
        CHECK(error_code_of(r) == mil::error_code::ParseError);
    }
    SECTION("too long: the body swallows the next message, which is recovered") {
        f.server.raw("Content-Length: " + std::to_string(hover.size() + 40) + "\r\n\r\n" +
                     hover.substr(0, hover.size() - 1)); // invalid JSON, the brace is missing
        f.server.raw(mil::frame(hover));
        f.server.raw(std::string(60, ' ')); // fills the lying length if nothing else does
        json r = f.server.response(500);
        CHECK(r.contains("result"));
    }
    SECTION("non-numeric, negative and huge values") {
        f.server.raw("Content-Length: abc\r\n\r\n");
        f.server.raw("Content-Length: -5\r\n\r\n");
        f.server.raw("Content-Length: 99999999999999999999999999\r\n\r\n");
        f.server.raw("Content-Length: 1e3\r\n\r\n");
    }
    check_still_answers(f.server, f.tree);
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: JSON that is not a request object") {
    Fixture f;
    for (const char* body : {"[1,2,3]", "\"text\"", "42", "null", "[]", "true", "{}",
                             "[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"shutdown\"}]"}) {
        INFO(body);
        f.server.raw(mil::frame(body));
        json r = f.server.response(nullptr);
        CHECK(error_code_of(r) == mil::error_code::InvalidRequest);
    }
    for (const char* body : {"{", "{\"a\":}", "\xff\xfe{}",
                             "{\"jsonrpc\":\"2.0\",\"id\":1,"
                             "\"method\":\"x\xc3\"}"}) {
        INFO(body);
        f.server.raw(mil::frame(body));
        json r = f.server.response(nullptr);
        CHECK(error_code_of(r) == mil::error_code::ParseError);
    }
    // Deep nesting is refused before it reaches a handler.
    std::string deep =
        "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"textDocument/hover\",\"params\":";
    deep += std::string(100000, '[') + std::string(100000, ']') + "}";
    f.server.raw(mil::frame(deep));
    CHECK(error_code_of(f.server.response(77)) == mil::error_code::InvalidRequest);
    // Ids that are neither integers nor strings.
    f.server.send({{"jsonrpc", "2.0"}, {"id", 1.5}, {"method", "workspace/symbol"}});
    CHECK(error_code_of(f.server.response(nullptr)) == mil::error_code::InvalidRequest);
    f.server.send({{"jsonrpc", "2.0"}, {"id", {{"x", 1}}}, {"method", "workspace/symbol"}});
    CHECK(error_code_of(f.server.response(nullptr)) == mil::error_code::InvalidRequest);
    check_still_answers(f.server, f.tree);
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: params of the wrong type") {
    Fixture f;
    const std::string uri = f.tree.uri(kDemoIntegration);
    const json bad_params[] = {
        json::array({1, 2}),
        {{"textDocument", "not an object"}, {"position", pos(1, 1)}},
        {{"textDocument", {{"uri", 42}}}, {"position", pos(1, 1)}},
        {{"textDocument", {{"uri", uri}}}, {"position", {{"line", "5"}, {"character", 3}}}},
        {{"textDocument", {{"uri", uri}}}, {"position", {{"line", nullptr}, {"character", 3}}}},
        {{"textDocument", {{"uri", uri}}}, {"position", json::array({5, 3})}},
        {{"textDocument", {{"uri", uri}}}},
        json::object(),
    };
    for (const char* method :
         {"textDocument/hover", "textDocument/completion", "textDocument/definition",
          "textDocument/references", "textDocument/documentHighlight", "textDocument/rename",
          "textDocument/prepareRename"}) {
        for (const json& p : bad_params) {
            INFO(method << " " << p.dump());
            json r = f.server.request(method, p);
            REQUIRE(r.contains("error"));
            CHECK(error_code_of(r) == mil::error_code::InvalidParams);
        }
    }
    // Scalars as params are refused by the protocol layer.
    f.server.send(
        {{"jsonrpc", "2.0"}, {"id", 300}, {"method", "textDocument/hover"}, {"params", 5}});
    CHECK(error_code_of(f.server.response(300)) == mil::error_code::InvalidRequest);
    // Notifications with wrong params are dropped without an answer and without harm.
    f.server.notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"text", 12}}}});
    f.server.notify("textDocument/didChange",
                    {{"textDocument", {{"uri", uri}}}, {"contentChanges", "everything"}});
    f.server.notify("textDocument/didClose", json::array({uri}));
    f.server.notify("workspace/didChangeWatchedFiles", {{"changes", {{{"uri", 5}}}}});
    f.server.notify("workspace/didChangeWatchedFiles",
                    {{"changes", {{{"uri", f.tree.uri(kDemoAcl)}, {"type", 1e300}}}}});
    f.server.notify("textDocument/didOpen",
                    {{"textDocument",
                      {{"uri", f.tree.uri(kDemoAcl)}, {"text", "<config/>"}, {"version", 9e99}}}});
    f.server.notify("textDocument/didClose", {{"textDocument", {{"uri", f.tree.uri(kDemoAcl)}}}});
    f.server.notify("workspace/didChangeConfiguration", {{"settings", {{"severity", 3}}}});
    f.server.notify("workspace/didChangeWorkspaceFolders", {{"event", "none"}});
    f.server.notify("$/cancelRequest", {{"id", json::array()}});
    f.server.notify("$/cancelRequest", "not params");
    json cmd = f.server.request("workspace/executeCommand", {{"command", 7}});
    CHECK(error_code_of(cmd) == mil::error_code::InvalidParams);
    check_still_answers(f.server, f.tree);
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: an initialize with wrong types can be retried") {
    TempDir tree;
    write_small_tree(tree);
    QuietLog quiet;
    Server s;
    json bad = s.request(
        "initialize",
        {{"capabilities", "none"}, {"workspaceFolders", {{{"uri", 5}}}}, {"rootUri", 12}});
    if (bad.contains("error")) {
        CHECK(error_code_of(bad) == mil::error_code::InvalidParams);
        s.initialize(tree.root());
        s.wait_indexed();
        json r = s.result("textDocument/hover", text_pos(tree.uri(kDemoIntegration), 5, 35));
        REQUIRE(r.is_object());
        CHECK(r["contents"]["value"].get<std::string>().find("Acme_Demo::top") !=
              std::string::npos);
    } else {
        // Accepted with the bad parts ignored: the server must then run normally.
        s.notify("initialized", json::object());
        CHECK(s.result("workspace/symbol", {{"query", ""}}).is_array());
    }
    CHECK(s.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: requests for documents that are not open") {
    Fixture f;
    SECTION("a path that does not exist") {
        json r = f.server.request("textDocument/hover",
                                  text_pos("file:///nonexistent/app/etc/integration.xml", 0, 0));
        CHECK(error_code_of(r) == mil::error_code::InvalidParams);
    }
    SECTION("a URI that is not a file") {
        for (const char* uri : {"untitled:Untitled-1", "http://example.com/etc/acl.xml", "",
                                "file://otherhost/etc/acl.xml", "file:///a/%00/etc/acl.xml"}) {
            INFO(uri);
            json r = f.server.request("textDocument/completion", text_pos(uri, 0, 0));
            CHECK(error_code_of(r) == mil::error_code::InvalidParams);
        }
    }
    SECTION("a file of the index that the editor did not open is served from disk") {
        check_still_answers(f.server, f.tree);
    }
    SECTION("change and close of a document that is not open are ignored") {
        const std::string uri = f.tree.uri(kDemoAcl);
        f.server.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                                   {"contentChanges", {{{"text", "<config/>"}}}}});
        f.server.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
        // The disk's acl.xml still declares the ids.
        check_still_answers(f.server, f.tree);
    }
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: positions far out of range are clamped") {
    Fixture f;
    const std::string uri = f.tree.uri(kDemoIntegration);
    const std::string text = f.tree.read(kDemoIntegration);
    f.server.open(uri, text);
    const json positions[] = {
        pos(0, 4000000000u),
        {{"line", 2147483647}, {"character", 2147483647}},
        {{"line", -1}, {"character", -1}},
        {{"line", 9007199254740991LL}, {"character", 0}},
        {{"line", 5}, {"character", -2147483648LL}},
        {{"line", 5.0}, {"character", 35.0}},
        {{"line", 1e300}, {"character", -1e300}},
        // Converting these to an integer was undefined behaviour (found by the session fuzzer
        // with 1.4e128; tests/fixtures/robust/session/float-position-1e128).
        {{"line", 1.4e128}, {"character", 3}},
        {{"line", 1}, {"character", 2.5}},
        {{"line", 4294967296.5}, {"character", 1e-300}},
    };
    for (const json& p : positions) {
        INFO(p.dump());
        json params = {{"textDocument", {{"uri", uri}}}, {"position", p}};
        for (const char* m : {"textDocument/hover", "textDocument/completion",
                              "textDocument/definition", "textDocument/documentHighlight"}) {
            json r = f.server.request(m, params);
            CHECK(r.contains("result"));
        }
        json range = {{"start", p}, {"end", p}};
        json r = f.server.request("textDocument/codeAction",
                                  {{"textDocument", {{"uri", uri}}},
                                   {"range", range},
                                   {"context", {{"diagnostics", json::array()}}}});
        CHECK(r.contains("result"));
    }
    // A line past the end is the end of the text: hover there finds nothing, and a position
    // on the id still finds it.
    CHECK(f.server.result("textDocument/hover", text_pos(uri, 1000000, 0)).is_null());
    json h = f.server.result("textDocument/hover", text_pos(uri, 5, 35));
    REQUIRE(h.is_object());
    CHECK(h["contents"]["value"].get<std::string>().find("Acme_Demo::top") != std::string::npos);
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust protocol: requests before initialize and after shutdown") {
    QuietLog quiet;
    Server s;
    CHECK(error_code_of(s.request("textDocument/hover", text_pos("file:///x/etc/acl.xml", 0, 0))) ==
          mil::error_code::ServerNotInitialized);
    s.notify("textDocument/didOpen",
             {{"textDocument", {{"uri", "file:///x/etc/acl.xml"}, {"version", 1}, {"text", ""}}}});
    s.initialize("");
    CHECK(error_code_of(s.request("initialize", {{"capabilities", json::object()}})) ==
          mil::error_code::InvalidRequest);
    CHECK(s.request("shutdown").contains("result"));
    CHECK(error_code_of(s.request("workspace/symbol", {{"query", ""}})) ==
          mil::error_code::InvalidRequest);
    s.notify("exit");
    CHECK(s.exit_code() == 0);
}
