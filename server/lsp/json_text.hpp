// Writing JSON text directly, for large answers (a completion list) that would otherwise be
// built as a DOM first and then dumped. Strings are escaped as JSON requires; bytes that are
// not valid UTF-8 become U+FFFD, so the output is always valid JSON in UTF-8 (as nlohmann's
// dump with error_handler_t::replace).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace mil::json_text {

// At a non-ASCII byte s[i]: the length of the valid UTF-8 sequence there (`valid` true), or
// of the bytes to replace by one U+FFFD (`valid` false): the longest start of a sequence
// that could still have been valid, at least one byte (Unicode's "maximal subpart" practice,
// which nlohmann follows too).
struct Utf8Step {
    std::size_t length;
    bool valid;
};

inline Utf8Step utf8_step(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf; // allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        if (b0 == 0xe0) lo = 0xa0; // no overlong forms
        if (b0 == 0xed) hi = 0x9f; // no surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        if (b0 == 0xf0) lo = 0x90;
        if (b0 == 0xf4) hi = 0x8f; // not above U+10FFFF
    } else {
        return {1, false};
    }
    std::size_t k = 1;
    for (; k < n && i + k < s.size(); ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf)) break;
    }
    return {k, k == n};
}

// Appends `s` escaped as the contents of a JSON string (without the quotes).
inline void append_escaped(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t run = 0; // start of the bytes copied as they are
    auto flush = [&](std::size_t i) { out.append(s.data() + run, i - run); };
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            Utf8Step step = utf8_step(s, i);
            if (!step.valid) {
                flush(i);
                out += "\xef\xbf\xbd"; // U+FFFD
                run = i + step.length;
            }
            i += step.length;
            continue;
        }
        flush(i);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
        run = ++i;
    }
    flush(s.size());
}

// Appends `s` as a JSON string (with its quotes).
inline void append_string(std::string& out, std::string_view s) {
    out += '"';
    append_escaped(out, s);
    out += '"';
}

template <typename Int>
void append_int(std::string& out, Int v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// `"key":` (the key is written as given: a literal without characters to escape).
inline void append_key(std::string& out, std::string_view key) {
    out += '"';
    out += key;
    out += "\":";
}

} // namespace mil::json_text
