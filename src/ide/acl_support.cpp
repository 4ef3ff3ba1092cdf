#include "mil/ide/acl_support.hpp"
#include "mil/ide/routes_features.hpp"

#include "mil/base/embedded.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace mil {

std::string closest_acl_id(const AclTree& tree, std::string_view id) {
    if (id.empty()) return {};
    auto local = local_part(id);
    // 1. The same id in another case.
    for (const auto& n : tree.nodes)
        if (iequals(n.id, id)) return n.id;
    // 2. The same local part in another module (the id moved between modules).
    if (!local.empty() && local.size() != id.size()) {
        const AclNode* best = nullptr;
        for (const auto& n : tree.nodes)
            if (local_part(n.id) == local && (!best || n.id < best->id)) best = &n;
        if (best) return best->id;
    }
    // 3. The nearest by edit distance. The characters two ids do not share bound it from
    // below (each edit fixes at most one on each side), which rules out most ids at once.
    std::size_t limit = std::max<std::size_t>(2, id.size() / 3);
    const AclNode* best = nullptr;
    std::size_t best_d = limit + 1;
    constexpr std::size_t kBuckets = 32; // characters by folded value modulo 32
    std::array<int, kBuckets> wanted{};
    for (char c : id)
        ++wanted[static_cast<unsigned char>(ascii_lower(c)) % kBuckets];
    for (const auto& n : tree.nodes) {
        std::array<int, kBuckets> diff = wanted;
        for (char c : n.id)
            --diff[static_cast<unsigned char>(ascii_lower(c)) % kBuckets];
        std::size_t extra = 0, lacking = 0;
        for (int v : diff)
            (v > 0 ? extra : lacking) += static_cast<std::size_t>(v > 0 ? v : -v);
        if (std::max(extra, lacking) > std::min(limit, best_d)) continue;
        auto d = edit_distance(id, n.id, std::min(limit, best_d));
        if (d < best_d || (d == best_d && best && n.id < best->id)) {
            best = &n;
            best_d = d;
        }
    }
    return best && best_d <= limit ? best->id : std::string();
}

bool acl_tree_is_complete(const Snapshot& s) {
    return s.has_core || s.uses_catalog;
}

std::string display_path(const Snapshot& s, std::string_view path) {
    if (!s.root.empty() && path.size() > s.root.size() && path.substr(0, s.root.size()) == s.root &&
        path[s.root.size()] == '/')
        return std::string(path.substr(s.root.size() + 1));
    return std::string(path);
}

std::string describe_stray_whitespace(std::string_view v) {
    auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    auto side = [](std::string_view ws) -> std::string {
        if (ws.empty()) return {};
        if (ws.find_first_not_of(' ') == std::string_view::npos)
            return ws.size() == 1 ? "a space" : fmt::format("{} spaces", ws.size());
        if (ws.find_first_not_of('\t') == std::string_view::npos)
            return ws.size() == 1 ? "a tab" : fmt::format("{} tabs", ws.size());
        if (ws.find('\n') != std::string_view::npos || ws.find('\r') != std::string_view::npos)
            return "a line break";
        return "whitespace";
    };
    std::size_t b = 0, e = v.size();
    while (b < e && is_ws(v[b]))
        ++b;
    while (e > b && is_ws(v[e - 1]))
        --e;
    const std::string lead = side(v.substr(0, b)), trail = side(v.substr(e));
    if (lead.empty() && trail.empty()) return {};
    if (trail.empty()) return lead + " before it";
    if (lead.empty()) return trail + " after it";
    return lead + " before it and " + trail + " after it";
}

Location acl_definition_location(const AclNode& n) {
    for (const auto& d : n.declarations)
        if (!n.title_location.path.empty() && d.title_location.path == n.title_location.path &&
            d.title_location.range.begin == n.title_location.range.begin)
            return d.location;
    if (!n.declarations.empty()) return n.declarations.front().location;
    return {};
}

