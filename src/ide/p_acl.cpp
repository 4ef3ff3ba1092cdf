// etc/acl.xml: the declarations of ACL resources.
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <set>
#include <unordered_map>

namespace mil {

namespace {

// Orphans past this many in one file are reported without a suggested id.
constexpr std::size_t kMaxSuggestions = 64;

// "sales_order" -> "Sales Order", "manageItems" -> "Manage Items": a starting point for a
// title the author will usually reword.
std::string title_from_id(std::string_view id) {
    std::string out;
    bool new_word = true;
    char prev = 0;
    for (char c : local_part(id)) {
        const auto uc = static_cast<unsigned char>(c);
        if (c == '_' || c == '-' || c == ' ') {
            new_word = true;
        } else {
            if (std::isupper(uc) && std::islower(static_cast<unsigned char>(prev))) new_word = true;
            if (new_word && !out.empty()) out += ' ';
            out += new_word ? static_cast<char>(std::toupper(uc)) : c;
            new_word = false;
        }
        prev = c;
    }
    return out;
}

class AclParticipant final : public Participant {
public:
    const char* name() const override { return "acl"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Acl; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        XmlDocument doc = parse_xml(*entry.text);
        const XmlElement* root = doc.root_element();
        if (!root || root->name != "config") return;
        for (auto acl : doc.children(doc.root, "acl"))
            for (auto resources : doc.children(acl, "resources"))
                collect(doc, resources, facts);
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        if (q.file.facts.acl.empty()) return;
        check_duplicates(q, out);
        // Whether an id is defined elsewhere or titled elsewhere can only be answered when the
        // tree holds Magento's own ACL (core files or the bundled catalogue).
        if (!acl_tree_is_complete(q.snapshot)) return;
        const auto summary = summarize(q.file.facts.acl);
        std::set<std::string> orphans = check_orphans(q, summary, out);
        check_titles(q, summary, orphans, out);
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        for (const auto& d : q.file.facts.acl)
            if (d.id_range.touches(q.offset)) {
                std::string md = acl_hover(q.snapshot, d.id);
                if (!md.empty()) return HoverResult{md, d.id_range};
            }
        return std::nullopt;
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        for (const auto& d : q.file.facts.acl)
            if (d.id_range.touches(q.offset)) {
                auto defs = acl_definitions(q.snapshot, d.id);
                out.insert(out.end(), defs.begin(), defs.end());
            }
    }

    void references(const Query& q, bool include_declaration,
                    std::vector<Location>& out) const override {
        for (const auto& d : q.file.facts.acl)
            if (d.id_range.touches(q.offset)) {
                auto refs = acl_references(q.snapshot, d.id, include_declaration);
                out.insert(out.end(), refs.begin(), refs.end());
            }
    }

private:
    // acl-duplicate-id: the second and later declarations of an id in one file.
    static void check_duplicates(const Query& q, std::vector<Diagnostic>& out) {
        const auto& decls = q.file.facts.acl;
        std::unordered_map<std::string_view, const AclDecl*> first;
        for (const auto& d : decls) {
            if (d.id.empty()) continue;
            auto [it, inserted] = first.emplace(d.id, &d);
            if (inserted) continue;
            const AclDecl& f = *it->second;
            Diagnostic diag;
            diag.range = d.id_range;
            diag.severity = Severity::Error;
            diag.code = "acl-duplicate-id";
            if (f.parent == d.parent) {
                diag.message = fmt::format(
                    "ACL id '{}' is declared twice in this acl.xml. acl.xsd requires unique ids, "
                    "so developer mode rejects the file; in other modes Magento folds both "
                    "declarations into one resource and the later one's title, sortOrder and "
                    "disabled win.",
                    d.id);
            } else {
                diag.message = fmt::format(
                    "ACL id '{}' is declared twice in this acl.xml, under {} and under {}. "
                    "acl.xsd requires unique ids, so developer mode rejects the file; in other "
                    "modes the merged tree keeps both places and Magento fails to build the ACL "
                    "(\"Resource id '{}' already exists in the ACL\").",
                    d.id, f.parent.empty() ? "<resources>" : "'" + f.parent + "'",
                    d.parent.empty() ? "<resources>" : "'" + d.parent + "'", d.id);
            }
            diag.related.push_back({{q.file.path, f.id_range}, "first declared here"});
            out.push_back(std::move(diag));
        }
    }

