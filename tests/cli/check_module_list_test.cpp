// check on a tree whose app/etc/config.php disables a module (issue 21, item 2).
#include "check_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace mil::test;

namespace {

json findings(const std::string& dir, int* code) {
    RunResult r = run_check({"--format", "json", dir});
    INFO(r.err);
    *code = r.code;
    REQUIRE((r.code == 0 || r.code == 1));
    return json::parse(r.out);
}

std::vector<json> at(const json& fs, const std::string& path) {
    std::vector<json> out;
    for (const auto& f : fs)
        if (f.at("path") == path) out.push_back(f);
    return out;
}

const std::string kUses = "app/code/Acme/Uses/etc/integration.xml";
const std::string kOff = "app/code/Acme/Off/etc/integration.xml";

} // namespace

TEST_CASE("check: a module app/etc/config.php sets to 0 is left out, and its ids are disabled") {
    int code = 0;
    json fs = findings(fixture("modulelist"), &code);
    INFO(fs.dump(2));
    CHECK(code == 1);
    auto uses = at(fs, kUses);
    REQUIRE(uses.size() == 1);
    CHECK(uses[0]["code"] == "unknown-resource");
    CHECK(uses[0]["severity"] == "error");
    const std::string msg = uses[0]["message"];
    CHECK(msg.find("Acme_Off::feed") != std::string::npos);
    CHECK(msg.find("app/etc/config.php") != std::string::npos);
    // The disabled module's own files: not checked against the tree (its typo is not read by
    // Magento either), but its module.xml says it is disabled.
    CHECK(at(fs, kOff).empty());
    auto mod = at(fs, "app/code/Acme/Off/etc/module.xml");
    REQUIRE(mod.size() == 1);
    CHECK(mod[0]["code"] == "disabled-module");
    CHECK(mod[0]["severity"] == "info");
}

TEST_CASE("check: the same tree with the module enabled") {
    TempDir tmp;
    copy_tree(fixture("modulelist"), tmp.root());
    std::string config = read_all(tmp.path("app/etc/config.php"));
    config.replace(config.find("'Acme_Off' => 0"), 15, "'Acme_Off' => 1");
    write_all(tmp.path("app/etc/config.php"), config);
    int code = 0;
    json fs = findings(tmp.root(), &code);
    INFO(fs.dump(2));
    CHECK(at(fs, kUses).empty());
    auto off = at(fs, kOff);
    REQUIRE(off.size() == 1);
    CHECK(off[0]["code"] == "unknown-resource");
    CHECK(off[0]["message"].get<std::string>().find("Acme_Off::typo") != std::string::npos);
    CHECK(at(fs, "app/code/Acme/Off/etc/module.xml").empty());
}
