#include "mil/syntax/php.hpp"
#include "mil/base/strings.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mil {

const char* php_token_kind_name(PhpTokenKind k) {
    switch (k) {
    case PhpTokenKind::InlineHtml:
        return "inline-html";
    case PhpTokenKind::OpenTag:
        return "open-tag";
    case PhpTokenKind::CloseTag:
        return "close-tag";
    case PhpTokenKind::Whitespace:
        return "whitespace";
    case PhpTokenKind::LineComment:
        return "line-comment";
    case PhpTokenKind::BlockComment:
        return "block-comment";
    case PhpTokenKind::DocComment:
        return "doc-comment";
    case PhpTokenKind::Variable:
        return "variable";
    case PhpTokenKind::Name:
        return "name";
    case PhpTokenKind::Number:
        return "number";
    case PhpTokenKind::SingleQuoted:
        return "single-quoted";
    case PhpTokenKind::DoubleQuoted:
        return "double-quoted";
    case PhpTokenKind::Backtick:
        return "backtick";
    case PhpTokenKind::Heredoc:
        return "heredoc";
    case PhpTokenKind::Nowdoc:
        return "nowdoc";
    case PhpTokenKind::Punct:
        return "punct";
    case PhpTokenKind::Unknown:
        return "unknown";
    }
    return "unknown";
}

bool php_token_is_trivia(PhpTokenKind k) {
    switch (k) {
    case PhpTokenKind::InlineHtml:
    case PhpTokenKind::OpenTag:
    case PhpTokenKind::Whitespace:
    case PhpTokenKind::LineComment:
    case PhpTokenKind::BlockComment:
    case PhpTokenKind::DocComment:
        return true;
    default:
        return false;
    }
}

namespace {

// ---------------------------------------------------------------------------------------
// Character classes

bool is_name_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_name_char(unsigned char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}
bool is_hex(unsigned char c) {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_php_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_ascii_lower(char c) {
    return c >= 'a' && c <= 'z';
}

// Offset of the first occurrence of `needle` (lower-case ASCII) in `text` at or after `from`,
// ignoring ASCII case, or npos: a cheap test that lets most PHP files skip tokenization (a
// call must spell its name out). Candidates are where the first and the last letter of the
// needle match (16 positions at a time with SSE2), then compared whole.
std::size_t find_icase(std::string_view text, std::string_view needle, std::size_t from = 0) {
    const std::size_t m = needle.size();
    if (m == 0) return from <= text.size() ? from : std::string_view::npos;
    if (text.size() < m || from > text.size() - m) return std::string_view::npos;
    const char first = needle.front(), last = needle.back();
    std::size_t i = from;
#if defined(__SSE2__)
    // OR 0x20 folds exactly 'A'-'Z' onto 'a'-'z' among the bytes that can then equal a
    // lower-case letter, so for letters the comparison below has no false positive.
    if (is_ascii_lower(first) && is_ascii_lower(last)) {
        const __m128i fold = _mm_set1_epi8(0x20);
        const __m128i f = _mm_set1_epi8(first);
        const __m128i l = _mm_set1_epi8(last);
        for (; i + m - 1 + 16 <= text.size(); i += 16) {
            const __m128i a = _mm_or_si128(
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i)), fold);
            const __m128i b = _mm_or_si128(
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i + m - 1)), fold);
            auto mask = static_cast<unsigned>(
                _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l))));
            while (mask) {
                const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
                if (iequals(text.substr(at, m), needle)) return at;
                mask &= mask - 1;
            }
        }
    }
#endif
    for (; i + m <= text.size(); ++i)
        if (ascii_lower(text[i]) == first && iequals(text.substr(i, m), needle)) return i;
    return std::string_view::npos;
}

bool contains_icase(std::string_view text, std::string_view needle) {
    return find_icase(text, needle) != std::string_view::npos;
}

