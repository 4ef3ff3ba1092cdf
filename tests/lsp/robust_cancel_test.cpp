// Long requests run off the main loop and can be cancelled: while a completion over a
// 16,000-deep ACL tree is in progress, a hover is answered, and `$/cancelRequest` makes the
// completion answer RequestCancelled (-32800). The order of the answers is pinned, not times:
// the completion's job is held on the worker (ServerOptions::before_heavy_work) until the
// test lets it go.
#include "robust_support.hpp"

#include "platform/heap.hpp"

#include <condition_variable>
#include <mutex>

using namespace mil::robust;

namespace {

constexpr int kDepth = 16000;

std::string deep_id(int i) {
    return deep_demo_id(i);
}

// Holds the next heavy job on the worker once armed, until opened.
struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool armed = false, held = false, open = false;

    void hook() {
        std::unique_lock lock(mutex);
        if (!armed) return;
        armed = false;
        held = true;
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(20), [&] { return open; });
    }
    bool wait_held() {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, std::chrono::seconds(20), [&] { return held; });
    }
    void release() {
        std::lock_guard lock(mutex);
        open = true;
        cv.notify_all();
    }
};

// Sends a completion at the end of "Acme_Demo::" in `text` and waits until its job is held
// on the worker; returns the request's id.
int held_completion(Server& s, Gate& gate, const std::string& uri, const std::string& text) {
    {
        std::lock_guard lock(gate.mutex);
        gate.armed = true;
    }
    const int id =
        s.send_request("textDocument/completion",
                       {{"textDocument", {{"uri", uri}}},
                        {"position", lsp_position(text, text.find("Acme_Demo::\"") + 11)}});
    REQUIRE(gate.wait_held());
    return id;
}

} // namespace

TEST_CASE("cancel: a completion over a 16,000-deep tree runs off the main loop and answers "
          "-32800 when cancelled") {
    TempDir t;
    write_small_tree(t);
    write_deep_acl(t, kDepth);
    QuietLog quiet;
    auto gate = std::make_shared<Gate>();
    mil::ServerOptions options = Server::fast_options();
    options.before_heavy_work = [gate] { gate->hook(); };
    Server s(options);
    s.initialize(t.root());
    s.wait_indexed();
    const std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
                             "        <email>demo@example.com</email>\n        <resources>\n"
                             "            <resource name=\"" +
                             deep_id(kDepth - 1) +
                             "\"/>\n"
                             "            <resource name=\"Acme_Demo::\"/>\n"
                             "        </resources>\n    </integration>\n</config>\n";
    const std::string uri = t.uri(kDemoIntegration);
    s.open(uri, text);
    // Its diagnostics, made on the worker too, over the whole chain.
    json d = s.wait_notification("textDocument/publishDiagnostics");
    bool missing_parent = false;
    for (const auto& diag : d.at("diagnostics"))
        missing_parent = missing_parent || diag.value("code", "") == "missing-parent";
    CHECK(missing_parent); // on the deepest id, its 15,999 ancestors not listed

    const int completion = held_completion(s, *gate, uri, text);
    // The completion is in progress on the worker: the main loop answers a hover meanwhile.
    json hover = s.result("textDocument/hover",
                          {{"textDocument", {{"uri", uri}}},
                           {"position", lsp_position(text, text.find(deep_id(kDepth - 1)) + 3)}});
    REQUIRE(hover.is_object());
    CHECK(hover.at("contents").at("value").get<std::string>().find(deep_id(kDepth - 1)) !=
          std::string::npos);
    // Cancelled while it runs; the reader applies the cancel before it reads the next request,
    // so once that one is answered the flag is set.
    s.notify("$/cancelRequest", {{"id", completion}});
    s.result("textDocument/hover",
             {{"textDocument", {{"uri", uri}}}, {"position", lsp_position(text, 0)}});
    gate->release();
    json r = s.response(completion);
    INFO(r.dump().substr(0, 300));
    REQUIRE(r.contains("error"));
    CHECK(error_code(r) == mil::error_code::RequestCancelled);

    // The next completion (not cancelled) is answered in full, off the loop as well.
    json list = s.result("textDocument/completion",
                         {{"textDocument", {{"uri", uri}}},
                          {"position", lsp_position(text, text.find("Acme_Demo::\"") + 11)}});
    CHECK(list.at("items").size() == 5000); // the best ranked of the 16,000
    CHECK(list.at("isIncomplete") == true);
}

TEST_CASE("cancel: a completion asked about a text changed meanwhile answers ContentModified") {
    TempDir t;
    write_small_tree(t);
    QuietLog quiet;
    auto gate = std::make_shared<Gate>();
    mil::ServerOptions options = Server::fast_options();
    options.before_heavy_work = [gate] { gate->hook(); };
    Server s(options);
    s.initialize(t.root(), {{"textDocument", {{"diagnostic", json::object()}}}});
    s.wait_indexed();
    const std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
                             "        <resources>\n"
                             "            <resource name=\"Acme_Demo::\"/>\n"
                             "        </resources>\n    </integration>\n</config>\n";
    const std::string uri = t.uri(kDemoIntegration);
    s.open(uri, text);
    const int completion = held_completion(s, *gate, uri, text);
    s.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                        {"contentChanges", {{{"text", "<config/>\n"}}}}});
    s.result("textDocument/hover",
             {{"textDocument", {{"uri", uri}}}, {"position", lsp_position(text, 0)}});
    gate->release();
    json r = s.response(completion);
    REQUIRE(r.contains("error"));
    CHECK(error_code(r) == mil::error_code::ContentModified);
}

TEST_CASE("memory: closing a large document gives the heap's free memory back, a small one "
          "does not ask") {
    TempDir t;
    write_small_tree(t);
    QuietLog quiet;
    Server s;
    s.initialize(t.root(), {{"textDocument", {{"diagnostic", json::object()}}}});
    s.wait_indexed();
    const std::string uri = t.uri(kDemoIntegration);
    const json at = {{"textDocument", {{"uri", uri}}}, {"position", pos(0, 0)}};
    auto open_and_close = [&](std::size_t resources) {
        std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
                           "        <resources>\n";
        for (std::size_t i = 0; i < resources; ++i)
            text += "            <resource name=\"Acme_Demo::child\"/>\n";
        text += "        </resources>\n    </integration>\n</config>\n";
        s.open(uri, text);
        s.result("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
        s.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
        // A completion runs on the worker after what the close queued there.
        s.result("textDocument/completion", at);
        return text.size();
    };
    const std::size_t before = mil::heap_trims();
    REQUIRE(open_and_close(2) < 1000);
    CHECK(mil::heap_trims() == before);
    REQUIRE(open_and_close(60000) > (2u << 20)); // 2.8 MB
    CHECK(mil::heap_trims() == before + 1);
}