std::optional<Diagnostic> check_acl_ref(const Query& q, const IdRef& ref,
                                        std::string_view consequence,
                                        const std::unordered_set<std::string_view>* listed,
                                        const std::optional<TextEdit>& removal) {
    const Snapshot& s = q.snapshot;
    if (ref.id.empty() || !acl_tree_is_complete(s) || s.acl.find(ref.id) ||
        commerce_id_out_of_view(s, ref.id))
        return std::nullopt;
    // Declared by the settings as coming from an optional dependency.
    if (q.settings.known_resources.count(ref.id) ||
        q.settings.known_modules.count(module_part(ref.id)))
        return std::nullopt;
    Diagnostic d;
    d.range = ref.range;
    d.severity = Severity::Error;
    d.code = "unknown-resource";
    const std::string stray = describe_stray_whitespace(ref.id);
    auto dis = s.acl.disabled.find(ref.id);
    auto off = s.acl.disabled_by_module.find(ref.id);
    const bool disabled = dis != s.acl.disabled.end() || off != s.acl.disabled_by_module.end();
    if (dis != s.acl.disabled.end()) {
        d.message = fmt::format(
            "ACL resource '{}' is disabled (disabled=\"true\" on it or an ancestor)", ref.id);
        if (!dis->second.path.empty()) d.related.push_back({dis->second, "disabled here"});
    } else if (disabled) {
        // Framework\Module\ModuleList::has: a module set to 0 is disabled, and
        // Module\Dir\Reader::getFiles reads the acl.xml of enabled modules only.
        const auto config = s.disabled_modules.find(off->second.module);
        d.message = fmt::format(
            "ACL resource '{}' is declared only by {}, which {} disables: Magento reads no "
            "acl.xml of a disabled module",
            ref.id, off->second.module,
            config == s.disabled_modules.end() ? std::string("app/etc/config.php")
                                               : display_path(s, config->second.path));
        if (config != s.disabled_modules.end())
            d.related.push_back({config->second, "disabled here"});
        if (!off->second.declared.path.empty())
            d.related.push_back({off->second.declared, "declared here"});
    } else if (!stray.empty()) {
        d.message = fmt::format("ACL resource '{}' has {}: Magento does not trim ids, so no "
                                "acl.xml defines it as written",
                                ref.id, stray);
    } else {
        d.message =
            fmt::format("Unknown ACL resource '{}': no acl.xml in {} defines it", ref.id,
                        s.has_core ? "this tree" : "this module or the bundled Magento catalogue");
    }
    if (!consequence.empty()) d.message += fmt::format("; {}", consequence);
    auto remove_fix = [&](std::string title) {
        if (!removal) return;
        Fix fix;
        fix.title = std::move(title);
        fix.preferred = true;
        fix.changes.push_back({q.file.path, {*removal}});
        d.fixes.push_back(std::move(fix));
    };
    // Another id would be another privilege: a disabled one is only ever removed.
    std::string suggestion = disabled ? std::string() : closest_acl_id(s.acl, ref.id);
    bool trim = false;
    if (!stray.empty() && !disabled) {
        std::string_view trimmed = ref.id;
        trimmed.remove_prefix(std::min(trimmed.find_first_not_of(" \t\r\n"), trimmed.size()));
        trimmed.remove_suffix(trimmed.size() -
                              std::min(trimmed.find_last_not_of(" \t\r\n") + 1, trimmed.size()));
        if (s.acl.find(trimmed)) {
            suggestion = std::string(trimmed);
            trim = true;
        }
    }
    if (disabled) {
        d.message += ".";
        remove_fix(fmt::format("Remove the disabled '{}'", ref.id));
    } else if (!suggestion.empty() && listed && listed->count(suggestion)) {
        d.message += fmt::format(". The closest id, '{}', is listed already.", suggestion);
        remove_fix(fmt::format("Remove '{}'", ref.id));
    } else if (!suggestion.empty()) {
        d.message += fmt::format(". Did you mean '{}'?", suggestion);
        Fix fix;
        fix.title = trim ? fmt::format("Trim to '{}'", suggestion)
                         : fmt::format("Replace with '{}'", suggestion);
        fix.changes.push_back({q.file.path, {{ref.range, suggestion}}});
        fix.preferred = true;
        // Trimming is safe: the id as written names nothing (Magento trims no id), the trimmed
        // one is in the tree. Safe too when only the case differs and no other id matches
        // ignoring case.
        if (trim) {
            fix.safe = true;
        } else if (iequals(suggestion, ref.id)) {
            std::size_t same = 0;
            for (const AclNode& n : s.acl.nodes)
                same += iequals(n.id, ref.id);
            fix.safe = same == 1;
        }
        d.fixes.push_back(std::move(fix));
        if (const AclNode* n = s.acl.find(suggestion))
            if (Location at = acl_definition_location(*n); !at.path.empty())
                d.related.push_back({at, fmt::format("'{}' is defined here", suggestion)});
    } else {
        d.message += ".";
    }
    return d;
}

