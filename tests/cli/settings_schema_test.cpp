// data/schema/settings.schema.json, the JSON Schema editors validate the settings file with,
// says what the settings parser accepts: every rule code, every key.
#include "check_support.hpp"

#include "cli/config_file.hpp"
#include "mil/model/rules.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

using namespace mil::test;
using nlohmann::json;

TEST_CASE("settings schema: the rule codes are the catalogue's") {
    json schema =
        json::parse(read_all(std::string(MIL_SOURCE_DIR) + "/data/schema/settings.schema.json"));
    std::set<std::string> in_schema;
    for (const auto& c : schema["properties"]["severity"]["propertyNames"]["enum"])
        in_schema.insert(c.get<std::string>());
    std::set<std::string> in_catalogue;
    for (const mil::RuleInfo& r : mil::rule_catalog())
        in_catalogue.insert(std::string(r.code));
    // Regenerate the enum from `magento-integration-ls explain --list` when a rule is added.
    CHECK(in_schema == in_catalogue);
}

TEST_CASE("settings schema: every key it documents is read without a warning") {
    json schema =
        json::parse(read_all(std::string(MIL_SOURCE_DIR) + "/data/schema/settings.schema.json"));
    json sample = {{"$schema", "./settings.schema.json"},
                   {"severity", {{"missing-parent", "error"}, {"insecure-url", "off"}}},
                   {"exclude", {"vendor/**"}},
                   {"knownResources", {"Vendor_Optional::thing"}},
                   {"knownModules", {"Vendor_Optional"}},
                   {"completion", {{"insertParents", false}}}};
    for (auto& [key, value] : schema["properties"].items())
        CHECK(sample.contains(key));
    std::string error;
    auto config = mil::parse_check_config(sample.dump(2), "settings.json", &error);
    INFO(error);
    REQUIRE(config);
    for (const auto& w : config->warnings)
        FAIL_CHECK(w);
}
