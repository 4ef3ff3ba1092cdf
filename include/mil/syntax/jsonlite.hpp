// A tolerant JSON reader that keeps byte ranges, for composer.json in the core (which may
// not use a JSON library).
//
// parse_json() never throws. It follows RFC 8259 strictly (no comments, no trailing
// commas, no single quotes) and, like PHP's json_decode() that Composer uses, rejects
// invalid UTF-8, unpaired UTF-16 surrogates in \u escapes and nesting deeper than 512. On
// the first error it stops and keeps everything parsed so far: containers that were still
// open are marked incomplete and end at the error offset. A UTF-8 byte order mark at the
// start is skipped.
//
// Values live in one flat vector and refer to each other by index, so neither parsing nor
// destroying a deeply nested document recurses.
#pragma once

#include "mil/base/text.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

inline constexpr std::uint32_t kNoJsonValue = 0xffffffffu;

enum class JsonType : std::uint8_t { Null, Bool, Number, String, Array, Object };

const char* json_type_name(JsonType t); // "null", "boolean", "number", "string", "array", "object"

struct JsonMember {
    std::string key;                    // decoded
    Range key_range;                    // contents between the key's quotes
    std::uint32_t value = kNoJsonValue; // index in JsonDocument::values; kNoJsonValue when
                                        // the error came before the value
};

struct JsonValue {
    JsonType type = JsonType::Null;
    Range range; // the whole value: quotes included, `{` to `}` included
    Range inner; // strings: contents between the quotes; others: same as `range`
    bool boolean = false;
    double number = 0;                // Number (the text is at `range`)
    std::string string;               // String, decoded
    std::vector<JsonMember> members;  // Object, in document order (duplicates kept)
    std::vector<std::uint32_t> items; // Array
    std::uint32_t parent = kNoJsonValue;
    bool complete = true; // false for a container still open when the error was met
};

enum class JsonErrorKind : std::uint8_t {
    UnexpectedEnd,        // input ends where a value or punctuation is required
    UnexpectedCharacter,  // a character that cannot start or continue anything here
    InvalidLiteral,       // a word that is not true, false or null
    InvalidNumber,        // 01, 1., .5, -, 1e
    UnterminatedString,   // no closing quote before the end
    ControlCharacter,     // a raw control character (e.g. a newline) inside a string
    InvalidEscape,        // \q
    InvalidUnicodeEscape, // \u12G4 or an unpaired surrogate
    InvalidUtf8,          // malformed UTF-8 inside a string
    ExpectedKey,          // an object member that does not start with a string
    ExpectedColon,        // a key not followed by ':'
    ExpectedCommaOrClose, // two values without ',' between them
    TrailingComma,        // [1,] or {"a":1,}
    TrailingContent,      // anything but whitespace after the top-level value
    TooDeep,              // nesting deeper than kJsonMaxDepth
};

inline constexpr std::size_t kJsonMaxDepth = 512;

const char* json_error_kind_name(JsonErrorKind k); // e.g. "trailing-comma"

struct JsonError {
    JsonErrorKind kind = JsonErrorKind::UnexpectedCharacter;
    Offset offset = 0;   // where the problem is
    std::string message; // e.g. "expected ',' or '}' after an object member"
};

class JsonDocument {
public:
    std::vector<JsonValue> values; // values[0] is the top-level value, when there is one
    std::optional<JsonError> error;

    bool ok() const { return !error.has_value() && !values.empty(); }
    const JsonValue* root() const { return values.empty() ? nullptr : &values.front(); }
    const JsonValue* get(std::uint32_t index) const {
        return index < values.size() ? &values[index] : nullptr;
    }

    // The member `key` of an object (the last one when the key is repeated, as PHP's
    // json_decode keeps it); nullptr when `obj` is not an object or has no such member.
    const JsonMember* find_member(const JsonValue& obj, std::string_view key) const;
    const JsonValue* member(const JsonValue& obj, std::string_view key) const;
    // Follows object keys from `from` (or the root), e.g. {"autoload", "psr-4"}.
    const JsonValue* find(const JsonValue& from,
                          std::initializer_list<std::string_view> path) const;
    const JsonValue* find(std::initializer_list<std::string_view> path) const;
    const JsonValue* find(const JsonValue& from, const std::vector<std::string>& path) const;

    // Index of the innermost value whose range contains `offset` (or ends there),
    // kNoJsonValue if none.
    std::uint32_t value_at(Offset offset) const;
};

JsonDocument parse_json(std::string_view text);

} // namespace mil
