#include "workspace/installed_json.hpp"
#include "mil/base/strings.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include <algorithm>
#include <system_error>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace mil {

namespace {

// The first byte of [p, end) that ends a plain run of string contents: '"', '\\', a control
// character or a byte of a multi-byte UTF-8 sequence (each needs a closer look); end if none.
const char* plain_run_end(const char* p, const char* end) {
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // Signed: bytes 0x80-0xFF are negative, so "less than 0x20" takes them too.
        const __m128i stop =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmplt_epi8(v, space));
        if (const int mask = _mm_movemask_epi8(stop)) return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++p;
    }
    return p;
}

// The first byte of [p, end) that is not JSON whitespace; end if none.
const char* whitespace_end(const char* p, const char* end) {
#ifdef __SSE2__
    // Pretty-printed files indent every line: runs of spaces are long enough to pay.
    const __m128i sp = _mm_set1_epi8(' ');
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i tab = _mm_set1_epi8('\t');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i ws =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, nl)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, tab)));
        const int other = ~_mm_movemask_epi8(ws) & 0xFFFF;
        if (other) return p + __builtin_ctz(other);
        p += 16;
    }
#endif
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        ++p;
    return p;
}

// What to do with the strings of one package object.
struct PackageFields {
    std::string type;
    InstalledPackage pkg;
};

