// UTF-16 files with a byte order mark: read as libxml2 reads them, written back alike.
#include "mil/base/encoding.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace mil;

namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string out;
    for (int c : b)
        out += static_cast<char>(c);
    return out;
}

} // namespace

TEST_CASE("encoding: only a UTF-16 byte order mark changes how a file is read") {
    CHECK(detect_bom_encoding(bytes({0xFF, 0xFE, '<', 0})) == TextEncoding::Utf16LE);
    CHECK(detect_bom_encoding(bytes({0xFE, 0xFF, 0, '<'})) == TextEncoding::Utf16BE);
    CHECK(detect_bom_encoding("\xEF\xBB\xBF<a/>") == TextEncoding::Utf8);
    CHECK(detect_bom_encoding("<a/>") == TextEncoding::Utf8);
    CHECK(detect_bom_encoding("") == TextEncoding::Utf8);
    CHECK_FALSE(decode_utf16_file("<a/>").has_value());
    CHECK_FALSE(decode_utf16_file("\xEF\xBB\xBF<a/>").has_value());
}

TEST_CASE("encoding: UTF-16 LE and BE decode to the same UTF-8, mark dropped") {
    // "<a>é😀</a>": é is U+00E9, 😀 is U+1F600 (a surrogate pair D83D DE00).
    const std::string le = bytes({0xFF, 0xFE, '<',  0,   'a', 0,   '>', 0,   0xE9, 0,   0x3D,
                                  0xD8, 0x00, 0xDE, '<', 0,   '/', 0,   'a', 0,    '>', 0});
    const std::string be = bytes({0xFE, 0xFF, 0,    '<', 0,   'a', 0,   '>', 0,   0xE9, 0xD8,
                                  0x3D, 0xDE, 0x00, 0,   '<', 0,   '/', 0,   'a', 0,    '>'});
    const std::string utf8 = "<a>\xC3\xA9\xF0\x9F\x98\x80</a>";
    CHECK(decode_utf16_file(le) == utf8);
    CHECK(decode_utf16_file(be) == utf8);
    CHECK(encode_utf16_file(utf8, TextEncoding::Utf16LE) == le);
    CHECK(encode_utf16_file(utf8, TextEncoding::Utf16BE) == be);
}

TEST_CASE("encoding: broken UTF-16 becomes U+FFFD, nothing is lost after it") {
    const std::string fffd = "\xEF\xBF\xBD";
    // A lone high surrogate followed by 'x', a lone low surrogate, and an odd last byte.
    const std::string le = bytes({0xFF, 0xFE, 0x3D, 0xD8, 'x', 0, 0x00, 0xDE, 'y', 0, 'z'});
    CHECK(decode_utf16_file(le) == fffd + "x" + fffd + "y" + fffd);
    // A high surrogate as the last unit.
    CHECK(decode_utf16_file(bytes({0xFF, 0xFE, 'a', 0, 0x3D, 0xD8})) == "a" + fffd);
    // Invalid UTF-8 is written as U+FFFD.
    CHECK(encode_utf16_file("a\xFF", TextEncoding::Utf16LE) ==
          bytes({0xFF, 0xFE, 'a', 0, 0xFD, 0xFF}));
}
