// check's baseline: generated from today's findings, it holds them back and lets exactly the
// new ones through; entries that match nothing any more are listed.
#include "check_support.hpp"

#include "cli/baseline.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mil::test;
using nlohmann::json;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("baseline: a round trip reports nothing, then exactly a new defect") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    RunResult before = run_check({"--format", "json", t.root()});
    REQUIRE(before.code == 1);
    const std::size_t findings = json::parse(before.out).size();
    REQUIRE(findings > 0);

    RunResult gen = run_check({"--generate-baseline", t.root()});
    CHECK(gen.code == 0);
    const std::string file = t.path(".magento-integration-ls-baseline.json");
    json doc = json::parse(read_all(file));
    CHECK(doc["version"] == 1);
    CHECK(doc["findings"].size() == findings);

    // The root's baseline is read by default: nothing left, exit 0.
    RunResult quiet = run_check({"--format", "json", t.root()});
    CHECK(quiet.code == 0);
    CHECK(json::parse(quiet.out).empty());
    CHECK(quiet.err.find(std::to_string(findings) + " in the baseline not shown") !=
          std::string::npos);

    // Lines move (a comment on top of every integration.xml) and a new defect comes in.
    const std::string integration = t.path("app/code/Acme/Connector/etc/integration.xml");
    std::string text = read_all(integration);
    auto at = text.find("<config");
    REQUIRE(at != std::string::npos);
    text.insert(at, "<!-- moved -->\n\n");
    auto res = text.find("</resources>");
    REQUIRE(res != std::string::npos);
    text.insert(res, "<resource name=\"Magento_Sales::no_such_thing\"/>\n");
    write_all(integration, text);

    RunResult after = run_check({"--format", "json", t.root()});
    CHECK(after.code == 1);
    json reported = json::parse(after.out);
    REQUIRE(reported.size() == 1);
    CHECK(reported[0]["code"] == "unknown-resource");
    CHECK(reported[0]["message"].get<std::string>().find("Magento_Sales::no_such_thing") !=
          std::string::npos);

    // --no-baseline shows everything again.
    RunResult all = run_check({"--no-baseline", "--format", "json", t.root()});
    CHECK(json::parse(all.out).size() == findings + 1);
}

TEST_CASE("baseline: entries that match no finding any more are listed") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    const std::string file = t.path("accepted.json");
    REQUIRE(run_check({"--generate-baseline=" + file, t.root()}).code == 0);
    json doc = json::parse(read_all(file));
    REQUIRE(!doc["findings"].empty());
    doc["findings"].push_back({{"fingerprint", "0000000000000000ffffffffffffffff"},
                               {"code", "unknown-resource"},
                               {"path", "app/code/Gone/etc/integration.xml"},
                               {"message", "fixed long ago"}});
    write_all(file, doc.dump());
    RunResult r = run_check({"--baseline", file, t.root()});
    CHECK(r.code == 0);
    CHECK(r.err.find("1 baseline entry of") != std::string::npos);
    CHECK(r.err.find("app/code/Gone/etc/integration.xml") != std::string::npos);
    CHECK(count(r.err, "fixed long ago") == 1);
}

TEST_CASE("baseline: a file that is not a baseline is a usage error with its position") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    const std::string file = t.path("bad.json");
    write_all(file, "{\"version\": 1, \"findings\": [ {\"fingerprint\": 3} ]}");
    RunResult r = run_check({"--baseline", file, t.root()});
    CHECK(r.code == 2);
    CHECK(r.err.find("findings[0] has no \"fingerprint\" string") != std::string::npos);

    write_all(file, "{\"version\": 1, \"findings\": [");
    RunResult broken = run_check({"--baseline", file, t.root()});
    CHECK(broken.code == 2);
    CHECK(broken.err.find("not JSON (at byte") != std::string::npos);
}

TEST_CASE("baseline: each entry holds back one finding") {
    std::vector<mil::CheckFinding> findings(3);
    findings[0].fingerprint = "a";
    findings[1].fingerprint = "a";
    findings[2].fingerprint = "b";
    mil::Baseline b;
    b.entries.push_back({"a", "x", "p", "m"});
    b.entries.push_back({"c", "x", "p", "m"});
    auto outcome = mil::apply_baseline(b, findings);
    CHECK(outcome.suppressed == 1);
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].fingerprint == "a");
    CHECK(findings[1].fingerprint == "b");
    REQUIRE(outcome.unmatched.size() == 1);
    CHECK(outcome.unmatched[0].fingerprint == "c");
}
