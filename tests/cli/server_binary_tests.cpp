// The real server binary as a child process: an LSP session over stdio and over
// `--listen 0`, and the command line (--version, --help, bad options).
#include "child_process.hpp"
#include "lsp_harness.hpp"
#include "server_binary.hpp"

#include "mil/version.hpp"
#include "platform/layer.hpp"

#include <cstdlib>
#include <set>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace mil;
using namespace mil::test;

namespace {

constexpr std::chrono::milliseconds kWait = 20s;

// A JSON-RPC client over a FramedConnection: answers server requests with null, keeps
// notifications.
class Client {
public:
    explicit Client(FramedConnection conn) : conn_(std::move(conn)) {}

    int send_request(const std::string& method, json params) {
        int id = next_++;
        REQUIRE(
            conn_.send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}));
        return id;
    }
    json request(const std::string& method, json params = json::object()) {
        int id = send_request(method, std::move(params));
        for (;;) {
            json m = next();
            if (m.contains("id") && m["id"] == id && !m.contains("method")) return m;
        }
    }
    void notify(const std::string& method, json params = json::object()) {
        REQUIRE(conn_.send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}));
    }
    json wait_notification(const std::string& method,
                           const std::function<bool(const json&)>& pred) {
        for (;;) {
            for (auto it = pending_.begin(); it != pending_.end(); ++it)
                if ((*it)["method"] == method && pred((*it)["params"])) {
                    json p = (*it)["params"];
                    pending_.erase(it);
                    return p;
                }
            next();
        }
    }

private:
    json next() {
        auto m = conn_.read(kWait);
        REQUIRE(m.has_value());
        if (m->contains("method") && m->contains("id"))
            REQUIRE(conn_.send({{"jsonrpc", "2.0"}, {"id", (*m)["id"]}, {"result", nullptr}}));
        else if (m->contains("method"))
            pending_.push_back(*m);
        return *m;
    }

    FramedConnection conn_;
    int next_ = 1;
    std::vector<json> pending_;
};

// The whole session the task asks for: initialize, open, diagnostics, completion, hover,
// shutdown, exit.
void run_session(Client& c, const TempCopy& tree) {
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    json init = c.request("initialize", {{"processId", static_cast<int>(::getpid())},
                                         {"rootUri", path_to_uri(tree.root())},
                                         {"capabilities", json::object()}});
    REQUIRE(init.contains("result"));
    CHECK(init["result"]["capabilities"]["positionEncoding"] == "utf-16");
    c.notify("initialized");
    c.notify(
        "textDocument/didOpen",
        {{"textDocument", {{"uri", uri}, {"languageId", "xml"}, {"version", 1}, {"text", text}}}});
    json diags = c.wait_notification("textDocument/publishDiagnostics",
                                     [&](const json& p) { return p["uri"] == uri; });
    const json* unknown = find_diagnostic(diags, "unknown-resource");
    REQUIRE(unknown);
    CHECK((*unknown)["range"] == lsp_range(text, "Magento_Log::online"));
    CHECK((*unknown)["message"].get<std::string>().find("Magento_Customer::online") !=
          std::string::npos);

    json completion = c.request("textDocument/completion",
                                {{"textDocument", {{"uri", uri}}},
                                 {"position", position_after(text, "Magento_Sales::sales_or")}});
    REQUIRE(completion.contains("result"));
    std::vector<std::string> labels;
    for (const auto& it : completion["result"]["items"])
        labels.push_back(it["label"]);
    CHECK(labels == std::vector<std::string>{"Magento_Sales::sales_order"});

    json hover = c.request("textDocument/hover",
                           {{"textDocument", {{"uri", uri}}},
                            {"position", position_after(text, "Magento_Sales::actions_v")}});
    REQUIRE(hover.contains("result"));
    const std::string md = hover["result"]["contents"]["value"];
    CHECK(md.find("Magento Admin \u203a Sales \u203a Operations \u203a Orders \u203a Actions "
                  "\u203a View") != std::string::npos);

    json shutdown = c.request("shutdown", nullptr);
    CHECK(shutdown.contains("result"));
    c.notify("exit", nullptr);
}

} // namespace

TEST_CASE("e2e: a session over stdio ends with exit code 0") {
    TempCopy tree(example_dir());
    ChildProcess server(mil::test::server_binary(), {"--stdio"});
    Client c(FramedConnection(server.out(), server.in()));
    run_session(c, tree);
    CHECK(server.exit_code(kWait) == 0);
    // Logs go to stderr, never to stdout (which carries only the protocol).
    CHECK(server.read_all(server.out(), 2s).empty());
}

TEST_CASE("e2e: --trace FILE writes the session's trace from the process start on") {
    TempCopy tree(example_dir());
    TempCopy out;
    const std::string path = out.path("session.json");
    {
        ChildProcess server(mil::test::server_binary(), {"--stdio", "--trace", path});
        Client c(FramedConnection(server.out(), server.in()));
        run_session(c, tree);
        CHECK(server.exit_code(kWait) == 0);
    }
    json t = json::parse(out.read("session.json"), nullptr, false);
    REQUIRE(t.is_object());
    std::set<std::string> names;
    double process_start = -1;
    for (const auto& e : t["traceEvents"]) {
        names.insert(e.value("name", ""));
        if (e["name"] == "process start") process_start = e["dur"].get<double>();
    }
    // From main() on: the heaps and the options take some time, however little.
    CHECK(process_start > 0);
    for (const char* name : {"initialize", "index", "merge", "textDocument/completion", "exit"}) {
        INFO(name);
        CHECK(names.count(name));
    }
    // A file that cannot be created is refused before the server starts.
    ChildProcess bad(mil::test::server_binary(), {"--trace", out.path("no/such/folder/t.json")});
    CHECK(bad.read_all(bad.err(), kWait).find("trace") != std::string::npos);
    CHECK(bad.exit_code(kWait) == 2);
}

