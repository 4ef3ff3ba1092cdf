// The real Magento files of /work/shared/corpus, read in place through a tree of symbolic
// links (never copied): Magento's core and bundled packages, plus the 68 third-party modules
// that ship integration configuration. Skipped when the corpus is absent.
#include "lsp_harness.hpp"
#include "mil/model/rules.hpp"

#include <algorithm>

using namespace mil;
using namespace mil::test;

namespace {

std::string corpus_dir() {
    return std::string(MIL_SOURCE_DIR) + "/../shared/corpus";
}

bool have_corpus() {
    std::error_code ec;
    return std::filesystem::is_directory(corpus_dir() + "/magento-core/app/code/Magento", ec) &&
           std::filesystem::is_directory(corpus_dir() + "/magento-bundled/vendor", ec);
}

// app/code/Magento and vendor/ link to the corpus; app/etc/di.xml and the Acme module are
// written here; the third-party modules, when asked for, are linked under app/code/ThirdParty/
// (some of them re-title core ids, as they may in a real shop).
struct CorpusTree {
    TempCopy tree;
    std::vector<std::string> third_party; // folder names under corpus/third-party
    explicit CorpusTree(bool with_third_party) {
        const std::string corpus = std::filesystem::canonical(corpus_dir()).string();
        std::filesystem::create_directories(tree.path("app/code"));
        std::filesystem::create_directory_symlink(corpus + "/magento-core/app/code/Magento",
                                                  tree.path("app/code/Magento"));
        std::filesystem::create_directory_symlink(corpus + "/magento-bundled/vendor",
                                                  tree.path("vendor"));
        tree.write("app/etc/di.xml", "<?xml version=\"1.0\"?>\n<config/>\n");
        tree.write("app/code/Acme/Connector/etc/module.xml",
                   "<?xml version=\"1.0\"?>\n<config><module name=\"Acme_Connector\"><sequence>"
                   "<module name=\"Magento_Integration\"/></sequence></module></config>\n");
        tree.write("app/code/Acme/Connector/registration.php",
                   "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
                   "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Connector', "
                   "__DIR__);\n");
        if (!with_third_party) return;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(corpus + "/third-party", ec))
            if (e.is_directory()) third_party.push_back(e.path().filename().string());
        std::sort(third_party.begin(), third_party.end());
        std::filesystem::create_directories(tree.path("app/code/ThirdParty"));
        for (const auto& name : third_party)
            std::filesystem::create_directory_symlink(corpus + "/third-party/" + name,
                                                      tree.path("app/code/ThirdParty/" + name));
    }
};

const char* kAcme = "app/code/Acme/Connector/etc/integration.xml";

} // namespace

TEST_CASE("corpus: completion, hover and diagnostics against the real Magento ACL tree") {
    if (!have_corpus()) {
        WARN("corpus not found at " << corpus_dir() << ": skipped");
        return;
    }
    CorpusTree ct(false);
    const std::string uri = ct.tree.uri(kAcme);
    const std::string text = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Acme\">\n"
                             "        <email>dev@acme.example</email>\n        <resources>\n"
                             "            <resource name=\"Magento_Sales::\"/>\n"
                             "            <resource name=\"Magento_Log::online\"/>\n"
                             "            <resource name=\"Magento_Sales::sales_order\"/>\n"
                             "        </resources>\n    </integration>\n</config>\n";
    ct.tree.write(kAcme, text);
    LspClient c;
    c.initialize(ct.tree.root());
    c.open(uri, text);
    json p = c.wait_diagnostics(uri);

    // Magento_Log::online (the official guide's example) is gone: Magento_Customer::online.
    bool found = false;
    for (const auto& d : p["diagnostics"])
        if (d["code"] == "unknown-resource" &&
            d["range"] == lsp_range(text, "Magento_Log::online")) {
            found = true;
            CHECK(d["message"].get<std::string>().find("Magento_Customer::online") !=
                  std::string::npos);
        }
    CHECK(found);

    // Completing "Magento_Sales::" lists the Sales resources with their titles.
    json items = c.result("textDocument/completion",
                          {{"textDocument", td(uri)},
                           {"position", position_after(text, "Magento_Sales::")}})["items"];
    std::map<std::string, std::string> titles;
    for (const auto& it : items) {
        CHECK(it["label"].get<std::string>().rfind("Magento_Sales::", 0) == 0);
        titles[it["label"]] = it.value("detail", "");
    }
    CHECK(titles.size() >= 20);
    CHECK(titles["Magento_Sales::sales"] == "Sales");
    CHECK(titles["Magento_Sales::sales_order"] == "Orders");
    CHECK(titles["Magento_Sales::actions_view"] == "View");
    CHECK(titles.count("Magento_Sales::ship"));

    // Hover on <email> shows its documentation.
    json h = c.result("textDocument/hover",
                      {{"textDocument", td(uri)}, {"position", position_after(text, "<ema")}});
    REQUIRE(h.is_object());
    CHECK(h["contents"]["value"].get<std::string>().find("Contact address") != std::string::npos);
    // Hover on a resource name: title, breadcrumb and file from the real acl.xml files.
    json hr = c.result(
        "textDocument/hover",
        {{"textDocument", td(uri)}, {"position", position_after(text, "Magento_Sales::sales_or")}});
    REQUIRE(hr.is_object());
    const std::string md = hr["contents"]["value"];
    CHECK(md.find("Orders") != std::string::npos);
    INFO(md);
    CHECK(md.find("Magento Admin \u203a Sales \u203a Operations \u203a Orders") !=
          std::string::npos);
    CHECK(md.find("app/code/Magento/Sales/etc/acl.xml") != std::string::npos);
}

