// Feature tests whose input is a fixture file with markers (tests/support/fixture.hpp): the
// cursor `$0` and named ranges `<<name>>...<</name>>` say where the feature is asked and
// what range its answer must cover. And the marker syntax itself.
#include "cursor.hpp"
#include "fixture.hpp"
#include "magento_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

TEST_CASE("fixture markers: cursor and nested named ranges are stripped and located") {
    auto m = parse_markers("<a x=\"<<outer>>ab<<inner>>c$0d<</inner>>e<</outer>>\"/><![CDATA[x]]>");
    CHECK(m.text == "<a x=\"abcde\"/><![CDATA[x]]>");
    CHECK(m.cursor() == 9);
    CHECK(m.at("outer") == "abcde");
    CHECK(m.at("inner") == "cd");
    // PHP variables and XML that merely looks alike stay as they are.
    CHECK(parse_markers("$this->x << 2; a<<b >> c").text == "$this->x << 2; a<<b >> c");
    CHECK_THROWS_AS(parse_markers("<<a>>x"), std::invalid_argument);
    CHECK_THROWS_AS(parse_markers("x<</a>>"), std::invalid_argument);
    CHECK_THROWS_AS(parse_markers("$0 $0"), std::invalid_argument);
    CHECK_THROWS_AS(parse_markers("<<a>><</a>><<a>><</a>>"), std::invalid_argument);
    CHECK_THROWS_AS(parse_markers("no cursor").cursor(), std::invalid_argument);
}

TEST_CASE("fixture: hover on a resource name covers the whole id") {
    auto f = marked_fixture("ide/hover/resource_name.xml");
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, f.text);
    auto h = engine.hover(kAcmeIntegration, f.cursor());
    REQUIRE(h);
    CHECK(h->range == f.range("id"));
    CHECK(contains(h->markdown, "Magento Admin \u203a Sales \u203a Operations \u203a Orders"));
    CHECK(contains(h->markdown, "app/code/Magento/Sales/etc/acl.xml"));
}

TEST_CASE("fixture: resource completion replaces the whole value, text after the cursor too") {
    auto f = marked_fixture("ide/completion/replace_whole_value.xml");
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, f.text);
    const CompletionResult r = engine.complete(kAcmeIntegration, f.cursor());
    const CompletionItem* item = find_item(r, "Magento_Sales::sales_order");
    REQUIRE(item);
    CHECK(item->edit.range == f.range("value"));
    CHECK(item->edit.new_text == "Magento_Sales::sales_order");
}

TEST_CASE("fixture: unknown-resource covers exactly the unknown id") {
    auto f = marked_fixture("ide/diagnostics/unknown_resource.xml");
    Engine engine(core_snapshot());
    engine.open(kAcmeIntegration, f.text);
    const auto ds = engine.diagnose(kAcmeIntegration);
    auto unknown = with_code(ds, "unknown-resource");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown.front()->range == f.range("unknown"));
    CHECK(contains(unknown.front()->message, "Magento_Customer::online"));
}
