// Fuzz harness: an integration over a generated ACL tree (deep chains when the input is
// short: a node's parent is the one before it unless the input says otherwise). The engine's
// missing-parent and duplicate-resource diagnostics, their fixes and the completion's parent
// insertion are compared with a naive walk up the generated tree, and every message and note
// must stay bounded whatever the depth; a cancelled diagnose or completion stops.
//
// Input: [flags][u16 size][seed][parent choices...]. The tree has 1 + size % max_ids ids:
// kFuzzMaxIds for the fuzz target, kReplayMaxIds for the fixtures' replay. flags bits 0-2: the
// share of ids listed; bits 3-4: how many listed twice; bit 6: no parent insertion; bit 7: the
// completion checks instead of the diagnostics and their fixes. One of the two per input: building
// the tree and the snapshot is the cheaper part (fuzz/README.md: the deeptree target's executions
// per second), and the fixtures replay both (run_deeptree_all).
#pragma once

#include "harness.hpp"

#include "mil/ide/engine.hpp"
#include "mil/ide/entry.hpp"
#include "mil/model/model.hpp"

#include <set>
#include <vector>

namespace mil::fuzz {

namespace deeptree {

inline const std::string kRoot = "/fuzz";
inline const std::string kDir = kRoot + "/app/code/Fuzz/Deep";
inline const std::string kIntegration = kDir + "/etc/integration.xml";

inline std::string id_of(std::size_t i) {
    return "Fuzz_Deep::n" + std::to_string(i);
}

// The resource names a fix or completion edit inserts, in order.
inline std::vector<std::string> inserted_names(const std::string& text) {
    std::vector<std::string> out;
    const std::string open = "<resource name=\"";
    for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
        at += open.size();
        out.push_back(text.substr(at, text.find('"', at) - at));
    }
    return out;
}

} // namespace deeptree

enum Checks : unsigned { kDiagnostics = 1, kCompletion = 2 };

// A tree's cost is about linear in its ids, and 256 levels are far past every cap on names in
// a message or note; the replayed fixtures hold chains of 257 and 800 ids.
inline constexpr std::size_t kFuzzMaxIds = 256;
inline constexpr std::size_t kReplayMaxIds = 800;