// Whether `word` (lower-case ASCII) may occur in `text` as a keyword token, ignoring ASCII
// case: an occurrence not followed by a name character and not preceded by a letter or '_'
// (a digit or a byte >= 0x80 before it still counts, to stay on the safe side).
bool contains_keyword_icase(std::string_view text, std::string_view word) {
    for (std::size_t at = find_icase(text, word); at != std::string_view::npos;
         at = find_icase(text, word, at + 1)) {
        const std::size_t end = at + word.size();
        if (end < text.size() && is_name_char(static_cast<unsigned char>(text[end]))) continue;
        if (at > 0) {
            const auto before = static_cast<unsigned char>(text[at - 1]);
            if ((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') ||
                before == '_')
                continue;
        }
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------
// Tokenizer

class Lexer {
public:
    explicit Lexer(std::string_view text) : s_(text), n_(text.size()) {}

    std::vector<PhpToken> run() {
        // About one token per five bytes in PHP code (white space and comments count as
        // tokens): one allocation for most files instead of a dozen as the vector grows.
        out_.reserve(n_ / 5 + 16);
        std::size_t p = 0;
        bool in_php = false;
        while (p < n_) {
            if (!in_php) {
                p = html(p, in_php);
            } else {
                p = php(p, in_php);
            }
        }
        return std::move(out_);
    }

private:
    std::string_view s_;
    std::size_t n_;
    std::vector<PhpToken> out_;

    unsigned char at(std::size_t p) const { return p < n_ ? static_cast<unsigned char>(s_[p]) : 0; }
    bool starts(std::size_t p, std::string_view what) const {
        return p <= n_ && s_.substr(p, what.size()) == what;
    }

    void emit(PhpTokenKind kind, std::size_t b, std::size_t e, bool terminated = true) {
        emit_inner(kind, b, e, b, e, terminated);
    }
    void emit_inner(PhpTokenKind kind, std::size_t b, std::size_t e, std::size_t ib, std::size_t ie,
                    bool terminated) {
        PhpToken t;
        t.kind = kind;
        t.terminated = terminated;
        t.range = {static_cast<Offset>(b), static_cast<Offset>(e)};
        t.inner = {static_cast<Offset>(ib), static_cast<Offset>(ie)};
        out_.push_back(t);
    }

    // Length of an open tag at p, or 0.
    std::size_t open_tag_at(std::size_t p) const {
        if (!starts(p, "<?")) return 0;
        if (at(p + 2) == '=') return 3;
        if (p + 5 <= n_ && iequals(s_.substr(p + 2, 3), "php")) {
            if (p + 5 == n_) return 5;
            unsigned char c = at(p + 5);
            if (c == '\r' && at(p + 6) == '\n') return 7;
            if (is_php_space(c)) return 6;
        }
        return 0;
    }

    std::size_t html(std::size_t p, bool& in_php) {
        std::size_t q = p;
        while (q < n_) {
            if (s_[q] == '<' && open_tag_at(q) != 0) break;
            ++q;
        }
        if (q > p) emit(PhpTokenKind::InlineHtml, p, q);
        if (q < n_) {
            std::size_t len = open_tag_at(q);
            emit(PhpTokenKind::OpenTag, q, q + len);
            in_php = true;
            return q + len;
        }
        return q;
    }

    std::size_t php(std::size_t p, bool& in_php) {
        unsigned char c = at(p);
        if (is_php_space(c)) {
            std::size_t q = p;
            while (q < n_ && is_php_space(at(q)))
                ++q;
            emit(PhpTokenKind::Whitespace, p, q);
            return q;
        }
        if (c == '?' && at(p + 1) == '>') {
            std::size_t q = p + 2;
            if (at(q) == '\n') {
                q += 1;
            } else if (at(q) == '\r') {
                q += at(q + 1) == '\n' ? 2 : 1;
            }
            emit(PhpTokenKind::CloseTag, p, q);
            in_php = false;
            return q;
        }
        if (c == '#' && at(p + 1) == '[') {
            emit(PhpTokenKind::Punct, p, p + 2);
            return p + 2;
        }
        if (c == '#' || (c == '/' && at(p + 1) == '/')) return line_comment(p);
        if (c == '/' && at(p + 1) == '*') return block_comment(p);
        if (c == '$' && is_name_start(at(p + 1))) {
            std::size_t q = p + 1;
            while (q < n_ && is_name_char(at(q)))
                ++q;
            emit(PhpTokenKind::Variable, p, q);
            return q;
        }
        // Binary string prefix: b'...', b"...", b<<<X
        if ((c == 'b' || c == 'B') && (at(p + 1) == '\'' || at(p + 1) == '"')) {
            return at(p + 1) == '\'' ? single_quoted(p, p + 1) : double_quoted(p, p + 1, '"');
        }
        if ((c == 'b' || c == 'B') && starts(p + 1, "<<<")) {
            std::size_t q = heredoc(p, p + 1);
            if (q != 0) return q;
        }
        if (is_name_start(c) || (c == '\\' && is_name_start(at(p + 1)))) return name(p);
        if (is_ascii_digit(c) || (c == '.' && is_ascii_digit(at(p + 1)))) return number(p);
        if (c == '\'') return single_quoted(p, p);
        if (c == '"') return double_quoted(p, p, '"');
        if (c == '`') return double_quoted(p, p, '`');
        if (c == '<' && starts(p, "<<<")) {
            std::size_t q = heredoc(p, p);
            if (q != 0) return q;
        }
        return punct(p);
    }

    std::size_t line_comment(std::size_t p) {
        std::size_t q = p;
        while (q < n_) {
            char c = s_[q];
            if (c == '\n' || c == '\r') break;
            if (c == '?' && at(q + 1) == '>') break;
            ++q;
        }
        emit(PhpTokenKind::LineComment, p, q);
        return q;
    }

    std::size_t block_comment(std::size_t p) {
        bool doc = at(p + 2) == '*' && is_php_space(at(p + 3));
        std::size_t end = s_.find("*/", p + 2);
        bool terminated = end != std::string_view::npos;
        std::size_t q = terminated ? end + 2 : n_;
        emit(doc ? PhpTokenKind::DocComment : PhpTokenKind::BlockComment, p, q, terminated);
        return q;
    }

    std::size_t name(std::size_t p) {
        std::size_t q = p;
        if (s_[q] == '\\') ++q;
        for (;;) {
            while (q < n_ && is_name_char(at(q)))
                ++q;
            if (at(q) == '\\' && is_name_start(at(q + 1))) {
                ++q;
                continue;
            }
            break;
        }
        emit(PhpTokenKind::Name, p, q);
        return q;
    }

    std::size_t number(std::size_t p) {
        std::size_t q = p;
        auto digits = [&](auto pred) {
            while (q < n_ && (pred(at(q)) || (at(q) == '_' && pred(at(q + 1)))))
                ++q;
        };
        unsigned char c1 = at(p + 1);
        if (at(p) == '0' && (c1 == 'x' || c1 == 'X') && is_hex(at(p + 2))) {
            q = p + 2;
            digits(is_hex);
        } else if (at(p) == '0' && (c1 == 'b' || c1 == 'B') &&
                   (at(p + 2) == '0' || at(p + 2) == '1')) {
            q = p + 2;
            digits([](unsigned char c) { return c == '0' || c == '1'; });
        } else if (at(p) == '0' && (c1 == 'o' || c1 == 'O') && is_ascii_digit(at(p + 2))) {
            q = p + 2;
            digits([](unsigned char c) { return c >= '0' && c <= '7'; });
        } else {
            digits(is_ascii_digit);
            if (at(q) == '.' && at(q + 1) != '.') {
                ++q;
                digits(is_ascii_digit);
            }
            if ((at(q) == 'e' || at(q) == 'E') &&
                (is_ascii_digit(at(q + 1)) ||
                 ((at(q + 1) == '+' || at(q + 1) == '-') && is_ascii_digit(at(q + 2))))) {
                q += is_ascii_digit(at(q + 1)) ? 1 : 2;
                digits(is_ascii_digit);
            }
        }
        emit(PhpTokenKind::Number, p, q);
        return q;
    }

    // `start` is where the token starts (a `b` prefix), `quote` the opening
    // quote.
    std::size_t single_quoted(std::size_t start, std::size_t quote) {
        std::size_t q = quote + 1;
        while (q < n_) {
            char c = s_[q];
            if (c == '\\' && q + 1 < n_) {
                q += 2;
                continue;
            }
            if (c == '\'') {
                emit_inner(PhpTokenKind::SingleQuoted, start, q + 1, quote + 1, q, true);
                return q + 1;
            }
            ++q;
        }
        emit_inner(PhpTokenKind::SingleQuoted, start, n_, quote + 1, n_, false);
        return n_;
    }

    // Skips an embedded expression `{$...}` or `${...}` starting at the `{` at p;
    // returns the position after its closing brace (or the end). Quoted strings
    // inside are skipped without looking for further interpolation.
    std::size_t braced(std::size_t p) const {
        std::size_t depth = 0;
        std::size_t q = p;
        while (q < n_) {
            char c = s_[q];
            if (c == '{') {
                ++depth;
            } else if (c == '}') {
                if (--depth == 0) return q + 1;
            } else if (c == '\'' || c == '"') {
                std::size_t r = q + 1;
                while (r < n_ && s_[r] != c)
                    r += (s_[r] == '\\') ? 2 : 1;
                q = std::min(r, n_);
            }
            ++q;
        }
        return n_;
    }

    std::size_t double_quoted(std::size_t start, std::size_t quote, char closer) {
        std::size_t q = quote + 1;
        while (q < n_) {
            char c = s_[q];
            if (c == '\\' && q + 1 < n_) {
                q += 2;
                continue;
            }
            if (c == closer) {
                emit_inner(closer == '"' ? PhpTokenKind::DoubleQuoted : PhpTokenKind::Backtick,
                           start, q + 1, quote + 1, q, true);
                return q + 1;
            }
            if ((c == '{' && at(q + 1) == '$') || (c == '$' && at(q + 1) == '{')) {
                q = braced(c == '{' ? q : q + 1);
                continue;
            }
            ++q;
        }
        emit_inner(closer == '"' ? PhpTokenKind::DoubleQuoted : PhpTokenKind::Backtick, start, n_,
                   quote + 1, n_, false);
        return n_;
    }

    // Returns 0 when `<<<` does not start a heredoc here.
    std::size_t heredoc(std::size_t start, std::size_t p) {
        std::size_t q = p + 3;
        while (at(q) == ' ' || at(q) == '\t')
            ++q;
        char quote = 0;
        if (at(q) == '\'' || at(q) == '"') quote = s_[q++];
        if (!is_name_start(at(q))) return 0;
        std::size_t label_b = q;
        while (q < n_ && is_name_char(at(q)))
            ++q;
        std::string_view label = s_.substr(label_b, q - label_b);
        if (quote != 0) {
            if (at(q) != static_cast<unsigned char>(quote)) return 0;
            ++q;
        }
        if (at(q) == '\r') {
            q += at(q + 1) == '\n' ? 2 : 1;
        } else if (at(q) == '\n') {
            ++q;
        } else {
            return 0;
        }
        PhpTokenKind kind = quote == '\'' ? PhpTokenKind::Nowdoc : PhpTokenKind::Heredoc;
        std::size_t body = q;
        std::size_t line = body;
        while (line < n_) {
            std::size_t r = line;
            while (at(r) == ' ' || at(r) == '\t')
                ++r;
            if (starts(r, label) && !is_name_char(at(r + label.size()))) {
                std::size_t inner_end = line;
                if (inner_end > body) {
                    // Drop the newline that ends the last body line.
                    if (s_[inner_end - 1] == '\n') --inner_end;
                    if (inner_end > body && s_[inner_end - 1] == '\r') --inner_end;
                }
                std::size_t end = r + label.size();
                emit_inner(kind, start, end, body, inner_end, true);
                return end;
            }
            // Next line.
            while (r < n_ && s_[r] != '\n' && s_[r] != '\r')
                ++r;
            if (r < n_ && s_[r] == '\r' && at(r + 1) == '\n') ++r;
            line = r < n_ ? r + 1 : n_;
        }
        emit_inner(kind, start, n_, body, n_, false);
        return n_;
    }

    std::size_t punct(std::size_t p) {
        static constexpr std::array<std::string_view, 9> three = {
            "<=>", "===", "!==", "**=", "...", "<<=", ">>=", "?\?=", "?->"};
        static constexpr std::array<std::string_view, 24> two = {
            "::", "->", "=>", "++", "--", "==", "!=", "<>", "<=", ">=", "&&", "||",
            "??", "+=", "-=", "*=", "/=", ".=", "%=", "&=", "|=", "^=", "<<", ">>"};
        const char c0 = static_cast<char>(at(p)), c1 = static_cast<char>(at(p + 1)),
                   c2 = static_cast<char>(at(p + 2));
        for (auto op : three)
            if (op[0] == c0 && op[1] == c1 && op[2] == c2) {
                emit(PhpTokenKind::Punct, p, p + 3);
                return p + 3;
            }
        if (c0 == '*' && c1 == '*') {
            emit(PhpTokenKind::Punct, p, p + 2);
            return p + 2;
        }
        for (auto op : two)
            if (op[0] == c0 && op[1] == c1) {
                emit(PhpTokenKind::Punct, p, p + 2);
                return p + 2;
            }
        unsigned char c = at(p);
        static constexpr std::string_view singles = ";,()[]{}+-*/%=<>!&|^~?:.@$\\";
        bool known = singles.find(static_cast<char>(c)) != std::string_view::npos;
        emit(known ? PhpTokenKind::Punct : PhpTokenKind::Unknown, p, p + 1);
        return p + 1;
    }
};

int hex_value(unsigned char c) {
    if (is_ascii_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Escapes of double-quoted strings, backticks and heredocs. `quote` is the one
// quote character a backslash may escape ('"', '`', or 0 for heredoc).
std::string decode_escapes(std::string_view s, char quote) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c != '\\' || i + 1 >= s.size()) {
            out += c;
            ++i;
            continue;
        }
        char e = s[i + 1];
        switch (e) {
        case 'n':
            out += '\n';
            i += 2;
            continue;
        case 't':
            out += '\t';
            i += 2;
            continue;
        case 'r':
            out += '\r';
            i += 2;
            continue;
        case 'v':
            out += '\v';
            i += 2;
            continue;
        case 'e':
            out += '\x1b';
            i += 2;
            continue;
        case 'f':
            out += '\f';
            i += 2;
            continue;
        case '\\':
            out += '\\';
            i += 2;
            continue;
        case '$':
            out += '$';
            i += 2;
            continue;
        default:
            break;
        }
        if (quote != 0 && e == quote) {
            out += e;
            i += 2;
            continue;
        }
        if (e == 'x' && i + 2 < s.size() && is_hex(static_cast<unsigned char>(s[i + 2]))) {
            int v = hex_value(static_cast<unsigned char>(s[i + 2]));
            std::size_t j = i + 3;
            if (j < s.size() && is_hex(static_cast<unsigned char>(s[j]))) {
                v = v * 16 + hex_value(static_cast<unsigned char>(s[j]));
                ++j;
            }
            out += static_cast<char>(v);
            i = j;
            continue;
        }
        if (e >= '0' && e <= '7') {
            int v = 0;
            std::size_t j = i + 1;
            while (j < s.size() && j < i + 4 && s[j] >= '0' && s[j] <= '7') {
                v = v * 8 + (s[j] - '0');
                ++j;
            }
            out += static_cast<char>(v & 0xFF);
            i = j;
            continue;
        }
        if (e == 'u' && i + 2 < s.size() && s[i + 2] == '{') {
            std::size_t j = i + 3;
            std::uint32_t cp = 0;
            bool ok = j < s.size() && s[j] != '}';
            while (j < s.size() && s[j] != '}') {
                int h = hex_value(static_cast<unsigned char>(s[j]));
                if (h < 0 || cp > 0x10FFFF) {
                    ok = false;
                    break;
                }
                cp = cp * 16 + static_cast<std::uint32_t>(h);
                ++j;
            }
            if (ok && j < s.size() && append_utf8(out, cp)) {
                i = j + 1;
                continue;
            }
        }
        out += '\\';
        out += e;
        i += 2;
    }
    return out;
}

bool has_interpolation(std::string_view s) {
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
            continue;
        }
        if (s[i] == '$') {
            unsigned char n = static_cast<unsigned char>(s[i + 1]);
            if (is_name_start(n) || n == '{') return true;
        }
    }
    return false;
}

