// The features, over one snapshot: the core classifies the request once and asks every
// participant that serves the file's kind (see participant.hpp).
#pragma once

#include "mil/base/cancel.hpp"
#include "mil/ide/drafts.hpp"
#include "mil/model/index.hpp"
#include "mil/syntax/xml.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

struct Settings {
    // Severity per code; a code mapped to nullopt is turned off.
    std::map<std::string, std::optional<Severity>, std::less<>> severity;
    // Completing a resource in an integration also inserts its missing ancestors.
    bool insert_parents = true;
    // The client accepts snippet syntax in completion items.
    bool snippets = false;
    // The client asks for completion documentation item by item (completionItem/resolve):
    // items may then name where their documentation comes from (documentation_source)
    // instead of carrying it, and Engine::completion_documentation makes it when asked.
    bool lazy_documentation = false;
    // ACL ids and modules that come from optional dependencies absent from the workspace
    // ("knownResources", "knownModules"): such an id, an id of such a module, or such a
    // <sequence> name is not reported as unknown; everything else stays checked.
    std::set<std::string, std::less<>> known_resources;
    std::set<std::string, std::less<>> known_modules;
};

enum class CompletionKind { Value, Element, Attribute, Module, Snippet };

// Where a completion item's documentation comes from: written out in the item (Text), or
// made on demand by Engine::completion_documentation from the item's label (the ACL id).
enum class DocumentationSource : std::uint8_t { Text, AclId };

// What several items of one result share: text inserted at one place (the lines of the
// missing ancestors of their parent), as a chain: the text of `up` comes before this link's.
// Items under a deep tree share every level of it instead of each repeating its whole path,
// so a result stays linear in the size of the tree; CompletionResult::additional_edits and
// ::note join a chain when an item's edits or documentation are asked for.
struct CompletionShared {
    Offset at = 0;           // where the text is inserted (the same along a chain)
    std::string text;        // this link's text
    std::string name;        // what this link adds, for the note
    std::uint32_t up = 0;    // 1 + the index of the link whose text comes first; 0: none
    std::uint32_t count = 1; // links from the top of the chain down to this one
    std::size_t bytes = 0;   // bytes of text from the top of the chain down to this one
};

struct CompletionItem {
    std::string label;
    std::string detail;
    // Markdown. With a documentation_source other than Text, only what follows the part
    // Engine::completion_documentation makes. The shared note (if any) follows it.
    std::string documentation;
    DocumentationSource documentation_source = DocumentationSource::Text;
    CompletionKind kind = CompletionKind::Value;
    TextEdit edit; // replaces the token under the cursor
    // The item's own additional edits; the shared ones (see `shared`) come after them.
    std::vector<TextEdit> additional_edits;
    // 1 + the index of what it shares in CompletionResult::shared; 0: nothing.
    std::uint32_t shared = 0;
    // The text the client filters on, when not the label. With filter_by_detail: the label,
    // a space and the detail (so that typing a word of a title finds its id), and
    // filter_text is not used.
    std::string filter_text;
    bool filter_by_detail = false;
    std::string sort_text;
    bool is_snippet = false;
    bool deprecated = false;
};

struct CompletionResult {
    std::vector<CompletionItem> items;
    bool incomplete = false;
    std::vector<CompletionShared> shared; // see CompletionItem::shared

    // What an item shares, or nullptr.
    const CompletionShared* shared_of(const CompletionItem& item) const {
        return item.shared != 0 && item.shared <= shared.size() ? &shared[item.shared - 1]
                                                                : nullptr;
    }
    // Every additional edit of an item: its own, then one that inserts its shared chain.
    std::vector<TextEdit> additional_edits(const CompletionItem& item) const;
    // Bytes of text the additional edits of an item insert (without joining its chain).
    std::size_t additional_bytes(const CompletionItem& item) const;
    // The note that says what the chain `shared` (as CompletionItem::shared) inserts: the
    // nearest few names and how many more (a bounded text whatever the chain's length).
    std::string note(std::uint32_t shared) const;
    // The item's documentation (the part it carries) followed by the shared note.
    std::string documentation(const CompletionItem& item) const;
    // The text the client filters on (the label when nothing else).
    std::string filter_text(const CompletionItem& item) const;
};

