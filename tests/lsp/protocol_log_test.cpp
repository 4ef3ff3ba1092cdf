// The log: levels, file output, thread safety, and never stdout.
#include "platform/log.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace mil;

namespace {

std::string temp_path(const char* name) {
    return std::string("/tmp/mil_log_test_") + std::to_string(::getpid()) + "_" + name;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Restores the default log set-up when a test ends.
struct LogGuard {
    ~LogGuard() {
        log::set_output(stderr);
        log::set_level(log::Level::info);
    }
};

// Captures what is written to a file descriptor while alive.
class Capture {
public:
    explicit Capture(int fd) : fd_(fd) {
        std::fflush(nullptr);
        REQUIRE(::pipe(pipe_) == 0);
        ::fcntl(pipe_[0], F_SETFL, O_NONBLOCK);
        saved_ = ::dup(fd);
        ::dup2(pipe_[1], fd);
    }
    std::string finish() {
        std::fflush(nullptr);
        ::dup2(saved_, fd_);
        ::close(saved_);
        ::close(pipe_[1]);
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::read(pipe_[0], buf, sizeof buf)) > 0;)
            out.append(buf, n);
        ::close(pipe_[0]);
        return out;
    }

private:
    int fd_;
    int pipe_[2];
    int saved_;
};

} // namespace

TEST_CASE("log lines are timestamped, levelled and filtered") {
    LogGuard guard;
    std::string path = temp_path("levels");
    std::remove(path.c_str());
    REQUIRE(log::set_file(path));
    log::set_level(log::Level::info);
    log::info("hello {} and {}", "world", 42);
    log::debug("hidden {}", 1);
    log::warn("careful");
    log::set_level(log::Level::debug);
    log::debug("now visible");
    log::set_level(log::Level::error);
    log::warn("hidden too");
    log::error("bad {}", std::string("thing"));
    log::set_output(stderr); // closes the file
    auto lines = lines_of(path);
    REQUIRE(lines.size() == 4);
    std::regex shape(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(\w+)\] (.*))");
    std::smatch m;
    REQUIRE(std::regex_match(lines[0], m, shape));
    CHECK(m[1] == "info");
    CHECK(m[2] == "hello world and 42");
    REQUIRE(std::regex_match(lines[1], m, shape));
    CHECK(m[1] == "warn");
    REQUIRE(std::regex_match(lines[2], m, shape));
    CHECK(m[2] == "now visible");
    REQUIRE(std::regex_match(lines[3], m, shape));
    CHECK(m[1] == "error");
    CHECK(m[2] == "bad thing");
    std::remove(path.c_str());
}

TEST_CASE("a message with newlines stays on one line") {
    LogGuard guard;
    std::string path = temp_path("newlines");
    std::remove(path.c_str());
    REQUIRE(log::set_file(path));
    log::info("one\ntwo\r\nthree");
    log::set_output(stderr);
    CHECK(lines_of(path).size() == 1);
    std::remove(path.c_str());
}

TEST_CASE("set_file fails cleanly for an unwritable path") {
    LogGuard guard;
    CHECK_FALSE(log::set_file("/nonexistent-dir/x/y.log"));
}

TEST_CASE("parse_level") {
    CHECK(log::parse_level("DEBUG") == log::Level::debug);
    CHECK(log::parse_level("warning") == log::Level::warn);
    CHECK(log::parse_level("Error") == log::Level::error);
    CHECK_FALSE(log::parse_level("verbose").has_value());
}

TEST_CASE("many threads logging at once write whole lines") {
    LogGuard guard;
    std::string path = temp_path("threads");
    std::remove(path.c_str());
    REQUIRE(log::set_file(path));
    const int threads = 4, per_thread = 200;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([t] {
            for (int i = 0; i < per_thread; ++i)
                log::info("thread {} line {} end", t, i);
        });
    for (auto& th : pool)
        th.join();
    log::set_output(stderr);
    auto lines = lines_of(path);
    CHECK(lines.size() == static_cast<std::size_t>(threads * per_thread));
    std::regex shape(R"(.* \[info\] thread \d line \d+ end)");
    for (auto& line : lines)
        CHECK(std::regex_match(line, shape));
    std::remove(path.c_str());
}

TEST_CASE("the log never writes to stdout, even when asked to") {
    LogGuard guard;
    Capture out(STDOUT_FILENO);
    Capture err(STDERR_FILENO);
    log::set_output(stdout);
    log::info("this goes to stderr");
    std::string on_err = err.finish();
    std::string on_out = out.finish();
    CHECK(on_out.empty());
    CHECK(on_err.find("this goes to stderr") != std::string::npos);
}