TEST_CASE("corpus: every third-party integration file gets diagnostics without a crash") {
    if (!have_corpus()) {
        WARN("corpus not found at " << corpus_dir() << ": skipped");
        return;
    }
    CorpusTree ct(true);
    REQUIRE(ct.third_party.size() == 68);
    LspClient c;
    c.initialize(ct.tree.root());
    // Wait for the index with a first document.
    const std::string acme = ct.tree.uri(kAcme);
    ct.tree.write(kAcme, "<config/>\n");
    c.open(acme, "<config/>\n");
    c.wait_diagnostics(acme);

    std::size_t files = 0, with_findings = 0;
    for (const auto& name : ct.third_party) {
        for (const char* rel :
             {"etc/integration.xml", "etc/integration/config.xml", "etc/integration/api.xml"}) {
            const std::string path = "app/code/ThirdParty/" + name + "/" + rel;
            if (!std::filesystem::exists(ct.tree.path(path))) continue;
            CAPTURE(path);
            ++files;
            const std::string uri = ct.tree.uri(path);
            const std::string text = ct.tree.read(path);
            c.open(uri, text);
            json p = c.wait_diagnostics(uri);
            REQUIRE(p["diagnostics"].is_array());
            if (!p["diagnostics"].empty()) ++with_findings;
            LineIndex li(text);
            const auto lines = li.line_count();
            for (const auto& d : p["diagnostics"]) {
                CHECK(d["code"].is_string());
                // A rule's code links to its page of the rules reference.
                CHECK(d["codeDescription"]["href"] ==
                      mil::rule_help_uri(d["code"].get<std::string>()));
                CHECK_FALSE(d["message"].get<std::string>().empty());
                CHECK(d["range"]["start"]["line"].get<std::size_t>() < lines);
                CHECK(d["range"]["end"]["line"].get<std::size_t>() < lines);
            }
            // Completion and hover at a few places answer too.
            for (std::size_t at : {std::size_t(0), text.size() / 3, text.size() / 2, text.size()}) {
                json pos = lsp_position(text, static_cast<Offset>(at), Encoding::Utf16);
                CHECK(c.request("textDocument/completion",
                                {{"textDocument", td(uri)}, {"position", pos}})
                          .contains("result"));
                CHECK(
                    c.request("textDocument/hover", {{"textDocument", td(uri)}, {"position", pos}})
                        .contains("result"));
            }
            c.notify("textDocument/didClose", {{"textDocument", td(uri)}});
            c.wait_diagnostics(uri); // the empty list
        }
    }
    CHECK(files == 130); // every integration.xml, config.xml and api.xml
    // Many of these modules have real mistakes.
    CHECK(with_findings > 10);
    CHECK(c.request("shutdown").contains("result"));
}
