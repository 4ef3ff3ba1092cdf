// The typed LSP params and results (lsp/protocol.hpp): what is written reads back the same,
// and the JSON has the shape LSP gives it.
#include "lsp/protocol.hpp"

#include <catch2/catch.hpp>

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY): lookups here find the typed protocol's names (Range,
// TextEdit, ...) over mil's.
namespace mil::lsp {

namespace {

Range range(std::uint32_t l0, std::uint32_t c0, std::uint32_t l1, std::uint32_t c1) {
    return {{l0, c0}, {l1, c1}};
}

bool same(const Range& a, const Range& b) {
    return a.start.line == b.start.line && a.start.character == b.start.character &&
           a.end.line == b.end.line && a.end.character == b.end.character;
}

bool same(const TextEdit& a, const TextEdit& b) {
    return same(a.range, b.range) && a.new_text == b.new_text;
}

} // namespace

TEST_CASE("protocol types: a text edit reads back as written") {
    const TextEdit e{range(1, 2, 3, 4), "a \"quoted\"\n\xC3\xA9"};
    CHECK(same(json(e).get<TextEdit>(), e));
    CHECK(json(e) == json::parse(R"({"range":{"start":{"line":1,"character":2},
        "end":{"line":3,"character":4}},"newText":"a \"quoted\"\n\u00e9"})"));
}

TEST_CASE("protocol types: a completion list written as text reads back as written") {
    auto shared = std::make_shared<const std::vector<TextEdit>>(
        std::vector<TextEdit>{{range(2, 0, 2, 0), "<resource id=\"A::a\">\n"}});
    CompletionList list;
    list.items.reserve(2); // a and b below stay valid
    list.is_incomplete = true;
    list.default_edit_range = range(5, 10, 5, 14);
    CompletionItem& a = list.items.emplace_back();
    a.label = "Magento_Sales::sales";
    a.kind = 12;
    a.text_edit_text = "Magento_Sales::sales\"/>";
    a.detail = "Sales";
    a.filter_text = "Magento_Sales::sales Sales";
    a.sort_text = "0001";
    a.documentation = "**Sales**\n\ttab";
    a.additional_edits = shared;
    a.data = CompletionItemData{7, 0};
    CompletionItem& b = list.items.emplace_back();
    b.label = "snippet";
    b.kind = 15;
    b.text_edit = TextEdit{range(1, 0, 1, 3), "<a>$1</a>"};
    b.snippet = true;
    b.additional_edits = shared; // shared: written twice, the same

    const json j = json::parse(to_json_text(list));
    const auto back = j.get<CompletionList>();
    CHECK(back.is_incomplete);
    REQUIRE(back.default_edit_range);
    CHECK(same(*back.default_edit_range, *list.default_edit_range));
    REQUIRE(back.items.size() == 2);
    const CompletionItem& a2 = back.items[0];
    CHECK(a2.label == a.label);
    CHECK(a2.kind == 12);
    CHECK_FALSE(a2.text_edit);
    CHECK(a2.text_edit_text == a.text_edit_text);
    CHECK(a2.detail == a.detail);
    CHECK(a2.filter_text == a.filter_text);
    CHECK(a2.sort_text == a.sort_text);
    CHECK(a2.documentation == a.documentation);
    REQUIRE(a2.additional_edits);
    REQUIRE(a2.additional_edits->size() == 1);
    CHECK(same(a2.additional_edits->front(), shared->front()));
    REQUIRE(a2.data);
    CHECK(a2.data->generation == 7);
    CHECK(a2.data->index == 0);
    const CompletionItem& b2 = back.items[1];
    REQUIRE(b2.text_edit);
    CHECK(same(*b2.text_edit, *b.text_edit));
    CHECK(b2.snippet);
    CHECK_FALSE(b2.text_edit_text);
    CHECK(b2.detail.empty());
    CHECK_FALSE(b2.data);
    CHECK(j["items"][1]["additionalTextEdits"] == j["items"][0]["additionalTextEdits"]);
    // Empty strings are left out, not written empty.
    CHECK_FALSE(j["items"][1].contains("detail"));
    CHECK_FALSE(j["items"][1].contains("documentation"));
    CHECK(j["items"][0]["documentation"]["kind"] == "markdown");
}

