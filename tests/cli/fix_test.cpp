// check --fix: applies what cannot change meaning, leaves what needs a human, changes nothing
// the second time; --fix-dry-run shows the same as a diff and writes nothing.
#include "check_support.hpp"
#include "mil/base/encoding.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

using namespace mil::test;
using nlohmann::json;

namespace {

std::map<std::string, std::string> snapshot(const std::string& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) out[e.path().string()] = read_all(e.path().string());
    return out;
}

std::multiset<std::string> codes(const std::string& report) {
    std::multiset<std::string> out;
    for (const auto& f : json::parse(report))
        out.insert(f["code"].get<std::string>());
    return out;
}

} // namespace

TEST_CASE("fix: the example's safe fixes are applied, a second run changes nothing") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    // Stray whitespace around an id, the integration's name and a URL: trimmed by --fix too.
    const std::string integration = t.path("app/code/Acme/Connector/etc/integration.xml");
    std::string xml = read_all(integration);
    for (auto [from, to] :
         {std::pair{"\"Magento_Sales::sales\"", "\" Magento_Sales::sales\""},
          std::pair{"\"AcmeConnector\"", "\"AcmeConnector \""},
          std::pair{"<identity_link_url>https", "<identity_link_url>\n  https"}}) {
        REQUIRE(xml.find(from) != std::string::npos);
        xml.replace(xml.find(from), std::string_view(from).size(), to);
    }
    write_all(integration, xml);
    auto before = codes(run_check({"--format", "json", t.root()}).out);
    REQUIRE(before.count("missing-parent") > 0);
    REQUIRE(before.count("missing-integration-sequence") > 0);
    REQUIRE(before.count("stray-whitespace") >= 2);

    RunResult fixed = run_check({"--fix", "--format", "json", t.root()});
    INFO(fixed.err);
    CHECK(fixed.err.find("applied ") != std::string::npos);
    auto after = codes(fixed.out);
    // What a human must decide stays: unknown ids (a guess), http:// (the server may not
    // speak https), the legacy format.
    CHECK(after.count("missing-parent") == 0);
    CHECK(after.count("missing-integration-sequence") == 0);
    // The id with whitespace around it was an unknown-resource too: trimmed, it is known.
    CHECK(after.count("unknown-resource") == before.count("unknown-resource") - 1);
    CHECK(after.count("insecure-url") == before.count("insecure-url"));
    // Only those are left: everything else had a fix that cannot change meaning.
    CHECK(after == std::multiset<std::string>{"insecure-url", "unknown-resource"});
    xml = read_all(integration);
    CHECK(xml.find("name=\"Magento_Sales::sales\"") != std::string::npos);
    CHECK(xml.find("name=\"AcmeConnector\"") != std::string::npos);
    CHECK(xml.find("<identity_link_url>https://") != std::string::npos);
    // Fixing added no finding.
    for (const auto& code : after)
        CHECK(after.count(code) <= before.count(code));
    // The report after --fix is what a plain run now finds.
    CHECK(codes(run_check({"--format", "json", t.root()}).out) == after);

    auto files = snapshot(t.root());
    RunResult again = run_check({"--fix", "--format", "json", t.root()});
    CHECK(again.err.find("applied 0 fixes") != std::string::npos);
    CHECK(snapshot(t.root()) == files);
}

TEST_CASE("fix: --fix-dry-run prints the diff and writes nothing") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    auto files = snapshot(t.root());
    RunResult dry = run_check({"--fix-dry-run", "."}, t.root());
    CHECK(snapshot(t.root()) == files);
    CHECK(dry.out.find("--- a/app/code/") != std::string::npos);
    CHECK(dry.out.find("+++ b/app/code/") != std::string::npos);
    CHECK(dry.out.find("\n+") != std::string::npos);
    CHECK(dry.out.find("Magento_Integration") != std::string::npos); // the <sequence> entry
    CHECK(dry.err.find("would be applied") != std::string::npos);

    // The same changes as --fix makes.
    RunResult fix = run_check({"--fix", "."}, t.root());
    RunResult nothing_left = run_check({"--fix-dry-run", "."}, t.root());
    CHECK(nothing_left.out.empty());
}

TEST_CASE("fix: guesses only with --fix-suggestions") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    auto before = codes(run_check({"--format", "json", t.root()}).out);
    REQUIRE(before.count("unknown-resource") > 0);
    RunResult guessed = run_check({"--fix", "--fix-suggestions", "--format", "json", t.root()});
    CHECK(codes(guessed.out).count("unknown-resource") < before.count("unknown-resource"));
}

TEST_CASE("fix: a file that is a symbolic link is left alone") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    // module.xml of the connector becomes a link to a copy outside the tree.
    const std::string module_xml = t.path("app/code/Acme/Connector/etc/module.xml");
    TempDir outside;
    const std::string target = outside.path("module.xml");
    write_all(target, read_all(module_xml));
    fs::remove(module_xml);
    fs::create_symlink(target, module_xml);
    const std::string before = read_all(target);
    RunResult r = run_check({"--fix", t.root()});
    CHECK(read_all(target) == before);
    CHECK(fs::is_symlink(module_xml));
}

// libxml2 (PHP's DOMDocument, which Magento's config readers use) reads a UTF-16 file with a
// byte order mark like its UTF-8 twin: so does check, and --fix keeps the file's encoding.
TEST_CASE("fix: a UTF-16 file is checked like its UTF-8 twin and fixed in UTF-16") {
    TempDir utf8, utf16;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", utf8.root());
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", utf16.root());
    const std::string rel[] = {"app/code/Acme/Connector/etc/integration.xml",
                               "app/code/Acme/Connector/etc/module.xml"};
    for (const auto& r : rel)
        write_all(utf16.path(r),
                  mil::encode_utf16_file(read_all(utf8.path(r)), mil::TextEncoding::Utf16LE));
    auto findings = [](const std::string& root) {
        std::multiset<std::string> out;
        for (const auto& f : json::parse(run_check({"--format", "json", root}).out))
            out.insert(f["code"].get<std::string>() + " " + f["path"].get<std::string>() + ":" +
                       std::to_string(f["line"].get<int>()) + ":" +
                       std::to_string(f["column"].get<int>()));
        return out;
    };
    const auto expected = findings(utf8.root());
    REQUIRE_FALSE(expected.empty());
    CHECK(findings(utf16.root()) == expected);

    run_check({"--fix", utf8.root()});
    run_check({"--fix", utf16.root()});
    for (const auto& r : rel) {
        const std::string fixed = read_all(utf16.path(r));
        CHECK(mil::detect_bom_encoding(fixed) == mil::TextEncoding::Utf16LE);
        CHECK(mil::decode_utf16_file(fixed) == read_all(utf8.path(r)));
    }
    CHECK(findings(utf16.root()) == findings(utf8.root()));
}
