// LSP transcripts on a copy of data/example: open, change (incremental and full), close,
// with publishDiagnostics; completion, hover and code actions on the open document;
// requests for documents the server does not know.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

json text_document(const std::string& uri) {
    return {{"uri", uri}};
}

json change_params(const std::string& uri, int version, json changes) {
    return {{"textDocument", {{"uri", uri}, {"version", version}}}, {"contentChanges", changes}};
}

} // namespace

TEST_CASE("open publishes the diagnostics of the integration file against the whole tree") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text, 7);
    json p = c.wait_diagnostics(uri);
    CHECK(p["version"] == 7);
    const json* unknown = find_diagnostic(p, "unknown-resource");
    REQUIRE(unknown);
    CHECK((*unknown)["range"] == lsp_range(text, "Magento_Log::online"));
    CHECK((*unknown)["severity"] == 1);
    CHECK((*unknown)["message"].get<std::string>().find("Magento_Customer::online") !=
          std::string::npos);
    CHECK((*unknown)["source"].is_string());
    const json* insecure = find_diagnostic(p, "insecure-url");
    REQUIRE(insecure);
    CHECK((*insecure)["range"] == lsp_range(text, "http://acme.example/magento/endpoint"));
    const json* parent = find_diagnostic(p, "missing-parent");
    REQUIRE(parent);
    // integration.xml: Magento adds the parents itself (Consolidated\Converter), a hint.
    CHECK((*parent)["severity"] == 4);
}

TEST_CASE("incremental and full changes update the text and the diagnostics") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text);
    REQUIRE(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource"));

    // Incremental: replace "Log" by "Customer" in Magento_Log::online.
    json range = lsp_range(text, "Log::online");
    range["end"]["character"] = range["start"]["character"].get<int>() + 3;
    c.notify("textDocument/didChange",
             change_params(uri, 2, {{{"range", range}, {"text", "Customer"}}}));
    json p = c.wait_diagnostics(uri);
    CHECK(p["version"] == 2);
    CHECK_FALSE(find_diagnostic(p, "unknown-resource"));

    // Several changes in one notification apply in order: insert "X" before the value,
    // then delete that "X" again (applied the other way round the value would break).
    std::string current = text;
    current.replace(current.find("Magento_Log::online") + 8, 3, "Customer");
    json at = lsp_position(current, static_cast<Offset>(current.find("Magento_Customer::online")),
                           Encoding::Utf16);
    json next = at;
    next["character"] = at["character"].get<int>() + 1;
    c.notify("textDocument/didChange",
             change_params(uri, 3,
                           {{{"range", {{"start", at}, {"end", at}}}, {"text", "X"}},
                            {{"range", {{"start", at}, {"end", next}}}, {"text", ""}}}));
    p = c.wait_diagnostics(uri);
    CHECK(p["version"] == 3);
    CHECK_FALSE(find_diagnostic(p, "unknown-resource"));
    CHECK(find_diagnostic(p, "missing-parent"));

    // Full: a change without a range replaces everything.
    const std::string broken = "<config>\n  <integration name=\"Acme\">\n";
    c.notify("textDocument/didChange", change_params(uri, 4, {{{"text", broken}}}));
    p = c.wait_diagnostics(uri);
    CHECK(p["version"] == 4);
    const json* syntax = find_diagnostic(p, "xml-syntax");
    REQUIRE(syntax);
    CHECK((*syntax)["range"]["start"]["line"] == 1);
}

