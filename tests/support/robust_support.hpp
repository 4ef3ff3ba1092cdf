// Helpers of the robustness tests: temporary trees, the language server in-process over the
// in-memory transport, and the real binary in a child process (stdio pipes).
#pragma once

#include "lsp/jsonrpc.hpp"
#include "lsp/lsp_server.hpp"
#include "lsp/rpc.hpp"
#include "mil/base/text.hpp"
#include "platform/fileio.hpp"
#include "platform/log.hpp"
#include "rpc_codes.hpp"
#include "server_binary.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mil::robust {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using mil::path_to_uri;

// Only a failing test waits this long (sanitizer builds on a loaded 2-core machine).
inline constexpr std::chrono::milliseconds kWait = 60s;

// ---- temporary trees ----------------------------------------------------------------------

class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "mil-robust-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        root_ = fs::canonical(tmpl).string();
    }
    ~TempDir() {
        std::error_code ec;
        // Folders a test made unreadable must be readable again to be removed.
        for (auto it = fs::recursive_directory_iterator(
                 root_, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec) && !it->is_symlink(ec))
                fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(root_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }
    std::string uri(const std::string& rel) const { return path_to_uri(path(rel)); }
    void write(const std::string& rel, const std::string& text) const {
        fs::path p = path(rel);
        fs::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + p.string());
    }
    std::string read(const std::string& rel) const { return read_all(path(rel)); }
    static std::string read_all(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    std::string root_;
};

inline std::string module_xml(const std::string& name) {
    return "<?xml version=\"1.0\"?>\n<config "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xsi:noNamespaceSchemaLocation=\"urn:magento:framework:Module/etc/module.xsd\">\n"
           "    <module name=\"" +
           name + "\"/>\n</config>\n";
}

inline std::string registration_php(const std::string& name) {
    return "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n\n"
           "ComponentRegistrar::register(ComponentRegistrar::MODULE, '" +
           name + "', __DIR__);\n";
}

// A small Magento tree: app/etc/di.xml, Magento_Backend with the admin root, and Acme_Demo
// with an ACL, an integration and a webapi.xml.
inline void write_small_tree(const TempDir& t) {
    t.write("app/etc/di.xml", "<?xml version=\"1.0\"?>\n<config/>\n");
    t.write("app/code/Magento/Backend/registration.php", registration_php("Magento_Backend"));
    t.write("app/code/Magento/Backend/etc/module.xml", module_xml("Magento_Backend"));
    t.write("app/code/Magento/Backend/etc/acl.xml",
            "<?xml version=\"1.0\"?>\n<config>\n    <acl>\n        <resources>\n"
            "            <resource id=\"Magento_Backend::admin\" title=\"Magento Admin\"/>\n"
            "        </resources>\n    </acl>\n</config>\n");
    t.write("app/code/Acme/Demo/registration.php", registration_php("Acme_Demo"));
    t.write("app/code/Acme/Demo/etc/module.xml", module_xml("Acme_Demo"));
    t.write("app/code/Acme/Demo/etc/acl.xml",
            "<?xml version=\"1.0\"?>\n<config>\n    <acl>\n        <resources>\n"
            "            <resource id=\"Magento_Backend::admin\">\n"
            "                <resource id=\"Acme_Demo::top\" title=\"Demo\">\n"
            "                    <resource id=\"Acme_Demo::child\" title=\"Child\"/>\n"
            "                </resource>\n            </resource>\n"
            "        </resources>\n    </acl>\n</config>\n");
    t.write("app/code/Acme/Demo/etc/integration.xml",
            "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
            "        <email>demo@example.com</email>\n        <resources>\n"
            "            <resource name=\"Acme_Demo::top\"/>\n"
            "            <resource name=\"Acme_Demo::child\"/>\n"
            "        </resources>\n    </integration>\n</config>\n");
}

inline const char* kDemoIntegration = "app/code/Acme/Demo/etc/integration.xml";
inline const char* kDemoAcl = "app/code/Acme/Demo/etc/acl.xml";

inline std::string deep_demo_id(int i) {
    return "Acme_Demo::r" + std::to_string(i);
}

