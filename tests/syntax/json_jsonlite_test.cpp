#include "mil/syntax/jsonlite.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>

using namespace mil;
using mil::test::slice;

namespace {

Offset offset_of(std::string_view text, std::string_view needle) {
    std::size_t at = text.find(needle);
    REQUIRE(at != std::string_view::npos);
    return static_cast<Offset>(at);
}

} // namespace

TEST_CASE("json: a module's composer.json with ranges of keys and values") {
    std::string_view text = R"({
    "name": "vendor/module-shop",
    "type": "magento2-module",
    "version": 1.5,
    "autoload": {
        "files": ["registration.php"],
        "psr-4": {"Vendor\\Shop\\": ""}
    }
})";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.ok());
    const JsonValue* root = doc.root();
    REQUIRE(root);
    CHECK(root->type == JsonType::Object);
    CHECK(root->complete);
    CHECK(root->range == Range{0, static_cast<Offset>(text.size())});
    REQUIRE(root->members.size() == 4);
    CHECK(root->members[0].key == "name");
    CHECK(slice(text, root->members[0].key_range) == "name");

    const JsonValue* name = doc.member(*root, "name");
    REQUIRE(name);
    CHECK(name->type == JsonType::String);
    CHECK(name->string == "vendor/module-shop");
    CHECK(slice(text, name->range) == "\"vendor/module-shop\"");
    CHECK(slice(text, name->inner) == "vendor/module-shop");
    CHECK(name->parent == 0);

    const JsonValue* version = doc.member(*root, "version");
    REQUIRE(version);
    CHECK(version->type == JsonType::Number);
    CHECK(version->number == 1.5);
    CHECK(slice(text, version->range) == "1.5");

    const JsonValue* files = doc.find({"autoload", "files"});
    REQUIRE(files);
    CHECK(files->type == JsonType::Array);
    REQUIRE(files->items.size() == 1);
    CHECK(doc.get(files->items[0])->string == "registration.php");
    CHECK(slice(text, files->range) == "[\"registration.php\"]");

    const JsonValue* psr4 = doc.find({"autoload", "psr-4"});
    REQUIRE(psr4);
    REQUIRE(psr4->members.size() == 1);
    CHECK(psr4->members[0].key == "Vendor\\Shop\\");
    CHECK(slice(text, psr4->members[0].key_range) == "Vendor\\\\Shop\\\\");
    const JsonValue* dir = doc.get(psr4->members[0].value);
    REQUIRE(dir);
    CHECK(dir->string.empty());
    CHECK(dir->inner.empty());
    CHECK(dir->inner.begin == dir->range.begin + 1);

    const JsonValue* autoload = doc.member(*root, "autoload");
    REQUIRE(autoload);
    CHECK(doc.find(*autoload, std::vector<std::string>{"psr-4"}) == psr4);
    CHECK(doc.find({"autoload", "missing"}) == nullptr);
    CHECK(doc.find({"name", "not-an-object"}) == nullptr);
    CHECK(doc.find_member(*root, "type") == &root->members[1]);
}

TEST_CASE("json: every kind of value") {
    std::string_view text =
        R"([null, true, false, 0, -0, -12.5e+2, 1E-2, "", {}, [], [[1]], {"a": {"b": null}}])";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.ok());
    const JsonValue* root = doc.root();
    REQUIRE(root->items.size() == 12);
    auto item = [&](std::size_t i) { return doc.get(root->items[i]); };
    CHECK(item(0)->type == JsonType::Null);
    CHECK(item(1)->type == JsonType::Bool);
    CHECK(item(1)->boolean);
    CHECK(item(2)->type == JsonType::Bool);
    CHECK_FALSE(item(2)->boolean);
    CHECK(item(3)->number == 0);
    CHECK(item(5)->number == -1250);
    CHECK(item(6)->number == Approx(0.01));
    CHECK(item(7)->type == JsonType::String);
    CHECK(item(8)->type == JsonType::Object);
    CHECK(item(8)->members.empty());
    CHECK(slice(text, item(8)->range) == "{}");
    CHECK(item(9)->type == JsonType::Array);
    CHECK(slice(text, item(10)->range) == "[[1]]");
    CHECK(doc.find(*item(11), {"a", "b"})->type == JsonType::Null);
    CHECK(std::string(json_type_name(item(8)->type)) == "object");
    for (const JsonValue& v : doc.values)
        CHECK(v.complete);
}