TEST_CASE("the text after incremental edits is what the server completes on") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text =
        "<config>\n  <integration name=\"Acme\">\n    <resources>\n"
        "      <resource name=\"\"/>\n    </resources>\n  </integration>\n</config>\n";
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text);
    c.wait_diagnostics(uri);
    // Type "Magento_Cus" into the empty value, one character at a time.
    json pos = position_after(text, "<resource name=\"");
    const std::string typed = "Magento_Cus";
    for (std::size_t i = 0; i < typed.size(); ++i) {
        json p = pos;
        p["character"] = pos["character"].get<int>() + static_cast<int>(i);
        c.notify("textDocument/didChange", change_params(uri, 2 + static_cast<int>(i),
                                                         {{{"range", {{"start", p}, {"end", p}}},
                                                           {"text", typed.substr(i, 1)}}}));
    }
    json cursor = pos;
    cursor["character"] = pos["character"].get<int>() + static_cast<int>(typed.size());
    json r = c.result("textDocument/completion",
                      {{"textDocument", text_document(uri)}, {"position", cursor}});
    std::vector<std::string> labels;
    for (const auto& it : r["items"])
        labels.push_back(it["label"]);
    CHECK(labels == std::vector<std::string>{"Magento_Customer::customer",
                                             "Magento_Customer::manage",
                                             "Magento_Customer::online"});
    // The edit replaces exactly what was typed.
    json edit = r["items"][1]["textEdit"];
    CHECK(edit["range"]["start"] == pos);
    CHECK(edit["range"]["end"] == cursor);
    CHECK(edit["newText"] == "Magento_Customer::manage");
    // The missing parent comes as an additional edit on the line above.
    REQUIRE(r["items"][1]["additionalTextEdits"].size() == 1);
    json extra = r["items"][1]["additionalTextEdits"][0];
    CHECK(extra["range"]["start"] == json{{"line", 3}, {"character", 0}});
    CHECK(extra["newText"] == "      <resource name=\"Magento_Customer::customer\"/>\n");
}

TEST_CASE("close clears the diagnostics; the disk file is served again") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, "<config><integration name=\"Acme\"><resources><resource name=\"Magento_Nope::x\"/>"
                "</resources></integration></config>");
    REQUIRE(find_diagnostic(c.wait_diagnostics(uri), "unknown-resource"));
    c.notify("textDocument/didClose", {{"textDocument", text_document(uri)}});
    json p = c.wait_diagnostics(uri);
    CHECK(p["diagnostics"].empty());
    // Hover on the file on disk still works (it is indexed), at its own positions.
    const std::string disk = tree.read(kExampleIntegration);
    json h = c.result("textDocument/hover",
                      {{"textDocument", text_document(uri)},
                       {"position", position_after(disk, "Magento_Sales::sales_or")}});
    REQUIRE(h.is_object());
    CHECK(h["contents"]["value"].get<std::string>().find("Orders") != std::string::npos);
}

TEST_CASE("an acl.xml edited in the editor changes another open file's diagnostics") {
    TempCopy tree(example_dir());
    const std::string integ = tree.uri(kExampleIntegration);
    const std::string acl_rel = "app/code/Magento/Customer/etc/acl.xml";
    const std::string acl = tree.uri(acl_rel);
    LspClient c;
    c.initialize(tree.root());
    c.open(integ, tree.read(kExampleIntegration));
    REQUIRE(find_diagnostic(c.wait_diagnostics(integ), "unknown-resource"));
    std::string acl_text = tree.read(acl_rel);
    acl_text.replace(acl_text.find("Magento_Customer::online"), 24, "Magento_Log::online");
    // Opened with unsaved text (not what is on disk): it counts at once.
    c.open(acl, acl_text);
    c.wait_diagnostics(acl);
    json p = c.wait_diagnostics(integ);
    CHECK_FALSE(find_diagnostic(p, "unknown-resource"));
    // Typing in it: the id disappears from the tree, then comes back.
    c.notify("textDocument/didChange",
             change_params(acl, 2,
                           {{{"range", lsp_range(acl_text, "Magento_Log::online")},
                             {"text", "Magento_Log::onlin"}}}));
    p = c.wait_diagnostics(integ);
    CHECK(find_diagnostic(p, "unknown-resource"));
    std::string v2 = acl_text;
    v2.replace(v2.find("Magento_Log::online"), 19, "Magento_Log::onlin");
    c.notify("textDocument/didChange",
             change_params(acl, 3,
                           {{{"range", lsp_range(v2, "Magento_Log::onlin")},
                             {"text", "Magento_Log::online"}}}));
    p = c.wait_diagnostics(integ);
    CHECK_FALSE(find_diagnostic(p, "unknown-resource"));
    // Closing it without saving: the disk version is back.
    c.notify("textDocument/didClose", {{"textDocument", text_document(acl)}});
    CHECK(c.wait_diagnostics(acl)["diagnostics"].empty());
    p = c.wait_diagnostics(integ);
    CHECK(find_diagnostic(p, "unknown-resource"));
}

