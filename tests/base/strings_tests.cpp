// The shared string helpers: ASCII case folding, edit distance, UTF-8 sequences.
#include "mil/base/strings.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <locale>
#include <stdexcept>
#include <string>

using namespace mil;

TEST_CASE("ASCII case folding leaves other bytes alone", "[strings]") {
    CHECK(fold_ascii("Magento_Sales::Sales") == "magento_sales::sales");
    CHECK(fold_ascii("\xC3\x84Z") == "\xC3\x84z"); // a UTF-8 letter is not folded
    CHECK(iequals("Content-Length", "content-length"));
    CHECK_FALSE(iequals("abc", "abd"));
    CHECK_FALSE(iequals("abc", "abcd"));
    CHECK(istarts_with("FILE:///x", "file:"));
    CHECK_FALSE(istarts_with("fil", "file:"));
    CHECK(icontains_folded("Magento_Backend::Admin", "backend::adm"));
    CHECK_FALSE(icontains_folded("Magento_Backend", "sales"));
}

TEST_CASE("edit distance ignores case and stops past the limit", "[strings]") {
    CHECK(edit_distance("sales_order", "Sales_Ordr", 5) == 1);
    CHECK(edit_distance("kitten", "sitting", 5) == 3);
    CHECK(edit_distance("a", "abcdefgh", 3) == 4); // limit + 1
    CHECK(edit_distance("", "", 0) == 0);
    const std::string long_a(300, 'a'), long_b = std::string(299, 'a') + "b"; // past the stack row
    CHECK(edit_distance(long_a, long_b, 2) == 1);
}

TEST_CASE("UTF-8 sequences: well-formed lengths, malformed ones are 0", "[strings]") {
    CHECK(utf8_sequence_length("a", 0) == 1);
    CHECK(utf8_sequence_length("\xC3\xA9", 0) == 2);
    CHECK(utf8_sequence_length("\xE2\x80\xA6", 0) == 3);
    CHECK(utf8_sequence_length("\xF0\x9F\x98\x80", 0) == 4);
    CHECK(utf8_sequence_length("\xC0\xAF", 0) == 0);         // overlong
    CHECK(utf8_sequence_length("\xE0\x80\xAF", 0) == 0);     // overlong
    CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);     // surrogate
    CHECK(utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0); // past U+10FFFF
    CHECK(utf8_sequence_length("\xE2\x80", 0) == 0);         // truncated
    CHECK(utf8_sequence_length("\x80", 0) == 0);             // a lone continuation byte
    bool valid = true;
    CHECK(utf8_step("\xFFx", 0, valid) == 1);
    CHECK_FALSE(valid);
    CHECK(utf8_decode("\xF0\x9F\x98\x80", 0, 4) == 0x1F600u);
    CHECK(utf8_decode("\xC3\xA9", 0, 2) == 0xE9u);
    std::string out;
    CHECK(append_utf8(out, 0x1F600u));
    CHECK(out == "\xF0\x9F\x98\x80");
    CHECK_FALSE(append_utf8(out, 0x110000u));
}

TEST_CASE("json_number_value: JSON numbers read alike in every locale, out of range kept") {
    CHECK(mil::json_number_value("0") == 0.0);
    CHECK(mil::json_number_value("-12") == -12.0);
    CHECK(mil::json_number_value("1.5") == 1.5);
    CHECK(mil::json_number_value("-0.25e2") == -25.0);
    CHECK(mil::json_number_value("2E+3") == 2000.0);
    CHECK(mil::json_number_value("1e400") == std::numeric_limits<double>::infinity());
    CHECK(mil::json_number_value("-1e400") == -std::numeric_limits<double>::infinity());
    CHECK(mil::json_number_value("1e-400") == 0.0);
    CHECK(mil::json_number_value("-0.000001e-400") == 0.0);
    // A global locale with a decimal comma changes nothing (when the machine has one).
    try {
        const std::locale before = std::locale::global(std::locale("de_DE.UTF-8"));
        const double v = mil::json_number_value("3.25");
        std::locale::global(before);
        CHECK(v == 3.25);
    } catch (const std::runtime_error&) {
        // no such locale here
    }
}
