#include "lsp/rpc.hpp"
#include "lsp/json_repair.hpp"

#include "mil/base/trace.hpp"
#include "platform/log.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace mil {

using nlohmann::json;

namespace {

// Deeper messages are refused: nlohmann's copy and dump recurse, the parser does not.
constexpr int kMaxDepth = 200;

int nesting_depth(std::string_view text) {
    int depth = 0, max_depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            max_depth = std::max(max_depth, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return max_depth;
}

// Never throws, even for strings holding invalid UTF-8.
std::string to_text(const json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string shorten(std::string_view text, std::size_t max = 300) {
    if (text.size() <= max) return std::string(text);
    return std::string(text.substr(0, max)) + "...";
}

// A request id we can echo: a string or an integer.
bool usable_id(const json& id) {
    return id.is_string() || id.is_number_integer();
}

json id_of(const json& message) {
    auto it = message.find("id");
    return it != message.end() && usable_id(*it) ? *it : json(nullptr);
}

json error_response(const json& id, int code, const std::string& message,
                    const json& data = nullptr) {
    json error = {{"code", code}, {"message", message}};
    if (!data.is_null()) error["data"] = data;
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

RpcError error_from_json(const json& error) {
    int code = error_code::InternalError;
    std::string message = "malformed error response";
    json data;
    if (error.is_object()) {
        auto c = error.find("code");
        if (c != error.end() && c->is_number_integer()) code = c->get<int>();
        auto m = error.find("message");
        if (m != error.end() && m->is_string()) message = m->get<std::string>();
        auto d = error.find("data");
        if (d != error.end()) data = *d;
    }
    return RpcError(code, std::move(message), std::move(data));
}

using Flag = std::shared_ptr<std::atomic<bool>>;

} // namespace

namespace detail {

// The main loop's FIFO queue and its keyed timers. Thread-safe. Functions are destroyed
// outside the lock, so their captures may post again from their destructors.
struct LoopQueue {
    using Task = std::function<void()>;
    struct Timer {
        std::chrono::steady_clock::time_point due;
        std::uint64_t seq;
        Task fn;
    };

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Task> tasks;
    std::deque<std::size_t> task_bytes; // beside `tasks`: the message bytes each holds
    std::size_t queued_bytes = 0;
    std::size_t peak = 0;         // the most tasks ever queued at once
    std::condition_variable room; // the queue has room for the reader again
    std::map<std::string, Timer> timers;
    std::uint64_t timer_seq = 0;
    bool stopping = false;
    int code = 1;

    // The main loop is woken after the lock is released: woken inside it, the loop would wait
    // for the mutex until this thread ran again, which on a busy machine can be milliseconds
    // (an index thread posting its result waited 4-10 ms for that at load 7 on 2 cores).
    bool push(Task fn, const std::function<void()>& before_wake = {}) {
        {
            std::lock_guard lock(mutex);
            if (stopping) return false;
            tasks.push_back(std::move(fn));
            task_bytes.push_back(0);
            peak = std::max(peak, tasks.size());
        }
        if (before_wake) before_wake();
        wake.notify_one();
        return true;
    }

    // Back-pressure: the reader thread's push waits while the queue holds kMaxQueuedTasks
    // tasks or kMaxQueuedBytes bytes of messages (one is always let in), so that a client
    // that writes faster than the loop answers is made to wait (the transport stops being
    // read) instead of growing the server's memory without bound.
    bool push_bounded(Task fn, std::size_t bytes) {
        {
            std::unique_lock lock(mutex);
            room.wait(lock, [&] {
                return stopping || tasks.empty() ||
                       (tasks.size() < kMaxQueuedTasks && queued_bytes + bytes <= kMaxQueuedBytes);
            });
            if (stopping) return false;
            tasks.push_back(std::move(fn));
            task_bytes.push_back(bytes);
            queued_bytes += bytes;
            peak = std::max(peak, tasks.size());
        }
        wake.notify_one();
        return true;
    }

    void set_timer(std::string key, std::chrono::milliseconds delay, Task fn) {
        // Clamped so that the deadline cannot overflow.
        delay = std::clamp(delay, std::chrono::milliseconds(0),
                           std::chrono::milliseconds(std::chrono::hours(24 * 365)));
        auto due = std::chrono::steady_clock::now() + delay;
        Task replaced;
        {
            std::lock_guard lock(mutex);
            if (stopping) return;
            Timer& timer = timers[std::move(key)];
            replaced = std::move(timer.fn);
            timer = Timer{due, timer_seq++, std::move(fn)};
        }
        wake.notify_one();
    }

    void cancel_timer(const std::string& key) {
        Task dropped;
        std::lock_guard lock(mutex);
        auto it = timers.find(key);
        if (it == timers.end()) return;
        dropped = std::move(it->second.fn);
        timers.erase(it);
    }

    // First call wins.
    void finish(int exit_code) {
        std::lock_guard lock(mutex);
        if (stopping) return;
        stopping = true;
        code = exit_code;
        wake.notify_all();
        room.notify_all();
    }

    int exit_code() {
        std::lock_guard lock(mutex);
        return code;
    }

    // Stops the queue and drops everything pending.
    void discard() {
        std::deque<Task> old_tasks;
        std::map<std::string, Timer> old_timers;
        std::lock_guard lock(mutex);
        stopping = true;
        old_tasks.swap(tasks);
        old_timers.swap(timers);
        task_bytes.clear();
        queued_bytes = 0;
        room.notify_all();
    }

    // Blocks for the next task: a due timer first (so that a busy queue cannot starve
    // timers), else the oldest queued task. nullopt once stopping.
    std::optional<Task> next() {
        std::unique_lock lock(mutex);
        for (;;) {
            if (stopping) return std::nullopt;
            auto earliest = timers.end();
            for (auto it = timers.begin(); it != timers.end(); ++it)
                if (earliest == timers.end() || it->second.due < earliest->second.due ||
                    (it->second.due == earliest->second.due &&
                     it->second.seq < earliest->second.seq))
                    earliest = it;
            if (earliest != timers.end() &&
                earliest->second.due <= std::chrono::steady_clock::now()) {
                Task task = std::move(earliest->second.fn);
                timers.erase(earliest);
                return task;
            }
            if (!tasks.empty()) {
                Task task = std::move(tasks.front());
                tasks.pop_front();
                queued_bytes -= task_bytes.front();
                task_bytes.pop_front();
                room.notify_one();
                return task;
            }
            if (earliest != timers.end())
                wake.wait_until(lock, earliest->second.due);
            else
                wake.wait(lock);
        }
    }
};

// Where NotifyHandle sends: the endpoint's transport until the endpoint goes.
struct Outbox {
    std::mutex mutex;
    Transport* transport = nullptr; // guarded by mutex
};

} // namespace detail

struct Reply::State {
    CancelToken token;
    // Sends the answer: a whole response, or (when `raw` is set) a result as JSON text.
    std::function<void(json response, std::optional<std::string> raw)> send;
    json id;
    bool answered = false;
};

const CancelToken& Reply::token() const {
    return state_->token;
}

void Reply::result(json result) const {
    if (state_->answered) return;
    state_->answered = true;
    state_->send({{"jsonrpc", "2.0"}, {"id", state_->id}, {"result", std::move(result)}},
                 std::nullopt);
}

void Reply::raw(std::string text) const {
    if (state_->answered) return;
    state_->answered = true;
    state_->send(nullptr, std::move(text));
}

void Reply::error(const RpcError& e) const {
    if (state_->answered) return;
    state_->answered = true;
    state_->send(error_response(state_->id, e.code, e.message, e.data), std::nullopt);
}

struct Endpoint::Impl {
    enum class State { Uninitialized, Running, ShutDown };

    explicit Impl(std::unique_ptr<Transport> t) : transport(std::move(t)) {
        outbox->transport = transport.get();
    }
    ~Impl() {
        {
            std::lock_guard lock(outbox->mutex);
            outbox->transport = nullptr;
        }
        if (transport) transport->close();
        queue->discard(); // what is still queued refers to this endpoint
    }

    std::unique_ptr<Transport> transport;
    std::shared_ptr<detail::Outbox> outbox = std::make_shared<detail::Outbox>();

    // Main loop only.
    std::unordered_map<std::string, RequestHandler> requests;
    // Set by a raw handler (on_request_raw), whose registered wrapper then returns a
    // discarded json to on_request.
    std::optional<std::string> raw_result;
    // The request being dispatched (for on_request_deferred), and whether its handler kept
    // the answer for later.
    const json* current_id = nullptr;
    Flag current_flag;
    bool deferred = false;
    std::unordered_map<std::string, NotificationHandler> notifications;
    State state = State::Uninitialized;
    std::atomic<bool> shutdown_seen{false};

    // The main loop's queue; shared with PostHandles, which may outlive the endpoint.
    std::shared_ptr<detail::LoopQueue> queue = std::make_shared<detail::LoopQueue>();
    std::atomic<std::thread::id> loop_thread{};
    std::atomic<bool> started{false};

    // Incoming requests not answered yet: id -> cancel flag. Written by the reader
    // thread (insert, cancel) and the main loop (erase).
    std::mutex in_flight_mutex;
    std::unordered_map<std::string, Flag> in_flight;

    // Outgoing requests waiting for a response.
    std::mutex out_mutex;
    std::int64_t next_id = 1;
    std::unordered_map<std::string, ResponseCallback> out_pending;

    // On the reader thread (while it handles a message of t_reading_bytes bytes) with
    // back-pressure (LoopQueue::push_bounded); elsewhere at once.
    static thread_local inline bool t_reader = false;
    static thread_local inline std::size_t t_reading_bytes = 0;
    void enqueue(std::function<void()> fn) {
        if (t_reader)
            queue->push_bounded(std::move(fn), t_reading_bytes);
        else
            queue->push(std::move(fn));
    }

    void finish(int code_if_no_shutdown) {
        queue->finish(shutdown_seen.load() ? 0 : code_if_no_shutdown);
    }

    bool send(const json& message) { return send_text(to_text(message)); }

    bool send_text(std::string text) {
        if (log::enabled(log::Level::debug)) log::debug("--> {}", shorten(text));
        trace::Span span("write");
        return transport->send(std::move(text));
    }

    // With a trace: the name of a span for `method` (nullptr without one).
    static const char* traced_name(const std::string& method) {
        trace::Sink* sink = trace::sink();
        return sink ? sink->intern(method) : nullptr;
    }
    // With a trace, `fn` also records how long it waited in the queue (from now until the main
    // loop takes it), as "queued METHOD"; without one, it is `fn` itself.
    static const char* queued_name(trace::Sink* sink, const std::string& method) {
        return sink ? sink->intern("queued " + method) : nullptr;
    }
    static std::function<void()> traced_wait(trace::Sink* sink, const char* name,
                                             std::function<void()> fn) {
        if (!sink) return fn;
        return [sink, name, queued = trace::Clock::now(), fn = std::move(fn)] {
            sink->wait(name, {}, queued, trace::Clock::now());
            fn();
        };
    }

    void send_error(const json& id, int code, const std::string& message) {
        log::debug("answering {} with error {}: {}", to_text(id), code, message);
        send(error_response(id, code, message));
    }

    // ---- reader thread ----------------------------------------------------------

    void on_message(std::string body) {
        if (!t_reader) trace::name_thread("reader");
        trace::Span span("receive");
        t_reader = true;
        t_reading_bytes = body.size();
        if (log::enabled(log::Level::debug)) log::debug("<-- {}", shorten(body));
        json message;
        if (nesting_depth(body) > kMaxDepth) {
            // Keep the top levels to find the id, then refuse.
            message = json::parse(
                body, [](int depth, json::parse_event_t, json&) { return depth <= 2; }, false);
            json id = message.is_object() ? id_of(message) : json(nullptr);
            enqueue([this, id] {
                send_error(id, error_code::InvalidRequest, "message nested too deeply");
            });
            return;
        }
        message = json::parse(body, nullptr, false);
        if (message.is_discarded()) {
            // A lone surrogate escape or another string a strict parser refuses: U+FFFD in
            // its place, rather than losing the message (an edit lost is a diverged text).
            if (auto repaired = repair_json_strings(body)) {
                message = json::parse(*repaired, nullptr, false);
                if (!message.is_discarded())
                    log::info("a message with refused escapes or bytes in its strings was "
                              "read with U+FFFD in their place");
            }
        }
        if (message.is_discarded()) {
            log::warn("invalid JSON: {}", shorten(body, 120));
            enqueue([this] { send_error(nullptr, error_code::ParseError, "invalid JSON"); });
            return;
        }
        if (!message.is_object()) {
            enqueue([this] {
                send_error(nullptr, error_code::InvalidRequest, "message is not a JSON object");
            });
            return;
        }
        json id = id_of(message);
        auto version = message.find("jsonrpc");
        if (version == message.end() || *version != "2.0") {
            enqueue([this, id] {
                send_error(id, error_code::InvalidRequest, "\"jsonrpc\": \"2.0\" is missing");
            });
            return;
        }
        bool has_id = message.contains("id");
        auto method = message.find("method");
        if (method == message.end()) {
            if (has_id && (message.contains("result") || message.contains("error"))) {
                enqueue([this, message = std::move(message)] { on_response(message); });
                return;
            }
            enqueue([this, id] {
                send_error(id, error_code::InvalidRequest, "message has no \"method\"");
            });
            return;
        }
        if (!method->is_string()) {
            enqueue([this, id] {
                send_error(id, error_code::InvalidRequest, "\"method\" is not a string");
            });
            return;
        }
        std::string name = method->get<std::string>();
        json params;
        if (auto p = message.find("params"); p != message.end()) params = std::move(*p);
        bool params_ok = params.is_null() || params.is_object() || params.is_array();

        if (!has_id) {
            if (!params_ok) {
                log::warn("notification {} dropped: params is not an object or array", name);
                return;
            }
            if (name == "$/cancelRequest") {
                cancel(params);
                return;
            }
            trace::Sink* sink = trace::sink();
            const char* queued = queued_name(sink, name);
            enqueue(traced_wait(sink, queued,
                                [this, name = std::move(name), params = std::move(params)] {
                                    on_notification(name, params);
                                }));
            return;
        }
        if (!usable_id(message["id"])) {
            enqueue([this] {
                send_error(nullptr, error_code::InvalidRequest,
                           "request id must be an integer or a string");
            });
            return;
        }
        if (!params_ok) {
            enqueue([this, id] {
                send_error(id, error_code::InvalidRequest, "params must be an object or array");
            });
            return;
        }
        auto flag = std::make_shared<std::atomic<bool>>(false);
        {
            std::lock_guard lock(in_flight_mutex);
            in_flight[to_text(id)] = flag;
        }
        trace::Sink* sink = trace::sink();
        const char* queued = queued_name(sink, name);
        enqueue(traced_wait(sink, queued,
                            [this, id = std::move(id), name = std::move(name),
                             params = std::move(params),
                             flag] { on_request(id, name, params, flag); }));
    }

    void cancel(const json& params) {
        if (!params.is_object() || !params.contains("id") || !usable_id(params["id"])) {
            log::warn("$/cancelRequest without a usable id");
            return;
        }
        std::string key = to_text(params["id"]);
        std::lock_guard lock(in_flight_mutex);
        auto it = in_flight.find(key);
        if (it == in_flight.end()) {
            log::debug("cancel for {} ignored: not in flight", key);
            return;
        }
        it->second->store(true);
        log::debug("request {} marked cancelled", key);
    }

    void on_close() {
        t_reader = true;
        t_reading_bytes = 0;
        log::info("input closed");
        enqueue([this] { finish(1); });
    }

    // ---- main loop ----------------------------------------------------------------

    void on_request(const json& id, const std::string& method, const json& params,
                    const Flag& flag) {
        trace::Span span(traced_name(method));
        json response;
        std::optional<std::string> raw; // the result as text, from a raw handler
        raw_result.reset();
        deferred = false;
        current_id = &id;
        current_flag = flag;
        try {
            json result = dispatch(method, params, flag);
            if (result.is_discarded() && deferred) {
                current_id = nullptr;
                current_flag.reset();
                return; // answered later, through its Reply
            }
            if (result.is_discarded() && raw_result)
                raw = std::move(*raw_result);
            else
                response = {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
        } catch (const RpcError& e) {
            response = error_response(id, e.code, e.message, e.data);
        } catch (const Cancelled&) {
            response = error_response(id, error_code::RequestCancelled, "request cancelled");
        } catch (const json::type_error& e) {
            response = error_response(id, error_code::InvalidParams,
                                      fmt::format("invalid params for {}: {}", method, e.what()));
        } catch (const json::out_of_range& e) {
            response = error_response(id, error_code::InvalidParams,
                                      fmt::format("invalid params for {}: {}", method, e.what()));
        } catch (const std::exception& e) {
            log::error("request {} failed: {}", method, e.what());
            response = error_response(id, error_code::InternalError,
                                      fmt::format("internal error in {}: {}", method, e.what()));
        } catch (...) {
            log::error("request {} failed with an unknown exception", method);
            response = error_response(id, error_code::InternalError,
                                      fmt::format("internal error in {}", method));
        }
        current_id = nullptr;
        current_flag.reset();
        raw_result.reset();
        answer(id, flag, std::move(response), std::move(raw));
    }

    // Sends the answer to a request (a whole response, or its result as JSON text) and
    // forgets it as in flight.
    void answer(const json& id, const Flag& flag, json response, std::optional<std::string> raw) {
        {
            std::lock_guard lock(in_flight_mutex);
            auto it = in_flight.find(to_text(id));
            if (it != in_flight.end() && it->second == flag) in_flight.erase(it);
        }
        if (raw) {
            const std::string id_text = to_text(id);
            std::string text;
            text.reserve(32 + id_text.size() + raw->size());
            text += R"({"jsonrpc":"2.0","id":)";
            text += id_text;
            text += R"(,"result":)";
            text += *raw;
            text += '}';
            send_text(std::move(text));
            return;
        }
        send(response);
    }

    json dispatch(const std::string& method, const json& params, const Flag& flag) {
        if (flag->load()) throw RpcError(error_code::RequestCancelled, "request cancelled");
        if (state == State::Uninitialized && method != "initialize")
            throw RpcError(error_code::ServerNotInitialized, "the server is not initialized");
        if (state == State::ShutDown)
            throw RpcError(error_code::InvalidRequest, "the server is shutting down");
        if (method == "initialize" && state != State::Uninitialized)
            throw RpcError(error_code::InvalidRequest, "initialize was already received");
        CancelToken token(flag);
        auto handler = requests.find(method);
        if (method == "shutdown") {
            if (handler != requests.end()) {
                try {
                    handler->second(params, token);
                } catch (const std::exception& e) {
                    log::error("shutdown handler failed: {}", e.what());
                } catch (...) {
                    log::error("shutdown handler failed");
                }
            }
            state = State::ShutDown;
            shutdown_seen = true;
            return nullptr;
        }
        if (handler == requests.end()) {
            if (method != "initialize")
                throw RpcError(error_code::MethodNotFound, "unhandled method " + method);
            state = State::Running;
            return {{"capabilities", json::object()}};
        }
        json result = handler->second(params, token);
        if (method == "initialize") state = State::Running;
        return result;
    }

    void on_notification(const std::string& method, const json& params) {
        trace::Span span(traced_name(method));
        if (method == "exit") {
            log::info("exit received{}", shutdown_seen ? "" : " without shutdown");
            finish(1);
            return;
        }
        if (state != State::Running) {
            log::debug("notification {} dropped ({})", method,
                       state == State::Uninitialized ? "not initialized" : "shutting down");
            return;
        }
        auto handler = notifications.find(method);
        if (handler == notifications.end()) {
            log::debug("notification {} ignored: no handler", method);
            return;
        }
        try {
            handler->second(params);
        } catch (const std::exception& e) {
            log::error("notification {} failed: {}", method, e.what());
        } catch (...) {
            log::error("notification {} failed with an unknown exception", method);
        }
    }

    void on_response(const json& message) {
        trace::Span span("response");
        json id = message["id"];
        ResponseCallback callback;
        {
            std::lock_guard lock(out_mutex);
            auto it = usable_id(id) ? out_pending.find(to_text(id)) : out_pending.end();
            if (it == out_pending.end()) {
                if (message.contains("error"))
                    log::warn("client error for id {}: {}", to_text(id),
                              shorten(to_text(message["error"])));
                else
                    log::debug("response to unknown id {} ignored", to_text(id));
                return;
            }
            callback = std::move(it->second);
            out_pending.erase(it);
        }
        std::optional<RpcError> error;
        json result;
        if (auto e = message.find("error"); e != message.end())
            error = error_from_json(*e);
        else
            result = message["result"];
        try {
            callback(result, error);
        } catch (const std::exception& e) {
            log::error("response callback failed: {}", e.what());
        } catch (...) {
            log::error("response callback failed");
        }
    }

    void run_task(const std::function<void()>& task) {
        try {
            task();
        } catch (const std::exception& e) {
            log::error("posted task failed: {}", e.what());
        } catch (...) {
            log::error("posted task failed with an unknown exception");
        }
    }

    int loop() {
        while (auto task = queue->next())
            run_task(*task);
        return queue->exit_code();
    }
};

Endpoint::Endpoint(std::unique_ptr<Transport> transport)
    : impl_(std::make_unique<Impl>(std::move(transport))) {}

Endpoint::~Endpoint() = default;

void Endpoint::on_request(std::string method, RequestHandler handler) {
    impl_->requests[std::move(method)] = std::move(handler);
}

void Endpoint::on_request_raw(std::string method, RawRequestHandler handler) {
    Impl* impl = impl_.get();
    impl_->requests[std::move(method)] =
        [impl, handler = std::move(handler)](const json& params, const CancelToken& token) {
            std::string text = handler(params, token);
            impl->raw_result = std::move(text);
            return json(json::value_t::discarded);
        };
}

void Endpoint::on_request_deferred(std::string method, DeferredRequestHandler handler) {
    Impl* impl = impl_.get();
    impl_->requests[std::move(method)] = [impl, handler = std::move(handler)](
                                             const json& params, const CancelToken& token) {
        auto state = std::make_shared<Reply::State>();
        state->token = token;
        state->id = impl->current_id ? *impl->current_id : json(nullptr);
        state->send = [impl, id = state->id,
                       flag = impl->current_flag](json response, std::optional<std::string> raw) {
            impl->answer(id, flag, std::move(response), std::move(raw));
        };
        handler(params, Reply(state));
        impl->deferred = true;
        return json(json::value_t::discarded);
    };
}

void Endpoint::on_notification(std::string method, NotificationHandler handler) {
    impl_->notifications[std::move(method)] = std::move(handler);
}

void Endpoint::notify(const std::string& method, json params) {
    json message = {{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) message["params"] = std::move(params);
    impl_->send(message);
}

void Endpoint::request(const std::string& method, json params, ResponseCallback callback) {
    std::int64_t id;
    {
        std::lock_guard lock(impl_->out_mutex);
        id = impl_->next_id++;
        impl_->out_pending[std::to_string(id)] = std::move(callback);
    }
    json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) message["params"] = std::move(params);
    if (impl_->send(message)) return;
    ResponseCallback failed;
    {
        std::lock_guard lock(impl_->out_mutex);
        auto it = impl_->out_pending.find(std::to_string(id));
        if (it == impl_->out_pending.end()) return;
        failed = std::move(it->second);
        impl_->out_pending.erase(it);
    }
    post([failed = std::move(failed)] {
        failed(nullptr, RpcError(error_code::InternalError, "the connection is closed"));
    });
}

void Endpoint::post(std::function<void()> fn) {
    impl_->enqueue(std::move(fn));
}

std::size_t Endpoint::peak_queued() const {
    std::lock_guard lock(impl_->queue->mutex);
    return impl_->queue->peak;
}

void Endpoint::post_after(std::string key, std::chrono::milliseconds delay,
                          std::function<void()> fn) {
    impl_->queue->set_timer(std::move(key), delay, std::move(fn));
}

void Endpoint::cancel_posted(const std::string& key) {
    impl_->queue->cancel_timer(key);
}

PostHandle Endpoint::post_handle() const {
    return PostHandle(impl_->queue);
}

bool PostHandle::post(std::function<void()> fn, const std::function<void()>& before_wake) const {
    return queue_ && queue_->push(std::move(fn), before_wake);
}

NotifyHandle Endpoint::notify_handle() const {
    return NotifyHandle(impl_->outbox);
}

bool NotifyHandle::notify(const std::string& method, json params) const {
    return notify_all({{method, std::move(params)}});
}

bool NotifyHandle::notify_all(std::vector<std::pair<std::string, json>> notes) const {
    if (!outbox_) return false;
    std::vector<std::string> texts;
    for (auto& [method, params] : notes) {
        json message = {{"jsonrpc", "2.0"}, {"method", method}};
        if (!params.is_null()) message["params"] = std::move(params);
        texts.push_back(to_text(message));
        if (log::enabled(log::Level::debug)) log::debug("--> {}", shorten(texts.back()));
    }
    trace::Span span("write");
    std::lock_guard lock(outbox_->mutex);
    return outbox_->transport && outbox_->transport->send_all(std::move(texts));
}

int Endpoint::run() {
    if (impl_->started.exchange(true)) throw std::logic_error("Endpoint::run() called twice");
    impl_->loop_thread = std::this_thread::get_id();
    trace::name_thread("main loop");
    impl_->transport->start([this](std::string body) { impl_->on_message(std::move(body)); },
                            [this] { impl_->on_close(); });
    int code = impl_->loop();
    impl_->transport->close();
    impl_->loop_thread = std::thread::id{};
    log::info("main loop ended with exit code {}", code);
    return code;
}

void Endpoint::stop() {
    impl_->finish(1);
}

bool Endpoint::initialized() const {
    return impl_->state != Impl::State::Uninitialized;
}
bool Endpoint::shutdown_received() const {
    return impl_->shutdown_seen.load();
}
bool Endpoint::on_main_loop() const {
    return impl_->loop_thread.load() == std::this_thread::get_id();
}

int serve(std::unique_ptr<Transport> transport, const std::function<void(Endpoint&)>& setup) {
    Endpoint endpoint(std::move(transport));
    try {
        if (setup) setup(endpoint);
    } catch (const std::exception& e) {
        log::error("server setup failed: {}", e.what());
        return 1;
    }
    return endpoint.run();
}

int serve_stdio(const std::function<void(Endpoint&)>& setup) {
    return serve(make_stdio_transport(), setup);
}

int serve_tcp(const std::string& address, int port, const std::function<void(Endpoint&)>& setup,
              const std::function<void(int port)>& on_listening) {
    std::unique_ptr<TcpTransport> transport;
    try {
        transport = TcpTransport::listen(address, port);
    } catch (const std::exception& e) {
        log::error("{}", e.what());
        return 1;
    }
    if (on_listening) on_listening(transport->port());
    return serve(std::move(transport), setup);
}

} // namespace mil
