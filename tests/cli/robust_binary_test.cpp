// The real binary: bad bytes on its stdin, and its safe defaults (TCP on loopback, no file
// written, no program run, `check` output that does not depend on the run).
#include "robust_support.hpp"
#include "server_binary.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY): lookups here find its helpers (TempDir, RunResult, kWait)
// over mil::test's.
namespace mil::robust {

namespace {

json init_params(const std::string& root) {
    return {
        {"processId", nullptr},
        {"rootUri", path_to_uri(root)},
        {"capabilities",
         {{"window", {{"workDoneProgress", true}}},
          {"workspace",
           {{"configuration", true}, {"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}},
          {"textDocument", {{"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}}}}}}};
}

// Every file and folder under `root` with what identifies its state.
std::map<std::string, std::string> tree_state(const std::string& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        struct stat st {};
        REQUIRE(::lstat(e.path().c_str(), &st) == 0);
        std::string state = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                            std::to_string(st.st_mtim.tv_sec) + "." +
                            std::to_string(st.st_mtim.tv_nsec);
        if (e.is_regular_file()) state += " " + TempDir::read_all(e.path().string());
        out[e.path().string()] = state;
    }
    return out;
}

// Listening TCP sockets on `port` from /proc/net/tcp: their local addresses (hex, as the
// kernel prints them, e.g. "0100007F" for 127.0.0.1).
std::vector<std::string> listening_addresses(int port) {
    std::vector<std::string> out;
    std::ifstream in("/proc/net/tcp");
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream ss(line);
        std::string slot, local, remote, state;
        ss >> slot >> local >> remote >> state;
        auto colon = local.find(':');
        if (colon == std::string::npos || state != "0A") continue; // 0A: LISTEN
        if (std::stoi(local.substr(colon + 1), nullptr, 16) == port)
            out.push_back(local.substr(0, colon));
    }
    return out;
}

int wait_for_port(Process& p) {
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
        std::string err = p.stderr_text();
        auto at = err.find("listening on port ");
        if (at != std::string::npos && err.find('\n', at) != std::string::npos)
            return std::stoi(err.substr(at + 18));
        std::this_thread::sleep_for(10ms);
    }
    FAIL("no port announced; stderr:\n" << p.stderr_text());
    return -1;
}

// A whole LSP session over a connected socket: initialize, shutdown, exit.
void tcp_session(const std::string& address, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    REQUIRE(::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) == 1);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    auto send = [&](const std::string& body) {
        std::string f = mil::frame(body);
        REQUIRE(::send(fd, f.data(), f.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(f.size()));
    };
    mil::MessageReader reader;
    auto read = [&]() -> json {
        for (;;) {
            while (auto item = reader.next())
                if (item->kind == mil::ReadItem::Kind::Message) return json::parse(item->text);
            pollfd p{fd, POLLIN, 0};
            REQUIRE(::poll(&p, 1, static_cast<int>(kWait.count())) == 1);
            char buf[4096];
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            REQUIRE(n > 0);
            reader.feed(std::string_view(buf, static_cast<std::size_t>(n)));
        }
    };
    send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
    CHECK(read().contains("result"));
    send(R"({"jsonrpc":"2.0","id":2,"method":"shutdown"})");
    CHECK(read()["id"] == 2);
    send(R"({"jsonrpc":"2.0","method":"exit"})");
    ::close(fd);
}

} // namespace

TEST_CASE("robust binary: junk on stdin then a correct answer and exit 0 after shutdown") {
    TempDir t;
    write_small_tree(t);
    Process p({"--stdio"});
    p.write("Content-Type: text/plain\r\n\r\n{\"no\":\"length\"}\r\n");
    p.write("Content-Length: 3\r\n\r\n{\"jsonrpc\":\"2.0\"}"); // too short: junk follows
    p.write(std::string("Content-Length: 4\r\n\r\n\xff\x00\xfe\x01", 26)); // not UTF-8, NUL
    p.write(mil::frame("[\"not\", \"an\", \"object\"]"));
    p.start_session(init_params(t.root()));
    p.request(2, "textDocument/hover", text_pos(t.uri(kDemoIntegration), 5, 35));
    json h = p.response(2);
    REQUIRE(h["result"].is_object());
    CHECK(h["result"]["contents"]["value"].get<std::string>().find("Acme_Demo::top") !=
          std::string::npos);
    p.request(3, "shutdown");
    CHECK(p.response(3).contains("result"));
    p.notify("exit");
    CHECK(p.wait() == 0);
}

TEST_CASE("robust binary: TCP binds 127.0.0.1 unless --host is given") {
    if (!fs::exists("/proc/net/tcp")) {
        WARN("SKIPPED: no /proc/net/tcp to read the bound address from");
        return;
    }
    SECTION("default") {
        Process p({"--listen", "0"});
        int port = wait_for_port(p);
        CHECK(listening_addresses(port) == std::vector<std::string>{"0100007F"});
        tcp_session("127.0.0.1", port);
        CHECK(p.wait() == 0);
    }
    SECTION("--host") {
        Process p({"--listen", "0", "--host", "127.0.0.2"});
        int port = wait_for_port(p);
        CHECK(listening_addresses(port) == std::vector<std::string>{"0200007F"});
        tcp_session("127.0.0.2", port);
        CHECK(p.wait() == 0);
    }
}

TEST_CASE("robust binary: a whole session never writes a file") {
    TempDir t;
    fs::copy(std::string(MIL_SOURCE_DIR) + "/data/example", t.root(), fs::copy_options::recursive);
    const std::string integration = "app/code/Acme/Connector/etc/integration.xml";
    const std::string acl = "app/code/Magento/Backend/etc/acl.xml";
    const auto before = tree_state(t.root());
    REQUIRE(before.size() > 10);
    // Old enough mtimes that a rewrite within the same second would still show.
    std::this_thread::sleep_for(20ms);

    Process p({"--stdio"}, t.root()); // the tree is also the working directory
    p.start_session(init_params(t.root()));
    const std::string uri = t.uri(integration);
    const std::string text = t.read(integration);
    p.notify(
        "textDocument/didOpen",
        {{"textDocument", {{"uri", uri}, {"languageId", "xml"}, {"version", 1}, {"text", text}}}});
    p.notify("textDocument/didChange",
             {{"textDocument", {{"uri", uri}, {"version", 2}}},
              {"contentChanges", {{{"text", text + "<!-- unsaved -->\n"}}}}});
    int id = 10;
    for (const char* m :
         {"textDocument/completion", "textDocument/hover", "textDocument/definition",
          "textDocument/references", "textDocument/prepareRename"}) {
        p.request(id, m, text_pos(uri, 7, 40));
        CHECK(p.response(id++).contains("result"));
    }
    p.request(
        id, "textDocument/rename",
        {{"textDocument", {{"uri", uri}}}, {"position", pos(7, 40)}, {"newName", "Acme_X::y"}});
    p.response(id++); // a WorkspaceEdit or a refusal: either way, nothing is written
    p.request(id, "textDocument/codeAction",
              {{"textDocument", {{"uri", uri}}},
               {"range", {{"start", pos(0, 0)}, {"end", pos(20, 0)}}},
               {"context", {{"diagnostics", json::array()}}}});
    CHECK(p.response(id++).contains("result"));
    p.notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}});
    p.notify("workspace/didChangeWatchedFiles",
             {{"changes", {{{"uri", t.uri(acl)}, {"type", 2}}}}});
    p.request(id, "workspace/executeCommand", {{"command", "magento-integration-ls.reindex"}});
    CHECK(p.response(id++).contains("result"));
    p.wait_indexed();
    p.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
    p.request(id, "shutdown");
    CHECK(p.response(id++).contains("result"));
    p.notify("exit");
    CHECK(p.wait() == 0);

    // `check` from inside the tree writes nothing either (the report goes to stdout).
    RunResult c = run_binary({"check", "--format", "sarif", "."}, t.root());
    CHECK(c.code <= 1);
    CHECK(!c.out.empty());
    CHECK(tree_state(t.root()) == before);
}

TEST_CASE("robust binary: the server never runs another program") {
    // Statically: the executable imports no function that starts a program.
    FILE* nm = ::popen(
        (std::string("nm -D --undefined-only '") + mil::test::server_binary() + "' 2>/dev/null")
            .c_str(),
        "r");
    std::string symbols;
    if (nm) {
        char buf[4096];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, nm))
            symbols.append(buf, n);
        ::pclose(nm);
    }
    if (symbols.empty()) {
        WARN("SKIPPED the import check: nm is not available");
    } else {
        std::istringstream ss(symbols);
        std::string line;
        std::vector<std::string> found;
        while (std::getline(ss, line)) {
            std::string name = line.substr(line.find_last_of(' ') + 1);
            name = name.substr(0, name.find('@'));
            for (const char* bad : {"system", "popen", "fork", "vfork", "execl", "execlp", "execle",
                                    "execv", "execvp", "execvpe", "execve", "fexecve",
                                    "posix_spawn", "posix_spawnp", "wordexp"})
                if (name == bad) found.push_back(name);
        }
        CHECK(found.empty());
    }

    // Dynamically: with a PATH of traps, a session and a check run none of them.
    TempDir traps, tree;
    write_small_tree(tree);
    const std::string marker = traps.path("ran");
    for (const char* prog : {"sh", "bash", "php", "composer", "git", "node", "npm", "python3",
                             "xdg-open", "open", "code", "nvim", "bin-magento", "magento"}) {
        traps.write(prog, "#!/bin/sh\necho \"$0 $*\" >> '" + marker + "'\n");
        fs::permissions(traps.path(prog), fs::perms::owner_all);
    }
    const std::vector<std::string> env = {"PATH=" + traps.root(), "SHELL=" + traps.path("sh"),
                                          "EDITOR=" + traps.path("code"),
                                          "BROWSER=" + traps.path("xdg-open")};
    {
        Process p({"--stdio"}, tree.root(), env);
        p.start_session(init_params(tree.root()));
        p.request(2, "textDocument/codeAction",
                  {{"textDocument", {{"uri", tree.uri(kDemoIntegration)}}},
                   {"range", {{"start", pos(0, 0)}, {"end", pos(9, 0)}}},
                   {"context", {{"diagnostics", json::array()}}}});
        p.response(2);
        p.request(3, "workspace/executeCommand", {{"command", "magento-integration-ls.reindex"}});
        p.response(3);
        p.request(4, "shutdown");
        p.response(4);
        p.notify("exit");
        CHECK(p.wait() == 0);
    }
    {
        Process p({"check", tree.root()}, tree.root(), env);
        p.close_stdin();
        CHECK(p.wait() <= 1);
    }
    CHECK_FALSE(fs::exists(marker));
}

namespace {

// A tree with many findings of many kinds, written in the given order of modules.
void write_findings_tree(const TempDir& t, bool reverse) {
    std::vector<int> order;
    for (int i = 0; i < 30; ++i)
        order.push_back(i);
    if (reverse) std::reverse(order.begin(), order.end());
    t.write("app/etc/di.xml", "<config/>\n");
    t.write("app/code/Magento/Backend/etc/module.xml", module_xml("Magento_Backend"));
    t.write("app/code/Magento/Backend/registration.php", registration_php("Magento_Backend"));
    t.write("app/code/Magento/Backend/etc/acl.xml",
            "<config><acl><resources><resource id=\"Magento_Backend::admin\" title=\"Admin\"/>"
            "</resources></acl></config>\n");
    for (int i : order) {
        const std::string name = "Vendor" + std::to_string(i) + "_Mod";
        const std::string dir = "app/code/Vendor" + std::to_string(i) + "/Mod/";
        // Mismatched names, a broken XML file, unknown and misspelled resources, duplicates.
        t.write(dir + "etc/integration.xml",
                "<config>\n  <integration name=\"Shared\">\n    <email>not-an-email</email>\n"
                "    <resources>\n      <resource name=\"Magento_Backend::admn\"/>\n"
                "      <resource name=\"" +
                    name +
                    "::missing\"/>\n"
                    "      <resource name=\"Magento_Backend::admin\"/>\n"
                    "      <resource name=\"Magento_Backend::admin\"/>\n"
                    "      <bogus/>\n    </resources>\n  </integration>\n</config>\n");
        t.write(dir + "etc/acl.xml",
                "<config><acl><resources><resource id=\"Magento_Backend::admin\">\n"
                "<resource id=\"" +
                    name + "::top\"/>\n<resource id=\"" + name +
                    "::top\" title=\"Again\"/>\n</resource></resources></acl></config>\n");
        t.write(dir + "etc/module.xml", module_xml(i % 3 ? name : "Wrong_Name"));
        t.write(dir + "registration.php", registration_php(i % 4 ? name : "Other_Name"));
        if (i % 5 == 0)
            t.write(dir + "etc/webapi.xml", "<routes><route url=\"/V1/x\" method=\"GET\">"
                                            "<resources><resource ref=\"Nope::x\"/>"
                                            "</resources></route></routes");
    }
}

std::string without(std::string s, const std::string& root) {
    for (const std::string& r : {path_to_uri(root), root})
        for (auto at = s.find(r); at != std::string::npos; at = s.find(r, at))
            s.replace(at, r.size(), "<ROOT>");
    return s;
}

} // namespace

TEST_CASE("robust binary: check output is byte-identical across runs") {
    TempDir a, b;
    write_findings_tree(a, false);
    write_findings_tree(b, true);
    for (const char* format : {"text", "json", "sarif", "github", "checkstyle", "gitlab"}) {
        INFO(format);
        RunResult first = run_binary({"check", "--format", format, a.root()}, a.root());
        RunResult second = run_binary({"check", "--format", format, a.root()}, a.root());
        RunResult other = run_binary({"check", "--format", format, b.root()}, b.root());
        CHECK(first.code == 1);
        // Many findings, so that an unstable order would show.
        if (std::string(format) == "text")
            CHECK(std::count(first.out.begin(), first.out.end(), '\n') > 100);
        CHECK(first.out == second.out);
        // The same tree written in another order, in another folder: the same report once
        // the folder's own name is taken out.
        CHECK(without(first.out, a.root()) == without(other.out, b.root()));
    }
}

} // namespace mil::robust