// Acme_Demo's acl.xml as one chain of `depth` ids under Magento_Backend::admin, each the
// child of the one before (deep_demo_id(0) at the top).
inline void write_deep_acl(const TempDir& t, int depth) {
    std::string acl = "<?xml version=\"1.0\"?>\n<config><acl><resources>"
                      "<resource id=\"Magento_Backend::admin\">";
    for (int i = 0; i < depth; ++i)
        acl += "<resource id=\"" + deep_demo_id(i) + "\" title=\"R" + std::to_string(i) + "\">";
    for (int i = 0; i < depth; ++i)
        acl += "</resource>";
    acl += "</resource></resources></acl></config>\n";
    t.write(kDemoAcl, acl);
}

// ---- the server in-process ----------------------------------------------------------------

// The language server on an Endpoint running on its own thread, behind the in-memory
// transport; the test is the client.
class Server {
public:
    explicit Server(ServerOptions options = fast_options()) {
        MemoryPair pair = make_memory_pair();
        client_ = pair.client;
        endpoint_ = std::make_unique<Endpoint>(std::move(pair.server));
        server_ = install_lsp_server(*endpoint_, options);
        exit_ = std::async(std::launch::async, [this] { return endpoint_->run(); });
    }
    ~Server() {
        client_->close();
        if (exit_.valid()) exit_.wait();
        server_.reset(); // joins the index thread while the endpoint still exists
        endpoint_.reset();
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    static ServerOptions fast_options() {
        ServerOptions o;
        o.diagnostics_delay_ms = 10;
        o.index_threads = 2;
        return o;
    }

    MemoryClient& client() { return *client_; }
    void raw(std::string_view bytes) { client_->write_raw(bytes); }
    void send(const json& m) { client_->send(m.dump()); }
    void notify(const std::string& method, const json& params = nullptr) {
        json m = {{"jsonrpc", "2.0"}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
    }
    int send_request(const std::string& method, const json& params = nullptr) {
        int id = next_id_++;
        json m = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
        return id;
    }
    // The whole response message to request `id`.
    json response(const json& id) {
        for (;;) {
            for (auto it = responses_.begin(); it != responses_.end(); ++it)
                if ((*it)["id"] == id) {
                    json r = std::move(*it);
                    responses_.erase(it);
                    return r;
                }
            pump();
        }
    }
    // Whether the response to request `id` has arrived already (read, not yet taken), without
    // reading more: the responses before the last one taken are all read.
    bool answered(const json& id) const {
        return std::any_of(responses_.begin(), responses_.end(),
                           [&](const json& r) { return r["id"] == id; });
    }
    json request(const std::string& method, const json& params = nullptr) {
        return response(send_request(method, params));
    }
    json result(const std::string& method, const json& params = nullptr) {
        json r = request(method, params);
        INFO(method << " -> " << r.dump().substr(0, 500));
        REQUIRE(r.contains("result"));
        return r["result"];
    }
    // The first notification `method` (in arrival order) for which `pred` holds, removed.
    json wait_notification(const std::string& method,
                           const std::function<bool(const json&)>& pred = {}) {
        for (;;) {
            for (auto it = notifications_.begin(); it != notifications_.end(); ++it)
                if ((*it)["method"] == method && (!pred || pred((*it)["params"]))) {
                    json p = (*it)["params"];
                    notifications_.erase(it);
                    return p;
                }
            pump();
        }
    }
    // Waits for the end of indexing (the client must have announced workDoneProgress).
    void wait_indexed() {
        wait_notification("$/progress", [](const json& p) {
            return p.contains("value") && p["value"].value("kind", "") == "end";
        });
    }
    // initialize (with progress reporting, so that wait_indexed() works) + initialized.
    json initialize(const std::string& root, json capabilities = json::object()) {
        capabilities["window"]["workDoneProgress"] = true;
        json params = {{"processId", nullptr}, {"capabilities", std::move(capabilities)}};
        params["rootUri"] = root.empty() ? json(nullptr) : json(path_to_uri(root));
        json r = result("initialize", params);
        notify("initialized", json::object());
        return r;
    }
    void open(const std::string& uri, const std::string& text, int version = 1) {
        notify("textDocument/didOpen",
               {{"textDocument",
                 {{"uri", uri}, {"languageId", "xml"}, {"version", version}, {"text", text}}}});
    }
    // shutdown + exit; the exit code of the main loop.
    int shutdown_and_exit() {
        json r = request("shutdown");
        REQUIRE(r.contains("result"));
        notify("exit");
        return exit_code();
    }
    int exit_code() {
        REQUIRE(exit_.wait_for(kWait) == std::future_status::ready);
        return exit_.get();
    }
    std::vector<json>& notifications() { return notifications_; }

private:
    void pump() {
        std::optional<std::string> body = client_->read(kWait);
        REQUIRE(body.has_value());
        json m = json::parse(*body);
        if (m.contains("method") && m.contains("id")) {
            // A server request (progress token, registration, configuration): null result.
            send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", nullptr}});
        } else if (m.contains("method")) {
            notifications_.push_back(std::move(m));
        } else {
            responses_.push_back(std::move(m));
        }
    }

    std::shared_ptr<MemoryClient> client_;
    std::unique_ptr<Endpoint> endpoint_;
    std::shared_ptr<LspServer> server_;
    std::future<int> exit_;
    int next_id_ = 1;
    std::vector<json> responses_, notifications_;
};

inline json pos(std::uint32_t line, std::uint32_t character) {
    return {{"line", line}, {"character", character}};
}

inline json text_pos(const std::string& uri, std::uint32_t line, std::uint32_t character) {
    return {{"textDocument", {{"uri", uri}}}, {"position", pos(line, character)}};
}

// The LSP position (UTF-16) of a byte offset of `text`.
inline json lsp_position(const std::string& text, std::size_t offset) {
    mil::LineIndex li(text);
    mil::LineCol lc = li.to_line_col(text, static_cast<mil::Offset>(offset), mil::Encoding::Utf16);
    return pos(lc.line, lc.col);
}

using mil::test::error_code_of;

// Silences the server's log for the scope (tests feed it junk on purpose).
class QuietLog {
public:
    QuietLog() { log::set_level(log::Level::error); }
    ~QuietLog() { log::set_level(log::Level::info); }
};

// ---- the real binary ----------------------------------------------------------------------

// The server executable in a child process: stdin and stdout are pipes, stderr goes to a
// file.
class Process {
public:
    // `launcher`, when given, runs the binary: its words come first on the command line (e.g.
    // setpriv with its options, to run the server as another user).
    explicit Process(const std::vector<std::string>& args, const std::string& cwd = {},
                     const std::vector<std::string>& extra_env = {},
                     const std::vector<std::string>& launcher = {}) {
        err_file_ = std::make_unique<TempDir>();
        int in[2], out[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, stderr_path().c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
        std::vector<std::string> argv_s = launcher;
        argv_s.push_back(mil::test::server_binary());
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_s;
        for (char** e = environ; *e; ++e)
            env_s.emplace_back(*e);
        for (const auto& e : extra_env) {
            auto name = e.substr(0, e.find('=') + 1);
            std::erase_if(env_s, [&](const std::string& s) { return s.rfind(name, 0) == 0; });
            env_s.push_back(e);
        }
        std::vector<char*> envp;
        for (auto& e : env_s)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        int rc =
            ::posix_spawn(&pid_, argv_s.front().c_str(), &fa, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        in_ = in[1];
        out_ = out[0];
        REQUIRE(rc == 0);
        ::signal(SIGPIPE, SIG_IGN);
    }
    ~Process() {
        close_stdin();
        if (out_ >= 0) ::close(out_);
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    void write(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::write(in_, bytes.data(), bytes.size());
            if (n <= 0) return; // the server is gone; the test's next read says so
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    void send(const json& m) { write(frame(m.dump())); }
    void request(int id, const std::string& method, const json& params = nullptr) {
        json m = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
    }
    void notify(const std::string& method, const json& params = nullptr) {
        json m = {{"jsonrpc", "2.0"}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
    }
    void close_stdin() {
        if (in_ >= 0) ::close(in_);
        in_ = -1;
    }
    // The next message from the server's stdout; nullopt on EOF or timeout.
    std::optional<json> read(std::chrono::milliseconds timeout = kWait) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            while (auto item = reader_.next())
                if (item->kind == ReadItem::Kind::Message) return json::parse(item->text);
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            char buf[65536];
            ssize_t n = ::read(out_, buf, sizeof buf);
            if (n <= 0) return std::nullopt;
            reader_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
        }
    }
    // The next message that is not a request of the server's (those are answered with null).
    json next_message() {
        for (;;) {
            std::optional<json> m = read();
            REQUIRE(m.has_value());
            if (!m->contains("method") || !m->contains("id")) return *m;
            send({{"jsonrpc", "2.0"}, {"id", (*m)["id"]}, {"result", nullptr}});
        }
    }
    // The response with this id (notifications before it are kept).
    json response(const json& id) {
        for (;;) {
            json m = next_message();
            if (m.contains("method"))
                notifications.push_back(m);
            else if (m["id"] == id)
                return m;
        }
    }
    // initialize (request 1) with these params, initialized, then the end of indexing.
    void start_session(const json& initialize_params) {
        request(1, "initialize", initialize_params);
        REQUIRE(response(1).contains("result"));
        notify("initialized", json::object());
        wait_indexed();
    }
    // Waits for the end of indexing ($/progress end).
    void wait_indexed() {
        for (;;) {
            json m = next_message();
            if (m.value("method", "") == "$/progress" &&
                m["params"]["value"].value("kind", "") == "end")
                return;
        }
    }
    // Waits for the process to end; its exit code (128+signal when killed by one).
    int wait(std::chrono::milliseconds timeout = kWait) {
        if (status_) return *status_;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int st = 0;
            struct rusage usage {};
            pid_t r = ::wait4(pid_, &st, WNOHANG, &usage);
            if (r == pid_) {
                max_rss_kb_ = usage.ru_maxrss;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                return *status_;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                FAIL("the server did not exit in time; stderr:\n" << stderr_text());
            }
            std::this_thread::sleep_for(5ms);
        }
    }
    std::string stderr_path() const { return err_file_->path("stderr.txt"); }
    std::string stderr_text() const { return TempDir::read_all(stderr_path()); }
    pid_t pid() const { return pid_; }
    int stdout_fd() const { return out_; }
    // Peak resident memory of the child, known once wait() returned.
    long max_rss_kb() const { return max_rss_kb_; }
    // The running process's peak resident size so far (VmHWM), in KB; -1 if unknown. Unlike
    // max_rss_kb() it cannot include the test process's own memory, which a child spawned
    // with vfork may be charged with when it execs.
    long peak_rss_kb_now() const {
        std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
        std::string line;
        while (std::getline(status, line))
            if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
        return -1;
    }

    std::vector<json> notifications;

private:
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
    std::optional<int> status_;
    long max_rss_kb_ = 0;
    MessageReader reader_;
    std::unique_ptr<TempDir> err_file_;
};

struct RunResult {
    int code = -1;
    std::string out;
    std::string err;
};

// Runs the binary to completion with stdin empty; stdout and stderr captured.
inline RunResult run_binary(const std::vector<std::string>& args, const std::string& cwd = {}) {
    Process p(args, cwd);
    p.close_stdin();
    RunResult r;
    // Drain stdout while waiting, so a large output cannot block the child.
    for (;;) {
        // read() parses messages; here stdout is plain text, so read raw bytes instead.
        char buf[65536];
        pollfd pf{p.stdout_fd(), POLLIN, 0};
        if (::poll(&pf, 1, static_cast<int>(kWait.count())) <= 0) break;
        ssize_t n = ::read(p.stdout_fd(), buf, sizeof buf);
        if (n <= 0) break;
        r.out.append(buf, static_cast<std::size_t>(n));
    }
    r.code = p.wait();
    r.err = p.stderr_text();
    return r;
}

} // namespace mil::robust
