// A document whose incremental edit cannot be applied (a change out of order) is marked
// stale: the user is told, no code action, completion or rename is offered on it, and a
// whole new text brings it back.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

json insert_at_start(const std::string& uri, int version, const std::string& text) {
    json start = {{"line", 0}, {"character", 0}};
    return {{"textDocument", {{"uri", uri}, {"version", version}}},
            {"contentChanges", {{{"range", {{"start", start}, {"end", start}}}, {"text", text}}}}};
}

// The example's integration.xml, open at `version`, its first diagnostics read.
struct Opened {
    TempCopy tree{example_dir()};
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;

    explicit Opened(int version) {
        c.initialize(tree.root());
        c.open(uri, text, version);
        c.wait_diagnostics(uri);
    }

    // The code actions on the unknown id, where `now` (the text as it is) has it.
    json actions(const std::string& now) {
        return c.result("textDocument/codeAction",
                        {{"textDocument", td(uri)},
                         {"range", lsp_range(now, "Magento_Log::online")},
                         {"context", {{"diagnostics", json::array()}}}});
    }
};

} // namespace

TEST_CASE("drafts: an edit out of order makes the document stale until its whole text comes") {
    Opened o(1);
    const std::string& uri = o.uri;
    const std::string& text = o.text;
    LspClient& c = o.c;
    auto actions = [&] { return o.actions(text); };
    const json sales = position_after(text, "Magento_Sales::sa");
    auto prepare = [&] {
        return c.result("textDocument/prepareRename",
                        {{"textDocument", td(uri)}, {"position", sales}});
    };
    auto complete = [&] {
        return c.result("textDocument/completion",
                        {{"textDocument", td(uri)},
                         {"position", position_after(text, "<resource name=\"Magento_Sa")}});
    };
    REQUIRE_FALSE(actions().empty());
    REQUIRE(prepare().is_object());
    REQUIRE_FALSE(complete()["items"].empty());

    // Version 2 applies; a second change that says version 2 was made to another text.
    c.notify("textDocument/didChange", insert_at_start(uri, 2, ""));
    c.notify("textDocument/didChange", insert_at_start(uri, 2, "<!-- x -->"));
    json shown = c.wait_notification("window/showMessage");
    CHECK(shown["type"] == 2);
    CHECK(shown["message"].get<std::string>().find("integration.xml") != std::string::npos);

    CHECK(actions().empty());
    CHECK(prepare().is_null());
    CHECK(complete()["items"].empty());
    json renamed = c.request(
        "textDocument/rename",
        {{"textDocument", td(uri)}, {"position", sales}, {"newName", "Magento_Sales::other"}});
    REQUIRE(renamed.contains("error"));
    CHECK(renamed["error"]["message"].get<std::string>().find("out of step") != std::string::npos);

    // Later incremental edits are not applied to the stale text either ...
    c.notify("textDocument/didChange", insert_at_start(uri, 3, "<!-- y -->"));
    CHECK(actions().empty());
    // ... until a change without a range gives the whole text again.
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 4}}},
                                        {"contentChanges", {{{"text", text}}}}});
    CHECK_FALSE(actions().empty());
    CHECK(prepare().is_object());
    CHECK_FALSE(complete()["items"].empty());
}

TEST_CASE("drafts: closing and opening a stale document again brings it back") {
    Opened o(5);
    // A version before the open one: out of order.
    o.c.notify("textDocument/didChange", insert_at_start(o.uri, 4, "<!-- x -->"));
    o.c.wait_notification("window/showMessage");
    CHECK(o.actions(o.text).empty());
    o.c.notify("textDocument/didClose", {{"textDocument", td(o.uri)}});
    o.c.open(o.uri, o.text, 6);
    CHECK_FALSE(o.actions(o.text).empty());
}

TEST_CASE("drafts: versions that jump ahead are in step (Neovim sends its changedtick)") {
    Opened o(1);
    o.c.notify("textDocument/didChange", insert_at_start(o.uri, 9, "<!-- x -->\n"));
    // The edit applied: the id moved one line down, and its fix edits it there.
    const std::string now = "<!-- x -->\n" + o.text;
    const json actions = o.actions(now);
    const std::string& uri = o.uri;
    bool fixed_there = false;
    for (const auto& a : actions)
        if (a.contains("edit") && a["edit"]["changes"].contains(uri))
            for (const auto& e : a["edit"]["changes"][uri])
                fixed_there = fixed_there || e["range"] == lsp_range(now, "Magento_Log::online");
    CHECK(fixed_there);
}