    // What one file says about each id it declares, gathered in one pass.
    struct IdSummary {
        std::size_t first = 0;    // index of the first declaration
        bool parent_here = false; // some declaration has <resource> children
        bool titled_here = false; // some declaration has a title attribute
        std::size_t below = 0;    // resources under all its declarations in this file
    };

    // Facts are in document order, depth first: the descendants of declaration i are the
    // declarations after it that are deeper. Returns their count for every declaration.
    static std::vector<std::size_t> descendant_counts(const std::vector<AclDecl>& decls) {
        const std::size_t none = decls.size();
        std::vector<std::size_t> parent(decls.size(), none);
        std::vector<std::size_t> open; // the declarations enclosing the current one
        for (std::size_t i = 0; i < decls.size(); ++i) {
            while (!open.empty() && decls[open.back()].depth >= decls[i].depth)
                open.pop_back();
            if (!open.empty()) parent[i] = open.back();
            open.push_back(i);
        }
        // Children come after their parent: walking backwards, every total is complete
        // before it is added to its parent's.
        std::vector<std::size_t> total(decls.size(), 0);
        for (std::size_t i = decls.size(); i-- > 0;)
            if (parent[i] != none) total[parent[i]] += total[i] + 1;
        return total;
    }

    static std::unordered_map<std::string_view, IdSummary>
    summarize(const std::vector<AclDecl>& decls) {
        std::unordered_map<std::string_view, IdSummary> out;
        const std::vector<std::size_t> below = descendant_counts(decls);
        for (std::size_t i = 0; i < decls.size(); ++i) {
            const AclDecl& d = decls[i];
            if (d.id.empty()) continue;
            auto [it, inserted] = out.try_emplace(d.id);
            if (inserted) it->second.first = i;
            if (i + 1 < decls.size() && decls[i + 1].depth > d.depth) it->second.parent_here = true;
            if (d.has_title) it->second.titled_here = true;
            it->second.below += below[i];
        }
        return out;
    }

    // A node some other file (or the catalogue) defines.
    static bool known_elsewhere(const AclNode& n, std::string_view path) {
        for (const auto& d : n.declarations)
            if (d.location.path != path) return true;
        // A title with no file behind it comes from the bundled catalogue.
        return !n.title.empty() && n.title_location.path != path;
    }

    // Whether every file that could define or title `id` is in view: the whole tree when it
    // has Magento's core; with the catalogue alone (a standalone module), Magento's own ids and
    // those of the modules at hand, but not those of another vendor's module out of view.
    static bool in_view(const Snapshot& s, std::string_view id) {
        if (s.has_core) return true;
        if (commerce_id_out_of_view(s, id)) return false;
        std::string_view module = module_part(id);
        return module.substr(0, 8) == "Magento_" || s.module_by_name(module) != nullptr;
    }

    // Ids defined outside one file, all of them and by parent, for suggestions.
    struct Candidates {
        AclTree all;
        std::unordered_map<std::string, AclTree> by_parent;

        // The closest id among the siblings the orphan was meant to be (the known children of
        // its parent), else among all known ids.
        std::string closest(const std::string& parent, std::string_view id) const {
            if (auto it = by_parent.find(parent); it != by_parent.end())
                if (std::string near = closest_acl_id(it->second, id); !near.empty()) return near;
            return closest_acl_id(all, id);
        }
    };

    static Candidates known_ids(const Snapshot& s, std::string_view path) {
        Candidates out;
        std::set<std::pair<std::string_view, std::string_view>> seen; // (parent, id)
        auto add = [&](std::string_view parent, std::string_view id) {
            if (!seen.emplace(parent, id).second) return;
            AclNode node;
            node.id = std::string(id);
            out.by_parent[std::string(parent)].nodes.push_back(std::move(node));
        };
        // Parents as other files write them (the merged tree keeps only the first one seen,
        // which may be this file's), and as the catalogue gives them.
        for (const auto& [p, f] : s.files)
            if (f->kind == FileKind::Acl && p != path)
                for (const auto& d : f->facts.acl)
                    if (!d.id.empty()) add(d.parent, d.id);
        for (const auto& node : s.acl.nodes) {
            if (!known_elsewhere(node, path)) continue;
            AclNode copy;
            copy.id = node.id;
            out.all.nodes.push_back(std::move(copy));
            if (node.from_catalog || node.title_location.path.empty())
                add(node.parent == kNoAcl ? std::string_view{} : s.acl.nodes[node.parent].id,
                    node.id);
        }
        return out;
    }

