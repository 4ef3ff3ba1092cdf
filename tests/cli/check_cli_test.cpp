// The check command end to end: the real binary on fixture trees written for these tests.
#include "check_support.hpp"
#include "mil/model/rules.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

using nlohmann::json;
using namespace mil::test;

namespace {

json run_json(const std::vector<std::string>& args, int* code = nullptr,
              const std::string& cwd = "") {
    std::vector<std::string> all = {"--format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = run_check(all, cwd);
    INFO(r.err);
    if (code) *code = r.code;
    REQUIRE((r.code == 0 || r.code == 1));
    return json::parse(r.out);
}

std::vector<json> with_code(const json& findings, const std::string& code) {
    std::vector<json> out;
    for (const auto& f : findings)
        if (f.at("code") == code) out.push_back(f);
    return out;
}

bool any_path_contains(const json& findings, const std::string& part) {
    return std::any_of(findings.begin(), findings.end(), [&](const json& f) {
        return f.at("path").get<std::string>().find(part) != std::string::npos;
    });
}

int rank(const std::string& severity) {
    if (severity == "error") return 1;
    if (severity == "warning") return 2;
    if (severity == "info") return 3;
    return 4;
}

const std::string kBroken = "app/code/Acme/Broken/etc/integration.xml";

} // namespace

TEST_CASE("check --help prints the usage on stdout and exits 0") {
    RunResult r = run_check({"--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("Usage: magento-integration-ls check") != std::string::npos);
    CHECK(r.out.find("--fail-on") != std::string::npos);
}

TEST_CASE("usage mistakes and missing paths exit 2 with a message on stderr") {
    SECTION("unknown option") {
        RunResult r = run_check({"--frobnicate", tree()});
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("unknown option '--frobnicate'") != std::string::npos);
    }
    SECTION("unknown format") {
        RunResult r = run_check({"--format", "yaml", tree()});
        CHECK(r.code == 2);
        CHECK(r.err.find("unknown format 'yaml'") != std::string::npos);
    }
    SECTION("bad --fail-on level") {
        RunResult r = run_check({"--fail-on=fatal", tree()});
        CHECK(r.code == 2);
        CHECK(r.err.find("fatal") != std::string::npos);
    }
    SECTION("option without its value") {
        RunResult r = run_check({tree(), "--format"});
        CHECK(r.code == 2);
        CHECK(r.err.find("--format needs a value") != std::string::npos);
    }
    SECTION("missing path") {
        RunResult r = run_check({fixture("no-such-folder")});
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("no-such-folder") != std::string::npos);
    }
    SECTION("--root that is not a folder") {
        RunResult r = run_check({"--root", fixture("no-such-folder"), tree()});
        CHECK(r.code == 2);
    }
    SECTION("--output in a folder that does not exist") {
        RunResult r = run_check({"--output", fixture("no-such-folder/report.txt"), tree()});
        CHECK(r.code == 2);
        CHECK(r.err.find("report.txt") != std::string::npos);
    }
}

TEST_CASE("a clean module inside a tree exits 0 with nothing on stdout") {
    RunResult r = run_check({tree() + "/app/code/Acme/Good"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("no problems") != std::string::npos);
}

TEST_CASE("text output reads like a compiler's, with a summary on stderr") {
    RunResult r = run_check({"."}, tree()); // from the tree's folder, as in CI
    INFO(r.err);
    REQUIRE(r.code == 1);
    std::regex line_re(
        R"(^([^:\s][^:]*):(\d+):(\d+): (error|warning|info|hint): (.+) \[([a-z-]+)\]$)");
    std::set<std::string> codes;
    std::size_t lines = 0;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("    ", 0) == 0) continue; // related locations, indented
        std::smatch m;
        INFO(line);
        REQUIRE(std::regex_match(line, m, line_re));
        CHECK(m[1].str().front() != '/');
        codes.insert(m[6]);
        ++lines;
    }
    CHECK(lines > 0);
    CHECK(r.out.find('\x1b') == std::string::npos); // not a TTY: no colours
    for (const char* code : {"unknown-resource", "missing-parent", "insecure-url",
                             "duplicate-resource", "xml-syntax", "deprecated-integration-config"})
        CHECK(codes.count(code) == 1);

    std::string text = read_all(tree() + "/" + kBroken);
    TextPos p = position_of(text, "Acme_Nowhere::missing");
    CHECK(r.out.find(kBroken + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                     ": error: ") != std::string::npos);

    std::regex summary_re(
        R"((\d+) errors?, (\d+) warnings?(, \d+ infos?)?(, \d+ hints?)? in (\d+) files? \((\d+) files? checked\))");
    std::smatch m;
    REQUIRE(std::regex_search(r.err, m, summary_re));
    CHECK(std::stoi(m[1]) >= 2);
    CHECK(std::stoi(m[2]) >= 3);
}