// Removes the closing label's indentation (spaces/tabs) from each line of a
// heredoc body.
std::string strip_indent(std::string_view body, std::size_t indent) {
    if (indent == 0) return std::string(body);
    std::string out;
    out.reserve(body.size());
    std::size_t i = 0;
    bool line_start = true;
    while (i < body.size()) {
        if (line_start) {
            std::size_t k = 0;
            while (k < indent && i < body.size() && (body[i] == ' ' || body[i] == '\t')) {
                ++i;
                ++k;
            }
            line_start = false;
            continue;
        }
        char c = body[i++];
        out += c;
        if (c == '\n' || (c == '\r' && (i >= body.size() || body[i] != '\n'))) line_start = true;
    }
    return out;
}

} // namespace

std::vector<PhpToken> tokenize_php(std::string_view text) {
    if (text.size() > std::numeric_limits<Offset>::max())
        text = text.substr(0, std::numeric_limits<Offset>::max());
    return Lexer(text).run();
}

PhpStringValue decode_php_string(std::string_view text, const PhpToken& token) {
    PhpStringValue v;
    if (token.inner.end > text.size() || token.inner.begin > token.inner.end) return v;
    std::string_view raw = text.substr(token.inner.begin, token.inner.end - token.inner.begin);
    switch (token.kind) {
    case PhpTokenKind::SingleQuoted: {
        v.value.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size() &&
                (raw[i + 1] == '\\' || raw[i + 1] == '\'')) {
                v.value += raw[i + 1];
                ++i;
            } else {
                v.value += raw[i];
            }
        }
        break;
    }
    case PhpTokenKind::DoubleQuoted:
    case PhpTokenKind::Backtick:
        v.interpolated = has_interpolation(raw);
        v.value = decode_escapes(raw, token.kind == PhpTokenKind::DoubleQuoted ? '"' : '`');
        break;
    case PhpTokenKind::Heredoc:
    case PhpTokenKind::Nowdoc: {
        // Indentation of the closing label: whitespace between the last line start
        // and it.
        std::size_t indent = 0;
        if (token.terminated && token.range.end <= text.size()) {
            std::size_t e = token.range.end;
            std::size_t label_b = e;
            while (label_b > token.inner.end &&
                   is_name_char(static_cast<unsigned char>(text[label_b - 1])))
                --label_b;
            std::size_t k = label_b;
            while (k > token.inner.end && (text[k - 1] == ' ' || text[k - 1] == '\t'))
                --k;
            indent = label_b - k;
        }
        std::string body = strip_indent(raw, indent);
        if (token.kind == PhpTokenKind::Nowdoc) {
            v.value = std::move(body);
        } else {
            v.interpolated = has_interpolation(body);
            v.value = decode_escapes(body, 0);
        }
        break;
    }
    default:
        v.value = std::string(raw);
        break;
    }
    return v;
}

// =======================================================================================
// Analysis shared by the extractors: significant tokens, bracket matching,
// namespaces, imports and classes.

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct Scope {
    std::uint32_t first = 0; // first significant token of the scope
    std::string ns;          // namespace without leading '\', "" for the global one
    std::unordered_map<std::string, std::string> imports; // lower-cased alias -> FQ name
};

struct ConstDecl {
    std::string name;
    Range name_range;
    std::uint32_t init_begin = 0,
                  init_end = 0; // significant-token range of the initializer
    std::optional<std::string> value;
    Range value_range;
};

struct ClassInfo {
    std::string name;
    std::string fqn;
    std::vector<std::string> parents;          // extends, then implements (FQ names)
    bool has_extends = false;                  // parents[0] is the `extends` class
    std::uint32_t open = kNone, close = kNone; // body braces (close may be kNone)
    std::vector<ConstDecl> constants;
    std::unordered_map<std::string, std::uint32_t> const_index; // name -> first declaration
};

struct ConstFound {
    std::string value;
    std::string origin_path; // empty: this file
    Range origin_range;
};

class Analysis {
public:
    explicit Analysis(std::string_view text)
        : text_(text.substr(
              0, std::min<std::size_t>(text.size(), std::numeric_limits<Offset>::max()))) {
        const std::vector<PhpToken> all = tokenize_php(text_);
        toks_.reserve(all.size());
        codes_.reserve(all.size());
        for (const PhpToken& t : all)
            if (!php_token_is_trivia(t.kind)) {
                toks_.push_back(t);
                codes_.push_back(t.kind == PhpTokenKind::Punct ? pack(str(toks_.size() - 1)) : 0);
            }
        match_brackets();
        scan_declarations();
        index_declarations();
        compute_constant_values();
    }

    std::string_view text() const { return text_; }
    std::size_t size() const { return toks_.size(); }
    const PhpToken& tok(std::size_t i) const { return toks_[i]; }
    std::string_view str(std::size_t i) const {
        if (i >= toks_.size()) return {};
        const Range& r = toks_[i].range;
        return text_.substr(r.begin, r.end - r.begin);
    }
    bool is_punct(std::size_t i, std::string_view p) const {
        return i < toks_.size() && toks_[i].kind == PhpTokenKind::Punct && codes_[i] == pack(p);
    }
    bool is_name(std::size_t i) const {
        return i < toks_.size() && toks_[i].kind == PhpTokenKind::Name;
    }
    bool is_keyword(std::size_t i, std::string_view kw) const {
        return is_name(i) && iequals(str(i), kw);
    }
    // `;` or `?>`: ends a statement.
    bool is_end(std::size_t i) const {
        return i >= toks_.size() || is_punct(i, ";") || toks_[i].kind == PhpTokenKind::CloseTag;
    }
    bool is_string(std::size_t i) const {
        if (i >= toks_.size()) return false;
        switch (toks_[i].kind) {
        case PhpTokenKind::SingleQuoted:
        case PhpTokenKind::DoubleQuoted:
        case PhpTokenKind::Heredoc:
        case PhpTokenKind::Nowdoc:
            return true;
        default:
            return false;
        }
    }
    std::uint32_t match(std::size_t i) const { return i < match_.size() ? match_[i] : kNone; }
    std::uint32_t parent(std::size_t i) const { return i < parent_.size() ? parent_[i] : kNone; }
    const std::vector<ClassInfo>& classes() const { return classes_; }

    // Range from the start of token a to the end of token b-1 (a < b).
    Range span(std::size_t a, std::size_t b) const {
        if (a >= b || b > toks_.size()) return {};
        return {toks_[a].range.begin, toks_[b - 1].range.end};
    }
    std::string_view span_text(std::size_t a, std::size_t b) const {
        Range r = span(a, b);
        return text_.substr(r.begin, r.end - r.begin);
    }

