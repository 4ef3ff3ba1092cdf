#include "mil/base/encoding.hpp"

#include "mil/base/strings.hpp"

#include <cstdint>

namespace mil {

TextEncoding detect_bom_encoding(std::string_view bytes) {
    if (bytes.size() >= 2) {
        const auto b0 = static_cast<unsigned char>(bytes[0]);
        const auto b1 = static_cast<unsigned char>(bytes[1]);
        if (b0 == 0xFF && b1 == 0xFE) return TextEncoding::Utf16LE;
        if (b0 == 0xFE && b1 == 0xFF) return TextEncoding::Utf16BE;
    }
    return TextEncoding::Utf8;
}

std::optional<std::string> decode_utf16_file(std::string_view bytes) {
    const TextEncoding enc = detect_bom_encoding(bytes);
    if (enc == TextEncoding::Utf8) return std::nullopt;
    const bool le = enc == TextEncoding::Utf16LE;
    auto unit = [&](std::size_t i) -> std::uint32_t {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        return le ? (a | (b << 8)) : ((a << 8) | b);
    };
    constexpr std::uint32_t kReplacement = 0xFFFD;
    std::string out;
    out.reserve(bytes.size() / 2 * 3 / 2);
    std::size_t i = 2;
    for (; i + 1 < bytes.size(); i += 2) {
        const std::uint32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
            const std::uint32_t lo = unit(i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        append_utf8(out, u >= 0xD800 && u <= 0xDFFF ? kReplacement : u);
    }
    if (i < bytes.size()) append_utf8(out, kReplacement); // an odd byte at the end
    return out;
}

std::string encode_utf16_file(std::string_view utf8, TextEncoding encoding) {
    const bool le = encoding == TextEncoding::Utf16LE;
    std::string out;
    out.reserve(2 + utf8.size() * 2);
    auto put = [&](std::uint32_t u) {
        const char hi = static_cast<char>((u >> 8) & 0xFF), lo = static_cast<char>(u & 0xFF);
        out += le ? lo : hi;
        out += le ? hi : lo;
    };
    put(0xFEFF);
    std::size_t i = 0;
    while (i < utf8.size()) {
        bool valid = true;
        const std::size_t len = utf8_step(utf8, i, valid);
        std::uint32_t cp = valid ? utf8_decode(utf8, i, len) : 0xFFFD;
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put(0xD800 + (cp >> 10));
            put(0xDC00 + (cp & 0x3FF));
        } else {
            put(cp);
        }
    }
    return out;
}

} // namespace mil
