// Messages a strict JSON parser refuses for an escape (a lone surrogate, as some clients send
// for half of a pasted emoji; an escape JSON does not have) are read with U+FFFD in place of
// it, so that no edit is lost.
#include "lsp/json_repair.hpp"

#include "robust_support.hpp"

using namespace mil::robust;

TEST_CASE("repair_json_strings: refused escapes and bytes become U+FFFD") {
    using mil::repair_json_strings;
    CHECK(repair_json_strings(R"({"a":"x\ud83dy"})") ==
          std::optional<std::string>(R"({"a":"x\ufffdy"})"));
    CHECK(repair_json_strings(R"({"a":"\udc00"})") ==
          std::optional<std::string>(R"({"a":"\ufffd"})"));
    // A high surrogate followed by another high one: the first is lone, the second too.
    CHECK(repair_json_strings(R"(["\ud83d\ud83d"])") ==
          std::optional<std::string>(R"(["\ufffd\ufffd"])"));
    CHECK(repair_json_strings(R"(["\x41", "\'"])") ==
          std::optional<std::string>(R"(["\ufffd41", "\ufffd"])"));
    // Raw bytes are not escapes: left alone (the parser refuses them, as before).
    CHECK_FALSE(repair_json_strings("[\"a\xff"
                                    "b\"]"));
    CHECK_FALSE(repair_json_strings("[\"a\tb\"]"));
    // Nothing to repair: a valid pair, the usual escapes, text outside strings.
    CHECK_FALSE(repair_json_strings(R"({"a":"\ud83d\ude00 \n \" \\ \/ \u00e9"})"));
    CHECK_FALSE(repair_json_strings("{oops"));
    // Whatever comes out parses.
    for (const char* s : {R"({"a":"\ud83d"})", R"({"a":"\u12"})", R"({"a":"\ud83d\u00"})"}) {
        auto r = repair_json_strings(s);
        REQUIRE(r);
        CHECK_FALSE(json::parse(*r, nullptr, false).is_discarded());
    }
}

TEST_CASE("robust escapes: a didChange with a lone surrogate is applied, not dropped") {
    TempDir t;
    write_small_tree(t);
    QuietLog quiet;
    Server s;
    s.initialize(t.root(), {{"textDocument", {{"diagnostic", json::object()}}}});
    s.wait_indexed();
    const std::string uri = t.uri(kDemoIntegration);
    s.open(uri, "<config/>\n");
    // The lone high surrogate, as the client writes it (nlohmann would never write it).
    s.client().send(R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{)"
                    R"("textDocument":{"uri":")" +
                    uri +
                    R"(","version":2},"contentChanges":[{"text":"<config>\ud83d</config>\n"}]}})");
    // Then an edit that is right only on the text with that change: delete the one UTF-16
    // unit after "<config>" (the U+FFFD). On the old text it would cut "<config/" short.
    s.notify(
        "textDocument/didChange",
        {{"textDocument", {{"uri", uri}, {"version", 3}}},
         {"contentChanges",
          json::array({{{"range", {{"start", pos(0, 8)}, {"end", pos(0, 9)}}}, {"text", ""}}})}});
    json r = s.result("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
    for (const auto& d : r.at("items"))
        CHECK(d.value("code", "") != "xml-syntax");
    // Every answer so far was a result: no ParseError was sent.
    for (const auto& n : s.notifications())
        CHECK(n.value("method", "") != "window/showMessage");
}
