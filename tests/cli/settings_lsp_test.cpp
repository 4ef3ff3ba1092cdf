// One settings file, one truth: `.magento-integration-ls.json` gives the same findings in an
// LSP session as in `check`; the nearest file wins for a document under it, the editor's
// settings override the file's, and the file's own problems are diagnostics on it (the same
// messages `check` prints), read again when it changes.
#include "check_support.hpp"
#include "lsp_harness.hpp"

#include <set>
#include <tuple>

using namespace mil;
using namespace mil::test;

namespace {

using Finding = std::tuple<std::string, std::string, int, std::string>; // path code line severity

const char* kSettingsName = ".magento-integration-ls.json";

// `check PATH` run in `root`; its JSON paths are relative to PATH, made relative to `root`.
std::set<Finding> check_findings(const std::string& root, const std::string& path = ".") {
    RunResult r = run_check({"--format", "json", path}, root);
    INFO(r.err);
    REQUIRE((r.code == 0 || r.code == 1));
    const std::string prefix = path == "." ? "" : path + "/";
    std::set<Finding> out;
    for (const auto& f : json::parse(r.out))
        out.emplace(prefix + f["path"].get<std::string>(), f["code"].get<std::string>(),
                    f["line"].get<int>(), f["severity"].get<std::string>());
    return out;
}

// Every file of the tree but the settings files, relative to it.
std::vector<std::string> tree_files(const std::string& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().filename() != kSettingsName)
            out.push_back(fs::relative(e.path(), root).string());
    return out;
}

// The diagnostics of every file of the tree, each opened in one session, as findings.
std::set<Finding> lsp_findings(const std::string& root, json init_options = nullptr) {
    LspClient c;
    c.initialize(root, json::object(), std::move(init_options));
    std::map<std::string, std::string> rel_of; // uri -> relative path
    for (const auto& rel : tree_files(root)) {
        const std::string uri = path_to_uri(root + "/" + rel);
        rel_of[uri] = rel;
        c.open(uri, read_all(root + "/" + rel));
    }
    std::map<std::string, json> latest;
    for (const auto& [uri, rel] : rel_of)
        latest[uri] = c.wait_diagnostics(uri);
    c.drain(300ms); // a document opened later may have had the others diagnosed again
    for (auto& n : c.notifications())
        if (n["method"] == "textDocument/publishDiagnostics" && rel_of.count(n["params"]["uri"]))
            latest[n["params"]["uri"]] = n["params"];
    std::set<Finding> out;
    for (const auto& [uri, params] : latest)
        for (const auto& d : params["diagnostics"])
            out.emplace(rel_of[uri], d["code"].get<std::string>(),
                        d["range"]["start"]["line"].get<int>() + 1,
                        severity_name(static_cast<Severity>(d["severity"].get<int>())));
    return out;
}

std::set<std::string> codes_of(const std::set<Finding>& findings, const std::string& path) {
    std::set<std::string> out;
    for (const auto& [p, code, line, sev] : findings)
        if (p == path) out.insert(code);
    return out;
}

const json* diagnostic_with(const json& params, std::string_view code) {
    return find_diagnostic(params, code);
}

} // namespace

TEST_CASE("settings file: the same findings in an LSP session and in check") {
    TempDir t;
    copy_tree(tree(), t.root());
    const std::set<Finding> plain = check_findings(t.root());
    REQUIRE(!plain.empty());
    // The settings touch every kind of entry: a rule off, a severity changed, a folder
    // excluded, a known id and a known module.
    write_all(t.path(kSettingsName), R"({
  "severity": {"missing-parent": "off", "schema": "hint", "insecure-url": "error"},
  "exclude": ["app/code/Acme/Legacy/**"],
  "knownResources": ["Acme_Nowhere::missing"],
  "knownModules": ["Vendor_Optional"]
})");
    const std::set<Finding> checked = check_findings(t.root());
    // The settings change what check finds (else the comparison would prove little).
    REQUIRE(checked != plain);
    CHECK(codes_of(checked, "app/code/Acme/Legacy/etc/integration/api.xml").empty());
    for (const auto& [p, code, line, sev] : checked)
        CHECK(code != "missing-parent");

    const std::set<Finding> served = lsp_findings(t.root());
    CHECK(served == checked);
}

