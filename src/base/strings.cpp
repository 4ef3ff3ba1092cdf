#include "mil/base/strings.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <locale>
#include <sstream>
#include <vector>

namespace mil {

std::string shown(std::string_view s, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size();) {
        if (chars == max_chars) {
            out += "\xE2\x80\xA6"; // ellipsis
            break;
        }
        bool valid = true;
        const std::size_t len = utf8_step(s, i, valid);
        const auto c = static_cast<unsigned char>(s[i]);
        if (!valid)
            out += "\xEF\xBF\xBD"; // replacement character
        else if (c < 0x20u || c == 0x7Fu)
            out += ' ';
        else
            out.append(s.substr(i, len));
        i += len;
        ++chars;
    }
    return out;
}

std::string fold_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = ascii_lower(c);
    return out;
}

bool icontains_folded(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    if (hay.size() < needle.size()) return false;
    const char first = needle[0];
    const std::size_t last = hay.size() - needle.size();
    for (std::size_t i = 0; i <= last; ++i) {
        if (ascii_lower(hay[i]) != first) continue;
        std::size_t k = 1;
        while (k < needle.size() && ascii_lower(hay[i + k]) == needle[k])
            ++k;
        if (k == needle.size()) return true;
    }
    return false;
}

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.size() - a.size() > limit) return limit + 1;
    // One row of the table; on the stack for ids of usual length (this runs for every id of
    // the tree when a reference is unknown).
    constexpr std::size_t kStackRow = 128;
    std::size_t stack_row[kStackRow + 1];
    std::vector<std::size_t> heap_row;
    std::size_t* row = stack_row;
    if (a.size() > kStackRow) {
        heap_row.resize(a.size() + 1);
        row = heap_row.data();
    }
    for (std::size_t i = 0; i <= a.size(); ++i)
        row[i] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t prev = row[0];
        row[0] = j;
        std::size_t best = row[0];
        const char bj = ascii_lower(b[j - 1]);
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t cur = row[i];
            std::size_t cost = ascii_lower(a[i - 1]) == bj ? 0 : 1;
            row[i] = std::min({row[i] + 1, row[i - 1] + 1, prev + cost});
            prev = cur;
            best = std::min(best, row[i]);
        }
        if (best > limit) return limit + 1;
    }
    return row[a.size()];
}

bool append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp <= 0x10FFFF) {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        return false;
    }
    return true;
}

namespace {

// For a JSON number whose digits are not all zero: the power of ten of its first non-zero
// digit, plus one ("123" -> 3, "0.05" -> -1, "1e400" -> 401).
long decimal_magnitude(std::string_view n) {
    std::size_t p = 0;
    if (p < n.size() && n[p] == '-') ++p;
    long int_digits = 0, leading_frac_zeros = 0;
    bool nonzero = false;
    for (; p < n.size() && n[p] >= '0' && n[p] <= '9'; ++p) {
        if (n[p] != '0') nonzero = true;
        if (nonzero) ++int_digits;
    }
    if (p < n.size() && n[p] == '.') {
        for (++p; p < n.size() && n[p] >= '0' && n[p] <= '9'; ++p) {
            if (n[p] != '0') nonzero = true;
            if (!nonzero) ++leading_frac_zeros;
        }
    }
    long exponent = 0;
    if (p < n.size() && (n[p] == 'e' || n[p] == 'E')) {
        ++p;
        const bool negative = p < n.size() && n[p] == '-';
        if (p < n.size() && (n[p] == '-' || n[p] == '+')) ++p;
        for (; p < n.size() && n[p] >= '0' && n[p] <= '9'; ++p)
            exponent = std::min(exponent * 10 + (n[p] - '0'), 1L << 20);
        if (negative) exponent = -exponent;
    }
    return (int_digits > 0 ? int_digits : -leading_frac_zeros) + exponent;
}

} // namespace

double json_number_value(std::string_view number) {
    std::istringstream in{std::string(number)};
    in.imbue(std::locale::classic());
    double value = 0;
    in >> value;
    if (!in.fail()) return value;
    // Out of range (the only failure a well-formed number meets): its decimal magnitude
    // tells too large from too small.
    const double huge = std::numeric_limits<double>::infinity();
    const double magnitude = decimal_magnitude(number) > 0 ? huge : 0.0;
    return !number.empty() && number[0] == '-' ? -magnitude : magnitude;
}

} // namespace mil
