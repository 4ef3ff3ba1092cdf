// Completion of resource ids in acl.xml: the children the merged tree has under the enclosing
// resource first, then every id; ids this file already declares and the half-typed value
// itself are not offered.
#include "cursor.hpp"
#include "nav_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace nav {

namespace {

const std::string kExtraAcl = kRoot + "/app/code/Acme/Extra/etc/acl.xml";

std::string acl_xml(std::string_view inner) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <acl>\n        <resources>\n" +
           std::string(inner) + "\n        </resources>\n    </acl>\n</config>\n";
}

CompletionResult complete_acl(std::string_view marked) {
    auto c = mil::test::cursor(marked);
    Engine engine(workspace());
    engine.open(kExtraAcl, c.text);
    return engine.complete(kExtraAcl, c.offset);
}

} // namespace

TEST_CASE("acl completion: the enclosing resource's children first, then every id") {
    auto r = complete_acl(acl_xml(R"(<resource id="Magento_Backend::admin">
    <resource id="Acme_Connector::connector">
        <resource id="|"/>
    </resource>
</resource>)"));
    REQUIRE(r.items.size() > 3);
    // What Acme_Connector and Acme_Reports put under it, in the tree's order.
    CHECK(r.items[0].label == "Acme_Connector::sync");
    CHECK(r.items[1].label == "Acme_Connector::logs");
    CHECK(r.items[2].label == "Acme_Reports::report");
    CHECK(r.items[0].detail == "Synchronise");
    // Then the rest of the tree, sorted after the children.
    CHECK(has(r, "Magento_Sales::sales_order"));
    CHECK(has(r, "Magento_Config::config"));
    for (std::size_t i = 3; i < r.items.size(); ++i)
        CHECK(r.items[2].sort_text < r.items[i].sort_text);
    // Each id once; the ancestors this file already declares are not offered again.
    auto ls = labels(r);
    std::sort(ls.begin(), ls.end());
    CHECK(std::adjacent_find(ls.begin(), ls.end()) == ls.end());
    CHECK_FALSE(has(r, "Magento_Backend::admin"));
    CHECK_FALSE(has(r, "Acme_Connector::connector"));
}

TEST_CASE("acl completion: at the top the roots come first; what is typed filters") {
    auto top = complete_acl(acl_xml(R"(<resource id="|"/>)"));
    REQUIRE_FALSE(top.items.empty());
    CHECK(top.items[0].label == "Magento_Backend::admin");

    auto typed = complete_acl(acl_xml(R"(<resource id="Magento_Backend::admin">
    <resource id="Acme_Connector::connector"><resource id="Acme_Rep|"/></resource>
</resource>)"));
    CHECK(labels(typed) == std::vector<std::string>{"Acme_Reports::report"});

    // By title too, among the children and among the rest.
    auto by_title = complete_acl(acl_xml(R"(<resource id="Magento_Backend::admin">
    <resource id="Acme_Connector::connector"><resource id="synchron|"/></resource>
</resource>)"));
    CHECK(labels(by_title) == std::vector<std::string>{"Acme_Connector::sync"});

    // Whatever the case typed.
    auto shouted = complete_acl(acl_xml(R"(<resource id="Magento_Backend::admin">
    <resource id="Acme_Connector::connector"><resource id="ACME_REP|"/></resource>
</resource>)"));
    CHECK(labels(shouted) == std::vector<std::string>{"Acme_Reports::report"});
}

TEST_CASE("acl completion: the value being typed is no candidate, nor is any other attribute") {
    auto r = complete_acl(acl_xml(R"(<resource id="Magento_Backend::admin">
    <resource id="Acme_Extra::ne|"/>
</resource>)"));
    CHECK_FALSE(has(r, "Acme_Extra::ne"));
    CHECK(r.items.empty());

    auto title = complete_acl(acl_xml(R"(<resource id="Acme_Extra::x" title="|"/>)"));
    for (const auto& i : title.items)
        CHECK(i.label.find("::") == std::string::npos);
    auto outside = complete_acl("<config><resource id=\"|\"/></config>");
    CHECK(outside.items.empty());
}

} // namespace nav
