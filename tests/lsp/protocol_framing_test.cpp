// MessageReader: the Content-Length framing and its recovery from broken input.
#include "lsp/jsonrpc.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace mil;

namespace {

struct Drained {
    std::vector<std::string> messages;
    int errors = 0;
};

Drained drain(MessageReader& reader) {
    Drained out;
    while (auto item = reader.next()) {
        if (item->kind == ReadItem::Kind::Message)
            out.messages.push_back(item->text);
        else
            ++out.errors;
    }
    return out;
}

Drained read_all(std::string_view bytes) {
    MessageReader reader;
    reader.feed(bytes);
    return drain(reader);
}

const std::string kA = R"({"jsonrpc":"2.0","id":1,"method":"a"})";
const std::string kB = R"({"jsonrpc":"2.0","id":2,"method":"b","params":{"x":[1,2,3]}})";

std::string header(std::size_t length) {
    return "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

} // namespace

TEST_CASE("frame writes a Content-Length header in bytes") {
    CHECK(frame("{}") == "Content-Length: 2\r\n\r\n{}");
    // Multi-byte UTF-8: the length counts bytes, not characters.
    CHECK(frame("\"\xc3\xa9\"") == "Content-Length: 4\r\n\r\n\"\xc3\xa9\"");
}

TEST_CASE("messages split at every possible byte boundary come out whole") {
    std::string stream = frame(kA) + frame(kB);
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        MessageReader reader;
        reader.feed(std::string_view(stream).substr(0, split));
        Drained first = drain(reader);
        reader.feed(std::string_view(stream).substr(split));
        Drained second = drain(reader);
        first.messages.insert(first.messages.end(), second.messages.begin(), second.messages.end());
        INFO("split at " << split);
        CHECK(first.errors + second.errors == 0);
        REQUIRE(first.messages.size() == 2);
        CHECK(first.messages[0] == kA);
        CHECK(first.messages[1] == kB);
        CHECK(reader.buffered() == 0);
    }
}

TEST_CASE("one byte at a time") {
    std::string stream = frame(kA) + frame(kB) + frame(kA);
    MessageReader reader;
    std::vector<std::string> got;
    for (char c : stream) {
        reader.feed(std::string_view(&c, 1));
        for (auto& m : drain(reader).messages)
            got.push_back(m);
    }
    CHECK(got == std::vector<std::string>{kA, kB, kA});
}

TEST_CASE("header names are case-insensitive; Content-Type and other headers are accepted") {
    std::string stream = "content-length: " + std::to_string(kA.size()) + "\r\n\r\n" + kA +
                         "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
                         "CONTENT-LENGTH:" +
                         std::to_string(kB.size()) + "  \r\n\r\n" + kB + "X-Extra: 1\r\n" +
                         header(kA.size()) + kA;
    Drained d = read_all(stream);
    CHECK(d.errors == 0);
    CHECK(d.messages == std::vector<std::string>{kA, kB, kA});
}

TEST_CASE("whitespace between messages is skipped silently") {
    Drained d = read_all("\r\n" + frame(kA) + "\n\r\n " + frame(kB));
    CHECK(d.errors == 0);
    CHECK(d.messages == std::vector<std::string>{kA, kB});
}

TEST_CASE("a header block without Content-Length is an error and is skipped") {
    Drained d = read_all("Content-Type: text/plain\r\n\r\n" + frame(kA));
    CHECK(d.errors == 1);
    CHECK(d.messages == std::vector<std::string>{kA});
}

TEST_CASE("a non-numeric Content-Length is an error; the next message is read") {
    for (std::string bad : {"abc", "-5", "+5", "12x", "", "0x10", "1 2"}) {
        INFO("Content-Length: " << bad);
        Drained d = read_all("Content-Length: " + bad + "\r\n\r\n" + frame(kB));
        CHECK(d.errors >= 1);
        CHECK(d.messages == std::vector<std::string>{kB});
    }
}

