#include "mil/model/routes.hpp"
#include "mil/base/strings.hpp"

#include "mil/base/embedded.hpp"
#include "mil/syntax/xml.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>

namespace mil {

namespace {

constexpr std::string_view kAnonymous = "anonymous";
constexpr std::string_view kAll = "Magento_Backend::all";
// AbstractAction::ADMIN_RESOURCE, which Rules::saveRel adds to every list but [all].
constexpr std::string_view kAdmin = "Magento_Backend::admin";

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// The (url, method) key of the merge. Magento\Framework\Config\Dom keys /routes/route by both
// attributes as written; the REST router matches the method upper-cased.
std::string merge_key(std::string_view method, std::string_view url) {
    return upper(trim_ws(method)) + " " + std::string(trim_ws(url));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        auto at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) break;
        s = s.substr(at + 1);
    }
    return out;
}

} // namespace

namespace {
std::atomic<bool> g_route_index_enabled{true};
} // namespace

void set_route_index_enabled(bool enabled) {
    g_route_index_enabled = enabled;
}

bool route_index_enabled() {
    return g_route_index_enabled;
}

bool Route::is_public() const {
    return std::all_of(resources.begin(), resources.end(),
                       [](const std::string& r) { return r == kAnonymous; });
}

const Route* RouteIndex::find(std::string_view key) const {
    key = trim_ws(key);
    auto space = key.find_first_of(" \t");
    if (space == std::string_view::npos) return nullptr;
    auto it = by_key_.find(merge_key(key.substr(0, space), key.substr(space + 1)));
    return it == by_key_.end() ? nullptr : &routes[it->second];
}

const std::vector<std::uint32_t>& RouteIndex::needing(std::string_view id) const {
    static const std::vector<std::uint32_t> none;
    auto it = by_resource.find(std::string(id));
    return it == by_resource.end() ? none : it->second;
}

std::vector<RouteDecl> read_webapi_routes(std::string_view text) {
    // Magento\Webapi\Model\Config\Converter::convert reads route@url (trimmed), route@method,
    // the first <service>'s class and method, and every <resource ref> of the route.
    std::vector<RouteDecl> out;
    XmlDocument doc = parse_xml(text);
    const XmlElement* root = doc.root_element();
    if (!root || root->name != "routes") return out;
    for (auto r : doc.children(doc.root, "route")) {
        const XmlElement& route = doc.elements[r];
        RouteDecl d;
        if (const XmlAttribute* m = route.attribute("method")) d.method = m->value;
        if (const XmlAttribute* u = route.attribute("url")) {
            std::string_view v = u->value;
            std::string_view t = trim_ws(v);
            d.url.value = std::string(t);
            // The raw range, narrowed by the trimmed whitespace when the value is written plain.
            d.url.range = u->value_range;
            if (u->value_range.end - u->value_range.begin == v.size()) {
                auto lead = static_cast<Offset>(t.empty() ? 0 : t.data() - v.data());
                d.url.range = {u->value_range.begin + lead,
                               u->value_range.begin + lead + static_cast<Offset>(t.size())};
            }
        }
        auto services = doc.children(r, "service");
        if (!services.empty()) {
            const XmlElement& s = doc.elements[services.front()];
            if (const XmlAttribute* c = s.attribute("class")) d.service_class = c->value;
            if (const XmlAttribute* m = s.attribute("method")) d.service_method = m->value;
        }
        for (auto rs : doc.children(r, "resources"))
            for (auto res : doc.children(rs, "resource"))
                if (const XmlAttribute* a = doc.elements[res].attribute("ref"))
                    d.resources.push_back({a->value, a->value_range});
        if (d.url.value.empty() && d.method.empty()) continue;
        out.push_back(std::move(d));
    }
    return out;
}

