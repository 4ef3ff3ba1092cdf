// Windows byte channels: pipes and consoles read with ReadFile on the reader thread (no poll
// on Windows pipes; CancelSynchronousIo interrupts it), TCP through Asio on Winsock, its
// reads run on an io_context that interrupt() cancels.
#include "platform/channel.hpp"

#include "platform/log.hpp"
#include "platform/os.hpp"
#include "platform/tcp_listen.hpp"

#include <atomic>
#include <mutex>
#include <system_error>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <io.h>
#include <windows.h>

namespace mil {
namespace {

class HandleChannel final : public ByteChannel {
public:
    HandleChannel(HANDLE in, HANDLE out) : in_(in), out_(out) {}
    ~HandleChannel() override {
        if (reader_) ::CloseHandle(reader_);
    }

    std::size_t read_some(char* buf, std::size_t size) override {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return 0;
            if (!reader_)
                ::DuplicateHandle(::GetCurrentProcess(), ::GetCurrentThread(),
                                  ::GetCurrentProcess(), &reader_, 0, FALSE, DUPLICATE_SAME_ACCESS);
        }
        DWORD got = 0;
        const DWORD want = static_cast<DWORD>(std::min<std::size_t>(size, 1u << 30));
        if (!::ReadFile(in_, buf, want, &got, nullptr)) {
            const DWORD err = ::GetLastError();
            if (err != ERROR_BROKEN_PIPE && err != ERROR_OPERATION_ABORTED)
                log::warn("read failed: error {}", err);
            return 0;
        }
        std::lock_guard lock(mutex_);
        return stopped_ ? 0 : got;
    }

    bool write_all(std::string_view bytes) override {
        while (!bytes.empty()) {
            DWORD put = 0;
            const DWORD want = static_cast<DWORD>(std::min<std::size_t>(bytes.size(), 1u << 30));
            if (!::WriteFile(out_, bytes.data(), want, &put, nullptr) || put == 0) {
                log::warn("write failed: error {}", ::GetLastError());
                return false;
            }
            bytes.remove_prefix(put);
        }
        return true;
    }

    void interrupt() override {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        if (reader_) ::CancelSynchronousIo(reader_);
    }

private:
    HANDLE in_;
    HANDLE out_;
    std::mutex mutex_;
    bool stopped_ = false;    // guarded by mutex_
    HANDLE reader_ = nullptr; // the reading thread, once it read; guarded by mutex_
};

namespace asio = boost::asio;
using asio::ip::tcp;

class TcpChannelImpl final : public TcpChannel {
public:
    TcpChannelImpl(const std::string& address, int port) : acceptor_(io_) {
        const tcp::endpoint endpoint = tcp_endpoint(address, port);
        acceptor_.open(endpoint.protocol());
        acceptor_.bind(endpoint);
        acceptor_.listen(1);
        port_ = acceptor_.local_endpoint().port();
        log::info("listening on {}:{}", endpoint.address().to_string(), port_);
    }

    int port() const override { return port_; }

    std::size_t read_some(char* buf, std::size_t size) override {
        if (stopped_.load()) return 0;
        boost::system::error_code ec;
        if (!connected_.load()) {
            acceptor_.async_accept(socket_, [&](const boost::system::error_code& e) { ec = e; });
            run();
            if (ec || stopped_.load()) {
                if (ec && ec != asio::error::operation_aborted)
                    log::error("accept failed: {}", ec.message());
                return 0;
            }
            socket_.set_option(tcp::no_delay(true), ec);
            auto remote = socket_.remote_endpoint(ec);
            log::info("client connected from {}:{}", remote.address().to_string(), remote.port());
            acceptor_.close(ec); // one client only
            connected_.store(true);
        }
        std::size_t got = 0;
        socket_.async_read_some(asio::buffer(buf, size),
                                [&](const boost::system::error_code& e, std::size_t n) {
                                    ec = e;
                                    got = n;
                                });
        run();
        if (ec || stopped_.load()) return 0;
        return got;
    }

    bool write_all(std::string_view bytes) override {
        if (!connected_.load()) {
            log::warn("no TCP client yet: message dropped");
            return true; // not broken: a client may still connect
        }
        boost::system::error_code ec;
        asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec) log::warn("write failed: {}", ec.message());
        return !ec;
    }

    void interrupt() override {
        stopped_.store(true);
        asio::post(io_, [this] {
            boost::system::error_code ec;
            acceptor_.cancel(ec);
            socket_.cancel(ec);
        });
    }

    void shutdown() override {
        if (!connected_.load()) return;
        boost::system::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_both, ec);
    }

private:
    void run() {
        io_.restart();
        io_.run();
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    tcp::socket socket_{io_};
    std::atomic<bool> connected_{false};
    std::atomic<bool> stopped_{false};
    int port_ = 0;
};

} // namespace

std::unique_ptr<ByteChannel> open_fd_channel(int in_fd, int out_fd) {
    return std::make_unique<HandleChannel>(reinterpret_cast<HANDLE>(::_get_osfhandle(in_fd)),
                                           reinterpret_cast<HANDLE>(::_get_osfhandle(out_fd)));
}

std::unique_ptr<ByteChannel> open_stdio_channel() {
    set_binary_stdio();
    return std::make_unique<HandleChannel>(::GetStdHandle(STD_INPUT_HANDLE),
                                           ::GetStdHandle(STD_OUTPUT_HANDLE));
}

std::unique_ptr<TcpChannel> TcpChannel::listen(const std::string& address, int port) {
    return listen_tcp<TcpChannelImpl>(address, port);
}

} // namespace mil
