// The pieces of the check command on their own: escaping, the settings file, globs, the
// rule catalogue and the report formats on hand-made findings.
#include "cli/check_output.hpp"
#include "cli/config_file.hpp"
#include "mil/model/rules.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <set>

using namespace mil;
using nlohmann::json;

namespace {

CheckFinding make(std::string path, std::uint32_t line, std::uint32_t col, Severity sev,
                  std::string code, std::string message, std::string flagged = "x") {
    CheckFinding f;
    f.path = std::move(path);
    f.span = {line, col, line, col + 3};
    f.severity = sev;
    f.code = std::move(code);
    f.message = std::move(message);
    f.flagged = std::move(flagged);
    return f;
}

CheckReport report_of(std::vector<CheckFinding> fs, std::size_t files = 3) {
    CheckReport r;
    r.findings = std::move(fs);
    r.files_checked = files;
    sort_findings(r.findings);
    make_fingerprints(r.findings);
    return r;
}

} // namespace

TEST_CASE("github escaping follows the workflow command rules") {
    CHECK(github_escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b");
    CHECK(github_escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae");

    CheckFinding f = make("dir,with:odd/file.xml", 2, 5, Severity::Warning, "insecure-url",
                          "line one\nline two: 50%, really");
    f.related.push_back({"other.xml", {1, 1, 1, 2}, "see here"});
    std::string out = format_report(report_of({f}), CheckFormat::Github);
    CHECK(out ==
          "::warning file=dir%2Cwith%3Aodd/file.xml,line=2,endLine=2,col=5,endColumn=8,"
          "title=insecure-url (magento-integration-ls)::line one%0Aline two: 50%25, really%0A"
          "other.xml:1:1: see here\n");
}

TEST_CASE("github uses notice for info and hint") {
    auto out = format_report(report_of({make("a.xml", 1, 1, Severity::Info, "c", "m"),
                                        make("b.xml", 1, 1, Severity::Hint, "c", "m"),
                                        make("c.xml", 1, 1, Severity::Error, "c", "m")}),
                             CheckFormat::Github);
    CHECK(out.find("::notice file=a.xml,") != std::string::npos);
    CHECK(out.find("::notice file=b.xml,") != std::string::npos);
    CHECK(out.find("::error file=c.xml,") != std::string::npos);
}

TEST_CASE("xml escaping and UTF-8 repair keep checkstyle well-formed") {
    CHECK(xml_escape("<a href=\"x\">&'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    CHECK(xml_escape("a\nb\x01") == "a&#10;b\xEF\xBF\xBD");
    CHECK(to_valid_utf8("ok é 🚀") == "ok é 🚀");
    CHECK(to_valid_utf8("\xff") == "\xEF\xBF\xBD");
    CHECK(to_valid_utf8("a\xC3") == "a\xEF\xBF\xBD");
    CHECK(to_valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
    CHECK(to_valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong

    auto out = format_report(
        report_of({make("x&y.xml", 1, 1, Severity::Error, "schema", "bad <tag> \"q\" \x02 \xfe"),
                   make("x&y.xml", 2, 1, Severity::Hint, "schema", "second")}),
        CheckFormat::Checkstyle);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(out.c_str()));
    auto file = doc.child("checkstyle").child("file");
    CHECK(std::string(file.attribute("name").value()) == "x&y.xml");
    auto err = file.child("error");
    CHECK(std::string(err.attribute("message").value()).rfind("bad <tag> \"q\"", 0) == 0);
    CHECK(std::string(err.next_sibling("error").attribute("severity").value()) == "info");
}

TEST_CASE("URIs in SARIF are relative and percent-encoded") {
    CHECK(uri_encode_path("app/code/A B/c#d%.xml") == "app/code/A%20B/c%23d%25.xml");
    CHECK(uri_encode_path("ü/x:y") == "%C3%BC/x%3Ay");
    auto out = format_report(report_of({make("a b/é.xml", 1, 1, Severity::Error, "schema", "m")}),
                             CheckFormat::Sarif);
    json s = json::parse(out);
    CHECK(
        s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "a%20b/%C3%A9.xml");
}

TEST_CASE("SARIF lists codes the catalogue does not know as rules too") {
    auto out =
        format_report(report_of({make("a.xml", 1, 1, Severity::Warning, "brand-new-rule", "m"),
                                 make("a.xml", 2, 1, Severity::Info, "insecure-url", "m")}),
                      CheckFormat::Sarif);
    json s = json::parse(out);
    const json& rules = s["runs"][0]["tool"]["driver"]["rules"];
    for (const auto& res : s["runs"][0]["results"])
        CHECK(rules[res["ruleIndex"].get<std::size_t>()]["id"] == res["ruleId"]);
    CHECK(s["runs"][0]["results"][1]["level"] == "note");
}

TEST_CASE("findings sort by path, line, column and code; duplicates go") {
    auto r = report_of({make("b.xml", 1, 1, Severity::Error, "a", "m"),
                        make("a.xml", 10, 1, Severity::Error, "a", "m"),
                        make("a.xml", 2, 7, Severity::Error, "z", "m"),
                        make("a.xml", 2, 7, Severity::Error, "b", "m"),
                        make("a.xml", 2, 7, Severity::Error, "b", "m")});
    REQUIRE(r.findings.size() == 4);
    CHECK(r.findings[0].code == "b");
    CHECK(r.findings[1].code == "z");
    CHECK(r.findings[2].span.line == 10);
    CHECK(r.findings[3].path == "b.xml");
}

TEST_CASE("fingerprints depend on code, path, flagged text and occurrence, not on lines") {
    auto a = report_of({make("a.xml", 3, 1, Severity::Error, "c", "m", "Foo::bar"),
                        make("a.xml", 9, 1, Severity::Error, "c", "m", "Foo::bar")});
    auto b = report_of({make("a.xml", 30, 5, Severity::Error, "c", "other message", "Foo::bar"),
                        make("a.xml", 90, 5, Severity::Error, "c", "m", "Foo::bar")});
    CHECK(a.findings[0].fingerprint == b.findings[0].fingerprint);
    CHECK(a.findings[1].fingerprint == b.findings[1].fingerprint);
    CHECK(a.findings[0].fingerprint != a.findings[1].fingerprint);
    auto c = report_of({make("a.xml", 3, 1, Severity::Error, "c", "m", "Foo::baz")});
    auto d = report_of({make("b.xml", 3, 1, Severity::Error, "c", "m", "Foo::bar")});
    auto e = report_of({make("a.xml", 3, 1, Severity::Error, "d", "m", "Foo::bar")});
    CHECK(c.findings[0].fingerprint != a.findings[0].fingerprint);
    CHECK(d.findings[0].fingerprint != a.findings[0].fingerprint);
    CHECK(e.findings[0].fingerprint != a.findings[0].fingerprint);
}

TEST_CASE("text format: one line per finding, related places indented, colours on request") {
    CheckFinding f = make("a.xml", 4, 9, Severity::Error, "unknown-resource", "no such id");
    f.related.push_back({"b.xml", {7, 3, 7, 9}, "declared here"});
    auto r = report_of({f});
    CHECK(format_report(r, CheckFormat::Text) ==
          "a.xml:4:9: error: no such id [unknown-resource]\n    b.xml:7:3: declared here\n");
    FormatOptions painted;
    painted.color = true;
    std::string colored = format_report(r, CheckFormat::Text, painted);
    CHECK(colored.find("\x1b[") != std::string::npos);
    CHECK(colored.find("no such id") != std::string::npos);
}

TEST_CASE("summary line") {
    CHECK(summary_line(report_of({}, 12)) == "no problems (12 files checked)");
    auto r = report_of({make("a.xml", 1, 1, Severity::Error, "c", "m"),
                        make("a.xml", 2, 1, Severity::Warning, "c", "m"),
                        make("b.xml", 1, 1, Severity::Warning, "c", "m"),
                        make("c.xml", 1, 1, Severity::Hint, "c", "m")},
                       4);
    CHECK(summary_line(r) == "1 error, 2 warnings, 1 hint in 3 files (4 files checked)");
}

TEST_CASE("gitlab severities and json related locations") {
    CheckFinding f = make("a.xml", 1, 2, Severity::Error, "c", "m");
    f.related.push_back({"b.xml", {3, 4, 3, 8}, "there"});
    auto r = report_of({f, make("a.xml", 2, 1, Severity::Warning, "c", "m"),
                        make("a.xml", 3, 1, Severity::Info, "c", "m"),
                        make("a.xml", 4, 1, Severity::Hint, "c", "m")});
    json g = json::parse(format_report(r, CheckFormat::Gitlab));
    REQUIRE(g.size() == 4);
    CHECK(g[0]["severity"] == "critical");
    CHECK(g[1]["severity"] == "major");
    CHECK(g[2]["severity"] == "minor");
    CHECK(g[3]["severity"] == "info");
    CHECK(g[0]["location"]["lines"]["begin"] == 1);
    json j = json::parse(format_report(r, CheckFormat::Json));
    CHECK(j[0]["related"][0] == json({{"path", "b.xml"},
                                      {"line", 3},
                                      {"column", 4},
                                      {"endLine", 3},
                                      {"endColumn", 8},
                                      {"message", "there"}}));
    CHECK(j[0]["endColumn"] == 5);
}

TEST_CASE("settings file: knownResources and knownModules") {
    std::string error;
    auto c = parse_check_config(
        R"({"knownResources": ["Vendor_Opt::manage"], "knownModules": ["Vendor_Opt", "A_B"]})",
        "cfg.json", &error);
    REQUIRE(c);
    CHECK(c->known_resources == std::vector<std::string>{"Vendor_Opt::manage"});
    CHECK(c->known_modules == std::vector<std::string>{"Vendor_Opt", "A_B"});
    CHECK(c->warnings.empty());
    CHECK(!parse_check_config(R"({"knownResources": "Vendor_Opt::manage"})", "cfg.json", &error));
    CHECK(error.find("must be an array") != std::string::npos);
    CHECK(!parse_check_config(R"({"knownModules": [3]})", "cfg.json", &error));
    CHECK(error.find("cfg.json:1:19") == 0);
}

TEST_CASE("settings file: severities, excludes, and positioned errors") {
    std::string error;
    auto c = parse_check_config(
        R"({"severity": {"insecure-url": "error", "missing-parent": "off"}, "exclude": ["vendor/**"]})",
        "cfg.json", &error);
    REQUIRE(c);
    CHECK(c->severity.at("insecure-url") == Severity::Error);
    CHECK(!c->severity.at("missing-parent").has_value());
    CHECK(c->exclude == std::vector<std::string>{"vendor/**"});
    CHECK(c->warnings.empty());

    // The same words as the editor's settings (one parser in the model).
    auto same_words = parse_check_config(
        R"({"severity": {"insecure-url": "information", "missing-parent": "none", "schema": false}})",
        "cfg.json", &error);
    REQUIRE(same_words);
    CHECK(same_words->severity.at("insecure-url") == Severity::Info);
    CHECK(!same_words->severity.at("missing-parent").has_value());
    CHECK(!same_words->severity.at("schema").has_value());

    auto bad = [&](std::string_view text) {
        error.clear();
        CHECK(!parse_check_config(text, "cfg.json", &error));
        return error;
    };
    CHECK(bad("{\"severity\": {\"x\": \"loud\"}}").rfind("cfg.json:1:20: ", 0) == 0);
    CHECK(bad("{\n  \"a\": 1,\n  \"b\" 2\n}").rfind("cfg.json:3:7: invalid JSON", 0) == 0);
    CHECK(bad("").rfind("cfg.json:1:1: invalid JSON", 0) == 0);
    CHECK(bad("[]").rfind("cfg.json:1:1: ", 0) == 0);
    CHECK(bad("{\"exclude\": [\"a\", 3]}").rfind("cfg.json:1:19: ", 0) == 0);
    CHECK(bad("{\"é\": \"ü\" x}").rfind("cfg.json:1:11: ", 0) == 0); // columns in characters
    CHECK(bad(std::string(600, '[')).find("nesting deeper than") != std::string::npos);
    CHECK(bad("{\"a\": \"unterminated").find("unterminated string") != std::string::npos);

    auto warned = parse_check_config("{\"severity\": {\"nope\": \"off\"}, \"colour\": true}",
                                     "cfg.json", &error);
    REQUIRE(warned);
    REQUIRE(warned->warnings.size() == 2);
    CHECK(warned->warnings[0].find("nope") != std::string::npos);
    CHECK(warned->warnings[1].find("colour") != std::string::npos);

    auto escaped = parse_check_config("\xEF\xBB\xBF{\"exclude\": [\"a\\u00e9\\ud83d\\ude80\\/b\"]}",
                                      "cfg.json", &error);
    REQUIRE(escaped);
    CHECK(escaped->exclude[0] == "aé🚀/b");
}

TEST_CASE("exclude globs") {
    CHECK(glob_match("vendor/**", "vendor/magento/module-x/etc/acl.xml"));
    CHECK(glob_match("**/etc/acl.xml", "etc/acl.xml"));
    CHECK(glob_match("**/etc/acl.xml", "app/code/A/B/etc/acl.xml"));
    CHECK(!glob_match("**/etc/acl.xml", "app/code/A/B/etc/acl.xml.bak"));
    CHECK(glob_match("app/code/*/B/etc/*.xml", "app/code/A/B/etc/acl.xml"));
    CHECK(!glob_match("app/code/*/etc/*.xml", "app/code/A/B/etc/acl.xml"));
    CHECK(glob_match("app/**/integration/*.xml", "app/code/A/B/etc/integration/api.xml"));
    CHECK(glob_match("./a/?.xml", "a/b.xml"));
    CHECK(!glob_match("a/?.xml", "a/bc.xml"));

    std::vector<std::string> pats = {"app/code/Legacy", "**/Setup/**"};
    CHECK(is_excluded(pats, "app/code/Legacy/Thing/etc/module.xml"));
    CHECK(is_excluded(pats, "app/code/A/B/Setup/Patch/Data/X.php"));
    CHECK(!is_excluded(pats, "app/code/LegacyNot/etc/module.xml"));
    CHECK(!is_excluded({}, "anything"));
}

TEST_CASE("the rule catalogue covers the design's codes with their default levels") {
    const std::pair<const char*, Severity> expected[] = {
        {"xml-syntax", Severity::Error},
        {"schema", Severity::Error},
        {"unknown-resource", Severity::Error},
        {"missing-parent", Severity::Warning},
        {"duplicate-resource", Severity::Warning},
        {"ignored-resource", Severity::Warning},
        {"stray-whitespace", Severity::Warning},
        {"missing-integration-resources", Severity::Error},
        {"unprocessed-integration", Severity::Info},
        {"setup-script-not-run", Severity::Warning},
        {"overridden-integration", Severity::Warning},
        {"integration-name-mismatch", Severity::Error},
        // setup:upgrade fails on the null read (Consolidated\Converter::convert).
        {"integration-missing-email", Severity::Error},
        {"duplicate-integration", Severity::Info},
        {"insecure-url", Severity::Warning},
        {"invalid-url", Severity::Error},
        // Nothing fails in 2.4 (schemas before data, Integration\Setup\Recurring): advice.
        {"missing-integration-sequence", Severity::Info},
        {"deprecated-integration-config", Severity::Hint},
        {"acl-duplicate-id", Severity::Error},
        {"acl-missing-title", Severity::Warning},
        {"acl-orphan-branch", Severity::Warning},
        {"module-name-mismatch", Severity::Error},
        {"missing-module-xml", Severity::Error},
        {"disabled-module", Severity::Info},
        {"composer-module", Severity::Warning},
        {"unknown-module", Severity::Warning},
        {"file-too-large", Severity::Warning},
        // api.xml's Magento_Backend::all alone: full admin API access (least privilege).
        {"grants-everything", Severity::Warning},
    };
    std::set<std::string_view> codes;
    for (const auto& r : rule_catalog()) {
        CHECK(codes.insert(r.code).second);
        CHECK(!r.title.empty());
        CHECK(r.description.size() > r.title.size());
        CHECK(!r.help.empty());
    }
    for (const auto& [code, sev] : expected) {
        INFO(code);
        const RuleInfo* r = find_rule(code);
        REQUIRE(r);
        CHECK(r->default_severity == sev);
    }
    CHECK(find_rule("no-such-code") == nullptr);
}

TEST_CASE("markdown help becomes plain text") {
    CHECK(markdown_to_text("Use `https://`, **always**:\n\n```xml\n<a/>\n```") ==
          "Use https://, always:\n\n    <a/>");
}
