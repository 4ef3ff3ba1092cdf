// Real file descriptors and sockets: the fd transport (what stdio uses) over pipes, and
// the TCP transport with a real socket client on an ephemeral loopback port.
#include "lsp/jsonrpc.hpp"
#include "platform/channel.hpp"
#include "session.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <future>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace mil;
using namespace mil::test;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

void transport_setup(Endpoint& ep) {
    ep.on_request("initialize", [](const json&, const CancelToken&) {
        return json{{"capabilities", json::object()}, {"serverInfo", {{"name", "test"}}}};
    });
    ep.on_request("test/echo", [](const json& params, const CancelToken&) { return params; });
}

// Reads framed messages from a file descriptor with a deadline.
class FdReader {
public:
    explicit FdReader(int fd) : fd_(fd) {}
    std::optional<json> read(std::chrono::milliseconds timeout = kTimeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            while (auto item = reader_.next())
                if (item->kind == ReadItem::Kind::Message) return json::parse(item->text);
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd p{fd_, POLLIN, 0};
            int n = ::poll(&p, 1, static_cast<int>(left.count()));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return std::nullopt;
            char buf[4096];
            ssize_t got = ::read(fd_, buf, sizeof buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return std::nullopt; // end of stream
            reader_.feed(std::string_view(buf, static_cast<std::size_t>(got)));
        }
    }

private:
    int fd_;
    MessageReader reader_;
};

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string request(int id, const std::string& method, const json& params = nullptr) {
    json m = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) m["params"] = params;
    return frame(m.dump());
}

std::string notification(const std::string& method) {
    return frame(json{{"jsonrpc", "2.0"}, {"method", method}}.dump());
}

struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(::pipe2(fds, O_CLOEXEC) == 0); }
    ~Pipe() {
        close_read();
        close_write();
    }
    int read_end() const { return fds[0]; }
    int write_end() const { return fds[1]; }
    void close_read() {
        if (fds[0] >= 0) ::close(fds[0]);
        fds[0] = -1;
    }
    void close_write() {
        if (fds[1] >= 0) ::close(fds[1]);
        fds[1] = -1;
    }
};

// A byte channel whose blocking read ignores interrupt(), as wine's pipes ignore
// CancelSynchronousIo: it hands out what the test feeds, and ends only when released.
struct StubbornState {
    std::mutex mutex;
    std::condition_variable changed;
    std::string input;     // for the server
    std::string output;    // from the server
    bool released = false; // the read may return 0 once `input` is empty
    bool freed = false;    // the channel was destroyed (its reader thread has ended)
};

class StubbornChannel final : public ByteChannel {
public:
    explicit StubbornChannel(std::shared_ptr<StubbornState> state) : st_(std::move(state)) {}
    ~StubbornChannel() override {
        std::lock_guard lock(st_->mutex);
        st_->freed = true;
        st_->changed.notify_all();
    }
    std::size_t read_some(char* buf, std::size_t size) override {
        std::unique_lock lock(st_->mutex);
        st_->changed.wait(lock, [&] { return !st_->input.empty() || st_->released; });
        if (st_->input.empty()) return 0;
        const std::size_t n = std::min(size, st_->input.size());
        std::memcpy(buf, st_->input.data(), n);
        st_->input.erase(0, n);
        return n;
    }
    bool write_all(std::string_view bytes) override {
        std::lock_guard lock(st_->mutex);
        st_->output.append(bytes);
        return true;
    }
    void interrupt() override {} // cannot

private:
    std::shared_ptr<StubbornState> st_;
};

} // namespace

TEST_CASE("transport: `exit` ends the server even when its read cannot be interrupted") {
    auto state = std::make_shared<StubbornState>();
    {
        std::lock_guard lock(state->mutex);
        state->input = request(1, "initialize", json::object()) + notification("initialized") +
                       request(2, "shutdown") + notification("exit");
    }
    state->changed.notify_all();
    auto server = std::async(std::launch::async, [&] {
        return serve(make_channel_transport(std::make_unique<StubbornChannel>(state)),
                     transport_setup);
    });
    // The input stays open (as a client that keeps stdin open after `exit`): the server
    // still ends, with 0 (shutdown came first), without waiting for the read.
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 0);
    {
        std::lock_guard lock(state->mutex);
        CHECK(state->output.find("\"id\":2") != std::string::npos);
    }
    // The read left behind wakes up later with a message: nothing is handed to the endpoint
    // that is gone (no answer; ASan would see a use after free), and the thread ends and
    // frees the channel.
    {
        std::lock_guard lock(state->mutex);
        state->input = request(3, "test/echo", {{"x", 1}});
        state->released = true;
    }
    state->changed.notify_all();
    std::unique_lock lock(state->mutex);
    CHECK(state->changed.wait_for(lock, kTimeout, [&] { return state->freed; }));
    CHECK(state->output.find("\"id\":3") == std::string::npos);
}

