#include "lsp/protocol.hpp"

#include "lsp/rpc.hpp"

#include <fmt/format.h>

#include <algorithm>

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

} // namespace mil::lsp