TEST_CASE("hover, completion and code actions on the open integration file") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text);
    c.wait_diagnostics(uri);

    json h = c.result("textDocument/hover", {{"textDocument", text_document(uri)},
                                             {"position", position_after(text, "<ema")}});
    REQUIRE(h.is_object());
    CHECK(h["contents"]["kind"] == "markdown");
    CHECK(h["contents"]["value"].get<std::string>().find("Contact address") != std::string::npos);
    CHECK(h["range"] == lsp_range(text, "email"));

    json actions =
        c.result("textDocument/codeAction", {{"textDocument", text_document(uri)},
                                             {"range", lsp_range(text, "Magento_Log::online")},
                                             {"context", {{"diagnostics", json::array()}}}});
    REQUIRE(actions.is_array());
    const json* replace = nullptr;
    for (const auto& a : actions)
        if (a["title"].get<std::string>().find("Magento_Customer::online") != std::string::npos)
            replace = &a;
    REQUIRE(replace);
    CHECK((*replace)["kind"] == "quickfix");
    json edits = (*replace)["edit"]["changes"][uri];
    REQUIRE(edits.size() == 1);
    CHECK(edits[0]["range"] == lsp_range(text, "Magento_Log::online"));
    CHECK(edits[0]["newText"] == "Magento_Customer::online");
}

TEST_CASE("requests for unknown or unopened documents get an error or an empty result") {
    TempCopy tree(example_dir());
    LspClient c;
    c.initialize(tree.root());
    const std::string uri = tree.uri(kExampleIntegration);
    c.open(uri, tree.read(kExampleIntegration));
    c.wait_diagnostics(uri); // the index is ready
    json pos = {{"line", 0}, {"character", 0}};
    const std::vector<std::string> uris = {
        path_to_uri(tree.path("app/code/Acme/Nowhere/etc/integration.xml")), // no such file
        path_to_uri(tree.path("app/code/Acme/Connector/README.md")),         // not served
        "untitled:Untitled-1",                                               // not a file
        "https://example.com/etc/integration.xml",
        "file:///",
    };
    for (const auto& u : uris) {
        CAPTURE(u);
        for (const char* method :
             {"textDocument/hover", "textDocument/completion", "textDocument/definition",
              "textDocument/references", "textDocument/documentHighlight"}) {
            CAPTURE(method);
            json params = {{"textDocument", text_document(u)}, {"position", pos}};
            if (std::string(method) == "textDocument/references")
                params["context"] = {{"includeDeclaration", true}};
            json r = c.request(method, params);
            if (r.contains("error")) {
                CHECK(r["error"]["code"].is_number_integer());
                CHECK(r["error"]["message"].is_string());
            } else {
                const json& res = r["result"];
                CHECK((res.is_null() || (res.is_array() && res.empty()) ||
                       (res.is_object() && res.value("items", json::array()).empty())));
            }
        }
        json sym = c.request("textDocument/documentSymbol", {{"textDocument", text_document(u)}});
        CHECK((sym.contains("error") || sym["result"].empty() || sym["result"].is_null()));
    }
    // Malformed params: an error, never a crash.
    CHECK(c.request("textDocument/hover", {{"textDocument", 5}})["error"]["code"] == -32602);
    CHECK(c.request("textDocument/hover", json::object())["error"]["code"] == -32602);
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", "file:///never/opened.xml"}}},
                                        {"contentChanges", json::array()}});
    c.notify("textDocument/didClose", {{"textDocument", {{"uri", "file:///never/opened.xml"}}}});
    c.notify("textDocument/didOpen", {{"textDocument", 3}});
    // The server is still there.
    json h = c.result("textDocument/hover",
                      {{"textDocument", text_document(uri)},
                       {"position", position_after(tree.read(kExampleIntegration), "<ema")}});
    CHECK(h.is_object());
}

