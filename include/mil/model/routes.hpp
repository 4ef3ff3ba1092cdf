// REST routes (webapi.xml merged as Magento merges it) and the effective grants of an
// integration: which routes an integration can call, and which resources a route needs.
//
// The grant model, as Magento 2.4.8 runs it:
// - integration.xml (Magento\Integration\Model\Config\Consolidated\Converter::convert): each
//   listed id is looked up below the top-level ACL node that sorts second (normally
//   Magento_Backend::admin) and granted with its ancestors below that node; an id not found
//   there is dropped; that node itself is added when anything was granted.
// - legacy api.xml (Magento\Integration\Model\Config\Integration\Converter::convert): the ids as
//   listed; Magento\Authorization\Model\ResourceModel\Rules::saveRel writes an `allow` row for
//   the listed ids that the ACL has, plus Magento_Backend::admin, and a `deny` row for every
//   other resource, so a parent never grants its children. Exactly [Magento_Backend::all]
//   is one allow row on the root: everything.
// - One name in both: integration.xml wins wholesale
//   (Magento\Integration\Model\Plugin\Integration::_addAllowedResources, array_merge).
// - A route is allowed when every one of its refs is
//   (Magento\Framework\Webapi\Authorization::isAllowed); `anonymous` passes for anyone
//   (Magento\Webapi\Model\Plugin\GuestAuthorization).
#pragma once

#include "mil/model/index.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mil {

// Where a route is declared.
struct RouteSource {
    std::string path;       // the webapi.xml (empty for the bundled catalogue)
    Range range;            // the url value (empty for the bundled catalogue)
    std::string module;     // the declaring module
    std::uint32_t line = 0; // 1-based line of the <route> in the catalogue; 0 otherwise
};

// One REST route after the merge: one per (url, method).
struct Route {
    std::string method;
    std::string url;
    std::string service_class; // of the last declaration in load order
    std::string service_method;
    std::vector<std::string> resources; // every declaration's refs, united, first seen first
    std::vector<RouteSource> sources;   // in load order
    bool from_catalog = false;          // known only from the bundled catalogue

    std::string key() const { return method + " " + url; } // "GET /V1/orders/:id"
    // Anyone may call it: no ref other than `anonymous` (a route without refs too).
    bool is_public() const;
};

class RouteIndex {
public:
    std::vector<Route> routes; // by url, then method
    // ACL id (or `self`, `anonymous`) -> routes that name it, in `routes` order.
    std::unordered_map<std::string, std::vector<std::uint32_t>> by_resource;

    // "GET /V1/orders/:id" (method case-insensitive, spaces around trimmed); null if none.
    const Route* find(std::string_view key) const;
    const std::vector<std::uint32_t>& needing(std::string_view id) const;

private:
    friend std::shared_ptr<const RouteIndex>
    build_route_index(const std::vector<const FileEntry*>&, const std::vector<Route>*,
                      const std::function<std::string(const FileEntry&)>&);
    std::unordered_map<std::string, std::uint32_t> by_key_;
};

// Whether webapi.xml files give their routes and snapshots get a route index (true). Only
// `bench_index --routes-ab` turns it off, to measure what the routes add to the ready time
// with one build; every feature then sees an empty route index.
void set_route_index_enabled(bool enabled);
bool route_index_enabled();

// The routes of a webapi.xml text, in document order.
std::vector<RouteDecl> read_webapi_routes(std::string_view text);

// The merged routes: those of `catalog` first (when given), then the webapi.xml files in load
// order (`module_of` names a file's module). Magento\Webapi\Model\Config\Reader merges
// /routes/route by (url, method) and their resources by ref: one route, refs united.
std::shared_ptr<const RouteIndex>
build_route_index(const std::vector<const FileEntry*>& webapi_files,
                  const std::vector<Route>* catalog,
                  const std::function<std::string(const FileEntry&)>& module_of);

// The routes of Magento Open Source 2.4.8-p1 compiled in (data/catalog/routes.tsv).
const std::vector<Route>& bundled_routes();

// What an integration's role is allowed.
struct Grants {
    enum class Source { None, IntegrationXml, ApiXml };
    Source source = Source::None;
    bool everything = false;         // api.xml exactly [Magento_Backend::all]
    std::vector<std::string> listed; // the ids as listed (merged across modules)
    std::vector<std::string> ids;    // the allowed ACL ids, in the order Magento builds them
    std::unordered_set<std::string> allowed;

    bool allows(std::string_view id) const;
};

// The effective grants of the integration `name` in `snap` (no grants when no
// integration.xml or api.xml declares it).
Grants effective_grants(const Snapshot& snap, std::string_view name);

// integration.xml: the allowed ids for `listed` (Consolidated\Converter::convert).
std::vector<std::string> integration_xml_grants(const AclTree& acl,
                                                const std::vector<std::string>& listed);

// Whether an integration with `grants` may call `route` (all of its refs allowed).
bool can_call(const Grants& grants, const Route& route);

// The routes an integration with `grants` may call (public ones included), in index order.
std::vector<const Route*> callable_routes(const RouteIndex& index, const Grants& grants);

} // namespace mil