TEST_CASE("e2e: a session over --listen 0 ends with exit code 0") {
    TempCopy tree(example_dir());
    ChildProcess server(mil::test::server_binary(), {"--listen", "0"});
    std::string err;
    int port = 0;
    const std::string marker = "listening on port ";
    REQUIRE(read_until(server.err(), err, Clock::now() + kWait, [&](const std::string& b) {
        auto at = b.find(marker);
        if (at == std::string::npos) return false;
        auto nl = b.find('\n', at);
        if (nl == std::string::npos) return false;
        port = std::stoi(b.substr(at + marker.size(), nl - at - marker.size()));
        return true;
    }));
    REQUIRE(port > 0);
    REQUIRE(port < 65536);
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    {
        Client c(FramedConnection(fd, fd));
        run_session(c, tree);
    }
    CHECK(server.exit_code(kWait) == 0);
    ::close(fd);
}

TEST_CASE("e2e: --version, --help and bad options") {
    {
        ChildProcess p(mil::test::server_binary(), {"--version"});
        std::string out = p.read_all(p.out(), kWait);
        CHECK(p.exit_code(kWait) == 0);
        CHECK(out.find(kVersion) != std::string::npos);
        CHECK(out.find(kName) != std::string::npos);
        // The layer it runs on, the same as this test's (both link one build's choice), and
        // the one CTest asks for (MIL_TEST_PLATFORM: "portable" for the twin's tests).
        CHECK(out.find(std::string("(platform layer: ") + platform_layer() + ")") !=
              std::string::npos);
        if (const char* expected = std::getenv("MIL_TEST_PLATFORM"))
            CHECK(std::string(platform_layer()) == expected);
    }
    {
        ChildProcess p(mil::test::server_binary(), {"--help"});
        std::string out = p.read_all(p.out(), kWait);
        CHECK(p.exit_code(kWait) == 0);
        CHECK(out.find("--listen") != std::string::npos);
        CHECK(out.find("--stdio") != std::string::npos);
    }
    const std::vector<std::vector<std::string>> bad = {
        {"--no-such-option"},     {"--listen"},       {"--listen", "port"},
        {"--listen", "70000"},    {"--listen", "-1"}, {"--log-level", "loud"},
        {"--max-file-size", "0"},
    };
    for (const auto& args : bad) {
        CAPTURE(args);
        ChildProcess p(mil::test::server_binary(), args);
        std::string err = p.read_all(p.err(), kWait);
        CHECK(p.exit_code(kWait) == 2);
        CHECK_FALSE(err.empty());
        CHECK(p.read_all(p.out(), 1s).empty());
    }
}

TEST_CASE("e2e: the end of input without shutdown ends with exit code 1") {
    TempCopy tree(example_dir());
    ChildProcess server(mil::test::server_binary(), {});
    Client c(FramedConnection(server.out(), server.in()));
    json init = c.request("initialize", {{"processId", nullptr},
                                         {"rootUri", path_to_uri(tree.root())},
                                         {"capabilities", json::object()}});
    REQUIRE(init.contains("result"));
    c.notify("initialized");
    server.close_stdin();
    auto code = server.exit_code(kWait);
    REQUIRE(code.has_value());
    CHECK(*code == 1);
}

TEST_CASE("e2e: shutdown and exit while the index is still being built") {
    // A larger tree: the index thread is still working when the client leaves.
    TempCopy tree(example_dir());
    for (int i = 0; i < 300; ++i) {
        const std::string name = "Gen_M" + std::to_string(i);
        const std::string dir = "app/code/Gen/M" + std::to_string(i);
        tree.write(dir + "/etc/module.xml", "<config><module name=\"" + name + "\"/></config>\n");
        tree.write(dir + "/etc/acl.xml",
                   "<config><acl><resources><resource id=\"Magento_Backend::admin\">"
                   "<resource id=\"" +
                       name +
                       "::x\" title=\"Generated\"/>"
                       "</resource></resources></acl></config>\n");
    }
    for (bool with_shutdown : {true, false}) {
        CAPTURE(with_shutdown);
        ChildProcess server(mil::test::server_binary(), {});
        Client c(FramedConnection(server.out(), server.in()));
        json init =
            c.request("initialize", {{"processId", nullptr},
                                     {"rootUri", path_to_uri(tree.root())},
                                     {"capabilities", {{"window", {{"workDoneProgress", true}}}}}});
        REQUIRE(init.contains("result"));
        c.notify("initialized");
        if (with_shutdown) c.request("shutdown", nullptr);
        c.notify("exit", nullptr);
        // A clean exit, never a crash of the index thread after the endpoint is gone.
        auto code = server.exit_code(kWait);
        REQUIRE(code.has_value());
        CHECK(*code == (with_shutdown ? 0 : 1));
    }
}