TEST_CASE("json output: 1-based positions, UTF-16 columns, related locations, sorted") {
    int code = 0;
    json findings = run_json({tree()}, &code);
    CHECK(code == 1);
    REQUIRE(findings.is_array());
    REQUIRE(!findings.empty());
    for (const auto& f : findings) {
        for (const char* key : {"path", "line", "column", "endLine", "endColumn", "severity",
                                "code", "message", "related"})
            CHECK(f.contains(key));
        CHECK(f["line"].get<int>() >= 1);
        CHECK(f["column"].get<int>() >= 1);
        CHECK(f["related"].is_array());
        CHECK(f["path"].get<std::string>().front() != '/');
    }
    for (std::size_t i = 1; i < findings.size(); ++i) {
        const json &a = findings[i - 1], &b = findings[i];
        auto ka = std::make_tuple(a["path"].get<std::string>(), a["line"].get<int>(),
                                  a["column"].get<int>(), a["code"].get<std::string>());
        auto kb = std::make_tuple(b["path"].get<std::string>(), b["line"].get<int>(),
                                  b["column"].get<int>(), b["code"].get<std::string>());
        CHECK(ka <= kb);
    }

    // The unknown resource follows "<!-- Ünïcödé 🚀 -->" on its line: its column counts
    // UTF-16 code units (the rocket is two), not bytes.
    std::string text = read_all(tree() + "/" + kBroken);
    TextPos p = position_of(text, "Acme_Nowhere::missing");
    auto unknown = with_code(findings, "unknown-resource");
    auto it = std::find_if(unknown.begin(), unknown.end(),
                           [&](const json& f) { return f["path"] == kBroken; });
    REQUIRE(it != unknown.end());
    CHECK((*it)["severity"] == "error");
    CHECK((*it)["line"] == p.line);
    CHECK((*it)["column"] == p.column);
    CHECK((*it)["endLine"] == p.line);
    CHECK((*it)["endColumn"] == p.column + std::string("Acme_Nowhere::missing").size());

    // Duplicates point at the other listing.
    auto dups = with_code(findings, "duplicate-resource");
    REQUIRE(!dups.empty());
    bool has_related = std::any_of(dups.begin(), dups.end(), [](const json& f) {
        return !f["related"].empty() && f["related"][0]["path"] == kBroken;
    });
    CHECK(has_related);
}

