// Fuzz harness: a whole LSP session. Arbitrary bytes go into an Endpoint with the language
// server installed, over the in-memory transport, serving a tiny Magento tree in a temporary
// folder. The server must answer only with JSON-RPC messages, never hang, and end its main
// loop with 0 or 1 when the input ends. The main loop runs on the caller's thread (a hang is
// caught by libFuzzer's -timeout, or by the test's), and the index of the tiny tree is built
// once per process (session_index): every input is still a session of its own.
//
// Input: [flags][bytes...]. In the bytes, "@ROOT@" is replaced by the tree's path (so
// "file://@ROOT@/app/code/Acme/Demo/etc/acl.xml" names a real file).
// flags bit 0: the harness first initializes the server (workDoneProgress) and writes the
// bytes once the server reports the index built, so they meet a ready server; bit 1: UTF-8
// positions; bit 2: the client pulls diagnostics; bit 3: open the tree's integration.xml first.
#pragma once

#include "harness.hpp"

#include "lsp/lsp_server.hpp"
#include "lsp/rpc.hpp"
#include "platform/fileio.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace mil::fuzz {

class TinyTree {
public:
    TinyTree() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mil-fuzz-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) harness_failed("mkdtemp failed");
        root_ = std::filesystem::canonical(tmpl).string();
        write("app/etc/di.xml", "<?xml version=\"1.0\"?>\n<config/>\n");
        write("app/code/Acme/Demo/registration.php",
              "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
              "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Demo', __DIR__);\n");
        write("app/code/Acme/Demo/composer.json",
              "{\n  \"name\": \"acme/module-demo\",\n  \"type\": \"magento2-module\"\n}\n");
        write("app/code/Acme/Demo/etc/module.xml",
              "<?xml version=\"1.0\"?>\n<config><module name=\"Acme_Demo\">\n"
              "  <sequence><module name=\"Magento_Backend\"/></sequence>\n</module></config>\n");
        write("app/code/Acme/Demo/etc/acl.xml",
              "<?xml version=\"1.0\"?>\n<config><acl><resources>\n"
              "  <resource id=\"Magento_Backend::admin\">\n"
              "    <resource id=\"Acme_Demo::top\" title=\"Demo\">\n"
              "      <resource id=\"Acme_Demo::child\" title=\"Child\"/>\n"
              "    </resource>\n  </resource>\n</resources></acl></config>\n");
        write("app/code/Acme/Demo/etc/integration.xml", integration_text());
        write("app/code/Acme/Demo/etc/webapi.xml",
              "<?xml version=\"1.0\"?>\n<routes>\n"
              "  <route url=\"/V1/demo\" method=\"GET\">\n"
              "    <service class=\"Acme\\Demo\\Api\\DemoInterface\" method=\"get\"/>\n"
              "    <resources><resource ref=\"Acme_Demo::child\"/></resources>\n"
              "  </route>\n</routes>\n");
    }
    ~TinyTree() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    TinyTree(const TinyTree&) = delete;
    TinyTree& operator=(const TinyTree&) = delete;

    const std::string& root() const { return root_; }
    static std::string integration_text() {
        return "<?xml version=\"1.0\"?>\n<config>\n  <integration name=\"Demo\">\n"
               "    <email>demo@example.com</email>\n    <resources>\n"
               "      <resource name=\"Acme_Demo::top\"/>\n"
               "      <resource name=\"Acme_Demo::child\"/>\n"
               "    </resources>\n  </integration>\n</config>\n";
    }

private:
    void write(const std::string& rel, const std::string& text) const {
        std::filesystem::path p = root_ + "/" + rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }
    std::string root_;
};

inline const TinyTree& session_tree() {
    static TinyTree tree;
    return tree;
}

// The index of the tiny tree, built the first time a session asks for it and then handed to
// every later session of the process (the tree never changes: the server writes nothing). Any
// other folders are indexed as usual. The progress callback still sees the files, so a
// session can still cancel and report progress.
inline IndexResult session_index(const std::vector<std::string>& folders,
                                 const IndexOptions& options) {
    struct Cached {
        IndexResult result;
        std::size_t done = 0, total = 0;
        std::size_t max_file_bytes = 0;
    };
    static std::mutex mutex;
    static std::optional<Cached> cached;
    if (folders != std::vector<std::string>{session_tree().root()})
        return index_folders(folders, options);
    std::unique_lock lock(mutex);
    if (!cached || cached->max_file_bytes != options.max_file_bytes) {
        Cached c;
        c.max_file_bytes = options.max_file_bytes;
        IndexOptions o = options;
        o.progress = [&](std::size_t done, std::size_t total) {
            c.done = done;
            c.total = total;
            if (options.progress) options.progress(done, total);
        };
        c.result = index_folders(folders, o);
        cached = std::move(c);
        return cached->result;
    }
    Cached c = *cached;
    lock.unlock();
    if (options.progress && c.total) options.progress(c.done, c.total);
    return std::move(c.result);
}

inline std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// Checks that `body` is a JSON object with "jsonrpc": "2.0" without building a DOM (a
// session's messages are many, and checking them is most of the harness's own work).
class JsonRpcCheck : public nlohmann::json_sax<nlohmann::json> {
public:
    static bool valid(const std::string& body) {
        JsonRpcCheck check;
        return nlohmann::json::sax_parse(body, &check) && check.object_ && check.version_;
    }

