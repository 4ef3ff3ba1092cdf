// Long requests run off the main loop and can be cancelled: while a completion, a pull
// diagnostic or a code action over a 16,000-deep ACL tree is in progress, a hover is answered,
// and `$/cancelRequest` makes the request answer RequestCancelled (-32800). The order of the
// answers is pinned, not times: the request's job is held on the worker
// (ServerOptions::before_heavy_work) until the test lets it go.
#include "robust_support.hpp"

#include "platform/heap.hpp"

#include <condition_variable>
#include <mutex>

using namespace mil::robust;

namespace {

constexpr int kCancelDepth = 16000;

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

// The small tree (with `depth` > 0, Acme_Demo's ACL a chain that deep) served with a Gate on
// the worker, indexed. `capabilities`: the client's.
struct Gated {
    TempDir t;
    QuietLog quiet;
    std::shared_ptr<Gate> gate = std::make_shared<Gate>();
    Server s{options(gate)};

    explicit Gated(int depth, json capabilities = json::object()) {
        write_small_tree(t);
        if (depth > 0) write_deep_acl(t, depth);
        s.initialize(t.root(), std::move(capabilities));
        s.wait_indexed();
    }
    static mil::ServerOptions options(const std::shared_ptr<Gate>& gate) {
        mil::ServerOptions o = Server::fast_options();
        o.before_heavy_work = [gate] { gate->hook(); };
        return o;
    }

    // Opens the file `rel` with `text`; its URI.
    std::string open(const std::string& rel, const std::string& text) {
        const std::string uri = t.uri(rel);
        s.open(uri, text);
        return uri;
    }
    // Sends request `method` and waits until its job is held on the worker; returns its id.
    int held(const std::string& method, const json& params) {
        {
            std::lock_guard lock(gate->mutex);
            gate->armed = true;
        }
        const int id = s.send_request(method, params);
        REQUIRE(gate->wait_held());
        return id;
    }
    // A request answered by the main loop (a hover at the top of `uri`): once it is answered,
    // the reader has applied every message sent before it (a cancel, a change).
    void answered_meanwhile(const std::string& uri) {
        s.result("textDocument/hover", {{"textDocument", {{"uri", uri}}}, {"position", pos(0, 0)}});
    }
    // Replaces the text of `uri` while a job is held.
    void change(const std::string& uri, const std::string& text) {
        s.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                            {"contentChanges", {{{"text", text}}}}});
        answered_meanwhile(uri);
    }
    // Cancels request `id` while its job is held.
    void cancel(int id, const std::string& uri) {
        s.notify("$/cancelRequest", {{"id", id}});
        answered_meanwhile(uri);
    }
    // Lets the held job go; the error code request `id` is then answered with.
    int error_after_release(int id) {
        gate->release();
        json r = s.response(id);
        INFO(r.dump().substr(0, 300));
        REQUIRE(r.contains("error"));
        return error_code_of(r);
    }
};

const json kPullDiagnostics = {{"textDocument", {{"diagnostic", json::object()}}}};

json at_uri(const std::string& uri) {
    return {{"textDocument", {{"uri", uri}}}};
}

json completion_params(const std::string& uri, const std::string& text) {
    return {{"textDocument", {{"uri", uri}}},
            {"position", lsp_position(text, text.find("Acme_Demo::\"") + 11)}};
}

// A code action request at `offset` of `text`.
json action_params(const std::string& uri, const std::string& text, std::size_t offset) {
    const json at = lsp_position(text, offset);
    return {{"textDocument", {{"uri", uri}}},
            {"range", {{"start", at}, {"end", at}}},
            {"context", {{"diagnostics", json::array()}}}};
}

// An integration that lists `ids` (from line 5 on).
std::string integration_of(const std::vector<std::string>& ids) {
    std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
                       "        <email>demo@example.com</email>\n        <resources>\n";
    for (const auto& id : ids)
        text += "            <resource name=\"" + id + "\"/>\n";
    return text + "        </resources>\n    </integration>\n</config>\n";
}

