// JSON-RPC 2.0 endpoint with the LSP lifecycle, over a Transport.
//
// Threading (three kinds of threads, one rule each):
// - The transport's reader thread parses every incoming message. It answers nothing
//   itself; it only records incoming requests as in flight, applies `$/cancelRequest` at
//   once (so a request still waiting in the queue is answered -32800 without running),
//   and appends the message to the main loop's queue.
// - The main loop is the thread that calls run(). It takes tasks off one FIFO queue:
//   messages in arrival order, post()ed functions, and due post_after() timers. All
//   handlers and callbacks run there, one at a time, so handlers need no locks between
//   themselves. A slow handler delays everything behind it.
// - Any other thread may call post(), post_after(), cancel_posted(), notify(), request()
//   and stop() while the Endpoint exists. A worker thread that may outlive it must post
//   through a PostHandle instead, and do its notify()/request() from the posted function.
//   Register handlers (on_request, on_notification) before run() or from the main loop.
//
// Lifecycle (LSP): before `initialize`, requests get -32002 and notifications are dropped
// (except `exit`); a second `initialize` gets -32600; after `shutdown`, requests get
// -32600 and notifications are dropped; `exit` ends run() with 0 if `shutdown` came
// first, else 1; the end of input also ends run() with the same rule. `shutdown` and
// `exit` are built in (an on_request("shutdown") handler is still called, for cleanup).
// Without an `initialize` handler the result is {"capabilities": {}}.
//
// Params are passed as received: an object, an array, or null when absent. Read them with
// .at() (never const operator[], which is undefined for missing keys): a missing key or
// wrong type then becomes a -32602 InvalidParams answer.
#pragma once

#include "lsp/jsonrpc.hpp"
#include "lsp/transport.hpp"
#include "mil/base/cancel.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mil {

// Thrown by a request handler to answer with a JSON-RPC error; also handed to response
// callbacks when the client answered a server request with an error.
struct RpcError : std::exception {
    RpcError(int code, std::string message, nlohmann::json data = nullptr)
        : code(code), message(std::move(message)), data(std::move(data)) {}
    const char* what() const noexcept override { return message.c_str(); }

    int code;
    std::string message;
    nlohmann::json data; // null when absent
};

// A running handler is told that the client cancelled its request (or that the server is
// stopping) through a CancelToken (mil/base/cancel.hpp): throw_if_cancelled() throws
// Cancelled, which the endpoint answers with RequestCancelled (-32800), as RpcError{-32800}.

// Back-pressure: the reader stops reading while the main loop's queue holds this many tasks,
// or messages of this many bytes (a flood of requests costs bounded memory).
inline constexpr std::size_t kMaxQueuedTasks = 1024;
inline constexpr std::size_t kMaxQueuedBytes = std::size_t{64} << 20;

namespace detail {
struct LoopQueue;
struct Outbox;
} // namespace detail

// Posts to an endpoint's main loop from threads that may outlive it (a background indexer,
// say). Unlike Endpoint::post, it stays safe to call after the loop stopped or the Endpoint
// was destroyed: the function is then dropped and post returns false. Copyable.
class PostHandle {
public:
    PostHandle() = default; // posts nowhere
    // `before_wake`, when given, runs after `fn` is queued and before the loop is woken: what
    // the thread still has to do at once (the end of a progress) is not delayed by the switch
    // to the woken loop, while the loop still runs `fn` before any message that comes after.
    bool post(std::function<void()> fn, const std::function<void()>& before_wake = {}) const;

private:
    friend class Endpoint;
    explicit PostHandle(std::shared_ptr<detail::LoopQueue> queue) : queue_(std::move(queue)) {}
    std::shared_ptr<detail::LoopQueue> queue_;
};

// Sends notifications from threads that may outlive the endpoint, as PostHandle posts: once
// the endpoint is gone, notify() sends nothing and returns false. Copyable.
class NotifyHandle {
public:
    NotifyHandle() = default; // sends nowhere
    bool notify(const std::string& method, nlohmann::json params) const;
    // Several notifications (method, params) in one write (Transport::send_all).
    bool notify_all(std::vector<std::pair<std::string, nlohmann::json>> notes) const;

private:
    friend class Endpoint;
    explicit NotifyHandle(std::shared_ptr<detail::Outbox> outbox) : outbox_(std::move(outbox)) {}
    std::shared_ptr<detail::Outbox> outbox_;
};

