// Shared helpers of the benchmark programs: clocks, percentiles, peak memory, child
// processes, the tree's manifest (.mil-bench.json, written by make_tree.py) and tables.
// Benchmarks print figures; they never assert on time.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mil::bench {

using Clock = std::chrono::steady_clock;

inline double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

inline double ms_since(Clock::time_point a) {
    return ms_between(a, Clock::now());
}

// Percentiles by the nearest-rank method over a copy of the samples.
struct Stats {
    std::size_t n = 0;
    double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

inline double nearest_rank(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

inline Stats stats_of(std::vector<double> v) {
    Stats s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.n = v.size();
    s.min = v.front();
    s.max = v.back();
    s.p50 = nearest_rank(v, 50);
    s.p90 = nearest_rank(v, 90);
    s.p99 = nearest_rank(v, 99);
    double sum = 0;
    for (double x : v)
        sum += x;
    s.mean = sum / static_cast<double>(v.size());
    return s;
}

inline double median(std::vector<double> v) {
    return stats_of(std::move(v)).p50;
}

inline nlohmann::json stats_json(const Stats& s) {
    return {{"n", s.n},     {"min", s.min}, {"p50", s.p50},  {"p90", s.p90},
            {"p99", s.p99}, {"max", s.max}, {"mean", s.mean}};
}

// A "VmHWM:"-style field of /proc/<pid>/status in KiB (pid 0: this process); -1 if absent.
inline long proc_status_kb(int pid, const char* field) {
    std::string path = pid ? "/proc/" + std::to_string(pid) + "/status" : "/proc/self/status";
    std::ifstream in(path);
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
            return std::strtol(line.c_str() + n + 1, nullptr, 10);
    return -1;
}

// User + system CPU time of a process (all its threads) in ms, from /proc/<pid>/stat
// (clock ticks, usually 10 ms: read it around a batch, not a single request). -1 if gone.
inline double proc_cpu_ms(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return -1;
    auto paren = stat.rfind(')'); // the command may hold spaces
    if (paren == std::string::npos) return -1;
    std::istringstream fields(stat.substr(paren + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) utime = std::strtod(f.c_str(), nullptr);
        if (i == 15) stime = std::strtod(f.c_str(), nullptr);
    }
    return (utime + stime) * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// CPU time of the calling thread in ms.
inline double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

inline double kb_to_mb(long kb) {
    return kb < 0 ? -1 : static_cast<double>(kb) / 1024.0;
}

inline std::string self_exe() {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    return std::string(buf, static_cast<std::size_t>(n));
}

inline std::string dir_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// The load average, printed beside figures taken on a shared machine.
inline std::string load_average() {
    std::ifstream in("/proc/loadavg");
    double a = 0, b = 0, c = 0;
    in >> a >> b >> c;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
    return buf;
}

// ---- child processes --------------------------------------------------------------------

// posix_spawn shares the parent's memory until exec (vfork semantics), so the child's
// ru_maxrss counts only what the program itself touched, never a copy of the parent.
struct ChildResult {
    int status = -1; // exit code, or 128 + signal
    std::string out; // standard output
    std::string err; // standard error (when captured)
    double wall_ms = 0;
    long maxrss_kb = -1; // from wait4
};

inline std::string read_all(int fd) {
    std::string s;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            s.append(buf, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    return s;
}

// Runs argv to completion, capturing stdout (and stderr when capture_err, else /dev/null).
inline ChildResult run_child(const std::vector<std::string>& args, bool capture_err = false) {
    ChildResult r;
    int out_pipe[2], err_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return r;
    if (capture_err && ::pipe2(err_pipe, O_CLOEXEC) != 0) return r;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    if (capture_err)
        posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    auto t0 = Clock::now();
    int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out_pipe[1]);
    if (capture_err) ::close(err_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        if (capture_err) ::close(err_pipe[0]);
        r.err = std::string("cannot start ") + args[0] + ": " + std::strerror(rc);
        return r;
    }
    // stderr is small (a summary line); read stdout fully, then stderr.
    r.out = read_all(out_pipe[0]);
    ::close(out_pipe[0]);
    if (capture_err) {
        r.err = read_all(err_pipe[0]);
        ::close(err_pipe[0]);
    }
    int status = 0;
    struct rusage ru {};
    while (::wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    r.wall_ms = ms_since(t0);
    r.maxrss_kb = ru.ru_maxrss;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

// The last line of a child's output that parses as a JSON object.
inline std::optional<nlohmann::json> last_json_line(const std::string& out) {
    std::istringstream in(out);
    std::string line;
    std::optional<nlohmann::json> found;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object()) found = std::move(j);
    }
    return found;
}

// ---- the tree ---------------------------------------------------------------------------

inline nlohmann::json read_manifest(const std::string& tree) {
    std::ifstream in(tree + "/.mil-bench.json");
    if (!in) return nlohmann::json::object();
    auto j = nlohmann::json::parse(in, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

inline std::optional<std::string> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// ---- output -----------------------------------------------------------------------------

// A left-aligned first column and right-aligned others, separated by two spaces.
class Table {
public:
    explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    void print(std::FILE* f = stdout) const {
        std::vector<std::size_t> w;
        for (const auto& r : rows_)
            for (std::size_t i = 0; i < r.size(); ++i) {
                if (w.size() <= i) w.push_back(0);
                w[i] = std::max(w[i], r[i].size());
            }
        for (std::size_t k = 0; k < rows_.size(); ++k) {
            const auto& r = rows_[k];
            std::string line;
            for (std::size_t i = 0; i < r.size(); ++i) {
                std::string cell = r[i];
                std::string pad(w[i] - cell.size(), ' ');
                line += i == 0 ? cell + pad : "  " + pad + cell;
            }
            while (!line.empty() && line.back() == ' ')
                line.pop_back();
            std::fprintf(f, "%s\n", line.c_str());
            if (k == 0) {
                std::size_t total = 0;
                for (auto x : w)
                    total += x + 2;
                std::fprintf(f, "%s\n", std::string(total - 2, '-').c_str());
            }
        }
    }

private:
    std::vector<std::vector<std::string>> rows_;
};

inline std::string fmt_ms(double ms) {
    char buf[32];
    if (ms < 0)
        std::snprintf(buf, sizeof buf, "-");
    else if (ms < 1)
        std::snprintf(buf, sizeof buf, "%.3f ms", ms);
    else if (ms < 100)
        std::snprintf(buf, sizeof buf, "%.2f ms", ms);
    else
        std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    return buf;
}

inline std::string fmt_mb(double mb) {
    char buf[32];
    if (mb < 0) return "-";
    std::snprintf(buf, sizeof buf, "%.1f MB", mb);
    return buf;
}

inline std::string fmt_num(double x, const char* spec = "%.0f") {
    char buf[32];
    std::snprintf(buf, sizeof buf, spec, x);
    return buf;
}

// "--name value" options after the positional arguments.
class Args {
public:
    Args(int argc, char** argv) : args_(argv + 1, argv + argc) {}
    std::string value(const std::string& name, std::string def) const {
        for (std::size_t i = 0; i + 1 < args_.size(); ++i)
            if (args_[i] == name) return args_[i + 1];
        return def;
    }
    long number(const std::string& name, long def) const {
        std::string v = value(name, "");
        return v.empty() ? def : std::strtol(v.c_str(), nullptr, 10);
    }
    bool flag(const std::string& name) const {
        return std::find(args_.begin(), args_.end(), name) != args_.end();
    }
    // Arguments that are neither options nor their values.
    std::vector<std::string> positional(const std::vector<std::string>& with_values) const {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < args_.size(); ++i) {
            if (args_[i].rfind("--", 0) == 0) {
                if (std::find(with_values.begin(), with_values.end(), args_[i]) !=
                    with_values.end())
                    ++i;
                continue;
            }
            out.push_back(args_[i]);
        }
        return out;
    }

private:
    std::vector<std::string> args_;
};

} // namespace mil::bench
