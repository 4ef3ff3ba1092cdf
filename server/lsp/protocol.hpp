// The LSP's params and results as plain types, with their JSON conversion in one place
// (protocol.cpp): the handlers of lsp_server.cpp decode typed params, call the engine and
// encode typed results. Positions here are LSP positions (line and character in the
// negotiated encoding); the conversion from and to the core's byte offsets is the server's
// (LspServer::offset_of / line_col), at this edge only.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
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

struct TextEdit {
    Range range;
    std::string new_text;
};

// textDocument/completion: TextDocumentPositionParams.

// What an item left to completionItem/resolve: the list it came from and its index there.
struct CompletionItemData {
    std::uint64_t generation = 0;
    std::uint64_t index = 0;
};

// An item of textDocument/completion's result. Empty strings are omitted.
struct CompletionItem {
    std::string label;
    int kind = 1; // LSP CompletionItemKind
    // The edit; absent when the item uses the list's default edit range, with then its text
    // (textEditText) when it is not the label.
    std::optional<TextEdit> text_edit;
    std::optional<std::string> text_edit_text;
    std::string detail;
    std::string filter_text;
    std::string sort_text;
    bool snippet = false;      // insertTextFormat 2
    std::string documentation; // markdown
    // Shared by the items that insert the same parents (one vector, written once per list).
    std::shared_ptr<const std::vector<TextEdit>> additional_edits;
    std::optional<CompletionItemData> data;
};

struct CompletionList {
    bool is_incomplete = false;
    std::optional<Range> default_edit_range; // itemDefaults.editRange
    std::vector<CompletionItem> items;
};

// What completionItem/resolve adds to the item the client sends back.
struct CompletionItemResolution {
    std::string documentation; // markdown; none when empty
    std::optional<std::vector<TextEdit>> additional_edits;
};

// A WorkspaceEdit's documentChanges: edits of a document (version: null when not open) or a
// file to create (never overwriting one).
struct TextDocumentEdit {
    std::string uri;
    std::optional<std::int64_t> version;
    std::vector<TextEdit> edits;
};
struct CreateFile {
    std::string uri;
};
using DocumentChange = std::variant<TextDocumentEdit, CreateFile>;

// Either `changes` (uri -> edits) or, when set, `document_changes`.
struct WorkspaceEdit {
    std::map<std::string, std::vector<TextEdit>> changes;
    std::optional<std::vector<DocumentChange>> document_changes;
};

// textDocument/codeAction
struct CodeActionParams {
    std::string uri;
    Range range;
    std::vector<json> diagnostics; // context.diagnostics, as the client sent them
};

struct CodeAction {
    std::string title;
    std::string kind;
    std::optional<WorkspaceEdit> edit;
    bool preferred = false;
    std::vector<json> diagnostics; // the context's diagnostics it fixes; omitted when none
    std::optional<Command> command;
};

// textDocument/rename (textDocument/prepareRename: TextDocumentPositionParams)
struct RenameParams : TextDocumentPositionParams {
    std::string new_name;
};

// workspace/executeCommand
struct ExecuteCommandParams {
    std::string command;
    json arguments = json::array();
};

// workspace/applyEdit (sent by the server)
struct ApplyWorkspaceEditParams {
    std::string label;
    WorkspaceEdit edit;
};

// The result of the command magento-integration-ls.newIntegration: the files it writes.
struct NewIntegrationResult {
    std::vector<std::string> files; // URIs
};

// textDocument/documentSymbol's result for a client with hierarchical symbols.
struct DocumentSymbol {
    std::string name;
    int kind = 0;
    std::string detail; // omitted when empty
    Range range;
    Range selection_range;
    std::vector<DocumentSymbol> children; // omitted when empty
};

// A flat symbol (workspace/symbol; textDocument/documentSymbol otherwise).
struct SymbolInformation {
    std::string name;
    int kind = 0;
    std::optional<std::string> container_name;
    Location location;
};

// workspace/symbol
struct WorkspaceSymbolParams {
    std::string query;
};

// textDocument/documentSymbol, codeLens, diagnostic ...
struct TextDocumentParams {
    std::string uri;
};

// textDocument/didOpen
struct DidOpenTextDocumentParams {
    std::string uri;
    std::string text;
    int version = 0; // 0 when absent or out of range
};

// An item of didChange's contentChanges: without a range, the whole text.
struct TextDocumentContentChangeEvent {
    std::optional<Range> range;
    std::string text;
};

