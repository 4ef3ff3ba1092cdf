// LSP base-protocol framing, shared by the benchmarks' client and their echo server.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace mil::bench {

// Where the first complete message of `buf` lies: its body is buf[body_at, body_at + length),
// and the caller erases buf[0, body_at + length) once done with it.
struct Frame {
    std::size_t body_at = 0, length = 0;
};

// The first complete message at the front of `buf` (headers without a Content-Length are
// dropped), or nullopt while more bytes are needed.
inline std::optional<Frame> next_frame(std::string& buf) {
    for (;;) {
        auto hdr_end = buf.find("\r\n\r\n");
        if (hdr_end == std::string::npos) return std::nullopt;
        auto cl = buf.find("Content-Length:");
        if (cl == std::string::npos || cl > hdr_end) {
            buf.erase(0, hdr_end + 4);
            continue;
        }
        const std::size_t length = std::strtoul(buf.c_str() + cl + 15, nullptr, 10);
        if (buf.size() < hdr_end + 4 + length) return std::nullopt;
        return Frame{hdr_end + 4, length};
    }
}

} // namespace mil::bench
