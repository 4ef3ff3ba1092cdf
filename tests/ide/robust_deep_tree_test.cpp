// An integration over a deep ACL tree: diagnostics and completion stay linear in its size
// (counts and sizes pinned here; the times are bench_deep's, bench/README.md).
#include "cursor.hpp"
#include "magento_fixture.hpp"
#include "mil/ide/entry.hpp"

#include <catch2/catch.hpp>

using namespace mil;
using namespace mil::test;

namespace {

const std::string kDeepAcl = kAcmeDir + "/etc/acl.xml";

std::string deep_id(int i) {
    return "Acme_Connector::r" + std::to_string(i);
}

// A chain of `depth` ids under Magento_Backend::admin, each the child of the one before.
std::string deep_acl(int depth) {
    std::string out = "<config><acl><resources><resource id=\"Magento_Backend::admin\">";
    for (int i = 0; i < depth; ++i)
        out += "<resource id=\"" + deep_id(i) + "\" title=\"R" + std::to_string(i) + "\">";
    for (int i = 0; i < depth; ++i)
        out += "</resource>";
    out += "</resource></resources></acl></config>\n";
    return out;
}

std::string integration_of(const std::vector<std::string>& ids, std::string_view cursor_line = {}) {
    std::string out = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Deep\">\n"
                      "        <email>dev@acme.example</email>\n        <resources>\n";
    for (const auto& id : ids)
        out += "            <resource name=\"" + id + "\"/>\n";
    out += cursor_line;
    out += "        </resources>\n    </integration>\n</config>\n";
    return out;
}

Engine deep_engine(int depth) {
    return Engine(core_snapshot({{kDeepAcl, deep_acl(depth)}}));
}

} // namespace

TEST_CASE("deep tree: every other id listed, each missing-parent message and fix bounded") {
    const int depth = 4000;
    std::vector<std::string> ids;
    for (int i = 0; i < depth; i += 2)
        ids.push_back(deep_id(i));
    const std::string text = integration_of(ids);
    Engine engine = deep_engine(depth);
    engine.open(kAcmeIntegration, text);
    const auto ds = engine.diagnose(kAcmeIntegration);
    const auto missing = with_code(ds, "missing-parent");
    // r0 misses nothing; r(2k) misses r1, r3, ..., r(2k-1).
    REQUIRE(missing.size() == ids.size() - 1);
    std::size_t message_bytes = 0, fix_bytes = 0, with_fix = 0;
    for (const Diagnostic* d : missing) {
        CHECK(d->message.size() < 2000);
        message_bytes += d->message.size();
        for (const auto& f : d->fixes)
            for (const auto& c : f.changes)
                for (const auto& e : c.edits)
                    fix_bytes += e.new_text.size();
        with_fix += d->fixes.empty() ? 0 : 1;
    }
    // The fixes of up to 64 missing parents come with the diagnostics; the rest on request.
    CHECK(with_fix == 64);
    CHECK(message_bytes < 2000 * missing.size());
    CHECK(fix_bytes < 64 * 64 * 64);
    const Diagnostic& last = *missing.back();
    CHECK(contains(last.message, "and 1989 more above them")); // 1999 missing, 10 shown
    CHECK(contains(last.message, deep_id(depth - 3)));

    // A code action on the last one carries every missing parent, in tree order.
    const auto actions = engine.actions(kAcmeIntegration, last.range);
    const CodeAction* fix = nullptr;
    for (const auto& a : actions)
        if (a.title == "Add 1999 missing parents") fix = &a;
    REQUIRE(fix);
    Fix f{fix->title, fix->changes, true};
    const std::string after = apply_fix(text, f, kAcmeIntegration);
    engine.change(kAcmeIntegration, after);
    const auto again = engine.diagnose(kAcmeIntegration);
    CHECK(with_code(again, "missing-parent").empty()); // every odd id is listed now
    const auto r1 = after.find("\"" + deep_id(1) + "\"");
    const auto r3 = after.find("\"" + deep_id(3) + "\"");
    CHECK(r1 < r3);
}

TEST_CASE("deep tree: every id listed twice, duplicates point at the first") {
    const int depth = 3000;
    std::vector<std::string> ids;
    for (int i = 0; i < depth; ++i)
        ids.push_back(deep_id(i));
    for (int i = 0; i < depth; ++i)
        ids.push_back(deep_id(i));
    Engine engine = deep_engine(depth);
    engine.open(kAcmeIntegration, integration_of(ids));
    const auto ds = engine.diagnose(kAcmeIntegration);
    CHECK(with_code(ds, "missing-parent").empty());
    const auto dups = with_code(ds, "duplicate-resource");
    REQUIRE(dups.size() == static_cast<std::size_t>(depth));
    const auto& facts = engine.entry(kAcmeIntegration)->facts.integrations.front();
    for (int i = 0; i < depth; i += 500) {
        REQUIRE(dups[i]->related.size() == 1);
        CHECK(dups[i]->related[0].location.range == facts.resources[i].range);
    }
}