// textDocument/didChange
struct DidChangeTextDocumentParams {
    std::string uri;
    std::optional<std::int64_t> version;
    std::vector<TextDocumentContentChangeEvent> content_changes;
};

// An item of workspace/didChangeWatchedFiles' changes.
struct FileEvent {
    std::string uri;
    int type = 2; // 1 created, 2 changed, 3 deleted; 2 when absent or not an int
};

struct DidChangeWatchedFilesParams {
    std::vector<FileEvent> changes;
};

// workspace/didChangeWorkspaceFolders: the URIs of the folders added and removed.
struct DidChangeWorkspaceFoldersParams {
    std::vector<std::string> added;
    std::vector<std::string> removed;
};

// What the server uses of a client's capabilities (initialize).
struct ClientCapabilities {
    bool utf8_positions = false;      // general.positionEncodings has "utf-8"
    bool work_done_progress = false;  // window.workDoneProgress
    bool watch_files = false;         // workspace.didChangeWatchedFiles.dynamicRegistration
    bool pull_diagnostics = false;    // textDocument.diagnostic is present
    bool configuration = false;       // workspace.configuration
    bool related_information = false; // textDocument.publishDiagnostics.relatedInformation
    bool code_lens_refresh = false;   // workspace.codeLens.refreshSupport
    bool hierarchical_symbols = false;
    bool snippets = false;                 // completionItem.snippetSupport
    bool resolve_documentation = false;    // completionItem.resolveSupport has "documentation"
    bool resolve_additional_edits = false; // ... has "additionalTextEdits"
    bool item_defaults_edit_range = false; // completionList.itemDefaults has "editRange"
    // workspace.applyEdit, workspaceEdit.documentChanges and resourceOperations "create"
    bool create_files = false;
};

// initialize
struct InitializeParams {
    ClientCapabilities capabilities;
    std::optional<json> initialization_options;
    std::vector<std::string> workspace_folders; // URIs
    std::optional<std::string> root_uri;
    std::optional<std::string> root_path;
};

// An optional integer member (a document version, a file change type): its value when it is
// a JSON integer within int, else `fallback`.
int int_member(const json& obj, const char* name, int fallback);

// A position read from a client: a line or character clamped to what an offset can hold (a
// negative one to 0); a JSON number with a fraction or an exponent counts by its integer part
// (some clients write 5.0). Anything else is invalid params (an RpcError).
void from_json(const json& j, Position& p);
void from_json(const json& j, Range& r);
void from_json(const json& j, TextDocumentPositionParams& p);
void from_json(const json& j, ReferenceParams& p);
void from_json(const json& j, TextEdit& e);
void from_json(const json& j, DidOpenTextDocumentParams& p);
void from_json(const json& j, TextDocumentContentChangeEvent& e);
void from_json(const json& j, DidChangeTextDocumentParams& p);
void from_json(const json& j, FileEvent& e);
void from_json(const json& j, ClientCapabilities& c);
void from_json(const json& j, InitializeParams& p);
void from_json(const json& j, DidChangeWatchedFilesParams& p);
void from_json(const json& j, DidChangeWorkspaceFoldersParams& p);
void from_json(const json& j, WorkspaceSymbolParams& p);
void from_json(const json& j, TextDocumentParams& p);
void from_json(const json& j, CompletionItemData& d);
void from_json(const json& j, CompletionItem& i);
void from_json(const json& j, CompletionList& l);
void from_json(const json& j, CodeActionParams& p);
void from_json(const json& j, RenameParams& p);
void from_json(const json& j, ExecuteCommandParams& p);

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
void to_json(json& j, const TextEdit& e);
void to_json(json& j, const DocumentSymbol& s);
void to_json(json& j, const SymbolInformation& s);
void to_json(json& j, const CompletionItemData& d);
void to_json(json& j, const TextDocumentEdit& e);
void to_json(json& j, const CreateFile& c);
void to_json(json& j, const WorkspaceEdit& e);
void to_json(json& j, const CodeAction& a);
void to_json(json& j, const ApplyWorkspaceEditParams& p);
void to_json(json& j, const NewIntegrationResult& r);

// A completion list as JSON text, written directly (a list of every ACL id is large): each
// range once per item, each shared additional-edits vector converted once.
std::string to_json_text(const CompletionList& list);

// The item the client sent to completionItem/resolve, with what resolving adds.
json resolved_item(json item, const CompletionItemResolution& r);
// The data of an item sent to completionItem/resolve, when it is one of ours.
std::optional<CompletionItemData> completion_item_data(const json& item);

} // namespace mil::lsp