    // The end of the argument list opened at `open`: the index of its `)`. When it has
    // none (a half-typed call), the first of: the closer of an enclosing bracket, the end of
    // the statement, or a bound that keeps many unclosed calls from being quadratic.
    std::uint32_t call_end(std::size_t open) const {
        std::uint32_t m = match(open);
        if (m != kNone) return m;
        if (open >= toks_.size()) return static_cast<std::uint32_t>(toks_.size());
        constexpr std::uint32_t kLimit = 256;
        std::uint32_t bound = static_cast<std::uint32_t>(std::min(toks_.size(), open + 1 + kLimit));
        return std::min({unclosed_end_[open], next_end_[open + 1], bound});
    }

    // Splits [a, b) at top-level commas; empty pieces are kept (as a == b).
    std::vector<std::pair<std::uint32_t, std::uint32_t>> split_commas(std::size_t a,
                                                                      std::size_t b) const {
        std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
        std::size_t start = a;
        std::size_t j = a;
        while (j < b) {
            if (opener(j)) {
                std::uint32_t m = match(j);
                if (m != kNone && m < b) {
                    j = m + 1;
                    continue;
                }
            }
            if (is_punct(j, ",")) {
                out.emplace_back(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(j));
                start = j + 1;
            }
            ++j;
        }
        out.emplace_back(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(b));
        return out;
    }

    const Scope& scope_at(std::size_t i) const {
        auto it = std::upper_bound(scopes_.begin(), scopes_.end(), i,
                                   [](std::size_t v, const Scope& s) { return v < s.first; });
        return it == scopes_.begin() ? scopes_.front() : *(it - 1);
    }

    // Fully qualified class name (no leading '\') for a class name written at
    // token i.
    std::string resolve_class(std::size_t i, std::string_view written) const {
        if (!written.empty() && written.front() == '\\') return std::string(written.substr(1));
        const Scope& sc = scope_at(i);
        auto qualify = [&](std::string_view rest) {
            return sc.ns.empty() ? std::string(rest) : sc.ns + "\\" + std::string(rest);
        };
        if (istarts_with(written, "namespace\\")) return qualify(written.substr(10));
        std::size_t slash = written.find('\\');
        std::string_view first = written.substr(0, slash);
        auto it = sc.imports.find(fold_ascii(first));
        if (it != sc.imports.end())
            return slash == std::string_view::npos
                       ? it->second
                       : it->second + std::string(written.substr(slash));
        return qualify(written);
    }

    // The class that `written::NAME` at token i names outside this file: a class name
    // resolved through the imports, or the parent class for `parent`; empty for `self`
    // and `static` (this file's own class).
    std::string constant_owner(std::size_t i, std::string_view written) const {
        if (iequals(written, "self") || iequals(written, "static")) return {};
        if (iequals(written, "parent")) {
            const ClassInfo* own = class_at(i);
            return own && own->has_extends ? own->parents.front() : std::string();
        }
        return resolve_class(i, written);
    }

    // The class whose body contains token i (innermost), or nullptr.
    const ClassInfo* class_at(std::size_t i) const {
        std::uint32_t b = parent(i);
        if (b == kNone || class_inner_[b] == kNone) return nullptr;
        return &classes_[class_inner_[b]];
    }

    // The innermost function body (its `{`) that contains token i, or kNone.
    std::uint32_t function_at(std::size_t i) const {
        std::uint32_t b = parent(i);
        return b == kNone ? kNone : fn_inner_[b];
    }

    // True when the `{` at `brace` (kNone: the file) encloses token i.
    bool encloses(std::uint32_t brace, std::size_t i) const {
        if (brace == kNone) return true;
        std::uint32_t m = match(brace);
        return brace < i && (m == kNone || m > i);
    }

    const ClassInfo* find_class(std::string_view fqn) const {
        auto it = class_by_fqn_.find(fold_ascii(fqn));
        return it == class_by_fqn_.end() ? nullptr : &classes_[it->second];
    }

    // Looks up `Class::NAME` written at token `at` (class_written is `self`,
    // `static`, `parent` or a class name), in this file, then in `table`.
    std::optional<ConstFound> lookup_constant(std::size_t at, std::string_view class_written,
                                              std::string_view name,
                                              const PhpConstantTable* table) const {
        std::vector<std::string> candidates;
        if (iequals(class_written, "self") || iequals(class_written, "static") ||
            iequals(class_written, "parent")) {
            const ClassInfo* own = class_at(at);
            if (own == nullptr) return std::nullopt;
            if (!iequals(class_written, "parent")) candidates.push_back(own->fqn);
            if (iequals(class_written, "parent")) {
                if (own->has_extends) candidates.push_back(own->parents.front());
            } else {
                for (const std::string& p : own->parents)
                    candidates.push_back(p);
            }
        } else {
            candidates.push_back(resolve_class(at, class_written));
        }
        for (const std::string& fqn : candidates) {
            if (const ClassInfo* c = find_class(fqn)) {
                auto it = c->const_index.find(std::string(name));
                if (it != c->const_index.end()) {
                    const ConstDecl& d = c->constants[it->second];
                    if (d.value) return ConstFound{*d.value, {}, d.value_range};
                }
            }
            if (table != nullptr) {
                if (const PhpConstantEntry* e = table->find(fqn, name))
                    return ConstFound{e->value, e->path, e->value_range};
            }
        }
        return std::nullopt;
    }

    struct Eval {
        std::optional<std::string> value; // set when the whole expression is a constant string
        bool single_literal = false;      // exactly one string literal
        bool uses_constants = false;
        Range literal_range;                       // contents of the single literal
        std::optional<ConstFound> single_constant; // exactly one constant reference
    };

    // Evaluates a constant string expression: operands (string literals without
    // interpolation, `Class::NAME`) joined by `.`.
    Eval evaluate(std::size_t a, std::size_t b, const PhpConstantTable* table) const {
        Eval ev;
        std::string acc;
        std::size_t operands = 0;
        std::size_t j = a;
        bool ok = a < b;
        std::optional<ConstFound> last_const;
        while (ok && j < b) {
            if (operands > 0) {
                if (!is_punct(j, ".")) {
                    ok = false;
                    break;
                }
                ++j;
            }
            if (j < b && is_string(j)) {
                PhpStringValue v = decode_php_string(text_, toks_[j]);
                if (v.interpolated || !toks_[j].terminated) {
                    ok = false;
                    break;
                }
                acc += v.value;
                ev.literal_range = toks_[j].inner;
                ++j;
            } else if (j + 2 < b && is_name(j) && is_punct(j + 1, "::") && is_name(j + 2) &&
                       !is_keyword(j + 2, "class")) {
                auto found = lookup_constant(j, str(j), str(j + 2), table);
                if (!found) {
                    ok = false;
                    break;
                }
                acc += found->value;
                ev.uses_constants = true;
                last_const = std::move(found);
                j += 3;
            } else {
                ok = false;
                break;
            }
            ++operands;
        }
        if (!ok) return ev;
        ev.value = std::move(acc);
        ev.single_literal = operands == 1 && !ev.uses_constants;
        if (operands == 1 && ev.uses_constants) ev.single_constant = std::move(last_const);
        return ev;
    }

private:
    // Punctuation is at most 3 bytes: packed into one integer for cheap comparisons.
    static std::uint32_t pack(std::string_view p) {
        if (p.empty() || p.size() > 3) return 0;
        std::uint32_t v = static_cast<std::uint32_t>(p.size());
        for (char c : p)
            v = (v << 8) | static_cast<unsigned char>(c);
        return v;
    }

    std::string_view text_;
    std::vector<PhpToken> toks_;
    std::vector<std::uint32_t> match_;
    std::vector<std::uint32_t> parent_;
    std::vector<std::uint32_t> codes_;        // per token: pack() of a punctuation token's text
    std::vector<std::uint8_t> brackets_;      // per token: 1 opener, 2 closer, 0 neither
    std::vector<std::uint32_t> unclosed_end_; // per unmatched opener: the closer that ended it
    std::vector<std::uint32_t> next_end_;     // per token: the next `;` or `?>` at or after it
    std::vector<bool> fn_body_;
    std::vector<bool> ns_brace_;
    std::vector<Scope> scopes_;
    std::vector<ClassInfo> classes_;
    std::unordered_map<std::string, std::uint32_t> class_by_fqn_; // lower-cased FQN -> index
    std::vector<std::uint32_t> class_inner_; // per `{`: innermost class body enclosing it
    std::vector<std::uint32_t> fn_inner_;    // per `{`: innermost function body enclosing it

    bool opener(std::size_t i) const { return i < brackets_.size() && brackets_[i] == 1; }
    bool closer(std::size_t i) const { return i < brackets_.size() && brackets_[i] == 2; }
    bool pairs(std::size_t open, std::size_t close) const {
        std::string_view o = str(open), c = str(close);
        return (o == "(" && c == ")") || (o == "{" && c == "}") ||
               ((o == "[" || o == "#[") && c == "]");
    }

