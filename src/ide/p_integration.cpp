// Integration files: etc/integration.xml and the legacy etc/integration/{config,api}.xml.
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"

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
        for (std::size_t i = first; i < out.items.size(); ++i)
            out.items[i].shared = share(missing.above(nodes[i - first]));
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        const IdRef* r = resource_at(q);
        if (!r) return std::nullopt;
        std::string md = acl_hover(q.snapshot, r->id);
        if (md.empty()) return std::nullopt;
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

    static const IntegrationDecl* integration_at(const Query& q, Offset offset) {
        for (const auto& integ : q.file.facts.integrations)
            if (integ.element_range.touches(offset)) return &integ;
        return nullptr;
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
        for (const auto& r : integ.resources) {
            if (r.id.empty()) continue;
            auto [first, added] = first_of.try_emplace(r.id, &r);
            if (!added) {
                Diagnostic d;
                d.range = r.range;
                d.severity = Severity::Warning;
                d.code = "duplicate-resource";
                d.message = fmt::format(
                    "'{}' is already listed in integration '{}'; Magento keeps it once.", r.id,
                    integ.name.value);
                d.unnecessary = true;
                d.related.push_back({{q.file.path, first->second->range}, "first listed here"});
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
            const AclNode* node = q.snapshot.acl.find(r.id);
            if (!node) continue;
            const std::uint32_t link =
                missing.above(static_cast<std::uint32_t>(node - q.snapshot.acl.nodes.data()));
            const std::size_t count = missing.count(link);
            if (count == 0) continue;
            Diagnostic d;
            d.range = r.range;
            d.severity = Severity::Warning;
            d.code = "missing-parent";
            d.message = fmt::format(
                "'{}' is listed without its parent{} {}. {}", r.id, count == 1 ? "" : "s",
                id_list(missing.ids(link, kShownParents), count),
                legacy ? "api.xml resources are stored exactly as listed, so the admin's "
                         "permission tree shows "
                         "this resource under unchecked parents."
                       : "Magento adds ancestors itself at run time, but the admin's permission "
                         "tree shows them "
                         "unchecked and Magento's guide asks integrations to list every parent.");
            // The fix inserts every missing ancestor: made when few, or when a code action
            // asks for this diagnostic's fixes (Query::wants_fix).
            if (q.wants_fix(r.range, count)) {
                const std::vector<std::string_view> ids = missing.ids(link, count);
                Fix fix;
                fix.title = count == 1 ? fmt::format("Add parent '{}'", ids.front())
                                       : fmt::format("Add {} missing parents", count);
                fix.preferred = true;
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