TEST_CASE("sarif output has every field SARIF 2.1.0 requires and consistent rules") {
    RunResult r = run_check({"--format", "sarif", tree()});
    REQUIRE(r.code == 1);
    json s = json::parse(r.out);
    CHECK(s["version"] == "2.1.0");
    CHECK(s["$schema"].get<std::string>().find("sarif") != std::string::npos);
    REQUIRE(s["runs"].size() == 1);
    const json& run = s["runs"][0];
    CHECK(run["columnKind"] == "utf16CodeUnits");
    const json& driver = run["tool"]["driver"];
    CHECK(driver["name"] == "magento-integration-ls");
    CHECK(!driver["version"].get<std::string>().empty());
    CHECK((!driver.contains("informationUri") || driver["informationUri"].is_string()));
    const json& rules = driver["rules"];
    REQUIRE(rules.is_array());
    std::set<std::string> ids;
    for (const auto& rule : rules) {
        std::string id = rule["id"];
        CHECK(ids.insert(id).second);
        CHECK(!rule["shortDescription"]["text"].get<std::string>().empty());
        CHECK(!rule["fullDescription"]["text"].get<std::string>().empty());
        CHECK(!rule["help"]["text"].get<std::string>().empty());
        CHECK(!rule["help"]["markdown"].get<std::string>().empty());
        // Each rule of the catalogue links to its section of docs/rules.md.
        if (mil::find_rule(id)) CHECK(rule["helpUri"] == mil::rule_help_uri(id));
        std::string level = rule["defaultConfiguration"]["level"];
        CHECK((level == "error" || level == "warning" || level == "note"));
    }
    const json& results = run["results"];
    REQUIRE(!results.empty());
    std::set<std::string> fingerprints;
    for (const auto& res : results) {
        std::string id = res["ruleId"];
        std::size_t index = res["ruleIndex"];
        REQUIRE(index < rules.size());
        CHECK(rules[index]["id"] == id);
        std::string level = res["level"];
        CHECK((level == "error" || level == "warning" || level == "note"));
        CHECK(!res["message"]["text"].get<std::string>().empty());
        REQUIRE(res["locations"].size() == 1);
        const json& phys = res["locations"][0]["physicalLocation"];
        std::string uri = phys["artifactLocation"]["uri"];
        CHECK(uri.front() != '/');
        CHECK(uri.find("file:") == std::string::npos);
        CHECK(phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
        const json& region = phys["region"];
        CHECK(region["startLine"].get<int>() >= 1);
        CHECK(region["startColumn"].get<int>() >= 1);
        CHECK(region["endLine"].get<int>() >= region["startLine"].get<int>());
        if (region["endLine"] == region["startLine"])
            CHECK(region["endColumn"].get<int>() >= region["startColumn"].get<int>());
        for (const auto& rel : res.value("relatedLocations", json::array()))
            CHECK(rel.contains("message"));
        REQUIRE(res["partialFingerprints"].is_object());
        REQUIRE(res["partialFingerprints"].size() == 1);
        std::string fp = res["partialFingerprints"].begin().value();
        CHECK(fingerprints.insert(fp).second);
    }
    // Every code of the design's catalogue is described.
    for (const char* code : {"xml-syntax",
                             "schema",
                             "unknown-resource",
                             "missing-parent",
                             "duplicate-resource",
                             "ignored-resource",
                             "grants-everything",
                             "stray-whitespace",
                             "integration-name-mismatch",
                             "integration-missing-email",
                             "duplicate-integration",
                             "insecure-url",
                             "invalid-url",
                             "missing-integration-sequence",
                             "deprecated-integration-config",
                             "acl-duplicate-id",
                             "acl-missing-title",
                             "acl-orphan-branch",
                             "module-name-mismatch",
                             "composer-module",
                             "unknown-module"})
        CHECK(ids.count(code) == 1);
}

TEST_CASE("sarif fingerprints do not change when lines move") {
    TempDir tmp;
    copy_tree(tree(), tmp.path("tree"));
    RunResult before = run_check({"--format", "sarif", tmp.path("tree")});
    std::string file = tmp.path("tree/" + kBroken);
    std::string text = read_all(file);
    // Insert two comment lines after the XML declaration.
    auto nl = text.find('\n');
    write_all(file,
              text.substr(0, nl + 1) + "<!-- moved -->\n<!-- down -->\n" + text.substr(nl + 1));
    RunResult after = run_check({"--format", "sarif", tmp.path("tree")});
    REQUIRE(before.code == 1);
    REQUIRE(after.code == 1);
    auto prints = [](const std::string& out) {
        std::map<std::string, int> m; // fingerprint -> start line
        json s = json::parse(out);
        for (const auto& res : s["runs"][0]["results"])
            m[res["partialFingerprints"].begin().value().get<std::string>()] =
                res["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>();
        return m;
    };
    auto a = prints(before.out), b = prints(after.out);
    REQUIRE(a.size() == b.size());
    bool moved = false;
    for (const auto& [fp, line] : a) {
        REQUIRE(b.count(fp) == 1);
        if (b[fp] != line) moved = true;
    }
    CHECK(moved);
}

TEST_CASE("github output: workflow commands with escaped properties and messages") {
    RunResult r = run_check({"--format", "github", "."}, tree());
    REQUIRE(r.code == 1);
    std::regex re(
        R"(^::(error|warning|notice) file=([^,:]+),line=(\d+),endLine=(\d+),col=(\d+),endColumn=(\d+),title=([^,:]+)::(.*)$)");
    std::istringstream in(r.out);
    std::size_t n = 0;
    bool saw_error = false, saw_warning = false, saw_notice = false;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        INFO(line);
        REQUIRE(std::regex_match(line, m, re));
        CHECK(m[8].str().find('\r') == std::string::npos);
        saw_error |= m[1] == "error";
        saw_warning |= m[1] == "warning";
        saw_notice |= m[1] == "notice";
        ++n;
    }
    CHECK(n > 0);
    CHECK(saw_error);
    CHECK(saw_warning);
    CHECK(saw_notice); // the legacy files give a hint
    CHECK(r.out.find("file=" + kBroken + ",") != std::string::npos);
}

TEST_CASE("checkstyle output is well-formed XML with one file element per path") {
    RunResult r = run_check({"--format", "checkstyle", "."}, tree());
    REQUIRE(r.code == 1);
    pugi::xml_document doc;
    pugi::xml_parse_result parsed = doc.load_string(r.out.c_str());
    INFO(parsed.description());
    REQUIRE(parsed);
    pugi::xml_node root = doc.child("checkstyle");
    REQUIRE(root);
    std::set<std::string> names;
    std::size_t errors = 0;
    for (pugi::xml_node file : root.children("file")) {
        std::string name = file.attribute("name").value();
        CHECK(names.insert(name).second);
        CHECK(name.front() != '/');
        for (pugi::xml_node e : file.children("error")) {
            CHECK(e.attribute("line").as_int() >= 1);
            std::string sev = e.attribute("severity").value();
            CHECK((sev == "error" || sev == "warning" || sev == "info"));
            CHECK(std::string(e.attribute("source").value()).rfind("magento-integration-ls.", 0) ==
                  0);
            CHECK(!std::string(e.attribute("message").value()).empty());
            ++errors;
        }
    }
    CHECK(names.count(kBroken) == 1);
    CHECK(errors > 0);
}

TEST_CASE("gitlab output: code quality issues with unique fingerprints") {
    RunResult r = run_check({"--format", "gitlab", "."}, tree());
    REQUIRE(r.code == 1);
    json issues = json::parse(r.out);
    REQUIRE(issues.is_array());
    REQUIRE(!issues.empty());
    std::set<std::string> fps;
    for (const auto& i : issues) {
        CHECK(!i["description"].get<std::string>().empty());
        CHECK(!i["check_name"].get<std::string>().empty());
        CHECK(fps.insert(i["fingerprint"].get<std::string>()).second);
        std::string sev = i["severity"];
        CHECK((sev == "blocker" || sev == "critical" || sev == "major" || sev == "minor" ||
               sev == "info"));
        CHECK(i["location"]["path"].get<std::string>().front() != '/');
        CHECK(i["location"]["lines"]["begin"].get<int>() >= 1);
    }
}

TEST_CASE("the fail-on level sets the threshold of exit code 1") {
    std::string warn = tree() + "/app/code/Acme/Warn";
    std::string legacy = tree() + "/app/code/Acme/Legacy";
    json wf = run_json({warn});
    json lf = run_json({legacy});
    REQUIRE(!with_code(wf, "insecure-url").empty());
    REQUIRE(!with_code(lf, "deprecated-integration-config").empty());
    auto worst = [](const json& fs) {
        int w = 5;
        for (const auto& f : fs)
            w = std::min(w, rank(f["severity"]));
        return w;
    };
    // Each module's exit code follows its worst finding, level by level.
    for (const auto& [path, fs] : {std::pair{warn, wf}, std::pair{legacy, lf}}) {
        int w = worst(fs);
        for (const auto& [level, r] :
             {std::pair{"error", 1}, {"warning", 2}, {"info", 3}, {"hint", 4}}) {
            INFO(path << " --fail-on " << level);
            CHECK(run_check({"--fail-on", level, path}).code == (w <= r ? 1 : 0));
        }
        CHECK(run_check({"--fail-on", "never", path}).code == 0);
    }
    CHECK(worst(wf) == 2); // warnings only: the default threshold passes
    CHECK(run_check({warn}).code == 0);
    CHECK(run_check({"--fail-on", "never", tree()}).code == 0);
    CHECK(run_check({tree()}).code == 1);
}

TEST_CASE("the settings file overrides severities, turns codes off and excludes paths") {
    TempDir tmp;
    copy_tree(tree(), tmp.path("tree"));
    std::string root = tmp.path("tree");
    std::string cfg = root + "/.magento-integration-ls.json";

    SECTION("a severity override raises a warning to an error") {
        write_all(cfg, R"({"severity": {"insecure-url": "error"}})");
        int code = 0;
        json fs = run_json({root + "/app/code/Acme/Warn"}, &code);
        // A module folder of the tree: the tree's file, found walking up, applies (as in the
        // editor), although the root of the paths is the module folder.
        CHECK(with_code(fs, "insecure-url").at(0)["severity"] == "error");
        fs = run_json({root}, &code);
        auto urls = with_code(fs, "insecure-url");
        REQUIRE(!urls.empty());
        for (const auto& f : urls)
            CHECK(f["severity"] == "error");
        RunResult r = run_check({"--root", root, root + "/app/code/Acme/Warn"});
        CHECK(r.code == 1);
    }
    SECTION("off removes the code") {
        write_all(cfg, R"({"severity": {"insecure-url": "off", "missing-parent": "hint"}})");
        json fs = run_json({root});
        CHECK(with_code(fs, "insecure-url").empty());
        auto parents = with_code(fs, "missing-parent");
        REQUIRE(!parents.empty());
        for (const auto& f : parents)
            CHECK(f["severity"] == "hint");
    }
    SECTION("--config names another file") {
        std::string other = tmp.path("settings.json");
        write_all(other, R"({"severity": {"insecure-url": "off"}})");
        json fs = run_json({"--config", other, root});
        CHECK(with_code(fs, "insecure-url").empty());
        CHECK(!with_code(fs, "unknown-resource").empty());
    }
    SECTION("exclude globs") {
        json all = run_json({root});
        REQUIRE(any_path_contains(all, "Acme/Broken/"));
        REQUIRE(any_path_contains(all, "webapi.xml"));
        write_all(cfg, R"({"exclude": ["app/code/Acme/Broken/**"]})");
        json fs = run_json({root});
        CHECK(!any_path_contains(fs, "Acme/Broken/"));
        CHECK(any_path_contains(fs, "Acme/Warn/"));
        write_all(cfg, R"({"exclude": ["**/*api.xml"]})");
        fs = run_json({root});
        CHECK(!any_path_contains(fs, "webapi.xml"));
        CHECK(!any_path_contains(fs, "integration/api.xml"));
        CHECK(any_path_contains(fs, "Acme/Broken/etc/integration.xml"));
        write_all(cfg, R"({"exclude": ["app/code/*/Warn"]})");
        fs = run_json({root});
        CHECK(!any_path_contains(fs, "Acme/Warn/"));
        CHECK(any_path_contains(fs, "Acme/Broken/"));
    }
    SECTION("unknown codes are accepted with a warning") {
        write_all(cfg, R"({"severity": {"no-such-rule": "off"}})");
        RunResult r = run_check({root});
        CHECK(r.code == 1);
        CHECK(r.err.find("no-such-rule") != std::string::npos);
    }
}

TEST_CASE("check: each file gets the settings file nearest to it, walking up") {
    TempDir tmp;
    copy_tree(tree(), tmp.path("tree"));
    const std::string root = tmp.path("tree");
    const std::string warn = "app/code/Acme/Warn", broken = "app/code/Acme/Broken";
    auto severity_of = [](const json& fs, const std::string& code) {
        auto found = with_code(fs, code);
        return found.empty() ? std::string("none") : found.at(0)["severity"].get<std::string>();
    };
    write_all(root + "/.magento-integration-ls.json",
              R"({"severity": {"insecure-url": "error", "missing-parent": "off"}})");

    SECTION("a module folder inside the tree uses the tree root's file") {
        json fs = run_json({warn}, nullptr, root);
        CHECK(severity_of(fs, "insecure-url") == "error");
        fs = run_json({broken + "/etc/integration.xml"}, nullptr, root);
        CHECK(severity_of(fs, "insecure-url") == "error");
        CHECK(with_code(fs, "missing-parent").empty());
        // --root only moves the base of the paths, not the settings.
        fs = run_json({"--root", root + "/" + warn, warn}, nullptr, root);
        CHECK(severity_of(fs, "insecure-url") == "error");
    }
    SECTION("a file in the module wins over the root's") {
        write_all(root + "/" + warn + "/.magento-integration-ls.json",
                  R"({"severity": {"insecure-url": "hint"}})");
        json fs = run_json({warn}, nullptr, root);
        CHECK(severity_of(fs, "insecure-url") == "hint");
        // The whole tree: each module its own file; the nearer file replaces the root's
        // entirely (its severities are not merged with the root's).
        fs = run_json({"."}, nullptr, root);
        std::map<std::string, std::string> by_path;
        for (const auto& f : with_code(fs, "insecure-url"))
            by_path[f["path"]] = f["severity"];
        CHECK(by_path[warn + "/etc/integration.xml"] == "hint");
        CHECK(by_path[broken + "/etc/integration.xml"] == "error");
        CHECK(with_code(fs, "missing-parent").empty());
        // --config forces one file for every file.
        const std::string forced = tmp.path("ci.json");
        write_all(forced, R"({"severity": {"insecure-url": "info"}})");
        fs = run_json({"--config", forced, "."}, nullptr, root);
        for (const auto& f : with_code(fs, "insecure-url"))
            CHECK(f["severity"] == "info");
        CHECK(!with_code(fs, "missing-parent").empty());
    }
    SECTION("two modules with different files: each its own settings") {
        write_all(root + "/" + broken + "/.magento-integration-ls.json",
                  R"({"severity": {"insecure-url": "off"}, "exclude": ["etc/webapi.xml"],
                      "knownResources": ["Acme_Nowhere::missing"]})");
        write_all(root + "/" + warn + "/.magento-integration-ls.json",
                  R"({"severity": {"insecure-url": "info"}, "exclude": ["app/**"]})");
        json fs = run_json({broken, warn}, nullptr, root);
        std::set<std::string> broken_codes;
        for (const auto& f : fs)
            if (f["path"].get<std::string>().rfind(broken, 0) == 0) broken_codes.insert(f["code"]);
        CHECK(broken_codes.count("insecure-url") == 0);
        CHECK(broken_codes.count("unknown-resource") == 0); // its knownResources
        CHECK(broken_codes.count("duplicate-resource") == 1);
        // Excludes are relative to the folder of their file: Broken's etc/webapi.xml is out,
        // and Warn's "app/**" matches nothing under Warn.
        CHECK(!any_path_contains(fs, "webapi.xml"));
        auto warn_urls = with_code(fs, "insecure-url");
        REQUIRE(warn_urls.size() == 1);
        CHECK(warn_urls[0]["path"] == warn + "/etc/integration.xml");
        CHECK(warn_urls[0]["severity"] == "info");
        // Without its file the excluded webapi.xml is reported again (the exclude did it).
        fs::remove(root + "/" + broken + "/.magento-integration-ls.json");
        fs = run_json({broken, warn}, nullptr, root);
        CHECK(any_path_contains(fs, "webapi.xml"));
        CHECK(!with_code(fs, "unknown-resource").empty());
    }
    SECTION("a bad file of a module that is not checked does not matter") {
        write_all(root + "/" + broken + "/.magento-integration-ls.json", "{");
        json fs = run_json({warn}, nullptr, root);
        CHECK(severity_of(fs, "insecure-url") == "error");
        CHECK(run_check({"."}, root).code == 2);
    }
}

TEST_CASE("check: a bad settings file prints every problem of it, then exits 2") {
    TempDir tmp;
    copy_tree(tree(), tmp.path("tree"));
    const std::string root = tmp.path("tree");
    const std::string text =
        "{\n"
        "  \"severity\": {\"insecure-url\": \"fatal\", \"no-such\": \"off\"},\n"
        "  \"exclude\": \"vendor/**\",\n"
        "  \"colour\": true\n"
        "}\n";
    write_all(root + "/.magento-integration-ls.json", text);
    // Checked from a module folder: the file is the tree's, found walking up.
    for (bool quiet : {false, true}) {
        std::vector<std::string> args = {"app/code/Acme/Warn"};
        if (quiet) args.insert(args.begin(), "--quiet");
        RunResult r = run_check(args, root);
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        // Each problem with its position (1-based, as the editor's diagnostics on the file),
        // the errors and the warnings, in the order of the file; the path as the other
        // paths are shown (relative to the current folder).
        const std::string name = ".magento-integration-ls.json";
        const std::vector<std::string> lines = {
            name + ":2:32: error: unknown severity 'fatal' for 'insecure-url'",
            name + ":2:41: warning: ",
            name + ":3:14: error: ",
            name + ":4:3: warning: unknown setting 'colour' is ignored",
        };
        const std::string err = "\n" + r.err; // each problem starts a line
        std::size_t at = 0;
        for (const auto& line : lines) {
            std::size_t found = err.find("\n" + line, at);
            CHECK(found != std::string::npos);
            if (found != std::string::npos) at = found + 1;
        }
        CHECK(r.err.find("bad settings file") != std::string::npos);
    }
}

TEST_CASE("a bad settings file exits 2 naming the file and the position") {
    TempDir tmp;
    copy_tree(tree() + "/app/code/Acme/Warn", tmp.path("mod"));
    std::string cfg = tmp.path("mod/.magento-integration-ls.json");

    SECTION("invalid JSON") {
        write_all(cfg, "{\n  \"severity\": {\n    \"insecure-url\": \"error\",\n  }\n}\n");
        RunResult r = run_check({tmp.path("mod")});
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(cfg + ":4:3:") != std::string::npos);
    }
    SECTION("unknown severity") {
        write_all(cfg, "{\"severity\": {\"insecure-url\": \"fatal\"}}");
        RunResult r = run_check({tmp.path("mod")});
        CHECK(r.code == 2);
        CHECK(r.err.find(cfg + ":1:31:") != std::string::npos);
        CHECK(r.err.find("fatal") != std::string::npos);
    }
    SECTION("wrong type of exclude") {
        write_all(cfg, "{\"exclude\": \"vendor/**\"}");
        RunResult r = run_check({tmp.path("mod")});
        CHECK(r.code == 2);
        CHECK(r.err.find(cfg + ":1:13:") != std::string::npos);
    }
    SECTION("--config that does not exist") {
        RunResult r = run_check({"--config", tmp.path("missing.json"), tmp.path("mod")});
        CHECK(r.code == 2);
        CHECK(r.err.find("missing.json") != std::string::npos);
    }
}

TEST_CASE("paths in the output are relative to the root") {
    SECTION("default root: the checked folder") {
        json fs = run_json({tree()});
        CHECK(any_path_contains(fs, kBroken));
        for (const auto& f : fs)
            CHECK(f["path"].get<std::string>().rfind("app/code/", 0) == 0);
    }
    SECTION("--root") {
        json fs = run_json({"--root", fixture(""), tree()});
        for (const auto& f : fs)
            CHECK(f["path"].get<std::string>().rfind("tree/app/code/", 0) == 0);
    }
    SECTION("several paths: the current directory") {
        json fs = run_json({"tree/app/code/Acme/Warn", "tree/app/code/Acme/Legacy"}, nullptr,
                           fixture(""));
        REQUIRE(!fs.empty());
        CHECK(any_path_contains(fs, "tree/app/code/Acme/Warn/etc/integration.xml"));
        CHECK(any_path_contains(fs, "tree/app/code/Acme/Legacy/etc/integration/"));
        for (const auto& f : fs)
            CHECK(f["path"].get<std::string>().rfind("tree/app/code/Acme/", 0) == 0);
    }
    SECTION("default path: the current directory") {
        json fs = run_json({}, nullptr, tree() + "/app/code/Acme/Warn");
        REQUIRE(!fs.empty());
        CHECK(fs[0]["path"] == "etc/integration.xml");
    }
}

TEST_CASE("two runs give the same bytes in every format") {
    for (const char* format : {"text", "json", "sarif", "github", "checkstyle", "gitlab"}) {
        INFO(format);
        RunResult a = run_check({"--format", format, tree()});
        RunResult b = run_check({"--format", format, tree()});
        CHECK(a.code == 1);
        CHECK(a.out == b.out);
        CHECK(!a.out.empty());
    }
}

TEST_CASE("an output file receives the report and stdout stays empty") {
    TempDir tmp;
    std::string file = tmp.path("report.sarif");
    RunResult r = run_check({"--format", "sarif", "--output", file, tree()});
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(json::parse(read_all(file))["version"] == "2.1.0");
    RunResult same = run_check({"--format", "sarif", tree()});
    CHECK(read_all(file) == same.out);
}

TEST_CASE("a single file inside a tree is checked against the whole tree") {
    json fs = run_json({tree() + "/" + kBroken});
    REQUIRE(!fs.empty());
    for (const auto& f : fs)
        CHECK(f["path"] == kBroken); // relative to the Magento root, that file only
    // Magento_Sales::sales_order is declared by another module's acl.xml: known, but its
    // ancestors are missing from the integration.
    for (const auto& f : with_code(fs, "unknown-resource"))
        CHECK(f["message"].get<std::string>().find("Magento_Sales::sales_order") ==
              std::string::npos);
    CHECK(!with_code(fs, "missing-parent").empty());
    CHECK(!with_code(fs, "unknown-resource").empty());
}

TEST_CASE("a standalone module folder is checked on its own") {
    int code = 0;
    json fs = run_json({fixture("standalone")}, &code);
    CHECK(code == 1);
    auto urls = with_code(fs, "insecure-url");
    REQUIRE(urls.size() == 1);
    CHECK(urls[0]["path"] == "etc/integration.xml");
    auto unknown = with_code(fs, "unknown-resource");
    REQUIRE(!unknown.empty());
    std::string text = read_all(fixture("standalone/etc/integration.xml"));
    TextPos typo = position_of(text, "Acme_Standalone::typo");
    bool flagged_typo = false;
    for (const auto& f : unknown) {
        // The module's own ids are known from its acl.xml.
        CHECK(f["message"].get<std::string>().find("Acme_Standalone::sync") == std::string::npos);
        if (f["line"] == typo.line && f["column"] == typo.column) flagged_typo = true;
    }
    CHECK(flagged_typo);
}

TEST_CASE("the bundled example tree shows its mistakes") {
    int code = 0;
    json fs = run_json({std::string(MIL_SOURCE_DIR) + "/data/example"}, &code);
    CHECK(code == 1);
    CHECK(!with_code(fs, "unknown-resource").empty());
    CHECK(!with_code(fs, "missing-parent").empty());
    CHECK(!with_code(fs, "insecure-url").empty());
    CHECK(any_path_contains(fs, "app/code/Acme/Connector/etc/integration.xml"));
}

TEST_CASE("odd inputs: empty folders, files the checker does not read, unreadable files") {
    TempDir tmp;
    // Checking nothing at all must not pass a CI job: exit 2 with the reason.
    SECTION("a folder without modules") {
        write_all(tmp.path("empty/readme.txt"), "nothing here\n");
        RunResult r = run_check({tmp.path("empty")});
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("no Magento module found") != std::string::npos);
        CHECK(r.err.find("nothing was checked") != std::string::npos);
        CHECK(run_check({"--quiet", "--fail-on", "never", tmp.path("empty")}).code == 2);
    }
    SECTION("a file of no kind the checker reads") {
        RunResult r = run_check({tree() + "/app/etc/di.xml"});
        CHECK(r.code == 2);
        CHECK(r.err.find("not a file the checker reads") != std::string::npos);
        CHECK(r.err.find("nothing was checked") != std::string::npos);
    }
    SECTION("a settings file that excludes everything") {
        copy_tree(tree() + "/app/code/Acme/Warn", tmp.path("mod"));
        write_all(tmp.path("mod/.magento-integration-ls.json"), R"({"exclude": ["**"]})");
        RunResult r = run_check({tmp.path("mod")});
        CHECK(r.code == 2);
        CHECK(r.err.find("leave out every file") != std::string::npos);
    }
    // Issue 21: a module repository whose composer.json requires Magento for its CI is a
    // module (type magento2-module), not a Magento root with nothing in app/code.
    SECTION("a module repository that requires magento/product-community-edition") {
        copy_tree(tree() + "/app/code/Acme/Warn", tmp.path("mod"));
        write_all(tmp.path("mod/composer.json"),
                  R"({"name": "acme/module-warn", "type": "magento2-module",
                      "require": {"magento/product-community-edition": "~2.4.0"},
                      "autoload": {"files": ["registration.php"],
                                   "psr-4": {"Acme\\Warn\\": ""}}})");
        RunResult r = run_check({"--format", "json", "--fail-on", "warning", tmp.path("mod")});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("no Magento module found") == std::string::npos);
        CHECK(r.err.find("(0 files checked)") == std::string::npos);
        CHECK(!json::parse(r.out).empty());
    }
    SECTION("a file over the 8 MiB cap is a file-too-large warning, not read") {
        copy_tree(tree() + "/app/code/Acme/Warn", tmp.path("mod"));
        std::string f = tmp.path("mod/etc/integration.xml");
        fs::resize_file(f, (8u << 20) + 1); // sparse: nothing is written
        for (const std::string& target : {f, tmp.path("mod")}) {
            INFO(target);
            int code = -1;
            json fs = run_json({target}, &code);
            CHECK(code == 0); // a warning: below the default --fail-on error
            auto big = with_code(fs, "file-too-large");
            REQUIRE(big.size() == 1);
            CHECK(big[0]["path"].get<std::string>().ends_with("integration.xml"));
            CHECK(big[0]["severity"] == "warning");
            CHECK(big[0]["line"] == 1);
            CHECK(big[0]["column"] == 1);
            const std::string message = big[0]["message"];
            CHECK(message.find("8,388,609 bytes") != std::string::npos);
            CHECK(message.find("8,388,608 bytes (8 MiB)") != std::string::npos);
            CHECK(message.find("--max-file-size") != std::string::npos);
            for (const auto& other : fs) // nothing else about a file that was not read
                if (other["code"] != "file-too-large")
                    CHECK_FALSE(other["path"].get<std::string>().ends_with("integration.xml"));
        }
        // Raised, the limit lets the file be read (and its zero bytes are not XML).
        RunResult raised =
            run_check({"--format", "json", "--max-file-size", "9000000", tmp.path("mod")});
        CHECK(with_code(json::parse(raised.out), "file-too-large").empty());
        CHECK(!with_code(json::parse(raised.out), "xml-syntax").empty());
        CHECK(run_check({"--max-file-size", "0", tmp.path("mod")}).code == 2);
        CHECK(run_check({"--max-file-size", "8k", tmp.path("mod")}).code == 2);
    }
    SECTION("the file-too-large warning in every output format") {
        copy_tree(tree() + "/app/code/Acme/Warn", tmp.path("mod"));
        write_all(tmp.path("mod/etc/acl.xml"), std::string(5000, ' '));
        for (const char* format : {"text", "json", "sarif", "github", "checkstyle", "gitlab"}) {
            INFO(format);
            RunResult r = run_check({"--format", format, "--max-file-size", "4096", "--fail-on",
                                     "warning", tmp.path("mod")});
            CHECK(r.code == 1);
            CHECK(r.out.find("file-too-large") != std::string::npos);
            CHECK(r.out.find("etc/acl.xml") != std::string::npos);
            CHECK(r.out.find("4,096 bytes") != std::string::npos);
        }
    }
    SECTION("an unreadable folder exits 2") {
        if (::geteuid() == 0) {
            WARN("running as root, which reads every folder: skipped");
            return;
        }
        fs::create_directories(tmp.path("locked"));
        fs::permissions(tmp.path("locked"), fs::perms::none);
        RunResult r = run_check({tmp.path("locked")});
        fs::permissions(tmp.path("locked"), fs::perms::owner_all);
        CHECK(r.code == 2);
        CHECK(r.err.find("locked") != std::string::npos);
    }
    SECTION("a module none of whose files can be read: one file-too-large each") {
        copy_tree(fixture("standalone"), tmp.path("mod"));
        std::size_t files = 0;
        for (const auto& e : fs::recursive_directory_iterator(tmp.path("mod")))
            if (e.is_regular_file()) {
                fs::resize_file(e.path(), (8u << 20) + 1);
                ++files;
            }
        int code = -1;
        json fs = run_json({"--fail-on", "warning", tmp.path("mod")}, &code);
        CHECK(code == 1);
        CHECK(with_code(fs, "file-too-large").size() == fs.size());
        CHECK(fs.size() >= 3); // registration.php, module.xml, integration.xml at least
        CHECK(fs.size() <= files);
    }
    SECTION("a symbolic link loop is a warning, the rest is checked") {
        copy_tree(tree(), tmp.path("tree"));
        fs::create_directory_symlink(tmp.path("tree/app/code"),
                                     tmp.path("tree/app/code/Acme/Loop"));
        RunResult r = run_check({"--format", "json", tmp.path("tree")});
        CHECK(r.code == 1);
        CHECK(r.err.find("warning") != std::string::npos);
        CHECK(!json::parse(r.out).empty());
    }
    SECTION("broken XML and binary junk do not crash the checker") {
        copy_tree(tree() + "/app/code/Acme/Warn", tmp.path("mod"));
        write_all(tmp.path("mod/etc/integration.xml"),
                  std::string("<config><integration name=\"\xff\xfe\x01\"><email>") +
                      std::string(3, '\0') + "<<<&&");
        RunResult r = run_check({"--format", "sarif", tmp.path("mod")});
        CHECK(r.code == 1);
        json s = json::parse(r.out); // valid JSON even with invalid UTF-8 in the input
        CHECK(!s["runs"][0]["results"].empty());
    }
}

TEST_CASE("paths are shown relative to the current folder, absolute outside it; SARIF and JSON "
          "keep them relative to the root") {
    TempDir t;
    copy_tree(tree(), t.path("shop"));
    // From the folder above the tree: the tree's folder name comes first.
    RunResult above = run_check({"shop"}, t.root());
    REQUIRE(above.code == 1);
    CHECK(above.out.rfind("shop/app/code/", 0) == 0);
    // From inside a module: files of that module without a prefix.
    const std::string module = t.path("shop/app/code/Acme/Broken");
    RunResult inside = run_check({"."}, module);
    REQUIRE(inside.code == 1);
    CHECK(inside.out.rfind("etc/", 0) == 0);
    // From elsewhere (a folder the tree is not under): absolute, so still clickable.
    TempDir other;
    RunResult elsewhere = run_check({t.path("shop")}, other.root());
    CHECK(elsewhere.out.rfind(t.path("shop/app/code/"), 0) == 0);
    // The root-relative formats do not depend on the folder the command ran in.
    RunResult sarif_above = run_check({"--format", "sarif", "shop"}, t.root());
    RunResult sarif_elsewhere = run_check({"--format", "sarif", t.path("shop")}, other.root());
    CHECK(sarif_above.out == sarif_elsewhere.out);
    RunResult json_above = run_check({"--format", "json", "shop"}, t.root());
    CHECK(json_above.out.find("\"app/code/") != std::string::npos);
}

// Magento\Setup\Model\Installer runs <Vendor>\<Module>\Setup\InstallData, autoloaded from
// Setup/InstallData.php: a file of that name at the module's top is never run. check of the
// whole tree reads it (one listing of each module folder) and says so.
TEST_CASE("check of a tree finds a setup script at the module's top that Magento never runs") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    const std::string module = "app/code/Acme/Connector";
    write_all(t.path(module + "/InstallData.php"),
              "<?php\nnamespace Acme\\Connector\\Setup;\nclass InstallData {\n"
              "    public function install() {\n"
              "        $this->integrationManager->processIntegrationConfig(['AcmeConnector']);\n"
              "    }\n}\n");
    write_all(t.path(module + "/Helper.php"), "<?php\nclass Helper {}\n");
    RunResult r = run_check({"--format", "json", t.root()});
    std::vector<std::string> at;
    for (const auto& f : json::parse(r.out))
        if (f["code"] == "setup-script-not-run") at.push_back(f["path"].get<std::string>());
    CHECK(at == std::vector<std::string>{module + "/InstallData.php"});
}