TEST_CASE("a huge Content-Length is refused instead of waiting for (or allocating) it") {
    for (std::string huge : {"67108865", "99999999999999999999999999999999"}) {
        INFO("Content-Length: " << huge);
        MessageReader reader;
        reader.feed("Content-Length: " + huge + "\r\n\r\n" + kA + frame(kB));
        Drained d = drain(reader);
        CHECK(d.errors >= 1);
        CHECK(d.messages == std::vector<std::string>{kB});
        CHECK(reader.buffered() == 0);
    }
    // A smaller cap is honoured too.
    MessageReader small(10);
    small.feed(frame(kA) + frame("[1]"));
    Drained d = drain(small);
    CHECK(d.errors >= 1);
    CHECK(d.messages == std::vector<std::string>{"[1]"});
}

TEST_CASE("a Content-Length that is too short: truncated body, then resync on the next header") {
    std::string stream = header(kA.size() - 7) + kA + frame(kB);
    Drained d = read_all(stream);
    REQUIRE(d.messages.size() == 2);
    CHECK(d.messages[0] == kA.substr(0, kA.size() - 7)); // not valid JSON: the caller says so
    CHECK(d.messages[1] == kB);
    CHECK(d.errors == 1); // the tail of the first body, skipped as junk
}

TEST_CASE("a Content-Length that is too long: the swallowed next message is recovered") {
    // By more than a header: the body holds the whole next header block.
    for (std::size_t extra : {1u, 5u, 14u, 15u, 16u, 24u, 30u}) {
        INFO("too long by " << extra);
        std::string stream = header(kA.size() + extra) + kA + frame(kB) + frame(kA);
        Drained d = read_all(stream);
        CHECK(d.errors == 0);
        CHECK(d.messages == std::vector<std::string>{kA, kB, kA});
    }
}

TEST_CASE("a too long Content-Length on a broken body still lets the next message through") {
    std::string broken = R"({"jsonrpc":"2.0","id":1,"meth)";
    std::string stream = header(broken.size() + 30) + broken + frame(kB);
    Drained d = read_all(stream);
    REQUIRE(d.messages.size() == 2);
    CHECK(d.messages[0] == broken);
    CHECK(d.messages[1] == kB);
}

TEST_CASE("a valid body that merely mentions Content-Length is left alone") {
    std::string body = R"({"text":"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"})";
    Drained d = read_all(frame(body) + frame(kA));
    CHECK(d.errors == 0);
    CHECK(d.messages == std::vector<std::string>{body, kA});
}

TEST_CASE("junk before a header is skipped") {
    Drained d = read_all("garbage!!" + frame(kA));
    CHECK(d.errors == 1);
    CHECK(d.messages == std::vector<std::string>{kA});
}

TEST_CASE("a long run of bytes without a header is dropped with bounded memory") {
    MessageReader reader;
    std::string junk(kMaxHeaderBytes * 3, 'x');
    reader.feed(junk);
    Drained d = drain(reader);
    CHECK(d.errors >= 1);
    CHECK(d.messages.empty());
    CHECK(reader.buffered() < 64);
    reader.feed(frame(kA));
    CHECK(drain(reader).messages == std::vector<std::string>{kA});
}

TEST_CASE("random binary input never crashes, never hangs, and the reader recovers") {
    std::mt19937 rng(12345);
    std::string alphabet = "Content-Length: 0123456789\r\n{}[]\":,\xff\xc3"
                           "abcxyz";
    alphabet.push_back('\0');
    for (int round = 0; round < 300; ++round) {
        MessageReader reader(1000); // small cap: a length read from junk cannot be large
        std::size_t n = rng() % 400;
        std::string junk;
        for (std::size_t i = 0; i < n; ++i)
            junk +=
                rng() % 4 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        // Fed in random chunks.
        for (std::size_t pos = 0; pos < junk.size();) {
            std::size_t len = 1 + rng() % 50;
            reader.feed(std::string_view(junk).substr(pos, len));
            pos += len;
            drain(reader);
        }
        // Whatever state the junk left (even a pending body of up to 1000 bytes), the
        // messages after it get through.
        for (int i = 0; i < 30; ++i)
            reader.feed(frame(kA));
        Drained d = drain(reader);
        INFO("round " << round);
        CHECK(!d.messages.empty());
        CHECK(d.messages.back() == kA);
    }
}
