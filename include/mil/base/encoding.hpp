// Files on disk in UTF-16 with a byte order mark. libxml2, under PHP's DOMDocument::loadXML
// (Magento\Framework\Xml\Parser, used by Magento\Framework\Module\ModuleList\Loader::load and
// every config reader), detects the mark and reads such a file like its UTF-8 twin, so the
// checker reads it too: decoded to UTF-8 when read, encoded back when a fix is written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mil {

enum class TextEncoding { Utf8, Utf16LE, Utf16BE };

// The encoding that `bytes` announce with a UTF-16 byte order mark (FF FE or FE FF), else
// Utf8 (with or without its own mark).
TextEncoding detect_bom_encoding(std::string_view bytes);

// UTF-8 of a UTF-16 file (its mark dropped): an unpaired surrogate, or a last odd byte,
// becomes U+FFFD. nullopt when `bytes` carry no UTF-16 mark (they are used as they are).
std::optional<std::string> decode_utf16_file(std::string_view bytes);

// The bytes of a UTF-16 file of `encoding` (mark first) holding `utf8`; an invalid UTF-8
// sequence becomes U+FFFD. `encoding` must not be Utf8.
std::string encode_utf16_file(std::string_view utf8, TextEncoding encoding);

} // namespace mil