    // acl-orphan-branch: ids redeclared here as an ancestor that exist nowhere else.
    using Summary = std::unordered_map<std::string_view, IdSummary>;

    static std::set<std::string> check_orphans(const Query& q, const Summary& summary,
                                               std::vector<Diagnostic>& out) {
        std::set<std::string> orphans;
        const auto& decls = q.file.facts.acl;
        const Snapshot& s = q.snapshot;
        std::string own_module;
        if (const ModuleInfo* m = s.module_by_dir(q.file.module_dir)) own_module = m->name;
        std::optional<Candidates> candidates; // built on the first orphan
        std::size_t suggested = 0;
        for (std::size_t i = 0; i < decls.size(); ++i) {
            const AclDecl& d = decls[i];
            if (d.id.empty()) continue;
            const IdSummary& sum = summary.at(d.id);
            if (sum.first != i || !sum.parent_here || sum.titled_here) continue;
            // The module's own ids are its to define: a missing title is acl-missing-title.
            if (!own_module.empty() && module_part(d.id) == own_module) continue;
            if (!in_view(s, d.id)) continue;
            const AclNode* n = s.acl.find(d.id);
            if (!n || known_elsewhere(*n, q.file.path)) continue;
            orphans.insert(d.id);
            if (!candidates) candidates = known_ids(s, q.file.path);
            // A search over the whole tree per orphan: bounded, for machine-made files.
            std::string suggestion;
            if (suggested++ < kMaxSuggestions) suggestion = candidates->closest(d.parent, d.id);
            const std::size_t kids = sum.below;
            Diagnostic diag;
            diag.range = d.id_range;
            diag.severity = Severity::Warning;
            diag.code = "acl-orphan-branch";
            diag.message = fmt::format(
                "ACL id '{}' is repeated here as the parent of {} resource{}, but no other "
                "acl.xml{} defines it: Magento silently creates a new, untitled resource '{}' "
                "and hangs them under it instead of under the intended parent",
                d.id, kids, kids == 1 ? "" : "s",
                s.has_core ? "" : " (nor Magento's bundled catalogue)", d.id);
            if (!suggestion.empty()) {
                diag.message += fmt::format(". Did you mean '{}'?", suggestion);
                Fix fix;
                fix.title = fmt::format("Replace with '{}'", suggestion);
                fix.preferred = true;
                FileEdit edit{q.file.path, {}};
                for (const auto& other : decls)
                    if (other.id == d.id) edit.edits.push_back({other.id_range, suggestion});
                fix.changes.push_back(std::move(edit));
                diag.fixes.push_back(std::move(fix));
                if (const AclNode* target = s.acl.find(suggestion)) {
                    Location where = target->title_location;
                    if (where.path.empty() && !target->declarations.empty())
                        where = target->declarations.front().location;
                    if (!where.path.empty())
                        diag.related.push_back(
                            {where, fmt::format("'{}' is defined here", suggestion)});
                }
            } else {
                diag.message += ".";
            }
            out.push_back(std::move(diag));
        }
        return orphans;
    }

    // Ids that some acl.xml of the snapshot titles (asked for ids the merged tree does not
    // hold, i.e. disabled ones).
    static std::set<std::string_view> titled_in_files(const Snapshot& s) {
        std::set<std::string_view> out;
        for (const auto& [path, f] : s.files)
            if (f->kind == FileKind::Acl)
                for (const auto& d : f->facts.acl)
                    if (d.has_title) out.insert(d.id);
        return out;
    }

