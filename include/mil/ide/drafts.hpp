// The open documents (drafts): one store, owned by the engine, which alone builds the
// snapshots from it. A draft's text is shared and immutable (the FileEntry made from it);
// a change makes a new one. The server asks the store (text, version, line index, state)
// and the engine, and never edits either.
#pragma once

#include "mil/base/text.hpp"
#include "mil/model/model.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mil {

struct Draft {
    // The text (empty when over the size limit: entry->oversize) and its facts.
    std::shared_ptr<const FileEntry> entry;
    std::int64_t version = 0;
    // An edit could not be applied: the text may not be the editor's. No edit is offered on
    // it until a whole new text arrives (a change without a range, or open again).
    bool stale = false;

    const std::string& text() const { return *entry->text; }
    const LineIndex& lines() const { return entry->lines(); }
    bool oversize() const { return entry->oversize.has_value(); }
};

// One content change of an editor: `range` (positions in the client's encoding) replaced
// by `text`, or without a range the whole text.
struct DraftChange {
    std::optional<std::pair<LineCol, LineCol>> range;
    std::string text;
};

// What Engine::edit did.
struct DraftEditResult {
    bool open = false;                // the document is open (else nothing was done)
    bool became_stale = false;        // it was in step before, and is not now
    std::string stale_reason;         // why, when it became stale
    std::optional<Oversize> oversize; // the new text is over the limit and was not kept
};

class DraftStore {
public:
    const Draft* find(std::string_view path) const {
        auto it = drafts_.find(path);
        return it == drafts_.end() ? nullptr : &it->second;
    }
    Draft* find(std::string_view path) {
        auto it = drafts_.find(path);
        return it == drafts_.end() ? nullptr : &it->second;
    }
    bool contains(std::string_view path) const { return drafts_.find(path) != drafts_.end(); }
    bool empty() const { return drafts_.empty(); }
    auto begin() const { return drafts_.begin(); }
    auto end() const { return drafts_.end(); }

    // A whole text: in step again.
    void put(const std::string& path, std::shared_ptr<const FileEntry> entry,
             std::int64_t version) {
        drafts_[path] = Draft{std::move(entry), version, false};
    }
    bool erase(std::string_view path) {
        auto it = drafts_.find(path);
        if (it == drafts_.end()) return false;
        drafts_.erase(it);
        return true;
    }

private:
    std::map<std::string, Draft, std::less<>> drafts_;
};

// The text of `draft` after `changes` (in order, positions in `enc`; ranges clamped to the
// text, as LSP says of a character past a line's end); nullopt when none could be applied.
// Marks the draft stale (with `reason`) when an incremental change cannot be applied: its
// version is not after the draft's (a change out of order or sent twice: it was made to
// another text; a version that jumps ahead is fine, Neovim's do), or the draft is stale.
// A change without a range applies always and brings the draft back in step.
std::optional<std::string> apply_draft_changes(Draft& draft,
                                               const std::vector<DraftChange>& changes,
                                               Encoding enc, std::optional<std::int64_t> version,
                                               std::string* reason);

} // namespace mil
