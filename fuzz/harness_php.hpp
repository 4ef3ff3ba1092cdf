// Fuzz harness: the PHP tokenizer, string decoding and the extractors (registration.php,
// class constants, the constant table).
//
// Input: the PHP text. Half of the inputs get "<?php\n" in front (chosen by the first
// byte's low bit, which stays part of the text) so the fuzzer reaches code mode quickly.
#pragma once

#include "harness.hpp"

#include "mil/syntax/php.hpp"

namespace mil::fuzz {

inline void check_php_range(Range r, std::size_t size, const char* what) {
    MIL_FUZZ_CHECK(r.begin <= r.end && r.end <= size, describe(what, r.begin, r.end));
}

inline void run_php(const std::uint8_t* data, std::size_t size) {
    std::string text;
    if (size > 0 && (data[0] & 1)) text = "<?php\n";
    text.append(reinterpret_cast<const char*>(data), size);

    std::vector<PhpToken> tokens = tokenize_php(text);
    Offset expect = 0;
    for (const PhpToken& t : tokens) {
        MIL_FUZZ_CHECK(t.range.begin == expect, "tokens cover the text without gaps");
        MIL_FUZZ_CHECK(t.range.end > t.range.begin, "no empty token");
        check_php_range(t.range, text.size(), "token");
        MIL_FUZZ_CHECK(t.range.begin <= t.inner.begin && t.inner.end <= t.range.end &&
                           t.inner.begin <= t.inner.end,
                       "inner range inside the token");
        expect = t.range.end;
        switch (t.kind) {
        case PhpTokenKind::SingleQuoted:
        case PhpTokenKind::DoubleQuoted:
        case PhpTokenKind::Backtick:
        case PhpTokenKind::Heredoc:
        case PhpTokenKind::Nowdoc:
            (void)decode_php_string(text, t);
            break;
        default:
            break;
        }
        (void)php_token_is_trivia(t.kind);
        (void)php_token_kind_name(t.kind);
    }
    MIL_FUZZ_CHECK(expect == text.size(), "tokens reach the end of the text");

    const PhpRegistration* first_module = nullptr;
    const auto registrations = find_php_registrations(text);
    for (const PhpRegistration& r : registrations) {
        check_php_range(r.type_range, text.size(), "registration type");
        check_php_range(r.name_range, text.size(), "registration name");
        check_php_range(r.call_range, text.size(), "registration call");
        (void)php_component_type_name(r.type);
        if (!first_module && r.type == PhpComponentType::Module && r.name_is_literal)
            first_module = &r;
    }
    // The tokenizer-free reading, when it answers, says what the tokenizer's says.
    if (auto plain = find_plain_module_registration(text)) {
        MIL_FUZZ_CHECK(first_module != nullptr, "plain registration: the tokenizer finds one");
        if (first_module) {
            MIL_FUZZ_CHECK(plain->name == first_module->name, "plain registration: name");
            MIL_FUZZ_CHECK(plain->name_range == first_module->name_range,
                           "plain registration: name range");
            MIL_FUZZ_CHECK(plain->type_range == first_module->type_range,
                           "plain registration: type range");
            MIL_FUZZ_CHECK(plain->call_range == first_module->call_range,
                           "plain registration: call range");
            MIL_FUZZ_CHECK(plain->registrar == first_module->registrar,
                           "plain registration: registrar");
        }
    }
    PhpConstantTable table;
    for (const PhpClassConstant& c : find_php_class_constants(text)) {
        check_php_range(c.name_range, text.size(), "constant name");
        check_php_range(c.value_range, text.size(), "constant value");
        MIL_FUZZ_CHECK(
            text.compare(c.name_range.begin, c.name_range.end - c.name_range.begin, c.name) == 0,
            "constant name is the text of its range");
        table.add("/fuzz/Constants.php", c);
        if (c.value) {
            const PhpConstantEntry* e = table.find(c.class_fqn, c.name);
            MIL_FUZZ_CHECK(e != nullptr, "an added constant is found by its class");
        }
    }
}

} // namespace mil::fuzz