    bool null() override { return value(false); }
    bool boolean(bool) override { return value(false); }
    bool number_integer(number_integer_t) override { return value(false); }
    bool number_unsigned(number_unsigned_t) override { return value(false); }
    bool number_float(number_float_t, const string_t&) override { return value(false); }
    bool string(string_t& s) override { return value(s == "2.0"); }
    bool binary(binary_t&) override { return value(false); }
    bool start_object(std::size_t) override {
        if (depth_ == 0) object_ = true;
        return open();
    }
    bool key(string_t& k) override {
        jsonrpc_key_ = depth_ == 1 && k == "jsonrpc";
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

private:
    // The last "jsonrpc" member wins, as when the message is parsed into a json object.
    bool value(bool is_version) {
        if (jsonrpc_key_ && depth_ == 1) version_ = is_version;
        jsonrpc_key_ = false;
        return true;
    }
    bool open() {
        value(false);
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }
    std::size_t depth_ = 0;
    bool object_ = false, version_ = false, jsonrpc_key_ = false;
};

// The server's side of the in-memory pair, with a look at what it sends: calls `on_send` with
// every message body before passing it on (from whatever thread sends it).
class TappedTransport final : public Transport {
public:
    TappedTransport(std::unique_ptr<Transport> inner, std::function<void(const std::string&)> tap)
        : inner_(std::move(inner)), tap_(std::move(tap)) {}
    void start(MessageHandler on_message, CloseHandler on_close) override {
        inner_->start(std::move(on_message), std::move(on_close));
    }
    bool send(std::string body) override {
        tap_(body);
        return inner_->send(std::move(body));
    }
    void close() override { inner_->close(); }

private:
    std::unique_ptr<Transport> inner_;
    std::function<void(const std::string&)> tap_;
};

// The end of the index's work-done progress: the server is ready.
inline bool is_progress_end(const std::string& body) {
    if (body.find("$/progress") == std::string::npos) return false;
    nlohmann::json m = nlohmann::json::parse(body, nullptr, false);
    return m.is_object() && m.value("method", "") == "$/progress" && m.contains("params") &&
           m["params"].is_object() &&
           m["params"].value("value", nlohmann::json::object()).value("kind", "") == "end";
}

inline void run_session(const std::uint8_t* data, std::size_t size) {
    using nlohmann::json;
    using namespace std::chrono_literals;
    Input in(data, size);
    const std::uint8_t flags = in.byte();
    const TinyTree& tree = session_tree();
    const std::string bytes = replace_all(std::string(in.rest()), "@ROOT@", tree.root());

    MemoryPair pair = make_memory_pair();
    std::shared_ptr<MemoryClient> client = pair.client;
    // With flag 1, the fuzzed bytes are written the moment the server reports the index
    // built (from the thread that reports it): the main loop runs on this thread all along,
    // and nothing waits or polls.
    std::atomic<bool> ready{false};
    std::function<void()> when_ready = [&] {
        if (flags & 8) {
            json open = {
                {"jsonrpc", "2.0"},
                {"method", "textDocument/didOpen"},
                {"params",
                 {{"textDocument",
                   {{"uri", path_to_uri(tree.root() + "/app/code/Acme/Demo/etc/integration.xml")},
                    {"languageId", "xml"},
                    {"version", 1},
                    {"text", TinyTree::integration_text()}}}}}};
            client->send(open.dump());
        }
        client->write_raw(bytes);
        client->close();
    };
    auto transport =
        std::make_unique<TappedTransport>(std::move(pair.server), [&](const std::string& body) {
            if ((flags & 1) && is_progress_end(body) && !ready.exchange(true)) when_ready();
        });
    auto endpoint = std::make_unique<Endpoint>(std::move(transport));
    ServerOptions options;
    options.diagnostics_delay_ms = 0;
    options.index_threads = 1;
    options.max_file_bytes = 1 << 16;
    options.build_index = session_index;
    std::shared_ptr<LspServer> server = install_lsp_server(*endpoint, options);
    bool timed_out = false;
    if (flags & 1) {
        json caps = {{"window", {{"workDoneProgress", true}}}};
        if (flags & 2) caps["general"] = {{"positionEncodings", {"utf-8"}}};
        if (flags & 4) caps["textDocument"] = {{"diagnostic", json::object()}};
        json init = {{"jsonrpc", "2.0"},
                     {"id", "fuzz-init"},
                     {"method", "initialize"},
                     {"params",
                      {{"processId", nullptr},
                       {"rootUri", path_to_uri(tree.root())},
                       {"capabilities", caps}}}};
        client->send(init.dump());
        client->send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
        // An index that never comes ends the session (and the check below fails).
        endpoint->post_after("fuzz-index-deadline", 30s, [&] {
            timed_out = true;
            endpoint->stop();
        });
    } else {
        // Everything is written before the loop starts.
        client->write_raw(bytes);
        client->close();
    }
    const int code = endpoint->run();
    if (flags & 1) {
        MIL_FUZZ_CHECK(!timed_out && ready, "the index of the tiny tree is built");
    }
    MIL_FUZZ_CHECK(code == 0 || code == 1, "exit code is 0 or 1");
    while (auto body = client->read(0ms))
        MIL_FUZZ_CHECK(JsonRpcCheck::valid(*body),
                       "every message from the server is JSON-RPC 2.0: " + body->substr(0, 200));
    server.reset(); // joins the index thread while the endpoint still exists
    endpoint.reset();
}

} // namespace mil::fuzz