    void match_brackets() {
        const std::size_t n = toks_.size();
        brackets_.assign(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            if (is_punct(i, "(") || is_punct(i, "[") || is_punct(i, "{") || is_punct(i, "#["))
                brackets_[i] = 1;
            else if (is_punct(i, ")") || is_punct(i, "]") || is_punct(i, "}"))
                brackets_[i] = 2;
        }
        match_.assign(n, kNone);
        parent_.assign(n, kNone);
        unclosed_end_.assign(n, static_cast<std::uint32_t>(n));
        next_end_.assign(n + 1, static_cast<std::uint32_t>(n));
        for (std::size_t i = n; i-- > 0;)
            next_end_[i] = is_end(i) ? static_cast<std::uint32_t>(i) : next_end_[i + 1];
        struct Entry {
            std::uint32_t index;
            std::uint32_t brace; // innermost '{' including this entry
        };
        std::vector<Entry> stack;
        for (std::size_t i = 0; i < n; ++i) {
            parent_[i] = stack.empty() ? kNone : stack.back().brace;
            if (opener(i)) {
                std::uint32_t brace = is_punct(i, "{") ? static_cast<std::uint32_t>(i) : parent_[i];
                stack.push_back({static_cast<std::uint32_t>(i), brace});
            } else if (closer(i)) {
                // Find the nearest compatible opener; give up on a stray closer.
                constexpr std::size_t kSearch = 64;
                std::size_t limit = std::min(stack.size(), kSearch);
                for (std::size_t k = 0; k < limit; ++k) {
                    const Entry& e = stack[stack.size() - 1 - k];
                    if (pairs(e.index, i)) {
                        match_[e.index] = static_cast<std::uint32_t>(i);
                        match_[i] = e.index;
                        for (std::size_t u = stack.size() - k; u < stack.size(); ++u)
                            unclosed_end_[stack[u].index] = static_cast<std::uint32_t>(i);
                        stack.resize(stack.size() - 1 - k);
                        break;
                    }
                }
                parent_[i] = stack.empty() ? kNone : stack.back().brace;
            }
        }
    }

    // Index of the `{` of a body that starts at or after j (skipping a return
    // type), or kNone when a `;` comes first.
    std::uint32_t body_after(std::size_t j) const {
        for (std::size_t k = j; k < toks_.size() && k < j + 64; ++k) {
            if (is_punct(k, "{")) return static_cast<std::uint32_t>(k);
            if (is_end(k) || is_punct(k, "=>") || is_punct(k, "}")) return kNone;
            if (is_punct(k, "(")) {
                std::uint32_t m = match(k);
                if (m == kNone) return kNone;
                k = m;
            }
        }
        return kNone;
    }

    void scan_declarations() {
        const std::size_t n = toks_.size();
        fn_body_.assign(n, false);
        ns_brace_.assign(n, false);
        scopes_.push_back(Scope{});
        for (std::size_t i = 0; i < n; ++i) {
            if (!is_name(i)) continue;
            std::string_view w = str(i);
            bool after_access =
                i > 0 && (is_punct(i - 1, "->") || is_punct(i - 1, "?->") || is_punct(i - 1, "::"));
            if (after_access) continue;
            if (iequals(w, "function") || iequals(w, "fn")) {
                if (iequals(w, "fn")) continue;
                std::size_t j = i + 1;
                if (is_punct(j, "&")) ++j;
                if (is_name(j)) ++j;
                if (!is_punct(j, "(")) continue;
                std::uint32_t m = match(j);
                if (m == kNone) continue;
                std::uint32_t body = body_after(m + 1);
                if (body != kNone) fn_body_[body] = true;
            } else if (iequals(w, "namespace")) {
                std::uint32_t p = parent(i);
                if (p != kNone && !ns_brace_[p]) continue;
                Scope sc;
                sc.first = static_cast<std::uint32_t>(i);
                std::size_t j = i + 1;
                if (is_name(j)) {
                    std::string_view ns = str(j);
                    if (!ns.empty() && ns.front() == '\\') ns.remove_prefix(1);
                    sc.ns = std::string(ns);
                    ++j;
                }
                if (is_punct(j, "{")) {
                    ns_brace_[j] = true;
                } else if (!is_end(j)) {
                    continue; // `namespace\foo()` and the like
                }
                scopes_.push_back(std::move(sc));
            } else if (iequals(w, "use")) {
                std::uint32_t p = parent(i);
                if (p != kNone && !ns_brace_[p]) continue; // trait use, closure use
                parse_use(i);
            } else if (iequals(w, "class") || iequals(w, "interface") || iequals(w, "trait") ||
                       iequals(w, "enum")) {
                if (i > 0 && is_keyword(i - 1, "new")) continue;
                if (!is_name(i + 1)) continue;
                parse_class(i);
            }
        }
    }

    void parse_use(std::size_t i) {
        Scope& sc = scopes_.back();
        std::size_t j = i + 1;
        if (is_keyword(j, "function") || is_keyword(j, "const")) return;
        while (j < toks_.size() && !is_end(j)) {
            if (!is_name(j)) return;
            std::string prefix(str(j));
            if (!prefix.empty() && prefix.front() == '\\') prefix.erase(0, 1);
            ++j;
            if (is_punct(j, "\\") && is_punct(j + 1, "{")) {
                // Group use: prefix\{A, B as C}
                std::uint32_t close = match(j + 1);
                if (close == kNone) return;
                j += 2;
                while (j < close) {
                    if (is_keyword(j, "function") || is_keyword(j, "const")) {
                        while (j < close && !is_punct(j, ","))
                            ++j;
                        ++j;
                        continue;
                    }
                    if (!is_name(j)) return;
                    std::string full = prefix + "\\" + std::string(str(j));
                    ++j;
                    add_import(sc, full, j);
                    if (is_punct(j, ",")) ++j;
                }
                j = close + 1;
            } else {
                add_import(sc, prefix, j);
            }
            if (is_punct(j, ",")) {
                ++j;
                continue;
            }
            return;
        }
    }

    // Adds `full` with an optional `as Alias` at j (advancing past it).
    void add_import(Scope& sc, const std::string& full, std::size_t& j) {
        std::string alias;
        if (is_keyword(j, "as") && is_name(j + 1)) {
            alias = std::string(str(j + 1));
            j += 2;
        } else {
            std::size_t slash = full.rfind('\\');
            alias = slash == std::string::npos ? full : full.substr(slash + 1);
        }
        if (!alias.empty()) sc.imports[fold_ascii(alias)] = full;
    }

    void parse_class(std::size_t i) {
        ClassInfo c;
        c.name = std::string(str(i + 1));
        const Scope& sc = scopes_.back();
        c.fqn = sc.ns.empty() ? c.name : sc.ns + "\\" + c.name;
        std::size_t j = i + 2;
        std::vector<std::string> implements;
        int mode = 0; // 1: extends list, 2: implements list
        while (j < toks_.size() && j < i + 256) {
            if (is_punct(j, "{")) break;
            if (is_end(j) || is_punct(j, "}")) return;
            if (is_keyword(j, "extends")) {
                mode = 1;
            } else if (is_keyword(j, "implements")) {
                mode = 2;
            } else if (is_name(j) && mode != 0) {
                std::string fqn = resolve_class(j, str(j));
                if (mode == 1) {
                    c.has_extends = c.parents.empty();
                    c.parents.push_back(std::move(fqn));
                } else {
                    implements.push_back(std::move(fqn));
                }
            }
            ++j;
        }
        if (!is_punct(j, "{")) return;
        if (c.parents.size() != 1) c.has_extends = false; // interface extending several
        for (std::string& s : implements)
            c.parents.push_back(std::move(s));
        c.open = static_cast<std::uint32_t>(j);
        c.close = match(j);
        classes_.push_back(std::move(c));
    }

    // After the scan: which class and function body each brace is in, and the constants.
    void index_declarations() {
        const std::size_t n = toks_.size();
        std::vector<std::uint32_t> class_of(n, kNone);
        for (std::size_t c = 0; c < classes_.size(); ++c) {
            class_of[classes_[c].open] = static_cast<std::uint32_t>(c);
            class_by_fqn_.emplace(fold_ascii(classes_[c].fqn), static_cast<std::uint32_t>(c));
        }
        class_inner_.assign(n, kNone);
        fn_inner_.assign(n, kNone);
        for (std::size_t b = 0; b < n; ++b) {
            if (!is_punct(b, "{")) continue;
            std::uint32_t up = parent(b); // always < b
            class_inner_[b] = class_of[b] != kNone ? class_of[b]
                              : up == kNone        ? kNone
                                                   : class_inner_[up];
            fn_inner_[b] = fn_body_[b]   ? static_cast<std::uint32_t>(b)
                           : up == kNone ? kNone
                                         : fn_inner_[up];
        }
        for (std::size_t k = 0; k < n; ++k) {
            if (!is_keyword(k, "const") || (k > 0 && is_access_token(k - 1))) continue;
            std::uint32_t b = parent(k);
            if (b == kNone || class_of[b] == kNone) continue;
            ClassInfo& c = classes_[class_of[b]];
            parse_const(c, k, c.close == kNone ? n : c.close);
        }
        for (ClassInfo& c : classes_)
            for (std::size_t d = 0; d < c.constants.size(); ++d)
                c.const_index.emplace(c.constants[d].name, static_cast<std::uint32_t>(d));
    }

    bool is_access_token(std::size_t i) const {
        return is_punct(i, "::") || is_punct(i, "->") || is_punct(i, "?->");
    }

