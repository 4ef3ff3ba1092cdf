// The LSP lifecycle rules, as transcripts through the in-memory transport.
#include "session.hpp"

using namespace mil;
using namespace mil::test;

namespace {

void echo_setup(Endpoint& ep) {
    ep.on_request("initialize", [](const json&, const CancelToken&) {
        return json{{"capabilities", {{"hoverProvider", true}}}};
    });
    ep.on_request("test/echo", [](const json& params, const CancelToken&) { return params; });
}

} // namespace

TEST_CASE("requests before initialize get ServerNotInitialized") {
    Session s(echo_setup);
    s.request(1, "test/echo", {{"x", 1}});
    json r = s.read();
    CHECK(r.at("id") == 1);
    CHECK(error_code_of(r) == error_code::ServerNotInitialized);
    // Even shutdown.
    s.request(2, "shutdown");
    CHECK(error_code_of(s.read()) == error_code::ServerNotInitialized);
    // Unknown methods too: the lifecycle check comes first.
    s.request(3, "no/such/method");
    CHECK(error_code_of(s.read()) == error_code::ServerNotInitialized);
}

TEST_CASE("notifications before initialize are dropped") {
    int seen = 0;
    Session s([&](Endpoint& ep) {
        echo_setup(ep);
        ep.on_notification("test/note", [&](const json&) { ++seen; });
        ep.on_request("test/seen", [&](const json&, const CancelToken&) { return seen; });
    });
    s.notify("test/note", json::object());
    s.initialize();
    s.notify("test/note", json::object());
    s.request(5, "test/seen");
    json r = s.read();
    CHECK(r.at("id") == 5);
    CHECK(r.at("result") == 1); // only the one after initialize
}

TEST_CASE("initialize returns the handler's result; a second initialize is InvalidRequest") {
    Session s(echo_setup);
    s.request(1, "initialize", {{"capabilities", json::object()}});
    json r = s.read();
    CHECK(r.at("jsonrpc") == "2.0");
    CHECK(r.at("id") == 1);
    CHECK(r.at("result").at("capabilities").at("hoverProvider") == true);
    s.request(2, "initialize", {{"capabilities", json::object()}});
    r = s.read();
    CHECK(r.at("id") == 2);
    CHECK(error_code_of(r) == error_code::InvalidRequest);
    // The server still works.
    s.request("three", "test/echo", {{"a", "b"}});
    r = s.read();
    CHECK(r.at("id") == "three");
    CHECK(r.at("result") == json{{"a", "b"}});
}

TEST_CASE("initialize works without a registered handler") {
    Session s;
    s.request(1, "initialize", json::object());
    json r = s.read();
    CHECK(r.at("result").at("capabilities").is_object());
}

TEST_CASE("unknown request is MethodNotFound, unknown notification is ignored") {
    Session s(echo_setup);
    s.initialize();
    s.notify("$/setTrace", {{"value", "off"}});
    s.notify("custom/whatever", json::object());
    s.request(7, "no/such/method");
    json r = s.read(); // the notifications produced nothing before this
    CHECK(r.at("id") == 7);
    CHECK(error_code_of(r) == error_code::MethodNotFound);
    s.request(8, "$/unknownRequest");
    r = s.read();
    CHECK(r.at("id") == 8);
    CHECK(error_code_of(r) == error_code::MethodNotFound);
}

TEST_CASE("shutdown then exit: requests after shutdown are InvalidRequest, exit code 0") {
    Session s(echo_setup);
    s.initialize();
    s.request(1, "shutdown");
    json r = s.read();
    CHECK(r.at("id") == 1);
    CHECK(r.contains("result"));
    CHECK(r.at("result").is_null());
    CHECK(s.endpoint().shutdown_received());
    s.request(2, "test/echo", json::object());
    CHECK(error_code_of(s.read()) == error_code::InvalidRequest);
    s.request(3, "shutdown");
    CHECK(error_code_of(s.read()) == error_code::InvalidRequest);
    s.notify("exit");
    CHECK(s.exit_code() == 0);
    CHECK(s.client().server_closed());
    CHECK_FALSE(s.try_read().has_value());
}

TEST_CASE("shutdown calls a registered shutdown handler") {
    bool called = false;
    Session s([&](Endpoint& ep) {
        ep.on_request("shutdown", [&](const json&, const CancelToken&) {
            called = true;
            return json();
        });
    });
    s.initialize();
    s.request(1, "shutdown");
    CHECK(s.read().at("result").is_null());
    CHECK(called);
}

TEST_CASE("exit without shutdown returns 1") {
    Session s(echo_setup);
    s.initialize();
    s.notify("exit");
    CHECK(s.exit_code() == 1);
}

TEST_CASE("exit before initialize returns 1") {
    Session s(echo_setup);
    s.notify("exit");
    CHECK(s.exit_code() == 1);
}

TEST_CASE("end of input stops the server: 0 after shutdown, 1 otherwise") {
    SECTION("after shutdown") {
        Session s(echo_setup);
        s.initialize();
        s.request(1, "shutdown");
        s.read();
        s.client().close();
        CHECK(s.exit_code() == 0);
    }
    SECTION("without shutdown") {
        Session s(echo_setup);
        s.initialize();
        s.client().close();
        CHECK(s.exit_code() == 1);
    }
    SECTION("before anything") {
        Session s(echo_setup);
        s.client().close();
        CHECK(s.exit_code() == 1);
    }
}

TEST_CASE("messages queued before end of input are still answered") {
    Session s(echo_setup);
    s.initialize();
    for (int i = 0; i < 20; ++i)
        s.request(i + 100, "test/echo", {{"i", i}});
    s.client().close();
    for (int i = 0; i < 20; ++i) {
        json r = s.read();
        CHECK(r.at("id") == i + 100);
        CHECK(r.at("result").at("i") == i);
    }
    CHECK(s.exit_code() == 1);
}

TEST_CASE("stop() from another thread ends run()") {
    Session s(echo_setup);
    s.initialize();
    s.endpoint().stop();
    CHECK(s.exit_code() == 1);
}
