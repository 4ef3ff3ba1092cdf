// `routes` end to end: the real binary on small trees written by the tests. Without a Magento
// core, the bundled routes of 2.4.8-p1 stand in.
#include "check_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using nlohmann::json;
using namespace mil::test;

namespace {

// A standalone module Acme_Connector with two integrations: Orders (integration.xml, the
// resource of GET /V1/orders/:id) and Parent (integration.xml, only Magento_Sales::sales),
// and Legacy in api.xml with exactly Magento_Backend::all.
void write_module(const TempDir& dir) {
    write_all(dir.path("etc/module.xml"), R"(<?xml version="1.0"?>
<config><module name="Acme_Connector"><sequence><module name="Magento_Integration"/></sequence></module></config>
)");
    write_all(dir.path("registration.php"), R"(<?php
\Magento\Framework\Component\ComponentRegistrar::register(
    \Magento\Framework\Component\ComponentRegistrar::MODULE, 'Acme_Connector', __DIR__);
)");
    write_all(dir.path("etc/integration.xml"), R"(<?xml version="1.0"?>
<config>
    <integration name="Orders">
        <email>orders@example.com</email>
        <resources>
            <resource name="Magento_Sales::actions_view"/>
        </resources>
    </integration>
    <integration name="Parent">
        <email>parent@example.com</email>
        <resources>
            <resource name="Magento_Sales::sales"/>
        </resources>
    </integration>
</config>
)");
    write_all(dir.path("etc/integration/api.xml"), R"(<?xml version="1.0"?>
<integrations>
    <integration name="Legacy">
        <resources>
            <resource name="Magento_Backend::all"/>
        </resources>
    </integration>
</integrations>
)");
}

json run_json(const std::vector<std::string>& args, const std::string& cwd) {
    std::vector<std::string> all = {"routes", "--format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = run_binary(all, cwd);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return json::parse(r.out);
}

const json* find(const json& rows, const std::string& integration, const std::string& method,
                 const std::string& url) {
    for (const auto& row : rows)
        if (row.at("integration") == integration && row.at("method") == method &&
            row.at("url") == url)
            return &row;
    return nullptr;
}

} // namespace

TEST_CASE("routes --format json lists each integration's callable routes", "[routes]") {
    TempDir dir;
    write_module(dir);
    json rows = run_json({}, dir.root());
    REQUIRE(rows.is_array());
    const json* get = find(rows, "Orders", "GET", "/V1/orders/:id");
    REQUIRE(get);
    CHECK(get->at("resources") == json::array({"Magento_Sales::actions_view"}));
    CHECK(get->at("file").get<std::string>().find("Magento_Sales") != std::string::npos);
    CHECK(get->at("line").get<int>() > 0);
    // Granting the parent alone does not reach the child the route needs.
    CHECK_FALSE(find(rows, "Parent", "GET", "/V1/orders/:id"));
    // Anonymous routes are listed for everyone, as needing "anonymous".
    const json* anon = nullptr;
    for (const auto& row : rows)
        if (row.at("integration") == "Parent" && row.at("resources") == json::array({"anonymous"}))
            anon = &row;
    CHECK(anon);
    // Legacy api.xml with exactly Magento_Backend::all: every route, `self` ones included.
    std::size_t legacy = std::count_if(rows.begin(), rows.end(), [](const json& row) {
        return row.at("integration") == "Legacy";
    });
    std::size_t orders = std::count_if(rows.begin(), rows.end(), [](const json& row) {
        return row.at("integration") == "Orders";
    });
    CHECK(legacy > 400);
    CHECK(orders < legacy);
    for (const auto& row : rows)
        CHECK(row.at("file").get<std::string>().front() != '/');
}

TEST_CASE("routes --integration and --route", "[routes]") {
    TempDir dir;
    write_module(dir);
    json rows = run_json({"--integration", "Parent"}, dir.root());
    for (const auto& row : rows)
        CHECK(row.at("integration") == "Parent");
    CHECK(find(rows, "Parent", "GET", "/V1/orders/:id") == nullptr);

    json route = run_json({"--route", "GET /V1/orders/:id", "."}, dir.root());
    CHECK(route.at("resources") == json::array({"Magento_Sales::actions_view"}));
    CHECK(route.at("integrations") == json::array({"Legacy", "Orders"}));

    RunResult text = run_binary({"routes", "--route", "get /V1/orders/:id"}, dir.root());
    CHECK(text.code == 0);
    CHECK(text.out.find("needs: Magento_Sales::actions_view") != std::string::npos);
    CHECK(text.out.find("integrations that can call it: Legacy, Orders") != std::string::npos);

    RunResult md =
        run_binary({"routes", "--format", "markdown", "--integration", "Orders"}, dir.root());
    CHECK(md.code == 0);
    CHECK(md.out.find("## Orders") != std::string::npos);
    CHECK(md.out.find("| `GET /V1/orders/:id` | Magento_Sales::actions_view |") !=
          std::string::npos);
}

TEST_CASE("routes: usage mistakes exit 2", "[routes]") {
    TempDir dir;
    write_module(dir);
    CHECK(run_binary({"routes", "--route", "GET /V1/nothing"}, dir.root()).code == 2);
    CHECK(run_binary({"routes", "--integration", "Nope"}, dir.root()).code == 2);
    CHECK(run_binary({"routes", "--format", "yaml"}, dir.root()).code == 2);
    CHECK(run_binary({"routes", dir.path("missing")}).code == 2);
    RunResult help = run_binary({"routes", "--help"});
    CHECK(help.code == 0);
    CHECK(help.out.find("--integration") != std::string::npos);
}

TEST_CASE("new-integration --route grants what the route needs", "[routes]") {
    TempDir dir;
    RunResult r =
        run_binary({"new-integration", "Acme_Orders", "--name", "Orders", "--email",
                    "me@example.com", "--route", "GET /V1/orders/:id", dir.path("Acme_Orders")});
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::string xml = read_all(dir.path("Acme_Orders/etc/integration.xml"));
    // The route's resource, with its ancestors (as new-integration writes every resource).
    CHECK(xml.find("<resource name=\"Magento_Sales::actions_view\"/>") != std::string::npos);
    CHECK(xml.find("<resource name=\"Magento_Sales::sales\"/>") != std::string::npos);
    // The written module can call the route.
    json route = run_json({"--route", "GET /V1/orders/:id"}, dir.path("Acme_Orders"));
    CHECK(route.at("integrations") == json::array({"Orders"}));

    TempDir other;
    CHECK(run_binary({"new-integration", "Acme_Orders", "--name", "Orders", "--route",
                      "GET /V1/nothing", other.path("Acme_Orders")})
              .code == 2);
}