std::string acl_hover(const Snapshot& s, std::string_view id) {
    const AclNode* n = s.acl.find(id);
    if (!n) {
        auto off = s.acl.disabled_by_module.find(std::string(id));
        if (off != s.acl.disabled_by_module.end())
            return fmt::format("`{}`\n\nDeclared only by {}, which app/etc/config.php "
                               "disables: Magento reads no acl.xml of a disabled module, so "
                               "the id is not in its ACL.",
                               id, off->second.module);
        auto dis = s.acl.disabled.find(std::string(id));
        if (dis != s.acl.disabled.end())
            return fmt::format(
                "`{}`\n\nDisabled: this resource (or an ancestor) has `disabled=\"true\"`, so "
                "Magento removes it from the ACL tree.",
                id);
        if (commerce_id_out_of_view(s, id))
            return fmt::format(
                "`{}`\n\nA resource of {}, a module of Adobe Commerce: this workspace has no "
                "Magento core, and the bundled catalogue is Magento Open Source's, so whether the "
                "id exists is not checked.",
                id, module_part(id));
        return {};
    }
    std::string md = fmt::format("**{}**  \n`{}`\n\n{}\n\n", n->title.empty() ? n->id : n->title,
                                 n->id, s.acl.breadcrumb(*n));
    if (n->from_catalog) {
        md += fmt::format("Module {} — from the bundled Magento Open Source 2.4.8 catalogue (this "
                          "workspace has no Magento core).",
                          n->module.empty() ? "?" : n->module);
    } else {
        std::string where =
            n->title_location.path.empty()
                ? (n->declarations.empty() ? std::string()
                                           : display_path(s, n->declarations.front().location.path))
                : display_path(s, n->title_location.path);
        md += fmt::format("Defined by {} in `{}`", n->module.empty() ? "?" : n->module, where);
        if (n->declarations.size() > 1)
            md += fmt::format(" (declared in {} acl.xml files)", n->declarations.size());
    }
    if (!n->children.empty())
        md += fmt::format("\n\n{} child resource{}", n->children.size(),
                          n->children.size() == 1 ? "" : "s");
    md += routes_needing_markdown(s, id); // REST routes that name it
    return md;
}

std::string acl_completion_documentation(const AclTree& tree, const AclNode& node) {
    const std::string_view module =
        node.module.empty() ? std::string_view("?") : std::string_view(node.module);
    const std::string_view from = node.from_catalog ? " (bundled catalogue)" : "";
    std::string doc = tree.breadcrumb(node);
    doc.reserve(doc.size() + 9 + module.size() + from.size());
    doc += "\n\nModule ";
    doc += module;
    doc += from;
    return doc;
}

void complete_acl_ids(const Query& q, Range token, std::string_view prefix, CompletionResult& out,
                      std::vector<std::uint32_t>* nodes) {
    const AclTree& tree = q.snapshot.acl;
    const std::string folded = fold_ascii(prefix);
    struct Hit {
        std::uint32_t node;
        int rank;
        std::uint32_t order;
    };
    std::vector<Hit> hits;
    std::uint32_t order = 0;
    CancelCheck cancel(q.cancel);
    for (std::uint32_t n : tree.preorder()) {
        cancel.tick();
        const AclNode& node = tree.nodes[n];
        ++order;
        int rank;
        if (istarts_with(node.id, folded))
            rank = 0;
        else if (icontains_folded(node.id, folded))
            rank = 1;
        else if (icontains_folded(node.title, folded))
            rank = 2;
        else
            continue;
        hits.push_back({n, rank, order});
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.rank < b.rank; });
    // A real tree has around a thousand ids; past this, the best ranked ones and the client
    // asks again as the user types.
    constexpr std::size_t kMaxItems = 5000;
    if (hits.size() > kMaxItems) {
        hits.resize(kMaxItems);
        out.incomplete = true;
    }
    out.items.reserve(out.items.size() + hits.size());
    if (nodes) nodes->reserve(nodes->size() + hits.size());
    std::uint32_t i = 0;
    for (const Hit& h : hits) {
        cancel.tick();
        if (nodes) nodes->push_back(h.node);
        const AclNode& node = tree.nodes[h.node];
        CompletionItem& item = out.items.emplace_back(); // made in place: no move per item
        item.label = node.id;
        item.detail = node.title;
        item.kind = CompletionKind::Value;
        if (q.settings.lazy_documentation)
            item.documentation_source = DocumentationSource::AclId;
        else
            item.documentation = acl_completion_documentation(tree, node);
        item.edit.range = token;
        item.edit.new_text = node.id;
        // The title too, so that typing a word of it finds the id.
        item.filter_by_detail = !node.title.empty();
        char digits[8] = "000000";
        auto r = std::to_chars(digits, digits + 6, i++);
        // Six digits, zero padded (the list is cut far below a million items).
        item.sort_text.assign(6 - static_cast<std::size_t>(r.ptr - digits), '0');
        item.sort_text.append(digits, r.ptr);
    }
}

std::vector<Location> acl_definitions(const Snapshot& s, std::string_view id, bool all) {
    std::vector<Location> out;
    const AclNode* n = s.acl.find(id);
    if (!n) return out;
    for (const auto& d : n->declarations)
        if (all || d.has_title) out.push_back(d.location);
    if (out.empty())
        for (const auto& d : n->declarations)
            out.push_back(d.location);
    return out;
}

std::vector<Location> acl_references(const Snapshot& s, std::string_view id,
                                     bool include_declarations) {
    std::vector<Location> out;
    for (const auto& [path, f] : s.files) {
        if (include_declarations)
            for (const auto& d : f->facts.acl)
                if (d.id == id) out.push_back({f->path, d.id_range});
        for (const auto& integ : f->facts.integrations)
            for (const auto& r : integ.resources)
                if (r.id == id) out.push_back({f->path, r.range});
        for (const auto& r : f->facts.acl_refs)
            if (r.id == id) out.push_back({f->path, r.range});
    }
    return out;
}

} // namespace mil