std::shared_ptr<const RouteIndex>
build_route_index(const std::vector<const FileEntry*>& webapi_files,
                  const std::vector<Route>* catalog,
                  const std::function<std::string(const FileEntry&)>& module_of) {
    auto index = std::make_shared<RouteIndex>();
    auto& routes = index->routes;
    auto& by_key = index->by_key_;
    auto add = [&](const std::string& key) -> Route& {
        auto [it, fresh] = by_key.emplace(key, static_cast<std::uint32_t>(routes.size()));
        if (fresh) routes.emplace_back();
        return routes[it->second];
    };
    if (catalog)
        for (const Route& c : *catalog) {
            Route& r = add(merge_key(c.method, c.url));
            r = c;
        }
    for (const FileEntry* f : webapi_files) {
        const std::string module = module_of(*f);
        for (const RouteDecl& d : f->facts.routes) {
            Route& r = add(merge_key(d.method, d.url.value));
            if (r.from_catalog) {
                // A workspace file declares a route of the catalogue: its module replaces the
                // catalogue's declaration of that module (it is being worked on), others stay.
                r.sources.erase(std::remove_if(r.sources.begin(), r.sources.end(),
                                               [&](const RouteSource& s) {
                                                   return s.path.empty() && s.module == module;
                                               }),
                                r.sources.end());
                r.from_catalog = false;
                if (r.sources.empty()) r.resources.clear();
            }
            if (r.method.empty()) {
                r.method = d.method;
                r.url = d.url.value;
            }
            // The service has no id attribute in the merge: the last declaration's stays.
            r.service_class = d.service_class;
            r.service_method = d.service_method;
            for (const IdRef& ref : d.resources)
                if (std::find(r.resources.begin(), r.resources.end(), ref.id) == r.resources.end())
                    r.resources.push_back(ref.id);
            r.sources.push_back({f->path, d.url.range, module, 0});
        }
    }
    // By url, then method: the order of the catalogue and of every listing.
    std::vector<std::uint32_t> order(routes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::tie(routes[a].url, routes[a].method) <
               std::tie(routes[b].url, routes[b].method);
    });
    std::vector<Route> sorted;
    sorted.reserve(routes.size());
    for (auto i : order)
        sorted.push_back(std::move(routes[i]));
    routes = std::move(sorted);
    by_key.clear();
    for (std::uint32_t i = 0; i < routes.size(); ++i) {
        by_key.emplace(merge_key(routes[i].method, routes[i].url), i);
        for (const auto& res : routes[i].resources)
            index->by_resource[res].push_back(i);
    }
    return index;
}

const std::vector<Route>& bundled_routes() {
    static const std::vector<Route> routes = [] {
        std::vector<Route> out;
        for (std::string_view line : embedded_lines("catalog/routes.tsv")) {
            auto cols = split(line, '\t');
            if (cols.size() < 6) continue;
            Route r;
            r.method = std::string(cols[0]);
            r.url = std::string(cols[1]);
            r.service_class = std::string(cols[2]);
            r.service_method = std::string(cols[3]);
            if (!cols[4].empty())
                for (auto ref : split(cols[4], ','))
                    r.resources.emplace_back(ref);
            for (auto decl : split(cols[5], ';')) {
                auto colon = decl.rfind(':');
                RouteSource s;
                s.module = std::string(decl.substr(0, colon));
                if (colon != std::string_view::npos)
                    std::from_chars(decl.data() + colon + 1, decl.data() + decl.size(), s.line);
                r.sources.push_back(std::move(s));
            }
            r.from_catalog = true;
            out.push_back(std::move(r));
        }
        return out;
    }();
    return routes;
}

// ---- Grants ----------------------------------------------------------------------------

bool Grants::allows(std::string_view id) const {
    return everything || allowed.count(std::string(id)) > 0;
}

std::vector<std::string> integration_xml_grants(const AclTree& acl,
                                                const std::vector<std::string>& listed) {
    // Consolidated\Converter::convert searches `$allResources[1]['children']`: the children of
    // the top-level node that sorts second (TreeBuilder::build sorts by sortOrder), normally
    // Magento_Backend::admin. With fewer than two top-level nodes PHP reads a missing key.
    std::vector<std::string> out;
    if (acl.roots.size() < 2) return out;
    const std::uint32_t top = acl.roots[1];
    for (const std::string& id : listed) {
        // addParentsToResource: exact match anywhere below `top`, with its ancestors below it.
        const AclNode* node = acl.find(id);
        if (!node) continue; // not in the tree (unknown, disabled): dropped silently
        std::vector<const AclNode*> chain = acl.ancestors(*node);
        auto below = std::find(chain.begin(), chain.end(), &acl.nodes[top]);
        if (below == chain.end()) continue; // not below `top` (or `top` itself): dropped
        for (auto it = below + 1; it != chain.end(); ++it)
            out.push_back((*it)->id);
        out.push_back(node->id);
    }
    // Convert L85-92: the top node first when anything was granted, duplicates removed
    // (array_unique keeps the first).
    if (out.empty()) return out;
    out.insert(out.begin(), acl.nodes[top].id);
    std::vector<std::string> unique;
    std::unordered_set<std::string> seen;
    for (auto& id : out)
        if (seen.insert(id).second) unique.push_back(std::move(id));
    return unique;
}

