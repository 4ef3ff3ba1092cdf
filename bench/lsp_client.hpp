// A small LSP client for the benchmarks: spawns the server binary with pipes on its stdin
// and stdout, frames and parses messages itself, answers the server's own requests at once
// (with null), and timestamps every message when its last byte arrives (before parsing).
#pragma once

#include "common.hpp"
#include "framing.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <signal.h>

namespace mil::bench {

struct Received {
    nlohmann::json message;
    Clock::time_point at;
};

class LspClient {
public:
    // argv[0] is the server binary. stderr of the server goes to `log_path` (or /dev/null).
    LspClient(const std::vector<std::string>& argv, const std::string& log_path = "/dev/null") {
        ::signal(SIGPIPE, SIG_IGN);
        int in_pipe[2], out_pipe[2];
        if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        ::close(in_pipe[0]);
        ::close(out_pipe[1]);
        if (rc != 0) {
            ::close(in_pipe[1]);
            ::close(out_pipe[0]);
            throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
        }
        to_server_ = in_pipe[1];
        from_server_ = out_pipe[0];
        reader_ = std::thread([this] { read_loop(); });
    }

    ~LspClient() {
        if (to_server_ >= 0) ::close(to_server_);
        if (reader_.joinable()) reader_.join();
        if (from_server_ >= 0) ::close(from_server_);
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
    }

    int pid() const { return pid_; }

    // From now on, keeps the result of every response as the bytes the server wrote, with the
    // method of its request, in arrival order (what bench_echo_server replays).
    void record_answers() {
        std::lock_guard<std::mutex> lock(mutex_);
        recording_ = true;
    }
    std::vector<std::pair<std::string, std::string>> answers() {
        std::lock_guard<std::mutex> lock(mutex_);
        return answers_;
    }

    // Sends a request; returns its id.
    long request(const std::string& method, nlohmann::json params) {
        long id;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            id = next_id_++;
            if (recording_) methods_[id] = method;
        }
        send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        return id;
    }

    void notify(const std::string& method, nlohmann::json params) {
        send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
    }

    // The response to `id`, or nullopt after `timeout`.
    std::optional<Received>
    wait_response(long id, std::chrono::milliseconds timeout = std::chrono::milliseconds(600000)) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!cv_.wait_for(lock, timeout, [&] { return responses_.count(id) || closed_; }))
            return std::nullopt;
        auto it = responses_.find(id);
        if (it == responses_.end()) return std::nullopt;
        Received r = std::move(it->second);
        responses_.erase(it);
        return r;
    }

    // Sends a request and waits for its answer; the time is from just before the write to
    // the arrival of the answer's last byte.
    std::pair<nlohmann::json, double> call(const std::string& method, nlohmann::json params) {
        auto t0 = Clock::now();
        long id = request(method, std::move(params));
        auto r = wait_response(id);
        if (!r) throw std::runtime_error("no answer to " + method);
        return {r->message, ms_between(t0, r->at)};
    }

    // The first notification (in arrival order, consumed) for which pred is true.
    std::optional<Received>
    wait_notification(const std::function<bool(const nlohmann::json&)>& pred,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(600000)) {
        std::unique_lock<std::mutex> lock(mutex_);
        std::optional<Received> found;
        cv_.wait_for(lock, timeout, [&] {
            for (auto it = notes_.begin(); it != notes_.end(); ++it)
                if (pred(it->message)) {
                    found = std::move(*it);
                    notes_.erase(notes_.begin(), it + 1);
                    return true;
                }
            return closed_;
        });
        return found;
    }

    void drop_notifications() {
        std::lock_guard<std::mutex> lock(mutex_);
        notes_.clear();
    }

    // Waits for the server to exit after `exit`; returns its exit code.
    int wait_exit() {
        if (to_server_ >= 0) {
            ::close(to_server_);
            to_server_ = -1;
        }
        int st = 0;
        ::waitpid(pid_, &st, 0);
        reaped_ = true;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }

private:
    void send(const nlohmann::json& j) {
        std::string body = j.dump();
        std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        std::lock_guard<std::mutex> lock(write_mutex_);
        const char* p = frame.data();
        std::size_t left = frame.size();
        while (left > 0) {
            ssize_t n = ::write(to_server_, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }

    void read_loop() {
        std::string buf;
        char chunk[1 << 16];
        for (;;) {
            // Complete messages already in the buffer.
            while (auto f = next_frame(buf)) {
                auto at = Clock::now();
                const auto body = buf.begin() + static_cast<long>(f->body_at);
                auto msg = nlohmann::json::parse(body, body + static_cast<long>(f->length), nullptr,
                                                 false);
                if (recording_) record(msg, std::string_view(buf).substr(f->body_at, f->length));
                buf.erase(0, f->body_at + f->length);
                dispatch(std::move(msg), at);
            }
            ssize_t n = ::read(from_server_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        cv_.notify_all();
    }

    // The bytes of `body`'s result: the server writes "jsonrpc" and "id" before it (a raw
    // answer in that order, nlohmann's in key order), and the result is the last member.
    void record(const nlohmann::json& msg, std::string_view body) {
        if (!msg.is_object() || !msg.contains("id") || !msg["id"].is_number_integer() ||
            !msg.contains("result"))
            return;
        auto key = body.find("\"result\":");
        if (key == std::string_view::npos || body.empty() || body.back() != '}') return;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = methods_.find(msg["id"].get<long>());
        if (it == methods_.end()) return;
        answers_.emplace_back(it->second,
                              std::string(body.substr(key + 9, body.size() - key - 10)));
        methods_.erase(it);
    }

    void dispatch(nlohmann::json msg, Clock::time_point at) {
        if (!msg.is_object()) return;
        if (msg.contains("method") && msg.contains("id")) {
            // A request of the server (progress tokens, registrations): accept it.
            send({{"jsonrpc", "2.0"}, {"id", msg["id"]}, {"result", nullptr}});
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (msg.contains("id") && msg["id"].is_number_integer()) {
            long id = msg["id"].get<long>(); // before the move below
            responses_[id] = {std::move(msg), at};
        } else if (msg.contains("method"))
            notes_.push_back({std::move(msg), at});
        cv_.notify_all();
    }

    pid_t pid_ = -1;
    bool reaped_ = false;
    int to_server_ = -1, from_server_ = -1;
    std::thread reader_;
    std::mutex mutex_, write_mutex_;
    std::condition_variable cv_;
    std::map<long, Received> responses_;
    std::deque<Received> notes_;
    long next_id_ = 1;
    bool closed_ = false;
    std::atomic<bool> recording_{false};
    std::map<long, std::string> methods_; // requests whose answers are recorded
    std::vector<std::pair<std::string, std::string>> answers_;
};

} // namespace mil::bench