TEST_CASE("fd transport over pipes: a full session, exit code 0") {
    Pipe to_server, from_server;
    auto server = std::async(std::launch::async, [&] {
        return serve(make_fd_transport(to_server.read_end(), from_server.write_end()),
                     transport_setup);
    });
    FdReader reader(from_server.read_end());
    // Two messages in one write, a third split in two writes.
    REQUIRE(write_all(to_server.write_end(),
                      request(1, "initialize", json::object()) + notification("initialized")));
    std::string third = request(2, "test/echo", {{"x", "y"}});
    REQUIRE(write_all(to_server.write_end(), third.substr(0, 10)));
    auto r = reader.read();
    REQUIRE(r.has_value());
    CHECK(r->at("result").at("serverInfo").at("name") == "test");
    REQUIRE(write_all(to_server.write_end(), third.substr(10)));
    r = reader.read();
    REQUIRE(r.has_value());
    CHECK(r->at("result") == json{{"x", "y"}});
    REQUIRE(write_all(to_server.write_end(), request(3, "shutdown") + notification("exit")));
    r = reader.read();
    REQUIRE(r.has_value());
    CHECK(r->at("id") == 3);
    to_server.close_write(); // in case exit was not honoured, EOF ends the server anyway
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 0);
}

TEST_CASE("fd transport: end of input without shutdown returns 1") {
    Pipe to_server, from_server;
    auto server = std::async(std::launch::async, [&] {
        return serve(make_fd_transport(to_server.read_end(), from_server.write_end()),
                     transport_setup);
    });
    REQUIRE(write_all(to_server.write_end(), request(1, "initialize", json::object())));
    FdReader reader(from_server.read_end());
    REQUIRE(reader.read().has_value());
    to_server.close_write();
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 1);
}

TEST_CASE("fd transport: a client that stops reading does not kill the server") {
    Pipe to_server, from_server;
    from_server.close_read(); // every write now fails with EPIPE (SIGPIPE is ignored)
    auto server = std::async(std::launch::async, [&] {
        return serve(make_fd_transport(to_server.read_end(), from_server.write_end()),
                     transport_setup);
    });
    REQUIRE(write_all(to_server.write_end(), request(1, "initialize", json::object()) +
                                                 request(2, "shutdown") + notification("exit")));
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 0);
}

namespace {

// Connects to the server, and makes sure the server thread can finish whatever happens.
struct TcpClient {
    asio::io_context io;
    tcp::socket socket{io};
    std::optional<FdReader> reader;

    bool connect(int port) {
        boost::system::error_code ec;
        socket.connect(
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
            ec);
        if (ec) return false;
        reader.emplace(socket.native_handle());
        return true;
    }
    bool write(std::string_view bytes) {
        boost::system::error_code ec;
        asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
        return !ec;
    }
    std::optional<json> read() { return reader->read(); }
};

} // namespace

TEST_CASE("TCP: a real socket client on an ephemeral loopback port") {
    std::promise<int> bound;
    auto bound_port = bound.get_future();
    auto server = std::async(std::launch::async, [&] {
        return serve_tcp("127.0.0.1", 0, transport_setup, [&](int port) { bound.set_value(port); });
    });
    REQUIRE(bound_port.wait_for(kTimeout) == std::future_status::ready);
    int port = bound_port.get();
    CHECK(port > 0);

    TcpClient client;
    REQUIRE(client.connect(port));
    REQUIRE(client.write(request(1, "initialize", json::object())));
    auto r = client.read();
    REQUIRE(r.has_value());
    CHECK(r->at("id") == 1);
    CHECK(r->at("result").at("serverInfo").at("name") == "test");

    // Only one client is served: the listener is gone once the first one is connected.
    TcpClient second;
    CHECK_FALSE(second.connect(port));

    std::string big(1 << 20, 'z'); // many TCP segments
    REQUIRE(client.write(request(2, "test/echo", {{"big", big}})));
    r = client.read();
    REQUIRE(r.has_value());
    CHECK(r->at("result").at("big").get<std::string>().size() == big.size());

    REQUIRE(client.write(request(3, "shutdown") + notification("exit")));
    r = client.read();
    REQUIRE(r.has_value());
    CHECK(r->at("id") == 3);
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 0);
    // The server closed its end.
    CHECK_FALSE(client.read().has_value());
}

TEST_CASE("TCP: a client that disconnects ends the server with 1") {
    auto transport = TcpTransport::listen("127.0.0.1", 0);
    int port = transport->port();
    REQUIRE(port > 0);
    auto server = std::async(std::launch::async,
                             [&] { return serve(std::move(transport), transport_setup); });
    {
        TcpClient client;
        REQUIRE(client.connect(port));
        REQUIRE(client.write(request(1, "initialize", json::object())));
        REQUIRE(client.read().has_value());
    } // socket closed here
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 1);
}

TEST_CASE("TCP: a server that is never connected can still be closed") {
    auto transport = TcpTransport::listen();
    CHECK(transport->port() > 0);
    Endpoint ep(std::move(transport));
    auto server = std::async(std::launch::async, [&] { return ep.run(); });
    ep.stop();
    REQUIRE(server.wait_for(kTimeout) == std::future_status::ready);
    CHECK(server.get() == 1);
}

TEST_CASE("TCP: listening on a busy port or a bad address fails cleanly") {
    auto first = TcpTransport::listen("127.0.0.1", 0);
    int port = first->port();
    CHECK_THROWS_AS(TcpTransport::listen("127.0.0.1", port), std::system_error);
    CHECK(serve_tcp("127.0.0.1", port, transport_setup) == 1);
    CHECK_THROWS_AS(TcpTransport::listen("not an address", 0), std::system_error);
    CHECK(serve_tcp("127.0.0.1", 70000, transport_setup) == 1);
}
