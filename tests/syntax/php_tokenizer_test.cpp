#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>
#include <vector>

using namespace mil;
using mil::test::slice;

namespace {

// Significant tokens as (kind, text) pairs.
std::vector<std::pair<PhpTokenKind, std::string>> significant(std::string_view text) {
    std::vector<std::pair<PhpTokenKind, std::string>> out;
    for (const PhpToken& t : tokenize_php(text))
        if (!php_token_is_trivia(t.kind))
            out.emplace_back(t.kind, std::string(slice(text, t.range)));
    return out;
}

// The tokens must cover the text from start to end without gaps or overlaps.
void require_contiguous(std::string_view text, const std::vector<PhpToken>& toks) {
    Offset at = 0;
    for (const PhpToken& t : toks) {
        REQUIRE(t.range.begin == at);
        REQUIRE(t.range.end > t.range.begin);
        REQUIRE(t.inner.begin >= t.range.begin);
        REQUIRE(t.inner.end <= t.range.end);
        REQUIRE(t.inner.begin <= t.inner.end);
        at = t.range.end;
    }
    REQUIRE(at == text.size());
}

const PhpToken* first_of(const std::vector<PhpToken>& toks, PhpTokenKind k) {
    for (const PhpToken& t : toks)
        if (t.kind == k) return &t;
    return nullptr;
}

} // namespace

TEST_CASE("tokenizer: inline HTML and open and close tags") {
    std::string_view text = "<p>a</p>\n<?php echo 1; ?>\n<b>x</b><?= $y ?>";
    auto toks = tokenize_php(text);
    require_contiguous(text, toks);
    REQUIRE(toks.front().kind == PhpTokenKind::InlineHtml);
    CHECK(slice(text, toks.front().range) == "<p>a</p>\n");
    CHECK(toks[1].kind == PhpTokenKind::OpenTag);
    CHECK(slice(text, toks[1].range) == "<?php ");
    std::vector<PhpTokenKind> kinds;
    for (auto& t : toks)
        kinds.push_back(t.kind);
    using K = PhpTokenKind;
    CHECK(kinds == std::vector<K>{K::InlineHtml, K::OpenTag, K::Name, K::Whitespace, K::Number,
                                  K::Punct, K::Whitespace, K::CloseTag, K::InlineHtml, K::OpenTag,
                                  K::Whitespace, K::Variable, K::Whitespace, K::CloseTag});
    // The close tag swallows one newline, as PHP does.
    CHECK(slice(text, toks[7].range) == "?>\n");
}

TEST_CASE(
    "tokenizer: text without an open tag is all inline HTML and an XML declaration is not PHP") {
    std::string_view text = "<?xml version=\"1.0\"?><a>'quoted' // not a comment</a>";
    auto toks = tokenize_php(text);
    REQUIRE(toks.size() == 1);
    CHECK(toks[0].kind == PhpTokenKind::InlineHtml);
}

TEST_CASE("tokenizer: single-quoted strings keep the range of their contents and decode") {
    std::string_view text = R"(<?php $a = 'it\'s a \\ back\slash \n';)";
    auto toks = tokenize_php(text);
    const PhpToken* s = first_of(toks, PhpTokenKind::SingleQuoted);
    REQUIRE(s);
    CHECK(slice(text, s->inner) == R"(it\'s a \\ back\slash \n)");
    CHECK(slice(text, s->range) == R"('it\'s a \\ back\slash \n')");
    PhpStringValue v = decode_php_string(text, *s);
    CHECK(v.value == R"(it's a \ back\slash \n)");
    CHECK_FALSE(v.interpolated);
}

TEST_CASE("tokenizer: double-quoted strings decode PHP escapes") {
    std::string_view text = R"(<?php "a\tb\x41\101\u{e9}\u{1F600}\$x\"q\z\\";)";
    auto toks = tokenize_php(text);
    const PhpToken* s = first_of(toks, PhpTokenKind::DoubleQuoted);
    REQUIRE(s);
    PhpStringValue v = decode_php_string(text, *s);
    CHECK(v.value == "a\tbAA\xC3\xA9\xF0\x9F\x98\x80$x\"q\\z\\");
    CHECK_FALSE(v.interpolated);
}

