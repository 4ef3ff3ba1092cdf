// A small, tolerant PHP reader: a tokenizer and a few extractors for the PHP
// files the server looks at (registration.php, setup scripts, admin
// controllers).
//
// Nothing here fails: unterminated strings and comments run to the end of the
// text, stray bytes become Unknown tokens, and extractors skip what they do not
// understand. All ranges are UTF-8 byte offsets into the text handed in. No
// recursion: nesting is tracked with explicit counters and stacks, so deep or
// hostile input cannot overflow the call stack.
#pragma once

#include "mil/base/text.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

// ---------------------------------------------------------------------------------------
// Tokens

enum class PhpTokenKind : std::uint8_t {
    InlineHtml,   // text outside <?php ... ?>
    OpenTag,      // `<?php` (with the one whitespace character after it) or `<?=`
    CloseTag,     // `?>` (with one newline after it); ends a statement like `;`
    Whitespace,   // spaces, tabs, newlines inside PHP code
    LineComment,  // `// ...` or `# ...` up to the newline or `?>` (not included)
    BlockComment, // `/* ... */`
    DocComment,   // `/** ... */`
    Variable,     // `$name` (just `$` followed by something else is Punct)
    Name,         // identifiers and keywords, and names with backslashes: `Foo\Bar`,
                  // `\Foo\Bar`, `namespace\Foo`
    Number,       // 12, 0x1F, 0b101, 0o17, 1_000, 1.5e3, .5
    SingleQuoted, // '...'
    DoubleQuoted, // "..."
    Backtick,     // `...` (shell execution)
    Heredoc,      // <<<ID ... ID  or <<<"ID" ... ID
    Nowdoc,       // <<<'ID' ... ID
    Punct,        // operators and punctuation; `#[` (attribute start) is one token
    Unknown,      // a byte that starts nothing PHP knows (kept so ranges stay
                  // contiguous)
};

const char* php_token_kind_name(PhpTokenKind k);

struct PhpToken {
    PhpTokenKind kind = PhpTokenKind::Unknown;
    // Strings, heredocs and comments that reach the end of the text without their
    // closer.
    bool terminated = true;
    Range range; // the whole token
    // Strings: the contents between the quotes (heredoc/nowdoc: the body lines,
    // without the newline before the closing label). Every other kind: the same
    // as `range`.
    Range inner;
};

// Every token of `text`, in order, covering it without gaps. Tokenization
// starts in inline-HTML mode, as PHP does; a text longer than 4 GiB is cut at
// the last Offset.
std::vector<PhpToken> tokenize_php(std::string_view text);

// True for tokens that carry no meaning for the extractors: whitespace,
// comments, inline HTML and open tags.
bool php_token_is_trivia(PhpTokenKind k);

// Decoded value of a string token (SingleQuoted, DoubleQuoted, Backtick,
// Heredoc, Nowdoc): escapes resolved as PHP does (`\'` and `\\` only in single
// quotes and nothing in nowdoc;
// `\n \t \r \v \e \f \\ \$ \" \0-\777 \xHH \u{H...}` in double quotes and
// heredoc, other backslashes kept). Heredoc/nowdoc bodies lose the closing
// label's indentation. `interpolated` is set when the string embeds a variable
// (`$x`, `{$x}`, `${x}`): its value is then not a constant and `value` holds
// the raw text with escapes decoded.
struct PhpStringValue {
    std::string value;
    bool interpolated = false;
};
PhpStringValue decode_php_string(std::string_view text, const PhpToken& token);

// ---------------------------------------------------------------------------------------
// registration.php

enum class PhpComponentType : std::uint8_t { Module, Theme, Library, Language, Setup, Unknown };
const char* php_component_type_name(PhpComponentType t); // "module", "theme", ... "unknown"

// One `ComponentRegistrar::register(TYPE, 'Name', __DIR__)` call. The registrar
// may be written unqualified (after `use
// Magento\Framework\Component\ComponentRegistrar;`), under an alias (`use
// ...\ComponentRegistrar as CR;`), qualified or fully qualified.
struct PhpRegistration {
    PhpComponentType type = PhpComponentType::Unknown;
    Range type_range;             // the first argument, e.g. `ComponentRegistrar::MODULE`
    std::string name;             // decoded component name, e.g. "Vendor_Module"
    Range name_range;             // contents between the quotes; the argument when not a string
    bool name_is_literal = false; // false when the second argument is not a constant string
    Range call_range;             // from the class name to the closing parenthesis
    std::string registrar;        // the class as resolved, e.g.
                                  // Magento\Framework\Component\ComponentRegistrar
};

// Every register() call on a class whose resolved short name is
// `ComponentRegistrar`. Calls inside comments, strings and heredocs do not
// count.
std::vector<PhpRegistration> find_php_registrations(std::string_view text);

// The registration of a registration.php written in the form nearly every module ships:
// `<?php`, comments, `declare(strict_types=1);` if any, at most one
// `use ...\ComponentRegistrar;`, then only
// `ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Name', __DIR__);` (the class
// written as the slow path accepts it) and comments. For that form, the same result as the
// first of find_php_registrations() without tokenizing the file; nullopt for any other
// text, which the caller then gives to find_php_registrations().
std::optional<PhpRegistration> find_plain_module_registration(std::string_view text);

// ---------------------------------------------------------------------------------------
// Class constants

struct PhpClassConstant {
    std::string class_name; // short name, e.g. "Constants"
    std::string class_fqn;  // with the file's namespace, no leading backslash
    std::string name;       // e.g. "INTEGRATION_NAME"
    Range name_range;
    // The value when the initializer is a constant string: a literal, a
    // concatenation of literals with `.`, or a reference to another constant of
    // the same file that is one.
    std::optional<std::string> value;
    // Contents of the string literal when the initializer is exactly one literal;
    // otherwise the whole initializer expression.
    Range value_range;
};

