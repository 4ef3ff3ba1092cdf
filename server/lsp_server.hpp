// The language server: LSP methods on top of the JSON-RPC endpoint, the workspace index
// built off the main loop, and the conversion between LSP and the core (positions, URIs,
// diagnostics, edits) — the only place where the two meet.
#pragma once

#include "rpc.hpp"

#include <memory>

namespace mil {

struct ServerOptions {
    std::size_t max_file_bytes = 8u << 20;
    unsigned index_threads = 0;
    int diagnostics_delay_ms = 150; // debounce after a change (never on open)
};

// Registers every LSP method on `endpoint`. The returned object must outlive endpoint.run().
class LspServer;
std::shared_ptr<LspServer> install_lsp_server(Endpoint& endpoint, ServerOptions options = {});

} // namespace mil