TEST_CASE("tokenizer: double-quoted strings with variables are marked interpolated") {
    for (std::string_view text :
         {R"(<?php "name $x";)", R"(<?php "a {$o->p["k"]} b";)", R"(<?php "a ${x} b";)"}) {
        auto toks = tokenize_php(text);
        const PhpToken* s = first_of(toks, PhpTokenKind::DoubleQuoted);
        REQUIRE(s);
        CHECK(s->range.end == text.size() - 1); // the whole string is one token, `;` follows
        CHECK(decode_php_string(text, *s).interpolated);
    }
    std::string_view plain = R"(<?php "costs 5$ or \$x";)";
    auto toks = tokenize_php(plain);
    CHECK_FALSE(decode_php_string(plain, *first_of(toks, PhpTokenKind::DoubleQuoted)).interpolated);
}

TEST_CASE("tokenizer: heredoc and nowdoc bodies lose the closing indentation") {
    std::string_view text = "<?php\n$a = <<<EOT\n    one $x\n      two\n    EOT;\n"
                            "$b = <<<'RAW'\nkeep \\n $y\nRAW;\n$c = <<<\"Q\"\nq\\tq\nQ;\n";
    auto toks = tokenize_php(text);
    require_contiguous(text, toks);
    std::vector<const PhpToken*> docs;
    for (auto& t : toks)
        if (t.kind == PhpTokenKind::Heredoc || t.kind == PhpTokenKind::Nowdoc) docs.push_back(&t);
    REQUIRE(docs.size() == 3);
    CHECK(docs[0]->kind == PhpTokenKind::Heredoc);
    CHECK(slice(text, docs[0]->inner) == "    one $x\n      two");
    CHECK(slice(text, docs[0]->range) == "<<<EOT\n    one $x\n      two\n    EOT");
    PhpStringValue h = decode_php_string(text, *docs[0]);
    CHECK(h.value == "one $x\n  two");
    CHECK(h.interpolated);
    CHECK(docs[1]->kind == PhpTokenKind::Nowdoc);
    PhpStringValue n = decode_php_string(text, *docs[1]);
    CHECK(n.value == "keep \\n $y");
    CHECK_FALSE(n.interpolated);
    CHECK(docs[2]->kind == PhpTokenKind::Heredoc);
    CHECK(decode_php_string(text, *docs[2]).value == "q\tq");
}

TEST_CASE("tokenizer: a heredoc label inside a longer word does not close it") {
    std::string_view text = "<?php $a = <<<END\nENDING\n END2\nEND;\n";
    auto toks = tokenize_php(text);
    const PhpToken* h = first_of(toks, PhpTokenKind::Heredoc);
    REQUIRE(h);
    CHECK(slice(text, h->inner) == "ENDING\n END2");
}

TEST_CASE("tokenizer: comments of every style and the attribute opener") {
    std::string_view text = "<?php\n// line ?>html<?php\n# hash\n/* block */ /** doc */\n"
                            "#[Attr(1)]\nfunction f() {}";
    auto toks = tokenize_php(text);
    require_contiguous(text, toks);
    std::vector<std::string> comments;
    for (auto& t : toks)
        if (t.kind == PhpTokenKind::LineComment || t.kind == PhpTokenKind::BlockComment ||
            t.kind == PhpTokenKind::DocComment)
            comments.emplace_back(slice(text, t.range));
    CHECK(comments == std::vector<std::string>{"// line ", "# hash", "/* block */", "/** doc */"});
    CHECK(first_of(toks, PhpTokenKind::DocComment) != nullptr);
    // `?>` ends a line comment and leaves PHP.
    CHECK(first_of(toks, PhpTokenKind::CloseTag) != nullptr);
    CHECK(first_of(toks, PhpTokenKind::InlineHtml) != nullptr);
    auto sig = significant(text);
    REQUIRE(sig.size() >= 2);
    CHECK(sig[1] == std::pair<PhpTokenKind, std::string>{PhpTokenKind::Punct, "#["});
}