    // acl-missing-title: ids declared in this file that no acl.xml titles.
    static void check_titles(const Query& q, const Summary& summary,
                             const std::set<std::string>& orphans, std::vector<Diagnostic>& out) {
        const auto& decls = q.file.facts.acl;
        const Snapshot& s = q.snapshot;
        const std::string& text = *q.file.text;
        std::optional<std::set<std::string_view>> titled; // built for the first disabled id
        for (std::size_t i = 0; i < decls.size(); ++i) {
            const AclDecl& d = decls[i];
            if (d.id.empty() || orphans.count(d.id)) continue;
            const IdSummary& sum = summary.at(d.id);
            // An empty or too short title written here is the schema rule's to report.
            if (sum.first != i || sum.titled_here || !in_view(s, d.id)) continue;
            if (const AclNode* n = s.acl.find(d.id)) {
                if (!n->title.empty()) continue;
            } else {
                // Removed by disabled="true" (merged validation still wants a title): titled in
                // some file, or perhaps by the catalogue, which keeps no disabled ids.
                if (s.uses_catalog) continue;
                if (!titled) titled = titled_in_files(s);
                if (titled->count(d.id)) continue;
            }
            Diagnostic diag;
            diag.range = d.id_range;
            diag.severity = Severity::Warning;
            diag.code = "acl-missing-title";
            // Integration\Helper\Data::mapResources reads $resource['title'] unchecked for
            // every node of the tree it shows (User Roles > Role Resources, an integration's API
            // tab and its activation dialog): the warning becomes an exception.
            diag.message = fmt::format(
                "No acl.xml gives ACL id '{}' a title. Magento builds the admin's permission "
                "trees with Integration\\Helper\\Data::mapResources, which reads the title "
                "without a check: editing a user role or an integration fails with "
                "\"Undefined array key \"title\"\" (and developer mode rejects the merged ACL, "
                "acl_merged.xsd).",
                d.id);
            // Offer a title derived from the id, right after the id attribute.
            std::string title = title_from_id(d.id);
            const Offset quote = d.id_range.end;
            if (title.size() >= 3 && title.size() <= 50 && quote < text.size() &&
                (text[quote] == '"' || text[quote] == '\'')) {
                Fix fix;
                fix.title = fmt::format("Add title=\"{}\"", title);
                fix.changes.push_back(
                    {q.file.path,
                     {{{quote + 1, quote + 1}, fmt::format(" title=\"{}\"", xml_escape(title))}}});
                diag.fixes.push_back(std::move(fix));
            }
            out.push_back(std::move(diag));
        }
    }

    // Walks the <resource> tree below one <resources> element without recursion.
    static void collect(const XmlDocument& doc, std::uint32_t resources, FileFacts& facts) {
        struct Item {
            std::uint32_t element;
            std::string parent;
            std::uint32_t depth;
        };
        std::vector<Item> stack;
        auto push_children = [&](std::uint32_t el, const std::string& parent, std::uint32_t depth) {
            auto kids = doc.children(el, "resource");
            for (auto it = kids.rbegin(); it != kids.rend(); ++it)
                stack.push_back({*it, parent, depth});
        };
        push_children(resources, {}, 0);
        while (!stack.empty()) {
            Item item = std::move(stack.back());
            stack.pop_back();
            const XmlElement& e = doc.elements[item.element];
            AclDecl d;
            TextValue id = attr_value(e, "id");
            d.id = id.value;
            d.id_range = id.range;
            d.parent = item.parent;
            d.depth = item.depth;
            d.element_name_range = e.name_range;
            if (const XmlAttribute* t = e.attribute("title")) {
                d.has_title = true;
                d.title = {t->value, t->value_range};
            }
            if (const XmlAttribute* so = e.attribute("sortOrder")) {
                int v = 0;
                auto r = std::from_chars(so->value.data(), so->value.data() + so->value.size(), v);
                if (r.ec == std::errc()) d.sort_order = v;
            }
            if (const XmlAttribute* dis = e.attribute("disabled"))
                d.disabled = dis->value == "true" || dis->value == "1";
            std::string id_copy = d.id;
            facts.acl.push_back(std::move(d));
            push_children(item.element, id_copy, item.depth + 1);
        }
    }
};

} // namespace

const Participant& acl_participant() {
    static const AclParticipant p;
    return p;
}

} // namespace mil
