#include "lsp/transport.hpp"

#include "lsp/jsonrpc.hpp"
#include "platform/log.hpp"

#include "platform/channel.hpp"

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace mil {
namespace {

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

    bool send_all(std::vector<std::string> bodies) override {
        std::string framed;
        for (const auto& body : bodies)
            framed += frame(body);
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

// A transport over one of the platform's byte channels.
class ChannelTransport final : public Threaded<Transport> {
public:
    explicit ChannelTransport(std::unique_ptr<ByteChannel> channel) : ch_(std::move(channel)) {}
    ~ChannelTransport() override {
        close();
        detach_if_self();
    }

protected:
    std::size_t read_some(char* buf, std::size_t size) override {
        return ch_->read_some(buf, size);
    }
    bool write_all(std::string_view bytes) override { return ch_->write_all(bytes); }
    void interrupt() override { ch_->interrupt(); }

private:
    std::unique_ptr<ByteChannel> ch_;
};

class TcpTransportImpl final : public Threaded<TcpTransport> {
public:
    explicit TcpTransportImpl(std::unique_ptr<TcpChannel> channel) : ch_(std::move(channel)) {}
    ~TcpTransportImpl() override {
        close();
        detach_if_self();
    }

    int port() const override { return ch_->port(); }

    void close() override {
        Threaded::close();
        ch_->shutdown();
    }

protected:
    std::size_t read_some(char* buf, std::size_t size) override {
        return ch_->read_some(buf, size);
    }
    bool write_all(std::string_view bytes) override { return ch_->write_all(bytes); }
    void interrupt() override { ch_->interrupt(); }

private:
    std::unique_ptr<TcpChannel> ch_;
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
    return std::make_unique<ChannelTransport>(open_fd_channel(in_fd, out_fd));
}

std::unique_ptr<Transport> make_stdio_transport() {
    return std::make_unique<ChannelTransport>(open_stdio_channel());
}

std::unique_ptr<TcpTransport> TcpTransport::listen(const std::string& address, int port) {
    return std::make_unique<TcpTransportImpl>(TcpChannel::listen(address, port));
}

MemoryPair make_memory_pair() {
    auto channel = std::make_shared<MemoryChannel>();
    return {std::make_unique<MemoryServer>(channel), std::make_shared<MemoryClientImpl>(channel)};
}

} // namespace mil
