// JSON-RPC 2.0 error codes and the LSP base protocol framing:
//
//   Content-Length: <bytes>\r\n
//   [Content-Type: ...\r\n]
//   \r\n
//   <body>
//
// MessageReader is fed raw bytes in chunks of any size and yields complete bodies, or
// framing errors after which it resynchronises on the next header block. It never
// throws on bad input and its memory use is bounded by the Content-Length cap.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mil {

namespace error_code {
inline constexpr int ParseError = -32700;
inline constexpr int InvalidRequest = -32600;
inline constexpr int MethodNotFound = -32601;
inline constexpr int InvalidParams = -32602;
inline constexpr int InternalError = -32603;
inline constexpr int ServerNotInitialized = -32002;
inline constexpr int UnknownErrorCode = -32001;
inline constexpr int RequestFailed = -32803;
inline constexpr int ServerCancelled = -32802;
inline constexpr int ContentModified = -32801;
inline constexpr int RequestCancelled = -32800;
} // namespace error_code

// Largest accepted Content-Length; a bigger one is a framing error.
inline constexpr std::size_t kMaxContentLength = std::size_t{64} << 20;
// Longest header block; more bytes without "\r\n\r\n" are treated as junk.
inline constexpr std::size_t kMaxHeaderBytes = std::size_t{64} << 10;

// "Content-Length: <size>\r\n\r\n" + body.
std::string frame(std::string_view body);

struct ReadItem {
    enum class Kind { Message, FramingError };
    Kind kind = Kind::Message;
    std::string text; // the body for Message, a description for FramingError
};

class MessageReader {
public:
    explicit MessageReader(std::size_t max_content_length = kMaxContentLength);

    void feed(std::string_view bytes);
    // The next complete message or framing error; nullopt when more bytes are needed.
    //
    // Recovery rules:
    // - a header block without a valid Content-Length (missing, non-numeric, larger than
    //   the cap, or with malformed lines) yields a FramingError; the reader skips to the
    //   next "Content-Length:" inside the block, or past the block;
    // - junk before a header block (e.g. the tail of a body whose Content-Length was too
    //   short) yields a FramingError and is skipped up to the next "Content-Length:";
    // - a body that is not valid JSON but contains "Content-Length:" (its Content-Length
    //   was too long and it swallowed the next message) is cut there: the part before is
    //   yielded as the message, the rest is read again as a new header block.
    std::optional<ReadItem> next();

    // Bytes fed but not consumed yet.
    std::size_t buffered() const { return buf_.size() - pos_; }

private:
    void consume(std::size_t n);

    std::string buf_;
    std::size_t pos_ = 0;
    std::size_t max_content_length_;
    std::optional<std::size_t> body_length_; // set while waiting for a body
};

} // namespace mil
