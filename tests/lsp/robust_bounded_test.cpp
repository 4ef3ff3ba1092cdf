// Bounded answers over a deep or huge ACL: a completion list under 5 MB whether or not the
// client resolves items, the parent edits of a resolved item complete, and diagnostics per
// document capped with a summary.
#include "robust_support.hpp"

using namespace mil::robust;

namespace {

constexpr int kBoundedDepth = 4000;

void write_deep_acl(const TempDir& t) {
    mil::robust::write_deep_acl(t, kBoundedDepth);
}

const std::string kBoundedIntegration =
    "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
    "        <email>demo@example.com</email>\n        <resources>\n"
    "            <resource name=\"Acme_Demo::\"/>\n"
    "        </resources>\n    </integration>\n</config>\n";

json completion_caps(bool resolve) {
    json item = {{"snippetSupport", false}};
    if (resolve)
        item["resolveSupport"] = {{"properties", {"documentation", "additionalTextEdits"}}};
    return {{"textDocument", {{"completion", {{"completionItem", item}}}}}};
}

const json* find_label(const json& items, const std::string& label) {
    for (const auto& it : items)
        if (it.value("label", "") == label) return &it;
    return nullptr;
}

} // namespace

TEST_CASE("bounded: completion over a 4,000-deep tree stays under 5 MB") {
    for (bool resolve : {false, true}) {
        DYNAMIC_SECTION((resolve ? "client resolves" : "client does not resolve")) {
            TempDir t;
            write_small_tree(t);
            write_deep_acl(t);
            QuietLog quiet;
            Server s;
            s.initialize(t.root(), completion_caps(resolve));
            s.wait_indexed();
            const std::string uri = t.uri(kDemoIntegration);
            s.open(uri, kBoundedIntegration);
            const auto at = kBoundedIntegration.find("Acme_Demo::\"") + 11;
            json list = s.result("textDocument/completion",
                                 {{"textDocument", {{"uri", uri}}},
                                  {"position", lsp_position(kBoundedIntegration, at)}});
            const std::size_t size = list.dump().size();
            INFO("response bytes " << size);
            CHECK(size < 5u * 1024 * 1024);
            const json& items = list.at("items");
            REQUIRE(items.size() == static_cast<std::size_t>(kBoundedDepth));
            const json* deepest = find_label(items, deep_demo_id(kBoundedDepth - 1));
            REQUIRE(deepest);
            if (resolve) {
                // Everything the list left out comes with resolve: every missing parent.
                json r = s.result("completionItem/resolve", *deepest);
                REQUIRE(r.contains("additionalTextEdits"));
                const std::string text = r["additionalTextEdits"][0].at("newText");
                std::size_t lines = 0;
                for (char c : text)
                    lines += c == '\n';
                CHECK(lines == static_cast<std::size_t>(kBoundedDepth - 1));
                CHECK(r.at("documentation").at("value").get<std::string>().find("3989 more") !=
                      std::string::npos);
            } else {
                // The shallow items carry their parents inline; the budget stops the deep ones.
                const json* shallow = find_label(items, deep_demo_id(3));
                REQUIRE(shallow);
                CHECK(shallow->contains("additionalTextEdits"));
                CHECK_FALSE(deepest->contains("additionalTextEdits"));
            }
        }
    }
}

TEST_CASE("bounded: diagnostics of one document capped at 1,000 with a summary") {
    TempDir t;
    write_small_tree(t);
    QuietLog quiet;
    Server s;
    s.initialize(t.root(), {{"textDocument", {{"diagnostic", json::object()}}}});
    s.wait_indexed();
    // 1,500 unknown resources: one diagnostic each.
    std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Demo\">\n"
                       "        <email>demo@example.com</email>\n        <resources>\n";
    for (int i = 0; i < 1500; ++i)
        text += "            <resource name=\"Acme_Demo::nope" + std::to_string(i) + "\"/>\n";
    text += "        </resources>\n    </integration>\n</config>\n";
    const std::string uri = t.uri(kDemoIntegration);
    s.open(uri, text);
    json r = s.result("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
    const json& items = r.at("items");
    REQUIRE(items.size() == 1001);
    CHECK(items.back().at("code") == "too-many-diagnostics");
    CHECK(items.back().at("message").get<std::string>().find("500 more") != std::string::npos);
}
