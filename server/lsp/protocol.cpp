#include "lsp/protocol.hpp"

#include "lsp/json_text.hpp"
#include "lsp/rpc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <unordered_map>

namespace mil::lsp {

namespace {

// A position's line or character (see from_json(Position)). Converted here, because nlohmann
// would convert 1e300 to an integer with undefined behaviour.
std::uint32_t position_field(const json& pos, const char* name) {
    const json& v = pos.at(name);
    if (v.is_number_unsigned())
        return static_cast<std::uint32_t>(
            std::min<std::uint64_t>(v.get<std::uint64_t>(), 0xffffffffu));
    if (v.is_number_integer())
        return static_cast<std::uint32_t>(
            std::clamp<std::int64_t>(v.get<std::int64_t>(), 0, 0xffffffffLL));
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!(d > 0)) return 0; // also NaN, which JSON cannot write but a caller could
        return d >= 4294967295.0 ? 0xffffffffu : static_cast<std::uint32_t>(d);
    }
    throw RpcError(error_code::InvalidParams,
                   fmt::format("position {} must be an unsigned integer, not {}", name, v.dump()));
}

} // namespace

int int_member(const json& obj, const char* name, int fallback) {
    auto it = obj.find(name);
    if (it == obj.end() || !it->is_number_integer()) return fallback;
    if (it->is_number_unsigned())
        return it->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX) ? it->get<int>()
                                                                               : fallback;
    const auto v = it->get<std::int64_t>();
    return v >= INT_MIN && v <= INT_MAX ? static_cast<int>(v) : fallback;
}

void from_json(const json& j, Position& p) {
    p.line = position_field(j, "line");
    p.character = position_field(j, "character");
}

void from_json(const json& j, Range& r) {
    from_json(j.at("start"), r.start);
    from_json(j.at("end"), r.end);
}

void from_json(const json& j, TextDocumentPositionParams& p) {
    p.uri = j.at("textDocument").at("uri").get<std::string>();
    from_json(j.at("position"), p.position);
}

void from_json(const json& j, ReferenceParams& p) {
    from_json(j, static_cast<TextDocumentPositionParams&>(p));
    p.include_declaration =
        j.contains("context") ? j["context"].value("includeDeclaration", true) : true;
}

void to_json(json& j, const Position& p) {
    j = {{"line", p.line}, {"character", p.character}};
}

void to_json(json& j, const Range& r) {
    j = {{"start", r.start}, {"end", r.end}};
}

void to_json(json& j, const Location& l) {
    j = {{"uri", l.uri}, {"range", l.range}};
}

void to_json(json& j, const Hover& h) {
    j = {{"contents", {{"kind", "markdown"}, {"value", h.markdown}}}, {"range", h.range}};
}

void to_json(json& j, const DocumentHighlight& h) {
    j = {{"range", h.range}, {"kind", h.kind}};
}

void to_json(json& j, const DiagnosticRelatedInformation& r) {
    j = {{"location", r.location}, {"message", r.message}};
}

void to_json(json& j, const Diagnostic& d) {
    j = {{"range", d.range},
         {"severity", d.severity},
         {"code", d.code},
         {"source", d.source},
         {"message", d.message}};
    if (!d.code_href.empty()) j["codeDescription"] = {{"href", d.code_href}};
    json tags = json::array();
    if (d.unnecessary) tags.push_back(1);
    if (d.deprecated) tags.push_back(2);
    if (!tags.empty()) j["tags"] = tags;
    if (!d.related.empty()) j["relatedInformation"] = d.related;
}

void to_json(json& j, const PublishDiagnosticsParams& p) {
    j = {{"uri", p.uri}, {"diagnostics", p.diagnostics}};
    if (p.version) j["version"] = *p.version;
}

void to_json(json& j, const FullDocumentDiagnosticReport& r) {
    j = {{"kind", "full"}, {"items", r.items}};
}

void to_json(json& j, const Command& c) {
    j = {{"title", c.title}, {"command", c.command}, {"arguments", c.arguments}};
    if (!c.tooltip.empty()) j["tooltip"] = c.tooltip;
}

void to_json(json& j, const CodeLens& l) {
    j = {{"range", l.range}, {"command", l.command}};
}

void to_json(json& j, const RouteItem& r) {
    j = {{"label", r.label},
         {"module", r.module},
         {"resources", r.resources},
         {"anonymous", r.anonymous}};
    if (r.location) {
        j["uri"] = r.location->uri;
        j["range"] = r.location->range;
    }
}

