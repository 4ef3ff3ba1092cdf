#include "mil/ide/drafts.hpp"

#include <algorithm>

namespace mil {

std::optional<std::string> apply_draft_changes(Draft& draft,
                                               const std::vector<DraftChange>& changes,
                                               Encoding enc, std::optional<std::int64_t> version,
                                               std::string* reason) {
    const bool has_range = std::any_of(changes.begin(), changes.end(),
                                       [](const DraftChange& c) { return c.range.has_value(); });
    if (has_range && version && *version <= draft.version && !draft.stale) {
        draft.stale = true;
        if (reason)
            *reason = "a change to version " + std::to_string(*version) +
                      " arrived after version " + std::to_string(draft.version);
    }
    std::optional<TextDocument> doc;
    for (const DraftChange& c : changes) {
        if (!c.range) {
            doc.emplace(std::string(), c.text, 0);
            draft.stale = false;
            continue;
        }
        // A stale draft's text is not the one the range was made on; a draft over the size
        // limit has no text to edit: only a whole new text counts.
        if (draft.stale || (!doc && draft.oversize())) continue;
        if (!doc) doc.emplace(std::string(), draft.text(), 0);
        doc->apply_change(c.range, c.text, enc);
    }
    if (version) draft.version = *version;
    if (!doc) return std::nullopt;
    return doc->text();
}

} // namespace mil
