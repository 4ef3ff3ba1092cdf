// FileEntry::lines(): the line index of an indexed file, made on first use.
#include "mil/ide/entry.hpp"
#include "mil/model/model.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

using mil::Encoding;
using mil::LineCol;
using mil::LineIndex;

TEST_CASE("file entry: the line index is made once, on first use, and shared by threads") {
    const std::string text = "<config>\n  <acl/>\r\n</config>";
    auto entry = mil::make_entry("/m/etc/acl.xml", text);
    std::vector<const LineIndex*> seen(4, nullptr);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i)
        threads.emplace_back([&, i] { seen[i] = &entry->lines(); });
    for (auto& t : threads)
        t.join();
    for (const LineIndex* s : seen)
        CHECK(s == seen[0]);
    const LineIndex& lines = entry->lines();
    CHECK(&lines == seen[0]);
    CHECK(lines.line_count() == 3);
    const auto end_tag = static_cast<mil::Offset>(text.find("</config>"));
    CHECK(lines.to_line_col(text, end_tag, Encoding::Utf16) == LineCol{2, 0});

    // A copy of the entry makes its own from the same text.
    mil::FileEntry copy = *entry;
    CHECK(&copy.lines() != &lines);
    CHECK(copy.lines().line_count() == 3);
    copy = *entry; // assigning drops the copy's index
    CHECK(copy.lines().to_line_col(text, end_tag, Encoding::Utf8) == LineCol{2, 0});
}
