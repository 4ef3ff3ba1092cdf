#include "mil/syntax/jsonlite.hpp"
#include "mil/base/strings.hpp"

#include <algorithm>
#include <limits>

namespace mil {

const char* json_type_name(JsonType t) {
    switch (t) {
    case JsonType::Null:
        return "null";
    case JsonType::Bool:
        return "boolean";
    case JsonType::Number:
        return "number";
    case JsonType::String:
        return "string";
    case JsonType::Array:
        return "array";
    case JsonType::Object:
        return "object";
    }
    return "null";
}

const char* json_error_kind_name(JsonErrorKind k) {
    switch (k) {
    case JsonErrorKind::UnexpectedEnd:
        return "unexpected-end";
    case JsonErrorKind::UnexpectedCharacter:
        return "unexpected-character";
    case JsonErrorKind::InvalidLiteral:
        return "invalid-literal";
    case JsonErrorKind::InvalidNumber:
        return "invalid-number";
    case JsonErrorKind::UnterminatedString:
        return "unterminated-string";
    case JsonErrorKind::ControlCharacter:
        return "control-character";
    case JsonErrorKind::InvalidEscape:
        return "invalid-escape";
    case JsonErrorKind::InvalidUnicodeEscape:
        return "invalid-unicode-escape";
    case JsonErrorKind::InvalidUtf8:
        return "invalid-utf8";
    case JsonErrorKind::ExpectedKey:
        return "expected-key";
    case JsonErrorKind::ExpectedColon:
        return "expected-colon";
    case JsonErrorKind::ExpectedCommaOrClose:
        return "expected-comma-or-close";
    case JsonErrorKind::TrailingComma:
        return "trailing-comma";
    case JsonErrorKind::TrailingContent:
        return "trailing-content";
    case JsonErrorKind::TooDeep:
        return "too-deep";
    }
    return "unexpected-character";
}

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string describe(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
    static const char* hex = "0123456789ABCDEF";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

class JsonParser {
public:
    explicit JsonParser(std::string_view text) : s_(text), n_(text.size()) {}

    JsonDocument run() {
        std::size_t p = 0;
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") p = 3;
        // About a value per 16 bytes in composer.json; reserved (within bounds) so the values
        // are not moved as the vector grows.
        doc_.values.reserve(std::min<std::size_t>(n_ / 16 + 4, 4096));
        p = skip_ws(p);
        if (p >= n_) {
            fail(JsonErrorKind::UnexpectedEnd, p, "empty document: expected a JSON value");
            return finish(p);
        }
        // The explicit stack of open containers replaces recursion.
        enum class State { Value, ValueOrClose, KeyOrClose, Key, Colon, AfterValue };
        State st = State::Value;
        while (!doc_.error) {
            p = skip_ws(p);
            const bool at_end = p >= n_;
            const char c = at_end ? '\0' : s_[p];
            switch (st) {
            case State::ValueOrClose:
                if (c == ']' && !at_end) {
                    p = close(p);
                    st = State::AfterValue;
                    break;
                }
                [[fallthrough]];
            case State::Value: {
                if (at_end) {
                    fail(JsonErrorKind::UnexpectedEnd, p, "unexpected end: expected a value");
                    break;
                }
                if (c == '{' || c == '[') {
                    if (stack_.size() >= kJsonMaxDepth) {
                        fail(JsonErrorKind::TooDeep, p,
                             "nesting deeper than " + std::to_string(kJsonMaxDepth) + " levels");
                        break;
                    }
                    std::uint32_t v = add(c == '{' ? JsonType::Object : JsonType::Array, p);
                    stack_.push_back(v);
                    ++p;
                    st = c == '{' ? State::KeyOrClose : State::ValueOrClose;
                    break;
                }
                if (c == ']' && st == State::Value && !stack_.empty()) {
                    fail(JsonErrorKind::TrailingComma, p, "trailing comma before ']'");
                    break;
                }
                std::size_t q = scalar(p);
                if (doc_.error) break;
                p = q;
                st = State::AfterValue;
                break;
            }
            case State::KeyOrClose:
                if (c == '}' && !at_end) {
                    p = close(p);
                    st = State::AfterValue;
                    break;
                }
                [[fallthrough]];
            case State::Key: {
                if (at_end) {
                    fail(JsonErrorKind::UnexpectedEnd, p, "unexpected end: expected a key");
                    break;
                }
                if (c == '}' && st == State::Key) {
                    fail(JsonErrorKind::TrailingComma, p, "trailing comma before '}'");
                    break;
                }
                if (c != '"') {
                    fail(JsonErrorKind::ExpectedKey, p,
                         "expected a string key, found " + describe(c));
                    break;
                }
                JsonMember m;
                std::size_t q = string(p, m.key);
                if (doc_.error) break;
                m.key_range = {static_cast<Offset>(p + 1), static_cast<Offset>(q - 1)};
                doc_.values[stack_.back()].members.push_back(std::move(m));
                p = q;
                st = State::Colon;
                break;
            }
            case State::Colon:
                if (at_end) {
                    fail(JsonErrorKind::UnexpectedEnd, p, "unexpected end: expected ':'");
                } else if (c != ':') {
                    fail(JsonErrorKind::ExpectedColon, p,
                         "expected ':' after the key, found " + describe(c));
                } else {
                    ++p;
                    st = State::Value;
                }
                break;
            case State::AfterValue: {
                if (stack_.empty()) {
                    if (!at_end)
                        fail(JsonErrorKind::TrailingContent, p,
                             "unexpected " + describe(c) + " after the top-level value");
                    return finish(p);
                }
                const bool in_object = doc_.values[stack_.back()].type == JsonType::Object;
                const char closer = in_object ? '}' : ']';
                if (at_end) {
                    fail(JsonErrorKind::UnexpectedEnd, p,
                         std::string("unexpected end: expected ',' or '") + closer + "'");
                } else if (c == ',') {
                    ++p;
                    st = in_object ? State::Key : State::Value;
                } else if (c == closer) {
                    p = close(p);
                } else {
                    fail(JsonErrorKind::ExpectedCommaOrClose, p,
                         std::string("expected ',' or '") + closer + "', found " + describe(c));
                }
                break;
            }
            }
        }
        return finish(p);
    }

private:
    std::string_view s_;
    std::size_t n_;
    JsonDocument doc_;
    std::vector<std::uint32_t> stack_;

    std::size_t skip_ws(std::size_t p) const {
        while (p < n_ && is_ws(s_[p]))
            ++p;
        return p;
    }

    void fail(JsonErrorKind kind, std::size_t at, std::string message) {
        if (doc_.error) return;
        doc_.error = JsonError{kind, static_cast<Offset>(std::min(at, n_)), std::move(message)};
    }

    // Adds a value starting at p under the innermost open container.
    std::uint32_t add(JsonType type, std::size_t p) {
        std::uint32_t idx = static_cast<std::uint32_t>(doc_.values.size());
        JsonValue v;
        v.type = type;
        v.range = {static_cast<Offset>(p), static_cast<Offset>(p)};
        if (!stack_.empty()) {
            std::uint32_t parent = stack_.back();
            v.parent = parent;
            JsonValue& pv = doc_.values[parent];
            if (pv.type == JsonType::Array) {
                pv.items.push_back(idx);
            } else if (!pv.members.empty()) {
                pv.members.back().value = idx;
            }
        }
        doc_.values.push_back(std::move(v));
        return idx;
    }

    void set_range(std::uint32_t idx, std::size_t b, std::size_t e) {
        JsonValue& v = doc_.values[idx];
        v.range = {static_cast<Offset>(b), static_cast<Offset>(e)};
        v.inner = v.range;
    }

    // Closes the innermost container at the `}` or `]` at p.
    std::size_t close(std::size_t p) {
        std::uint32_t idx = stack_.back();
        stack_.pop_back();
        set_range(idx, doc_.values[idx].range.begin, p + 1);
        return p + 1;
    }

    // Parses a string, number or literal at p; returns the position after it.
    std::size_t scalar(std::size_t p) {
        const char c = s_[p];
        if (c == '"') {
            std::string value;
            std::size_t q = string(p, value);
            if (doc_.error) return q;
            std::uint32_t idx = add(JsonType::String, p);
            set_range(idx, p, q);
            JsonValue& v = doc_.values[idx];
            v.inner = {static_cast<Offset>(p + 1), static_cast<Offset>(q - 1)};
            v.string = std::move(value);
            return q;
        }
        if (c == '-' || is_ascii_digit(c)) return number(p);
        if (c >= 'a' && c <= 'z') {
            std::size_t q = p;
            while (q < n_ && ((s_[q] >= 'a' && s_[q] <= 'z') || (s_[q] >= 'A' && s_[q] <= 'Z') ||
                              is_ascii_digit(s_[q]) || s_[q] == '_'))
                ++q;
            std::string_view word = s_.substr(p, q - p);
            JsonType type = JsonType::Null;
            bool boolean = false;
            if (word == "true") {
                type = JsonType::Bool;
                boolean = true;
            } else if (word == "false") {
                type = JsonType::Bool;
            } else if (word != "null") {
                std::string shown(word.substr(0, 32));
                fail(JsonErrorKind::InvalidLiteral, p,
                     "invalid literal '" + shown + "': expected true, false or null");
                return q;
            }
            std::uint32_t idx = add(type, p);
            set_range(idx, p, q);
            doc_.values[idx].boolean = boolean;
            return q;
        }
        fail(JsonErrorKind::UnexpectedCharacter, p, "expected a value, found " + describe(c));
        return p;
    }

    std::size_t number(std::size_t p) {
        std::size_t q = p;
        auto bad = [&](std::size_t at, const char* why) {
            fail(JsonErrorKind::InvalidNumber, at, std::string("invalid number: ") + why);
            return at;
        };
        if (s_[q] == '-') ++q;
        if (q >= n_ || !is_ascii_digit(s_[q])) return bad(q, "expected a digit");
        if (s_[q] == '0') {
            ++q;
            if (q < n_ && is_ascii_digit(s_[q])) return bad(q, "leading zeros are not allowed");
        } else {
            while (q < n_ && is_ascii_digit(s_[q]))
                ++q;
        }
        if (q < n_ && s_[q] == '.') {
            ++q;
            if (q >= n_ || !is_ascii_digit(s_[q])) return bad(q, "expected a digit after '.'");
            while (q < n_ && is_ascii_digit(s_[q]))
                ++q;
        }
        if (q < n_ && (s_[q] == 'e' || s_[q] == 'E')) {
            ++q;
            if (q < n_ && (s_[q] == '+' || s_[q] == '-')) ++q;
            if (q >= n_ || !is_ascii_digit(s_[q]))
                return bad(q, "expected a digit in the exponent");
            while (q < n_ && is_ascii_digit(s_[q]))
                ++q;
        }
        const double value = json_number_value(s_.substr(p, q - p));
        std::uint32_t idx = add(JsonType::Number, p);
        set_range(idx, p, q);
        doc_.values[idx].number = value;
        return q;
    }

    // Parses the string whose opening quote is at p into `out`; returns the position after
    // the closing quote (or where an error stopped it).
    std::size_t string(std::size_t p, std::string& out) {
        std::size_t q = p + 1;
        while (q < n_) {
            const unsigned char c = static_cast<unsigned char>(s_[q]);
            if (c == '"') return q + 1;
            if (c < 0x20) {
                fail(JsonErrorKind::ControlCharacter, q,
                     "control character " + describe(static_cast<char>(c)) +
                         " in a string (escape it)");
                return q;
            }
            if (c >= 0x80) {
                std::size_t len = utf8_sequence_length(s_, q);
                if (len == 0) {
                    fail(JsonErrorKind::InvalidUtf8, q, "malformed UTF-8 in a string");
                    return q;
                }
                out.append(s_.substr(q, len));
                q += len;
                continue;
            }
            if (c != '\\') {
                // A run of plain ASCII (no quote, backslash, control or non-ASCII byte),
                // most of any string: appended at once.
                std::size_t r = q + 1;
                while (r < n_) {
                    const auto d = static_cast<unsigned char>(s_[r]);
                    if (d == '"' || d == '\\' || d < 0x20 || d >= 0x80) break;
                    ++r;
                }
                out.append(s_.data() + q, r - q);
                q = r;
                continue;
            }
            if (q + 1 >= n_) break;
            const char e = s_[q + 1];
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(q + 2, cp)) {
                    fail(JsonErrorKind::InvalidUnicodeEscape, q,
                         "invalid \\u escape: expected 4 hex digits");
                    return q;
                }
                std::size_t next = q + 6;
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail(JsonErrorKind::InvalidUnicodeEscape, q,
                         "unpaired low surrogate in a \\u escape");
                    return q;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    std::uint32_t low = 0;
                    if (next + 1 < n_ && s_[next] == '\\' && s_[next + 1] == 'u' &&
                        hex4(next + 2, low) && low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        next += 6;
                    } else {
                        fail(JsonErrorKind::InvalidUnicodeEscape, q,
                             "unpaired high surrogate in a \\u escape");
                        return q;
                    }
                }
                append_utf8(out, cp);
                q = next;
                continue;
            }
            default:
                fail(JsonErrorKind::InvalidEscape, q,
                     "invalid escape '\\" + std::string(1, e) + "' in a string");
                return q;
            }
            q += 2;
        }
        fail(JsonErrorKind::UnterminatedString, p, "unterminated string");
        return n_;
    }

    bool hex4(std::size_t at, std::uint32_t& cp) const {
        if (at + 4 > n_) return false;
        cp = 0;
        for (std::size_t k = at; k < at + 4; ++k) {
            int h = hex_digit(s_[k]);
            if (h < 0) return false;
            cp = cp * 16 + static_cast<std::uint32_t>(h);
        }
        return true;
    }

    JsonDocument finish(std::size_t p) {
        // Containers still open end where parsing stopped.
        const Offset end = static_cast<Offset>(std::min(p, n_));
        for (std::uint32_t idx : stack_) {
            JsonValue& v = doc_.values[idx];
            v.complete = false;
            v.range.end =
                std::max(v.range.begin, doc_.error ? std::max(end, doc_.error->offset) : end);
            v.inner = v.range;
        }
        stack_.clear();
        return std::move(doc_);
    }
};

} // namespace

