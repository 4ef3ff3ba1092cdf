// Cursor markers for table-driven tests: write the text with a marker ("|" by default) where
// the cursor is, get back the text without the marker and the cursor's byte offset.
//
//   auto c = mil::test::cursor(R"(<resource name="Magento_Sa|"/>)");
//   locate(parse_xml(c.text), c.text, c.offset);
#pragma once

#include "mil/base/text.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace mil::test {

struct CursorText {
    std::string text;  // the source with the marker removed
    Offset offset = 0; // byte offset where the marker was
};

// Removes the single occurrence of `marker` from `marked`. Throws std::invalid_argument when
// the marker is missing or appears more than once (a broken test table, not a test result).
inline CursorText cursor(std::string_view marked, std::string_view marker = "|") {
    const auto pos = marked.find(marker);
    if (marker.empty() || pos == std::string_view::npos)
        throw std::invalid_argument("cursor marker not found in: " + std::string(marked));
    if (marked.find(marker, pos + marker.size()) != std::string_view::npos)
        throw std::invalid_argument("cursor marker appears twice in: " + std::string(marked));
    CursorText out;
    out.text.reserve(marked.size() - marker.size());
    out.text.append(marked.substr(0, pos));
    out.text.append(marked.substr(pos + marker.size()));
    out.offset = static_cast<Offset>(pos);
    return out;
}

// The text of `range` in `text` (for checking ranges against substrings).
inline std::string_view slice(std::string_view text, Range range) {
    if (range.begin > text.size() || range.end > text.size() || range.begin > range.end)
        return "<range out of bounds>";
    return text.substr(range.begin, range.end - range.begin);
}

} // namespace mil::test
