// Language-server transcripts through the in-memory transport: the LSP server installed on
// an Endpoint running on its own thread, a client side that answers the server's requests,
// keeps notifications in order, and waits for what a test expects. Plus a temporary copy of
// a Magento tree (data/example or a fixture tree) to serve.
#pragma once

#include "lsp/lsp_server.hpp"
#include "lsp/rpc.hpp"
#include "platform/fileio.hpp"
#include "platform/log.hpp"

#include "mil/base/text.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <stdlib.h>

namespace mil::test {

using nlohmann::json;
using namespace std::chrono_literals;

// Only a failing test waits this long.
inline constexpr std::chrono::milliseconds kLspTimeout = 20s;

// A temporary directory removed at the end, holding a copy of a tree.
class TempCopy {
public:
    // An empty temporary directory.
    TempCopy() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mil-qa-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        root_ = std::filesystem::canonical(tmpl).string();
    }
    // A copy of `source` (a directory) in a fresh temporary directory.
    explicit TempCopy(const std::string& source) : TempCopy() {
        std::filesystem::copy(source, root_, std::filesystem::copy_options::recursive);
    }
    ~TempCopy() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    TempCopy(const TempCopy&) = delete;
    TempCopy& operator=(const TempCopy&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }
    std::string uri(const std::string& rel) const { return path_to_uri(path(rel)); }
    std::string read(const std::string& rel) const {
        std::ifstream in(path(rel), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    void write(const std::string& rel, const std::string& text) const {
        std::filesystem::path p = path(rel);
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << text;
    }

private:
    std::string root_;
};

inline std::string example_dir() {
    return std::string(MIL_SOURCE_DIR) + "/data/example";
}

inline const char* kExampleIntegration = "app/code/Acme/Connector/etc/integration.xml";

// LSP position of a byte offset of `text`.
inline json lsp_position(const std::string& text, Offset offset, Encoding enc) {
    LineIndex li(text);
    LineCol lc = li.to_line_col(text, offset, enc);
    return {{"line", lc.line}, {"character", lc.col}};
}

// Position just after the first occurrence of `before` in `text`.
inline json position_after(const std::string& text, std::string_view before,
                           Encoding enc = Encoding::Utf16) {
    auto pos = text.find(before);
    if (pos == std::string::npos) throw std::logic_error("not in text: " + std::string(before));
    return lsp_position(text, static_cast<Offset>(pos + before.size()), enc);
}

inline json lsp_range(const std::string& text, std::string_view needle,
                      Encoding enc = Encoding::Utf16) {
    auto pos = text.find(needle);
    if (pos == std::string::npos) throw std::logic_error("not in text: " + std::string(needle));
    return {{"start", lsp_position(text, static_cast<Offset>(pos), enc)},
            {"end", lsp_position(text, static_cast<Offset>(pos + needle.size()), enc)}};
}

class LspClient {
public:
    explicit LspClient(ServerOptions options = fast_options()) {
        log::set_level(log::Level::warn);
        MemoryPair pair = make_memory_pair();
        client_ = pair.client;
        endpoint_ = std::make_unique<Endpoint>(std::move(pair.server));
        server_ = install_lsp_server(*endpoint_, options);
        exit_ = std::async(std::launch::async, [this] { return endpoint_->run(); });
    }
    ~LspClient() {
        client_->close();
        if (exit_.valid()) exit_.wait();
        server_.reset(); // joins the index thread while the endpoint still exists
        endpoint_.reset();
    }
    LspClient(const LspClient&) = delete;
    LspClient& operator=(const LspClient&) = delete;

    static ServerOptions fast_options() {
        ServerOptions o;
        o.diagnostics_delay_ms = 20;
        o.index_threads = 2;
        return o;
    }

    // How to answer a server->client request (default: a null result).
    std::function<json(const json& request)> answer = [](const json&) { return json(nullptr); };

    MemoryClient& raw() { return *client_; }

    void send(const json& m) { client_->send(m.dump()); }
    void notify(const std::string& method, const json& params = nullptr) {
        json m = {{"jsonrpc", "2.0"}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
    }
    // Sends a request and returns its id.
    int send_request(const std::string& method, const json& params = nullptr) {
        int id = next_id_++;
        json m = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
        return id;
    }
    // The response to request `id` (the whole message).
    json response(int id) {
        for (;;) {
            for (auto it = responses_.begin(); it != responses_.end(); ++it)
                if ((*it)["id"] == id) {
                    json r = std::move(*it);
                    responses_.erase(it);
                    return r;
                }
            pump_one();
        }
    }
    json request(const std::string& method, const json& params = nullptr) {
        return response(send_request(method, params));
    }
    // The result of a request; fails the test on an error response.
    json result(const std::string& method, const json& params = nullptr) {
        json r = request(method, params);
        INFO(r.dump());
        REQUIRE(r.contains("result"));
        return r["result"];
    }

    // The first notification (removed from the inbox) with `method` for which `pred` holds.
    json wait_notification(const std::string& method,
                           const std::function<bool(const json&)>& pred = {}) {
        for (;;) {
            for (auto it = notifications_.begin(); it != notifications_.end(); ++it)
                if ((*it)["method"] == method && (!pred || pred((*it)["params"]))) {
                    json n = std::move(*it);
                    notifications_.erase(it);
                    return n["params"];
                }
            pump_one();
        }
    }
    // publishDiagnostics for `uri` (the next one in order).
    json wait_diagnostics(const std::string& uri) {
        return wait_notification("textDocument/publishDiagnostics",
                                 [&](const json& p) { return p["uri"] == uri; });
    }
    // Waits for the server to send a request with `method` (answered by `answer`) and
    // returns it. Each request is returned once.
    json wait_server_request(const std::string& method) {
        for (;;) {
            for (std::size_t i = seen_requests_; i < server_requests_.size(); ++i)
                if (server_requests_[i]["method"] == method) {
                    seen_requests_ = i + 1;
                    return server_requests_[i];
                }
            pump_one();
        }
    }
    // Reads whatever comes within `wait` (server requests are answered).
    void drain(std::chrono::milliseconds wait = 100ms) {
        while (auto body = client_->read(wait))
            dispatch(json::parse(*body));
    }
    std::vector<json>& notifications() { return notifications_; }
    const std::vector<json>& server_requests() const { return server_requests_; }
    // Every message in arrival order (for ordering checks).
    const std::vector<json>& log() const { return log_; }

    // initialize + initialized; returns the initialize result.
    json initialize(const std::string& root, json capabilities = json::object(),
                    json init_options = nullptr) {
        json params = {{"processId", nullptr},
                       {"rootUri", path_to_uri(root)},
                       {"capabilities", std::move(capabilities)}};
        if (!init_options.is_null()) params["initializationOptions"] = std::move(init_options);
        json r = result("initialize", params);
        notify("initialized", json::object());
        return r;
    }
    void open(const std::string& uri, const std::string& text, int version = 1) {
        notify("textDocument/didOpen",
               {{"textDocument",
                 {{"uri", uri}, {"languageId", "xml"}, {"version", version}, {"text", text}}}});
    }
    // The exit code of the server's main loop.
    int exit_code() {
        REQUIRE(exit_.wait_for(kLspTimeout) == std::future_status::ready);
        return exit_.get();
    }

private:
    void pump_one() {
        std::optional<std::string> body = client_->read(kLspTimeout);
        REQUIRE(body.has_value());
        dispatch(json::parse(*body));
    }
    void dispatch(json m) {
        log_.push_back(m);
        if (m.contains("method") && m.contains("id")) {
            server_requests_.push_back(m);
            json reply = {{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", answer(m)}};
            send(reply);
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
    std::size_t seen_requests_ = 0;
    std::vector<json> responses_, notifications_, server_requests_, log_;
};

// A TextDocumentIdentifier.
inline json td(const std::string& uri) {
    return {{"uri", uri}};
}

// workspace/didChangeWatchedFiles for one file (type 1 created, 2 changed, 3 deleted).
inline void watched(LspClient& c, const std::string& uri, int type = 2) {
    c.notify("workspace/didChangeWatchedFiles", {{"changes", {{{"uri", uri}, {"type", type}}}}});
}

inline std::vector<std::string> diagnostic_codes(const json& publish_params) {
    std::vector<std::string> out;
    for (const auto& d : publish_params.at("diagnostics"))
        out.push_back(d.value("code", ""));
    return out;
}

inline const json* find_diagnostic(const json& publish_params, std::string_view code) {
    for (const auto& d : publish_params.at("diagnostics"))
        if (d.value("code", "") == code) return &d;
    return nullptr;
}

} // namespace mil::test
