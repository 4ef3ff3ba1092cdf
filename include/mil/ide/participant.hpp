// One participant per file kind. Each reads its files into facts and answers the features
// for them; the engine asks every participant that serves the file's kind and joins the
// answers. A participant that throws is logged by the caller and skipped (fault isolation).
#pragma once

#include "mil/ide/engine.hpp"

#include <vector>

namespace mil {

class Participant {
public:
    virtual ~Participant() = default;
    virtual const char* name() const = 0;
    virtual bool serves(FileKind kind) const = 0;

    // Fill `facts` from the text of a file of a kind this participant serves.
    virtual void index(const FileEntry& /*entry*/, FileFacts& /*facts*/) const {}

    virtual void diagnose(const Query&, std::vector<Diagnostic>&) const {}
    virtual void complete(const Query&, CompletionResult&) const {}
    virtual std::optional<HoverResult> hover(const Query&) const { return std::nullopt; }
    virtual void definition(const Query&, std::vector<Location>&) const {}
    virtual void references(const Query&, bool /*include_declaration*/,
                            std::vector<Location>&) const {}
    // Actions that are not quick fixes of a diagnostic (those come with the diagnostics).
    virtual void actions(const Query&, Range, std::vector<CodeAction>&) const {}
    virtual void symbols(const Query&, std::vector<SymbolInfo>&) const {}
};

// Every participant, in a fixed order.
const std::vector<const Participant*>& participants();

} // namespace mil
