#include "mil/base/text.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using mil::Encoding;
using mil::LineCol;
using mil::LineIndex;
using mil::Offset;
using mil::TextDocument;

namespace {

std::vector<Offset> starts_of(const LineIndex& idx) {
    std::vector<Offset> out;
    for (std::uint32_t i = 0; i < idx.line_count(); ++i)
        out.push_back(idx.line_start(i));
    return out;
}

} // namespace

TEST_CASE("LineIndex finds line starts for LF, CRLF and CR terminators") {
    struct Case {
        std::string text;
        std::vector<Offset> starts;
    };
    const std::vector<Case> cases = {
        {"", {0}},
        {"abc", {0}},
        {"a\n", {0, 2}},
        {"a\nb", {0, 2}},
        {"a\r\nb", {0, 3}},
        {"a\rb", {0, 2}},
        {"a\n\rb", {0, 2, 3}},
        {"\r\n\r\n", {0, 2, 4}},
        {"\r\r\n\n", {0, 1, 3, 4}},
        {"x\r", {0, 2}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        LineIndex idx(c.text);
        CHECK(starts_of(idx) == c.starts);
    }
}

TEST_CASE("line_end stops before the terminator") {
    const std::string text = "ab\r\ncd\re\n\nlast";
    LineIndex idx(text);
    REQUIRE(idx.line_count() == 5);
    CHECK(idx.line_end(text, 0) == 2);
    CHECK(idx.line_end(text, 1) == 6);
    CHECK(idx.line_end(text, 2) == 8);
    CHECK(idx.line_end(text, 3) == 9);
    CHECK(idx.line_end(text, 4) == text.size());
    CHECK(idx.line_end(text, 99) == text.size());
}

TEST_CASE("to_line_col counts UTF-8 bytes or UTF-16 units") {
    // é = 2 bytes / 1 unit, 中 = 3 bytes / 1 unit, 😀 = 4 bytes / 2 units.
    const std::string text = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80z\nq";
    LineIndex idx(text);
    const Offset z = 1 + 2 + 3 + 4;
    CHECK(idx.to_line_col(text, z, Encoding::Utf8) == LineCol{0, 10});
    CHECK(idx.to_line_col(text, z, Encoding::Utf16) == LineCol{0, 5});
    CHECK(idx.to_line_col(text, 3, Encoding::Utf16) == LineCol{0, 2}); // before 中
    CHECK(idx.to_line_col(text, 6, Encoding::Utf16) == LineCol{0, 3}); // before 😀
    CHECK(idx.to_line_col(text, z + 2, Encoding::Utf16) == LineCol{1, 0});
    CHECK(idx.to_line_col(text, z + 3, Encoding::Utf16) == LineCol{1, 1});
}

TEST_CASE("to_line_col inside a character or a CRLF gives the position before it") {
    const std::string text = "x\xF0\x9F\x98\x80y\r\nz";
    LineIndex idx(text);
    for (Offset o = 2; o <= 4; ++o) {
        CAPTURE(o);
        CHECK(idx.to_line_col(text, o, Encoding::Utf16) == LineCol{0, 1});
        CHECK(idx.to_line_col(text, o, Encoding::Utf8) == LineCol{0, 1});
    }
    // Offset 7 is between '\r' and '\n': the end of line 0.
    CHECK(idx.to_line_col(text, 6, Encoding::Utf16) == LineCol{0, 4});
    CHECK(idx.to_line_col(text, 7, Encoding::Utf16) == LineCol{0, 4});
    CHECK(idx.to_line_col(text, 8, Encoding::Utf16) == LineCol{1, 0});
}

TEST_CASE("to_line_col clamps an offset past the end") {
    const std::string text = "ab\ncd";
    LineIndex idx(text);
    CHECK(idx.to_line_col(text, 5, Encoding::Utf16) == LineCol{1, 2});
    CHECK(idx.to_line_col(text, 500, Encoding::Utf16) == LineCol{1, 2});
    const std::string empty;
    CHECK(LineIndex(empty).to_line_col(empty, 7, Encoding::Utf8) == LineCol{0, 0});
}

TEST_CASE("to_offset clamps and snaps to character starts") {
    const std::string text = "a\xF0\x9F\x98\x80"
                             "b\r\n\xC3\xA9t\n";
    LineIndex idx(text);
    REQUIRE(idx.line_count() == 3);
    CHECK(idx.to_offset(text, {0, 0}, Encoding::Utf16) == 0);
    CHECK(idx.to_offset(text, {0, 1}, Encoding::Utf16) == 1);
    CHECK(idx.to_offset(text, {0, 2}, Encoding::Utf16) == 1); // inside the surrogate pair
    CHECK(idx.to_offset(text, {0, 3}, Encoding::Utf16) == 5);
    CHECK(idx.to_offset(text, {0, 4}, Encoding::Utf16) == 6);   // end of line 0
    CHECK(idx.to_offset(text, {0, 400}, Encoding::Utf16) == 6); // past the line: its end
    CHECK(idx.to_offset(text, {0, 3}, Encoding::Utf8) == 1);    // inside the UTF-8 sequence
    CHECK(idx.to_offset(text, {0, 5}, Encoding::Utf8) == 5);
    CHECK(idx.to_offset(text, {1, 1}, Encoding::Utf16) == 10);
    CHECK(idx.to_offset(text, {1, 1}, Encoding::Utf8) == 8); // inside é
    CHECK(idx.to_offset(text, {2, 0}, Encoding::Utf16) == text.size());
    CHECK(idx.to_offset(text, {3, 0}, Encoding::Utf16) == text.size()); // line past the end
    CHECK(idx.to_offset(text, {99, 9}, Encoding::Utf8) == text.size());
}

TEST_CASE("offsets and line/columns round-trip at every character boundary") {
    const std::string text =
        "<a b=\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\"/>\r\n\r\n\xF0\x9F\x98\x80\rx\n";
    LineIndex idx(text);
    for (Offset o = 0; o <= text.size(); ++o) {
        const bool boundary =
            o == text.size() || (static_cast<unsigned char>(text[o]) & 0xC0u) != 0x80u;
        const bool mid_crlf = o > 0 && o < text.size() && text[o - 1] == '\r' && text[o] == '\n';
        if (!boundary || mid_crlf) continue;
        CAPTURE(o);
        for (auto enc : {Encoding::Utf8, Encoding::Utf16}) {
            CHECK(idx.to_offset(text, idx.to_line_col(text, o, enc), enc) == o);
        }
    }
}

TEST_CASE("invalid UTF-8 bytes count as one unit each") {
    const std::string text = "a\xFF\xC3z"; // 0xFF invalid; 0xC3 truncated (followed by 'z')
    LineIndex idx(text);
    CHECK(idx.to_line_col(text, 4, Encoding::Utf16) == LineCol{0, 4});
    CHECK(idx.to_offset(text, {0, 3}, Encoding::Utf16) == 3);
    CHECK(mil::utf16_length(text) == 4);
}

TEST_CASE("utf16_length") {
    CHECK(mil::utf16_length("") == 0);
    CHECK(mil::utf16_length("abc") == 3);
    CHECK(mil::utf16_length("\xC3\xA9") == 1);
    CHECK(mil::utf16_length("\xE4\xB8\xAD") == 1);
    CHECK(mil::utf16_length("\xF0\x9F\x98\x80") == 2);
    CHECK(mil::utf16_length("x\xF0\x9F\x98") == 4); // truncated emoji: three invalid bytes
}

TEST_CASE("valid_utf8") {
    CHECK(mil::valid_utf8(""));
    CHECK(mil::valid_utf8("plain ascii"));
    CHECK(mil::valid_utf8("\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"));
    CHECK(mil::valid_utf8("\xF4\x8F\xBF\xBF"));       // U+10FFFF
    CHECK_FALSE(mil::valid_utf8("\xC0\x80"));         // overlong NUL
    CHECK_FALSE(mil::valid_utf8("\xE0\x80\x80"));     // overlong
    CHECK_FALSE(mil::valid_utf8("\xED\xA0\x80"));     // UTF-16 surrogate
    CHECK_FALSE(mil::valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(mil::valid_utf8("\xF5\x80\x80\x80"));
    CHECK_FALSE(mil::valid_utf8("\x80"));
    CHECK_FALSE(mil::valid_utf8("ab\xE4\xB8"));
    CHECK_FALSE(mil::valid_utf8(std::string("\xFF\xFE", 2)));
}

TEST_CASE("apply_change replaces ranges and whole texts") {
    TextDocument doc("file:///a.xml", "<config>\n  <x/>\n</config>\n", 1);
    CHECK(doc.uri() == "file:///a.xml");
    CHECK(doc.version() == 1);

    // Insert.
    doc.apply_change(std::pair{LineCol{1, 4}, LineCol{1, 4}}, "yz", Encoding::Utf16);
    CHECK(doc.text() == "<config>\n  <xyz/>\n</config>\n");
    // Replace across lines.
    doc.apply_change(std::pair{LineCol{0, 8}, LineCol{2, 0}}, "", Encoding::Utf16);
    CHECK(doc.text() == "<config></config>\n");
    // Reversed range is swapped.
    doc.apply_change(std::pair{LineCol{0, 17}, LineCol{0, 8}}, "\r\n", Encoding::Utf16);
    CHECK(doc.text() == "<config>\r\n\n");
    CHECK(doc.lines().line_count() == 3);
    // Range past the end is clamped.
    doc.apply_change(std::pair{LineCol{9, 0}, LineCol{12, 3}}, "end", Encoding::Utf16);
    CHECK(doc.text() == "<config>\r\n\nend");
    CHECK(doc.position(static_cast<Offset>(doc.text().size()), Encoding::Utf16) == LineCol{2, 3});
    // Whole text.
    doc.apply_change(std::nullopt, "new", Encoding::Utf16);
    CHECK(doc.text() == "new");
    CHECK(doc.lines().line_count() == 1);
    doc.set_version(7);
    CHECK(doc.version() == 7);
}

TEST_CASE("apply_change joining CR and LF updates the lines") {
    TextDocument doc("u", "a\rb", 0);
    REQUIRE(doc.lines().line_count() == 2);
    doc.apply_change(std::pair{LineCol{1, 0}, LineCol{1, 1}}, "\n", Encoding::Utf8);
    CHECK(doc.text() == "a\r\n");
    CHECK(doc.lines().line_count() == 2);
    CHECK(doc.offset({1, 0}, Encoding::Utf8) == 3);
}

TEST_CASE("apply_change with UTF-16 columns around a surrogate pair") {
    TextDocument doc("u", "<a>\xF0\x9F\x98\x80</a>", 0);
    // Column 5 is after the emoji (3 + 2 units).
    doc.apply_change(std::pair{LineCol{0, 5}, LineCol{0, 5}}, "\xC3\xA9", Encoding::Utf16);
    CHECK(doc.text() == "<a>\xF0\x9F\x98\x80\xC3\xA9</a>");
    // Delete the emoji by its UTF-16 range.
    doc.apply_change(std::pair{LineCol{0, 3}, LineCol{0, 5}}, "", Encoding::Utf16);
    CHECK(doc.text() == "<a>\xC3\xA9</a>");
}

namespace {

// A deliberately naive reference: decode the text into characters with their byte offsets
// and line numbers, then look positions up by linear search.
struct RefChar {
    std::size_t offset;
    std::size_t bytes;
    bool terminator; // part of a line terminator
};

std::size_t ref_lead_len(unsigned char c) {
    if (c < 0x80) return 1;
    if (c >= 0xF0) return 4;
    if (c >= 0xE0) return 3;
    return 2;
}

std::size_t ref_offset(const std::string& text, LineCol pos, Encoding enc) {
    std::size_t line = 0, col = 0, i = 0;
    while (i < text.size()) {
        if (line == pos.line) {
            if (text[i] == '\r' || text[i] == '\n') return i;
            const std::size_t n = ref_lead_len(static_cast<unsigned char>(text[i]));
            const std::size_t u = enc == Encoding::Utf8 ? n : (n == 4 ? 2 : 1);
            if (col + u > pos.col) return i;
            col += u;
            i += n;
            continue;
        }
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            ++line;
            i += 2;
        } else if (text[i] == '\r' || text[i] == '\n') {
            ++line;
            ++i;
        } else {
            ++i;
        }
    }
    return text.size();
}

std::vector<Offset> ref_starts(const std::string& text) {
    std::vector<Offset> s{0};
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
            s.push_back(static_cast<Offset>(i + 1));
    }
    return s;
}

} // namespace

