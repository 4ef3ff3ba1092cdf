// Test helper: an Endpoint running on its own thread behind an in-memory transport, and
// a client side that speaks JSON.
#pragma once

#include "lsp/rpc.hpp"
#include "rpc_codes.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>

namespace mil::test {

using nlohmann::json;
using namespace std::chrono_literals;

// Generous: the tests run under sanitizers on a loaded 2-core machine. Only a failing
// test ever waits this long.
inline constexpr std::chrono::milliseconds kTimeout = 60s;

class Session {
public:
    // `setup` registers handlers before the main loop starts.
    explicit Session(const std::function<void(Endpoint&)>& setup = {}) {
        MemoryPair pair = make_memory_pair();
        client_ = pair.client;
        endpoint_ = std::make_unique<Endpoint>(std::move(pair.server));
        if (setup) setup(*endpoint_);
        exit_ = std::async(std::launch::async, [this] { return endpoint_->run(); });
    }
    ~Session() {
        client_->close();
        if (exit_.valid()) exit_.wait();
    }

    Endpoint& endpoint() { return *endpoint_; }
    MemoryClient& client() { return *client_; }

    void send(const json& message) { client_->send(message.dump()); }
    void raw(std::string_view bytes) { client_->write_raw(bytes); }
    void request(const json& id, const std::string& method, const json& params = nullptr) {
        json m = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
    }
    void notify(const std::string& method, const json& params = nullptr) {
        json m = {{"jsonrpc", "2.0"}, {"method", method}};
        if (!params.is_null()) m["params"] = params;
        send(m);
    }
    void initialize() {
        request(0, "initialize", {{"capabilities", json::object()}});
        json r = read();
        REQUIRE(r.at("id") == 0);
        REQUIRE(r.contains("result"));
        notify("initialized", json::object());
    }

    // The next message from the server; fails the test after kTimeout.
    json read() {
        std::optional<std::string> body = client_->read(kTimeout);
        REQUIRE(body.has_value());
        return json::parse(*body);
    }
    // The next message, if one comes before the server closes (or within `wait`).
    std::optional<json> try_read(std::chrono::milliseconds wait = kTimeout) {
        std::optional<std::string> body = client_->read(wait);
        if (!body) return std::nullopt;
        return json::parse(*body);
    }
    // Waits for run() to return and gives its exit code.
    int exit_code() {
        REQUIRE(exit_.wait_for(kTimeout) == std::future_status::ready);
        return exit_.get();
    }

private:
    std::shared_ptr<MemoryClient> client_;
    std::unique_ptr<Endpoint> endpoint_;
    std::future<int> exit_;
};

} // namespace mil::test
