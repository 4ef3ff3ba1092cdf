// Line diffs of two texts, as `diff -u` prints them (for `check --fix-dry-run`).
#pragma once

#include <string>
#include <string_view>

namespace mil {

// The unified diff from `before` to `after` with `context` lines around each change, headed
// `--- a_name` / `+++ b_name`; empty when the texts are equal. A last line without a newline
// is marked "\ No newline at end of file". Myers' algorithm: time and memory grow with the
// size of the texts times the number of changed lines (a fix changes few).
std::string unified_diff(std::string_view before, std::string_view after, std::string_view a_name,
                         std::string_view b_name, int context = 3);

} // namespace mil
