#include "mil/ide/routes_features.hpp"

#include "mil/ide/acl_support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>

namespace mil {

namespace {

constexpr std::size_t kShown = 5; // routes listed in a hover before "and N more"

// "file://" URI of an absolute path, with the bytes other than unreserved ones and '/'
// percent-encoded (as the LSP layer writes them), and a "#L<line>" fragment.
std::string file_link(std::string_view path, std::uint32_t line) {
    std::string out = "file://";
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out + fmt::format("#L{}", line);
}

// The listing of `routes` (indexes into the snapshot's index): the first kShown, then a count.
std::string listing(const Snapshot& s, const std::vector<const Route*>& routes) {
    std::string md;
    for (std::size_t i = 0; i < routes.size() && i < kShown; ++i)
        md += fmt::format("\n- {}", route_link(s, *routes[i]));
    if (routes.size() > kShown) md += fmt::format("\n- … and {} more", routes.size() - kShown);
    return md;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

} // namespace

std::string route_link(const Snapshot& s, const Route& r) {
    std::string label = fmt::format("`{} {}`", r.method, r.url);
    if (r.sources.empty()) return label;
    const RouteSource& src = r.sources.front();
    if (src.path.empty()) return fmt::format("{} ({}, bundled)", label, src.module);
    const FileEntry* f = s.file(src.path);
    if (!f || !f->text || !src.path.starts_with('/')) return label;
    const std::uint32_t line =
        f->lines().to_line_col(*f->text, src.range.begin, Encoding::Utf8).line + 1;
    return fmt::format("[{}]({})", label, file_link(src.path, line));
}

std::string routes_needing_markdown(const Snapshot& s, std::string_view id) {
    if (!s.routes) return {};
    const auto& needing = s.routes->needing(id);
    if (needing.empty()) return {};
    std::vector<const Route*> routes;
    routes.reserve(needing.size());
    for (auto i : needing)
        routes.push_back(&s.routes->routes[i]);
    return fmt::format("\n\n**{}** need{} it:{}",
                       plural(routes.size(), "REST route", "REST routes"),
                       routes.size() == 1 ? "s" : "", listing(s, routes));
}

std::string routes_thanks_to_markdown(const Snapshot& s, std::string_view name,
                                      std::string_view id) {
    if (!s.routes || s.routes->needing(id).empty()) return {};
    const Grants g = effective_grants(s, name);
    if (g.source == Grants::Source::None) return {};
    std::vector<const Route*> routes;
    for (auto i : s.routes->needing(id))
        if (can_call(g, s.routes->routes[i])) routes.push_back(&s.routes->routes[i]);
    if (!g.allows(id))
        return fmt::format("\n\n`{}` does not get this resource: Magento drops it (not below the "
                           "ACL's second top-level node, unknown or disabled), so it can call "
                           "none of these routes.",
                           name);
    if (routes.empty())
        return fmt::format("\n\nWith its other resources, `{}` can call none of these routes: "
                           "each needs every resource it names.",
                           name);
    return fmt::format("\n\nThanks to it, `{}` can call {}:{}", name,
                       plural(routes.size(), "of them", "of them"), listing(s, routes));
}

CallableSplit split_callable(const RouteIndex& index, const Grants& grants) {
    CallableSplit out;
    for (const Route* r : callable_routes(index, grants))
        (r->is_public() ? out.open : out.guarded).push_back(r);
    return out;
}

namespace {

// "3 REST routes (and 1 route anyone may call)": the count of hover and of the code lens
// (the first part in bold when `strong`).
std::string callable_count(const CallableSplit& c, bool strong) {
    std::string out = plural(c.guarded.size(), "REST route", "REST routes");
    if (strong) out = fmt::format("**{}**", out);
    if (!c.open.empty())
        out += fmt::format(" (and {} anyone may call)", plural(c.open.size(), "route", "routes"));
    return out;
}

constexpr std::string_view kGrantModel =
    "Magento grants exactly the listed resources (integration.xml adds their ancestors), never "
    "their children; a route needs every resource it names.";
constexpr std::string_view kEverything =
    "api.xml grants exactly `Magento_Backend::all`, which allows everything.";

} // namespace

std::string integration_routes_markdown(const Snapshot& s, std::string_view name) {
    if (!s.routes) return {};
    const Grants g = effective_grants(s, name);
    if (g.source == Grants::Source::None) return {};
    const CallableSplit c = split_callable(*s.routes, g);
    std::string md = fmt::format("**{}** can call {}", name, callable_count(c, true));
    md += g.everything ? fmt::format(": {}", kEverything) : std::string(".");
    if (!g.everything && !c.guarded.empty()) md += listing(s, c.guarded);
    md += fmt::format("\n\n{}", kGrantModel);
    return md;
}

std::vector<CodeLens> route_lenses(const Snapshot& s, const FileEntry& file) {
    std::vector<CodeLens> out;
    if (!s.routes || s.routes->routes.empty()) return out;
    if (file.kind != FileKind::Integration && file.kind != FileKind::IntegrationApi) return out;
    for (const IntegrationDecl& integ : file.facts.integrations) {
        if (integ.name.value.empty()) continue;
        const Grants g = effective_grants(s, integ.name.value);
        if (g.source == Grants::Source::None) continue;
        const CallableSplit c = split_callable(*s.routes, g);
        CodeLens lens;
        lens.range = integ.element_name_range;
        lens.title = fmt::format("can call {}", callable_count(c, false));
        // Plugin\Integration::_addAllowedResources: integration.xml's resources win.
        const bool overridden =
            file.kind == FileKind::IntegrationApi && g.source == Grants::Source::IntegrationXml;
        if (overridden) {
            lens.title += " (per its integration.xml)";
            lens.tooltip = fmt::format("integration.xml declares '{}' too and wins: its resources "
                                       "count, not these. ",
                                       integ.name.value);
        }
        lens.tooltip += g.everything ? kEverything : kGrantModel;
        lens.command = kShowRoutesCommand;
        lens.arguments.push_back(integ.name.value);
        out.push_back(std::move(lens));
    }
    return out;
}

std::vector<RouteEntry> integration_route_list(const Snapshot& s, std::string_view name) {
    std::vector<RouteEntry> out;
    if (!s.routes) return out;
    const Grants g = effective_grants(s, name);
    if (g.source == Grants::Source::None) return out;
    const CallableSplit c = split_callable(*s.routes, g);
    out.reserve(c.guarded.size() + c.open.size());
    for (const auto* list : {&c.guarded, &c.open})
        for (const Route* r : *list) {
            RouteEntry& e = out.emplace_back();
            e.label = r->key();
            e.resources = r->resources;
            e.is_public = r->is_public();
            if (r->sources.empty()) continue;
            const RouteSource& src = r->sources.front();
            e.module = src.module;
            if (!src.path.empty()) e.location = Location{src.path, src.range};
        }
    return out;
}

namespace {

// The ids below `node` (in tree order) that some REST route names; none when one below it
// is listed already.
std::vector<std::string> needed_descendants(const Snapshot& s, const AclNode& node,
                                            const std::unordered_set<std::string_view>& listed) {
    std::vector<std::string> out;
    std::vector<std::uint32_t> stack(node.children.rbegin(), node.children.rend());
    while (!stack.empty()) {
        const AclNode& n = s.acl.nodes[stack.back()];
        stack.pop_back();
        if (listed.count(n.id)) return {};
        if (!s.routes->needing(n.id).empty()) out.push_back(n.id);
        stack.insert(stack.end(), n.children.rbegin(), n.children.rend());
    }
    return out;
}

// An edit that adds `ids` as <resource> lines after the line of `ref`, indented like it.
TextEdit insert_after_line(std::string_view text, const IdRef& ref,
                           const std::vector<std::string>& ids) {
    Offset at = static_cast<Offset>(std::min(text.find('\n', ref.range.end), text.size()));
    std::string nl = newline_of(text);
    if (at > ref.range.end && text[at - 1] == '\r') --at;
    const std::string indent = line_indent(text, ref.range.begin);
    std::string insert;
    for (const auto& id : ids)
        insert += fmt::format("{}{}<resource name=\"{}\"/>", nl, indent, id);
    return {{at, at}, std::move(insert)};
}

} // namespace

void routes_diagnostics(const Query& q, std::vector<Diagnostic>& out) {
    const Snapshot& s = q.snapshot;
    if (!s.routes) return;
    const FileKind kind = q.file.kind;
    if (kind != FileKind::Integration && kind != FileKind::IntegrationApi) return;
    const std::string& text = *q.file.text;
    for (const IntegrationDecl& integ : q.file.facts.integrations) {
        if (integ.name.value.empty()) continue;
        const Grants g = effective_grants(s, integ.name.value);
        // Only where Magento reads the resources from (integration.xml wins over api.xml).
        const bool read_here =
            (g.source == Grants::Source::IntegrationXml && kind == FileKind::Integration) ||
            (g.source == Grants::Source::ApiXml && kind == FileKind::IntegrationApi);
        if (!read_here) continue;
        if (g.everything && integ.resources.size() == 1) {
            // Rules::saveRel L106 and Acl\Loader\Rule::applyPermissionsAccordingToRules:
            // one allow row on the root, which allows every resource.
            Diagnostic d;
            d.range = integ.resources.front().range;
            d.severity = Severity::Warning;
            d.code = "grants-everything";
            const std::size_t routes = s.routes->routes.size();
            d.message = fmt::format(
                "'{}' is granted everything: Magento_Backend::all alone in api.xml is one "
                "allow-everything rule on the ACL root, so this integration has full admin API "
                "access: every ACL resource{}, those of modules installed later included. Give "
                "it the least privilege it needs: list only the resources it calls.",
                integ.name.value,
                routes == 0
                    ? std::string()
                    : fmt::format(" and all {} REST routes (customer `self` routes too)", routes));
            out.push_back(std::move(d));
            continue;
        }
        if (s.routes->routes.empty()) continue;
        std::unordered_set<std::string_view> listed;
        for (const IdRef& r : integ.resources)
            listed.insert(r.id);
        for (const IdRef& r : integ.resources) {
            const AclNode* node = s.acl.find(r.id);
            // Top-level nodes (Magento_Backend::admin) stand for the whole tree: not judged.
            if (!node || node->parent == kNoAcl || node->children.empty() || !g.allows(r.id))
                continue;
            if (!s.routes->needing(r.id).empty()) continue;
            std::vector<std::string> needed = needed_descendants(s, *node, listed);
            if (needed.empty()) continue; // nothing below it routes need, or some listed
            // Rules::saveRel: an allow row for each granted id and a deny row for every other
            // resource, so the children stay denied.
            Diagnostic d;
            d.range = r.range;
            d.severity = Severity::Info;
            d.code = "grants-no-route";
            const Route& example = s.routes->routes[s.routes->needing(needed.front()).front()];
            d.message = fmt::format(
                "No REST route needs '{}', and Magento grants exactly the listed resources, never "
                "their children: routes need {} below it (e.g. '{}' for {} {}).",
                r.id,
                needed.size() == 1 ? std::string("one resource")
                                   : fmt::format("{} resources", needed.size()),
                needed.front(), example.method, example.url);
            Fix fix;
            fix.title =
                needed.size() == 1
                    ? fmt::format("Add {}", needed.front())
                    : fmt::format("Add the {} resources below it that routes need", needed.size());
            fix.changes.push_back({q.file.path, {insert_after_line(text, r, needed)}});
            d.fixes.push_back(std::move(fix));
            out.push_back(std::move(d));
        }
    }
}

namespace {

// Whether `s` starts with `folded` (already folded by fold_ascii), ignoring ASCII case.
bool iprefix(std::string_view s, std::string_view folded) {
    return s.size() >= folded.size() && fold_ascii(s.substr(0, folded.size())) == folded;
}

} // namespace

bool complete_routes(const Query& q, Range token, std::string_view prefix,
                     const std::unordered_set<std::string_view>& listed, bool with_parents,
                     const std::function<TextEdit(const std::vector<std::string_view>&)>& insert,
                     CompletionResult& out) {
    // "/V1/..." or "METHOD /V1/...".
    std::string_view method, url = prefix;
    if (prefix.empty()) return false;
    if (prefix.front() != '/') {
        auto space = prefix.find(' ');
        if (space == std::string_view::npos || space + 1 >= prefix.size() ||
            prefix[space + 1] != '/')
            return false;
        method = prefix.substr(0, space);
        url = prefix.substr(space + 1);
        if (!std::all_of(method.begin(), method.end(),
                         [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
            return false;
    }
    const std::string folded_url = fold_ascii(url), folded_method = fold_ascii(method);
    const Snapshot& s = q.snapshot;
    if (!s.routes) return true;
    constexpr std::size_t kMaxItems = 100;
    for (const Route& r : s.routes->routes) {
        if (out.items.size() >= kMaxItems) {
            out.incomplete = true;
            break;
        }
        if (!iprefix(r.url, folded_url) || (!method.empty() && (method.size() != r.method.size() ||
                                                                !iprefix(r.method, folded_method))))
            continue;
        // What choosing it writes: the refs not listed (none is `self`: an integration never
        // passes it), each after its missing ancestors below the top.
        if (std::find(r.resources.begin(), r.resources.end(), "self") != r.resources.end())
            continue;
        std::vector<std::string_view> adds;
        auto add = [&](std::string_view id) {
            if (!listed.count(id) && std::find(adds.begin(), adds.end(), id) == adds.end())
                adds.push_back(id);
        };
        for (const std::string& ref : r.resources) {
            if (ref == "anonymous") continue;
            const AclNode* n = s.acl.find(ref);
            if (with_parents && n)
                for (const AclNode* a : s.acl.ancestors(*n))
                    if (a->parent != kNoAcl) add(a->id); // not the top-level node
            add(ref);
        }
        if (adds.empty()) continue; // nothing left to grant for it
        CompletionItem item;
        item.label = fmt::format("{} {}", r.method, r.url);
        item.filter_text = method.empty() ? r.url : item.label;
        item.detail = fmt::format("REST route: needs {}", fmt::join(r.resources, ", "));
        item.documentation = fmt::format(
            "`{}::{}`\n\nAdds {}. Magento allows the route only when every resource it names is "
            "granted.",
            r.service_class, r.service_method, fmt::join(adds, ", "));
        item.kind = CompletionKind::Value;
        item.edit = {token, std::string(adds.back())};
        adds.pop_back();
        if (!adds.empty()) item.additional_edits.push_back(insert(adds));
        item.sort_text = item.label;
        out.items.push_back(std::move(item));
    }
    return true;
}

} // namespace mil
