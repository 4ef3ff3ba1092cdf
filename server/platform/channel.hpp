// Byte streams for the LSP transports (server/lsp/transport.cpp): a pair of file
// descriptors (stdio, pipes) and one TCP client. channel_posix.cpp waits with poll() and
// interrupts through a pipe; channel_windows.cpp reads pipes with ReadFile (interrupted by
// CancelSynchronousIo) and sockets through Asio on Winsock.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace mil {

class ByteChannel {
public:
    virtual ~ByteChannel() = default;
    // Blocks until some bytes arrive (one reader thread); 0 at end of input, on error, or
    // once interrupt() was called.
    virtual std::size_t read_some(char* buf, std::size_t size) = 0;
    // Writes everything (one writer at a time); false when the peer is gone.
    virtual bool write_all(std::string_view bytes) = 0;
    // Makes read_some return 0, now and from then on. From any thread.
    virtual void interrupt() = 0;
};

// Reads `in_fd`, writes `out_fd` (neither closed here). Asks for a large output pipe
// where the OS allows it.
std::unique_ptr<ByteChannel> open_fd_channel(int in_fd, int out_fd);
// stdin and stdout, in binary mode (set_binary_stdio, os.hpp).
std::unique_ptr<ByteChannel> open_stdio_channel();

// Listens on a TCP address and serves the first client that connects (accepted by the
// first read_some); later clients are not accepted. Throws std::system_error when the
// address is bad or cannot be bound. Port 0 picks an ephemeral port.
class TcpChannel : public ByteChannel {
public:
    static std::unique_ptr<TcpChannel> listen(const std::string& address, int port);
    // The bound port (the real one when 0 was asked for).
    virtual int port() const = 0;
    // The client sees the end of the stream now.
    virtual void shutdown() = 0;
};

} // namespace mil
