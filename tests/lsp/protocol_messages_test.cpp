// Malformed input, handler errors and server -> client requests, end to end through the
// Endpoint and the in-memory transport.
#include "lsp/jsonrpc.hpp"
#include "session.hpp"

#include <stdexcept>

using namespace mil;
using namespace mil::test;

namespace {

void setup(Endpoint& ep) {
    ep.on_request("test/echo", [](const json& params, const CancelToken&) { return params; });
    ep.on_request("test/add", [](const json& params, const CancelToken&) {
        return params.at("a").get<int>() + params.at("b").get<int>();
    });
    ep.on_request("test/fail", [](const json& params, const CancelToken&) -> json {
        std::string how = params.at("how").get<std::string>();
        if (how == "rpc") throw RpcError(error_code::RequestFailed, "it failed", {{"why", 42}});
        if (how == "runtime") throw std::runtime_error("boom");
        if (how == "int") throw 7;
        if (how == "parse") return json::parse("{oops");
        return nullptr;
    });
    ep.on_request("test/bytes", [](const json&, const CancelToken&) {
        return std::string("bad \xff\xfe utf-8"); // a handler may produce invalid UTF-8
    });
}

std::string body_of(const json& j) {
    return j.dump();
}

} // namespace

TEST_CASE("invalid JSON gets ParseError with id null, then a valid request is answered") {
    Session s(setup);
    s.initialize();
    s.client().send(R"({"jsonrpc":"2.0","id":5,"method":"test/echo","params":{)");
    json r = s.read();
    CHECK(r.at("id").is_null());
    CHECK(error_code_of(r) == error_code::ParseError);
    s.request(6, "test/echo", {{"ok", true}});
    r = s.read();
    CHECK(r.at("id") == 6);
    CHECK(r.at("result").at("ok") == true);
}

TEST_CASE("binary junk in a body is a ParseError, not a crash") {
    Session s(setup);
    s.initialize();
    s.client().send(std::string("\x00\xff\xfe{{[[\x80", 8));
    CHECK(error_code_of(s.read()) == error_code::ParseError);
    // Invalid UTF-8 inside a JSON string is refused by the parser as well.
    s.client().send(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test/echo\",\"params\":[\"\xff\"]}");
    CHECK(error_code_of(s.read()) == error_code::ParseError);
    s.request(2, "test/echo", json::array({1}));
    CHECK(s.read().at("result") == json::array({1}));
}

TEST_CASE("a lying Content-Length (too short) costs one ParseError; the next request works") {
    Session s(setup);
    s.initialize();
    std::string lie = body_of({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "test/echo"}});
    s.raw("Content-Length: " + std::to_string(lie.size() - 10) + "\r\n\r\n" + lie);
    s.request(2, "test/echo", {{"n", 2}});
    json r = s.read();
    CHECK(r.at("id").is_null());
    CHECK(error_code_of(r) == error_code::ParseError);
    r = s.read();
    CHECK(r.at("id") == 2);
    CHECK(r.at("result").at("n") == 2);
}

TEST_CASE("a lying Content-Length (too long) swallows the next header; both are recovered") {
    Session s(setup);
    s.initialize();
    std::string first =
        body_of({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "test/echo"}, {"params", {{"n", 1}}}});
    std::string second =
        body_of({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "test/echo"}, {"params", {{"n", 2}}}});
    s.raw("Content-Length: " + std::to_string(first.size() + 25) + "\r\n\r\n" + first);
    s.client().send(second);
    json r = s.read();
    CHECK(r.at("id") == 1);
    CHECK(r.at("result").at("n") == 1);
    r = s.read();
    CHECK(r.at("id") == 2);
    CHECK(r.at("result").at("n") == 2);
}

TEST_CASE("a header block without Content-Length is skipped; the next request works") {
    Session s(setup);
    s.initialize();
    s.raw("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"id\":99}");
    s.request(3, "test/echo", {{"n", 3}});
    json r = s.read(); // nothing is answered for the headerless block
    CHECK(r.at("id") == 3);
    CHECK(r.at("result").at("n") == 3);
}

