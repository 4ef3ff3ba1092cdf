#include "mil/base/text.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace mil {

namespace {

// Code units taken by a character of `len` UTF-8 bytes in the given encoding.
std::uint32_t units(std::size_t len, Encoding enc) {
    if (enc == Encoding::Utf8) return static_cast<std::uint32_t>(len);
    return len == 4 ? 2u : 1u;
}

Offset clamp_offset(std::size_t v) {
    return static_cast<Offset>(std::min<std::size_t>(v, static_cast<std::size_t>(UINT32_MAX)));
}

} // namespace

LineIndex::LineIndex(std::string_view text) {
    const char* data = text.data();
    const std::size_t n = text.size();
    if (n == 0) {
        // No line break (and memchr must not see the null data of an empty view).
    } else if (std::memchr(data, '\r', n) == nullptr) {
        // No CR (the common case): memchr from one LF to the next.
        const char* p = data;
        const char* const end = data + n;
        while (const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
            p = static_cast<const char*>(lf) + 1;
            starts_.push_back(clamp_offset(static_cast<std::size_t>(p - data)));
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const char c = data[i];
            if (c == '\n') {
                starts_.push_back(clamp_offset(i + 1));
            } else if (c == '\r') {
                if (i + 1 < n && data[i + 1] == '\n') ++i;
                starts_.push_back(clamp_offset(i + 1));
            }
        }
    }
    // Marks on long lines only: the common case (short lines) costs nothing more.
    for (std::size_t line = 0; line < starts_.size(); ++line) {
        const std::size_t start = std::min<std::size_t>(starts_[line], n);
        // The next line's start bounds this one's end: most lines are ruled out by it.
        if (line + 1 < starts_.size() && starts_[line + 1] - start <= kMarkStride) continue;
        const std::size_t end = line_end(text, static_cast<std::uint32_t>(line));
        if (end - start <= kMarkStride) continue;
        std::size_t p = start, next = start + kMarkStride;
        std::uint32_t utf16 = 0;
        while (p < end) {
            if (p >= next) {
                marks_.push_back({clamp_offset(p), utf16});
                next = p + kMarkStride;
            }
            bool valid = true;
            const std::size_t len = utf8_step(text, p, valid);
            if (p + len > end) break;
            utf16 += units(len, Encoding::Utf16);
            p += len;
        }
    }
}

std::pair<std::size_t, std::uint32_t>
LineIndex::resume_at_offset(std::size_t start, std::size_t limit, Encoding enc) const {
    if (marks_.empty() || limit - start <= kMarkStride) return {start, 0};
    // The last mark at or before `limit`; it belongs to this line when it is past `start`
    // (marks sit strictly inside lines).
    auto it = std::upper_bound(marks_.begin(), marks_.end(), limit,
                               [](std::size_t v, const Mark& m) { return v < m.offset; });
    if (it == marks_.begin()) return {start, 0};
    const Mark& m = *std::prev(it);
    if (m.offset <= start) return {start, 0};
    return {m.offset,
            enc == Encoding::Utf8 ? static_cast<std::uint32_t>(m.offset - start) : m.utf16};
}

std::pair<std::size_t, std::uint32_t> LineIndex::resume_at_col(std::uint32_t line,
                                                               std::size_t start, std::uint32_t col,
                                                               Encoding enc) const {
    if (marks_.empty()) return {start, 0};
    // This line's marks: those between its start and the next line's start.
    const std::size_t next_start =
        line + 1 < starts_.size() ? starts_[line + 1] : static_cast<std::size_t>(UINT32_MAX) + 1;
    auto first = std::upper_bound(marks_.begin(), marks_.end(), start,
                                  [](std::size_t v, const Mark& m) { return v < m.offset; });
    auto last = std::lower_bound(first, marks_.end(), next_start,
                                 [](const Mark& m, std::size_t v) { return m.offset < v; });
    if (first == last) return {start, 0};
    auto col_of = [&](const Mark& m) {
        return enc == Encoding::Utf8 ? static_cast<std::uint32_t>(m.offset - start) : m.utf16;
    };
    // The last mark whose column is at most `col` (columns grow with offsets).
    auto it = std::upper_bound(first, last, col,
                               [&](std::uint32_t v, const Mark& m) { return v < col_of(m); });
    if (it == first) return {start, 0};
    const Mark& m = *std::prev(it);
    return {m.offset, col_of(m)};
}

