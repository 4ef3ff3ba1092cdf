#include "platform/channel.hpp"

#include "platform/log.hpp"
#include "platform/os.hpp"
#include "platform/tcp_listen.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>

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

// Pipe capacity asked for the output: a large answer (a completion list of every ACL id
// with its documentation) is then written at once, instead of waiting for the client to
// read each 64 KiB (the default) while both wait to be scheduled.
constexpr int kOutputPipeSize = 512 * 1024;

class FdChannel final : public ByteChannel {
public:
    FdChannel(int in_fd, int out_fd) : in_(in_fd), out_(out_fd) {
#ifdef F_SETPIPE_SZ
        // Not a pipe, or over the system's limit: the capacity stays as it is.
        int size = ::fcntl(out_fd, F_GETPIPE_SZ);
        if (size > 0 && size < kOutputPipeSize) ::fcntl(out_fd, F_SETPIPE_SZ, kOutputPipeSize);
#endif
    }
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

class TcpChannelImpl final : public TcpChannel {
public:
    explicit TcpChannelImpl(const std::string& address, int port) : acceptor_(io_) {
        const tcp::endpoint endpoint = tcp_endpoint(address, port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(1);
        acceptor_.non_blocking(true);
        port_ = acceptor_.local_endpoint().port();
        log::info("listening on {}:{}", endpoint.address().to_string(), port_);
    }
    int port() const override { return port_; }

    void shutdown() override {
        int fd = fd_.load();
        if (fd >= 0) ::shutdown(fd, SHUT_RDWR); // the peer sees the end now
    }

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

} // namespace

std::unique_ptr<ByteChannel> open_fd_channel(int in_fd, int out_fd) {
    std::signal(SIGPIPE, SIG_IGN);
    return std::make_unique<FdChannel>(in_fd, out_fd);
}

std::unique_ptr<ByteChannel> open_stdio_channel() {
    set_binary_stdio();
    return open_fd_channel(STDIN_FILENO, STDOUT_FILENO);
}

std::unique_ptr<TcpChannel> TcpChannel::listen(const std::string& address, int port) {
    return listen_tcp<TcpChannelImpl>(address, port);
}

} // namespace mil
