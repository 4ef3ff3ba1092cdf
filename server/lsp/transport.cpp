#include "lsp/transport.hpp"

#include "lsp/jsonrpc.hpp"
#include "platform/log.hpp"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>

namespace mil {
namespace {

// A pipe whose read end becomes (and stays) readable once wake() is called: lets a
// thread blocked in poll() be interrupted.
class WakePipe {
public:
    WakePipe() {
        if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0)
            throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    ~WakePipe() {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    WakePipe(const WakePipe&) = delete;
    WakePipe& operator=(const WakePipe&) = delete;

    void wake() {
        char c = 1;
        ssize_t n = ::write(fds_[1], &c, 1);
        (void)n; // a full pipe is already readable
    }
    int fd() const { return fds_[0]; }

private:
    int fds_[2] = {-1, -1};
};

// True when `fd` has input (or EOF/error to report); false once `wake` was woken.
bool wait_readable(int fd, const WakePipe& wake) {
    for (;;) {
        pollfd fds[2] = {{wake.fd(), POLLIN, 0}, {fd, POLLIN, 0}};
        int n = ::poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            log::error("poll failed: {}", std::strerror(errno));
            return false;
        }
        if (fds[0].revents != 0) return false;
        if (fds[1].revents != 0) return true;
    }
}

// Writes everything to `fd`; false when the peer is gone.
bool write_fd(int fd, std::string_view bytes, bool is_socket) {
    while (!bytes.empty()) {
        ssize_t n = is_socket ? ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL)
                              : ::write(fd, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 1000);
            continue;
        }
        log::warn("write failed: {}", n < 0 ? std::strerror(errno) : "no progress");
        return false;
    }
    return true;
}

