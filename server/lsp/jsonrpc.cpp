#include "lsp/jsonrpc.hpp"
#include "mil/base/strings.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mil {
namespace {

constexpr std::string_view kContentLength = "content-length";
constexpr std::string_view kHeaderEnd = "\r\n\r\n";

// Position of "content-length:" (any case) in `text` at or after `from`.
std::size_t find_content_length(std::string_view text, std::size_t from) {
    constexpr std::string_view needle = "content-length:";
    if (text.size() < needle.size()) return std::string_view::npos;
    for (std::size_t i = from; i + needle.size() <= text.size(); ++i) {
        if (ascii_lower(text[i]) == 'c' && iequals(text.substr(i, needle.size()), needle)) return i;
    }
    return std::string_view::npos;
}

bool is_token_char(char c) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string printable(std::string_view s, std::size_t max = 60) {
    std::string out;
    for (char c : s.substr(0, max)) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f)
            out += c;
        else
            out += fmt::format("\\x{:02x}", u);
    }
    if (s.size() > max) out += "...";
    return out;
}

struct HeaderResult {
    std::optional<std::size_t> length;
    std::string error;
};

// Parses a header block (without the final "\r\n\r\n").
HeaderResult parse_headers(std::string_view block, std::size_t max_length) {
    HeaderResult result;
    std::size_t start = 0;
    while (start <= block.size()) {
        std::size_t end = block.find("\r\n", start);
        if (end == std::string_view::npos) end = block.size();
        std::string_view line = block.substr(start, end - start);
        start = end + 2;
        std::size_t colon = line.find(':');
        std::string_view name = colon == std::string_view::npos ? line : line.substr(0, colon);
        if (colon == std::string_view::npos || name.empty() ||
            !std::all_of(name.begin(), name.end(), is_token_char)) {
            result.error = fmt::format("malformed header line '{}'", printable(line));
            result.length.reset();
            return result;
        }
        if (!iequals(name, kContentLength)) continue; // Content-Type and others: ignored
        std::string_view value = trim_ws(line.substr(colon + 1));
        if (value.empty() ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            result.error = fmt::format("invalid Content-Length '{}'", printable(value));
            result.length.reset();
            return result;
        }
        std::size_t n = 0;
        for (char c : value) {
            n = n * 10 + static_cast<std::size_t>(c - '0');
            if (n > max_length) {
                result.error = fmt::format("Content-Length {} exceeds the limit of {} bytes",
                                           printable(value), max_length);
                result.length.reset();
                return result;
            }
        }
        if (result.length && *result.length != n) {
            result.error = "conflicting Content-Length headers";
            result.length.reset();
            return result;
        }
        result.length = n;
    }
    if (!result.length) result.error = "header block without Content-Length";
    return result;
}

// Where the next message starts inside `body`, when a too long Content-Length made the
// body swallow it: at a "Content-Length:" inside an invalid body, or at a tail that begins
// that header when the part before it is valid JSON. npos when the body looks whole.
std::size_t swallowed_header(std::string_view body) {
    std::size_t at = find_content_length(body, 1);
    bool maybe_tail = false;
    constexpr std::string_view needle = "content-length:";
    for (std::size_t k = 1; k < needle.size() && k < body.size() && !maybe_tail; ++k)
        maybe_tail = iequals(body.substr(body.size() - k), needle.substr(0, k));
    if (at == std::string_view::npos && !maybe_tail) return std::string_view::npos;
    if (nlohmann::json::accept(body)) return std::string_view::npos;
    if (at != std::string_view::npos) return at;
    for (std::size_t k = 1; k < needle.size() && k < body.size(); ++k) {
        std::size_t start = body.size() - k;
        if (iequals(body.substr(start), needle.substr(0, k)) &&
            nlohmann::json::accept(body.substr(0, start)))
            return start;
    }
    return std::string_view::npos;
}

ReadItem framing_error(std::string text) {
    return {ReadItem::Kind::FramingError, std::move(text)};
}

} // namespace

std::string frame(std::string_view body) {
    char header[48];
    const auto head =
        fmt::format_to_n(header, sizeof header, "Content-Length: {}\r\n\r\n", body.size());
    std::string out;
    out.reserve(head.size + body.size()); // one allocation for a large body
    out.append(header, head.size);
    out.append(body);
    return out;
}

MessageReader::MessageReader(std::size_t max_content_length)
    : max_content_length_(max_content_length) {}

void MessageReader::feed(std::string_view bytes) {
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
    buf_.append(bytes);
}

void MessageReader::consume(std::size_t n) {
    pos_ += std::min(n, buffered());
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    }
}

std::optional<ReadItem> MessageReader::next() {
    for (;;) {
        std::string_view data(buf_.data() + pos_, buf_.size() - pos_);
        if (body_length_) {
            std::size_t length = *body_length_;
            if (data.size() < length) return std::nullopt;
            body_length_.reset();
            std::string_view body = data.substr(0, length);
            // A lying (too long) Content-Length swallows the start of the next message.
            std::size_t cut = swallowed_header(body);
            if (cut != std::string_view::npos) {
                std::string head(body.substr(0, cut));
                consume(cut); // the rest is read again as a header block
                return ReadItem{ReadItem::Kind::Message, std::move(head)};
            }
            std::string text(body);
            consume(length);
            return ReadItem{ReadItem::Kind::Message, std::move(text)};
        }

        // Whitespace between messages is harmless; skip it silently.
        std::size_t skip = 0;
        while (skip < data.size() &&
               std::string_view(" \t\r\n").find(data[skip]) != std::string_view::npos)
            ++skip;
        if (skip > 0) {
            consume(skip);
            continue;
        }
        if (data.empty()) return std::nullopt;

        std::size_t end = data.find(kHeaderEnd);
        if (end == std::string_view::npos) {
            // Wait for the end of the header block, unless it is too long to be one.
            if (data.size() <= kMaxHeaderBytes) return std::nullopt;
            std::size_t at = find_content_length(data, 1);
            if (at != std::string_view::npos) {
                std::string junk = printable(data.substr(0, at));
                consume(at);
                return framing_error(fmt::format("skipped {} bytes of junk: '{}'", at, junk));
            }
            // Keep a tail that might be the start of a split "Content-Length:".
            std::size_t drop = data.size() - 16;
            std::string junk = printable(data.substr(0, drop));
            consume(drop);
            return framing_error(
                fmt::format("skipped {} bytes without a header: '{}'", drop, junk));
        }

        std::string_view block = data.substr(0, end);
        HeaderResult header = parse_headers(block, max_content_length_);
        if (header.length) {
            consume(end + kHeaderEnd.size());
            body_length_ = *header.length;
            continue;
        }
        std::size_t at = find_content_length(block, 1);
        if (at != std::string_view::npos) {
            std::string junk = printable(block.substr(0, at));
            consume(at);
            return framing_error(fmt::format("{}; skipped {} bytes: '{}'", header.error, at, junk));
        }
        consume(end + kHeaderEnd.size());
        return framing_error(fmt::format("{}; skipped the header block", header.error));
    }
}

} // namespace mil