struct HoverResult {
    std::string markdown;
    Range range;
};

struct CodeAction {
    std::string title;
    std::string kind; // "quickfix", "refactor.rewrite", "source" ...
    std::vector<FileEdit> changes;
    std::vector<std::string> diagnostic_codes; // codes of the diagnostics it fixes
    bool preferred = false;
    // A command to run instead of (or after) the edits; empty when none.
    std::string command;
    std::vector<std::string> command_arguments;
};

// A code lens: a title shown over `range` that runs `command` with `arguments`.
struct CodeLens {
    Range range;
    std::string title;
    std::string tooltip;
    std::string command;
    std::vector<std::string> arguments;
};

struct SymbolInfo {
    std::string name;
    std::string detail;
    int kind = 0; // LSP SymbolKind numbers
    Location location;
    Range selection;
    std::vector<SymbolInfo> children;
};

struct RenameResult {
    std::vector<FileEdit> changes;
    std::string error; // non-empty when refused; says why
};

// A request about one position of one file, with everything a participant needs.
struct Query {
    const Snapshot& snapshot;
    const Settings& settings;
    const FileEntry& file; // the current text of the file (open document or disk)
    Offset offset = 0;
    // When set (a code action request), the diagnostics that overlap it need every fix;
    // otherwise a participant may leave out a fix whose edits would be large (a missing-parent
    // fix of a deep tree), so that diagnosing stays linear in the size of the documents.
    std::optional<Range> fixes_in{};
    // Long loops (over the resources of a file, the ids of the tree) check it: see
    // CancelCheck. Cancelled work throws Cancelled out of the engine's entry point.
    CancelToken cancel{};
    bool wants_fix(Range r, std::size_t size) const {
        constexpr std::size_t kInlineFixSize = 64;
        return fixes_in ? fixes_in->begin <= r.end && r.begin <= fixes_in->end
                        : size <= kInlineFixSize;
    }

    // The file's first XML syntax error (nullopt when well-formed), found on the first call
    // and kept for the rest of the query: the index does not check well-formedness, and
    // several participants ask while diagnosing one file.
    const std::optional<XmlSyntaxError>& xml_syntax() const {
        if (!xml_syntax_) xml_syntax_.emplace(check_well_formed(*file.text));
        return *xml_syntax_;
    }
    mutable std::optional<std::optional<XmlSyntaxError>> xml_syntax_{}; // see xml_syntax()

    // The file's tolerant XML tree, parsed on the first call and shared by the participants
    // that answer the query.
    const XmlDocument& xml() const {
        if (!xml_) xml_.emplace(parse_xml(*file.text));
        return *xml_;
    }
    mutable std::optional<XmlDocument> xml_{}; // see xml()
};

class Engine {
public:
    explicit Engine(std::shared_ptr<const Snapshot> snapshot = nullptr);

    // The index as the workspace built it; open documents are laid over it again.
    void set_base(std::shared_ptr<const Snapshot> base);
    // Files of the index read again from disk (a null entry: the file is gone); the open
    // documents stay laid over them. The only way the snapshots change besides set_base and
    // the open documents: the server asks, the engine builds.
    void
    update_base(const std::vector<std::pair<std::string, std::shared_ptr<const FileEntry>>>& files);
    // The index as on disk, without the open documents.
    const Snapshot& base() const { return *base_; }
    // An open document's text overrides the file on disk.
    void open(const std::string& path, std::string text, std::int64_t version = 0);
    // An open document too large to be read (its text is not kept): see make_oversized_entry.
    void open_oversized(const std::string& path, Oversize size, std::int64_t version = 0);
    // A whole new text of an open document (its version stays).
    void change(const std::string& path, std::string text);
    // An editor's changes to an open document (see apply_draft_changes); a text over
    // `max_bytes` is not kept (as open_oversized).
    DraftEditResult edit(const std::string& path, const std::vector<DraftChange>& changes,
                         Encoding enc, std::optional<std::int64_t> version, std::size_t max_bytes);
    void close(const std::string& path);
    bool is_open(const std::string& path) const;
    // The open documents.
    const DraftStore& drafts() const { return drafts_; }
    const Draft* draft(std::string_view path) const { return drafts_.find(path); }