inline void run_deeptree_checks(const std::uint8_t* data, std::size_t size, unsigned checks,
                                std::size_t max_ids) {
    using namespace deeptree;
    Input in(data, size);
    const std::uint8_t flags = in.byte();
    const std::size_t n = 1 + in.u16() % max_ids;
    Rng rng(in.byte());
    // parent[i] < i, or n for Magento_Backend::admin.
    std::vector<std::size_t> parent(n);
    std::vector<std::vector<std::size_t>> children(n + 1);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t b = in.byte();
        parent[i] = i == 0 || b == 0xff ? n : i - 1 - std::min<std::size_t>(b, i - 1);
        children[parent[i]].push_back(i);
    }
    // acl.xml: the tree, nested, written with an explicit stack (any depth).
    std::string acl = "<config><acl><resources><resource id=\"Magento_Backend::admin\">";
    std::vector<std::pair<std::size_t, std::size_t>> stack{{n, 0}}; // node, next child
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < children[node].size()) {
            const std::size_t c = children[node][next++];
            acl += "<resource id=\"" + id_of(c) + "\" title=\"T\">";
            stack.push_back({c, 0});
        } else {
            if (node != n) acl += "</resource>";
            stack.pop_back();
        }
    }
    acl += "</resource></resources></acl></config>\n";

    // The integration: a random share of the ids (some twice, one unknown), and a line to
    // complete at.
    const std::size_t share = 1 + (flags & 7);
    std::vector<std::size_t> listed_ids;
    std::set<std::size_t> listed;
    for (std::size_t i = 0; i < n; ++i)
        if (rng.below(8) < share) {
            listed_ids.push_back(i);
            listed.insert(i);
        }
    for (std::size_t k = 0; k < (flags >> 3 & 3) && !listed_ids.empty(); ++k)
        listed_ids.push_back(listed_ids[rng.below(listed_ids.size())]);
    std::string text = "<config>\n  <integration name=\"Deep\">\n    <email>a@b.c</email>\n"
                       "    <resources>\n";
    for (std::size_t i : listed_ids)
        text += "      <resource name=\"" + id_of(i) + "\"/>\n";
    text += "      <resource name=\"Fuzz_Deep::\"/>\n";
    const auto cursor = static_cast<Offset>(text.size() - 4);
    text += "    </resources>\n  </integration>\n</config>\n";

    SnapshotInput input;
    input.root = kRoot;
    input.files.push_back(make_entry(kDir + "/etc/acl.xml", acl));
    input.files.push_back(
        make_entry(kDir + "/etc/module.xml", "<config><module name=\"Fuzz_Deep\"/></config>"));
    input.modules.push_back({kDir, {}, "app/code", {}, 0});
    Engine engine(build_snapshot(std::move(input)));
    engine.settings().insert_parents = !(flags & 0x40);
    engine.open(kIntegration, text);

    // The ancestors of node i that are not listed (the top excluded), from the top down.
    auto naive_missing = [&](std::size_t i, const std::set<std::size_t>& have) {
        std::vector<std::string> out;
        for (std::size_t p = parent[i]; p != n; p = parent[p])
            if (!have.count(p)) out.push_back(id_of(p));
        std::reverse(out.begin(), out.end());
        return out;
    };

    if (checks & kDiagnostics) {
        const std::vector<Diagnostic> ds = engine.diagnose(kIntegration);
        std::size_t missing_diags = 0;
        std::vector<const Diagnostic*> missing_parent;
        for (const Diagnostic& d : ds) {
            MIL_FUZZ_CHECK(d.message.size() < 2000, "a bounded message: " + d.code);
            MIL_FUZZ_CHECK(d.range.end <= text.size(), "diagnostic inside the text");
            if (d.code == "missing-parent") {
                ++missing_diags;
                missing_parent.push_back(&d);
            }
            if (d.code == "duplicate-resource") {
                MIL_FUZZ_CHECK(d.related.size() == 1, "a duplicate points at the first");
                const Range first = d.related[0].location.range;
                const std::string id = text.substr(d.range.begin, d.range.end - d.range.begin);
                MIL_FUZZ_CHECK(text.substr(first.begin, first.end - first.begin) == id,
                               "the first occurrence names the same id");
                MIL_FUZZ_CHECK(first.begin < d.range.begin, "the first comes first");
                MIL_FUZZ_CHECK(text.find("\"" + id + "\"") + 1 == first.begin,
                               "it is the first occurrence");
            }
        }
        // A listed id has a missing-parent finding when some ancestor below the top is unlisted
        // (the first one up the chain decides; no strings built: this runs for every listed id).
        std::vector<char> is_listed(n, 0);
        for (std::size_t i : listed)
            is_listed[i] = 1;
        std::size_t expected = 0;
        for (std::size_t i : listed)
            for (std::size_t p = parent[i]; p != n; p = parent[p])
                if (!is_listed[p]) {
                    ++expected;
                    break;
                }
        MIL_FUZZ_CHECK(missing_diags == expected,
                       describe("missing-parent diagnostics, expected", missing_diags, expected));

        // One fix (each code action request diagnoses the file again), asked for as a code
        // action does: every missing ancestor, top down.
        if (!missing_parent.empty()) {
            const Diagnostic& d = *missing_parent[rng.below(missing_parent.size())];
            const std::string id = text.substr(d.range.begin, d.range.end - d.range.begin);
            const std::size_t node = std::stoul(id.substr(id.rfind('n') + 1));
            const std::vector<std::string> want = naive_missing(node, listed);
            bool found = false;
            for (const CodeAction& a : engine.actions(kIntegration, d.range)) {
                if (a.diagnostic_codes != std::vector<std::string>{"missing-parent"}) continue;
                if (a.changes.size() != 1 || a.changes[0].edits.size() != 1) continue;
                const TextEdit& e = a.changes[0].edits[0];
                if (e.range.begin > d.range.begin || e.range.begin + 200 < d.range.begin) continue;
                MIL_FUZZ_CHECK(inserted_names(e.new_text) == want,
                               "the fix inserts what is missing");
                found = true;
            }
            MIL_FUZZ_CHECK(found, "a code action fixes " + id);
        }
    }

    // Completion: each item's parent insertion is its parent's missing ancestors.
    if (checks & kCompletion) {
        const CompletionResult c = engine.complete(kIntegration, cursor);
        MIL_FUZZ_CHECK(c.shared.size() <= n, "one link per ancestor at most");
        for (int k = 0; k < 3 && !c.items.empty(); ++k) {
            const CompletionItem& item = c.items[rng.below(c.items.size())];
            if (item.label.rfind("Fuzz_Deep::n", 0) != 0) continue;
            const std::size_t node = std::stoul(item.label.substr(12));
            MIL_FUZZ_CHECK(node < n, "an id of the tree");
            const std::vector<std::string> want = engine.settings().insert_parents
                                                      ? naive_missing(node, listed)
                                                      : std::vector<std::string>{};
            std::string inserted;
            for (const TextEdit& e : c.additional_edits(item)) {
                MIL_FUZZ_CHECK(e.range.end <= text.size(), "completion edit inside the text");
                inserted += e.new_text;
            }
            MIL_FUZZ_CHECK(inserted_names(inserted) == want, "completion inserts what is missing");
            MIL_FUZZ_CHECK(c.note(item.shared).size() < 1000, "a bounded note");
            MIL_FUZZ_CHECK(c.additional_bytes(item) == inserted.size(),
                           "additional_bytes is exact");
        }
    }

    // A cancelled request stops at its first check (Cancelled, never a participant failure).
    CancelSource cancel;
    cancel.cancel();
    for (int k = 0; k < 2; ++k) {
        bool stopped = false;
        try {
            if (k == 0)
                (void)engine.diagnose(kIntegration, cancel.token());
            else
                (void)engine.complete(kIntegration, cursor, cancel.token());
        } catch (const Cancelled&) {
            stopped = true;
        }
        MIL_FUZZ_CHECK(stopped, "a cancelled request stops");
    }
}

// The fuzz target: the checks the input's flags choose.
inline void run_deeptree(const std::uint8_t* data, std::size_t size) {
    run_deeptree_checks(data, size, size > 0 && (data[0] & 0x80) ? kCompletion : kDiagnostics,
                        kFuzzMaxIds);
}

// The fixtures' replay: both.
inline void run_deeptree_all(const std::uint8_t* data, std::size_t size) {
    run_deeptree_checks(data, size, kDiagnostics | kCompletion, kReplayMaxIds);
}

} // namespace mil::fuzz
