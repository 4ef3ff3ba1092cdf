// Small string helpers the whole project shares: ASCII case folding and comparison, edit
// distance, UTF-8 sequences. Bytes only: no locale, no allocation unless a string is returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mil {

// 'A'-'Z' to 'a'-'z'; every other byte as it is (inline: std::tolower is a call into the C
// locale per character).
constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// '0'-'9'.
constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

// Space, tab, line feed, carriage return: white space in XML (the S production) and JSON.
constexpr bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// `s` without the white space (is_ws) at either end.
constexpr std::string_view trim_ws(std::string_view s) {
    while (!s.empty() && is_ws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back()))
        s.remove_suffix(1);
    return s;
}

// `s` as a message may quote it, whoever wrote the file: valid UTF-8 (an invalid byte becomes
// U+FFFD), no control characters (each becomes a space), at most `max_chars` characters (then
// an ellipsis).
std::string shown(std::string_view s, std::size_t max_chars = 60);

// `s` with ASCII letters in lower case.
std::string fold_ascii(std::string_view s);

// Whether `a` and `b` are equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

// Whether `s` starts with `prefix`, ignoring ASCII case.
constexpr bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Whether `hay` contains `needle` (already folded by fold_ascii), ignoring ASCII case.
bool icontains_folded(std::string_view hay, std::string_view needle);

// Levenshtein distance ignoring ASCII case, or limit + 1 once it is certain to exceed
// `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// Length in bytes of the well-formed UTF-8 sequence at s[i] (i < s.size()): 1 for ASCII, 2 to
// 4, or 0 when it is malformed, truncated, overlong, a surrogate or past U+10FFFF.
constexpr std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80u) return 1;
    auto in = [&](std::size_t k, unsigned lo, unsigned hi) {
        if (i + k >= s.size()) return false;
        const auto b = static_cast<unsigned char>(s[i + k]);
        return b >= lo && b <= hi;
    };
    if (b0 >= 0xC2u && b0 <= 0xDFu) return in(1, 0x80, 0xBF) ? 2 : 0;
    if (b0 >= 0xE0u && b0 <= 0xEFu) {
        const unsigned lo = b0 == 0xE0u ? 0xA0 : 0x80, hi = b0 == 0xEDu ? 0x9F : 0xBF;
        return in(1, lo, hi) && in(2, 0x80, 0xBF) ? 3 : 0;
    }
    if (b0 >= 0xF0u && b0 <= 0xF4u) {
        const unsigned lo = b0 == 0xF0u ? 0x90 : 0x80, hi = b0 == 0xF4u ? 0x8F : 0xBF;
        return in(1, lo, hi) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

// The bytes to step over at s[i]: the well-formed sequence's length, or 1 for a malformed
// byte (then `valid` is false).
constexpr std::size_t utf8_step(std::string_view s, std::size_t i, bool& valid) {
    const std::size_t len = utf8_sequence_length(s, i);
    valid = len != 0;
    return valid ? len : 1;
}

// The code point of the well-formed sequence of `len` bytes (utf8_sequence_length) at s[i].
constexpr std::uint32_t utf8_decode(std::string_view s, std::size_t i, std::size_t len) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = len == 1   ? b0
                       : len == 2 ? (b0 & 0x1Fu)
                       : len == 3 ? (b0 & 0x0Fu)
                                  : (b0 & 0x07u);
    for (std::size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    return cp;
}

// Appends the code point `cp` as UTF-8; false (nothing appended) above U+10FFFF. Surrogate
// code points are encoded as they are: callers that decode escapes reject them first.
bool append_utf8(std::string& out, std::uint32_t cp);

// The value of `number`, a well-formed JSON number, read the same in every locale: plus or
// minus infinity when it is too large for a double, zero (or a denormal) when too small.
// Portable on purpose: std::from_chars for double is missing from older Apple libc++.
double json_number_value(std::string_view number);

} // namespace mil