    const Snapshot& snapshot() const { return *current_; }
    std::shared_ptr<const Snapshot> snapshot_ptr() const { return current_; }
    Settings& settings() { return settings_; }
    const Settings& settings() const { return settings_; }
    // Settings per file (the server's: the settings file nearest to it, the editor's over
    // it): when set, a request about a file uses what the lookup gives for its path, and
    // settings() when it gives nullptr. The pointer must stay valid until the request ends.
    using SettingsLookup = std::function<const Settings*(const std::string& path)>;
    void set_settings_lookup(SettingsLookup lookup) { settings_lookup_ = std::move(lookup); }
    const Settings& settings_for(const std::string& path) const {
        const Settings* s = settings_lookup_ ? settings_lookup_(path) : nullptr;
        return s ? *s : settings_;
    }

    // Entry of a file: the open document, the indexed file, or nullptr.
    const FileEntry* entry(const std::string& path) const;

    // Both throw Cancelled when `cancel` is cancelled while they run (checked inside their
    // loops over resources and ids, so a deep tree stops within a few hundred of them).
    std::vector<Diagnostic> diagnose(const std::string& path, const CancelToken& cancel = {}) const;
    CompletionResult complete(const std::string& path, Offset offset,
                              const CancelToken& cancel = {}) const;
    // The documentation an item with `source` (not Text) and `label` leaves to be made (see
    // Settings::lazy_documentation), from the current snapshot, without the text that
    // follows it (CompletionItem::documentation). Empty when the label is unknown now.
    std::string completion_documentation(DocumentationSource source, std::string_view label) const;
    std::optional<HoverResult> hover(const std::string& path, Offset offset) const;
    std::vector<Location> definition(const std::string& path, Offset offset) const;
    std::vector<Location> references(const std::string& path, Offset offset,
                                     bool include_declaration) const;
    std::vector<Range> highlights(const std::string& path, Offset offset) const;
    // Throws Cancelled as diagnose does (the quick fixes come from the diagnostics in `range`).
    std::vector<CodeAction> actions(const std::string& path, Range range,
                                    const CancelToken& cancel = {}) const;
    std::vector<SymbolInfo> document_symbols(const std::string& path) const;
    // The code lenses of a file (see routes_features.hpp: the routes of each integration).
    std::vector<CodeLens> code_lenses(const std::string& path) const;
    std::vector<SymbolInfo> workspace_symbols(std::string_view query) const;
    RenameResult rename(const std::string& path, Offset offset, const std::string& new_name) const;

private:
    void rebuild();
    std::vector<Diagnostic> diagnose_in(const std::string& path, std::optional<Range> fixes_in,
                                        const CancelToken& cancel = {}) const;

    std::shared_ptr<const Snapshot> base_;
    std::shared_ptr<const Snapshot> current_;
    DraftStore drafts_;
    Settings settings_;
    SettingsLookup settings_lookup_;
};

// Keep at most `max` diagnostics (the first ones, in order); the rest become one summary
// diagnostic at the end that says how many more there are. True when some were cut.
bool cap_diagnostics(std::vector<Diagnostic>& diagnostics, std::size_t max);

// Apply a severity override; false when the code is turned off.
bool apply_severity(const Settings& settings, Diagnostic& d);

} // namespace mil