TEST_CASE("settings file: check of a module folder gives the editor's findings for it") {
    TempDir t;
    copy_tree(tree(), t.root());
    // The tree's file (its exclude relative to the tree root) and, in one module, a nearer
    // file that replaces it there.
    write_all(t.path(kSettingsName), R"({
  "severity": {"missing-parent": "off", "insecure-url": "error"},
  "exclude": ["app/code/Acme/Broken/etc/webapi.xml"],
  "knownResources": ["Acme_Nowhere::missing"]
})");
    const std::string warn = "app/code/Acme/Warn", broken = "app/code/Acme/Broken";
    write_all(t.path(warn + "/" + kSettingsName), R"({"severity": {"insecure-url": "hint"}})");
    const std::set<Finding> served = lsp_findings(t.root());
    for (const std::string& module : {broken, warn}) {
        INFO(module);
        const std::set<Finding> checked = check_findings(t.root(), module);
        std::set<Finding> in_module;
        for (const auto& f : served)
            if (std::get<0>(f).rfind(module + "/", 0) == 0) in_module.insert(f);
        REQUIRE(!checked.empty());
        CHECK(checked == in_module);
    }
    // The settings made the difference: the root's for Broken, the module's own for Warn.
    const std::set<Finding> broken_checked = check_findings(t.root(), broken);
    CHECK(codes_of(broken_checked, broken + "/etc/webapi.xml").empty());
    CHECK(codes_of(broken_checked, broken + "/etc/integration.xml").count("unknown-resource") == 0);
    CHECK(broken_checked.count({broken + "/etc/integration.xml", "insecure-url", 5, "error"}));
    CHECK(check_findings(t.root(), warn) ==
          std::set<Finding>{{warn + "/etc/integration.xml", "insecure-url", 5, "hint"}});
}

TEST_CASE("settings file: the nearest file wins for a document under it, re-read on change") {
    TempCopy tree(example_dir());
    tree.write(kSettingsName, R"({"severity": {"insecure-url": "off"}})");
    const std::string module = "app/code/Acme/Connector/";
    tree.write(module + kSettingsName, R"({"severity": {"insecure-url": "error"}})");
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    c.open(uri, tree.read(kExampleIntegration));
    json p = c.wait_diagnostics(uri);
    const json* insecure = diagnostic_with(p, "insecure-url");
    REQUIRE(insecure);
    CHECK((*insecure)["severity"] == 1);         // the module's file, not the root's "off"
    CHECK(diagnostic_with(p, "missing-parent")); // neither file names it

    // The module's file goes away: the root's applies.
    std::filesystem::remove(tree.path(module + kSettingsName));
    c.notify("workspace/didChangeWatchedFiles",
             {{"changes", {{{"uri", tree.uri(module + kSettingsName)}, {"type", 3}}}}});
    p = c.wait_diagnostics(uri);
    CHECK_FALSE(diagnostic_with(p, "insecure-url"));

    // The root's file is changed on disk: read again.
    tree.write(kSettingsName, R"({"severity": {"insecure-url": "hint", "missing-parent": "off"}})");
    c.notify("workspace/didChangeWatchedFiles",
             {{"changes", {{{"uri", tree.uri(kSettingsName)}, {"type", 2}}}}});
    p = c.wait_diagnostics(uri);
    insecure = diagnostic_with(p, "insecure-url");
    REQUIRE(insecure);
    CHECK((*insecure)["severity"] == 4);
    CHECK_FALSE(diagnostic_with(p, "missing-parent"));
}

TEST_CASE("settings file: the editor's settings override the file's") {
    TempCopy tree(example_dir());
    tree.write(kSettingsName, R"({
  "severity": {"insecure-url": "error", "missing-parent": "off"},
  "knownResources": ["Magento_Log::online"]
})");
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root(), json::object(),
                 {{"severity", {{"insecure-url", "hint"}}}, {"knownResources", json::array()}});
    c.open(uri, tree.read(kExampleIntegration));
    json p = c.wait_diagnostics(uri);
    const json* insecure = diagnostic_with(p, "insecure-url");
    REQUIRE(insecure);
    CHECK((*insecure)["severity"] == 4);               // the editor's word for this code
    CHECK_FALSE(diagnostic_with(p, "missing-parent")); // the file's, for a code the editor leaves
    CHECK(diagnostic_with(p, "unknown-resource"));     // the editor's (empty) knownResources

    // Without the editor's settings, the file's apply as check applies them.
    LspClient plain;
    plain.initialize(tree.root());
    plain.open(uri, tree.read(kExampleIntegration));
    p = plain.wait_diagnostics(uri);
    insecure = diagnostic_with(p, "insecure-url");
    REQUIRE(insecure);
    CHECK((*insecure)["severity"] == 1);
    CHECK_FALSE(diagnostic_with(p, "unknown-resource"));
}

