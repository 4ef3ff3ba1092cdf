// ACL ids wherever they are named: the completion, hover, check and navigation that every
// participant with ACL id references shares.
#pragma once

#include "mil/ide/acl_docs.hpp"
#include "mil/ide/engine.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mil {

// The closest existing id to a mistyped one: the same local part (after "::") in another
// module first, then the same id in another case, then the smallest edit distance within a
// third of the length. Empty when nothing is close.
std::string closest_acl_id(const AclTree& tree, std::string_view id);

// Whether `id` may be checked against the tree: the tree has Magento's core ACL or the
// bundled catalogue is merged in.
bool acl_tree_is_complete(const Snapshot& s);

// "a leading space", "2 trailing spaces", "a leading line break and a trailing tab": the
// whitespace around `v`, for messages; empty when there is none.
std::string describe_stray_whitespace(std::string_view v);

// `unknown-resource` for one reference, with a replace quick fix when an id is close.
// `consequence` says what Magento does with the unknown id in this kind of file.
// Magento trims no id: one with stray whitespace is unknown, and the fix trims it.
// The fix never makes things worse: a disabled id gets no replacement (another id would be
// another privilege); a suggestion that `listed` holds (the ids the same list names already)
// is not offered. In both cases `removal`, when given (an edit that removes the reference,
// for lists where that grants or requires nothing more), is the fix.
std::optional<Diagnostic>
check_acl_ref(const Query& q, const IdRef& ref, std::string_view consequence,
              const std::unordered_set<std::string_view>* listed = nullptr,
              const std::optional<TextEdit>& removal = std::nullopt);

// Where an ACL id is defined: the id attribute of its defining declaration (the one whose
// title counts), else of its first declaration; empty path when only the catalogue has it.
Location acl_definition_location(const AclNode& n);

// Completion of ACL ids for the token `token` (the whole value) with what is typed before
// the cursor `prefix`. When `nodes` is given, it receives the index in q.snapshot.acl.nodes
// of each item added, in the order of the items (for a caller that adds edits per item).
void complete_acl_ids(const Query& q, Range token, std::string_view prefix, CompletionResult& out,
                      std::vector<std::uint32_t>* nodes = nullptr);

// Locations: where an id is defined (the declarations that give a title, else all) and every
// place that names it (acl declarations, integration resources, and other references).
std::vector<Location> acl_definitions(const Snapshot& s, std::string_view id, bool all = false);
std::vector<Location> acl_references(const Snapshot& s, std::string_view id,
                                     bool include_declarations);

} // namespace mil
