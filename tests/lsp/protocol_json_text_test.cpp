// json_text: the JSON written directly (completion lists) is what nlohmann writes, and valid
// UTF-8 whatever the input.
#include "lsp/json_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

using nlohmann::json;

namespace {

std::string as_json_string(std::string_view s) {
    std::string out;
    mil::json_text::append_string(out, s);
    return out;
}

} // namespace

TEST_CASE("json_text: strings are escaped as nlohmann escapes them") {
    for (std::string s :
         {std::string(""), std::string("plain"), std::string("a\"b\\c"), std::string("\b\f\n\r\t"),
          std::string("\x01\x1f\x7f", 3), std::string("nul\0byte", 8),
          std::string("caf\xc3\xa9 \xe2\x80\xba"), std::string("\xf0\x9f\x98\x80")})
        CHECK(as_json_string(s) == json(s).dump());
}

TEST_CASE("json_text: bytes that are not UTF-8 become U+FFFD") {
    const std::string bad[] = {"\xff",         "\xc3",         "\xc0\xaf",
                               "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                               "a\xe2\x80",    "\x80x"};
    for (const auto& s : bad) {
        std::string out = as_json_string(s);
        CHECK(out == json(s).dump(-1, ' ', false, json::error_handler_t::replace));
        CHECK_NOTHROW(json::parse(out));
    }
}

TEST_CASE("json_text: random bytes always give valid JSON that keeps the valid text") {
    std::mt19937 rng(7);
    for (int round = 0; round < 2000; ++round) {
        std::string s(rng() % 24, '\0');
        for (auto& c : s)
            c = static_cast<char>(rng() % 4 == 0 ? 0x80 + rng() % 0x80 : rng() % 0x80);
        std::string out = as_json_string(s);
        json parsed;
        REQUIRE_NOTHROW(parsed = json::parse(out));
        CHECK(parsed.get<std::string>() ==
              json::parse(json(s).dump(-1, ' ', false, json::error_handler_t::replace))
                  .get<std::string>());
    }
}

TEST_CASE("json_text: integers") {
    std::string out;
    mil::json_text::append_int(out, 0);
    out += ',';
    mil::json_text::append_int(out, 4294967295u);
    out += ',';
    mil::json_text::append_int(out, -12);
    CHECK(out == "0,4294967295,-12");
}