// Reads from `fd` after waiting for it; 0 at end of input, on error or when woken.
std::size_t read_fd(int fd, const WakePipe& wake, char* buf, std::size_t size, bool is_socket) {
    for (;;) {
        if (!wait_readable(fd, wake)) return 0;
        ssize_t n = is_socket ? ::recv(fd, buf, size, 0) : ::read(fd, buf, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        log::warn("read failed: {}", std::strerror(errno));
        return 0;
    }
}

// The reader thread and the write lock shared by all transports. Derived classes provide
// the blocking read, the write and a way to interrupt the read; their destructors must
// call close() while they still exist.
template <typename Base>
class Threaded : public Base {
public:
    using typename Base::CloseHandler;
    using typename Base::MessageHandler;

    void start(MessageHandler on_message, CloseHandler on_close) override {
        thread_ = std::thread([this, on_message = std::move(on_message),
                               on_close = std::move(on_close)] { loop(on_message, on_close); });
    }

    bool send(std::string body) override {
        std::string framed = frame(body);
        std::lock_guard lock(write_mutex_);
        if (broken_) return false;
        if (!write_all(framed)) broken_ = true;
        return !broken_;
    }

    void close() override {
        interrupt();
        std::lock_guard lock(join_mutex_);
        if (!thread_.joinable()) return;
        if (thread_.get_id() == std::this_thread::get_id()) return; // joined by the destructor
        thread_.join();
    }

protected:
    // Blocks until some bytes arrive; 0 at end of input or after interrupt().
    virtual std::size_t read_some(char* buf, std::size_t size) = 0;
    virtual bool write_all(std::string_view bytes) = 0;
    // Makes read_some return 0, now and from then on.
    virtual void interrupt() = 0;

    // For derived destructors, after close().
    void detach_if_self() {
        std::lock_guard lock(join_mutex_);
        if (thread_.joinable() && thread_.get_id() == std::this_thread::get_id()) thread_.detach();
    }

private:
    void loop(const MessageHandler& on_message, const CloseHandler& on_close) {
        MessageReader reader;
        std::string buf(64 * 1024, '\0');
        for (;;) {
            std::size_t n = read_some(buf.data(), buf.size());
            if (n == 0) break;
            reader.feed(std::string_view(buf.data(), n));
            while (auto item = reader.next()) {
                if (item->kind == ReadItem::Kind::FramingError) {
                    log::warn("framing error: {}", item->text);
                    continue;
                }
                try {
                    on_message(std::move(item->text));
                } catch (const std::exception& e) {
                    log::error("message handler failed: {}", e.what());
                } catch (...) {
                    log::error("message handler failed");
                }
            }
        }
        if (reader.buffered() > 0)
            log::warn("input ended inside a message ({} bytes left unread)", reader.buffered());
        try {
            if (on_close) on_close();
        } catch (...) {
            log::error("close handler failed");
        }
    }

    std::thread thread_;
    std::mutex join_mutex_;
    std::mutex write_mutex_;
    bool broken_ = false; // guarded by write_mutex_
};

// Pipe capacity asked for the output: a large answer (a completion list of every ACL id
// with its documentation) is then written at once, instead of waiting for the client to
// read each 64 KiB (the default) while both wait to be scheduled.
constexpr int kOutputPipeSize = 512 * 1024;

class FdTransport final : public Threaded<Transport> {
public:
    FdTransport(int in_fd, int out_fd) : in_(in_fd), out_(out_fd) {
#ifdef F_SETPIPE_SZ
        // Not a pipe, or over the system's limit: the capacity stays as it is.
        int size = ::fcntl(out_fd, F_GETPIPE_SZ);
        if (size > 0 && size < kOutputPipeSize) ::fcntl(out_fd, F_SETPIPE_SZ, kOutputPipeSize);
#endif
    }
    ~FdTransport() override {
        close();
        detach_if_self();
    }

protected:
    std::size_t read_some(char* buf, std::size_t size) override {
        return read_fd(in_, wake_, buf, size, false);
    }
    bool write_all(std::string_view bytes) override {
        return write_fd(out_, bytes, false);
    }
    void interrupt() override {
        wake_.wake();
    }

private:
    int in_;
    int out_;
    WakePipe wake_;
};

namespace asio = boost::asio;
using asio::ip::tcp;

class TcpTransportImpl final : public Threaded<TcpTransport> {
public:
    explicit TcpTransportImpl(const std::string& address, int port) : acceptor_(io_) {
        boost::system::error_code ec;
        auto ip = asio::ip::make_address(address.empty() ? "127.0.0.1" : address, ec);
        if (ec)
            throw std::system_error(EINVAL, std::generic_category(),
                                    "bad address '" + address + "'");
        if (port < 0 || port > 65535)
            throw std::system_error(EINVAL, std::generic_category(), "bad port");
        tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(1);
        acceptor_.non_blocking(true);
        port_ = acceptor_.local_endpoint().port();
        log::info("listening on {}:{}", ip.to_string(), port_);
    }
    ~TcpTransportImpl() override {
        close();
        detach_if_self();
    }

    int port() const override { return port_; }

    void close() override {
        Threaded::close();
        int fd = fd_.load();
        if (fd >= 0) ::shutdown(fd, SHUT_RDWR); // the peer sees the end now
    }

protected:
    std::size_t read_some(char* buf, std::size_t size) override {
        if (fd_.load() < 0 && !accept()) return 0;
        return read_fd(fd_.load(), wake_, buf, size, true);
    }
    bool write_all(std::string_view bytes) override {
        int fd = fd_.load();
        if (fd < 0) {
            log::warn("no TCP client yet: message dropped");
            return true; // not broken: a client may still connect
        }
        return write_fd(fd, bytes, true);
    }
    void interrupt() override { wake_.wake(); }

private:
    bool accept() {
        for (;;) {
            if (!wait_readable(acceptor_.native_handle(), wake_)) return false;
            boost::system::error_code ec;
            acceptor_.accept(socket_, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again ||
                ec == asio::error::connection_aborted || ec == asio::error::interrupted)
                continue;
            if (ec) {
                log::error("accept failed: {}", ec.message());
                return false;
            }
            socket_.set_option(tcp::no_delay(true), ec);
            auto remote = socket_.remote_endpoint(ec);
            log::info("client connected from {}:{}", remote.address().to_string(), remote.port());
            acceptor_.close(ec); // one client only
            fd_.store(socket_.native_handle());
            return true;
        }
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    tcp::socket socket_{io_};
    std::atomic<int> fd_{-1};
    int port_ = 0;
    WakePipe wake_;
};

// State shared by the two halves of an in-memory pair.
struct MemoryChannel {
    std::mutex mutex;
    std::condition_variable changed;
    std::string to_server;
    bool client_closed = false;
    std::string to_client;
    bool server_closed = false;
};

class MemoryServer final : public Threaded<Transport> {
public:
    explicit MemoryServer(std::shared_ptr<MemoryChannel> channel) : ch_(std::move(channel)) {}
    ~MemoryServer() override {
        close();
        detach_if_self();
    }

protected:
    std::size_t read_some(char* buf, std::size_t size) override {
        {
            std::unique_lock lock(ch_->mutex);
            if (pending_.size() == taken_) {
                ch_->changed.wait(lock, [&] {
                    return !ch_->to_server.empty() || ch_->client_closed || ch_->server_closed;
                });
                // Take everything at once and hand it out in pieces: erasing the front of a
                // big buffer chunk by chunk would be quadratic.
                pending_.clear();
                taken_ = 0;
                pending_.swap(ch_->to_server);
            }
            if (ch_->server_closed || pending_.empty()) return 0;
        }
        std::size_t n = std::min(size, pending_.size() - taken_);
        std::memcpy(buf, pending_.data() + taken_, n);
        taken_ += n;
        return n;
    }
    bool write_all(std::string_view bytes) override {
        std::lock_guard lock(ch_->mutex);
        ch_->to_client.append(bytes);
        ch_->changed.notify_all();
        return true;
    }
    void interrupt() override {
        std::lock_guard lock(ch_->mutex);
        ch_->server_closed = true;
        ch_->changed.notify_all();
    }

private:
    std::shared_ptr<MemoryChannel> ch_;
    std::string pending_; // reader thread only
    std::size_t taken_ = 0;
};

class MemoryClientImpl final : public MemoryClient {
public:
    explicit MemoryClientImpl(std::shared_ptr<MemoryChannel> channel) : ch_(std::move(channel)) {}

    void write_raw(std::string_view bytes) override {
        std::lock_guard lock(ch_->mutex);
        ch_->to_server.append(bytes);
        ch_->changed.notify_all();
    }
    void send(std::string_view body) override { write_raw(frame(body)); }
    void close() override {
        std::lock_guard lock(ch_->mutex);
        ch_->client_closed = true;
        ch_->changed.notify_all();
    }
    std::optional<std::string> read(std::chrono::milliseconds timeout) override {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        std::unique_lock lock(ch_->mutex);
        for (;;) {
            if (!ch_->to_client.empty()) {
                reader_.feed(ch_->to_client);
                ch_->to_client.clear();
            }
            while (auto item = reader_.next())
                if (item->kind == ReadItem::Kind::Message) return std::move(item->text);
            if (ch_->server_closed) return std::nullopt;
            if (!ch_->changed.wait_until(
                    lock, deadline, [&] { return !ch_->to_client.empty() || ch_->server_closed; }))
                return std::nullopt;
        }
    }
    bool server_closed() const override {
        std::lock_guard lock(ch_->mutex);
        return ch_->server_closed;
    }

private:
    std::shared_ptr<MemoryChannel> ch_;
    MessageReader reader_; // guarded by ch_->mutex
};

} // namespace

std::unique_ptr<Transport> make_fd_transport(int in_fd, int out_fd) {
    std::signal(SIGPIPE, SIG_IGN);
    return std::make_unique<FdTransport>(in_fd, out_fd);
}

std::unique_ptr<Transport> make_stdio_transport() {
    return make_fd_transport(STDIN_FILENO, STDOUT_FILENO);
}

std::unique_ptr<TcpTransport> TcpTransport::listen(const std::string& address, int port) {
    try {
        return std::make_unique<TcpTransportImpl>(address, port);
    } catch (const boost::system::system_error& e) {
        throw std::system_error(e.code().value(), std::system_category(),
                                fmt::format("cannot listen on {}:{}", address, port));
    }
}

MemoryPair make_memory_pair() {
    auto channel = std::make_shared<MemoryChannel>();
    return {std::make_unique<MemoryServer>(channel), std::make_shared<MemoryClientImpl>(channel)};
}

} // namespace mil
