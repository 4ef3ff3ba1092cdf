// Fuzz harness: JSON-RPC framing. MessageReader is fed arbitrary bytes, once whole and once in
// chunks of fuzzed sizes; both must yield the same message bodies, each a piece of the input,
// and never hold more than was fed.
//
// Input: [chunk seed][cap selector][bytes...]
#pragma once

#include "harness.hpp"

#include "lsp/jsonrpc.hpp"

#include <vector>

namespace mil::fuzz {

inline std::vector<std::string> read_messages(MessageReader& reader, std::string_view bytes,
                                              Rng* chunks, std::size_t& framing_errors) {
    std::vector<std::string> out;
    std::size_t fed = 0;
    while (fed < bytes.size()) {
        std::size_t n = chunks ? 1 + chunks->below(std::min<std::size_t>(bytes.size() - fed, 97))
                               : bytes.size();
        n = std::min(n, bytes.size() - fed);
        reader.feed(bytes.substr(fed, n));
        fed += n;
        while (auto item = reader.next()) {
            if (item->kind == ReadItem::Kind::Message) {
                MIL_FUZZ_CHECK(bytes.find(item->text) != std::string_view::npos,
                               "a message body is a piece of the input");
                out.push_back(std::move(item->text));
            } else {
                MIL_FUZZ_CHECK(!item->text.empty(), "a framing error says what went wrong");
                ++framing_errors;
            }
        }
        MIL_FUZZ_CHECK(reader.buffered() <= fed, "the reader holds no more than it was fed");
    }
    return out;
}

inline void run_framing(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    const std::uint8_t seed = in.byte();
    const std::uint8_t cap_selector = in.byte();
    // Small caps reach the "too large" path with short inputs.
    const std::size_t cap = cap_selector < 128 ? kMaxContentLength : cap_selector;
    const std::string_view bytes = in.rest();

    std::size_t errors_whole = 0, errors_chunked = 0;
    MessageReader whole(cap);
    std::vector<std::string> a = read_messages(whole, bytes, nullptr, errors_whole);
    MessageReader chunked(cap);
    Rng rng(seed);
    std::vector<std::string> b = read_messages(chunked, bytes, &rng, errors_chunked);
    if (bytes.size() < kMaxHeaderBytes)
        MIL_FUZZ_CHECK(a == b, "the same messages whatever the chunk sizes");
    for (const std::string& m : a)
        MIL_FUZZ_CHECK(m.size() <= cap, "no body larger than the cap");
    (void)frame(bytes.substr(0, 64));
}

} // namespace mil::fuzz