TEST_CASE("JSON that is not a request object gets InvalidRequest") {
    Session s(setup);
    s.initialize();
    for (std::string bad : {"[1,2]", "42", "\"text\"", "null", "[]"}) {
        INFO(bad);
        s.client().send(bad);
        json r = s.read();
        CHECK(r.at("id").is_null());
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
}

TEST_CASE("objects that are not valid JSON-RPC get InvalidRequest, with the id when usable") {
    Session s(setup);
    s.initialize();
    SECTION("no jsonrpc member") {
        s.send({{"id", 4}, {"method", "test/echo"}});
        json r = s.read();
        CHECK(r.at("id") == 4);
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
    SECTION("wrong jsonrpc version") {
        s.send({{"jsonrpc", "1.0"}, {"id", "x"}, {"method", "test/echo"}});
        json r = s.read();
        CHECK(r.at("id") == "x");
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
    SECTION("no method") {
        s.send({{"jsonrpc", "2.0"}, {"id", 5}});
        json r = s.read();
        CHECK(r.at("id") == 5);
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
    SECTION("method is not a string") {
        s.send({{"jsonrpc", "2.0"}, {"id", 6}, {"method", 12}});
        json r = s.read();
        CHECK(r.at("id") == 6);
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
    SECTION("id of a wrong type") {
        s.send({{"jsonrpc", "2.0"}, {"id", {{"x", 1}}}, {"method", "test/echo"}});
        json r = s.read();
        CHECK(r.at("id").is_null());
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
    SECTION("params that are neither object nor array") {
        s.send({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "test/echo"}, {"params", 3}});
        json r = s.read();
        CHECK(r.at("id") == 7);
        CHECK(error_code_of(r) == error_code::InvalidRequest);
    }
    // Whatever happened, the server still answers.
    s.request(100, "test/echo", json::array());
    json r = s.read();
    CHECK(r.at("id") == 100);
    CHECK(r.at("result") == json::array());
}

TEST_CASE("absurdly deep nesting is refused without blowing the stack") {
    Session s(setup);
    s.initialize();
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    s.client().send(R"({"jsonrpc":"2.0","id":8,"method":"test/echo","params":)" + deep + "}");
    json r = s.read();
    CHECK(r.at("id") == 8);
    CHECK(error_code_of(r) == error_code::InvalidRequest);
    // Moderate nesting is fine.
    std::string ok = std::string(50, '[') + std::string(50, ']');
    s.client().send(R"({"jsonrpc":"2.0","id":9,"method":"test/echo","params":)" + ok + "}");
    r = s.read();
    CHECK(r.at("id") == 9);
    CHECK(r.at("result") == json::parse(ok));
}

TEST_CASE("params of the wrong type become InvalidParams with a useful message") {
    Session s(setup);
    s.initialize();
    s.request(1, "test/add", {{"a", 1}, {"b", 2}});
    CHECK(s.read().at("result") == 3);

    s.request(2, "test/add", {{"a", "one"}, {"b", 2}}); // type_error
    json r = s.read();
    CHECK(r.at("id") == 2);
    CHECK(error_code_of(r) == error_code::InvalidParams);
    std::string message = r.at("error").at("message");
    CHECK(message.find("test/add") != std::string::npos);
    CHECK(message.find("number") != std::string::npos);

    s.request(3, "test/add", {{"a", 1}}); // out_of_range: missing key
    r = s.read();
    CHECK(error_code_of(r) == error_code::InvalidParams);
    CHECK(r.at("error").at("message").get<std::string>().find("'b'") != std::string::npos);

    s.request(4, "test/add"); // no params at all: handlers see null
    CHECK(error_code_of(s.read()) == error_code::InvalidParams);
}

TEST_CASE("handler errors: RpcError as given, anything else InternalError") {
    Session s(setup);
    s.initialize();
    s.request(1, "test/fail", {{"how", "rpc"}});
    json r = s.read();
    CHECK(error_code_of(r) == error_code::RequestFailed);
    CHECK(r.at("error").at("message") == "it failed");
    CHECK(r.at("error").at("data") == json{{"why", 42}});
    s.request(2, "test/fail", {{"how", "runtime"}});
    r = s.read();
    CHECK(error_code_of(r) == error_code::InternalError);
    CHECK(r.at("error").at("message").get<std::string>().find("boom") != std::string::npos);
    s.request(3, "test/fail", {{"how", "int"}});
    CHECK(error_code_of(s.read()) == error_code::InternalError);
    s.request(4, "test/fail", {{"how", "parse"}}); // a json exception that is not about params
    CHECK(error_code_of(s.read()) == error_code::InternalError);
    s.request(5, "test/fail", {{"how", "none"}});
    r = s.read();
    CHECK(r.at("id") == 5);
    CHECK(r.at("result").is_null());
}

TEST_CASE("a result holding invalid UTF-8 is still sent as valid JSON") {
    Session s(setup);
    s.initialize();
    s.request(1, "test/bytes");
    json r = s.read(); // read() parses: it would fail on invalid output
    CHECK(r.at("result").get<std::string>().rfind("bad ", 0) == 0);
}

TEST_CASE("notification handler exceptions are contained") {
    Session s([](Endpoint& ep) {
        setup(ep);
        ep.on_notification("test/throw", [](const json&) { throw std::runtime_error("nope"); });
    });
    s.initialize();
    s.notify("test/throw", json::object());
    s.request(1, "test/echo", {{"still", "alive"}});
    CHECK(s.read().at("result").at("still") == "alive");
}

TEST_CASE("server -> client request round trip") {
    std::optional<RpcError> got_error;
    json got_result;
    Session s([&](Endpoint& ep) {
        setup(ep);
        ep.on_notification("test/ask", [&ep, &got_result, &got_error](const json& params) {
            ep.request("client/question", params,
                       [&ep, &got_result, &got_error](const json& result,
                                                      const std::optional<RpcError>& error) {
                           got_result = result;
                           got_error = error;
                           ep.notify("test/answered", {{"ok", !error.has_value()}});
                       });
        });
    });
    s.initialize();

    s.notify("test/ask", {{"q", "life"}});
    json req = s.read();
    CHECK(req.at("jsonrpc") == "2.0");
    CHECK(req.at("method") == "client/question");
    CHECK(req.at("params") == json{{"q", "life"}});
    REQUIRE(req.contains("id"));
    // A response to an id the server never used is ignored.
    s.send({{"jsonrpc", "2.0"}, {"id", 987654}, {"result", "stray"}});
    s.send({{"jsonrpc", "2.0"}, {"id", req.at("id")}, {"result", {{"answer", 42}}}});
    json note = s.read();
    CHECK(note.at("method") == "test/answered");
    CHECK(note.at("params").at("ok") == true);
    CHECK(got_result == json{{"answer", 42}});
    CHECK_FALSE(got_error.has_value());

    s.notify("test/ask", {{"q", "again"}});
    json req2 = s.read();
    CHECK(req2.at("id") != req.at("id"));
    s.send({{"jsonrpc", "2.0"},
            {"id", req2.at("id")},
            {"error", {{"code", -32601}, {"message", "no such thing"}}}});
    note = s.read();
    CHECK(note.at("params").at("ok") == false);
    REQUIRE(got_error.has_value());
    CHECK(got_error->code == -32601);
    CHECK(got_error->message == "no such thing");
    CHECK(got_result.is_null());

    // A second response for an id already answered changes nothing.
    s.send({{"jsonrpc", "2.0"}, {"id", req2.at("id")}, {"result", 1}});
    s.request(50, "test/echo", {{"last", 1}});
    json r = s.read();
    CHECK(r.at("id") == 50);
}

TEST_CASE("notify omits params when none are given") {
    Session s([](Endpoint& ep) {
        ep.on_notification("test/ping", [&ep](const json&) { ep.notify("test/pong"); });
    });
    s.initialize();
    s.notify("test/ping", json::object());
    json n = s.read();
    CHECK(n.at("method") == "test/pong");
    CHECK_FALSE(n.contains("params"));
    CHECK_FALSE(n.contains("id"));
}

TEST_CASE("a large message goes through") {
    Session s(setup);
    s.initialize();
    std::string big(2 << 20, 'a'); // many reads of the transport
    s.request(1, "test/echo", {{"text", big}});
    json r = s.read();
    CHECK(r.at("result").at("text").get<std::string>().size() == big.size());
}
