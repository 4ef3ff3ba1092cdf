#include "config_file.hpp"

#include "fileio.hpp"
#include "mil/rules.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

// A small JSON reader that remembers where each value starts, so that a mistake in the
// settings file can be reported at its line and column.
struct JValue {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    std::size_t pos = 0;
    std::string str;
    bool boolean = false;
    std::vector<JValue> items;                                                   // Array
    std::vector<std::pair<std::pair<std::string, std::size_t>, JValue>> members; // Object
};

struct ParseFailure {
    std::size_t pos;
    std::string message;
};

class Reader {
public:
    explicit Reader(std::string_view text) : t_(text) {
        if (t_.substr(0, 3) == "\xEF\xBB\xBF") p_ = 3; // UTF-8 byte order mark
    }

    JValue document() {
        JValue v = value(0);
        skip_ws();
        if (p_ < t_.size()) fail("unexpected text after the end of the JSON value");
        return v;
    }

private:
    static constexpr int kMaxDepth = 64;

    [[noreturn]] void fail(std::string message) { throw ParseFailure{p_, std::move(message)}; }

    void skip_ws() {
        while (p_ < t_.size() &&
               (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r'))
            ++p_;
    }

    std::string describe_here() const {
        if (p_ >= t_.size()) return "the end of the file";
        char c = t_[p_];
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
        return fmt::format("'{}'", c);
    }

    JValue value(int depth) {
        skip_ws();
        if (depth > kMaxDepth) fail("values are nested too deeply");
        if (p_ >= t_.size()) fail("expected a value, found the end of the file");
        JValue v;
        v.pos = p_;
        char c = t_[p_];
        if (c == '{') {
            v.kind = JValue::Object;
            ++p_;
            skip_ws();
            if (p_ < t_.size() && t_[p_] == '}') {
                ++p_;
                return v;
            }
            for (;;) {
                skip_ws();
                if (p_ >= t_.size() || t_[p_] != '"')
                    fail("expected a member name in double quotes, found " + describe_here());
                std::size_t key_pos = p_;
                std::string key = string();
                skip_ws();
                if (p_ >= t_.size() || t_[p_] != ':')
                    fail("expected ':' after a member name, found " + describe_here());
                ++p_;
                JValue member = value(depth + 1);
                v.members.push_back({{std::move(key), key_pos}, std::move(member)});
                skip_ws();
                if (p_ < t_.size() && t_[p_] == ',') {
                    ++p_;
                    continue;
                }
                if (p_ < t_.size() && t_[p_] == '}') {
                    ++p_;
                    return v;
                }
                fail("expected ',' or '}' after an object member, found " + describe_here());
            }
        }
        if (c == '[') {
            v.kind = JValue::Array;
            ++p_;
            skip_ws();
            if (p_ < t_.size() && t_[p_] == ']') {
                ++p_;
                return v;
            }
            for (;;) {
                v.items.push_back(value(depth + 1));
                skip_ws();
                if (p_ < t_.size() && t_[p_] == ',') {
                    ++p_;
                    continue;
                }
                if (p_ < t_.size() && t_[p_] == ']') {
                    ++p_;
                    return v;
                }
                fail("expected ',' or ']' after an array element, found " + describe_here());
            }
        }
        if (c == '"') {
            v.kind = JValue::String;
            v.str = string();
            return v;
        }
        if (literal("true")) {
            v.kind = JValue::Bool;
            v.boolean = true;
            return v;
        }
        if (literal("false")) {
            v.kind = JValue::Bool;
            return v;
        }
        if (literal("null")) return v;
        if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = JValue::Number;
            number();
            return v;
        }
        fail("expected a value, found " + describe_here());
    }

    bool literal(std::string_view word) {
        if (t_.substr(p_, word.size()) != word) return false;
        p_ += word.size();
        return true;
    }

    void digits() {
        std::size_t start = p_;
        while (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9')
            ++p_;
        if (p_ == start) fail("expected a digit, found " + describe_here());
    }

    void number() {
        if (t_[p_] == '-') ++p_;
        if (p_ < t_.size() && t_[p_] == '0')
            ++p_;
        else
            digits();
        if (p_ < t_.size() && t_[p_] == '.') {
            ++p_;
            digits();
        }
        if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
            ++p_;
            if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-')) ++p_;
            digits();
        }
    }

    unsigned hex4() {
        unsigned v = 0;
        for (int i = 0; i < 4; ++i, ++p_) {
            if (p_ >= t_.size()) fail("unfinished \\u escape");
            char c = t_[p_];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            else
                fail("expected four hex digits after \\u");
        }
        return v;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string string() {
        ++p_; // opening quote
        std::string out;
        for (;;) {
            if (p_ >= t_.size()) fail("unterminated string");
            char c = t_[p_];
            if (c == '"') {
                ++p_;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                fail("control character in a string (write it as an escape)");
            if (c != '\\') {
                out += c;
                ++p_;
                continue;
            }
            ++p_;
            if (p_ >= t_.size()) fail("unterminated string");
            char e = t_[p_];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                ++p_;
                break;
            case 'b':
                out += '\b';
                ++p_;
                break;
            case 'f':
                out += '\f';
                ++p_;
                break;
            case 'n':
                out += '\n';
                ++p_;
                break;
            case 'r':
                out += '\r';
                ++p_;
                break;
            case 't':
                out += '\t';
                ++p_;
                break;
            case 'u': {
                ++p_;
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00 && t_.substr(p_, 2) == "\\u") {
                    std::size_t save = p_;
                    p_ += 2;
                    unsigned lo = hex4();
                    if (lo >= 0xDC00 && lo < 0xE000)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else
                        p_ = save;
                }
                if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; // lone surrogate
                append_utf8(out, cp);
                break;
            }
            default:
                fail(fmt::format("invalid escape '\\{}' in a string", e));
            }
        }
    }

    std::string_view t_;
    std::size_t p_ = 0;
};

// 1-based line and column (in characters) of a byte position.
std::string where(std::string_view text, std::string_view name, std::size_t pos) {
    if (pos > text.size()) pos = text.size();
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < pos; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
            col = 1;
        } else if (c == '\r') {
            // the '\n' of a CRLF ends the line
        } else if ((c & 0xC0) != 0x80) {
            ++col;
        }
    }
    return fmt::format("{}:{}:{}", name, line, col);
}

