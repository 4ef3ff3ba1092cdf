// Text documents, byte ranges and position conversion.
//
// Inside the core every position is a UTF-8 byte offset into the document's text.
// Line/column pairs exist only at the edges (protocol, check output) and are produced
// here, in UTF-8 code units or UTF-16 code units.
#pragma once

#include "mil/base/strings.hpp" // append_utf8, utf8_sequence_length

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mil {

using Offset = std::uint32_t;

// Half-open byte range [begin, end) in one document's text.
struct Range {
    Offset begin = 0;
    Offset end = 0;
    bool contains(Offset o) const { return begin <= o && o < end; }
    // True when `o` is inside the range or just at its end (a cursor after the last char).
    bool touches(Offset o) const { return begin <= o && o <= end; }
    bool empty() const { return begin == end; }
    friend bool operator==(const Range&, const Range&) = default;
};

enum class Encoding { Utf8, Utf16 };

// A 0-based line and a 0-based column counted in code units of some Encoding.
struct LineCol {
    std::uint32_t line = 0;
    std::uint32_t col = 0;
    friend bool operator==(const LineCol&, const LineCol&) = default;
};

// Start offsets of each line. Line terminators are "\n", "\r\n" and "\r", as LSP says.
class LineIndex {
public:
    LineIndex() = default;
    explicit LineIndex(std::string_view text);

    std::size_t line_count() const { return starts_.size(); }
    Offset line_start(std::uint32_t line) const;
    // End of the line's content, before its terminator.
    Offset line_end(std::string_view text, std::uint32_t line) const;

    // Offset -> line/column. An offset past the end is clamped to the end; an offset in the
    // middle of a UTF-8 sequence or of a CRLF counts as the position before it.
    LineCol to_line_col(std::string_view text, Offset offset, Encoding enc) const;
    // Line/column -> offset, clamped: a line past the end gives the end of the text, a column
    // past the end of the line gives the end of that line, a column inside a surrogate pair
    // or a UTF-8 sequence gives the start of that character.
    Offset to_offset(std::string_view text, LineCol pos, Encoding enc) const;

private:
    // On lines longer than kMarkStride bytes (minified XML, a generated file), a mark at a
    // character boundary every kMarkStride bytes with the UTF-16 column there, so that a
    // conversion scans at most kMarkStride bytes instead of the whole line (a response with
    // many ranges on one long line would otherwise take time quadratic in its length).
    struct Mark {
        Offset offset;       // a character boundary inside a long line
        std::uint32_t utf16; // the UTF-16 column at `offset` (the UTF-8 column is the bytes)
    };
    static constexpr std::size_t kMarkStride = 1024;
    // The last mark of `line` at or before `limit` bytes / at or before column `col`: the
    // offset and the column to scan on from (the line's start and 0 when there is none).
    std::pair<std::size_t, std::uint32_t> resume_at_offset(std::size_t start, std::size_t limit,
                                                           Encoding enc) const;
    std::pair<std::size_t, std::uint32_t> resume_at_col(std::uint32_t line, std::size_t start,
                                                        std::uint32_t col, Encoding enc) const;

    std::vector<Offset> starts_{0};
    std::vector<Mark> marks_; // sorted by offset
};

// An open document: its text, version and line index, kept in step.
class TextDocument {
public:
    TextDocument() = default;
    TextDocument(std::string uri, std::string text, std::int64_t version);

    const std::string& uri() const { return uri_; }
    const std::string& text() const { return text_; }
    std::int64_t version() const { return version_; }
    const LineIndex& lines() const { return lines_; }

    // One LSP content change: with a range, replaces that range (clamped to the text, start
    // and end swapped when reversed); without, replaces the whole text.
    void apply_change(const std::optional<std::pair<LineCol, LineCol>>& range,
                      std::string_view new_text, Encoding enc);
    void set_version(std::int64_t v) { version_ = v; }

    LineCol position(Offset o, Encoding enc) const { return lines_.to_line_col(text_, o, enc); }
    Offset offset(LineCol p, Encoding enc) const { return lines_.to_offset(text_, p, enc); }

private:
    std::string uri_;
    std::string text_;
    std::int64_t version_ = 0;
    LineIndex lines_;
};

// Number of UTF-16 code units in a UTF-8 string (invalid bytes count as one unit each).
std::size_t utf16_length(std::string_view utf8);
// True when `s` is valid UTF-8.
bool valid_utf8(std::string_view s);

// The start of the line holding `offset`, its indentation (spaces/tabs), and the file's
// newline ("\r\n" when its first line ends so, else "\n").
std::string line_indent(std::string_view text, Offset offset);
std::string newline_of(std::string_view text);
Offset line_start(std::string_view text, Offset offset);

} // namespace mil