TEST_CASE("settings file: a bad value is a diagnostic on the file, with check's message") {
    TempCopy tree(example_dir());
    const std::string text = "{\n  \"severity\": {\"missing-parent\": \"loud\", \"insecure-url\": "
                             "\"off\"},\n  \"colour\": true\n}\n";
    tree.write(kSettingsName, text);
    const std::string settings_uri = tree.uri(kSettingsName);
    const std::string uri = tree.uri(kExampleIntegration);

    RunResult checked = run_check({"--format", "json", "."}, tree.root());
    CHECK(checked.code == 2);
    CHECK(checked.err.find(":2:34: error: unknown severity 'loud' for 'missing-parent'") !=
          std::string::npos);

    LspClient c;
    c.initialize(tree.root());
    json p = c.wait_diagnostics(settings_uri); // without the file being open
    REQUIRE(p["diagnostics"].size() == 2);
    const json& bad = p["diagnostics"][0];
    CHECK(bad["severity"] == 1);
    CHECK(bad["range"] == lsp_range(text, "\"loud\""));
    const std::string message = bad["message"];
    CHECK(message == "unknown severity 'loud' for 'missing-parent' (use error, warning, info, "
                     "hint or off)");
    CHECK(checked.err.find(message) != std::string::npos); // the words check prints
    // check prints every problem of the file, as the editor shows each.
    CHECK(checked.err.find(":3:3: warning: unknown setting 'colour' is ignored") !=
          std::string::npos);
    const json& unknown = p["diagnostics"][1];
    CHECK(unknown["severity"] == 2);
    CHECK(unknown["range"] == lsp_range(text, "\"colour\""));
    CHECK(unknown["message"] == "unknown setting 'colour' is ignored");

    // The rest of the file applies: insecure-url off; missing-parent keeps its default.
    c.open(uri, tree.read(kExampleIntegration));
    p = c.wait_diagnostics(uri);
    CHECK_FALSE(diagnostic_with(p, "insecure-url"));
    CHECK(diagnostic_with(p, "missing-parent"));

    // Edited in the editor (not saved): read again from the document's text.
    c.open(settings_uri, text);
    c.wait_diagnostics(settings_uri);
    std::string fixed = text;
    fixed.replace(fixed.find("\"loud\""), 6, "\"off\"");
    fixed.replace(fixed.find("\"colour\": true"), 14, "\"exclude\": []");
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", settings_uri}, {"version", 2}}},
                                        {"contentChanges", {{{"text", fixed}}}}});
    p = c.wait_notification("textDocument/publishDiagnostics", [&](const json& params) {
        return params["uri"] == settings_uri && params["diagnostics"].empty();
    });
    p = c.wait_notification("textDocument/publishDiagnostics", [&](const json& params) {
        return params["uri"] == uri && !find_diagnostic(params, "missing-parent");
    });
    CHECK_FALSE(diagnostic_with(p, "insecure-url"));
}

TEST_CASE("settings file: a symbolic link is not followed") {
    TempCopy tree(example_dir());
    tree.write("elsewhere.json", R"({"severity": {"insecure-url": "off"}})");
    std::filesystem::create_symlink(tree.path("elsewhere.json"), tree.path(kSettingsName));
    const std::string uri = tree.uri(kExampleIntegration);
    LspClient c;
    c.initialize(tree.root());
    json p = c.wait_diagnostics(tree.uri(kSettingsName));
    REQUIRE(p["diagnostics"].size() == 1);
    CHECK(p["diagnostics"][0]["message"].get<std::string>().find("not used") != std::string::npos);
    c.open(uri, tree.read(kExampleIntegration));
    CHECK(diagnostic_with(c.wait_diagnostics(uri), "insecure-url"));
}
