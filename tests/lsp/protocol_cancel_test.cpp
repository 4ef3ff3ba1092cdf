// $/cancelRequest: applied by the reader as soon as it arrives, every request answered once.
#include "session.hpp"

#include <atomic>
#include <map>
#include <thread>

using namespace mil;
using namespace mil::test;

namespace {

// "test/block" keeps the main loop busy until the client cancels it, so that the messages
// sent meanwhile stay queued. It answers -32800 through its token, as a long handler would.
struct Blocking {
    std::atomic<int> echo_runs{0};
    std::atomic<bool> timed_out{false};

    void install(Endpoint& ep) {
        ep.on_request("test/block", [this](const json&, const CancelToken& token) -> json {
            auto deadline = std::chrono::steady_clock::now() + kTimeout;
            while (!token.cancelled()) {
                if (std::chrono::steady_clock::now() > deadline) {
                    timed_out = true;
                    return "not cancelled";
                }
                std::this_thread::sleep_for(1ms); // polling, as a long computation would
            }
            token.throw_if_cancelled();
            return nullptr;
        });
        ep.on_request("test/echo", [this](const json& params, const CancelToken&) {
            ++echo_runs;
            return params;
        });
    }
};

} // namespace

TEST_CASE("a running handler sees its cancellation; a queued cancelled request never runs") {
    Blocking b;
    Session s([&](Endpoint& ep) { b.install(ep); });
    s.initialize();
    s.request(1, "test/block");
    s.request(2, "test/echo", {{"n", 2}});
    s.request(3, "test/echo", {{"n", 3}});
    s.notify("$/cancelRequest", {{"id", 2}});
    // Cancelling 1 last releases the main loop; the reader handles messages in order, so
    // 2 is already marked by then.
    s.notify("$/cancelRequest", {{"id", 1}});

    json r1 = s.read();
    CHECK(r1.at("id") == 1);
    CHECK(error_code_of(r1) == error_code::RequestCancelled);
    CHECK_FALSE(b.timed_out);
    json r2 = s.read();
    CHECK(r2.at("id") == 2);
    CHECK(error_code_of(r2) == error_code::RequestCancelled);
    json r3 = s.read();
    CHECK(r3.at("id") == 3);
    CHECK(r3.at("result").at("n") == 3);
    CHECK(b.echo_runs == 1); // only request 3 ran
}

TEST_CASE("cancel works with string ids and does not confuse 1 with \"1\"") {
    Blocking b;
    Session s([&](Endpoint& ep) { b.install(ep); });
    s.initialize();
    s.request("blocker", "test/block");
    s.request("1", "test/echo", {{"which", "string"}});
    s.request(1, "test/echo", {{"which", "number"}});
    s.notify("$/cancelRequest", {{"id", "1"}});
    s.notify("$/cancelRequest", {{"id", "blocker"}});
    CHECK(error_code_of(s.read()) == error_code::RequestCancelled);
    json r = s.read();
    CHECK(r.at("id") == "1");
    CHECK(error_code_of(r) == error_code::RequestCancelled);
    r = s.read();
    CHECK(r.at("id") == 1);
    CHECK(r.at("result").at("which") == "number");
}

TEST_CASE("a cancel arriving after the response changes nothing") {
    Session s([](Endpoint& ep) {
        ep.on_request("test/echo", [](const json& params, const CancelToken&) { return params; });
    });
    s.initialize();
    s.request(1, "test/echo", {{"n", 1}});
    json r = s.read();
    CHECK(r.at("result").at("n") == 1);
    s.notify("$/cancelRequest", {{"id", 1}});
    s.notify("$/cancelRequest", {{"id", 12345}}); // never existed
    s.notify("$/cancelRequest", {{"nothing", true}});
    s.notify("$/cancelRequest");
    // The same id may be reused later and is not born cancelled.
    s.request(1, "test/echo", {{"n", 2}});
    r = s.read();
    CHECK(r.at("id") == 1);
    CHECK(r.at("result").at("n") == 2);
    s.request(9, "shutdown");
    CHECK(s.read().at("id") == 9);
    s.notify("exit");
    CHECK(s.exit_code() == 0);
    CHECK_FALSE(s.try_read().has_value()); // nothing extra was ever sent
}

TEST_CASE("every request gets exactly one response, whatever is cancelled") {
    Blocking b;
    Session s([&](Endpoint& ep) { b.install(ep); });
    s.initialize();
    s.request(0, "test/block");
    const int n = 200;
    for (int i = 1; i <= n; ++i) {
        s.request(i, "test/echo", {{"i", i}});
        if (i % 3 == 0) s.notify("$/cancelRequest", {{"id", i}});
        if (i % 7 == 0) s.notify("$/cancelRequest", {{"id", i - 1}}); // maybe done already
    }
    s.notify("$/cancelRequest", {{"id", 0}});
    std::map<int, int> answers;
    for (int i = 0; i <= n; ++i) {
        json r = s.read();
        ++answers[r.at("id").get<int>()];
        int id = r.at("id").get<int>();
        if (id % 3 == 0) CHECK(error_code_of(r) == error_code::RequestCancelled);
    }
    CHECK(answers.size() == static_cast<std::size_t>(n + 1));
    for (auto& [id, count] : answers)
        CHECK(count == 1);
    s.client().close();
    CHECK(s.exit_code() == 1);
    CHECK_FALSE(s.try_read().has_value());
}