// All constants declared in classes, interfaces, traits and enums of `text`
// (not enum cases, not global `const`/`define`).
std::vector<PhpClassConstant> find_php_class_constants(std::string_view text);

// Where a constant of another file comes from (for go-to-definition).
struct PhpConstantEntry {
    std::string value;
    std::string path;
    Range value_range;
};

// Constants of other files of a module, for resolving `Other::NAME`. Class
// names are case-insensitive in PHP and are looked up that way; constant names
// are case-sensitive.
class PhpConstantTable {
public:
    // Adds `c` (when it has a string value) under both its short and its
    // qualified class name.
    void add(const std::string& path, const PhpClassConstant& c);
    // Adds one entry under one class name (short or qualified, a leading '\' is
    // ignored).
    void add(std::string_view class_name, std::string_view constant, PhpConstantEntry entry);
    // Looks a qualified name up first, then its short name; nullptr when absent.
    const PhpConstantEntry* find(std::string_view class_name, std::string_view constant) const;
    bool empty() const { return classes_.empty(); }

private:
    // lower-cased class name -> constant name -> entry
    std::map<std::string, std::map<std::string, PhpConstantEntry, std::less<>>, std::less<>>
        classes_;
};

// ---------------------------------------------------------------------------------------
// processIntegrationConfig([...]) calls in setup scripts

enum class PhpNameSource : std::uint8_t {
    Literal,    // a string literal (or a concatenation of literals)
    Constant,   // a class constant (`self::X`, `Other::X`) resolved to a string
    Unresolved, // anything else, or a constant that could not be found
};

struct PhpConfigName {
    PhpNameSource source = PhpNameSource::Unresolved;
    std::string value; // resolved name; empty when unresolved
    // A single literal: the contents between the quotes. Anything else (a constant, a
    // concatenation, an unresolved element): the element's expression.
    Range range;
    // The element's source text as written, e.g. `self::NAME` or `'Name'`. For a keyed
    // element (`'k' => 'v'`) only the value part.
    std::string expression;
    // A constant: where its string literal is declared (`origin_path` empty: this file).
    std::optional<Range> origin_range;
    std::string origin_path;
    // An unresolved element that is exactly one `Class::NAME` of another class: the class
    // as resolved through the file's namespace and `use` imports (no leading '\\'; for
    // `parent::`, the parent class) and the constant, for a caller that knows the
    // module's other files. Empty otherwise.
    std::string constant_class;
    std::string constant_name;
};

enum class PhpArgumentKind : std::uint8_t {
    Array,    // `[...]` or `array(...)`
    Variable, // `$names`, resolved through an earlier `$names = [...]` when simple
    Other,    // any other expression: the names cannot be known
    Missing,  // no argument at all
};

struct PhpSetupCall {
    Range call_range;     // from the start of the receiver chain (`$this->...`) to `)`
    Range method_range;   // the `processIntegrationConfig` name
    Range argument_range; // the first argument (an empty range after `(` when missing)
    PhpArgumentKind argument_kind = PhpArgumentKind::Missing;
    // True when the whole list is known: an Array, or a Variable whose assignment was
    // found and is simple, with every element resolved.
    bool resolved = false;
    // Elements in order. For a resolved Variable the ranges point into the assignment.
    std::vector<PhpConfigName> names;
};

// Every `processIntegrationConfig(` call, whatever the receiver (declarations of a method
// of that name do not count). Class constants resolve against the file's own classes
// first (`self::`, `static::`, `parent::`, class names after `use` imports and aliases,
// one level of `extends`/`implements`), then against `others`.
//
// A variable argument `$names` is resolved when, in the same function body, its last
// assignment before the call is `$names = [...]` (or `array(...)`) in a block that
// encloses the call, and the variable is not mentioned between that assignment and the
// call; otherwise the call is unresolved with no names.
std::vector<PhpSetupCall> find_php_setup_calls(std::string_view text,
                                               const PhpConstantTable& others = {});

// ---------------------------------------------------------------------------------------
// ACL ids named in PHP

enum class PhpAclRefKind : std::uint8_t {
    AdminResource, // `const ADMIN_RESOURCE = '...'` (any visibility)
    IsAllowed,     // a string literal passed to `isAllowed(...)` or `_isAllowed(...)`
};

struct PhpAclReference {
    PhpAclRefKind kind = PhpAclRefKind::AdminResource;
    std::string id;
    // Contents between the quotes; for an ADMIN_RESOURCE built from other constants of
    // the file, the initializer expression.
    Range range;
};

// In document order. Calls with a non-literal argument (`isAllowed(static::ADMIN_RESOURCE)`,
// `isAllowed($id)`, interpolated strings) are not references.
std::vector<PhpAclReference> find_php_acl_references(std::string_view text);

// ---------------------------------------------------------------------------------------
// app/etc/config.php: the module list

// One entry `'Vendor_Module' => 1` of the `'modules'` array.
struct PhpModuleSwitch {
    std::string name;
    Range name_range; // contents between the quotes
    // As Magento\Framework\Module\ModuleList::has reads it (`!empty($configData[$name])`):
    // 0, '0', '', false and null are off, any other constant is on. A value that is not a
    // constant (a call, a variable) counts as on.
    bool enabled = true;
    Range value_range;
};

// The entries of the `'modules' => [...]` (or `array(...)`) array of a config.php, in order;
// nullopt when the text has no such array. Keys that are not constant strings are skipped.
std::optional<std::vector<PhpModuleSwitch>> find_php_module_switches(std::string_view text);

} // namespace mil