class Scanner {
public:
    Scanner(std::string_view text, const std::function<void(const InstalledPackage&)>& early)
        : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), early_(early) {}

    bool failed() const { return failed_; }

    // "line L, column C: message" of the first error.
    std::string error() const {
        std::size_t line = 1, col = 1;
        for (const char* q = begin_; q < error_at_; ++q) {
            if (*q == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        return "line " + std::to_string(line) + ", column " + std::to_string(col) + ": " +
               error_message_;
    }

    InstalledJson run() {
        InstalledJson out;
        if (end_ - p_ >= 1 && static_cast<unsigned char>(*p_) == 0xEF) {
            if (end_ - p_ < 3 || static_cast<unsigned char>(p_[1]) != 0xBB ||
                static_cast<unsigned char>(p_[2]) != 0xBF)
                return not_json(out, "invalid byte order mark");
            p_ += 3;
        }
        ws();
        bool shape_ok = false;
        if (peek() == '[') {
            shape_ok = packages(out.modules); // Composer 1: the array itself
        } else if (peek() == '{') {
            each_member([&](const std::string& key) {
                if (key != "packages") return skip_value();
                // The last "packages" member counts, as in a document.
                out.modules.clear();
                shape_ok = peek() == '[';
                return shape_ok ? packages(out.modules) : skip_value();
            });
        } else {
            skip_value();
        }
        if (!failed_) {
            ws();
            // nlohmann::json takes a NUL byte outside a string for the end of the input.
            if (p_ != end_ && *p_ != '\0') fail("unexpected content after the top-level value");
        }
        if (failed_) return not_json(out, nullptr);
        if (!shape_ok) {
            out.status = InstalledJson::Status::WrongShape;
            out.modules.clear();
        }
        return out;
    }

private:
    const char* begin_;
    const char* p_;
    const char* end_;
    const std::function<void(const InstalledPackage&)>& early_;
    bool failed_ = false;
    const char* error_at_ = nullptr;
    const char* error_message_ = "";

    InstalledJson& not_json(InstalledJson& out, const char* message) {
        if (message) fail(message);
        out.status = InstalledJson::Status::NotJson;
        out.modules.clear();
        out.error = error();
        return out;
    }

    bool fail(const char* message) {
        if (!failed_) {
            failed_ = true;
            error_at_ = p_;
            error_message_ = message;
        }
        return false;
    }

    int peek() const { return p_ < end_ ? static_cast<unsigned char>(*p_) : -1; }

    void ws() { p_ = whitespace_end(p_, end_); }

    // Four hex digits after "\u"; nullopt (p_ unchanged) when they are not.
    std::optional<std::uint32_t> hex4() {
        if (end_ - p_ < 4) return std::nullopt;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = p_[i];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                return std::nullopt;
        }
        p_ += 4;
        return v;
    }

    // Length of the well-formed UTF-8 sequence at p_ (a lead byte >= 0x80), or 0.
    std::size_t utf8_length() const {
        return utf8_sequence_length(std::string_view(p_, static_cast<std::size_t>(end_ - p_)), 0);
    }

    // A string at p_ (which is '"'); decoded into *out when out is not null.
    bool string(std::string* out) {
        ++p_;
        if (out) out->clear();
        for (;;) {
            const char* run = p_;
            p_ = plain_run_end(p_, end_);
            if (out) out->append(run, p_);
            if (p_ == end_) return fail("unterminated string");
            unsigned char c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                ++p_;
                return true;
            }
            if (c < 0x20) return fail("control character inside a string");
            if (c >= 0x80) {
                std::size_t n = utf8_length();
                if (n == 0) return fail("invalid UTF-8 inside a string");
                if (out) out->append(p_, n);
                p_ += n;
                continue;
            }
            // An escape.
            ++p_;
            if (p_ == end_) return fail("unterminated string");
            char e = *p_++;
            char plain = 0;
            switch (e) {
            case '"':
                plain = '"';
                break;
            case '\\':
                plain = '\\';
                break;
            case '/':
                plain = '/';
                break;
            case 'b':
                plain = '\b';
                break;
            case 'f':
                plain = '\f';
                break;
            case 'n':
                plain = '\n';
                break;
            case 'r':
                plain = '\r';
                break;
            case 't':
                plain = '\t';
                break;
            case 'u': {
                auto cp = hex4();
                if (!cp) return fail("'\\u' must be followed by 4 hex digits");
                if (*cp >= 0xD800 && *cp <= 0xDBFF) {
                    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
                        return fail("unpaired UTF-16 surrogate");
                    p_ += 2;
                    auto low = hex4();
                    if (!low) return fail("'\\u' must be followed by 4 hex digits");
                    if (*low < 0xDC00 || *low > 0xDFFF) return fail("unpaired UTF-16 surrogate");
                    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
                } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
                    return fail("unpaired UTF-16 surrogate");
                }
                if (out) append_utf8(*out, *cp);
                continue;
            }
            default:
                --p_;
                return fail("invalid escape in a string");
            }
            if (out) out->push_back(plain);
        }
    }

    bool digits() {
        if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("invalid number");
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9')
            ++p_;
        return true;
    }

    bool number() {
        const char* start = p_;
        if (*p_ == '-') ++p_;
        if (p_ < end_ && *p_ == '0')
            ++p_;
        else if (!digits())
            return false;
        const bool long_integer = p_ - start > 300;
        if (p_ < end_ && *p_ == '.') {
            ++p_;
            if (!digits()) return false;
        }
        bool exponent = false;
        if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
            exponent = true;
            ++p_;
            if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (!digits()) return false;
        }
        // A number whose value does not fit a double (1e999) is refused, as by
        // nlohmann::json; only a long integer part or an exponent can get there.
        if ((long_integer || exponent) && !finite_double(start, p_)) {
            p_ = start;
            return fail("number out of the range of a double");
        }
        return true;
    }

    // Whether the JSON number [first, last) is a finite double.
    static bool finite_double(const char* first, const char* last) {
        return std::isfinite(json_number_value(std::string_view(first, last - first)));
    }

    bool literal(std::string_view word) {
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::string_view(p_, word.size()) != word)
            return fail("invalid literal");
        p_ += word.size();
        return true;
    }

    // A scalar at p_ (after whitespace): string, number, true, false or null.
    bool scalar() {
        switch (peek()) {
        case '"':
            return string(nullptr);
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            return number();
        case -1:
            return fail("unexpected end of input; expected a value");
        default:
            return fail("unexpected character; expected a value");
        }
    }

    // Skips one value at p_, validating it, without recursion.
    bool skip_value() {
        std::vector<bool> in_object; // the open containers, innermost last
        for (;;) {
            // A value is expected here.
            ws();
            int c = peek();
            if (c == '{') {
                ++p_;
                ws();
                if (peek() == '}') {
                    ++p_;
                } else {
                    if (!object_key()) return false;
                    in_object.push_back(true);
                    continue;
                }
            } else if (c == '[') {
                ++p_;
                ws();
                if (peek() == ']') {
                    ++p_;
                } else {
                    in_object.push_back(false);
                    continue;
                }
            } else if (!scalar()) {
                return false;
            }
            // After a value: close containers or move to the next element.
            for (;;) {
                if (in_object.empty()) return true;
                ws();
                c = peek();
                if (c == ',') {
                    ++p_;
                    if (in_object.back()) {
                        ws();
                        if (!object_key()) return false;
                    }
                    break;
                }
                if (c == (in_object.back() ? '}' : ']')) {
                    ++p_;
                    in_object.pop_back();
                    continue;
                }
                return fail(in_object.back() ? "expected ',' or '}' after an object member"
                                             : "expected ',' or ']' after an array element");
            }
        }
    }

    // `"key" :` at p_ (after whitespace), not kept; leaves p_ before the value.
    bool object_key() {
        if (peek() != '"') return fail("expected a string as object key");
        if (!string(nullptr)) return false;
        ws();
        if (peek() != ':') return fail("expected ':' after an object key");
        ++p_;
        return true;
    }

    // `"key" :` at p_, decoded into `key`; leaves p_ at the value, after whitespace.
    bool member_key(std::string& key) {
        if (peek() != '"') return fail("expected a string as object key");
        if (!string(&key)) return false;
        ws();
        if (peek() != ':') return fail("expected ':' after an object key");
        ++p_;
        ws();
        return true;
    }

    // Iterates the elements of an array at p_ ('['): fn() is called with p_ at each element
    // (after whitespace) and must consume it.
    template <class Fn>
    bool each_element(Fn&& fn) {
        ++p_;
        ws();
        if (peek() == ']') {
            ++p_;
            return true;
        }
        for (;;) {
            if (!fn()) return false;
            ws();
            if (peek() == ',') {
                ++p_;
                ws();
                continue;
            }
            if (peek() == ']') {
                ++p_;
                return true;
            }
            return fail("expected ',' or ']' after an array element");
        }
    }

    // Iterates the members of an object at p_ ('{'): fn(key) is called with p_ at the value
    // (after whitespace) and must consume it.
    template <class Fn>
    bool each_member(Fn&& fn) {
        ++p_;
        ws();
        if (peek() == '}') {
            ++p_;
            return true;
        }
        std::string key;
        for (;;) {
            if (!member_key(key)) return false;
            if (!fn(key)) return false;
            ws();
            if (peek() == ',') {
                ++p_;
                ws();
                continue;
            }
            if (peek() == '}') {
                ++p_;
                return true;
            }
            return fail("expected ',' or '}' after an object member");
        }
    }

    // A string value kept into `out`, or any other value skipped (and `out` emptied).
    bool string_or_skip(std::string& out) {
        if (peek() == '"') return string(&out);
        out.clear();
        return skip_value();
    }

    bool autoload(InstalledPackage& pkg) {
        return each_member([&](const std::string& key) {
            if (key != "files") return skip_value();
            pkg.autoload_files.clear();
            if (peek() != '[') return skip_value();
            return each_element([&] {
                if (peek() != '"') return skip_value();
                pkg.autoload_files.emplace_back();
                return string(&pkg.autoload_files.back());
            });
        });
    }

    bool package(PackageFields& f) {
        return each_member([&](const std::string& key) {
            if (key == "type") return string_or_skip(f.type);
            if (key == "name") return string_or_skip(f.pkg.name);
            if (key == "install-path") return string_or_skip(f.pkg.install_path);
            if (key == "autoload") {
                f.pkg.autoload_files.clear();
                return peek() == '{' ? autoload(f.pkg) : skip_value();
            }
            return skip_value();
        });
    }

    // The array of packages at p_ ('['): its magento2-module packages into `out`.
    bool packages(std::vector<InstalledPackage>& out) {
        PackageFields f;
        return each_element([&] {
            if (peek() != '{') return skip_value();
            f.type.clear();
            f.pkg = {};
            if (!package(f)) return false;
            if (f.type != "magento2-module") return true;
            if (early_) early_(f.pkg);
            out.push_back(std::move(f.pkg));
            return true;
        });
    }
};

} // namespace

InstalledJson read_installed_json(std::string_view text,
                                  const std::function<void(const InstalledPackage&)>& early) {
    return Scanner(text, early).run();
}

} // namespace mil
