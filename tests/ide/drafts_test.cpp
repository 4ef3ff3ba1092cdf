// The one store of open documents (Engine::drafts): edits applied in order, versions, the
// out-of-step state, and a text over the size limit.
#include "mil/ide/engine.hpp"

#include <catch2/catch.hpp>

using namespace mil;

namespace {

const std::string kPath = "/m/app/code/Acme/Connector/etc/integration.xml";

DraftChange insert(std::uint32_t line, std::uint32_t col, std::string text) {
    return {std::make_pair(LineCol{line, col}, LineCol{line, col}), std::move(text)};
}

} // namespace

TEST_CASE("drafts: edits apply in order and the engine's snapshot has the new text") {
    Engine engine;
    engine.open(kPath, "ab\ncd\n", 1);
    const auto r =
        engine.edit(kPath, {insert(1, 1, "X"), insert(0, 0, "Y")}, Encoding::Utf16, 2, 1000);
    CHECK(r.open);
    CHECK_FALSE(r.became_stale);
    const Draft* d = engine.draft(kPath);
    REQUIRE(d);
    CHECK(d->text() == "Yab\ncXd\n");
    CHECK(d->version == 2);
    CHECK(*engine.entry(kPath)->text == "Yab\ncXd\n");
    // The draft and the snapshot share one text.
    CHECK(engine.entry(kPath)->text.get() == d->entry->text.get());
}

TEST_CASE("drafts: a change not after the draft's version makes it stale until a whole text") {
    Engine engine;
    engine.open(kPath, "abc", 3);
    auto r = engine.edit(kPath, {insert(0, 0, "X")}, Encoding::Utf16, 3, 1000);
    CHECK(r.became_stale);
    CHECK_FALSE(r.stale_reason.empty());
    CHECK(engine.draft(kPath)->stale);
    CHECK(engine.draft(kPath)->text() == "abc"); // not applied
    // Later edits are not applied to it either, and it is told only once.
    r = engine.edit(kPath, {insert(0, 0, "Y")}, Encoding::Utf16, 4, 1000);
    CHECK_FALSE(r.became_stale);
    CHECK(engine.draft(kPath)->text() == "abc");
    // A whole text brings it back in step; edits after it in the same change apply.
    r = engine.edit(kPath, {{std::nullopt, "new"}, insert(0, 3, "!")}, Encoding::Utf16, 5, 1000);
    CHECK_FALSE(engine.draft(kPath)->stale);
    CHECK(engine.draft(kPath)->text() == "new!");
    // So does opening it again.
    engine.edit(kPath, {insert(0, 0, "Z")}, Encoding::Utf16, 1, 1000);
    REQUIRE(engine.draft(kPath)->stale);
    engine.open(kPath, "again", 7);
    CHECK_FALSE(engine.draft(kPath)->stale);
}

TEST_CASE("drafts: a version that jumps ahead applies; no version applies") {
    Engine engine;
    engine.open(kPath, "abc", 1);
    engine.edit(kPath, {insert(0, 0, "X")}, Encoding::Utf16, 40, 1000);
    engine.edit(kPath, {insert(0, 0, "Y")}, Encoding::Utf16, std::nullopt, 1000);
    CHECK(engine.draft(kPath)->text() == "YXabc");
    CHECK(engine.draft(kPath)->version == 40);
    CHECK_FALSE(engine.draft(kPath)->stale);
}

TEST_CASE("drafts: a text over the limit is not kept; only a whole text follows it") {
    Engine engine;
    engine.open(kPath, "abc", 1);
    auto r = engine.edit(kPath, {insert(0, 3, std::string(20, 'x'))}, Encoding::Utf16, 2, 10);
    REQUIRE(r.oversize);
    CHECK(r.oversize->bytes == 23);
    CHECK(engine.draft(kPath)->oversize());
    CHECK(engine.draft(kPath)->text().empty());
    engine.edit(kPath, {insert(0, 0, "y")}, Encoding::Utf16, 3, 10);
    CHECK(engine.draft(kPath)->oversize());
    engine.edit(kPath, {{std::nullopt, "small"}}, Encoding::Utf16, 4, 10);
    CHECK_FALSE(engine.draft(kPath)->oversize());
    CHECK(engine.draft(kPath)->text() == "small");
    CHECK_FALSE(engine.edit("/not/open.xml", {}, Encoding::Utf16, 1, 10).open);
    engine.close(kPath);
    CHECK_FALSE(engine.draft(kPath));
}