// Reads a severity name into *out (nullopt for "off"); false when the name is unknown.
bool severity_value(std::string_view s, std::optional<Severity>* out) {
    if (s == "error")
        *out = Severity::Error;
    else if (s == "warning")
        *out = Severity::Warning;
    else if (s == "info")
        *out = Severity::Info;
    else if (s == "hint")
        *out = Severity::Hint;
    else if (s == "off")
        out->reset();
    else
        return false;
    return true;
}

// Segment-wise glob match of one segment: '*' any run, '?' one character (byte).
bool segment_match(std::string_view pat, std::string_view s) {
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*')
        ++p;
    return p == pat.size();
}

std::vector<std::string_view> split_segments(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t slash = s.find('/', pos);
        std::string_view seg =
            s.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        if (!seg.empty() && seg != ".") out.push_back(seg);
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    return out;
}

// match[i][j]: pattern segments from i match path segments from j.
bool segments_match(const std::vector<std::string_view>& pat,
                    const std::vector<std::string_view>& path, std::size_t path_len) {
    std::size_t P = pat.size(), S = path_len;
    std::vector<std::vector<char>> m(P + 1, std::vector<char>(S + 1, 0));
    m[P][S] = 1;
    for (std::size_t i = P; i-- > 0;) {
        for (std::size_t j = S + 1; j-- > 0;) {
            if (pat[i] == "**") {
                m[i][j] = m[i + 1][j] || (j < S && m[i][j + 1]);
            } else {
                m[i][j] = j < S && segment_match(pat[i], path[j]) && m[i + 1][j + 1];
            }
        }
    }
    return m[0][0] != 0;
}

} // namespace

std::optional<CheckConfig> parse_check_config(std::string_view text, std::string_view name,
                                              std::string* error) {
    auto set_error = [&](std::size_t pos, const std::string& message) {
        if (error) *error = where(text, name, pos) + ": " + message;
    };
    JValue doc;
    try {
        doc = Reader(text).document();
    } catch (const ParseFailure& f) {
        set_error(f.pos, "invalid JSON: " + f.message);
        return std::nullopt;
    }
    if (doc.kind != JValue::Object) {
        set_error(doc.pos, "the settings must be a JSON object");
        return std::nullopt;
    }
    CheckConfig config;
    for (const auto& [key, value] : doc.members) {
        const auto& [k, key_pos] = key;
        if (k == "severity") {
            if (value.kind != JValue::Object) {
                set_error(value.pos, "\"severity\" must be an object mapping rule codes to "
                                     "error, warning, info, hint or off");
                return std::nullopt;
            }
            for (const auto& [code_key, level] : value.members) {
                const auto& [code, code_pos] = code_key;
                if (level.kind != JValue::String) {
                    set_error(level.pos, fmt::format("the severity of '{}' must be a string: "
                                                     "error, warning, info, hint or off",
                                                     code));
                    return std::nullopt;
                }
                std::optional<Severity> sev;
                if (!severity_value(level.str, &sev)) {
                    set_error(level.pos,
                              fmt::format("unknown severity '{}' for '{}' (use error, warning, "
                                          "info, hint or off)",
                                          level.str, code));
                    return std::nullopt;
                }
                if (!find_rule(code))
                    config.warnings.push_back(where(text, name, code_pos) +
                                              fmt::format(": no rule has the code '{}'", code));
                config.severity[code] = sev;
            }
        } else if (k == "exclude") {
            if (value.kind != JValue::Array) {
                set_error(value.pos, "\"exclude\" must be an array of glob strings");
                return std::nullopt;
            }
            for (const auto& item : value.items) {
                if (item.kind != JValue::String) {
                    set_error(item.pos, "each \"exclude\" entry must be a glob string");
                    return std::nullopt;
                }
                config.exclude.push_back(item.str);
            }
        } else {
            config.warnings.push_back(where(text, name, key_pos) +
                                      fmt::format(": unknown setting '{}' is ignored", k));
        }
    }
    return config;
}

std::optional<CheckConfig> load_check_config(const std::string& path, std::string* error) {
    std::string read_error;
    auto text = read_file(path, 1u << 20, &read_error);
    if (!text) {
        if (error) *error = read_error.empty() ? path + ": cannot read the file" : read_error;
        return std::nullopt;
    }
    return parse_check_config(*text, path, error);
}

bool glob_match(std::string_view pattern, std::string_view path) {
    auto pat = split_segments(pattern);
    auto segs = split_segments(path);
    return segments_match(pat, segs, segs.size());
}

bool is_excluded(const std::vector<std::string>& patterns, std::string_view path) {
    auto segs = split_segments(path);
    for (const auto& p : patterns) {
        auto pat = split_segments(p);
        if (pat.empty()) continue;
        for (std::size_t len = 1; len <= segs.size(); ++len)
            if (segments_match(pat, segs, len)) return true;
    }
    return false;
}

} // namespace mil