    // `const [type] A = expr, B = expr;` at k.
    void parse_const(ClassInfo& c, std::size_t k, std::size_t end) {
        std::size_t j = k + 1;
        while (j < end) {
            // Skip a type: names and `?`, `|`, `&`, `(`, `)` up to `NAME =`.
            std::size_t name = kNone;
            for (std::size_t t = j; t < end && t < j + 32; ++t) {
                if (is_name(t) && is_punct(t + 1, "=")) {
                    name = t;
                    break;
                }
                if (!(is_name(t) || is_punct(t, "?") || is_punct(t, "|") || is_punct(t, "&") ||
                      is_punct(t, "(") || is_punct(t, ")")))
                    return;
            }
            if (name == kNone) return;
            std::size_t a = name + 2;
            std::size_t b = a;
            while (b < end && !is_end(b) && !is_punct(b, ",")) {
                if (opener(b) && match(b) != kNone && match(b) < end) b = match(b);
                ++b;
            }
            ConstDecl d;
            d.name = std::string(str(name));
            d.name_range = toks_[name].range;
            d.init_begin = static_cast<std::uint32_t>(a);
            d.init_end = static_cast<std::uint32_t>(b);
            d.value_range = span(a, b);
            if (b == a + 1 && is_string(a)) d.value_range = toks_[a].inner;
            c.constants.push_back(std::move(d));
            if (!is_punct(b, ",")) return;
            j = b + 1;
        }
    }

    // Fixed point: a constant may refer to another one of this file.
    void compute_constant_values() {
        constexpr int kPasses = 16;
        for (int pass = 0; pass < kPasses; ++pass) {
            bool changed = false;
            for (ClassInfo& c : classes_) {
                for (ConstDecl& d : c.constants) {
                    if (d.value) continue;
                    Eval ev = evaluate(d.init_begin, d.init_end, nullptr);
                    if (ev.value) {
                        d.value = std::move(ev.value);
                        changed = true;
                    }
                }
            }
            if (!changed) break;
        }
    }
};

PhpComponentType component_type_from_constant(std::string_view name) {
    if (name == "MODULE") return PhpComponentType::Module;
    if (name == "THEME") return PhpComponentType::Theme;
    if (name == "LIBRARY") return PhpComponentType::Library;
    if (name == "LANGUAGE") return PhpComponentType::Language;
    if (name == "SETUP") return PhpComponentType::Setup;
    return PhpComponentType::Unknown;
}

PhpComponentType component_type_from_value(std::string_view v) {
    if (v == "module") return PhpComponentType::Module;
    if (v == "theme") return PhpComponentType::Theme;
    if (v == "library") return PhpComponentType::Library;
    if (v == "language") return PhpComponentType::Language;
    if (v == "setup") return PhpComponentType::Setup;
    return PhpComponentType::Unknown;
}

std::string_view short_name(std::string_view fqn) {
    std::size_t slash = fqn.rfind('\\');
    return slash == std::string_view::npos ? fqn : fqn.substr(slash + 1);
}

} // namespace

const char* php_component_type_name(PhpComponentType t) {
    switch (t) {
    case PhpComponentType::Module:
        return "module";
    case PhpComponentType::Theme:
        return "theme";
    case PhpComponentType::Library:
        return "library";
    case PhpComponentType::Language:
        return "language";
    case PhpComponentType::Setup:
        return "setup";
    case PhpComponentType::Unknown:
        return "unknown";
    }
    return "unknown";
}

std::vector<PhpRegistration> find_php_registrations(std::string_view text) {
    Analysis an(text);
    std::vector<PhpRegistration> out;
    for (std::size_t i = 0; i + 3 < an.size(); ++i) {
        if (!an.is_name(i) || !an.is_punct(i + 1, "::") || !an.is_keyword(i + 2, "register") ||
            !an.is_punct(i + 3, "("))
            continue;
        if (i > 0 &&
            (an.is_punct(i - 1, "::") || an.is_punct(i - 1, "->") || an.is_punct(i - 1, "?->")))
            continue;
        std::string cls = an.resolve_class(i, an.str(i));
        if (!iequals(short_name(cls), "ComponentRegistrar")) continue;
        std::uint32_t close = an.call_end(i + 3);
        auto args = an.split_commas(i + 4, close);
        PhpRegistration reg;
        reg.registrar = cls;
        reg.call_range = {an.tok(i).range.begin, close < an.size() && an.is_punct(close, ")")
                                                     ? an.tok(close).range.end
                                                     : an.tok(close > 0 ? close - 1 : 0).range.end};
        if (!args.empty()) {
            auto [a, b] = args[0];
            reg.type_range =
                a < b ? an.span(a, b) : Range{an.tok(i + 3).range.end, an.tok(i + 3).range.end};
            if (b == a + 3 && an.is_name(a) && an.is_punct(a + 1, "::") && an.is_name(a + 2) &&
                iequals(short_name(an.resolve_class(a, an.str(a))), "ComponentRegistrar")) {
                reg.type = component_type_from_constant(an.str(a + 2));
            } else if (b == a + 1 && an.is_string(a)) {
                PhpStringValue v = decode_php_string(text, an.tok(a));
                if (!v.interpolated) reg.type = component_type_from_value(v.value);
            }
        }
        if (args.size() >= 2) {
            auto [a, b] = args[1];
            Analysis::Eval ev = an.evaluate(a, b, nullptr);
            if (ev.value) {
                reg.name = std::move(*ev.value);
                reg.name_is_literal = true;
            }
            if (ev.single_literal) {
                reg.name_range = ev.literal_range;
            } else if (a < b) {
                reg.name_range = an.span(a, b);
            } else {
                Offset at = a < an.size() ? an.tok(a).range.begin : reg.call_range.end;
                reg.name_range = {at, at};
            }
        } else {
            reg.name_range = {reg.call_range.end, reg.call_range.end};
        }
        out.push_back(std::move(reg));
    }
    return out;
}

namespace {

// A cursor over a registration.php in its usual form; every method returns false (or an
// empty view) on anything unexpected, and the caller then leaves the file to the tokenizer.
class PlainRegistration {
public:
    explicit PlainRegistration(std::string_view text) : t_(text) {}

    std::optional<PhpRegistration> run() {
        if (t_.size() > std::numeric_limits<Offset>::max()) return std::nullopt;
        if (t_.substr(0, 5) != "<?php" || t_.size() < 6 || !is_php_space(t_[5]))
            return std::nullopt;
        p_ = 5;
        if (!trivia()) return std::nullopt;
        if (word() == "declare") { // declare(strict_types=1);
            p_ += 7;
            if (!trivia() || !punct("(") || !trivia() || word() != "strict_types")
                return std::nullopt;
            p_ += 12;
            if (!trivia() || !punct("=") || !trivia() || !punct("1") || !trivia() || !punct(")") ||
                !trivia() || !punct(";") || !trivia())
                return std::nullopt;
        }
        std::string use; // the imported class, without a leading backslash
        if (word() == "use") {
            p_ += 3;
            if (p_ >= t_.size() || !is_php_space(t_[p_]) || !trivia()) return std::nullopt;
            std::string_view name = qualified_name();
            if (name.empty() || !iequals(short_name(name), "ComponentRegistrar"))
                return std::nullopt;
            if (name.front() == '\\') name.remove_prefix(1);
            use = std::string(name);
            if (!trivia() || !punct(";") || !trivia()) return std::nullopt;
        }
        PhpRegistration reg;
        const std::size_t call_begin = p_;
        std::string_view cls = qualified_name();
        if (cls.empty()) return std::nullopt;
        reg.registrar = resolve(cls, use);
        if (!iequals(short_name(reg.registrar), "ComponentRegistrar")) return std::nullopt;
        if (!trivia() || !punct("::") || !trivia() || word() != "register") return std::nullopt;
        p_ += 8;
        if (!trivia() || !punct("(") || !trivia()) return std::nullopt;
        // ComponentRegistrar::MODULE
        const std::size_t type_begin = p_;
        std::string_view type_cls = qualified_name();
        if (type_cls.empty() || !iequals(short_name(resolve(type_cls, use)), "ComponentRegistrar"))
            return std::nullopt;
        if (!trivia() || !punct("::") || !trivia() || word() != "MODULE") return std::nullopt;
        p_ += 6;
        reg.type = PhpComponentType::Module;
        reg.type_range = {off(type_begin), off(p_)};
        if (!trivia() || !punct(",") || !trivia()) return std::nullopt;
        // 'Name' or "Name", without escapes or variables.
        if (p_ >= t_.size() || (t_[p_] != '\'' && t_[p_] != '"')) return std::nullopt;
        const char quote = t_[p_];
        const std::size_t close = t_.find(quote, p_ + 1);
        if (close == std::string_view::npos) return std::nullopt;
        const std::string_view value = t_.substr(p_ + 1, close - p_ - 1);
        if (value.find('\\') != std::string_view::npos ||
            (quote == '"' && value.find('$') != std::string_view::npos))
            return std::nullopt;
        reg.name = std::string(value);
        reg.name_range = {off(p_ + 1), off(close)};
        reg.name_is_literal = true;
        p_ = close + 1;
        if (!trivia() || !punct(",") || !trivia() || word() != "__DIR__") return std::nullopt;
        p_ += 7;
        if (!trivia() || !punct(")")) return std::nullopt;
        reg.call_range = {off(call_begin), off(p_)};
        if (!trivia() || !punct(";") || !trivia() || p_ != t_.size()) return std::nullopt;
        return reg;
    }

private:
    static Offset off(std::size_t p) { return static_cast<Offset>(p); }

