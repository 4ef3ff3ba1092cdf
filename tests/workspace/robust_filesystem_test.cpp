// A hostile file system: files deleted or changed while the index is built, symbolic link
// loops, unreadable folders, files over the size cap. The server finishes indexing, answers
// correctly about what it could read, and exits 0 after shutdown.
#include "workspace/indexer.hpp"

#include "robust_support.hpp"

#include <atomic>
#include <random>
#include <thread>

#include <sys/stat.h>

using namespace mil::robust;

namespace {

std::string module_dir(int i) {
    return "app/code/Gen" + std::to_string(i) + "/Mod";
}

// The small tree plus `n` generated modules, each with an ACL id Gen<i>_Mod::top.
void write_big_tree(const TempDir& t, int n) {
    write_small_tree(t);
    for (int i = 0; i < n; ++i) {
        const std::string name = "Gen" + std::to_string(i) + "_Mod";
        const std::string dir = module_dir(i) + "/";
        t.write(dir + "registration.php", registration_php(name));
        t.write(dir + "etc/module.xml", module_xml(name));
        t.write(dir + "etc/acl.xml", "<config><acl><resources>\n"
                                     "<resource id=\"Magento_Backend::admin\">\n"
                                     "<resource id=\"" +
                                         name +
                                         "::top\" title=\"T\"/>\n"
                                         "</resource></resources></acl></config>\n");
        t.write(dir + "etc/integration.xml", "<config><integration name=\"" + name +
                                                 "\"><resources>"
                                                 "<resource name=\"" +
                                                 name +
                                                 "::top\"/></resources></integration></config>\n");
    }
}

// Deletes, truncates, rewrites and replaces files of the generated modules until stopped.
class Mutator {
public:
    Mutator(const TempDir& t, int n) : t_(t), n_(n), thread_([this] { run(); }) {}
    ~Mutator() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    int rounds() const { return rounds_; }

private:
    void run() {
        std::mt19937 rng(99);
        std::error_code ec;
        while (!stop_) {
            const std::string dir = t_.path(module_dir(static_cast<int>(rng() % n_)));
            switch (rng() % 6) {
            case 0:
                fs::remove(dir + "/etc/acl.xml", ec);
                break;
            case 1: // truncated in the middle of a tag
                fs::resize_file(dir + "/etc/integration.xml", 17, ec);
                break;
            case 2: // a file becomes a folder
                fs::remove(dir + "/etc/module.xml", ec);
                fs::create_directories(dir + "/etc/module.xml/x", ec);
                break;
            case 3:
                fs::remove_all(dir, ec);
                break;
            case 4: {
                std::ofstream(dir + "/etc/acl.xml", std::ios::binary | std::ios::app)
                    << "<resource id=\"Late::x\"/>";
                break;
            }
            case 5:
                fs::create_directory_symlink(dir, dir + "/etc/loop", ec);
                break;
            }
            ++rounds_;
        }
    }

    const TempDir& t_;
    int n_;
    std::atomic<bool> stop_{false};
    std::atomic<int> rounds_{0};
    std::thread thread_;
};

bool symbol_exists(Server& s, const std::string& id) {
    for (const auto& sym : s.result("workspace/symbol", {{"query", id}}))
        if (sym["name"] == id) return true;
    return false;
}

void check_demo_hover(Server& s, const TempDir& t) {
    json h = s.result("textDocument/hover", text_pos(t.uri(kDemoIntegration), 5, 35));
    REQUIRE(h.is_object());
    CHECK(h["contents"]["value"].get<std::string>().find("Acme_Demo::top") != std::string::npos);
}

} // namespace