TEST_CASE("protocol types: an empty text edit text is written, not left out") {
    CompletionList list;
    list.default_edit_range = range(0, 0, 0, 1);
    list.items.emplace_back().label = "x";
    list.items.back().text_edit_text = "";
    const auto back = json::parse(to_json_text(list)).get<CompletionList>();
    REQUIRE(back.items.front().text_edit_text);
    CHECK(back.items.front().text_edit_text->empty());
}

TEST_CASE("protocol types: resolve reads our data and adds to the item the client sent") {
    // As parsed from a client's message: non-negative numbers are unsigned.
    json item = json::parse(R"({"label":"A::a","data":[3,4],"clientField":true})");
    const auto data = completion_item_data(item);
    REQUIRE(data);
    CHECK(data->generation == 3);
    CHECK(data->index == 4);
    CHECK_FALSE(completion_item_data({{"label", "x"}, {"data", "other"}}));
    CHECK_FALSE(completion_item_data({{"label", "x"}, {"data", {-1, 2}}}));
    CHECK_FALSE(completion_item_data(json::array()));

    CompletionItemResolution r;
    r.documentation = "doc";
    r.additional_edits = std::vector<TextEdit>{{range(0, 0, 0, 0), "x"}};
    const json out = resolved_item(item, r);
    CHECK(out["clientField"] == true);
    CHECK(out["documentation"] == json({{"kind", "markdown"}, {"value", "doc"}}));
    CHECK(out["additionalTextEdits"][0]["newText"] == "x");
    // Nothing to add: the item as sent.
    CHECK(resolved_item(item, {}) == item);
}

TEST_CASE("protocol types: code action params and results") {
    const json params = {
        {"textDocument", {{"uri", "file:///a/etc/integration.xml"}}},
        {"range",
         {{"start", {{"line", 1}, {"character", 2}}}, {"end", {{"line", 1}, {"character", 9}}}}},
        {"context", {{"diagnostics", {{{"code", "unknown-resource"}, {"message", "m"}}}}}}};
    const auto p = params.get<CodeActionParams>();
    CHECK(p.uri == "file:///a/etc/integration.xml");
    CHECK(same(p.range, range(1, 2, 1, 9)));
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0] == params["context"]["diagnostics"][0]);
    CHECK(json({{"textDocument", {{"uri", "u"}}}, {"range", params["range"]}})
              .get<CodeActionParams>()
              .diagnostics.empty());

    CodeAction a;
    a.title = "Fix";
    a.kind = "quickfix";
    CHECK(json(a) == json({{"title", "Fix"}, {"kind", "quickfix"}}));
    a.preferred = true;
    a.diagnostics = p.diagnostics;
    WorkspaceEdit edit;
    edit.changes["file:///x"].push_back({range(0, 0, 0, 1), "y"});
    a.edit = edit;
    a.command = Command{"Fix", "cmd", {}, json::array({"arg"})};
    const json j = a;
    CHECK(j["isPreferred"] == true);
    CHECK(j["diagnostics"] == params["context"]["diagnostics"]);
    CHECK(j["edit"]["changes"]["file:///x"][0]["newText"] == "y");
    CHECK(j["command"] == json({{"title", "Fix"}, {"command", "cmd"}, {"arguments", {"arg"}}}));
}

TEST_CASE("protocol types: document changes create files without overwriting") {
    WorkspaceEdit e;
    e.document_changes = std::vector<DocumentChange>{
        CreateFile{"file:///m/etc/module.xml"},
        TextDocumentEdit{
            "file:///m/etc/module.xml", std::nullopt, {{range(0, 0, 0, 0), "<config/>"}}},
        TextDocumentEdit{"file:///m/etc/integration.xml", 4, {}}};
    const json j = e;
    CHECK_FALSE(j.contains("changes"));
    const json& c = j["documentChanges"];
    REQUIRE(c.size() == 3);
    CHECK(c[0] == json({{"kind", "create"},
                        {"uri", "file:///m/etc/module.xml"},
                        {"options", {{"overwrite", false}, {"ignoreIfExists", false}}}}));
    CHECK(c[1]["textDocument"]["version"].is_null());
    CHECK(same(c[1]["edits"][0].get<TextEdit>(), TextEdit{range(0, 0, 0, 0), "<config/>"}));
    CHECK(c[2]["textDocument"]["version"] == 4);
    // Without document changes: the changes by URI, even when there are none.
    CHECK(json(WorkspaceEdit{}) == json({{"changes", json::object()}}));
}

