// Byte transports for the JSON-RPC endpoint: stdio, TCP (one client) and an in-memory
// pair for tests.
//
// Threading: start() launches one reader thread per transport. That thread reads bytes,
// splits them into message bodies (MessageReader; framing errors are logged) and calls
// on_message for each body, in order. on_close is called exactly once, on the reader
// thread, when the input ends (EOF, error, peer closed) or after close(); unless close()
// could not interrupt the read within half a second (an OS whose blocking reads cannot be
// cancelled): the reader is then left behind and calls neither handler again. send() may be
// called from any thread; frames are written whole and never interleave.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

class ByteChannel; // platform/channel.hpp

class Transport {
public:
    using MessageHandler = std::function<void(std::string body)>;
    using CloseHandler = std::function<void()>;

    virtual ~Transport() = default;
    // Starts reading. Call once.
    virtual void start(MessageHandler on_message, CloseHandler on_close) = 0;
    // Frames `body` with a Content-Length header and writes it. Thread-safe. Returns
    // false when the peer is gone (the message is dropped).
    virtual bool send(std::string body) = 0;
    // Several messages at once, in order; where the transport can, in one write (a thread
    // that writes twice may be switched out at the first write, the second then waits).
    virtual bool send_all(std::vector<std::string> bodies) {
        for (auto& body : bodies)
            if (!send(std::move(body))) return false;
        return true;
    }
    // Stops reading and joins the reader thread (on_close has run when this returns,
    // unless called from the reader thread itself, or the read could not be interrupted:
    // see above). Idempotent.
    virtual void close() = 0;
};

// Reads fd 0 and writes fd 1 with plain blocking I/O (works with pipes, sockets, ttys and
// regular files). Ignores SIGPIPE so that a vanished client cannot kill the process.
std::unique_ptr<Transport> make_stdio_transport();
// The same over any pair of file descriptors (not closed by the transport).
std::unique_ptr<Transport> make_fd_transport(int in_fd, int out_fd);
// The same over any of the platform's byte channels.
std::unique_ptr<Transport> make_channel_transport(std::unique_ptr<ByteChannel> channel);

// Listens on a TCP address and serves the first client that connects; later clients are
// not accepted. Binding happens in listen() (throws std::system_error on failure), the
// accept on the reader thread after start(). Port 0 picks an ephemeral port: see port().
class TcpTransport : public Transport {
public:
    static std::unique_ptr<TcpTransport> listen(const std::string& address = "127.0.0.1",
                                                int port = 0);
    // The bound port (the real one when 0 was asked for).
    virtual int port() const = 0;
};

// The client half of an in-memory pair: what a test uses to talk to the server.
class MemoryClient {
public:
    virtual ~MemoryClient() = default;
    // Raw bytes to the server, unframed (for framing tests).
    virtual void write_raw(std::string_view bytes) = 0;
    // One framed message to the server.
    virtual void send(std::string_view body) = 0;
    // Ends the server's input (as if the client closed the pipe).
    virtual void close() = 0;
    // The next body the server sent, waiting up to `timeout`. nullopt on timeout, or when
    // the server side is closed and everything it sent has been read.
    virtual std::optional<std::string> read(std::chrono::milliseconds timeout) = 0;
    // True once the server side of the pair has been closed.
    virtual bool server_closed() const = 0;
};

struct MemoryPair {
    std::unique_ptr<Transport> server;
    std::shared_ptr<MemoryClient> client;
};
MemoryPair make_memory_pair();

} // namespace mil