TEST_CASE("deep tree: completion shares one link per missing ancestor") {
    const int depth = 4000;
    Engine engine = deep_engine(depth);
    auto c = cursor(integration_of({}, "            <resource name=\"Acme_Connector::|\"/>\n"));
    engine.open(kAcmeIntegration, c.text);
    const CompletionResult r = engine.complete(kAcmeIntegration, c.offset);
    REQUIRE(r.items.size() == static_cast<std::size_t>(depth));
    // One link per id above the deepest, not one list per item.
    CHECK(r.shared.size() == static_cast<std::size_t>(depth - 1));
    const CompletionItem* deepest = find_item(r, deep_id(depth - 1));
    REQUIRE(deepest);
    const auto edits = r.additional_edits(*deepest);
    REQUIRE(edits.size() == 1);
    CHECK(r.additional_bytes(*deepest) == edits[0].new_text.size());
    const std::string after = accept(c.text, r, *deepest);
    for (int i : {0, 1, depth / 2, depth - 2})
        CHECK(contains(after, "<resource name=\"" + deep_id(i) + "\"/>\n"));
    CHECK(after.find(deep_id(0)) < after.find(deep_id(depth - 2) + "\""));
    // The note names a few and counts the rest.
    const std::string note = r.note(deepest->shared);
    CHECK(note.size() < 1000);
    CHECK(contains(note, "3989 more, then"));
    const CompletionItem* first = find_item(r, deep_id(0));
    REQUIRE(first);
    CHECK(r.additional_edits(*first).empty());
}

TEST_CASE("diagnostics capped with a summary of how many more") {
    std::vector<Diagnostic> ds(1500);
    for (std::size_t i = 0; i < ds.size(); ++i)
        ds[i].range = {static_cast<Offset>(i), static_cast<Offset>(i + 1)};
    CHECK(cap_diagnostics(ds, 1000));
    REQUIRE(ds.size() == 1001);
    CHECK(ds.back().code == "too-many-diagnostics");
    CHECK(contains(ds.back().message, "500 more"));
    std::vector<Diagnostic> few(3);
    CHECK_FALSE(cap_diagnostics(few, 1000));
    CHECK(few.size() == 3);
}

TEST_CASE("deep tree: diagnose and complete poll their cancel token inside their loops and stop "
          "at the first check once it is cancelled") {
    const int depth = 16000;
    std::vector<std::string> ids;
    for (int i = 0; i < depth; i += 2)
        ids.push_back(deep_id(i));
    Engine engine = deep_engine(depth);
    auto c = cursor(integration_of(ids, "            <resource name=\"Acme_Connector::|\"/>\n"));
    engine.open(kAcmeIntegration, c.text);

    // Not cancelled: the whole answer, and the token looked at in proportion to the work (once
    // per CancelCheck::kEvery resources or ids), not only on entry.
    CancelSource live;
    const auto ds = engine.diagnose(kAcmeIntegration, live.token());
    CHECK(with_code(ds, "missing-parent").size() == ids.size() - 1);
    CHECK(live.polls() >= ids.size() / CancelCheck::kEvery);
    CancelSource live_completion;
    const CompletionResult r = engine.complete(kAcmeIntegration, c.offset, live_completion.token());
    CHECK(r.items.size() == 5000); // the best ranked; the list is incomplete
    CHECK(r.incomplete);
    CHECK(live_completion.polls() >= static_cast<std::size_t>(depth) / CancelCheck::kEvery);

    // Cancelled: Cancelled is thrown at the first look, nothing more is done (a participant
    // failure is not reported for it either).
    const std::size_t failures = participant_failures();
    CancelSource cancelled;
    cancelled.cancel();
    CHECK_THROWS_AS(engine.diagnose(kAcmeIntegration, cancelled.token()), Cancelled);
    CHECK(cancelled.polls() == 1);
    CHECK_THROWS_AS(engine.complete(kAcmeIntegration, c.offset, cancelled.token()), Cancelled);
    CHECK(cancelled.polls() == 2);
    CHECK(participant_failures() == failures);
}