TEST_CASE("tokenizer: names and variables and numbers and operators") {
    std::string_view text =
        R"(<?php \Foo\Bar::X; Foo\Bar; namespace\Baz; $this?->a->b; $x ??= 0x1F + 1_000 + 1.5e3 + .5; fn() => $a <=> $b; f(...$args); $$v;)";
    auto sig = significant(text);
    using K = PhpTokenKind;
    std::vector<std::pair<K, std::string>> want = {{K::Name, "\\Foo\\Bar"},
                                                   {K::Punct, "::"},
                                                   {K::Name, "X"},
                                                   {K::Punct, ";"},
                                                   {K::Name, "Foo\\Bar"},
                                                   {K::Punct, ";"},
                                                   {K::Name, "namespace\\Baz"},
                                                   {K::Punct, ";"},
                                                   {K::Variable, "$this"},
                                                   {K::Punct, "?->"},
                                                   {K::Name, "a"},
                                                   {K::Punct, "->"},
                                                   {K::Name, "b"},
                                                   {K::Punct, ";"},
                                                   {K::Variable, "$x"},
                                                   {K::Punct, "?\?="},
                                                   {K::Number, "0x1F"},
                                                   {K::Punct, "+"},
                                                   {K::Number, "1_000"},
                                                   {K::Punct, "+"},
                                                   {K::Number, "1.5e3"},
                                                   {K::Punct, "+"},
                                                   {K::Number, ".5"},
                                                   {K::Punct, ";"},
                                                   {K::Name, "fn"},
                                                   {K::Punct, "("},
                                                   {K::Punct, ")"},
                                                   {K::Punct, "=>"},
                                                   {K::Variable, "$a"},
                                                   {K::Punct, "<=>"},
                                                   {K::Variable, "$b"},
                                                   {K::Punct, ";"},
                                                   {K::Name, "f"},
                                                   {K::Punct, "("},
                                                   {K::Punct, "..."},
                                                   {K::Variable, "$args"},
                                                   {K::Punct, ")"},
                                                   {K::Punct, ";"},
                                                   {K::Punct, "$"},
                                                   {K::Variable, "$v"},
                                                   {K::Punct, ";"}};
    CHECK(sig == want);
}

TEST_CASE("tokenizer: unterminated strings and comments run to the end") {
    for (std::string_view text :
         {"<?php 'abc", "<?php \"abc {$x", "<?php /* abc", "<?php <<<EOT\nabc\n", "<?php `ls"}) {
        auto toks = tokenize_php(text);
        require_contiguous(text, toks);
        CHECK_FALSE(toks.back().terminated);
        CHECK(toks.back().range.end == text.size());
    }
}

TEST_CASE("tokenizer: a triple less-than that is not a heredoc is a shift and a less-than") {
    std::string_view text = "<?php $a <<< 3;";
    auto sig = significant(text);
    REQUIRE(sig.size() == 5);
    CHECK(sig[1].second == "<<");
    CHECK(sig[2].second == "<");
}

TEST_CASE("tokenizer: binary junk and invalid UTF-8 and huge inputs tokenize without gaps") {
    std::string junk = "<?php ";
    std::uint32_t seed = 12345;
    for (int i = 0; i < 200000; ++i) {
        seed = seed * 1103515245u + 12345u;
        junk += static_cast<char>((seed >> 16) & 0xFF);
    }
    auto toks = tokenize_php(junk);
    require_contiguous(junk, toks);

    std::string deep = "<?php " + std::string(100000, '(') + std::string(100000, '{') + "\"" +
                       std::string(50000, '{') + "$";
    require_contiguous(deep, tokenize_php(deep));

    std::string many_lines = "<?php $a = <<<EOT\n";
    for (int i = 0; i < 100000; ++i)
        many_lines += "line EOTX\n";
    auto t2 = tokenize_php(many_lines);
    require_contiguous(many_lines, t2);
    CHECK_FALSE(t2.back().terminated);
}
