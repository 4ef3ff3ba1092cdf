// Diagnostics, edits and locations as the core produces them: byte ranges, no protocol.
#pragma once

#include "mil/base/text.hpp"

#include <string>
#include <vector>

namespace mil {

enum class Severity { Error = 1, Warning = 2, Info = 3, Hint = 4 };

const char* severity_name(Severity s); // "error", "warning", "info", "hint"

// A place in some file. `path` is an absolute file system path (the protocol edge turns it
// into a URI, `check` into a path relative to the checked root).
struct Location {
    std::string path;
    Range range;
    friend bool operator==(const Location&, const Location&) = default;
};

struct RelatedInfo {
    Location location;
    std::string message;
};

struct TextEdit {
    Range range; // in the document the edit applies to
    std::string new_text;
};

struct FileEdit {
    std::string path;
    std::vector<TextEdit> edits;
};

// A quick fix: a title and the edits that carry it out, possibly in several files.
struct Fix {
    std::string title;
    std::vector<FileEdit> changes;
    bool preferred = false;
    // The fix cannot change what Magento does beyond repairing the finding (a missing parent,
    // a <sequence> entry, a composer.json field, a case-only id fix with one candidate):
    // `check --fix` applies it. Guesses (the closest id) are not safe.
    bool safe = false;
};

struct Diagnostic {
    Range range;
    Severity severity = Severity::Error;
    std::string code; // stable code from the rule catalogue, e.g. "unknown-resource"
    std::string message;
    std::vector<RelatedInfo> related;
    std::vector<Fix> fixes;  // quick fixes offered for this diagnostic
    bool deprecated = false; // tag: the construct is deprecated
    bool unnecessary = false;
};

} // namespace mil