TEST_CASE("protocol types: rename, execute command and document change params") {
    const auto r = json({{"textDocument", {{"uri", "u"}}},
                         {"position", {{"line", 3}, {"character", 4}}},
                         {"newName", "A::b"}})
                       .get<RenameParams>();
    CHECK(r.uri == "u");
    CHECK(r.position.line == 3);
    CHECK(r.new_name == "A::b");

    const auto x = json({{"command", "c"}}).get<ExecuteCommandParams>();
    CHECK(x.command == "c");
    CHECK(x.arguments == json::array());

    const auto ch =
        json({{"textDocument", {{"uri", "u"}, {"version", 12}}},
              {"contentChanges",
               {{{"range", json(range(0, 1, 0, 2))}, {"text", "a"}}, {{"text", "whole"}}}}})
            .get<DidChangeTextDocumentParams>();
    CHECK(ch.version == 12);
    REQUIRE(ch.content_changes.size() == 2);
    REQUIRE(ch.content_changes[0].range);
    CHECK(same(*ch.content_changes[0].range, range(0, 1, 0, 2)));
    CHECK_FALSE(ch.content_changes[1].range);
    CHECK(ch.content_changes[1].text == "whole");

    const auto open = json({{"textDocument", {{"uri", "u"}, {"text", "t"}, {"version", 1e10}}}})
                          .get<DidOpenTextDocumentParams>();
    CHECK(open.version == 0); // not an integer within int
    CHECK(open.text == "t");
}

TEST_CASE("protocol types: symbols") {
    DocumentSymbol s{"A::a", 5, "", range(0, 0, 2, 0), range(0, 1, 0, 5), {}};
    json j = s;
    CHECK_FALSE(j.contains("detail"));
    CHECK_FALSE(j.contains("children"));
    s.children.push_back(DocumentSymbol{"A::b", 5, "B", range(1, 0, 1, 9), range(1, 1, 1, 5), {}});
    j = s;
    CHECK(j["children"][0]["detail"] == "B");
    SymbolInformation flat{"A::a", 5, std::nullopt, {"u", range(0, 0, 0, 1)}};
    CHECK_FALSE(json(flat).contains("containerName"));
    flat.container_name = "";
    CHECK(json(flat)["containerName"] == ""); // workspace/symbol always names it
}

TEST_CASE("protocol types: initialize reads the capabilities the server uses") {
    const auto p = json::parse(R"({
        "capabilities": {
            "general": {"positionEncodings": ["utf-16", "utf-8"]},
            "window": {"workDoneProgress": true},
            "workspace": {"applyEdit": true, "configuration": "yes",
                          "workspaceEdit": {"documentChanges": true,
                                            "resourceOperations": ["create", "rename"]}},
            "textDocument": {"diagnostic": {},
                             "completion": {"completionItem": {"snippetSupport": true,
                                 "resolveSupport": {"properties": ["documentation"]}},
                                 "completionList": {"itemDefaults": ["editRange"]}}}},
        "initializationOptions": {"insertParents": false},
        "workspaceFolders": [{"uri": "file:///a", "name": "a"}],
        "rootUri": 5,
        "rootPath": "/b"})")
                       .get<InitializeParams>();
    const ClientCapabilities& c = p.capabilities;
    CHECK(c.utf8_positions);
    CHECK(c.work_done_progress);
    CHECK_FALSE(c.configuration); // not a boolean
    CHECK(c.pull_diagnostics);
    CHECK(c.snippets);
    CHECK(c.resolve_documentation);
    CHECK_FALSE(c.resolve_additional_edits);
    CHECK(c.item_defaults_edit_range);
    CHECK(c.create_files);
    CHECK_FALSE(c.watch_files);
    REQUIRE(p.initialization_options);
    CHECK((*p.initialization_options)["insertParents"] == false);
    CHECK(p.workspace_folders == std::vector<std::string>{"file:///a"});
    CHECK_FALSE(p.root_uri);
    CHECK(p.root_path == "/b");
    // No capabilities at all: none.
    const auto none = json::object().get<InitializeParams>().capabilities;
    CHECK_FALSE(none.utf8_positions);
    CHECK_FALSE(none.create_files);
    CHECK_FALSE(none.pull_diagnostics);
}

} // namespace mil::lsp