    // Whitespace and comments; false on what this form does not expect there (`#`, which may
    // open an attribute, `?>` inside a line comment, an unterminated block comment).
    bool trivia() {
        for (;;) {
            while (p_ < t_.size() && is_php_space(static_cast<unsigned char>(t_[p_])))
                ++p_;
            if (t_.substr(p_, 2) == "/*") {
                const std::size_t end = t_.find("*/", p_ + 2);
                if (end == std::string_view::npos) return false;
                p_ = end + 2;
            } else if (t_.substr(p_, 2) == "//") {
                std::size_t end = t_.find('\n', p_);
                if (end == std::string_view::npos) end = t_.size();
                if (t_.substr(p_, end - p_).find("?>") != std::string_view::npos) return false;
                p_ = end;
            } else {
                return p_ >= t_.size() || t_[p_] != '#';
            }
        }
    }

    bool punct(std::string_view s) {
        if (t_.substr(p_, s.size()) != s) return false;
        p_ += s.size();
        return true;
    }

    // The end of the identifier that starts at `from` (`from` itself when none does).
    std::size_t name_end(std::size_t from) const {
        std::size_t e = from;
        if (e < t_.size() && is_name_start(static_cast<unsigned char>(t_[e]))) {
            ++e;
            while (e < t_.size() && is_name_char(static_cast<unsigned char>(t_[e])))
                ++e;
        }
        return e;
    }

    // The identifier at the cursor (not consumed), or empty.
    std::string_view word() const { return t_.substr(p_, name_end(p_) - p_); }

    // `\A\B\C`, `A\B` or `A` (consumed), or empty; `namespace\...` is left to the tokenizer.
    std::string_view qualified_name() {
        const std::size_t begin = p_;
        std::size_t e = p_;
        if (e < t_.size() && t_[e] == '\\') ++e;
        for (;;) {
            const std::size_t seg = e;
            e = name_end(e);
            if (e == seg) return {};
            if (e < t_.size() && t_[e] == '\\') {
                ++e;
                continue;
            }
            break;
        }
        std::string_view name = t_.substr(begin, e - begin);
        if (istarts_with(name, "namespace\\")) return {};
        p_ = e;
        return name;
    }

    // As Analysis::resolve_class does in a file without a namespace and with at most the one
    // import `use` (empty when none).
    static std::string resolve(std::string_view written, const std::string& use) {
        if (written.front() == '\\') return std::string(written.substr(1));
        if (!use.empty()) {
            const std::size_t slash = written.find('\\');
            if (iequals(written.substr(0, slash), short_name(use)))
                return slash == std::string_view::npos ? use
                                                       : use + std::string(written.substr(slash));
        }
        return std::string(written);
    }

    std::string_view t_;
    std::size_t p_ = 0;
};

} // namespace

std::optional<PhpRegistration> find_plain_module_registration(std::string_view text) {
    return PlainRegistration(text).run();
}

std::vector<PhpClassConstant> find_php_class_constants(std::string_view text) {
    std::vector<PhpClassConstant> out;
    // Keywords are case-insensitive; `__construct` has no `const` keyword.
    if (!contains_keyword_icase(text, "const")) return out;
    Analysis an(text);
    for (const ClassInfo& c : an.classes()) {
        for (const ConstDecl& d : c.constants) {
            PhpClassConstant pc;
            pc.class_name = c.name;
            pc.class_fqn = c.fqn;
            pc.name = d.name;
            pc.name_range = d.name_range;
            pc.value = d.value;
            pc.value_range = d.value_range;
            out.push_back(std::move(pc));
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const PhpClassConstant& a, const PhpClassConstant& b) {
                         return a.name_range.begin < b.name_range.begin;
                     });
    return out;
}

namespace {
std::string class_key(std::string_view name) {
    if (!name.empty() && name.front() == '\\') name.remove_prefix(1);
    return fold_ascii(name);
}
} // namespace

void PhpConstantTable::add(const std::string& path, const PhpClassConstant& c) {
    if (!c.value) return;
    PhpConstantEntry e{*c.value, path, c.value_range};
    add(c.class_fqn, c.name, e);
    if (!iequals(c.class_name, c.class_fqn)) add(c.class_name, c.name, std::move(e));
}

void PhpConstantTable::add(std::string_view class_name, std::string_view constant,
                           PhpConstantEntry entry) {
    std::string key = class_key(class_name);
    if (key.empty() || constant.empty()) return;
    auto& consts = classes_[key];
    consts.emplace(std::string(constant),
                   std::move(entry)); // the first one added wins
}