// An integration that lists the deepest id of the kCancelDepth-deep tree (its ancestors are not
// listed: one missing-parent diagnostic, with a quick fix) and "Acme_Demo::".
std::string deep_integration() {
    return integration_of({deep_demo_id(kCancelDepth - 1), "Acme_Demo::"});
}

bool has_code(const json& diagnostics, const std::string& code) {
    for (const auto& d : diagnostics)
        if (d.value("code", "") == code) return true;
    return false;
}

// The hover of the deepest id, answered by the main loop while a job is held on the worker.
void check_hover_on_deep_id(Server& s, const std::string& uri, const std::string& text) {
    json hover =
        s.result("textDocument/hover",
                 {{"textDocument", {{"uri", uri}}},
                  {"position", lsp_position(text, text.find(deep_demo_id(kCancelDepth - 1)) + 3)}});
    REQUIRE(hover.is_object());
    CHECK(
        hover.at("contents").at("value").get<std::string>().find(deep_demo_id(kCancelDepth - 1)) !=
        std::string::npos);
}

// Sends request `method` about the integration `uri` (with `text`, over the deep tree) and holds
// it on the worker: the main loop answers a hover meanwhile, then reads the cancel. The error
// code the request is answered with once its job is let go.
int cancelled_while_held(Gated& g, const std::string& method, const json& params,
                         const std::string& uri, const std::string& text) {
    const int id = g.held(method, params);
    check_hover_on_deep_id(g.s, uri, text);
    CHECK_FALSE(g.s.answered(id));
    // The reader applies the cancel before it reads the next request, so once that one is
    // answered the flag is set.
    g.cancel(id, uri);
    CHECK_FALSE(g.s.answered(id));
    return g.error_after_release(id);
}

} // namespace

TEST_CASE("cancel: a completion over a 16,000-deep tree runs off the main loop and answers "
          "-32800 when cancelled") {
    Gated g(kCancelDepth);
    const std::string text = deep_integration();
    const std::string uri = g.open(kDemoIntegration, text);
    // Its diagnostics, made on the worker too, over the whole chain.
    json d = g.s.wait_notification("textDocument/publishDiagnostics");
    CHECK(has_code(d.at("diagnostics"), "missing-parent")); // its 15,999 ancestors not listed

    CHECK(cancelled_while_held(g, "textDocument/completion", completion_params(uri, text), uri,
                               text) == mil::error_code::RequestCancelled);

    // The next completion (not cancelled) is answered in full, off the loop as well.
    json list = g.s.result("textDocument/completion", completion_params(uri, text));
    CHECK(list.at("items").size() == 5000); // the best ranked of the 16,000
    CHECK(list.at("isIncomplete") == true);
}

TEST_CASE("cancel: a completion asked about a text changed meanwhile answers ContentModified") {
    Gated g(0, kPullDiagnostics);
    const std::string text = integration_of({"Acme_Demo::"});
    const std::string uri = g.open(kDemoIntegration, text);
    const int completion = g.held("textDocument/completion", completion_params(uri, text));
    g.change(uri, "<config/>\n");
    CHECK(g.error_after_release(completion) == mil::error_code::ContentModified);
}

// Pull diagnostics (the client asks with textDocument/diagnostic) run on the worker as
// completion does: the main loop answers meanwhile, and $/cancelRequest stops them.
TEST_CASE("cancel: a pull diagnostic over a 16,000-deep tree runs off the main loop and answers "
          "-32800 when cancelled") {
    Gated g(kCancelDepth, kPullDiagnostics);
    const std::string text = deep_integration();
    const std::string uri = g.open(kDemoIntegration, text);

    CHECK(cancelled_while_held(g, "textDocument/diagnostic", at_uri(uri), uri, text) ==
          mil::error_code::RequestCancelled);

    // The server goes on: the next one (not cancelled) is answered in full, over the whole
    // chain (the deepest id's 15,999 ancestors are not listed).
    json report = g.s.result("textDocument/diagnostic", at_uri(uri));
    CHECK(report.at("kind") == "full");
    CHECK(has_code(report.at("items"), "missing-parent"));
}

