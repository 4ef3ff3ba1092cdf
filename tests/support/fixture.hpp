// Fixture files with markers: a test's input is a file under tests/fixtures/ in which
//   $0                      marks the cursor (at most once), and
//   <<name>>text<</name>>   marks a named range around `text` (ranges may nest, and a name
//                           may be used once per file).
// The markers are removed; what remains is the file as the feature sees it. They do not
// collide with XML (`<<` is never well-formed XML, and `]]>` or `?>` stay as they are) nor
// with PHP's `$this`/`$x` (only `$0` is a marker).
//
//   auto f = mil::test::marked_fixture("ide/hover/integration_resource.xml");
//   engine.open(path, f.text);
//   auto h = engine.hover(path, f.cursor());
//   CHECK(h->range == f.range("id"));
#pragma once

#include "mil/base/text.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mil::test {

struct MarkedText {
    std::string text;              // without the markers
    std::optional<Offset> cursor_; // where `$0` was
    std::map<std::string, Range, std::less<>> ranges;

    Offset cursor() const {
        if (!cursor_) throw std::invalid_argument("the fixture has no $0 cursor");
        return *cursor_;
    }
    Range range(std::string_view name) const {
        auto it = ranges.find(name);
        if (it == ranges.end())
            throw std::invalid_argument("the fixture has no range <<" + std::string(name) + ">>");
        return it->second;
    }
    // The text inside a named range.
    std::string_view at(std::string_view name) const {
        const Range r = range(name);
        return std::string_view(text).substr(r.begin, r.end - r.begin);
    }
};

// Strips the markers of `marked`. A broken fixture (an unclosed or unopened range, a second
// cursor, a name used twice) throws std::invalid_argument: a broken test, not a result.
inline MarkedText parse_markers(std::string_view marked) {
    MarkedText out;
    out.text.reserve(marked.size());
    std::vector<std::pair<std::string, Offset>> open; // names opened and not yet closed
    for (std::size_t i = 0; i < marked.size();) {
        if (marked.compare(i, 2, "$0") == 0) {
            if (out.cursor_) throw std::invalid_argument("a second $0 cursor");
            out.cursor_ = static_cast<Offset>(out.text.size());
            i += 2;
            continue;
        }
        if (marked.compare(i, 2, "<<") == 0) {
            const bool closing = marked.compare(i, 3, "<</") == 0;
            const std::size_t name_at = i + (closing ? 3 : 2);
            const std::size_t end = marked.find(">>", name_at);
            const std::string_view name = end == std::string_view::npos
                                              ? std::string_view{}
                                              : marked.substr(name_at, end - name_at);
            const bool is_name =
                !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                                     std::string_view::npos;
            if (is_name) {
                const auto here = static_cast<Offset>(out.text.size());
                if (!closing) {
                    open.emplace_back(std::string(name), here);
                } else {
                    if (open.empty() || open.back().first != name)
                        throw std::invalid_argument("<</" + std::string(name) +
                                                    ">> closes no open range");
                    if (!out.ranges.emplace(name, Range{open.back().second, here}).second)
                        throw std::invalid_argument("range <<" + std::string(name) +
                                                    ">> marked twice");
                    open.pop_back();
                }
                i = end + 2;
                continue;
            }
        }
        out.text += marked[i++];
    }
    if (!open.empty()) throw std::invalid_argument("<<" + open.back().first + ">> is not closed");
    return out;
}

// The file `rel` under tests/fixtures/, with its markers parsed.
inline MarkedText marked_fixture(const std::string& rel) {
    const std::string path = std::string(MIL_FIXTURES_DIR) + "/" + rel;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("no fixture file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_markers(ss.str());
}

} // namespace mil::test