TEST_CASE("completion documentation comes through completionItem/resolve when the client asks") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    json caps = {{"textDocument",
                  {{"completion",
                    {{"completionItem",
                      {{"resolveSupport", {{"properties", {"documentation", "detail"}}}}}}}}}}};
    LspClient c;
    json init = c.initialize(tree.root(), caps);
    CHECK(init["capabilities"]["completionProvider"]["resolveProvider"] == true);
    c.open(uri, text);
    c.wait_diagnostics(uri);
    json list = c.result("textDocument/completion",
                         {{"textDocument", text_document(uri)},
                          {"position", position_after(text, "<resource name=\"Magento_Sa")}});
    REQUIRE(list["items"].size() >= 2);
    json item = list["items"][1];
    CHECK_FALSE(item.contains("documentation"));
    REQUIRE(item.contains("data"));
    json resolved = c.result("completionItem/resolve", item);
    CHECK(resolved["label"] == item["label"]);
    REQUIRE(resolved["documentation"].is_object());
    CHECK(resolved["documentation"]["value"].get<std::string>().find("Module Magento_Sales") !=
          std::string::npos);
    // An item of an older list resolves to itself.
    c.result("textDocument/completion",
             {{"textDocument", text_document(uri)},
              {"position", position_after(text, "<resource name=\"Magento_Sa")}});
    json stale = c.result("completionItem/resolve", item);
    CHECK_FALSE(stale.contains("documentation"));
}

TEST_CASE("without resolveSupport, completion items carry their documentation") {
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = tree.read(kExampleIntegration);
    LspClient c;
    json init = c.initialize(tree.root());
    CHECK(init["capabilities"]["completionProvider"]["resolveProvider"] == false);
    c.open(uri, text);
    c.wait_diagnostics(uri);
    json list = c.result("textDocument/completion",
                         {{"textDocument", text_document(uri)},
                          {"position", position_after(text, "<resource name=\"Magento_Sa")}});
    REQUIRE_FALSE(list["items"].empty());
    CHECK(list["items"][0]["documentation"]["kind"] == "markdown");
}

namespace {

// A session on the example tree with `caps`, an integration.xml where "Magento_Cus" is typed
// in an empty value, and the completion list at the end of it.
struct TypedCompletion {
    TempCopy tree{example_dir()};
    std::string uri;
    std::string text =
        "<config>\n  <integration name=\"Acme\">\n    <resources>\n"
        "      <resource name=\"Magento_Cus\"/>\n    </resources>\n  </integration>\n</config>\n";
    LspClient c;
    json init;
    json list;

    explicit TypedCompletion(const json& caps) {
        uri = tree.uri(kExampleIntegration);
        init = c.initialize(tree.root(), caps);
        c.open(uri, text);
        c.wait_diagnostics(uri);
        list = c.result("textDocument/completion",
                        {{"textDocument", text_document(uri)},
                         {"position", position_after(text, "<resource name=\"Magento_Cus")}});
    }
    const json* item(const std::string& label) const {
        for (const auto& it : list["items"])
            if (it["label"] == label) return &it;
        return nullptr;
    }
};

json completion_caps(json completion) {
    return {{"textDocument", {{"completion", std::move(completion)}}}};
}

} // namespace

