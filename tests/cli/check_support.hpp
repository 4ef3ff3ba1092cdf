// Running the real magento-integration-ls binary for the check tests, and small helpers
// around temporary trees and fixture text.
#pragma once

#include "server_binary.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mil::test {

namespace fs = std::filesystem;

inline std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_all(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
}

class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "mil-check-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        root_ = fs::canonical(tmpl).string();
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }

private:
    std::string root_;
};

struct RunResult {
    int code = -1;
    std::string out;
    std::string err;
};

// Runs the server (server_binary()) with `args` in `cwd` (the test's directory when empty), stdin
// from `input_file` (/dev/null when empty), and collects stdout, stderr and the exit code.
// `launcher`, when given, runs the binary: its words come first on the command line
// (setpriv with its options, say).
inline RunResult run_binary(const std::vector<std::string>& args, const std::string& cwd = "",
                            const std::vector<std::string>& launcher = {},
                            const std::string& input_file = "") {
    TempDir io;
    std::string out_path = io.path("stdout"), err_path = io.path("stderr");
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(125);
        int in = ::open(input_file.empty() ? "/dev/null" : input_file.c_str(), O_RDONLY);
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0) ::_exit(126);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        std::vector<std::string> all = launcher;
        all.push_back(mil::test::server_binary());
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(all.front().c_str(), argv.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_all(out_path);
    r.err = read_all(err_path);
    return r;
}

inline RunResult run_check(std::vector<std::string> args, const std::string& cwd = "") {
    args.insert(args.begin(), "check");
    return run_binary(args, cwd);
}

inline std::string fixture(const std::string& rel) {
    return std::string(MIL_FIXTURES_DIR) + "/check/" + rel;
}

inline std::string tree() {
    return fixture("tree");
}

// Copies a fixture folder into `dest` (following nothing special: the fixtures are plain).
inline void copy_tree(const std::string& from, const std::string& dest) {
    fs::create_directories(dest);
    fs::copy(from, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

struct TextPos {
    std::uint32_t line = 0;   // 1-based
    std::uint32_t column = 0; // 1-based, UTF-16 code units
};

// Position of the first occurrence of `needle` in `text` (line and UTF-16 column, 1-based).
inline TextPos position_of(const std::string& text, const std::string& needle) {
    auto at = text.find(needle);
    if (at == std::string::npos) throw std::runtime_error("needle not in text: " + needle);
    TextPos p{1, 1};
    for (std::size_t i = 0; i < at; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) == 0x80) {
            // continuation byte: counted with its lead byte
        } else if (c >= 0xF0) {
            p.column += 2; // outside the BMP: a surrogate pair
        } else {
            p.column += 1;
        }
    }
    return p;
}

} // namespace mil::test
