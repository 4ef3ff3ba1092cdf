// NotifyHandle: notifications from a thread that may outlive the endpoint (the index thread
// ends the indexing progress through one), and PostHandle's work done before the loop wakes.
#include "session.hpp"

#include <thread>

using namespace mil;
using namespace mil::test;

TEST_CASE("a notify handle sends in order from another thread, and nothing once the endpoint "
          "is gone") {
    NotifyHandle handle;
    {
        Session s;
        s.initialize();
        handle = s.endpoint().notify_handle();
        std::thread([&] {
            CHECK(handle.notify_all(
                {{"$/progress", {{"token", "t"}, {"value", {{"kind", "report"}}}}},
                 {"$/progress", {{"token", "t"}, {"value", {{"kind", "end"}}}}}}));
        }).join();
        json first = s.read();
        json second = s.read();
        CHECK(first["method"] == "$/progress");
        CHECK(first["params"]["value"]["kind"] == "report");
        CHECK(second["params"]["value"]["kind"] == "end");
    }
    CHECK_FALSE(handle.notify("$/progress", {{"token", "t"}}));
    CHECK_FALSE(NotifyHandle().notify("x", nullptr));
}

TEST_CASE("a task posted with work before the wake runs before what the client sends after "
          "that work") {
    // As the index thread does: queue the snapshot's publication, tell the client it is ready,
    // then wake the loop. A request the client sends on hearing it sees the task done.
    bool published = false; // main loop only
    Session s([&](Endpoint& ep) {
        ep.on_request("probe", [&](const json&, const CancelToken&) { return published; });
    });
    s.initialize();
    PostHandle post = s.endpoint().post_handle();
    NotifyHandle notify = s.endpoint().notify_handle();
    std::thread([&] {
        CHECK(post.post([&] { published = true; },
                        [&] { CHECK(notify.notify("ready", json::object())); }));
    }).join();
    json ready = s.read();
    CHECK(ready["method"] == "ready");
    s.request(7, "probe");
    json answer = s.read();
    CHECK(answer["id"] == 7);
    CHECK(answer["result"] == true);
}