TEST_CASE("completion: a client with itemDefaults editRange gets one shared range") {
    TypedCompletion with(completion_caps(
        {{"completionList", {{"itemDefaults", {"commitCharacters", "editRange", "data"}}}}}));
    TypedCompletion without(completion_caps(json::object()));
    const json value_range = {{"start", position_after(with.text, "<resource name=\"")},
                              {"end", position_after(with.text, "<resource name=\"Magento_Cus")}};

    REQUIRE(with.list["itemDefaults"].is_object());
    CHECK(with.list["itemDefaults"]["editRange"] == value_range);
    CHECK_FALSE(without.list.contains("itemDefaults"));
    REQUIRE(with.list["items"].size() == without.list["items"].size());
    for (std::size_t i = 0; i < with.list["items"].size(); ++i) {
        const json& a = with.list["items"][i];
        const json& b = without.list["items"][i];
        CHECK(a["label"] == b["label"]);
        // The shared range; the label is the text (no textEditText when they are equal).
        CHECK_FALSE(a.contains("textEdit"));
        CHECK_FALSE(a.contains("textEditText"));
        CHECK(b["textEdit"]["range"] == value_range);
        CHECK(b["textEdit"]["newText"] == b["label"]);
        // Everything else is the same.
        json rest_a = a, rest_b = b;
        rest_b.erase("textEdit");
        CHECK(rest_a == rest_b);
    }
    // What an editor applies from each gives the same line.
    const json* item = with.item("Magento_Customer::manage");
    REQUIRE(item);
    CHECK((*item)["detail"].is_string());
    CHECK((*item)["sortText"].is_string());
    // The client filters on the id and the title.
    CHECK((*item)["filterText"] ==
          "Magento_Customer::manage " + (*item)["detail"].get<std::string>());
    REQUIRE((*item)["additionalTextEdits"].size() == 1);
    CHECK((*item)["additionalTextEdits"][0]["newText"] ==
          "      <resource name=\"Magento_Customer::customer\"/>\n");
}

TEST_CASE("completion: parents to insert come through resolve when the client resolves them") {
    const json resolving = completion_caps(
        {{"completionItem",
          {{"resolveSupport",
            {{"properties", {"documentation", "detail", "additionalTextEdits"}}}}}}});
    TypedCompletion lazy(resolving);
    TypedCompletion inline_edits(completion_caps(
        {{"completionItem", {{"resolveSupport", {{"properties", {"documentation"}}}}}}}));
    CHECK(lazy.init["capabilities"]["completionProvider"]["resolveProvider"] == true);

    const json* item = lazy.item("Magento_Customer::manage");
    const json* direct = inline_edits.item("Magento_Customer::manage");
    REQUIRE(item);
    REQUIRE(direct);
    CHECK_FALSE(item->contains("additionalTextEdits"));
    CHECK_FALSE(item->contains("documentation"));
    REQUIRE(item->contains("data"));
    REQUIRE((*direct)["additionalTextEdits"].size() == 1);

    json resolved = lazy.c.result("completionItem/resolve", *item);
    CHECK(resolved["label"] == "Magento_Customer::manage");
    CHECK(resolved["additionalTextEdits"] == (*direct)["additionalTextEdits"]);
    CHECK(resolved["additionalTextEdits"][0]["range"]["start"] ==
          json{{"line", 3}, {"character", 0}});
    REQUIRE(resolved["documentation"].is_object());
    CHECK(resolved["documentation"]["value"].get<std::string>().find("missing parent") !=
          std::string::npos);

    // The top resource has no parent to insert: nothing to resolve but its documentation.
    const json* top = lazy.item("Magento_Customer::customer");
    REQUIRE(top);
    json top_resolved = lazy.c.result("completionItem/resolve", *top);
    CHECK_FALSE(top_resolved.contains("additionalTextEdits"));
    CHECK(top_resolved["documentation"].is_object());
}

