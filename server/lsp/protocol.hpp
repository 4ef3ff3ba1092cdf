// The LSP's params and results as plain types, with their JSON conversion in one place
// (protocol.cpp): the handlers of lsp_server.cpp decode typed params, call the engine and
// encode typed results. Positions here are LSP positions (line and character in the
// negotiated encoding); the conversion from and to the core's byte offsets is the server's
// (LspServer::offset_of / line_col), at this edge only.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mil::lsp {

using json = nlohmann::json;

struct Position {
    std::uint32_t line = 0;
    std::uint32_t character = 0;
};

struct Range {
    Position start;
    Position end;
};

struct Location {
    std::string uri;
    Range range;
};

// textDocument/hover, definition, documentHighlight ...
struct TextDocumentPositionParams {
    std::string uri;
    Position position;
};

// textDocument/references
struct ReferenceParams : TextDocumentPositionParams {
    bool include_declaration = true;
};

// The result of textDocument/hover (markdown contents).
struct Hover {
    std::string markdown;
    Range range;
};

// An item of textDocument/documentHighlight's result.
struct DocumentHighlight {
    Range range;
    int kind = 1; // Text
};

struct DiagnosticRelatedInformation {
    Location location;
    std::string message;
};

struct Diagnostic {
    Range range;
    int severity = 1; // LSP DiagnosticSeverity: 1 error .. 4 hint
    std::string code;
    std::string code_href; // codeDescription.href: the rule's page; omitted when empty
    std::string source;
    std::string message;
    bool unnecessary = false; // tag 1
    bool deprecated = false;  // tag 2
    std::vector<DiagnosticRelatedInformation> related;
};

// The params of textDocument/publishDiagnostics.
struct PublishDiagnosticsParams {
    std::string uri;
    std::optional<std::int64_t> version;
    std::vector<Diagnostic> diagnostics;
};

// The result of textDocument/diagnostic (a full report).
struct FullDocumentDiagnosticReport {
    std::vector<Diagnostic> items;
};

// A command a client runs (of a code lens here).
struct Command {
    std::string title;
    std::string command;
    std::string tooltip; // omitted when empty
    json arguments = json::array();
};

// An item of textDocument/codeLens's result (resolved: it carries its command).
struct CodeLens {
    Range range;
    Command command;
};

// An item of the result of the command magento-integration-ls.showRoutes: a REST route an
// integration can call, as a Location (its url in webapi.xml: "uri" and "range", absent for a
// route of the bundled catalogue) plus its label, module and resources.
struct RouteItem {
    std::string label; // "GET /V1/orders/:id"
    std::optional<Location> location;
    std::string module;
    std::vector<std::string> resources;
    bool anonymous = false; // anyone may call it
};

// A position read from a client: a line or character clamped to what an offset can hold (a
// negative one to 0); a JSON number with a fraction or an exponent counts by its integer part
// (some clients write 5.0). Anything else is invalid params (an RpcError).
void from_json(const json& j, Position& p);
void from_json(const json& j, Range& r);
void from_json(const json& j, TextDocumentPositionParams& p);
void from_json(const json& j, ReferenceParams& p);

void to_json(json& j, const Position& p);
void to_json(json& j, const Range& r);
void to_json(json& j, const Location& l);
void to_json(json& j, const Hover& h);
void to_json(json& j, const DocumentHighlight& h);
void to_json(json& j, const DiagnosticRelatedInformation& r);
void to_json(json& j, const Diagnostic& d);
void to_json(json& j, const PublishDiagnosticsParams& p);
void to_json(json& j, const FullDocumentDiagnosticReport& r);
void to_json(json& j, const Command& c);
void to_json(json& j, const CodeLens& l);
void to_json(json& j, const RouteItem& r);

} // namespace mil::lsp
