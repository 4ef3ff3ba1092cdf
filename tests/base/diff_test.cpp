// unified_diff: what `check --fix-dry-run` prints, in the shape `diff -u` and `patch` know.
#include "mil/base/diff.hpp"

#include <catch2/catch.hpp>

#include <string>

using mil::unified_diff;

TEST_CASE("diff: equal texts give nothing") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "a/x", "b/x").empty());
    CHECK(unified_diff("", "", "a/x", "b/x").empty());
}

TEST_CASE("diff: an inserted line with three lines of context") {
    std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n";
    std::string after = "1\n2\n3\n4\nnew\n5\n6\n7\n8\n";
    CHECK(unified_diff(before, after, "a/f.xml", "b/f.xml") ==
          "--- a/f.xml\n+++ b/f.xml\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n");
}

TEST_CASE("diff: changes far apart make two hunks, close ones one") {
    std::string before, far, near;
    for (int i = 1; i <= 20; ++i)
        before += std::to_string(i) + "\n";
    far = before;
    far.replace(far.find("2\n"), 2, "two\n");
    far.replace(far.find("19\n"), 3, "nineteen\n");
    std::string d = unified_diff(before, far, "a", "b");
    CHECK(d == "--- a\n+++ b\n"
               "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
               "@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n");
    near = before;
    near.replace(near.find("5\n"), 2, "five\n");
    near.replace(near.find("9\n"), 2, "nine\n");
    std::string one = unified_diff(before, near, "a", "b");
    CHECK(one.find("@@ -2,11 +2,11 @@") != std::string::npos);
    CHECK(one.find("@@ -", one.find("@@ -") + 1) == std::string::npos); // one hunk
}

TEST_CASE("diff: a last line without newline is marked") {
    CHECK(unified_diff("a\nb", "a\nc", "a", "b") ==
          "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
          "\\ No newline at end of file\n");
    CHECK(unified_diff("", "x\n", "a", "b") == "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
}

TEST_CASE("diff: applying the hunks gives the new text (every line removed or kept once)") {
    std::string before = "<a>\n<b/>\n<c/>\n</a>\n", after = "<a>\n<c/>\n<d/>\n<b/>\n</a>\n";
    std::string d = unified_diff(before, after, "a", "b");
    // Rebuild both sides from the hunk lines.
    std::string old_side, new_side;
    std::size_t pos = d.find("@@");
    pos = d.find('\n', pos) + 1;
    while (pos < d.size()) {
        std::size_t nl = d.find('\n', pos);
        std::string line = d.substr(pos, nl - pos + 1);
        if (line[0] == ' ' || line[0] == '-') old_side += line.substr(1);
        if (line[0] == ' ' || line[0] == '+') new_side += line.substr(1);
        pos = nl + 1;
    }
    CHECK(old_side == before);
    CHECK(new_side == after);
}
