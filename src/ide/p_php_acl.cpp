// PHP of a module (admin controllers, setup scripts): the ACL ids named by
// `const ADMIN_RESOURCE = '...'` and by `isAllowed('...')` string arguments.
#include "p_acl_refs.hpp"

#include "mil/syntax/php.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class PhpAclParticipant final : public AclRefParticipant {
public:
    const char* name() const override { return "php-acl"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::Php || kind == FileKind::SetupPhp;
    }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        for (const auto& r : find_php_acl_references(*entry.text))
            if (!r.id.empty()) facts.acl_refs.push_back({r.id, r.range});
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        // The consequence depends on where the id is written.
        for (const auto& r : find_php_acl_references(*q.file.text)) {
            if (r.id.empty()) continue;
            if (auto d = check_acl_ref(q, {r.id, r.range}, consequence_of(r.kind)))
                out.push_back(std::move(*d));
        }
    }

    void complete(const Query& q, CompletionResult& out) const override {
        const std::string& text = *q.file.text;
        for (const auto& r : find_php_acl_references(text)) {
            // Only inside a string literal: the quote before the range.
            if (!r.range.touches(q.offset) || r.range.begin == 0) continue;
            char quote = text[r.range.begin - 1];
            if (quote != '\'' && quote != '"') continue;
            complete_acl_ids(q, r.range,
                             std::string_view(text).substr(r.range.begin, q.offset - r.range.begin),
                             out);
            return;
        }
    }

protected:
    std::string_view consequence(FileKind) const override {
        return consequence_of(PhpAclRefKind::IsAllowed);
    }

private:
    static std::string_view consequence_of(PhpAclRefKind kind) {
        static const std::string admin =
            fmt::format("{}, so every other admin gets the access-denied page for this controller",
                        kOnlyFullAccess);
        static const std::string allowed = fmt::format(
            "{}, so this isAllowed() check fails for every other role", kOnlyFullAccess);
        return kind == PhpAclRefKind::AdminResource ? admin : allowed;
    }
};

} // namespace

const Participant& php_acl_participant() {
    static const PhpAclParticipant p;
    return p;
}

} // namespace mil