const PhpConstantEntry* PhpConstantTable::find(std::string_view class_name,
                                               std::string_view constant) const {
    std::string key = class_key(class_name);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto it = classes_.find(key);
        if (it != classes_.end()) {
            auto c = it->second.find(constant);
            if (c != it->second.end()) return &c->second;
        }
        std::size_t slash = key.rfind('\\');
        if (slash == std::string::npos) break;
        key = key.substr(slash + 1);
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------
// processIntegrationConfig

namespace {

bool is_access(const Analysis& an, std::size_t i) {
    return an.is_punct(i, "->") || an.is_punct(i, "?->") || an.is_punct(i, "::");
}

// First token of the receiver chain that ends with the method name at i
// (`$this->a->b()->processIntegrationConfig` starts at `$this`).
std::size_t receiver_start(const Analysis& an, std::size_t i) {
    std::size_t j = i;
    for (int steps = 0; steps < 256 && j >= 2 && is_access(an, j - 1); ++steps) {
        std::size_t k = j - 2;
        // Step back over call parentheses and index brackets.
        bool ok = true;
        while (an.is_punct(k, ")") || an.is_punct(k, "]")) {
            std::uint32_t m = an.match(k);
            if (m == kNone || m == 0) {
                ok = false;
                break;
            }
            k = m - 1;
        }
        if (!ok) break;
        if (an.tok(k).kind != PhpTokenKind::Variable && an.tok(k).kind != PhpTokenKind::Name) break;
        j = k;
    }
    return j;
}

// True when method `name` at i is called (not declared).
bool is_call_of(const Analysis& an, std::size_t i, std::string_view name) {
    if (!an.is_keyword(i, name) || !an.is_punct(i + 1, "(")) return false;
    if (i > 0 && an.is_keyword(i - 1, "function")) return false;
    if (i > 1 && an.is_punct(i - 1, "&") && an.is_keyword(i - 2, "function")) return false;
    return true;
}

// The bounds of the elements of an array literal starting at token a and ending at b-1,
// or nullopt when [a, b) is not exactly one array literal.
std::optional<std::pair<std::size_t, std::size_t>> array_literal(const Analysis& an, std::size_t a,
                                                                 std::size_t b) {
    if (an.is_punct(a, "[") && an.match(a) == b - 1) return std::make_pair(a + 1, b - 1);
    if (an.is_keyword(a, "array") && an.is_punct(a + 1, "(") && an.match(a + 1) == b - 1)
        return std::make_pair(a + 2, b - 1);
    return std::nullopt;
}

// Elements of an array literal's inside [a, b).
std::vector<PhpConfigName> array_elements(const Analysis& an, std::size_t a, std::size_t b,
                                          const PhpConstantTable& others) {
    std::vector<PhpConfigName> out;
    for (auto [ea, eb] : an.split_commas(a, b)) {
        if (ea >= eb) continue; // trailing comma
        PhpConfigName n;
        Range whole = an.span(ea, eb);
        // `key => value`: the value is the name.
        for (std::size_t k = ea; k < eb; ++k) {
            std::uint32_t m = an.match(k);
            if (m != kNone && m > k && m < eb) {
                k = m;
                continue;
            }
            if (an.is_punct(k, "=>")) {
                ea = k + 1;
                break;
            }
        }
        if (ea >= eb) {
            n.range = whole;
            n.expression = std::string(an.text().substr(whole.begin, whole.end - whole.begin));
            out.push_back(std::move(n));
            continue;
        }
        n.range = an.span(ea, eb);
        n.expression = std::string(an.span_text(ea, eb));
        if (!an.is_punct(ea, "...")) {
            Analysis::Eval ev = an.evaluate(ea, eb, &others);
            if (ev.value) {
                n.value = std::move(*ev.value);
                n.source = ev.uses_constants ? PhpNameSource::Constant : PhpNameSource::Literal;
                if (ev.single_literal) n.range = ev.literal_range;
                if (ev.single_constant) {
                    n.origin_range = ev.single_constant->origin_range;
                    n.origin_path = ev.single_constant->origin_path;
                }
            } else if (eb == ea + 3 && an.is_name(ea) && an.is_punct(ea + 1, "::") &&
                       an.is_name(ea + 2) && !an.is_keyword(ea + 2, "class")) {
                n.constant_class = an.constant_owner(ea, an.str(ea));
                if (!n.constant_class.empty()) n.constant_name = std::string(an.str(ea + 2));
            }
        }
        out.push_back(std::move(n));
    }
    return out;
}

// Positions of every variable token, by name.
using VariableIndex = std::unordered_map<std::string_view, std::vector<std::uint32_t>>;

VariableIndex index_variables(const Analysis& an) {
    VariableIndex idx;
    for (std::size_t k = 0; k < an.size(); ++k)
        if (an.tok(k).kind == PhpTokenKind::Variable)
            idx[an.str(k)].push_back(static_cast<std::uint32_t>(k));
    return idx;
}

// Resolves `$name` passed at token v through `$name = [...]`: the variable's previous
// mention must be that assignment, in the same function body, in a block that encloses
// the call. False when that is not so.
bool resolve_variable(const Analysis& an, const VariableIndex& vars, std::size_t v,
                      const PhpConstantTable& others, std::vector<PhpConfigName>& names) {
    auto found = vars.find(an.str(v));
    if (found == vars.end()) return false;
    const std::vector<std::uint32_t>& occ = found->second;
    auto it = std::lower_bound(occ.begin(), occ.end(), static_cast<std::uint32_t>(v));
    if (it == occ.begin()) return false;
    std::size_t asg = *(it - 1);
    if (an.function_at(asg) != an.function_at(v)) return false;
    if (!an.is_punct(asg + 1, "=") || (asg > 0 && is_access(an, asg - 1))) return false;
    if (!an.encloses(an.parent(asg), v)) return false; // assigned in a branch
    // The right side must be exactly one array literal ended by `;`.
    std::size_t r = asg + 2;
    std::size_t end = kNone;
    if (an.is_punct(r, "[")) {
        end = an.match(r);
    } else if (an.is_keyword(r, "array") && an.is_punct(r + 1, "(")) {
        end = an.match(r + 1);
    }
    if (end == kNone || end >= v || !an.is_end(end + 1)) return false;
    auto inside = array_literal(an, r, end + 1);
    if (!inside) return false;
    names = array_elements(an, inside->first, inside->second, others);
    return true;
}

} // namespace

std::vector<PhpSetupCall> find_php_setup_calls(std::string_view text,
                                               const PhpConstantTable& others) {
    std::vector<PhpSetupCall> out;
    if (!contains_icase(text, "processintegrationconfig")) return out;
    Analysis an(text);
    std::optional<VariableIndex> vars;
    for (std::size_t i = 0; i + 1 < an.size(); ++i) {
        if (!is_call_of(an, i, "processIntegrationConfig")) continue;
        PhpSetupCall call;
        call.method_range = an.tok(i).range;
        std::size_t close = an.call_end(i + 1);
        Offset end = close < an.size() && an.is_punct(close, ")") ? an.tok(close).range.end
                                                                  : an.tok(close - 1).range.end;
        call.call_range = {an.tok(receiver_start(an, i)).range.begin, end};
        auto args = an.split_commas(i + 2, close);
        auto [a, b] = args.front();
        if (a >= b) {
            Offset at = an.tok(i + 1).range.end;
            call.argument_range = {at, at};
            call.argument_kind = PhpArgumentKind::Missing;
            out.push_back(std::move(call));
            continue;
        }
        call.argument_range = an.span(a, b);
        if (auto inside = array_literal(an, a, b)) {
            call.argument_kind = PhpArgumentKind::Array;
            call.names = array_elements(an, inside->first, inside->second, others);
            call.resolved = true;
        } else if (b == a + 1 && an.tok(a).kind == PhpTokenKind::Variable) {
            call.argument_kind = PhpArgumentKind::Variable;
            if (!vars) vars = index_variables(an);
            call.resolved = resolve_variable(an, *vars, a, others, call.names);
        } else {
            call.argument_kind = PhpArgumentKind::Other;
        }
        for (const PhpConfigName& n : call.names)
            if (n.source == PhpNameSource::Unresolved) call.resolved = false;
        out.push_back(std::move(call));
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// ACL ids

std::vector<PhpAclReference> find_php_acl_references(std::string_view text) {
    std::vector<PhpAclReference> out;
    // Constant names are case-sensitive, function names are not.
    if (text.find("ADMIN_RESOURCE") == std::string_view::npos && !contains_icase(text, "isallowed"))
        return out;
    Analysis an(text);
    for (const ClassInfo& c : an.classes())
        for (const ConstDecl& d : c.constants)
            if (d.name == "ADMIN_RESOURCE" && d.value)
                out.push_back({PhpAclRefKind::AdminResource, *d.value, d.value_range});
    for (std::size_t i = 0; i + 1 < an.size(); ++i) {
        if (!is_call_of(an, i, "isAllowed") && !is_call_of(an, i, "_isAllowed")) continue;
        std::size_t close = an.call_end(i + 1);
        auto [a, b] = an.split_commas(i + 2, close).front();
        if (b != a + 1 || !an.is_string(a) || !an.tok(a).terminated) continue;
        PhpStringValue v = decode_php_string(text, an.tok(a));
        if (v.interpolated) continue;
        out.push_back({PhpAclRefKind::IsAllowed, std::move(v.value), an.tok(a).inner});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const PhpAclReference& x, const PhpAclReference& y) {
                         return x.range.begin < y.range.begin;
                     });
    return out;
}
// ---------------------------------------------------------------------------------------
// app/etc/config.php

std::optional<std::vector<PhpModuleSwitch>> find_php_module_switches(std::string_view text) {
    if (text.find("modules") == std::string_view::npos) return std::nullopt;
    std::vector<PhpToken> all = tokenize_php(text);
    std::vector<const PhpToken*> t; // significant tokens
    t.reserve(all.size() / 2);
    for (const PhpToken& tok : all)
        if (!php_token_is_trivia(tok.kind)) t.push_back(&tok);
    auto str = [&](std::size_t i) -> std::optional<std::string> {
        if (i >= t.size()) return std::nullopt;
        const PhpToken& tok = *t[i];
        if ((tok.kind != PhpTokenKind::SingleQuoted && tok.kind != PhpTokenKind::DoubleQuoted) ||
            !tok.terminated)
            return std::nullopt;
        PhpStringValue v = decode_php_string(text, tok);
        if (v.interpolated) return std::nullopt;
        return std::move(v.value);
    };
    auto is = [&](std::size_t i, std::string_view s) {
        return i < t.size() && t[i]->kind == PhpTokenKind::Punct &&
               text.substr(t[i]->range.begin, t[i]->range.end - t[i]->range.begin) == s;
    };
    auto word = [&](std::size_t i) {
        return i < t.size() && t[i]->kind == PhpTokenKind::Name
                   ? fold_ascii(text.substr(t[i]->range.begin, t[i]->range.end - t[i]->range.begin))
                   : std::string();
    };
    // The array's opening token after `'modules' =>`: `[` or `array (`; its index past it.
    auto open_array = [&](std::size_t i) -> std::optional<std::size_t> {
        if (is(i, "[")) return i + 1;
        if (word(i) == "array" && is(i + 1, "(")) return i + 2;
        return std::nullopt;
    };
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
        if (!is(i + 1, "=>") || str(i) != "modules") continue;
        auto start = open_array(i + 2);
        if (!start) continue;
        std::vector<PhpModuleSwitch> out;
        // Elements at depth 0 of this array: `key => value` up to `,`, until the closer.
        std::size_t depth = 0;
        for (std::size_t k = *start; k < t.size(); ++k) {
            if (is(k, "[") || is(k, "(") || is(k, "{")) {
                ++depth;
                continue;
            }
            if (is(k, "]") || is(k, ")") || is(k, "}")) {
                if (depth == 0) break;
                --depth;
                continue;
            }
            if (depth != 0 || !is(k + 1, "=>")) continue;
            if (k > *start && !is(k - 1, ",")) continue; // a key starts an element
            auto name = str(k);
            if (!name) continue;
            // The value: one constant token before `,` or the closer, else not a constant.
            const std::size_t v = k + 2;
            if (v >= t.size()) break;
            PhpModuleSwitch sw;
            sw.name = std::move(*name);
            sw.name_range = t[k]->inner;
            sw.value_range = t[v]->range;
            const bool alone = is(v + 1, ",") || is(v + 1, "]") || is(v + 1, ")");
            if (alone) {
                const std::string_view raw =
                    text.substr(t[v]->range.begin, t[v]->range.end - t[v]->range.begin);
                if (t[v]->kind == PhpTokenKind::Number)
                    sw.enabled = raw.find_first_not_of("0._xXbBoO") != std::string_view::npos;
                else if (t[v]->kind == PhpTokenKind::Name)
                    sw.enabled = word(v) != "false" && word(v) != "null";
                else if (auto s = str(v))
                    sw.enabled = !s->empty() && *s != "0";
            }
            out.push_back(std::move(sw));
        }
        return out;
    }
    return std::nullopt;
}

} // namespace mil