TEST_CASE("json: string escapes and unicode") {
    std::string_view text =
        R"(["q\" b\\ s\/ \b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "raw é € 😀"])";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.ok());
    auto str = [&](std::size_t i) { return doc.get(doc.root()->items[i])->string; };
    CHECK(str(0) == "q\" b\\ s/ \b\f\n\r\t");
    CHECK(str(1) == "\xC3\xA9\xE2\x82\xAC");
    CHECK(str(2) == "\xF0\x9F\x98\x80");
    CHECK(str(3) == "raw \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    CHECK(slice(text, doc.get(doc.root()->items[2])->inner) == R"(\ud83d\ude00)");
}

TEST_CASE("json: a byte order mark is skipped and offsets still count it") {
    std::string text = "\xEF\xBB\xBF{\"a\": 1}";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.ok());
    CHECK(doc.root()->range.begin == 3);
    CHECK(slice(text, doc.root()->members[0].key_range) == "a");
}

TEST_CASE("json: repeated keys are kept and lookup takes the last") {
    std::string_view text = R"({"name": "first/one", "name": "second/one"})";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.ok());
    CHECK(doc.root()->members.size() == 2);
    CHECK(doc.member(*doc.root(), "name")->string == "second/one");
}

TEST_CASE("json: every error kind with its offset") {
    struct Case {
        std::string_view text;
        JsonErrorKind kind;
        std::string_view at; // the error is at the first occurrence of this text
    };
    const Case cases[] = {
        {R"({"a": )", JsonErrorKind::UnexpectedEnd, ""},
        {"   ", JsonErrorKind::UnexpectedEnd, ""},
        {R"({"a": @})", JsonErrorKind::UnexpectedCharacter, "@"},
        {R"({"a": tru})", JsonErrorKind::InvalidLiteral, "tru"},
        {R"({"a": True})", JsonErrorKind::UnexpectedCharacter, "True"},
        {R"([01])", JsonErrorKind::InvalidNumber, "1]"},
        {R"([1.])", JsonErrorKind::InvalidNumber, "]"},
        {R"([-])", JsonErrorKind::InvalidNumber, "]"},
        {R"([1e])", JsonErrorKind::InvalidNumber, "]"},
        {R"([.5])", JsonErrorKind::UnexpectedCharacter, ".5"},
        {R"({"a": "abc)", JsonErrorKind::UnterminatedString, "\"abc"},
        {"[\"line\nbreak\"]", JsonErrorKind::ControlCharacter, "\nbreak"},
        {R"(["bad \q"])", JsonErrorKind::InvalidEscape, "\\q"},
        {R"(["\u12G4"])", JsonErrorKind::InvalidUnicodeEscape, "\\u12G4"},
        {R"(["\ud83d x"])", JsonErrorKind::InvalidUnicodeEscape, "\\ud83d"},
        {R"(["\ude00"])", JsonErrorKind::InvalidUnicodeEscape, "\\ude00"},
        {"[\"bad \xC3\x28\"]", JsonErrorKind::InvalidUtf8, "\xC3"},
        {"[\"overlong \xC0\xAF\"]", JsonErrorKind::InvalidUtf8, "\xC0"},
        {R"({name: "x"})", JsonErrorKind::ExpectedKey, "name"},
        {R"({'name': "x"})", JsonErrorKind::ExpectedKey, "'name'"},
        {R"({"name" "x"})", JsonErrorKind::ExpectedColon, "\"x\""},
        {R"({"a": 1 "b": 2})", JsonErrorKind::ExpectedCommaOrClose, "\"b\""},
        {R"([1 2])", JsonErrorKind::ExpectedCommaOrClose, "2]"},
        {R"([1, 2,])", JsonErrorKind::TrailingComma, "]"},
        {R"({"a": 1,})", JsonErrorKind::TrailingComma, "}"},
        {R"({"a": 1} x)", JsonErrorKind::TrailingContent, "x"},
        {R"({"a": 1}})", JsonErrorKind::TrailingContent, "}}" /* the second one */},
        {R"(// comment
{})",
         JsonErrorKind::UnexpectedCharacter, "//"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        JsonDocument doc = parse_json(c.text);
        REQUIRE(doc.error);
        CHECK(doc.error->kind == c.kind);
        CHECK_FALSE(doc.error->message.empty());
        CHECK_FALSE(doc.ok());
        Offset want = c.at.empty() ? static_cast<Offset>(c.text.size()) : offset_of(c.text, c.at);
        if (c.kind == JsonErrorKind::TrailingContent && c.at == "}}") ++want;
        CHECK(doc.error->offset == want);
        CHECK(doc.error->offset <= c.text.size());
    }
    CHECK(std::string(json_error_kind_name(JsonErrorKind::TrailingComma)) == "trailing-comma");
}

