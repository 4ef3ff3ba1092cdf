// Positions at the protocol edge: non-ASCII text before the cursor in UTF-16 and UTF-8,
// CRLF files, and positions outside the text.
#include "lsp_harness.hpp"

using namespace mil;
using namespace mil::test;

namespace {

json capabilities_for(Encoding enc) {
    if (enc == Encoding::Utf8) return {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}};
    return json::object();
}

} // namespace

TEST_CASE("non-ASCII text before the cursor, in both encodings") {
    // é: 2 bytes / 1 unit; 中: 3 bytes / 1 unit; 😀: 4 bytes / 2 units.
    const std::string text =
        "<config>\n"
        "  <integration name=\"Acmé中😀\"><email>é@中.example</email><resources>"
        "<!--é中😀--><resource name=\"Magento_Log::online\"/>"
        "<!--😀😀--><resource name=\"Magento_Cus\"/></resources></integration>\n"
        "</config>\n";
    for (Encoding enc : {Encoding::Utf16, Encoding::Utf8}) {
        CAPTURE(enc == Encoding::Utf8 ? "utf-8" : "utf-16");
        TempCopy tree(example_dir());
        const std::string uri = tree.uri(kExampleIntegration);
        LspClient c;
        json init = c.initialize(tree.root(), capabilities_for(enc));
        REQUIRE(init["capabilities"]["positionEncoding"] ==
                (enc == Encoding::Utf8 ? "utf-8" : "utf-16"));
        c.open(uri, text);

        // Diagnostics ranges are counted in the negotiated encoding.
        json p = c.wait_diagnostics(uri);
        const json* unknown = find_diagnostic(p, "unknown-resource");
        REQUIRE(unknown);
        CHECK((*unknown)["range"] == lsp_range(text, "Magento_Log::online", enc));

        // Completion at the end of "Magento_Cus".
        json pos = position_after(text, "Magento_Cus", enc);
        json r =
            c.result("textDocument/completion", {{"textDocument", td(uri)}, {"position", pos}});
        REQUIRE(r["items"].size() == 3);
        for (const auto& item : r["items"]) {
            CHECK(item["label"].get<std::string>().rfind("Magento_Customer::", 0) == 0);
            CHECK(item["textEdit"]["range"] == lsp_range(text, "Magento_Cus", enc));
        }

        // Hover on the unknown id's neighbour: the element docs of <resource>, range in units.
        json h =
            c.result("textDocument/hover", {{"textDocument", td(uri)},
                                            {"position", position_after(text, "--><reso", enc)}});
        REQUIRE(h.is_object());
        auto name_at = text.find("--><resource") + 4;
        CHECK(h["range"]["start"] == lsp_position(text, static_cast<Offset>(name_at), enc));
    }
}

TEST_CASE("utf-16 positions inside a surrogate pair and past a line's end are clamped") {
    const std::string text = "<config>\n  <integration name=\"😀x\">\n    <resources>\n"
                             "      <resource name=\"Magento_Cus\n";
    TempCopy tree(example_dir());
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, text);
    c.wait_diagnostics(uri);
    // Inside the surrogate pair of 😀 (character 21 is its second unit): an answer, no crash.
    json mid = {{"line", 1}, {"character", 21}};
    json r = c.request("textDocument/hover", {{"textDocument", td(uri)}, {"position", mid}});
    CHECK(r.contains("result"));
    // Far past the end of the line: the end of that line, which ends inside the value.
    json far = {{"line", 3}, {"character", 10000}};
    json items = c.result("textDocument/completion",
                          {{"textDocument", td(uri)}, {"position", far}})["items"];
    REQUIRE(items.size() == 3);
    CHECK(items[0]["textEdit"]["range"] == lsp_range(text, "Magento_Cus"));
    // Past the last line, negative numbers, huge numbers: answered.
    for (json pos : {json{{"line", 1000}, {"character", 0}}, json{{"line", -1}, {"character", -5}},
                     json{{"line", 4294967296LL}, {"character", 4294967296LL}},
                     json{{"line", 0}, {"character", 1e30}}}) {
        CAPTURE(pos.dump());
        for (const char* method :
             {"textDocument/hover", "textDocument/completion", "textDocument/definition"}) {
            json res = c.request(method, {{"textDocument", td(uri)}, {"position", pos}});
            CHECK((res.contains("result") || res.contains("error")));
        }
    }
    // A range past the end in an incremental change is clamped too.
    c.notify("textDocument/didChange",
             {{"textDocument", {{"uri", uri}, {"version", 2}}},
              {"contentChanges",
               {{{"range",
                  {{"start", {{"line", 3}, {"character", 100}}},
                   {"end", {{"line", 99}, {"character", 0}}}}},
                 {"text", "tomer::online\"/></resources></integration></config>\n"}}}}});
    json p = c.wait_diagnostics(uri);
    CHECK_FALSE(find_diagnostic(p, "xml-syntax"));
    CHECK(find_diagnostic(p, "missing-parent"));
}

TEST_CASE("CRLF files: lines, completion edits and inserted parents") {
    const std::string text =
        "<?xml version=\"1.0\"?>\r\n<config>\r\n    <integration name=\"Acme\">\r\n"
        "        <email>dev@acme.example</email>\r\n        <resources>\r\n"
        "            <resource name=\"Magento_Log::online\"/>\r\n"
        "            <resource name=\"Magento_Sales::actions_v\"/>\r\n"
        "        </resources>\r\n    </integration>\r\n</config>\r\n";
    for (Encoding enc : {Encoding::Utf16, Encoding::Utf8}) {
        TempCopy tree(example_dir());
        const std::string uri = tree.uri(kExampleIntegration);
        LspClient c;
        c.initialize(tree.root(), capabilities_for(enc));
        c.open(uri, text);
        json p = c.wait_diagnostics(uri);
        const json* unknown = find_diagnostic(p, "unknown-resource");
        REQUIRE(unknown);
        CHECK((*unknown)["range"] == json{{"start", {{"line", 5}, {"character", 28}}},
                                          {"end", {{"line", 5}, {"character", 47}}}});
        json r =
            c.result("textDocument/completion",
                     {{"textDocument", td(uri)}, {"position", {{"line", 6}, {"character", 52}}}});
        REQUIRE(r["items"].size() == 1);
        json item = r["items"][0];
        CHECK(item["label"] == "Magento_Sales::actions_view");
        CHECK(item["textEdit"]["range"] == json{{"start", {{"line", 6}, {"character", 28}}},
                                                {"end", {{"line", 6}, {"character", 52}}}});
        REQUIRE(item["additionalTextEdits"].size() == 1);
        json extra = item["additionalTextEdits"][0];
        CHECK(extra["range"]["start"] == json{{"line", 6}, {"character", 0}});
        CHECK(extra["newText"] ==
              "            <resource name=\"Magento_Sales::sales\"/>\r\n"
              "            <resource name=\"Magento_Sales::sales_operation\"/>\r\n"
              "            <resource name=\"Magento_Sales::sales_order\"/>\r\n"
              "            <resource name=\"Magento_Sales::actions\"/>\r\n");
    }
}
