// Integration files: etc/integration.xml and the legacy etc/integration/{config,api}.xml.
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"
#include "mil/ide/routes_features.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace mil {

namespace {

bool is_top(std::string_view id) {
    return id == "Magento_Backend::admin" || id == "Magento_Backend::all";
}

// The ancestors an integration lacks (below Magento_Backend::admin), per ACL node, as links
// shared along the tree: the link of a node's nearest missing ancestor leads to the next one
// up. Each node is visited once however many listed ids lie under it, so checking or
// completing over a deep tree stays linear in its size.
class MissingAncestors {
public:
    struct Link {
        std::uint32_t node;  // the missing ancestor
        std::uint32_t up;    // 1 + index of the next missing one above; 0: none
        std::uint32_t count; // missing ones from here to the top
    };

    MissingAncestors(const AclTree& tree, const std::unordered_set<std::string_view>& listed)
        : tree_(tree), listed_(listed) {}

    // 1 + index of the nearest missing ancestor strictly above `node`; 0: none.
    std::uint32_t above(std::uint32_t node) {
        return node < tree_.nodes.size() ? at(tree_.nodes[node].parent) : 0;
    }

    // 1 + index of the link of `node` itself when missing, else of its nearest missing
    // ancestor; 0: none.
    std::uint32_t at(std::uint32_t node) {
        // Up to a node already known (or the top), then down again; a cycle cannot hang this.
        std::vector<std::uint32_t> path;
        std::uint32_t known = 0;
        for (std::uint32_t n = node; n != kNoAcl && path.size() <= tree_.nodes.size();
             n = tree_.nodes[n].parent) {
            auto it = memo_.find(n);
            if (it != memo_.end()) {
                known = it->second;
                break;
            }
            path.push_back(n);
        }
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            const std::string& id = tree_.nodes[*it].id;
            if (!is_top(id) && !listed_.count(id)) {
                links_.push_back({*it, known, known ? links_[known - 1].count + 1 : 1});
                known = static_cast<std::uint32_t>(links_.size());
            }
            memo_.emplace(*it, known);
        }
        return known;
    }

    const Link& link(std::uint32_t i) const { return links_[i - 1]; }
    std::uint32_t count(std::uint32_t i) const { return i ? links_[i - 1].count : 0; }

    // The ids of the chain from link `i` up, the top first; at most `max` of them, the
    // nearest ones.
    std::vector<std::string_view> ids(std::uint32_t i, std::size_t max) const {
        std::vector<std::string_view> out;
        for (; i != 0 && out.size() < max; i = links_[i - 1].up)
            out.push_back(tree_.nodes[links_[i - 1].node].id);
        std::reverse(out.begin(), out.end());
        return out;
    }

private:
    const AclTree& tree_;
    const std::unordered_set<std::string_view>& listed_;
    std::vector<Link> links_;
    std::unordered_map<std::uint32_t, std::uint32_t> memo_;
};