JsonDocument parse_json(std::string_view text) {
    if (text.size() > std::numeric_limits<Offset>::max())
        text = text.substr(0, std::numeric_limits<Offset>::max());
    return JsonParser(text).run();
}

const JsonMember* JsonDocument::find_member(const JsonValue& obj, std::string_view key) const {
    if (obj.type != JsonType::Object) return nullptr;
    for (auto it = obj.members.rbegin(); it != obj.members.rend(); ++it)
        if (it->key == key) return &*it;
    return nullptr;
}

const JsonValue* JsonDocument::member(const JsonValue& obj, std::string_view key) const {
    const JsonMember* m = find_member(obj, key);
    return m == nullptr ? nullptr : get(m->value);
}

const JsonValue* JsonDocument::find(const JsonValue& from,
                                    std::initializer_list<std::string_view> path) const {
    const JsonValue* v = &from;
    for (std::string_view key : path) {
        v = member(*v, key);
        if (v == nullptr) return nullptr;
    }
    return v;
}

const JsonValue* JsonDocument::find(std::initializer_list<std::string_view> path) const {
    const JsonValue* r = root();
    return r == nullptr ? nullptr : find(*r, path);
}

const JsonValue* JsonDocument::find(const JsonValue& from,
                                    const std::vector<std::string>& path) const {
    const JsonValue* v = &from;
    for (const std::string& key : path) {
        v = member(*v, key);
        if (v == nullptr) return nullptr;
    }
    return v;
}

std::uint32_t JsonDocument::value_at(Offset offset) const {
    // Values are stored in pre-order, so the last one that touches the offset is the
    // innermost.
    std::uint32_t best = kNoJsonValue;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const Range& r = values[i].range;
        if (r.touches(offset)) best = static_cast<std::uint32_t>(i);
    }
    return best;
}

} // namespace mil
