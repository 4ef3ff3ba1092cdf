#include "lsp/json_repair.hpp"

namespace mil {

namespace {

constexpr std::string_view kReplacement = "\\ufffd";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The code unit of "\uXXXX" at s[i] (s[i] == '\\'), or -1 when it is not one.
long escape_unit(std::string_view s, std::size_t i) {
    if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
    long v = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
        const int h = hex_value(s[k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

bool is_high(long u) {
    return u >= 0xd800 && u <= 0xdbff;
}
bool is_low(long u) {
    return u >= 0xdc00 && u <= 0xdfff;
}

} // namespace

std::optional<std::string> repair_json_strings(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    bool changed = false, in_string = false;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (!in_string) {
            if (c == '"') in_string = true;
            out += c;
            ++i;
            continue;
        }
        if (c == '"') {
            in_string = false;
            out += c;
            ++i;
        } else if (c == '\\') {
            const char e = i + 1 < s.size() ? s[i + 1] : '\0';
            if (e == 'u') {
                const long u = escape_unit(s, i);
                if (u < 0) { // not four hex digits: the backslash and the 'u' go
                    out += kReplacement;
                    changed = true;
                    i += 2;
                } else if (is_high(u) && is_low(escape_unit(s, i + 6))) {
                    out.append(s.substr(i, 12)); // a valid pair
                    i += 12;
                } else if (is_high(u) || is_low(u)) {
                    out += kReplacement; // a lone surrogate
                    changed = true;
                    i += 6;
                } else {
                    out.append(s.substr(i, 6));
                    i += 6;
                }
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                out.append(s.substr(i, 2));
                i += 2;
            } else if (i + 1 >= s.size()) {
                out += c; // the text ends inside a string: nothing to repair there
                ++i;
            } else { // an escape JSON does not have ("\x", "\'"): it becomes U+FFFD
                out += kReplacement;
                changed = true;
                i += 2;
            }
        } else {
            out += c; // raw bytes stay as they are: a body that is not UTF-8 stays refused
            ++i;
        }
    }
    if (!changed) return std::nullopt;
    return out;
}

} // namespace mil