Grants effective_grants(const Snapshot& snap, std::string_view name) {
    Grants g;
    auto it = snap.integrations.find(name);
    if (it == snap.integrations.end()) return g;
    // Plugin\Integration::_addAllowedResources: array_merge(api.xml config, integration.xml
    // config): an integration.xml entry of the name replaces the api.xml one wholesale.
    const bool has_ix = std::any_of(it->second.begin(), it->second.end(), [](const auto& ref) {
        return ref.kind == FileKind::Integration;
    });
    const FileKind kind = has_ix ? FileKind::Integration : FileKind::IntegrationApi;
    // The declarations of the name merged in load order; each Reader merges
    // .../resources/resource by name, so a name a later module repeats is not listed twice.
    bool declared = false;
    std::unordered_set<std::string> merged;
    for (const IntegrationRef& ref : it->second) {
        if (ref.kind != kind) continue;
        const IntegrationDecl* decl = snap.integration(ref);
        if (!decl) continue;
        declared = true;
        std::unordered_set<std::string> in_this;
        for (const IdRef& r : decl->resources) {
            if (merged.count(r.id) && !in_this.count(r.id)) continue;
            in_this.insert(r.id);
            g.listed.push_back(r.id);
        }
        merged.insert(in_this.begin(), in_this.end());
    }
    if (!declared) return g;
    if (kind == FileKind::Integration) {
        g.source = Grants::Source::IntegrationXml;
        // The converter's list then goes through Rules::saveRel like any other (it never is
        // exactly [all], and every id of it is in the ACL).
        g.ids = integration_xml_grants(snap.acl, g.listed);
    } else {
        g.source = Grants::Source::ApiXml;
        // Rules::saveRel: no rows for an empty list (L97); exactly [Magento_Backend::all]
        // (strict ===, L106) is one allow row on the root, which Acl\Loader\Rule gives as
        // allow on everything; else an allow row for each ACL resource in the list or
        // Magento_Backend::admin (L115-119), ids the ACL lacks get no row.
        if (g.listed.size() == 1 && g.listed.front() == kAll) {
            g.everything = true;
            g.ids = g.listed;
        } else if (!g.listed.empty()) {
            std::vector<std::string> posted = g.listed;
            posted.emplace_back(kAdmin);
            for (const auto& id : posted)
                if (snap.acl.find(id) && std::find(g.ids.begin(), g.ids.end(), id) == g.ids.end())
                    g.ids.push_back(id);
        }
    }
    g.allowed.insert(g.ids.begin(), g.ids.end());
    return g;
}

bool can_call(const Grants& grants, const Route& route) {
    // Framework\Webapi\Authorization::isAllowed: false on the first ref not allowed.
    for (const std::string& ref : route.resources) {
        if (ref == kAnonymous) continue; // Webapi\Model\Plugin\GuestAuthorization
        // A role allowed everything passes refs the ACL lacks too (`self`, typos):
        // Framework\Authorization\Policy\Acl::isAllowed falls back to the global allow.
        // Otherwise `self` is for customer tokens (Customer's CustomerAuthorization plugin).
        if (!grants.allows(ref)) return false;
    }
    return true;
}

std::vector<const Route*> callable_routes(const RouteIndex& index, const Grants& grants) {
    std::vector<const Route*> out;
    for (const Route& r : index.routes)
        if (can_call(grants, r)) out.push_back(&r);
    return out;
}

} // namespace mil