TEST_CASE("random edit sequences match a reference model") {
    const std::vector<std::string> pieces = {
        "a", "<", ">", "\n", "\r", "\r\n", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80",
        " ", "x"};
    std::mt19937 rng(12345);
    auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n)(rng);
    };
    for (int round = 0; round < 40; ++round) {
        const Encoding enc = round % 2 ? Encoding::Utf16 : Encoding::Utf8;
        std::string model;
        TextDocument doc("u", model, 0);
        for (int step = 0; step < 150; ++step) {
            std::string insert;
            const std::size_t len = pick(4);
            for (std::size_t k = 0; k < len; ++k)
                insert += pieces[pick(pieces.size() - 1)];
            const auto lines = static_cast<std::uint32_t>(ref_starts(model).size());
            LineCol a{static_cast<std::uint32_t>(pick(lines)), static_cast<std::uint32_t>(pick(8))};
            LineCol b{static_cast<std::uint32_t>(pick(lines)), static_cast<std::uint32_t>(pick(8))};
            if (step % 25 == 24) {
                doc.apply_change(std::nullopt, insert, enc);
                model = insert;
            } else {
                std::size_t oa = ref_offset(model, a, enc), ob = ref_offset(model, b, enc);
                if (oa > ob) std::swap(oa, ob);
                doc.apply_change(std::pair{a, b}, insert, enc);
                model.replace(oa, ob - oa, insert);
            }
            REQUIRE(doc.text() == model);
            REQUIRE(starts_of(doc.lines()) == ref_starts(model));
        }
    }
}
