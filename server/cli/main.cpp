// magento-integration-ls: the language server (default), `check` for CI, and
// `new-integration` to scaffold a module.
#include "cli/cli.hpp"
#include "lsp/lsp_server.hpp"
#include "lsp/rpc.hpp"
#include "mil/ide/entry.hpp"
#include "mil/version.hpp"
#include "platform/heap.hpp"
#include "platform/layer.hpp"
#include "platform/log.hpp"
#include "platform/os.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

const char* kUsage = R"(Usage:
  magento-integration-ls [--stdio] [options]         language server over stdin/stdout (default)
  magento-integration-ls --listen PORT [options]     language server over TCP (127.0.0.1 unless --host)
  magento-integration-ls check [options] [PATH...]   check a Magento tree, modules or files (see check --help)
  magento-integration-ls new-integration ...         write a module with an integration (see new-integration --help)
  magento-integration-ls explain CODE                what a rule finds, what Magento does, how to fix it
  magento-integration-ls explain --list|--markdown   every rule: one line each, or the rules reference
  magento-integration-ls routes [PATH] [options]     REST routes each integration can call (see routes --help)

Server options:
  --stdio               talk LSP over stdin/stdout (default)
  --listen PORT         listen on TCP PORT and serve one client, the first to connect (0: any
                        free port, printed to stderr); start one server per editor
  --host ADDRESS        address to bind with --listen (default 127.0.0.1); an address other
                        than loopback needs --allow-remote
  --allow-remote        bind a non-loopback --host: the protocol has no authentication, so
                        anyone who reaches the port can read the files of the workspace
  --log FILE            append the log to FILE instead of stderr
  --log-level LEVEL     error, warn, info (default) or debug
  --max-file-size BYTES files larger than this are not read; a file-too-large warning says
                        so (default 8388608)
  --trace FILE          write a trace of the session to FILE (Chrome trace event format, for
                        ui.perfetto.dev): indexing, requests, queue waits (bench/README.md)
  --version             print the version and exit
  --help                print this help and exit
)";

// Whether `host` names this machine only (a loopback address).
bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool parse_int(const std::string& s, long long& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

int main(int argc, char** argv) {
    const auto process_start = std::chrono::steady_clock::now(); // time 0 of a --trace
    mil::use_huge_page_heaps();                                  // before any thread: see heap.hpp
    // A participant that fails on a file is skipped; the log says which one, on which file.
    mil::set_participant_failure_sink(
        [](std::string_view participant, std::string_view path, std::string_view what) {
            mil::log::error("participant {} failed on {}: {}", participant, path, what);
        });
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "check") return mil::run_check({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "new-integration")
        return mil::run_new_integration({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "routes")
        return mil::run_routes({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "explain")
        return mil::run_explain({args.begin() + 1, args.end()});
    if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
        std::fprintf(stderr,
                     "magento-integration-ls: unknown command '%s' (commands: check, "
                     "new-integration, explain, routes; no command runs the language server)\n",
                     args[0].c_str());
        return 2;
    }

    bool use_tcp = false;
    long long port = 0;
    std::string host = "127.0.0.1";
    bool allow_remote = false;
    mil::ServerOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* what) -> std::string {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "magento-integration-ls: %s needs a value\n%s", what, kUsage);
                std::exit(2);
            }
            return args[++i];
        };
        if (a == "--version" || a == "-v") {
            std::printf("%s %s (platform layer: %s)\n", mil::kName, mil::kVersion,
                        mil::platform_layer());
            return 0;
        } else if (a == "--help" || a == "-h") {
            std::printf("%s", kUsage);
            return 0;
        } else if (a == "--stdio") {
            use_tcp = false;
        } else if (a == "--listen") {
            std::string v = value("--listen");
            if (!parse_int(v, port) || port < 0 || port > 65535) {
                std::fprintf(stderr,
                             "magento-integration-ls: --listen needs a port number from 0 to "
                             "65535, not '%s'\n",
                             v.c_str());
                return 2;
            }
            use_tcp = true;
        } else if (a == "--host") {
            host = value("--host");
        } else if (a == "--allow-remote") {
            allow_remote = true;
        } else if (a == "--log") {
            std::string f = value("--log");
            if (!mil::log::set_file(f)) {
                std::fprintf(stderr, "magento-integration-ls: cannot open log file '%s'\n",
                             f.c_str());
                return 2;
            }
        } else if (a == "--log-level") {
            std::string v = value("--log-level");
            auto level = mil::log::parse_level(v);
            if (!level) {
                std::fprintf(stderr, "magento-integration-ls: unknown log level '%s'\n", v.c_str());
                return 2;
            }
            mil::log::set_level(*level);
        } else if (a == "--max-file-size") {
            long long n = 0;
            std::string v = value("--max-file-size");
            if (!parse_int(v, n) || n <= 0) {
                std::fprintf(stderr,
                             "magento-integration-ls: --max-file-size needs a positive number\n");
                return 2;
            }
            options.max_file_bytes = static_cast<std::size_t>(n);
        } else if (a == "--trace") {
            options.trace_path = value("--trace");
            options.process_start = process_start;
            if (std::FILE* f = mil::open_file(options.trace_path, "wb")) {
                std::fclose(f);
            } else {
                std::fprintf(stderr, "magento-integration-ls: cannot create trace file '%s'\n",
                             options.trace_path.c_str());
                return 2;
            }
        } else if (a == "--clientProcessId" || a == "--node-ipc" ||
                   a.rfind("--clientProcessId=", 0) == 0) {
            // Passed by some clients; nothing to do.
            if (a == "--clientProcessId") ++i;
        } else {
            std::fprintf(stderr, "magento-integration-ls: unknown option '%s'\n%s", a.c_str(),
                         kUsage);
            return 2;
        }
    }

    if (use_tcp && !is_loopback(host)) {
        if (!allow_remote) {
            std::fprintf(stderr,
                         "magento-integration-ls: --host %s is reachable from other machines, "
                         "and the protocol has no authentication; add --allow-remote to bind "
                         "it anyway\n",
                         host.c_str());
            return 2;
        }
        std::fprintf(stderr,
                     "magento-integration-ls: warning: listening on %s without authentication: "
                     "whoever reaches port %lld can read the workspace's files\n",
                     host.c_str(), port);
    }

    std::shared_ptr<mil::LspServer> server;
    auto setup = [&](mil::Endpoint& ep) { server = mil::install_lsp_server(ep, options); };
    mil::log::info("{} {} starting ({}, platform layer: {})", mil::kName, mil::kVersion,
                   use_tcp ? "tcp" : "stdio", mil::platform_layer());
    if (use_tcp)
        return mil::serve_tcp(host, static_cast<int>(port), setup, [](int bound) {
            std::fprintf(stderr, "magento-integration-ls: listening on port %d\n", bound);
            std::fflush(stderr);
        });
    return mil::serve_stdio(setup);
}