void from_json(const json& j, WorkspaceSymbolParams& p) {
    p.query = j.value("query", std::string());
}

void from_json(const json& j, TextDocumentParams& p) {
    p.uri = j.at("textDocument").at("uri").get<std::string>();
}

void to_json(json& j, const DocumentSymbol& s) {
    j = {{"name", s.name},
         {"kind", s.kind},
         {"range", s.range},
         {"selectionRange", s.selection_range}};
    if (!s.detail.empty()) j["detail"] = s.detail;
    if (!s.children.empty()) j["children"] = s.children;
}

void to_json(json& j, const SymbolInformation& s) {
    j = {{"name", s.name}, {"kind", s.kind}, {"location", s.location}};
    if (s.container_name) j["containerName"] = *s.container_name;
}

void from_json(const json& j, DidOpenTextDocumentParams& p) {
    const json& td = j.at("textDocument");
    p.uri = td.at("uri").get<std::string>();
    p.text = td.at("text").get<std::string>();
    p.version = int_member(td, "version", 0);
}

namespace {

// The member at `path` below `j`, or nullptr when some object on the way lacks it.
const json* member_at(const json& j, std::initializer_list<const char*> path) {
    const json* cur = &j;
    for (const char* k : path) {
        if (!cur->is_object() || !cur->contains(k)) return nullptr;
        cur = &(*cur)[k];
    }
    return cur;
}

bool flag_at(const json& j, std::initializer_list<const char*> path) {
    const json* v = member_at(j, path);
    return v && v->is_boolean() && v->get<bool>();
}

// Whether the array at `path` holds the string `value`.
bool listed_at(const json& j, std::initializer_list<const char*> path, const char* value) {
    const json* v = member_at(j, path);
    return v && v->is_array() && std::find(v->begin(), v->end(), value) != v->end();
}

} // namespace