TEST_CASE("robust fs: files deleted and changed while the index is built") {
    TempDir t;
    const int n = 150;
    write_big_tree(t, n);
    QuietLog quiet;
    SECTION("index_folders under concurrent changes") {
        Mutator m(t, n);
        for (int round = 0; round < 3; ++round) {
            mil::IndexOptions o;
            o.threads = 2;
            mil::IndexResult r = mil::index_folders({t.root()}, o);
            REQUIRE(r.snapshot);
            // Whatever else happened, the untouched module is there.
            CHECK(r.snapshot->acl.find("Acme_Demo::child") != nullptr);
        }
        m.stop();
        CHECK(m.rounds() > 0);
    }
    SECTION("the server indexes under concurrent changes, then reindexes what is left") {
        Server s;
        Mutator m(t, n);
        s.initialize(t.root());
        s.wait_indexed();
        m.stop();
        check_demo_hover(s, t);
        // After the changes stop, a reindex sees the disk as it is.
        CHECK(s.result("workspace/executeCommand", {{"command", "magento-integration-ls.reindex"}})
                  .is_null());
        s.wait_indexed();
        for (int i = 0; i < n; i += 7) {
            const std::string id = "Gen" + std::to_string(i) + "_Mod::top";
            const std::string acl = t.path(module_dir(i) + "/etc/acl.xml");
            const bool declared = fs::is_regular_file(acl) &&
                                  TempDir::read_all(acl).find(id) != std::string::npos &&
                                  fs::is_regular_file(t.path(module_dir(i) + "/registration.php"));
            INFO(id);
            CHECK(symbol_exists(s, id) == declared);
        }
        check_demo_hover(s, t);
        CHECK(s.shutdown_and_exit() == 0);
    }
}

TEST_CASE("robust fs: symbolic link loops") {
    TempDir t;
    write_small_tree(t);
    std::error_code ec;
    const std::string demo = t.path("app/code/Acme/Demo");
    fs::create_directory_symlink(demo, demo + "/etc/self"); // back to the module
    fs::create_directory_symlink(t.path("app/code"),
                                 t.path("app/code/Acme/Loop")); // app/code again
    fs::create_directories(t.path("vendor/acme"));
    fs::create_directory_symlink(t.path("vendor"), t.path("vendor/acme/vendor"));
    fs::create_symlink(t.path("app/code/Acme/Demo/etc/webapi.xml"),
                       t.path("app/code/Acme/Demo/etc/webapi.xml"), ec); // ELOOP on open
    fs::create_directories(t.path("app/code/Acme/Demo/Setup"), ec);
    fs::create_symlink("nowhere.php", t.path("app/code/Acme/Demo/Setup/Patch.php"), ec);
    fs::create_directory_symlink(t.path("app/code/Acme/Demo/Setup"),
                                 t.path("app/code/Acme/Demo/Setup/Again"));
    t.write("vendor/composer/installed.json",
            "{\"packages\":[{\"name\":\"acme/loop\",\"type\":\"magento2-module\","
            "\"install-path\":\"../acme/vendor/acme/vendor/acme\"}]}");
    QuietLog quiet;
    {
        Server s;
        s.initialize(t.root());
        s.wait_indexed();
        check_demo_hover(s, t);
        CHECK(s.shutdown_and_exit() == 0);
    }
    Process p({"check", "--quiet", t.root()});
    p.close_stdin();
    CHECK(p.wait() <= 1);
}

