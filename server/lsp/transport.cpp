#include "lsp/transport.hpp"

#include "lsp/jsonrpc.hpp"
#include "platform/log.hpp"

#include "platform/channel.hpp"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace mil {
namespace {

// The reader thread and the write lock shared by all transports, over one byte channel.
// close() interrupts the read and waits for the thread. Where an OS cannot interrupt a
// blocking read (wine's pipes ignore CancelSynchronousIo: a stdio server whose client keeps
// its stdin open after `exit` waited forever), the thread is left behind after kCloseWait:
// it owns a share of the channel and of the state it reads, so nothing it touches is freed
// under it, and it hands nothing more to the handlers (which may be gone by then).
template <typename Base>
class Threaded : public Base {
public:
    using typename Base::CloseHandler;
    using typename Base::MessageHandler;

    explicit Threaded(std::shared_ptr<ByteChannel> channel) : shared_(std::make_shared<Shared>()) {
        shared_->channel = std::move(channel);
    }

    void start(MessageHandler on_message, CloseHandler on_close) override {
        thread_ =
            std::thread([shared = shared_, on_message = std::move(on_message),
                         on_close = std::move(on_close)] { loop(*shared, on_message, on_close); });
    }

    bool send(std::string body) override {
        std::string framed = frame(body);
        std::lock_guard lock(write_mutex_);
        if (broken_) return false;
        if (!shared_->channel->write_all(framed)) broken_ = true;
        return !broken_;
    }

    bool send_all(std::vector<std::string> bodies) override {
        std::string framed;
        for (const auto& body : bodies)
            framed += frame(body);
        std::lock_guard lock(write_mutex_);
        if (broken_) return false;
        if (!shared_->channel->write_all(framed)) broken_ = true;
        return !broken_;
    }

    void close() override {
        shared_->channel->interrupt();
        std::lock_guard lock(join_mutex_);
        if (!thread_.joinable()) return;
        if (thread_.get_id() == std::this_thread::get_id()) return; // joined by the destructor
        bool done = false;
        {
            std::unique_lock done_lock(shared_->done_mutex);
            done = shared_->done_changed.wait_for(done_lock, kCloseWait,
                                                  [&] { return shared_->done; });
        }
        if (done) {
            thread_.join();
            return;
        }
        {
            std::lock_guard deliver(shared_->deliver_mutex); // after a message being handed over
            shared_->abandoned = true;
        }
        log::warn("the input's read could not be interrupted; its thread is left to the end of "
                  "the process");
        thread_.detach();
    }

protected:
    // For derived destructors, after close().
    void detach_if_self() {
        std::lock_guard lock(join_mutex_);
        if (thread_.joinable() && thread_.get_id() == std::this_thread::get_id()) thread_.detach();
    }

private:
    static constexpr std::chrono::milliseconds kCloseWait{500};

    // What the reader thread uses, kept alive by the thread itself.
    struct Shared {
        std::shared_ptr<ByteChannel> channel;
        std::mutex deliver_mutex; // held while a message or the end is handed over
        bool abandoned = false;   // guarded by deliver_mutex
        std::mutex done_mutex;
        std::condition_variable done_changed;
        bool done = false; // guarded by done_mutex: the loop has ended
    };

    static void loop(Shared& shared, const MessageHandler& on_message,
                     const CloseHandler& on_close) {
        MessageReader reader;
        std::string buf(64 * 1024, '\0');
        bool abandoned = false;
        while (!abandoned) {
            std::size_t n = shared.channel->read_some(buf.data(), buf.size());
            if (n == 0) break;
            reader.feed(std::string_view(buf.data(), n));
            while (auto item = reader.next()) {
                if (item->kind == ReadItem::Kind::FramingError) {
                    log::warn("framing error: {}", item->text);
                    continue;
                }
                std::lock_guard deliver(shared.deliver_mutex);
                if ((abandoned = shared.abandoned)) break;
                try {
                    on_message(std::move(item->text));
                } catch (const std::exception& e) {
                    log::error("message handler failed: {}", e.what());
                } catch (...) {
                    log::error("message handler failed");
                }
            }
        }
        {
            std::lock_guard deliver(shared.deliver_mutex);
            if (!shared.abandoned) {
                if (reader.buffered() > 0)
                    log::warn("input ended inside a message ({} bytes left unread)",
                              reader.buffered());
                try {
                    if (on_close) on_close();
                } catch (...) {
                    log::error("close handler failed");
                }
            }
        }
        {
            std::lock_guard done_lock(shared.done_mutex);
            shared.done = true;
        }
        shared.done_changed.notify_all();
    }

    std::shared_ptr<Shared> shared_;
    std::thread thread_;
    std::mutex join_mutex_;
    std::mutex write_mutex_;
    bool broken_ = false; // guarded by write_mutex_
};

// A transport over one of the platform's byte channels.
class ChannelTransport final : public Threaded<Transport> {
public:
    explicit ChannelTransport(std::unique_ptr<ByteChannel> channel)
        : Threaded(std::shared_ptr<ByteChannel>(std::move(channel))) {}
    ~ChannelTransport() override {
        close();
        detach_if_self();
    }
};

class TcpTransportImpl final : public Threaded<TcpTransport> {
public:
    explicit TcpTransportImpl(std::shared_ptr<TcpChannel> channel)
        : Threaded(channel), ch_(std::move(channel)) {}
    ~TcpTransportImpl() override {
        close();
        detach_if_self();
    }

    int port() const override { return ch_->port(); }

    void close() override {
        Threaded::close();
        ch_->shutdown();
    }

private:
    std::shared_ptr<TcpChannel> ch_;
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

// The server's half of an in-memory pair.
class MemoryServerChannel final : public ByteChannel {
public:
    explicit MemoryServerChannel(std::shared_ptr<MemoryChannel> channel)
        : ch_(std::move(channel)) {}

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

std::unique_ptr<Transport> make_channel_transport(std::unique_ptr<ByteChannel> channel) {
    return std::make_unique<ChannelTransport>(std::move(channel));
}

std::unique_ptr<Transport> make_stdio_transport() {
    return std::make_unique<ChannelTransport>(open_stdio_channel());
}

std::unique_ptr<TcpTransport> TcpTransport::listen(const std::string& address, int port) {
    return std::make_unique<TcpTransportImpl>(
        std::shared_ptr<TcpChannel>(TcpChannel::listen(address, port)));
}

MemoryPair make_memory_pair() {
    auto channel = std::make_shared<MemoryChannel>();
    return {std::make_unique<ChannelTransport>(std::make_unique<MemoryServerChannel>(channel)),
            std::make_shared<MemoryClientImpl>(channel)};
}

} // namespace mil