Offset LineIndex::line_start(std::uint32_t line) const {
    if (line >= starts_.size()) return starts_.back();
    return starts_[line];
}

Offset LineIndex::line_end(std::string_view text, std::uint32_t line) const {
    const std::size_t size = text.size();
    if (line >= starts_.size()) return clamp_offset(size);
    const std::size_t start = std::min<std::size_t>(starts_[line], size);
    std::size_t end = line + 1 < starts_.size() ? starts_[line + 1] : size;
    end = std::min(end, size);
    if (line + 1 < starts_.size()) {
        if (end > start && text[end - 1] == '\n') {
            --end;
            if (end > start && text[end - 1] == '\r') --end;
        } else if (end > start && text[end - 1] == '\r') {
            --end;
        }
    }
    return clamp_offset(std::max(start, end));
}

LineCol LineIndex::to_line_col(std::string_view text, Offset offset, Encoding enc) const {
    const std::size_t off = std::min<std::size_t>(offset, text.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), off);
    const auto line = static_cast<std::uint32_t>((it - starts_.begin()) - 1);
    const std::size_t start = std::min<std::size_t>(starts_[line], text.size());
    // An offset inside the terminator counts as the end of the line's content.
    const std::size_t limit = std::min<std::size_t>(off, line_end(text, line));
    auto [p, col] = resume_at_offset(start, limit, enc);
    while (p < limit) {
        bool valid = true;
        const std::size_t len = utf8_step(text, p, valid);
        if (p + len > limit) break; // offset inside a character: position before it
        col += units(len, enc);
        p += len;
    }
    return {line, col};
}

Offset LineIndex::to_offset(std::string_view text, LineCol pos, Encoding enc) const {
    if (pos.line >= starts_.size()) return clamp_offset(text.size());
    const std::size_t start = std::min<std::size_t>(starts_[pos.line], text.size());
    const std::size_t end = line_end(text, pos.line);
    auto [p, col] = resume_at_col(pos.line, start, pos.col, enc);
    while (p < end) {
        bool valid = true;
        const std::size_t len = utf8_step(text, p, valid);
        const std::uint32_t u = units(len, enc);
        if (col + u > pos.col) break; // column inside a character: its start
        col += u;
        p += len;
    }
    return clamp_offset(p);
}

TextDocument::TextDocument(std::string uri, std::string text, std::int64_t version)
    : uri_(std::move(uri)), text_(std::move(text)), version_(version), lines_(text_) {}

void TextDocument::apply_change(const std::optional<std::pair<LineCol, LineCol>>& range,
                                std::string_view new_text, Encoding enc) {
    if (!range) {
        text_.assign(new_text.data(), new_text.size());
    } else {
        Offset a = offset(range->first, enc);
        Offset b = offset(range->second, enc);
        if (a > b) std::swap(a, b);
        text_.replace(a, b - a, new_text.data(), new_text.size());
    }
    lines_ = LineIndex(text_);
}

std::size_t utf16_length(std::string_view utf8) {
    std::size_t n = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        bool valid = true;
        const std::size_t len = utf8_step(utf8, i, valid);
        n += len == 4 ? 2 : 1;
        i += len;
    }
    return n;
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80u) {
            ++i;
            continue;
        }
        bool valid = true;
        i += utf8_step(s, i, valid);
        if (!valid) return false;
    }
    return true;
}

Offset line_start(std::string_view text, Offset offset) {
    offset = std::min<Offset>(offset, static_cast<Offset>(text.size()));
    while (offset > 0 && text[offset - 1] != '\n' && text[offset - 1] != '\r')
        --offset;
    return offset;
}

std::string line_indent(std::string_view text, Offset offset) {
    Offset b = line_start(text, offset);
    Offset e = b;
    while (e < text.size() && (text[e] == ' ' || text[e] == '\t'))
        ++e;
    return std::string(text.substr(b, e - b));
}

std::string newline_of(std::string_view text) {
    auto nl = text.find('\n');
    if (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r') return "\r\n";
    return "\n";
}

} // namespace mil
