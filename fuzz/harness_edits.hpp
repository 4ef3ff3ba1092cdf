// Fuzz harness: incremental edits (TextDocument::apply_change) against a reference model.
//
// The reference is written from the LSP rules alone, independently of src/text.cpp: lines end
// at "\n", "\r\n" or "\r"; a column counts UTF-16 (or UTF-8) code units of the line's content;
// a line past the end means the end of the text, a column past the end of the line its end,
// a column inside a character that character's start; an invalid UTF-8 byte is one unit; a
// reversed range is swapped. After every change the document's text and line index must
// agree with the reference.
//
// Input: [initial length][initial text][changes...], each change
//   [flags][u16 line][u16 col][u16 line][u16 col][length][new text]
// flags bit 0: UTF-8 columns (else UTF-16); bit 1: no range (replace everything).
#pragma once

#include "harness.hpp"

#include "mil/base/text.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mil::fuzz {

namespace ref {

// Bytes in the valid UTF-8 character at s[i], or 0 when the bytes there are not one.
inline std::size_t utf8_char(std::string_view s, std::size_t i) {
    auto b = [&](std::size_t k) -> unsigned { return static_cast<unsigned char>(s[i + k]); };
    const unsigned c = b(0);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (b(k) & 0x3F);
    }
    static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

struct Line {
    std::size_t begin = 0;   // first byte
    std::size_t content = 0; // end of the content (before the terminator)
};

inline std::vector<Line> split_lines(std::string_view s) {
    std::vector<Line> lines;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' || s[i] == '\r') {
            lines.push_back({begin, i});
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            begin = i + 1;
        }
    }
    lines.push_back({begin, s.size()});
    return lines;
}

inline std::size_t offset(std::string_view s, std::uint32_t line, std::uint32_t col, bool utf8) {
    const std::vector<Line> lines = split_lines(s);
    if (line >= lines.size()) return s.size();
    std::size_t p = lines[line].begin;
    std::uint64_t units = 0;
    while (p < lines[line].content) {
        std::size_t len = utf8_char(s, p);
        if (len == 0 || p + len > lines[line].content) len = 1; // an invalid byte: one unit
        const bool valid = utf8_char(s, p) == len;
        const unsigned u = utf8 ? static_cast<unsigned>(len) : (valid && len == 4 ? 2u : 1u);
        if (units + u > col) break;
        units += u;
        p += len;
    }
    return p;
}

} // namespace ref

inline void check_line_index(const TextDocument& doc) {
    const std::string& text = doc.text();
    const std::vector<ref::Line> lines = ref::split_lines(text);
    MIL_FUZZ_CHECK(doc.lines().line_count() == lines.size(), "line count");
    for (std::size_t i = 0; i < lines.size(); ++i) {
        MIL_FUZZ_CHECK(doc.lines().line_start(static_cast<std::uint32_t>(i)) == lines[i].begin,
                       "line start");
        MIL_FUZZ_CHECK(doc.lines().line_end(text, static_cast<std::uint32_t>(i)) ==
                           lines[i].content,
                       "line end");
    }
}

inline void run_edits(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    std::string model(in.take(in.byte()));
    TextDocument doc("file:///fuzz/etc/integration.xml", model, 1);
    int steps = 0;
    while (!in.empty() && steps++ < 64) {
        const std::uint8_t flags = in.byte();
        const bool utf8 = flags & 1;
        const Encoding enc = utf8 ? Encoding::Utf8 : Encoding::Utf16;
        LineCol a{in.u16() % 64u, in.u16()};
        LineCol b{in.u16() % 64u, in.u16()};
        // Small columns are where the interesting cases are (inside characters, at ends).
        a.col %= (flags & 4) ? 0x10000u : 24u;
        b.col %= (flags & 8) ? 0x10000u : 24u;
        const std::string_view new_text = in.take(in.byte() % 32);

        if (flags & 2) {
            doc.apply_change(std::nullopt, new_text, enc);
            model.assign(new_text);
        } else {
            // The position -> offset conversion itself, against the reference.
            std::size_t ra = ref::offset(model, a.line, a.col, utf8);
            std::size_t rb = ref::offset(model, b.line, b.col, utf8);
            MIL_FUZZ_CHECK(doc.offset(a, enc) == ra,
                           describe("start offset", doc.offset(a, enc), ra));
            MIL_FUZZ_CHECK(doc.offset(b, enc) == rb,
                           describe("end offset", doc.offset(b, enc), rb));
            // Round trip: an offset that is a character boundary maps back to itself.
            const LineCol back = doc.position(static_cast<Offset>(ra), enc);
            MIL_FUZZ_CHECK(ref::offset(model, back.line, back.col, utf8) == ra,
                           "position() of a boundary offset maps back to it");
            doc.apply_change(std::make_pair(a, b), new_text, enc);
            if (ra > rb) std::swap(ra, rb);
            model.replace(ra, rb - ra, new_text);
        }
        MIL_FUZZ_CHECK(doc.text() == model, "text after the change equals the reference");
        check_line_index(doc);
    }
}

} // namespace mil::fuzz