TEST_CASE("json: what was parsed before an error is kept") {
    std::string_view text = R"({
    "name": "vendor/half",
    "autoload": {"files": ["registration.php", ],
    "type": "magento2-module"
})";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.error);
    CHECK(doc.error->kind == JsonErrorKind::TrailingComma);
    const JsonValue* root = doc.root();
    REQUIRE(root);
    CHECK_FALSE(root->complete);
    CHECK(root->range.begin == 0);
    CHECK(root->range.end == doc.error->offset);
    CHECK(doc.member(*root, "name")->string == "vendor/half");
    const JsonValue* files = doc.find({"autoload", "files"});
    REQUIRE(files);
    CHECK_FALSE(files->complete);
    REQUIRE(files->items.size() == 1);
    CHECK(doc.get(files->items[0])->string == "registration.php");
    CHECK(doc.member(*root, "type") == nullptr); // after the error

    // A key whose value never came: the member is there without a value.
    JsonDocument half = parse_json(R"({"name": "a/b", "type": )");
    REQUIRE(half.error);
    REQUIRE(half.root()->members.size() == 2);
    CHECK(half.root()->members[1].key == "type");
    CHECK(half.root()->members[1].value == kNoJsonValue);
    CHECK(half.member(*half.root(), "type") == nullptr);
    CHECK(half.member(*half.root(), "name")->string == "a/b");
}

TEST_CASE("json: nesting up to 512 levels parses and deeper is an error and not a crash") {
    std::string ok = std::string(512, '[') + std::string(512, ']');
    JsonDocument a = parse_json(ok);
    CHECK(a.ok());
    CHECK(a.values.size() == 512);

    std::string deep = std::string(513, '[') + std::string(513, ']');
    JsonDocument b = parse_json(deep);
    REQUIRE(b.error);
    CHECK(b.error->kind == JsonErrorKind::TooDeep);
    CHECK(b.error->offset == 512);
    CHECK(b.values.size() == 512);

    std::string huge(2000000, '[');
    JsonDocument c = parse_json(huge);
    REQUIRE(c.error);
    CHECK(c.error->kind == JsonErrorKind::TooDeep);

    std::string objects;
    for (int i = 0; i < 100000; ++i)
        objects += "{\"a\":";
    JsonDocument d = parse_json(objects);
    REQUIRE(d.error);
    CHECK(d.error->kind == JsonErrorKind::TooDeep);
}

TEST_CASE("json: value_at finds the innermost value under a cursor") {
    std::string_view text = R"({"autoload": {"files": ["registration.php"]}})";
    JsonDocument doc = parse_json(text);
    REQUIRE(doc.ok());
    std::uint32_t at = doc.value_at(offset_of(text, "registration") + 2);
    REQUIRE(at != kNoJsonValue);
    CHECK(doc.values[at].string == "registration.php");
    std::uint32_t files = doc.value_at(offset_of(text, "[\"registration"));
    REQUIRE(files != kNoJsonValue);
    CHECK(doc.values[files].type == JsonType::Array);
    CHECK(doc.value_at(0) == 0);
    CHECK(parse_json("").value_at(0) == kNoJsonValue);
}

TEST_CASE("json: random bytes never crash and errors stay inside the text") {
    std::uint32_t seed = 7;
    const std::string alphabet = "{}[]\",:0123456789-+.eE truefalsnul\\u\n\xC3\xA9\xFF";
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        int len = round % 64;
        for (int i = 0; i < len; ++i) {
            seed = seed * 1103515245u + 12345u;
            text += alphabet[(seed >> 16) % alphabet.size()];
        }
        JsonDocument doc = parse_json(text);
        CHECK((doc.ok() || doc.error.has_value()));
        if (doc.error) CHECK(doc.error->offset <= text.size());
        for (const JsonValue& v : doc.values) {
            CHECK(v.range.begin <= v.range.end);
            CHECK(v.range.end <= text.size());
        }
    }
}