// The answer to a request that is answered later (Endpoint::on_request_deferred): kept by
// the handler and called once, from the main loop (work done on another thread posts back
// first, through a PostHandle). Until it is called the request stays in flight, so that
// `$/cancelRequest` still sets its token. Copyable; the copies share one answer.
class Reply {
public:
    const CancelToken& token() const;
    void result(nlohmann::json result) const;
    // The result already written as JSON text (one valid JSON value).
    void raw(std::string text) const;
    void error(const RpcError& error) const;

    struct State;
    explicit Reply(std::shared_ptr<State> state) : state_(std::move(state)) {}

private:
    std::shared_ptr<State> state_;
};

class Endpoint {
public:
    using RequestHandler =
        std::function<nlohmann::json(const nlohmann::json& params, const CancelToken& token)>;
    using NotificationHandler = std::function<void(const nlohmann::json& params)>;
    // `error` is set when the client answered with an error (result is then null).
    using ResponseCallback =
        std::function<void(const nlohmann::json& result, const std::optional<RpcError>& error)>;

    explicit Endpoint(std::unique_ptr<Transport> transport);
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    // Handlers; a later registration for the same method replaces the earlier one.
    // A request handler returns the result or throws RpcError; nlohmann type_error and
    // out_of_range become -32602, any other exception -32603 (logged).
    void on_request(std::string method, RequestHandler handler);
    void on_notification(std::string method, NotificationHandler handler);
    // A request handler that returns its result already written as JSON text (a large
    // answer written without building a DOM first). The text must be one valid JSON value;
    // errors are thrown as with on_request.
    using RawRequestHandler =
        std::function<std::string(const nlohmann::json& params, const CancelToken& token)>;
    void on_request_raw(std::string method, RawRequestHandler handler);
    // A request answered later through `reply` (see Reply), so that long work runs off the
    // main loop while it reads and answers other messages. An exception thrown by the
    // handler itself is answered as with on_request (the reply must then not be used).
    using DeferredRequestHandler = std::function<void(const nlohmann::json& params, Reply reply)>;
    void on_request_deferred(std::string method, DeferredRequestHandler handler);

    // Server -> client messages. Thread-safe. `params` null means no "params" member.
    void notify(const std::string& method, nlohmann::json params = nullptr);
    // The callback runs on the main loop when the response arrives; responses to unknown
    // ids are ignored. If the connection is already broken it gets RpcError{-32603}.
    void request(const std::string& method, nlohmann::json params, ResponseCallback callback);

    // Runs `fn` on the main loop after everything queued so far. Thread-safe.
    void post(std::function<void()> fn);
    // The most tasks the main loop's queue ever held at once (see kMaxQueuedTasks).
    std::size_t peak_queued() const;
    // Runs `fn` on the main loop after `delay`; a later call with the same key replaces the
    // pending one (debounce). Timers due at the same time run in the order they were set.
    void post_after(std::string key, std::chrono::milliseconds delay, std::function<void()> fn);
    // Drops the pending post_after() with this key, if any.
    void cancel_posted(const std::string& key);
    // For worker threads that might still run when the endpoint is gone (see PostHandle).
    // Queued tasks are dropped, never run, once run() has returned.
    PostHandle post_handle() const;
    NotifyHandle notify_handle() const;

    // Starts the transport and runs the main loop on the calling thread until `exit`, the
    // end of input or stop(). Returns the exit code (0 if `shutdown` was received, else 1).
    // Closes the transport before returning. Call once.
    int run();
    // Makes run() return soon (after the task in progress). Thread-safe.
    void stop();

    // Main-loop state, for handlers.
    bool initialized() const;
    bool shutdown_received() const;
    bool on_main_loop() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Builds an endpoint on `transport`, lets `setup` register handlers, runs it and returns
// its exit code (1 if setup throws).
int serve(std::unique_ptr<Transport> transport, const std::function<void(Endpoint&)>& setup);
// serve() over stdin/stdout.
int serve_stdio(const std::function<void(Endpoint&)>& setup);
// serve() over TCP: listens on address:port (port 0: ephemeral), reports the bound port
// to `on_listening`, serves the first client. Returns 1 if it cannot listen.
int serve_tcp(const std::string& address, int port, const std::function<void(Endpoint&)>& setup,
              const std::function<void(int port)>& on_listening = {});

} // namespace mil
