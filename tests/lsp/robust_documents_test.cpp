// Bad and extreme document content, in-process: invalid UTF-8 and NUL bytes, a 10 MB file,
// 100,000 nested elements, edits that overlap the end, and 10,000 incremental changes with
// random ranges and random cancellations checked against a reference model.
#include "../../fuzz/harness_edits.hpp"

#include "robust_support.hpp"

#include <random>

using namespace mil::robust;

namespace {

json pull_caps() {
    return {{"textDocument",
             {{"diagnostic", json::object()},
              {"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}}}}};
}

json diagnostics(Server& s, const std::string& uri) {
    json r = s.result("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
    return r.at("items");
}

std::vector<std::string> codes(const json& items) {
    std::vector<std::string> out;
    for (const auto& d : items)
        out.push_back(d.value("code", ""));
    return out;
}

// What the server answers about a document: diagnostics, symbols, and completion and hover at
// the given positions. Two servers (or one server before and after a reopen) that hold the
// same text must give the same view.
json view(Server& s, const std::string& uri, const std::vector<json>& positions) {
    json v = {
        {"diagnostics", diagnostics(s, uri)},
        {"symbols", s.result("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}})}};
    for (const json& p : positions) {
        json params = {{"textDocument", {{"uri", uri}}}, {"position", p}};
        v["completion"].push_back(s.result("textDocument/completion", params));
        v["hover"].push_back(s.result("textDocument/hover", params));
    }
    return v;
}

// Positions spread over the model's lines (columns inside and past each line).
std::vector<json> probe_positions(const std::string& model, std::mt19937& rng) {
    const auto lines = mil::fuzz::ref::split_lines(model);
    std::vector<json> out;
    for (int i = 0; i < 3; ++i) {
        auto line = static_cast<std::uint32_t>(rng() % lines.size());
        auto width = lines[line].content - lines[line].begin;
        out.push_back(pos(line, static_cast<std::uint32_t>(rng() % (width + 2))));
    }
    return out;
}

struct Tree {
    TempDir dir;
    Tree() { write_small_tree(dir); }
};

struct Started {
    Tree tree;
    QuietLog quiet;
    Server server;
    explicit Started(mil::ServerOptions options = Server::fast_options()) : server(options) {
        server.initialize(tree.dir.root(), pull_caps());
        server.wait_indexed();
    }
};

} // namespace

TEST_CASE("robust documents: invalid UTF-8 and NUL bytes on disk") {
    Tree t;
    // A title with bytes that are not UTF-8, and a resource name with a NUL byte and a
    // truncated sequence.
    t.dir.write(kDemoAcl, std::string("<?xml version=\"1.0\"?>\n<config><acl><resources>\n"
                                      "<resource id=\"Magento_Backend::admin\">\n"
                                      "<resource id=\"Acme_Demo::top\" title=\"Bad \xff\xfe title "
                                      "\xc3\">\n<resource id=\"Acme_Demo::child\" title=\"C\"/>\n"
                                      "</resource></resource></resources></acl></config>\n"));
    t.dir.write(kDemoIntegration,
                "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
                "        <email>demo@example.com</email>\n        <resources>\n"
                "            <resource name=\"Acme_Demo::top\"/>\n"
                "            <resource name=\"Acme_" +
                    std::string(1, '\0') +
                    "Demo::\xe2\x82\"/>\n"
                    "        </resources>\n    </integration>\n</config>\n");
    QuietLog quiet;
    Server s;
    s.initialize(t.dir.root(), pull_caps());
    s.wait_indexed();
    const std::string uri = t.dir.uri(kDemoIntegration);
    json h = s.result("textDocument/hover", text_pos(uri, 5, 35));
    REQUIRE(h.is_object());
    const std::string md = h["contents"]["value"].get<std::string>();
    CHECK(md.find("Acme_Demo::top") != std::string::npos);
    CHECK(mil::valid_utf8(md)); // the bad bytes became replacement characters
    CHECK(s.result("workspace/symbol", {{"query", "Acme"}}).size() >= 2);
    // The broken reference is reported, not silently taken.
    json d = s.result("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
    CHECK(!d["items"].empty());
    CHECK(s.shutdown_and_exit() == 0);
}

TEST_CASE("robust documents: NUL bytes and control characters in an open document") {
    Started f;
    const std::string uri = f.tree.dir.uri(kDemoIntegration);
    std::string text = f.tree.dir.read(kDemoIntegration);
    text.insert(text.find("Acme_Demo::top"), std::string("\0\x01\x1b", 3));
    text.insert(text.find("<email>") + 1, std::string(1, '\0'));
    text += std::string("\0\0<\0", 4);
    f.server.open(uri, text);
    json items = diagnostics(f.server, uri);
    CHECK(!items.empty());
    for (std::uint32_t line = 0; line < 12; ++line)
        for (std::uint32_t col : {0u, 13u, 29u, 40u}) {
            CHECK(f.server.request("textDocument/hover", text_pos(uri, line, col))
                      .contains("result"));
            CHECK(f.server.request("textDocument/completion", text_pos(uri, line, col))
                      .contains("result"));
        }
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust documents: a 10 MB XML file") {
    // Over the default 8 MiB limit (which gives it a file-too-large warning and drops its text,
    // see the filesystem tests): raised, the whole text is served.
    mil::ServerOptions options = Server::fast_options();
    options.max_file_bytes = 16u << 20;
    Started f(options);
    const std::string uri = f.tree.dir.uri(kDemoIntegration);
    std::string text = "<?xml version=\"1.0\"?>\n<config>\n";
    int n = 0;
    while (text.size() < (10u << 20)) {
        text += "    <integration name=\"Generated" + std::to_string(n++) +
                "\">\n        <email>a@b.example</email>\n        <resources>\n"
                "            <resource name=\"Acme_Demo::top\"/>\n"
                "            <resource name=\"Acme_Demo::child\"/>\n"
                "        </resources>\n    </integration>\n";
    }
    text += "    <integration name=\"Last\"><resources><resource name=\"Acme_Demo::\"/>"
            "</resources></integration>\n</config>\n";
    f.server.open(uri, text);
    // At the end of the last resource's value, completion offers the ACL ids of the tree.
    const std::size_t at = text.rfind("Acme_Demo::\"") + 11;
    json c = f.server.result("textDocument/completion", {{"textDocument", {{"uri", uri}}},
                                                         {"position", lsp_position(text, at)}});
    bool offers_child = false;
    for (const auto& item : c["items"])
        offers_child |= item["label"] == "Acme_Demo::child";
    CHECK(offers_child);
    json h = f.server.result("textDocument/hover", text_pos(uri, 5, 35));
    REQUIRE(h.is_object());
    CHECK(h["contents"]["value"].get<std::string>().find("Acme_Demo::top") != std::string::npos);
    CHECK(diagnostics(f.server, uri).is_array());
    CHECK(f.server.shutdown_and_exit() == 0);
}

// 100,000 in the optimised build. Under AddressSanitizer (a Debug build several times slower,
// with larger stack frames, so recursion would overflow sooner) 20,000 keep each request within
// the harness's wait. GCC says ASan with __SANITIZE_ADDRESS__, clang 14 only through
// __has_feature (its build of 100,000 took over the 60 s wait on a loaded machine).
#if defined(__SANITIZE_ADDRESS__)
#define MIL_ROBUST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIL_ROBUST_ASAN 1
#endif
#endif
#if defined(MIL_ROBUST_ASAN)
constexpr int kNestedDepth = 20000;
#else
constexpr int kNestedDepth = 100000;
#endif

TEST_CASE("robust documents: 100000 nested elements") {
    Started f;
    SECTION("nested ACL resources") {
        const std::string uri = f.tree.dir.uri(kDemoAcl);
        std::string text = "<?xml version=\"1.0\"?>\n<config><acl><resources>\n";
        const int depth = kNestedDepth;
        for (int i = 0; i < depth; ++i)
            text += "<resource id=\"Acme_Demo::r" + std::to_string(i) + "\" title=\"R\">\n";
        for (int i = 0; i < depth; ++i)
            text += "</resource>";
        text += "\n</resources></acl></config>\n";
        f.server.open(uri, text);
        CHECK(diagnostics(f.server, uri).is_array());
        // The deepest id, on line depth + 1 (0-based, after the prolog and <config>).
        json h = f.server.result("textDocument/hover", text_pos(uri, depth + 1, 20));
        REQUIRE(h.is_object());
        CHECK(h["contents"]["value"].get<std::string>().find(
                  "Acme_Demo::r" + std::to_string(kNestedDepth - 1)) != std::string::npos);
        // The outline: the first 5,000 resources (32 levels deep at most), then how many more.
        json symbols =
            f.server.result("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}});
        REQUIRE(symbols.size() == 2);
        CHECK(symbols[0]["name"] == "Acme_Demo::r0");
        CHECK(symbols[1]["name"] ==
              "(" + std::to_string(kNestedDepth - 5000) + " more resources not listed)");
        CHECK(f.server.request("textDocument/completion", text_pos(uri, depth + 1, 15))
                  .contains("result"));
        // Back to the text on disk, which declares the ids the final hover names.
        f.server.notify("textDocument/didChange",
                        {{"textDocument", {{"uri", uri}, {"version", 2}}},
                         {"contentChanges", {{{"text", f.tree.dir.read(kDemoAcl)}}}}});
    }
    SECTION("nested unknown elements in integration.xml") {
        const std::string uri = f.tree.dir.uri(kDemoIntegration);
        std::string text = "<config><integration name=\"Deep\">";
        for (int i = 0; i < kNestedDepth; ++i)
            text += "<a>";
        text += "<resource name=\"Acme_Demo::top\"/>";
        for (int i = 0; i < kNestedDepth; ++i)
            text += "</a>";
        text += "</integration></config>";
        f.server.open(uri, text);
        json items = diagnostics(f.server, uri);
        const std::vector<std::string> found = codes(items);
        CHECK(std::count(found.begin(), found.end(), "schema") >= 1);
        CHECK(f.server.request("textDocument/completion", text_pos(uri, 0, 3 * kNestedDepth + 50))
                  .contains("result"));
        CHECK(f.server.request("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}})
                  .contains("result"));
        f.server.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
    }
    // Still answering about the rest of the tree (integration.xml open again with its text
    // on disk).
    f.server.open(f.tree.dir.uri(kDemoIntegration), f.tree.dir.read(kDemoIntegration), 100);
    json h =
        f.server.result("textDocument/hover", text_pos(f.tree.dir.uri(kDemoIntegration), 5, 35));
    CHECK(h.is_object());
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust documents: edits that overlap the end are clamped to it") {
    Started f;
    const std::string uri = f.tree.dir.uri(kDemoIntegration);
    std::string model = f.tree.dir.read(kDemoIntegration);
    f.server.open(uri, model);
    std::mt19937 rng(7);
    const std::vector<json> probes = {pos(5, 30), pos(6, 30), pos(3, 12), pos(9, 1)};
    struct Edit {
        json start, end;
        std::string text;
    };
    const Edit edits[] = {
        // From the middle of line 9 (</config>) to far beyond the end.
        {pos(9, 3), pos(500, 0), "fig>\n"},
        // Both ends beyond the last line: an append.
        {pos(1000, 5), pos(2000, 0), "<!-- tail -->\n"},
        // Start past the end of a line, end past the end of the text.
        {pos(6, 400), pos(99, 99), "\"/>\n        </resources>\n    </integration>\n</config>\n"},
        // Reversed: end before start.
        {pos(2000, 0), pos(10, 0), ""},
    };
    int version = 1;
    for (const Edit& e : edits) {
        f.server.notify("textDocument/didChange",
                        {{"textDocument", {{"uri", uri}, {"version", ++version}}},
                         {"contentChanges",
                          {{{"range", {{"start", e.start}, {"end", e.end}}}, {"text", e.text}}}}});
        auto a = mil::fuzz::ref::offset(model, e.start["line"], e.start["character"], false);
        auto b = mil::fuzz::ref::offset(model, e.end["line"], e.end["character"], false);
        if (a > b) std::swap(a, b);
        model.replace(a, b - a, e.text);
        json before = view(f.server, uri, probes);
        // A fresh open of the reference text must look the same.
        f.server.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
        f.server.open(uri, model, ++version);
        json after = view(f.server, uri, probes);
        INFO(model);
        CHECK(before == after);
    }
    CHECK(f.server.shutdown_and_exit() == 0);
}

TEST_CASE("robust documents: 10000 incremental changes with random ranges and cancellations") {
    Tree t;
    QuietLog quiet;
    Server a, b; // a gets the incremental changes, b the reference text whole
    a.initialize(t.dir.root(), pull_caps());
    b.initialize(t.dir.root(), pull_caps());
    a.wait_indexed();
    b.wait_indexed();
    const std::string uri = t.dir.uri(kDemoIntegration);
    const std::string initial =
        t.dir.read(kDemoIntegration) + "<!-- é 日本 \xF0\x9D\x84\x9E\r\n crlf \r lone cr -->\n";
    std::string model = initial;
    a.open(uri, model);
    b.open(uri, model);

    const unsigned seed = 20240611;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    const char* pool[] = {"",
                          "a",
                          "<",
                          ">",
                          "\"",
                          "/>",
                          "\n",
                          "\r\n",
                          "\r",
                          "é",
                          "日本",
                          "\xF0\x9D\x84\x9E",
                          "<resource name=\"Acme_Demo::child\"/>",
                          "<resource name=\"Acme_Demo::",
                          "</resources>",
                          "<integration name=\"",
                          "Magento_Backend::admin",
                          "  ",
                          "<!--",
                          "-->"};
    const int kChanges = 10000, kCheckEvery = 500;
    int version = 1, b_version = 1, checks = 0;
    std::vector<int> cancelled;
    for (int i = 1; i <= kChanges; ++i) {
        json changes = json::array();
        const int n = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < n; ++k) {
            const auto lines = mil::fuzz::ref::split_lines(model);
            auto random_pos = [&]() -> std::pair<std::uint32_t, std::uint32_t> {
                std::uint32_t line = static_cast<std::uint32_t>(rng() % (lines.size() + 2));
                std::size_t width =
                    line < lines.size() ? lines[line].content - lines[line].begin : 0;
                std::uint32_t col = static_cast<std::uint32_t>(rng() % (width + 3));
                if (rng() % 50 == 0) line += 1000000;
                if (rng() % 50 == 0) col += 1u << 30;
                return {line, col};
            };
            auto [l1, c1] = random_pos();
            std::pair<std::uint32_t, std::uint32_t> end = {l1, c1 + rng() % 6};
            if (rng() % 4 == 0) end = random_pos(); // anywhere, possibly before the start
            std::string text = pool[rng() % (sizeof pool / sizeof pool[0])];
            if (model.size() > 2500) text.clear(); // keep the document small: delete for a while
            if (rng() % 200 == 0) {
                // A change without a range replaces everything.
                // (Half the text, cut at a character boundary: a client sends valid UTF-8.)
                std::size_t cut = model.size() / 2;
                while (cut > 0 && (static_cast<unsigned char>(model[cut]) & 0xC0) == 0x80)
                    --cut;
                model = rng() % 2 ? initial : model.substr(0, cut);
                changes.push_back({{"text", model}});
                continue;
            }
            changes.push_back(
                {{"range", {{"start", pos(l1, c1)}, {"end", pos(end.first, end.second)}}},
                 {"text", text}});
            auto x = mil::fuzz::ref::offset(model, l1, c1, false);
            auto y = mil::fuzz::ref::offset(model, end.first, end.second, false);
            if (x > y) std::swap(x, y);
            model.replace(x, y - x, text);
        }
        a.notify("textDocument/didChange",
                 {{"textDocument", {{"uri", uri}, {"version", ++version}}},
                  {"contentChanges", changes}});
        if (rng() % 40 == 0) {
            // A request cancelled at once, a cancel for an id never used, one for an old id.
            int id = a.send_request("textDocument/hover", text_pos(uri, rng() % 12, rng() % 40));
            a.notify("$/cancelRequest", {{"id", id}});
            a.notify("$/cancelRequest", {{"id", 1000000 + i}});
            a.notify("$/cancelRequest", {{"id", std::to_string(id)}});
            cancelled.push_back(id);
        }
        if (i % kCheckEvery == 0) {
            ++checks;
            b.notify("textDocument/didChange",
                     {{"textDocument", {{"uri", uri}, {"version", ++b_version}}},
                      {"contentChanges", {{{"text", model}}}}});
            const std::vector<json> probes = probe_positions(model, rng);
            json va = view(a, uri, probes);
            json vb = view(b, uri, probes);
            INFO("after change " << i << ", text:\n" << model);
            REQUIRE(va == vb);
        }
    }
    CHECK(checks == kChanges / kCheckEvery);
    // Every cancelled request got an answer: its result, or -32800 when the cancel came first.
    for (int id : cancelled) {
        json r = a.response(id);
        if (r.contains("error"))
            CHECK(error_code_of(r) == mil::error_code::RequestCancelled);
        else
            CHECK(r.contains("result"));
    }
    // Finally, a fresh open of the reference text gives the same diagnostics.
    json before = diagnostics(a, uri);
    a.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
    a.open(uri, model, ++version);
    CHECK(diagnostics(a, uri) == before);
    CHECK(a.shutdown_and_exit() == 0);
    CHECK(b.shutdown_and_exit() == 0);
}

TEST_CASE("robust documents: positions on very long lines agree with the reference model") {
    // Lines far longer than the line index's mark stride, with multi-byte characters,
    // surrogate pairs, invalid bytes and every kind of line end.
    std::mt19937 rng(5);
    const char* pieces[] = {"a",    "<x y=\"z\"/>", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9D\x84\x9E",
                            "\xFF", "\xC3",         "\xF0\x9D", "\xED\xA0\x80"};
    std::string text;
    for (int line = 0; line < 6; ++line) {
        const int n = line % 2 ? 5 : 3000 + static_cast<int>(rng() % 3000);
        for (int i = 0; i < n; ++i)
            text += pieces[rng() % (sizeof pieces / sizeof pieces[0])];
        text += line % 3 == 0 ? "\n" : line % 3 == 1 ? "\r\n" : "\r";
    }
    const mil::LineIndex li(text);
    const auto lines = mil::fuzz::ref::split_lines(text);
    for (bool utf8 : {false, true}) {
        const auto enc = utf8 ? mil::Encoding::Utf8 : mil::Encoding::Utf16;
        // Position -> offset, against the reference.
        for (int k = 0; k < 1000; ++k) {
            const auto line = static_cast<std::uint32_t>(rng() % (lines.size() + 1));
            const auto col = static_cast<std::uint32_t>(rng() % 40000);
            INFO("line " << line << " col " << col << " utf8 " << utf8);
            REQUIRE(li.to_offset(text, {line, col}, enc) ==
                    mil::fuzz::ref::offset(text, line, col, utf8));
        }
        // Offset -> position, against a walk of the line from its start.
        for (int k = 0; k < 1000; ++k) {
            const auto off = static_cast<std::size_t>(rng() % (text.size() + 1));
            std::uint32_t line = 0;
            while (line + 1 < lines.size() && lines[line + 1].begin <= off)
                ++line;
            const std::size_t limit = std::min(off, lines[line].content);
            std::uint32_t col = 0;
            for (std::size_t p = lines[line].begin; p < limit;) {
                std::size_t len = mil::fuzz::ref::utf8_char(text, p);
                if (len == 0) len = 1;
                if (p + len > limit) break;
                col += utf8 ? static_cast<std::uint32_t>(len) : len == 4 ? 2 : 1;
                p += len;
            }
            INFO("offset " << off << " utf8 " << utf8);
            REQUIRE(li.to_line_col(text, static_cast<mil::Offset>(off), enc) ==
                    mil::LineCol{line, col});
        }
    }
}