TEST_CASE("cancel: a pull diagnostic of a text changed meanwhile answers ServerCancelled, asking "
          "for a new pull") {
    Gated g(0, kPullDiagnostics);
    const std::string text = integration_of({"Acme_Demo::nowhere"});
    const std::string uri = g.open(kDemoIntegration, text);
    // The unknown id is reported (on line 5) ...
    json before = g.s.result("textDocument/diagnostic", at_uri(uri));
    REQUIRE(before.at("items").size() >= 1);
    CHECK(before.at("items")[0].at("range").at("start").at("line") == 5);

    const int pull = g.held("textDocument/diagnostic", at_uri(uri));
    // ... and moves down a line with this edit, made while the diagnostics are in progress:
    // the positions in the text diagnosed would point at the wrong line of the new one.
    std::string moved = text;
    moved.insert(moved.find("<config>") + 9, "\n");
    g.change(uri, moved);
    g.gate->release();
    json r = g.s.response(pull);
    INFO(r.dump().substr(0, 300));
    REQUIRE(r.contains("error"));
    // LSP 3.17's answer for a diagnostic request the server drops: the client pulls again.
    CHECK(r.at("error").at("code") == mil::error_code::ServerCancelled);
    CHECK(r.at("error").at("data") == json{{"retriggerRequest", true}});

    json after = g.s.result("textDocument/diagnostic", at_uri(uri));
    CHECK(after.at("items").size() == before.at("items").size());
    CHECK(after.at("items")[0].at("range").at("start").at("line") == 6);
}

// Quick fixes come from the diagnostics: made on the worker as well.
TEST_CASE("cancel: the code actions of an integration over a 16,000-deep tree run off the main "
          "loop and answer -32800 when cancelled") {
    Gated g(kCancelDepth, kPullDiagnostics);
    const std::string text = deep_integration();
    const std::string uri = g.open(kDemoIntegration, text);
    const json params = action_params(uri, text, text.find(deep_demo_id(kCancelDepth - 1)) + 3);

    CHECK(cancelled_while_held(g, "textDocument/codeAction", params, uri, text) ==
          mil::error_code::RequestCancelled);

    // Not cancelled: the fix that adds the missing parents.
    bool add_parents = false;
    for (const auto& a : g.s.result("textDocument/codeAction", params))
        add_parents = add_parents || a.at("title").get<std::string>().rfind("Add ", 0) == 0;
    CHECK(add_parents);
}

TEST_CASE("cancel: a fix that edits another file changed while the fixes were made answers "
          "ContentModified") {
    Gated g(0, kPullDiagnostics);
    // module.xml names a module that registration.php does not register: one fix rewrites the
    // name in registration.php.
    const std::string xml_uri = g.t.uri("app/code/Acme/Demo/etc/module.xml");
    const std::string xml = module_xml("Acme_Demo2");
    g.s.open(xml_uri, xml);
    const json params = action_params(xml_uri, xml, xml.find("Acme_Demo2") + 2);
    const std::string reg_uri = g.t.uri("app/code/Acme/Demo/registration.php");
    auto registration_edit_line = [&](const json& list) -> int {
        for (const auto& a : list)
            if (a.contains("edit") && a["edit"].at("changes").contains(reg_uri))
                return a["edit"]["changes"][reg_uri][0].at("range").at("start").at("line");
        return -1;
    };
    const int line = registration_edit_line(g.s.result("textDocument/codeAction", params));
    REQUIRE(line >= 0);

    const int actions = g.held("textDocument/codeAction", params);
    // registration.php gets a line more at its top while the fixes are made: the fix's edit
    // would land a line too high.
    g.s.open(reg_uri, "\n" + registration_php("Acme_Demo"));
    g.answered_meanwhile(xml_uri);
    CHECK(g.error_after_release(actions) == mil::error_code::ContentModified);

    CHECK(registration_edit_line(g.s.result("textDocument/codeAction", params)) == line + 1);
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
