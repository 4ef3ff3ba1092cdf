// The language server: LSP methods on top of the JSON-RPC endpoint, the workspace index
// built off the main loop, and the conversion between LSP and the core (positions, URIs,
// diagnostics, edits) — the only place where the two meet.
#pragma once

#include "workspace/indexer.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mil {

struct ServerOptions {
    std::size_t max_file_bytes = 8u << 20;
    unsigned index_threads = 0;
    int diagnostics_delay_ms = 150; // debounce after a change (never on open)
    // Builds the index of the workspace folders, on the index thread; empty: index_folders.
    // Tests and the fuzz harness reuse an index built once per process through it.
    std::function<IndexResult(const std::vector<std::string>& folders, const IndexOptions&)>
        build_index;
    // `--trace FILE`: the session's trace is written there (platform/trace_file.hpp) on
    // `shutdown` and when the server is destroyed; "" for none. `process_start` is its time 0
    // (default: when the server is installed).
    std::string trace_path;
    std::chrono::steady_clock::time_point process_start{};
    // Tests: runs on the worker before each completion, diagnostics or code action job (a test
    // holds a job there to send other requests while it is in progress).
    std::function<void()> before_heavy_work;
};

// The JSON-RPC endpoint (lsp/rpc.hpp): declared only, so that the users of this header do not
// all read nlohmann/json.
class Endpoint;

// Registers every LSP method on `endpoint`. The returned object must outlive endpoint.run().
class LspServer;
std::shared_ptr<LspServer> install_lsp_server(Endpoint& endpoint, ServerOptions options = {});

} // namespace mil
