// Fuzz harness: the participants. Arbitrary text becomes one file of a chosen kind
// (mil::make_entry with that kind's path), opened over the index of data/example, and the
// engine answers every feature at fuzzed offsets. Every range it returns must lie inside the
// text of the file it points into (what an editor relies on to apply an edit or place a
// squiggle).
//
// Input: [kind/flags][3 x u16 offsets][text...]
#pragma once

#include "harness.hpp"
#include "mil/ide/entry.hpp"

#include "mil/ide/engine.hpp"
#include "workspace/indexer.hpp"

#include <memory>

namespace mil::fuzz {

inline const std::string& example_root() {
    static const std::string root = std::string(MIL_SOURCE_DIR) + "/data/example";
    return root;
}

// The index of data/example, built once.
inline std::shared_ptr<const Snapshot> example_snapshot() {
    static std::shared_ptr<const Snapshot> snapshot = [] {
        IndexOptions o;
        o.threads = 1;
        return index_folders({example_root()}, o).snapshot;
    }();
    return snapshot;
}

inline std::string participant_path(std::uint8_t selector) {
    static const char* const kFiles[] = {
        "etc/integration.xml",
        "etc/integration/config.xml",
        "etc/integration/api.xml",
        "etc/acl.xml",
        "etc/module.xml",
        "registration.php",
        "composer.json",
        "etc/webapi.xml",
        "etc/adminhtml/menu.xml",
        "etc/adminhtml/system.xml",
        "view/adminhtml/ui_component/fuzz_listing.xml",
        "Setup/Patch/Data/AddIntegration.php",
        "Controller/Adminhtml/Fuzz/Index.php",
    };
    constexpr std::size_t n = sizeof(kFiles) / sizeof(kFiles[0]);
    // An existing module of the example (its facts are replaced) or a new one.
    const char* module = (selector & 0x80) ? "/app/code/Fuzz/Fresh/" : "/app/code/Acme/Connector/";
    return example_root() + module + kFiles[(selector & 0x7f) % n];
}

class RangeChecker {
public:
    RangeChecker(const Engine& engine, const std::string& path, const std::string& text)
        : engine_(engine), path_(path), text_(text) {}

    void check(const std::string& path, Range r, const char* what) const {
        std::size_t size;
        if (path == path_) {
            size = text_.size();
        } else if (const FileEntry* f = engine_.entry(path)) {
            size = f->text->size();
        } else {
            return; // a file the edit creates
        }
        MIL_FUZZ_CHECK(r.begin <= r.end && r.end <= size,
                       describe(std::string(what) + " in " + path, r.begin, r.end) + " size " +
                           std::to_string(size));
    }
    void check(Range r, const char* what) const { check(path_, r, what); }
    void check(const Location& l, const char* what) const { check(l.path, l.range, what); }
    void check(const std::vector<FileEdit>& changes, const char* what) const {
        for (const FileEdit& fe : changes)
            for (const TextEdit& e : fe.edits)
                check(fe.path, e.range, what);
    }
    void check(const SymbolInfo& s) const {
        check(s.location, "symbol");
        check(s.location.path, s.selection, "symbol selection");
        for (const SymbolInfo& c : s.children)
            check(c);
    }

private:
    const Engine& engine_;
    const std::string& path_;
    const std::string& text_;
};

inline void run_participants(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    const std::uint8_t selector = in.byte();
    const std::uint16_t offsets[3] = {in.u16(), in.u16(), in.u16()};
    const std::string text(in.rest());
    const std::string path = participant_path(selector);

    Engine engine(example_snapshot());
    engine.settings().snippets = selector & 0x40;
    engine.settings().insert_parents = !(selector & 0x20);
    // The entry comes from make_entry, as in the indexer (parsing the text once per input).
    engine.open(path, text);
    const FileEntry* entry = engine.entry(path);
    MIL_FUZZ_CHECK(entry != nullptr, "an open document has an entry");
    MIL_FUZZ_CHECK(entry->text && *entry->text == text, "entry keeps the text");
    RangeChecker rc(engine, path, text);

    for (const Diagnostic& d : engine.diagnose(path)) {
        rc.check(d.range, "diagnostic");
        for (const RelatedInfo& r : d.related)
            rc.check(r.location, "related information");
        for (const Fix& f : d.fixes)
            rc.check(f.changes, "quick fix edit");
    }
    for (std::uint16_t raw : offsets) {
        const auto off = static_cast<Offset>(raw % (text.size() + 2));
        CompletionResult c = engine.complete(path, off);
        for (const CompletionItem& item : c.items) {
            rc.check(item.edit.range, "completion edit");
            for (const TextEdit& e : c.additional_edits(item))
                rc.check(e.range, "additional completion edit");
        }
        if (auto h = engine.hover(path, off)) rc.check(h->range, "hover range");
        for (const Location& l : engine.definition(path, off))
            rc.check(l, "definition");
        for (const Location& l : engine.references(path, off, raw & 1))
            rc.check(l, "reference");
        for (Range r : engine.highlights(path, off))
            rc.check(r, "highlight");
        RenameResult rn = engine.rename(path, off, "Fuzz_Module::renamed");
        rc.check(rn.changes, "rename edit");
    }
    Range sel{static_cast<Offset>(offsets[1] % (text.size() + 1)),
              static_cast<Offset>(offsets[2] % (text.size() + 1))};
    if (sel.begin > sel.end) std::swap(sel.begin, sel.end);
    for (const CodeAction& a : engine.actions(path, sel))
        rc.check(a.changes, "code action edit");
    for (const SymbolInfo& s : engine.document_symbols(path))
        rc.check(s);
    for (const SymbolInfo& s : engine.workspace_symbols(std::string_view(text).substr(0, 3)))
        rc.check(s);
    engine.close(path);
    MIL_FUZZ_CHECK(engine.diagnose(path).empty() || engine.entry(path) != nullptr,
                   "a closed new file has no diagnostics");
}

} // namespace mil::fuzz
