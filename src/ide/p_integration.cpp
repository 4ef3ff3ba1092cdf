// Integration files: etc/integration.xml and the legacy etc/integration/{config,api}.xml.
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"
#include "mil/ide/routes_features.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace mil {

namespace {

bool is_top(std::string_view id) {
    return id == "Magento_Backend::admin" || id == "Magento_Backend::all";
}

// Ancestors of `id` that the integration should list too (below Magento_Backend::admin).
std::vector<const AclNode*> wanted_ancestors(const Snapshot& s, std::string_view id) {
    std::vector<const AclNode*> out;
    const AclNode* n = s.acl.find(id);
    if (!n) return out;
    for (const AclNode* a : s.acl.ancestors(*n))
        if (!is_top(a->id)) out.push_back(a);
    return out;
}

void append_resource_line(std::string& out, std::string_view id) {
    out += "<resource name=\"";
    out += id;
    out += "\"/>";
}

// Where and how <resource> lines are inserted before the line holding an element.
struct InsertPoint {
    Offset at = 0;
    bool own_line = false; // the element starts its line: whole lines, indented as it is
    std::string indent;
    std::string nl;
};

InsertPoint insert_point(const Query& q, Offset before) {
    const std::string& text = *q.file.text;
    InsertPoint p;
    Offset start = line_start(text, before);
    p.own_line = std::string_view(text).substr(start, before - start).find_first_not_of(" \t") ==
                 std::string_view::npos;
    p.at = p.own_line ? start : before;
    if (p.own_line) {
        p.indent = line_indent(text, before);
        p.nl = newline_of(text);
    }
    return p;
}

// The edit that inserts `ids` as <resource> lines at `p`.
TextEdit insert_resources(const InsertPoint& p, const std::vector<std::string_view>& ids) {
    TextEdit edit{{p.at, p.at}, {}};
    std::size_t size = 0;
    for (auto id : ids)
        size += p.indent.size() + 18 + id.size() + p.nl.size();
    edit.new_text.reserve(size);
    for (auto id : ids) {
        edit.new_text += p.indent;
        append_resource_line(edit.new_text, id);
        edit.new_text += p.nl;
    }
    return edit;
}

class IntegrationParticipant final : public Participant {
public:
    const char* name() const override { return "integration"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::Integration || kind == FileKind::IntegrationConfig ||
               kind == FileKind::IntegrationApi;
    }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        XmlDocument doc = parse_xml(*entry.text);
        const XmlElement* root = doc.root_element();
        if (!root) return;
        const char* want_root = entry.kind == FileKind::Integration ? "config" : "integrations";
        if (root->name != want_root) return;
        for (auto i : doc.children(doc.root, "integration")) {
            const XmlElement& e = doc.elements[i];
            IntegrationDecl decl;
            decl.name = attr_value(e, "name");
            decl.element_name_range = e.name_range;
            decl.element_range = e.range;
            for (auto c : doc.children(i)) {
                const XmlElement& child = doc.elements[c];
                if (child.name == "email" && !decl.email)
                    decl.email = text_value(child);
                else if (child.name == "endpoint_url" && !decl.endpoint_url)
                    decl.endpoint_url = text_value(child);
                else if (child.name == "identity_link_url" && !decl.identity_link_url)
                    decl.identity_link_url = text_value(child);
                else if (child.name == "resources") {
                    decl.has_resources = true;
                    decl.resources_range = child.range;
                    decl.resources_content = child.content;
                    for (auto r : doc.children(c, "resource")) {
                        TextValue v = attr_value(doc.elements[r], "name");
                        decl.resources.push_back({v.value, v.range});
                    }
                }
            }
            facts.integrations.push_back(std::move(decl));
        }
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        const FileKind kind = q.file.kind;
        for (const auto& integ : q.file.facts.integrations) {
            if (kind != FileKind::IntegrationConfig) check_resources(q, integ, out);
            if (kind == FileKind::Integration || kind == FileKind::IntegrationConfig) {
                check_url(q, integ.endpoint_url, "endpoint_url",
                          "Magento posts the OAuth consumer key, secret and verifier to this URL",
                          out);
                check_url(q, integ.identity_link_url, "identity_link_url",
                          "the admin's browser is sent to this URL with the consumer id", out);
            }
            if (kind == FileKind::Integration) check_merged(q, integ, out);
        }
        routes_diagnostics(q, out); // grants-no-route, grants-everything
        if (kind != FileKind::Integration && !q.file.facts.integrations.empty()) {
            const XmlDocument& doc = q.xml();
            if (const XmlElement* root = doc.root_element()) {
                Diagnostic d;
                d.range = root->name_range;
                d.severity = Severity::Hint;
                d.code = "deprecated-integration-config";
                d.deprecated = true;
                d.message = fmt::format(
                    "etc/integration/{} is the legacy integration format (deprecated since Magento "
                    "2.1); it "
                    "needs a setup script calling processIntegrationConfig(). etc/integration.xml "
                    "replaces "
                    "config.xml and api.xml, and Magento applies it on every setup:upgrade.",
                    kind == FileKind::IntegrationApi ? "api.xml" : "config.xml");
                out.push_back(std::move(d));
            }
        }
    }