// A list of ids for a message: every one when few, else the last `max` after how many more.
std::string id_list(const std::vector<std::string_view>& shown, std::size_t total) {
    if (total <= shown.size()) return fmt::format("{}", fmt::join(shown, ", "));
    return fmt::format("{} and {} more above them", fmt::join(shown, ", "), total - shown.size());
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
            check_name_whitespace(q, integ, out);
            if (kind != FileKind::IntegrationConfig) check_resources(q, integ, out);
            if (kind == FileKind::Integration || kind == FileKind::IntegrationConfig) {
                check_url(q, integ, true, out);
                check_url(q, integ, false, out);
            }
            if (kind == FileKind::Integration) check_merged(q, integ, out);
            if (kind != FileKind::Integration) check_legacy_links(q, integ, out);
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
        std::unordered_set<std::string_view> listed;
        for (const auto& r : integ->resources)
            if (!r.range.touches(q.offset)) listed.insert(r.id);
        const InsertPoint point = insert_point(q, doc.elements[c.element].range.begin);
        // The missing ancestors depend only on the parent, and those of a parent are its own
        // (when missing) after its parent's: one link per missing ancestor, shared by every
        // item below it (CompletionShared), so a deep tree costs its size, not its square.
        MissingAncestors missing(q.snapshot.acl, listed);
        std::vector<std::uint32_t> shared_of_link; // link -> 1 + index in out.shared; 0: not yet
        auto share = [&](std::uint32_t link) -> std::uint32_t {
            if (shared_of_link.size() < link) shared_of_link.resize(link, 0);
            // The links not shared yet, from this one up; then made from the top down.
            std::vector<std::uint32_t> todo;
            for (std::uint32_t l = link; l != 0 && !shared_of_link[l - 1]; l = missing.link(l).up)
                todo.push_back(l);
            for (auto it = todo.rbegin(); it != todo.rend(); ++it) {
                const auto& lk = missing.link(*it);
                const std::uint32_t up = lk.up ? shared_of_link[lk.up - 1] : 0;
                CompletionShared& sh = out.shared.emplace_back();
                sh.at = point.at;
                sh.name = q.snapshot.acl.nodes[lk.node].id;
                sh.text = insert_resources(point, {sh.name}).new_text;
                sh.up = up;
                sh.count = up ? out.shared[up - 1].count + 1 : 1;
                sh.bytes = sh.text.size() + (up ? out.shared[up - 1].bytes : 0);
                shared_of_link[*it - 1] = static_cast<std::uint32_t>(out.shared.size());
            }
            return link ? shared_of_link[link - 1] : 0;
        };
        CancelCheck cancel(q.cancel);
        for (std::size_t i = first; i < out.items.size(); ++i) {
            cancel.tick();
            out.items[i].shared = share(missing.above(nodes[i - first]));
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

    // Magento trims no integration name (Consolidated\Converter::convert, Config\Converter
    // ::convert and Integration\Converter::convert read the attribute as it is).
    static void check_name_whitespace(const Query& q, const IntegrationDecl& integ,
                                      std::vector<Diagnostic>& out) {
        const std::string& v = integ.name.value;
        const std::string stray = describe_stray_whitespace(v);
        if (stray.empty()) return;
        const auto b = v.find_first_not_of(" \t\r\n");
        Diagnostic d;
        d.range = integ.name.range;
        d.severity = Severity::Warning;
        d.code = "stray-whitespace";
        d.message = fmt::format(
            "Integration name '{}' has {}: Magento does not trim names, so the integration is "
            "called '{}' in the admin, merges only with integrations spelt the same way, and "
            "processIntegrationConfig() must be passed the name with the whitespace.",
            v, stray, v);
        if (b != std::string::npos) {
            const std::string trimmed = v.substr(b, v.find_last_not_of(" \t\r\n") + 1 - b);
            Fix fix;
            fix.title = fmt::format("Trim to '{}'", trimmed);
            fix.preferred = true;
            // Safe unless a setup script passes the name as written (it would then name an
            // integration that no longer exists).
            fix.safe = processed_by_setup(q.snapshot, v) == 0;
            fix.changes.push_back({q.file.path, {{integ.name.range, trimmed}}});
            d.fixes.push_back(std::move(fix));
        }
        out.push_back(std::move(d));
    }

    // How the setup scripts of the tree name `name` in processIntegrationConfig() calls:
    // 1 exactly, 0 not at all, -1 not known (a call with a name the checker cannot resolve).
    static int processed_by_setup(const Snapshot& s, std::string_view name) {
        bool unresolved = false;
        for (const auto& [key, f] : s.files) {
            if (f->kind != FileKind::SetupPhp || f->facts.setup_calls.empty()) continue;
            // Never run: misnamed (setup-script-not-run), or of a disabled module.
            if (misnamed_setup_script(f->path) || s.in_disabled_module(*f)) continue;
            for (const auto& call : resolve_setup_calls(s, *f))
                for (const auto& n : call.names) {
                    if (n.resolved && n.value == name) return 1;
                    if (!n.resolved) unresolved = true;
                }
        }
        return unresolved ? -1 : 0;
    }

    // The legacy pair: config.xml (created by processIntegrationConfig()) and the resources
    // that api.xml or integration.xml give the same name.
    static void check_legacy_links(const Query& q, const IntegrationDecl& integ,
                                   std::vector<Diagnostic>& out) {
        const std::string& name = integ.name.value;
        if (name.empty()) return;
        auto it = q.snapshot.integrations.find(name);
        if (it == q.snapshot.integrations.end()) return;
        const IntegrationRef* api = nullptr;
        const IntegrationRef* modern = nullptr;
        for (const auto& r : it->second) {
            if (r.kind == FileKind::IntegrationApi && !api) api = &r;
            if (r.kind == FileKind::Integration && !modern) modern = &r;
        }
        auto related = [&](Diagnostic& d, const IntegrationRef* r, const char* what) {
            if (const IntegrationDecl* decl = r ? q.snapshot.integration(*r) : nullptr)
                d.related.push_back({{r->path, decl->name.range}, what});
        };
        if (q.file.kind == FileKind::IntegrationApi) {
            // Integration\Model\Plugin\Integration::_addAllowedResources: array_merge of
            // the api.xml and integration.xml configurations, so the later entry of the same
            // name replaces the whole api.xml one, resources included.
            if (!modern) return;
            Diagnostic d;
            d.range = integ.name.range;
            d.severity = Severity::Warning;
            d.code = "overridden-integration";
            d.message =
                fmt::format("etc/integration.xml also declares integration '{}': Magento takes its "
                            "resources from there and ignores this file's resources entirely.",
                            name);
            related(d, modern, "declared here");
            out.push_back(std::move(d));
            return;
        }
        const int processed = processed_by_setup(q.snapshot, name);
        if (processed == 1 && !api && !modern) {
            // Integration\Model\Plugin\Integration::_addAllowedResources reads
            // $integrations[$name]['resource'] without isset after create() saved the row.
            Diagnostic d;
            d.range = integ.name.range;
            d.severity = Severity::Error;
            d.code = "missing-integration-resources";
            d.message = fmt::format(
                "processIntegrationConfig() creates integration '{}', but no "
                "etc/integration/api.xml (or etc/integration.xml) declares an integration of "
                "that exact name: Magento then reads its resources without a check, so "
                "setup:upgrade fails with \"Undefined array key \"{}\"\" (after saving the "
                "integration), and so does opening it in the admin.",
                name, name);
            out.push_back(std::move(d));
        } else if (processed == 0 && !modern) {
            // Config\Converter data is read only by ConfigBasedIntegrationManager::
            // processIntegrationConfig; nothing else creates a config.xml integration. Code
            // outside Setup/ (not read here) may call it: info, not a warning.
            Diagnostic d;
            d.range = integ.name.range;
            d.severity = Severity::Info;
            d.code = "unprocessed-integration";
            d.message = fmt::format(
                "No setup script under Setup/ passes '{}' to processIntegrationConfig(): unless "
                "other code calls it, Magento never creates this integration (a setup class "
                "outside Setup/ is never run). etc/integration.xml needs no setup script.",
                name);
            related(d, api, "its resources");
            out.push_back(std::move(d));
        }
    }

    static std::string_view unknown_consequence(bool legacy) {
        return legacy ? "Magento keeps it in the integration's configuration, but it writes "
                        "permission rows only for ids of the ACL, so it grants nothing"
                      : "Magento drops it from the integration without any error or log";
    }

    // The edit that removes the element holding the attribute value `value`: its whole line
    // when nothing else is on it.
    static std::optional<TextEdit> remove_element(const Query& q, Range value) {
        const std::string& text = *q.file.text;
        Offset begin = element_begin(q, value);
        if (begin >= text.size() || text[begin] != '<') return std::nullopt;
        std::size_t gt = text.find('>', value.end);
        if (gt == std::string::npos) return std::nullopt;
        Offset end = static_cast<Offset>(gt + 1);
        if (text[gt - 1] != '/') { // <resource name="..."></resource>
            const std::size_t close = text.find("</resource>", end);
            if (close == std::string::npos ||
                text.find('<', end) != close) // something in between: leave it alone
                return std::nullopt;
            end = static_cast<Offset>(close + 11);
        }
        const Offset line_begin = line_start(text, begin);
        std::size_t after = end;
        while (after < text.size() && (text[after] == ' ' || text[after] == '\t'))
            ++after;
        const bool alone_before = std::string_view(text)
                                      .substr(line_begin, begin - line_begin)
                                      .find_first_not_of(" \t") == std::string_view::npos;
        if (alone_before && (after == text.size() || text[after] == '\n' || text[after] == '\r')) {
            if (after < text.size() && text[after] == '\r') ++after;
            if (after < text.size() && text[after] == '\n') ++after;
            return TextEdit{{line_begin, static_cast<Offset>(after)}, {}};
        }
        return TextEdit{{begin, end}, {}};
    }

    // Whether the integration (in integration.xml: merged over every module's file) lists a
    // resource of the tree below Magento_Backend::admin besides `except`.
    static bool grants_below_admin(const Query& q, const IntegrationDecl& integ,
                                   const IdRef& except) {
        auto grants = [&](const IntegrationDecl& d) {
            for (const auto& r : d.resources)
                if (&r != &except && !is_top(r.id) && q.snapshot.acl.find(r.id)) return true;
            return false;
        };
        if (grants(integ)) return true;
        if (q.file.kind != FileKind::Integration || integ.name.value.empty()) return false;
        auto it = q.snapshot.integrations.find(integ.name.value);
        if (it == q.snapshot.integrations.end()) return false;
        for (const auto& ref : it->second)
            if (ref.kind == FileKind::Integration && ref.path != q.file.path)
                if (const IntegrationDecl* d = q.snapshot.integration(ref); d && grants(*d))
                    return true;
        return false;
    }

    // Magento_Backend::all and Magento_Backend::admin in an integration's resources.
    static void check_top(const Query& q, const IntegrationDecl& integ, const IdRef& r, bool legacy,
                          std::vector<Diagnostic>& out) {
        const bool all = r.id == "Magento_Backend::all";
        Diagnostic d;
        d.range = r.range;
        if (legacy) {
            // Authorization\Model\ResourceModel\Rules::saveRel: a list that is exactly
            // [Magento_Backend::all] (===) becomes the role's one allow row on the root, which
            // Authorization\Model\Acl\Loader\Rule::applyPermissionsAccordingToRules turns
            // into allow-everything. In any longer list it is one more id: every resource not
            // listed gets a deny row.
            // Listed alone: grants-everything (routes_diagnostics) says so.
            if (!all || integ.resources.size() == 1) return;
            d.severity = Severity::Warning;
            d.code = "ignored-resource";
            d.message = "Magento_Backend::all grants every resource only when it is the only "
                        "resource listed; with other ids (or listed twice) it grants nothing more "
                        "than they do, and every resource not listed is denied.";
            out.push_back(std::move(d));
            return;
        }
        // Integration\Model\Config\Consolidated\Converter::convert looks resources up only
        // below the second top-level node of the ACL (Magento_Backend::admin) and prepends
        // that node when anything was found: neither top-level id is ever found itself.
        const bool others = grants_below_admin(q, integ, r);
        if (!all && others) return; // Magento_Backend::admin is added anyway
        d.code = "ignored-resource";
        d.severity = others ? Severity::Warning : Severity::Error;
        d.message = fmt::format(
            "{} is not granted through integration.xml: Magento looks resources up only below "
            "Magento_Backend::admin and drops this one{}",
            r.id,
            others ? "; it does not give the integration every resource."
                   : fmt::format(", so integration '{}' is granted nothing at all. List the "
                                 "resources it needs.",
                                 integ.name.value));
        if (others)
            if (auto edit = remove_element(q, r.range)) {
                Fix fix;
                fix.title = fmt::format("Remove '{}'", r.id);
                fix.preferred = true;
                fix.changes.push_back({q.file.path, {std::move(*edit)}});
                d.fixes.push_back(std::move(fix));
            }
        out.push_back(std::move(d));
    }

    static void check_resources(const Query& q, const IntegrationDecl& integ,
                                std::vector<Diagnostic>& out) {
        const bool legacy = q.file.kind == FileKind::IntegrationApi;
        std::unordered_set<std::string_view> listed;
        for (const auto& r : integ.resources)
            listed.insert(r.id);
        // The first occurrence of each id, for duplicates; the missing ancestors of each
        // node made once and shared by every listed id below it.
        std::unordered_map<std::string_view, const IdRef*> first_of;
        MissingAncestors missing(q.snapshot.acl, listed);
        constexpr std::size_t kShownParents = 10;
        CancelCheck cancel(q.cancel);
        for (const auto& r : integ.resources) {
            cancel.tick();
            if (r.id.empty()) continue;
            auto [first, added] = first_of.try_emplace(r.id, &r);
            if (!added) {
                Diagnostic d;
                d.range = r.range;
                d.severity = Severity::Warning;
                d.code = "duplicate-resource";
                // Consolidated\Converter::convert keeps one (array_unique); api.xml keeps
                // both, and a second grant of one id changes nothing (Rules::saveRel).
                d.message = fmt::format(
                    "'{}' is already listed in integration '{}'; {}", r.id, integ.name.value,
                    legacy ? "the second listing grants nothing more." : "Magento keeps it once.");
                d.unnecessary = true;
                d.related.push_back({{q.file.path, first->second->range}, "first listed here"});
                out.push_back(std::move(d));
                // An unknown id is reported at every occurrence (its fix is per occurrence).
                if (auto u = check_acl_ref(q, r, unknown_consequence(legacy), &listed,
                                           remove_element(q, r.range)))
                    out.push_back(std::move(*u));
                continue;
            }
            // api.xml: Integration\Model\Config\Integration\Converter::convert keeps the id,
            // but Authorization\Model\ResourceModel\Rules::saveRel writes rows only for ids of
            // the built ACL. integration.xml: Consolidated\Converter::addParentsToResource
            // returns nothing for an id outside the tree, so convert() drops it.
            if (auto d = check_acl_ref(q, r, unknown_consequence(legacy), &listed,
                                       remove_element(q, r.range))) {
                out.push_back(std::move(*d));
                continue;
            }
            if (is_top(r.id)) {
                check_top(q, integ, r, legacy, out);
                continue;
            }
            const AclNode* node = q.snapshot.acl.find(r.id);
            if (!node) continue;
            const std::uint32_t link =
                missing.above(static_cast<std::uint32_t>(node - q.snapshot.acl.nodes.data()));
            const std::size_t count = missing.count(link);
            if (count == 0) continue;
            Diagnostic d;
            d.range = r.range;
            d.code = "missing-parent";
            const std::string shown = id_list(missing.ids(link, kShownParents), count);
            if (legacy) {
                // Integration\Model\Config\Integration\Converter::convert keeps the list as it
                // is; Authorization\Model\ResourceModel\Rules::saveRel then writes `allow` for
                // the listed ids and `deny` for every other resource, parents included. The
                // activation dialog keeps only selected subtrees (Integration\Block\Adminhtml
                // \Integration\Activate\Permissions\Tab\Webapi::disableAclTreeNodes).
                d.severity = Severity::Warning;
                d.message = fmt::format(
                    "'{}' is listed without its parent{} {}. api.xml grants exactly the ids it "
                    "lists: {} denied, so a web API route that requires {} is refused, and the "
                    "admin's activation dialog does not show this resource under unselected "
                    "parents.",
                    r.id, count == 1 ? "" : "s", shown,
                    count == 1 ? "the parent is" : "the parents are",
                    count == 1 ? "it" : "one of them");
            } else {
                // Integration\Model\Config\Consolidated\Converter::addParentsToResource adds
                // every ancestor below Magento_Backend::admin to the granted list itself.
                d.severity = Severity::Hint;
                d.message = fmt::format(
                    "'{}' is listed without its parent{} {}. Magento adds the ancestors itself "
                    "and grants them (the admin's permission tree shows them checked); Magento's "
                    "integration guide lists every parent, which keeps the file explicit.",
                    r.id, count == 1 ? "" : "s", shown);
            }
            // The fix inserts every missing ancestor: made when few, or when a code action
            // asks for this diagnostic's fixes (Query::wants_fix).
            if (q.wants_fix(r.range, count)) {
                const std::vector<std::string_view> ids = missing.ids(link, count);
                Fix fix;
                fix.title = count == 1 ? fmt::format("Add parent '{}'", ids.front())
                                       : fmt::format("Add {} missing parents", count);
                fix.preferred = true;
                fix.safe = true; // Magento adds (integration.xml) or needs (api.xml) them anyway
                fix.changes.push_back(
                    {q.file.path,
                     {insert_resources(insert_point(q, element_begin(q, r.range)), ids)}});
                d.fixes.push_back(std::move(fix));
            }
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

    // The scheme of an absolute URL ("https" in "https://host/..."), lower-cased; empty when
    // `v` is not `scheme://host...`.
    static std::string url_scheme(std::string_view v) {
        const auto colon = v.find("://");
        if (colon == std::string_view::npos || colon == 0 || colon + 3 >= v.size() ||
            !std::isalpha(static_cast<unsigned char>(v[0])))
            return {};
        std::string scheme;
        for (char c : v.substr(0, colon)) {
            const auto u = static_cast<unsigned char>(c);
            if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return {};
            scheme += static_cast<char>(std::tolower(u));
        }
        const char host = v[colon + 3];
        if (host == '/' || host == '?' || host == '#' ||
            std::isspace(static_cast<unsigned char>(host)))
            return {};
        return scheme;
    }

    // endpoint_url and identity_link_url. Magento copies both verbatim (Consolidated\Converter
    // ::convert, Config\Converter::convert; no validation on the config path) and uses them
    // only together: the token exchange runs when both are set (Integration\Block\Adminhtml
    // \Widget\Grid\Column\Renderer\Link\Activate::_getDataAttributes), posting the OAuth
    // credentials to endpoint_url (Integration\Model\OauthService::postToConsumer) and sending
    // the admin to identity_link_url (Controller\Adminhtml\Integration\TokensExchange).
    static void check_url(const Query& q, const IntegrationDecl& integ, bool endpoint,
                          std::vector<Diagnostic>& out) {
        const std::optional<TextValue>& url =
            endpoint ? integ.endpoint_url : integ.identity_link_url;
        if (!url || url->value.empty()) return;
        const std::optional<TextValue>& other =
            endpoint ? integ.identity_link_url : integ.endpoint_url;
        const bool exchange = other && !other->value.empty();
        const std::string_view what = endpoint ? "endpoint_url" : "identity_link_url";
        const std::string& v = url->value;
        // The element's text is read as it is, whitespace included (Consolidated\Converter
        // ::convert takes nodeValue): around a URL it is stored and used with it.
        const std::string& text = *q.file.text;
        Offset cb = url->range.begin, ce = url->range.end;
        while (cb > 0 && std::isspace(static_cast<unsigned char>(text[cb - 1])))
            --cb;
        while (ce < text.size() && std::isspace(static_cast<unsigned char>(text[ce])))
            ++ce;
        if (cb > 0 && ce < text.size() && text[cb - 1] == '>' && text[ce] == '<' &&
            (cb != url->range.begin || ce != url->range.end)) {
            const std::string raw = text.substr(cb, ce - cb);
            Diagnostic w;
            w.range = url->range;
            w.severity = Severity::Warning;
            w.code = "stray-whitespace";
            w.message = fmt::format(
                "{} has {}: Magento does not trim it, so the URL is stored and used with the "
                "whitespace. Write the URL on the same line as its tags.",
                what, describe_stray_whitespace(raw));
            Fix fix;
            fix.title = "Trim the URL";
            fix.preferred = true;
            fix.safe = true; // the URL as meant: whitespace makes no URL work better
            fix.changes.push_back(
                {q.file.path,
                 {{{cb, ce}, text.substr(url->range.begin, url->range.end - url->range.begin)}}});
            w.fixes.push_back(std::move(fix));
            out.push_back(std::move(w));
        }
        const std::string scheme = url_scheme(v);
        if (scheme == "https") return;
        Diagnostic d;
        d.range = url->range;
        if (scheme == "http") {
            d.severity = Severity::Warning;
            d.code = "insecure-url";
            d.message = fmt::format(
                "{} '{}' is not an https:// URL: {}{}", what, v,
                endpoint ? "on activation Magento posts the OAuth consumer key, secret and "
                           "verifier to it in clear text"
                         : "on activation the admin's browser opens it with the OAuth consumer "
                           "key in clear text",
                exchange ? ""
                         : fmt::format(" (once the integration also has an {})",
                                       endpoint ? "identity_link_url" : "endpoint_url"));
            // Integration\Block\Adminhtml\Widget\Grid\Column\Renderer\Name::isUrlSecure
            // flags only values that start with a lower-case "http:".
            if (v.rfind("http:", 0) == 0)
                d.message += "; the admin's integration grid marks it \"Integration not secure\"";
            d.message += ".";
            Fix fix;
            fix.title = "Use https://";
            fix.preferred = true;
            fix.changes.push_back(
                {q.file.path, {{{url->range.begin, url->range.begin + 4}, "https"}}});
            d.fixes.push_back(std::move(fix));
        } else {
            // OauthService::postToConsumer: the HTTP client refuses the URI, and the admin sees
            // "The attempt to post data to consumer failed due to an unexpected error."
            d.severity = exchange ? Severity::Error : Severity::Warning;
            d.code = "invalid-url";
            d.message = fmt::format("{} '{}' is not an absolute http(s) URL: ", what, v);
            if (exchange)
                d.message += endpoint
                                 ? "Magento cannot post the OAuth credentials to it, so activating "
                                   "the integration fails (\"The attempt to post data to consumer "
                                   "failed\")."
                                 : "the admin's browser cannot be sent to it, so the activation "
                                   "cannot be completed.";
            else
                d.message += fmt::format(
                    "Magento uses it only when the integration also has an {}, and then "
                    "activation fails.",
                    endpoint ? "identity_link_url" : "endpoint_url");
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
        // An empty <email/> is read as "" (the schema rule reports it); only a missing element
        // fails.
        bool has_email = integ.email.has_value();
        for (const IntegrationRef* r : same)
            if (const IntegrationDecl* d = q.snapshot.integration(*r); d && d->email)
                has_email = true;
        if (!has_email) {
            Diagnostic d;
            d.range = integ.name.range;
            // Integration\Model\Config\Consolidated\Converter::convert reads
            // getElementsByTagName('email')->item(0)->nodeValue without a check: on null it
            // raises a warning, which bin/magento turns into an exception. It runs for
            // setup:upgrade (Integration\Setup\Recurring::install) and for the admin's
            // integration pages (Integration\Model\Plugin\Integration::_addAllowedResources).
            d.severity = Severity::Error;
            d.code = "integration-missing-email";
            d.message = fmt::format(
                "Integration '{}' has no <email> in any module's integration.xml: Magento reads "
                "the email without checking that it is there, so setup:upgrade fails with "
                "\"Attempt to read property \"nodeValue\" on null\" (and so do the admin's "
                "integration pages).",
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
