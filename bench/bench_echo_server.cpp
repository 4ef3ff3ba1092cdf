// bench_echo_server ANSWERS
//
// The floor of bench_lsp: a language server that does nothing. It speaks the same framing over
// stdin/stdout, answers `initialize` with no capabilities, ends an indexing progress at once
// on `initialized` (workDoneProgress/create, begin, end), and answers every other request with
// the next answer recorded for its method from the real server (ANSWERS: one line per answer,
// "METHOD<TAB>RESULT", the result's JSON bytes as the server wrote them; cycled), or null.
// So the same client, timing the same requests against it, measures what the pipe, the
// framing and the client's own parse cost: every bench_lsp figure is printed beside it.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "framing.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

using mil::bench::next_frame;

namespace {

bool write_all(std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(1, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool send(std::string_view body) {
    std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    frame.append(body);
    return write_all(frame);
}

struct Answers {
    std::vector<std::string> results;
    std::size_t next = 0;
};

} // namespace

int main(int argc, char** argv) {
    std::map<std::string, Answers, std::less<>> answers;
    if (argc > 1) {
        std::FILE* f = std::fopen(argv[1], "rb");
        if (!f) {
            std::fprintf(stderr, "bench_echo_server: cannot read %s\n", argv[1]);
            return 2;
        }
        std::string line;
        for (int c; (c = std::fgetc(f)) != EOF;) {
            if (c != '\n') {
                line.push_back(static_cast<char>(c));
                continue;
            }
            auto tab = line.find('\t');
            if (tab != std::string::npos)
                answers[line.substr(0, tab)].results.push_back(line.substr(tab + 1));
            line.clear();
        }
        std::fclose(f);
    }

    std::string buf;
    char chunk[1 << 16];
    for (;;) {
        while (auto f = next_frame(buf)) {
            const auto at = buf.begin() + static_cast<long>(f->body_at);
            auto msg = nlohmann::json::parse(at, at + static_cast<long>(f->length), nullptr, false);
            buf.erase(0, f->body_at + f->length);
            if (!msg.is_object() || !msg.contains("method")) continue; // a response
            const std::string method = msg["method"].get<std::string>();
            if (!msg.contains("id")) {
                if (method == "exit") return 0;
                if (method == "initialized") {
                    send(
                        R"({"jsonrpc":"2.0","id":"echo-1","method":"window/workDoneProgress/create","params":{"token":"echo"}})");
                    send(
                        R"({"jsonrpc":"2.0","method":"$/progress","params":{"token":"echo","value":{"kind":"begin","title":"Indexing","percentage":0}}})");
                    send(
                        R"({"jsonrpc":"2.0","method":"$/progress","params":{"token":"echo","value":{"kind":"end","message":"0 files"}}})");
                }
                continue;
            }
            std::string result = "null";
            if (method == "initialize") {
                result = R"({"capabilities":{}})";
            } else if (auto it = answers.find(method);
                       it != answers.end() && !it->second.results.empty()) {
                Answers& a = it->second;
                result = a.results[a.next++ % a.results.size()];
            }
            std::string body = R"({"jsonrpc":"2.0","id":)" + msg["id"].dump() + R"(,"result":)";
            body += result;
            body += '}';
            if (!send(body)) return 1;
        }
        ssize_t n = ::read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        buf.append(chunk, static_cast<std::size_t>(n));
    }
}
