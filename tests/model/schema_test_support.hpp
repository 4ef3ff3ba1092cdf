// Helpers for the schema tests: run validate_schema on a text and check the one diagnostic
// expected, its range given as the n-th occurrence of a substring.
#pragma once

#include "cursor.hpp"
#include "mil/model/schema.hpp"
#include "mil/syntax/xml.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mil::test {

inline std::vector<Diagnostic> schema_diagnostics(SchemaKind kind, const std::string& text) {
    const XmlDocument doc = parse_xml(text);
    return validate_schema(kind, doc, text);
}

inline std::string describe_all(const std::string& text, const std::vector<Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds)
        out += "[" + std::string(slice(text, d.range)) + "] " + d.message + "\n";
    return out;
}

// Range of the `nth` (1-based) occurrence of `needle` in `text`; an empty range at the end of
// the text when there is none (so that a comparison fails visibly).
inline Range nth_range(std::string_view text, std::string_view needle, int nth = 1) {
    std::size_t pos = std::string_view::npos;
    std::size_t from = 0;
    for (int i = 0; i < nth; ++i) {
        pos = text.find(needle, from);
        if (pos == std::string_view::npos) {
            const auto end = static_cast<Offset>(text.size());
            return Range{end, end};
        }
        from = pos + 1;
    }
    return Range{static_cast<Offset>(pos), static_cast<Offset>(pos + needle.size())};
}

inline void expect_clean(SchemaKind kind, const std::string& text) {
    const auto ds = schema_diagnostics(kind, text);
    INFO(text);
    INFO(describe_all(text, ds));
    CHECK(ds.empty());
}

// Exactly one diagnostic, code "schema", severity Error, on the nth `needle`, whose message
// contains every fragment.
inline void expect_one(SchemaKind kind, const std::string& text, std::string_view needle, int nth,
                       const std::vector<std::string>& fragments) {
    const auto ds = schema_diagnostics(kind, text);
    INFO(text);
    INFO(describe_all(text, ds));
    REQUIRE(ds.size() == 1);
    const Diagnostic& d = ds.front();
    CHECK(d.code == "schema");
    CHECK(d.severity == Severity::Error);
    CHECK(slice(text, d.range) == needle);
    CHECK(d.range == nth_range(text, needle, nth));
    for (const auto& f : fragments) {
        INFO("fragment: " << f);
        CHECK(d.message.find(f) != std::string::npos);
    }
}

} // namespace mil::test
