// Fuzz harness: a whole LSP session. Arbitrary bytes go into an Endpoint with the language
// server installed, over the in-memory transport, serving a tiny Magento tree in a temporary
// folder. The server must answer only with JSON-RPC messages, never hang, and end its main
// loop with 0 or 1 when the input ends.
//
// Input: [flags][bytes...]. In the bytes, "@ROOT@" is replaced by the tree's path (so
// "file://@ROOT@/app/code/Acme/Demo/etc/acl.xml" names a real file).
// flags bit 0: the harness first initializes the server (workDoneProgress) and waits for the
// index to be built, so the fuzzed bytes meet a ready server; bit 1: UTF-8 positions;
// bit 2: the client pulls diagnostics; bit 3: open the tree's integration.xml first.
#pragma once

#include "harness.hpp"

#include "fileio.hpp"
#include "lsp_server.hpp"
#include "rpc.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>

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

inline std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = s.find(from); at != std::string::npos;
         at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// Waits for the first message from the server for which `pred` holds (others are dropped).
template <typename Pred>
inline bool session_wait(MemoryClient& client, Pred pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto body = client.read(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (!body) return false;
        nlohmann::json m = nlohmann::json::parse(*body, nullptr, false);
        MIL_FUZZ_CHECK(m.is_object(), "the server sends JSON objects");
        if (pred(m)) return true;
    }
    return false;
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
    auto endpoint = std::make_unique<Endpoint>(std::move(pair.server));
    ServerOptions options;
    options.diagnostics_delay_ms = 0;
    options.index_threads = 1;
    options.max_file_bytes = 1 << 16;
    std::shared_ptr<LspServer> server = install_lsp_server(*endpoint, options);
    int code = -1;
    if (flags & 1) {
        // The prologue talks with a running server, so the main loop gets its own thread.
        std::future<int> exit = std::async(std::launch::async, [&] { return endpoint->run(); });
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
        const bool ready = session_wait(
            *client,
            [](const json& m) {
                return m.value("method", "") == "$/progress" && m.contains("params") &&
                       m["params"].value("value", json::object()).value("kind", "") == "end";
            },
            30s);
        MIL_FUZZ_CHECK(ready, "the index of the tiny tree is built");
        if (flags & 8) {
            json open = {{"jsonrpc", "2.0"},
                         {"method", "textDocument/didOpen"},
                         {"params",
                          {{"textDocument",
                            {{"uri", path_to_uri(tree.root() +
                                                 "/app/code/Acme/Demo/etc/integration.xml")},
                             {"languageId", "xml"},
                             {"version", 1},
                             {"text", TinyTree::integration_text()}}}}}};
            client->send(open.dump());
        }
        client->write_raw(bytes);
        client->close();
        const bool ended = exit.wait_for(60s) == std::future_status::ready;
        MIL_FUZZ_CHECK(ended, "the server's main loop ends when the input ends");
        code = exit.get();
    } else {
        // Everything is written before the loop starts, and the loop runs on this thread
        // until the end of the input (fewer thread hand-offs: many more inputs per second).
        client->write_raw(bytes);
        client->close();
        code = endpoint->run();
    }
    MIL_FUZZ_CHECK(code == 0 || code == 1, "exit code is 0 or 1");
    while (auto body = client->read(0ms)) {
        json m = json::parse(*body, nullptr, false);
        MIL_FUZZ_CHECK(m.is_object() && m.value("jsonrpc", "") == "2.0",
                       "every message from the server is JSON-RPC 2.0: " + body->substr(0, 200));
    }
    server.reset(); // joins the index thread while the endpoint still exists
    endpoint.reset();
}

} // namespace mil::fuzz