    void complete(const Query& q, CompletionResult& out) const override {
        if (q.file.kind == FileKind::IntegrationConfig) return;
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind != CursorKind::AttributeValue || c.attribute != "name" || c.path.empty() ||
            c.path.back() != "resource")
            return;
        if (complete_by_route(q, doc, c, out)) return;
        std::size_t first = out.items.size();
        if (!q.settings.insert_parents) {
            complete_acl_ids(q, c.token, c.prefix, out);
            return;
        }
        std::vector<std::uint32_t> nodes;
        complete_acl_ids(q, c.token, c.prefix, out, &nodes);
        // Choosing a resource also writes the ancestors the integration does not list yet.
        const IntegrationDecl* integ = integration_at(q, q.offset);
        if (!integ || c.element == kNoNode) return;
        std::set<std::string_view> listed;
        for (const auto& r : integ->resources)
            if (!r.range.touches(q.offset)) listed.insert(r.id);
        const InsertPoint point = insert_point(q, doc.elements[c.element].range.begin);
        // The missing ancestors depend only on the parent: the edit and the note are made
        // once per parent (a list of every id has a few dozen) and shared by its items.
        std::unordered_map<std::uint32_t, std::uint32_t> shared_of_parent; // 0: nothing missing
        const AclTree& tree = q.snapshot.acl;
        std::vector<std::string_view> missing;
        for (std::size_t i = first; i < out.items.size(); ++i) {
            const std::uint32_t parent = tree.nodes[nodes[i - first]].parent;
            auto [it, added] = shared_of_parent.try_emplace(parent, 0);
            if (added) {
                missing.clear();
                std::size_t steps = 0; // as AclTree::ancestors: a cycle cannot hang this
                for (std::uint32_t p = parent; p != kNoAcl && steps < tree.nodes.size();
                     p = tree.nodes[p].parent, ++steps) {
                    const std::string& id = tree.nodes[p].id;
                    if (!is_top(id) && !listed.count(id)) missing.push_back(id);
                }
                std::reverse(missing.begin(), missing.end()); // from the top down
                if (!missing.empty()) {
                    CompletionShared& s = out.shared.emplace_back();
                    s.edits.push_back(insert_resources(point, missing));
                    s.note = fmt::format("\n\nAlso adds the missing parent{}: {}",
                                         missing.size() == 1 ? "" : "s", fmt::join(missing, ", "));
                    it->second = static_cast<std::uint32_t>(out.shared.size());
                }
            }
            out.items[i].shared = it->second;
        }
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        const IdRef* r = resource_at(q);
        if (!r) {
            // The integration's name: the REST routes it can call (routes_features.hpp).
            for (const auto& integ : q.file.facts.integrations)
                if (integ.name.range.touches(q.offset) && !integ.name.value.empty())
                    if (auto md = integration_routes_markdown(q.snapshot, integ.name.value);
                        !md.empty())
                        return HoverResult{std::move(md), integ.name.range};
            return std::nullopt;
        }
        std::string md = acl_hover(q.snapshot, r->id);
        if (md.empty()) return std::nullopt;
        if (const IntegrationDecl* integ = integration_at(q, r->range.begin))
            md += routes_thanks_to_markdown(q.snapshot, integ->name.value, r->id);
        return HoverResult{md, r->range};
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        if (const IdRef* r = resource_at(q)) {
            auto defs = acl_definitions(q.snapshot, r->id);
            out.insert(out.end(), defs.begin(), defs.end());
        }
    }

    void references(const Query& q, bool include_declaration,
                    std::vector<Location>& out) const override {
        if (const IdRef* r = resource_at(q)) {
            auto refs = acl_references(q.snapshot, r->id, include_declaration);
            out.insert(out.end(), refs.begin(), refs.end());
        }
    }

