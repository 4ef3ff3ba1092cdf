// A child process with pipes on stdin, stdout and stderr (posix_spawn), and LSP framing
// over any pair of file descriptors, with timeouts: what end-to-end tests need to drive the
// real server binary.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mil::test {

using Clock = std::chrono::steady_clock;

// Reads from `fd` into `buffer` until `done(buffer)` or the deadline; false on timeout or EOF.
template <typename Done>
bool read_until(int fd, std::string& buffer, Clock::time_point deadline, Done done) {
    while (!done(buffer)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        char chunk[65536];
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
}

// A shell command's exit code and its output (stdout and stderr together).
struct ShellResult {
    int code = -1;
    std::string out;
};
inline ShellResult run_shell(const std::string& command) {
    ShellResult r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// LSP base protocol over a pair of descriptors.
class FramedConnection {
public:
    FramedConnection(int in_fd, int out_fd) : in_(in_fd), out_(out_fd) {}

    bool send(const nlohmann::json& message) {
        std::string body = message.dump();
        return write_all(out_,
                         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    // The next message, or nullopt on timeout or end of stream.
    std::optional<nlohmann::json> read(std::chrono::milliseconds timeout) {
        auto deadline = Clock::now() + timeout;
        std::size_t header_end = 0, length = 0;
        auto have_header = [&](const std::string& b) {
            header_end = b.find("\r\n\r\n");
            return header_end != std::string::npos;
        };
        if (!read_until(in_, buffer_, deadline, have_header)) return std::nullopt;
        std::string header = buffer_.substr(0, header_end);
        auto pos = header.find("Content-Length:");
        if (pos == std::string::npos) throw std::runtime_error("no Content-Length in: " + header);
        length = std::stoul(header.substr(pos + 15));
        const std::size_t total = header_end + 4 + length;
        if (!read_until(in_, buffer_, deadline,
                        [&](const std::string& b) { return b.size() >= total; }))
            return std::nullopt;
        std::string body = buffer_.substr(header_end + 4, length);
        buffer_.erase(0, total);
        return nlohmann::json::parse(body);
    }

private:
    int in_, out_;
    std::string buffer_;
};

class ChildProcess {
public:
    ChildProcess(const std::string& program, const std::vector<std::string>& args,
                 const std::string& cwd = {}) {
        int in[2], out[2], err[2];
        if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
            throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
        std::vector<std::string> argv_s;
        if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str()); // glibc 2.29+
        argv_s.push_back(program);
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        int rc = ::posix_spawn(&pid_, program.c_str(), &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        stderr_ = err[0];
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
        }
        ::signal(SIGPIPE, SIG_IGN);
    }
    ~ChildProcess() {
        close_stdin();
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
        if (stdout_ >= 0) ::close(stdout_);
        if (stderr_ >= 0) ::close(stderr_);
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    int in() const { return stdin_; }
    int out() const { return stdout_; }
    int err() const { return stderr_; }
    void close_stdin() {
        if (stdin_ >= 0) ::close(stdin_);
        stdin_ = -1;
    }

    // Everything the child writes on a stream until it closes it (or the timeout).
    std::string read_all(int fd, std::chrono::milliseconds timeout) {
        std::string out;
        read_until(fd, out, Clock::now() + timeout, [](const std::string&) { return false; });
        return out;
    }

    // The raw wait status once the child ended, nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        if (status_) return status_;
        auto deadline = Clock::now() + timeout;
        for (;;) {
            int st = 0;
            pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                status_ = st;
                return status_;
            }
            if (Clock::now() > deadline) return std::nullopt;
            ::usleep(5000);
        }
    }
    // Exit code, or -signal when killed by a signal, or nullopt on timeout.
    std::optional<int> exit_code(std::chrono::milliseconds timeout) {
        auto st = wait(timeout);
        if (!st) return std::nullopt;
        if (WIFEXITED(*st)) return WEXITSTATUS(*st);
        if (WIFSIGNALED(*st)) return -WTERMSIG(*st);
        return -1000;
    }

private:
    pid_t pid_ = -1;
    int stdin_ = -1, stdout_ = -1, stderr_ = -1;
    std::optional<int> status_;
};

} // namespace mil::test