void from_json(const json& caps, ClientCapabilities& c) {
    c.utf8_positions = listed_at(caps, {"general", "positionEncodings"}, "utf-8");
    c.work_done_progress = flag_at(caps, {"window", "workDoneProgress"});
    c.watch_files = flag_at(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
    c.pull_diagnostics = member_at(caps, {"textDocument", "diagnostic"}) != nullptr;
    c.configuration = flag_at(caps, {"workspace", "configuration"});
    c.related_information =
        flag_at(caps, {"textDocument", "publishDiagnostics", "relatedInformation"});
    c.code_lens_refresh = flag_at(caps, {"workspace", "codeLens", "refreshSupport"});
    c.hierarchical_symbols =
        flag_at(caps, {"textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"});
    c.snippets = flag_at(caps, {"textDocument", "completion", "completionItem", "snippetSupport"});
    const std::initializer_list<const char*> resolve = {
        "textDocument", "completion", "completionItem", "resolveSupport", "properties"};
    c.resolve_documentation = listed_at(caps, resolve, "documentation");
    c.resolve_additional_edits = listed_at(caps, resolve, "additionalTextEdits");
    c.item_defaults_edit_range = listed_at(
        caps, {"textDocument", "completion", "completionList", "itemDefaults"}, "editRange");
    c.create_files =
        flag_at(caps, {"workspace", "applyEdit"}) &&
        flag_at(caps, {"workspace", "workspaceEdit", "documentChanges"}) &&
        listed_at(caps, {"workspace", "workspaceEdit", "resourceOperations"}, "create");
}

void from_json(const json& j, InitializeParams& p) {
    p.capabilities = j.value("capabilities", json::object()).get<ClientCapabilities>();
    if (j.contains("initializationOptions")) p.initialization_options = j["initializationOptions"];
    if (j.contains("workspaceFolders") && j["workspaceFolders"].is_array())
        for (const auto& f : j["workspaceFolders"])
            p.workspace_folders.push_back(f.at("uri").get<std::string>());
    if (j.contains("rootUri") && j["rootUri"].is_string())
        p.root_uri = j["rootUri"].get<std::string>();
    if (j.contains("rootPath") && j["rootPath"].is_string())
        p.root_path = j["rootPath"].get<std::string>();
}

void from_json(const json& j, FileEvent& e) {
    e.uri = j.at("uri").get<std::string>();
    e.type = int_member(j, "type", 2);
}

void from_json(const json& j, DidChangeWatchedFilesParams& p) {
    p.changes = j.at("changes").get<std::vector<FileEvent>>();
}

void from_json(const json& j, DidChangeWorkspaceFoldersParams& p) {
    const json& ev = j.at("event");
    for (const auto& f : ev.value("removed", json::array()))
        p.removed.push_back(f.at("uri").get<std::string>());
    for (const auto& f : ev.value("added", json::array()))
        p.added.push_back(f.at("uri").get<std::string>());
}

void from_json(const json& j, TextDocumentContentChangeEvent& e) {
    if (j.contains("range")) e.range = j["range"].get<Range>();
    e.text = j.at("text").get<std::string>();
}

void from_json(const json& j, DidChangeTextDocumentParams& p) {
    const json& td = j.at("textDocument");
    p.uri = td.at("uri").get<std::string>();
    if (td.contains("version") && td["version"].is_number_integer())
        p.version = td["version"].get<std::int64_t>();
    p.content_changes = j.at("contentChanges").get<std::vector<TextDocumentContentChangeEvent>>();
}

void from_json(const json& j, TextEdit& e) {
    from_json(j.at("range"), e.range);
    e.new_text = j.at("newText").get<std::string>();
}

void to_json(json& j, const TextEdit& e) {
    j = {{"range", e.range}, {"newText", e.new_text}};
}

void from_json(const json& j, CompletionItemData& d) {
    if (!j.is_array() || j.size() != 2 || !j[0].is_number_unsigned() || !j[1].is_number_unsigned())
        throw RpcError(error_code::InvalidParams, "completion item data is not the server's");
    d.generation = j[0].get<std::uint64_t>();
    d.index = j[1].get<std::uint64_t>();
}

void to_json(json& j, const CompletionItemData& d) {
    j = {d.generation, d.index};
}

std::optional<CompletionItemData> completion_item_data(const json& item) {
    if (!item.is_object() || !item.contains("data")) return std::nullopt;
    const json& d = item["data"];
    if (!d.is_array() || d.size() != 2 || !d[0].is_number_unsigned() || !d[1].is_number_unsigned())
        return std::nullopt;
    return d.get<CompletionItemData>();
}

namespace {

std::string string_member(const json& j, const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

void from_json(const json& j, CompletionItem& i) {
    i.label = j.at("label").get<std::string>();
    i.kind = j.value("kind", 1);
    if (j.contains("textEdit")) i.text_edit = j["textEdit"].get<TextEdit>();
    if (j.contains("textEditText")) i.text_edit_text = j["textEditText"].get<std::string>();
    i.detail = string_member(j, "detail");
    i.filter_text = string_member(j, "filterText");
    i.sort_text = string_member(j, "sortText");
    i.snippet = j.value("insertTextFormat", 1) == 2;
    if (j.contains("documentation") && j["documentation"].is_object())
        i.documentation = string_member(j["documentation"], "value");
    if (j.contains("additionalTextEdits"))
        i.additional_edits = std::make_shared<const std::vector<TextEdit>>(
            j["additionalTextEdits"].get<std::vector<TextEdit>>());
    i.data = completion_item_data(j);
}

void from_json(const json& j, CompletionList& l) {
    l.is_incomplete = j.value("isIncomplete", false);
    if (j.contains("itemDefaults") && j["itemDefaults"].contains("editRange"))
        l.default_edit_range = j["itemDefaults"]["editRange"].get<Range>();
    l.items = j.at("items").get<std::vector<CompletionItem>>();
}

namespace {

void append_position(std::string& out, const Position& p) {
    using namespace json_text;
    out += R"({"line":)";
    append_int(out, p.line);
    out += R"(,"character":)";
    append_int(out, p.character);
    out += '}';
}

void append_range(std::string& out, const Range& r) {
    out += R"({"start":)";
    append_position(out, r.start);
    out += R"(,"end":)";
    append_position(out, r.end);
    out += '}';
}

void append_edit(std::string& out, const TextEdit& e) {
    out += R"({"range":)";
    append_range(out, e.range);
    out += R"(,"newText":)";
    json_text::append_string(out, e.new_text);
    out += '}';
}

} // namespace

std::string to_json_text(const CompletionList& list) {
    using namespace json_text;
    // The additional edits as text, once per vector (the items under one parent share it).
    std::unordered_map<const std::vector<TextEdit>*, std::string> edit_texts;
    std::size_t size = 256;
    for (const CompletionItem& it : list.items)
        size += 160 + 2 * it.label.size() + 2 * it.detail.size() + it.filter_text.size() +
                it.sort_text.size() + it.documentation.size();
    std::string out;
    out.reserve(size);
    out += R"({"isIncomplete":)";
    out += list.is_incomplete ? "true" : "false";
    if (list.default_edit_range) {
        out += R"(,"itemDefaults":{"editRange":)";
        append_range(out, *list.default_edit_range);
        out += '}';
    }
    out += R"(,"items":[)";
    for (std::size_t n = 0; n < list.items.size(); ++n) {
        const CompletionItem& it = list.items[n];
        if (n) out += ',';
        out += R"({"label":)";
        append_string(out, it.label);
        out += R"(,"kind":)";
        append_int(out, it.kind);
        if (it.text_edit) {
            out += R"(,"textEdit":)";
            append_edit(out, *it.text_edit);
        } else if (it.text_edit_text) {
            out += R"(,"textEditText":)";
            append_string(out, *it.text_edit_text);
        }
        if (!it.detail.empty()) {
            out += R"(,"detail":)";
            append_string(out, it.detail);
        }
        if (!it.filter_text.empty()) {
            out += R"(,"filterText":)";
            append_string(out, it.filter_text);
        }
        if (!it.sort_text.empty()) {
            out += R"(,"sortText":)";
            append_string(out, it.sort_text);
        }
        if (it.snippet) out += R"(,"insertTextFormat":2)";
        if (!it.documentation.empty()) {
            out += R"(,"documentation":{"kind":"markdown","value":)";
            append_string(out, it.documentation);
            out += '}';
        }
        if (it.additional_edits) {
            std::string& text = edit_texts[it.additional_edits.get()];
            if (text.empty()) {
                text += '[';
                for (std::size_t e = 0; e < it.additional_edits->size(); ++e) {
                    if (e) text += ',';
                    append_edit(text, (*it.additional_edits)[e]);
                }
                text += ']';
            }
            out += R"(,"additionalTextEdits":)";
            out += text;
        }
        if (it.data) {
            out += R"(,"data":[)";
            append_int(out, it.data->generation);
            out += ',';
            append_int(out, it.data->index);
            out += ']';
        }
        out += '}';
    }
    out += "]}";
    return out;
}

json resolved_item(json item, const CompletionItemResolution& r) {
    if (!r.documentation.empty())
        item["documentation"] = {{"kind", "markdown"}, {"value", r.documentation}};
    if (r.additional_edits) item["additionalTextEdits"] = *r.additional_edits;
    return item;
}

void to_json(json& j, const TextDocumentEdit& e) {
    j = {{"textDocument", {{"uri", e.uri}, {"version", nullptr}}}, {"edits", e.edits}};
    if (e.version) j["textDocument"]["version"] = *e.version;
}

void to_json(json& j, const CreateFile& c) {
    j = {{"kind", "create"},
         {"uri", c.uri},
         {"options", {{"overwrite", false}, {"ignoreIfExists", false}}}};
}

void to_json(json& j, const WorkspaceEdit& e) {
    if (e.document_changes) {
        json changes = json::array();
        for (const DocumentChange& c : *e.document_changes)
            std::visit([&](const auto& v) { changes.push_back(v); }, c);
        j = {{"documentChanges", std::move(changes)}};
        return;
    }
    j = {{"changes", json::object()}};
    for (const auto& [uri, edits] : e.changes)
        j["changes"][uri] = edits;
}

void from_json(const json& j, CodeActionParams& p) {
    p.uri = j.at("textDocument").at("uri").get<std::string>();
    from_json(j.at("range"), p.range);
    p.diagnostics.clear();
    if (j.contains("context")) {
        const json diags = j["context"].value("diagnostics", json::array());
        if (diags.is_array()) p.diagnostics.assign(diags.begin(), diags.end());
    }
}

void to_json(json& j, const CodeAction& a) {
    j = {{"title", a.title}, {"kind", a.kind}};
    if (a.edit) j["edit"] = *a.edit;
    if (a.preferred) j["isPreferred"] = true;
    if (!a.diagnostics.empty()) j["diagnostics"] = a.diagnostics;
    if (a.command) j["command"] = *a.command;
}

void from_json(const json& j, RenameParams& p) {
    from_json(j, static_cast<TextDocumentPositionParams&>(p));
    p.new_name = j.at("newName").get<std::string>();
}

void from_json(const json& j, ExecuteCommandParams& p) {
    p.command = j.at("command").get<std::string>();
    p.arguments = j.value("arguments", json::array());
}

void to_json(json& j, const ApplyWorkspaceEditParams& p) {
    j = {{"label", p.label}, {"edit", p.edit}};
}

void to_json(json& j, const NewIntegrationResult& r) {
    j = {{"files", r.files}};
}

} // namespace mil::lsp