TEST_CASE("completion: resolving every item gives what a client without resolve gets inline") {
    const json resolving =
        completion_caps({{"completionItem",
                          {{"resolveSupport",
                            {{"properties", {"documentation", "detail", "additionalTextEdits"}}}}}},
                         {"completionList", {{"itemDefaults", {"editRange", "data"}}}}});
    TypedCompletion lazy(resolving);
    TypedCompletion direct(completion_caps(json::object()));
    REQUIRE(lazy.list["items"].size() == direct.list["items"].size());
    REQUIRE(lazy.list["items"].size() >= 3);
    std::size_t with_edits = 0;
    for (std::size_t i = 0; i < lazy.list["items"].size(); ++i) {
        const json& item = lazy.list["items"][i];
        const json& want = direct.list["items"][i];
        CAPTURE(want["label"]);
        CHECK(item["label"] == want["label"]);
        json resolved = lazy.c.result("completionItem/resolve", item);
        REQUIRE(want.contains("documentation"));
        CHECK(resolved.value("documentation", json()) == want["documentation"]);
        CHECK(resolved.contains("additionalTextEdits") == want.contains("additionalTextEdits"));
        if (want.contains("additionalTextEdits")) {
            CHECK(resolved["additionalTextEdits"] == want["additionalTextEdits"]);
            ++with_edits;
        }
    }
    CHECK(with_edits >= 2);
}

TEST_CASE("completion: items under one parent resolve to the same parent insertion") {
    TypedCompletion lazy(completion_caps(
        {{"completionItem",
          {{"resolveSupport",
            {{"properties", {"documentation", "detail", "additionalTextEdits"}}}}}}}));
    // Both under Magento_Customer::customer, which the integration does not list.
    const json* manage = lazy.item("Magento_Customer::manage");
    const json* online = lazy.item("Magento_Customer::online");
    REQUIRE(manage);
    REQUIRE(online);
    json a = lazy.c.result("completionItem/resolve", *manage);
    json b = lazy.c.result("completionItem/resolve", *online);
    REQUIRE(a["additionalTextEdits"].size() == 1);
    CHECK(a["additionalTextEdits"] == b["additionalTextEdits"]);
    CHECK(a["additionalTextEdits"][0]["newText"] ==
          "      <resource name=\"Magento_Customer::customer\"/>\n");
    // Each keeps its own documentation, with the same note about the parent.
    const std::string doc_a = a["documentation"]["value"];
    const std::string doc_b = b["documentation"]["value"];
    CHECK(doc_a != doc_b);
    CHECK(doc_a.find("All Customers") != std::string::npos);
    CHECK(doc_b.find("Now Online") != std::string::npos);
    CHECK(doc_a.find("missing parent: Magento_Customer::customer") != std::string::npos);
    CHECK(doc_b.find("missing parent: Magento_Customer::customer") != std::string::npos);

    // After another completion, the items of the first list resolve to themselves.
    lazy.c.result("textDocument/completion",
                  {{"textDocument", text_document(lazy.uri)},
                   {"position", position_after(lazy.text, "<resource name=\"Magento_Cus")}});
    json stale = lazy.c.result("completionItem/resolve", *manage);
    CHECK(stale == *manage);
}

TEST_CASE("completion: strings are escaped in the list written directly") {
    TempCopy tree(example_dir());
    // An id with a backslash, a title with a tab, a control character and bytes that are not
    // UTF-8 (read from disk: a client could not send them).
    tree.write("app/code/Acme/Connector/etc/acl.xml",
               "<config><acl><resources><resource id=\"Magento_Backend::admin\">"
               "<resource id=\"Acme_Connector::q\\z\" title=\"T\t\x01\xff\xfe\"/>"
               "</resource></resources></acl></config>\n");
    LspClient c;
    c.initialize(tree.root());
    const std::string uri = tree.uri(kExampleIntegration);
    const std::string text = "<config>\n  <integration name=\"Acme\">\n    <resources>\n"
                             "      <resource name=\"Acme_Connector::q\"/>\n    </resources>\n"
                             "  </integration>\n</config>\n";
    c.open(uri, text);
    c.wait_diagnostics(uri);
    // The answer parsed as JSON (invalid UTF-8 would not).
    json list =
        c.result("textDocument/completion",
                 {{"textDocument", text_document(uri)},
                  {"position", position_after(text, "<resource name=\"Acme_Connector::q")}});
    const json* found = nullptr;
    for (const auto& it : list["items"])
        if (it["label"] == "Acme_Connector::q\\z") found = &it;
    REQUIRE(found);
    CHECK((*found)["detail"] == "T\t\x01\xef\xbf\xbd\xef\xbf\xbd");
}