private:
    static const IdRef* resource_at(const Query& q) {
        for (const auto& integ : q.file.facts.integrations)
            for (const auto& r : integ.resources)
                if (r.range.touches(q.offset)) return &r;
        return nullptr;
    }

    // A REST route typed as the name (`/V1/orders/`, `GET /V1/orders/:id`): the resources it
    // needs (routes_features.hpp).
    static bool complete_by_route(const Query& q, const XmlDocument& doc, const CursorContext& c,
                                  CompletionResult& out) {
        std::unordered_set<std::string_view> listed;
        if (const IntegrationDecl* integ = integration_at(q, q.offset))
            for (const auto& r : integ->resources)
                if (!r.range.touches(q.offset)) listed.insert(r.id);
        const Offset before =
            c.element == kNoNode ? c.token.begin : doc.elements[c.element].range.begin;
        const InsertPoint point = insert_point(q, before);
        return complete_routes(
            q, c.token, c.prefix, listed, q.settings.insert_parents,
            [&](const std::vector<std::string_view>& ids) { return insert_resources(point, ids); },
            out);
    }

    static const IntegrationDecl* integration_at(const Query& q, Offset offset) {
        for (const auto& integ : q.file.facts.integrations)
            if (integ.element_range.touches(offset)) return &integ;
        return nullptr;
    }

    static void check_resources(const Query& q, const IntegrationDecl& integ,
                                std::vector<Diagnostic>& out) {
        const bool legacy = q.file.kind == FileKind::IntegrationApi;
        std::set<std::string> listed;
        for (const auto& r : integ.resources)
            listed.insert(r.id);
        std::set<std::string> seen;
        for (const auto& r : integ.resources) {
            if (r.id.empty()) continue;
            if (!seen.insert(r.id).second) {
                Diagnostic d;
                d.range = r.range;
                d.severity = Severity::Warning;
                d.code = "duplicate-resource";
                d.message = fmt::format(
                    "'{}' is already listed in integration '{}'; Magento keeps it once.", r.id,
                    integ.name.value);
                d.unnecessary = true;
                for (const auto& first : integ.resources)
                    if (first.id == r.id) {
                        d.related.push_back({{q.file.path, first.range}, "first listed here"});
                        break;
                    }
                out.push_back(std::move(d));
                continue;
            }
            if (auto d = check_acl_ref(
                    q, r,
                    legacy ? "Magento stores it as listed, but it grants nothing"
                           : "Magento drops it from the integration without any error or log")) {
                out.push_back(std::move(*d));
                continue;
            }
            std::vector<std::string_view> missing;
            for (const AclNode* a : wanted_ancestors(q.snapshot, r.id))
                if (!listed.count(a->id)) missing.push_back(a->id);
            if (missing.empty()) continue;
            Diagnostic d;
            d.range = r.range;
            d.severity = Severity::Warning;
            d.code = "missing-parent";
            d.message = fmt::format(
                "'{}' is listed without its parent{} {}. {}", r.id, missing.size() == 1 ? "" : "s",
                fmt::join(missing, ", "),
                legacy ? "api.xml resources are stored exactly as listed, so the admin's "
                         "permission tree shows "
                         "this resource under unchecked parents."
                       : "Magento adds ancestors itself at run time, but the admin's permission "
                         "tree shows them "
                         "unchecked and Magento's guide asks integrations to list every parent.");
            Fix fix;
            fix.title = missing.size() == 1 ? fmt::format("Add parent '{}'", missing.front())
                                            : fmt::format("Add {} missing parents", missing.size());
            fix.preferred = true;
            fix.changes.push_back(
                {q.file.path,
                 {insert_resources(insert_point(q, element_begin(q, r.range)), missing)}});
            d.fixes.push_back(std::move(fix));
            out.push_back(std::move(d));
        }
    }

    // Start of the element that holds an attribute value range (the '<' before it).
    static Offset element_begin(const Query& q, Range value) {
        const std::string& text = *q.file.text;
        Offset o = value.begin;
        while (o > 0 && text[o] != '<')
            --o;
        return o;
    }

    static void check_url(const Query& q, const std::optional<TextValue>& url,
                          std::string_view what, std::string_view why,
                          std::vector<Diagnostic>& out) {
        if (!url || url->value.empty()) return;
        const std::string& v = url->value;
        if (v.rfind("https://", 0) == 0) return;
        Diagnostic d;
        d.range = url->range;
        d.severity = Severity::Warning;
        d.code = "insecure-url";
        d.message = fmt::format("{} '{}' is not an https:// URL: {} in clear text.", what, v, why);
        if (v.rfind("http://", 0) == 0) {
            Fix fix;
            fix.title = "Use https://";
            fix.preferred = true;
            fix.changes.push_back(
                {q.file.path, {{{url->range.begin, url->range.begin + 7}, "https://"}}});
            d.fixes.push_back(std::move(fix));
        }
        out.push_back(std::move(d));
    }

    // Rules over the integration as Magento merges it from every module's integration.xml.
    static void check_merged(const Query& q, const IntegrationDecl& integ,
                             std::vector<Diagnostic>& out) {
        if (integ.name.value.empty()) return;
        auto it = q.snapshot.integrations.find(integ.name.value);
        std::vector<const IntegrationRef*> same;
        if (it != q.snapshot.integrations.end())
            for (const auto& r : it->second)
                if (r.kind == FileKind::Integration) same.push_back(&r);
        bool has_email = false;
        for (const IntegrationRef* r : same)
            if (const IntegrationDecl* d = q.snapshot.integration(*r);
                d && d->email && !d->email->value.empty())
                has_email = true;
        if (integ.email && !integ.email->value.empty()) has_email = true;
        if (!has_email) {
            Diagnostic d;
            d.range = integ.name.range;
            d.severity = Severity::Warning;
            d.code = "integration-missing-email";
            d.message = fmt::format(
                "Integration '{}' has no <email> in any module's integration.xml; Magento "
                "creates it with an empty email, so its owner cannot be contacted.",
                integ.name.value);
            out.push_back(std::move(d));
        }
        for (const IntegrationRef* r : same) {
            if (r->path == q.file.path) continue;
            const IntegrationDecl* other = q.snapshot.integration(*r);
            if (!other) continue;
            Diagnostic d;
            d.range = integ.name.range;
            d.severity = Severity::Info;
            d.code = "duplicate-integration";
            d.message = fmt::format(
                "Integration '{}' is also declared by {}; Magento merges the two, the module "
                "loaded later wins for email and URLs, and resources are combined.",
                integ.name.value,
                r->module.empty() ? display_path(q.snapshot, r->path) : r->module);
            d.related.push_back({{r->path, other->name.range}, "also declared here"});
            out.push_back(std::move(d));
        }
    }
};

} // namespace

const Participant& integration_participant() {
    static const IntegrationParticipant p;
    return p;
}

} // namespace mil