TEST_CASE("robust fs: unreadable folders and files") {
    TempDir t;
    write_big_tree(t, 3);
    ::chmod(t.path(module_dir(0)).c_str(), 0);
    ::chmod(t.path(module_dir(1) + "/etc/acl.xml").c_str(), 0);
    // Listable by nobody, enterable by everyone.
    ::chmod(t.path(module_dir(2) + "/etc").c_str(), 0311);
    if (::geteuid() != 0) {
        QuietLog quiet;
        Server s;
        s.initialize(t.root());
        s.wait_indexed();
        check_demo_hover(s, t);
        CHECK_FALSE(symbol_exists(s, "Gen1_Mod::top"));
        CHECK(s.shutdown_and_exit() == 0);
        return;
    }
    // Root reads everything whatever the permissions: the server runs as nobody instead (the
    // rest of the tree is readable by all), so the permissions apply to it.
    const char* setpriv = "/usr/bin/setpriv";
    if (::access(setpriv, X_OK) != 0) {
        WARN("SKIPPED: running as root without " << setpriv << " to run the server as nobody");
        return;
    }
    ::chmod(t.root().c_str(), 0755);
    Process p({"--stdio"}, {}, {},
              {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"});
    p.start_session({{"rootUri", path_to_uri(t.root())},
                     {"capabilities", {{"window", {{"workDoneProgress", true}}}}}});
    p.request(2, "textDocument/hover", text_pos(t.uri(kDemoIntegration), 5, 35));
    json h = p.response(2);
    REQUIRE(h["result"].is_object());
    CHECK(h["result"]["contents"]["value"].get<std::string>().find("Acme_Demo::top") !=
          std::string::npos);
    auto symbol = [&](int id, const std::string& name) {
        p.request(id, "workspace/symbol", {{"query", name}});
        json r = p.response(id);
        REQUIRE(r["result"].is_array());
        for (const auto& sym : r["result"])
            if (sym["name"] == name) return true;
        return false;
    };
    CHECK_FALSE(symbol(3, "Gen0_Mod::top")); // its folder cannot be read
    CHECK_FALSE(symbol(4, "Gen1_Mod::top")); // its acl.xml cannot be read
    CHECK(symbol(5, "Gen2_Mod::top"));       // etc/ is not listable, but its files are read
    p.request(6, "shutdown");
    p.response(6);
    p.notify("exit");
    CHECK(p.wait() == 0);
}

// The one diagnostic of a file over the cap: a file-too-large warning at its start that
// gives the size, the limit and how to raise it.
static void check_too_large(const json& items, const std::string& size, const std::string& limit) {
    INFO(items.dump());
    REQUIRE(items.size() == 1);
    const json& d = items[0];
    CHECK(d["code"] == "file-too-large");
    CHECK(d["severity"] == 2);
    CHECK(d["range"] == json{{"start", pos(0, 0)}, {"end", pos(0, 0)}});
    const std::string message = d["message"];
    CHECK(message.find(size + " bytes") != std::string::npos);
    CHECK(message.find("limit of " + limit + " bytes") != std::string::npos);
    CHECK(message.find("--max-file-size") != std::string::npos);
}

static json pull(Server& s, const std::string& uri) {
    return s.result("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}}).at("items");
}

TEST_CASE("robust fs: a file over the size cap gets a file-too-large warning") {
    TempDir t;
    write_small_tree(t);
    // 20 KB of ACL: over a 4 KB cap.
    std::string big = "<config><acl><resources><resource id=\"Magento_Backend::admin\">\n";
    for (int i = 0; big.size() < 20000; ++i)
        big += "<resource id=\"Big_Mod::r" + std::to_string(i) + "\" title=\"R\"/>\n";
    big += "</resource></resources></acl></config>\n";
    const std::string big_size = [&] {
        std::string digits = std::to_string(big.size());
        return digits.substr(0, digits.size() - 3) + "," + digits.substr(digits.size() - 3);
    }();
    t.write("app/code/Big/Mod/registration.php", registration_php("Big_Mod"));
    t.write("app/code/Big/Mod/etc/module.xml", module_xml("Big_Mod"));
    t.write("app/code/Big/Mod/etc/acl.xml", big);
    const std::string acl_uri = t.uri("app/code/Big/Mod/etc/acl.xml");

    SECTION("in-process: met by the index, then opened, then replaced by a small text") {
        QuietLog quiet;
        mil::ServerOptions o = Server::fast_options();
        o.max_file_bytes = 4096;
        Server s(o);
        s.initialize(t.root(), {{"textDocument", {{"diagnostic", json::object()}}}});
        s.wait_indexed();
        CHECK_FALSE(symbol_exists(s, "Big_Mod::r1"));
        check_demo_hover(s, t);
        check_too_large(pull(s, acl_uri), big_size, "4,096");
        // Opened in the editor, the text is over the cap too: not kept, the same warning.
        s.open(acl_uri, big);
        check_too_large(pull(s, acl_uri), big_size, "4,096");
        CHECK_FALSE(symbol_exists(s, "Big_Mod::r1"));
        CHECK(s.result("textDocument/documentSymbol", {{"textDocument", {{"uri", acl_uri}}}})
                  .empty());
        // Edits to a text that is not kept are ignored; a whole new text under the cap is
        // read again.
        s.notify("textDocument/didChange",
                 {{"textDocument", {{"uri", acl_uri}, {"version", 2}}},
                  {"contentChanges",
                   {{{"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}}, {"text", "x"}}}}});
        check_too_large(pull(s, acl_uri), big_size, "4,096");
        const std::string small = "<config><acl><resources><resource "
                                  "id=\"Magento_Backend::admin\"><resource id=\"Big_Mod::r1\" "
                                  "title=\"R\"/></resource></resources></acl></config>\n";
        s.notify("textDocument/didChange", {{"textDocument", {{"uri", acl_uri}, {"version", 3}}},
                                            {"contentChanges", {{{"text", small}}}}});
        for (const auto& d : pull(s, acl_uri))
            CHECK(d["code"] != "file-too-large");
        CHECK(symbol_exists(s, "Big_Mod::r1"));
        // Growing over the cap again drops the text again.
        s.notify("textDocument/didChange", {{"textDocument", {{"uri", acl_uri}, {"version", 4}}},
                                            {"contentChanges", {{{"text", big}}}}});
        check_too_large(pull(s, acl_uri), big_size, "4,096");
        CHECK_FALSE(symbol_exists(s, "Big_Mod::r1"));
        CHECK(s.shutdown_and_exit() == 0);
    }
    SECTION("in-process, pushed diagnostics: the warning is published when it is opened") {
        QuietLog quiet;
        mil::ServerOptions o = Server::fast_options();
        o.max_file_bytes = 4096;
        Server s(o);
        s.initialize(t.root());
        s.wait_indexed();
        s.open(acl_uri, big);
        json published = s.wait_notification("textDocument/publishDiagnostics",
                                             [&](const json& p) { return p["uri"] == acl_uri; });
        check_too_large(published["diagnostics"], big_size, "4,096");
        // An integration.xml over the limit is not an empty one: no offer to write a new
        // integration over it (its text, not kept, looks empty).
        const std::string integration = t.uri("app/code/Big/Mod/etc/integration.xml");
        s.open(integration, std::string(5000, ' '));
        for (const auto& action : s.result("textDocument/codeAction",
                                           {{"textDocument", {{"uri", integration}}},
                                            {"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}},
                                            {"context", {{"diagnostics", json::array()}}}}))
            CHECK(action["title"].get<std::string>().find("Write the integration") ==
                  std::string::npos);
        CHECK(s.shutdown_and_exit() == 0);
    }
    SECTION("the binary, with a 1 GB sparse file and the default cap") {
        { std::ofstream(t.path("app/code/Big/Mod/etc/integration.xml")); }
        fs::resize_file(t.path("app/code/Big/Mod/etc/integration.xml"), std::uintmax_t{1} << 30);
        TempDir logdir;
        const std::string log_file = logdir.path("server.log");
        Process p({"--stdio", "--log", log_file, "--max-file-size", "8192"});
        p.start_session({{"rootUri", path_to_uri(t.root())},
                         {"capabilities",
                          {{"window", {{"workDoneProgress", true}}},
                           {"textDocument", {{"diagnostic", json::object()}}}}}});
        p.request(2, "textDocument/hover", text_pos(t.uri(kDemoIntegration), 5, 35));
        json h = p.response(2);
        REQUIRE(h["result"].is_object());
        // Both files have their warning; neither was read.
        p.request(4, "textDocument/diagnostic",
                  {{"textDocument", {{"uri", t.uri("app/code/Big/Mod/etc/integration.xml")}}}});
        check_too_large(p.response(4)["result"]["items"], "1,073,741,824", "8,192");
        p.request(5, "textDocument/diagnostic", {{"textDocument", {{"uri", acl_uri}}}});
        check_too_large(p.response(5)["result"]["items"], big_size, "8,192");
        // Neither file was read into memory.
        const long peak = p.peak_rss_kb_now();
        CHECK(peak > 0);
        CHECK(peak < 400 * 1024);
        p.request(3, "shutdown");
        p.response(3);
        p.notify("exit");
        CHECK(p.wait() == 0);
    }
}
