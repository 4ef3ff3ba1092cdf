// What the editor shows about REST routes (see mil/model/routes.hpp for the grant model):
// the routes that need a resource, those an integration can call thanks to it, and the
// routes an integration can call, as Markdown for hover.
#pragma once

#include "mil/ide/engine.hpp"
#include "mil/model/routes.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace mil {

// "`GET /V1/orders/:id`" linked to the line of its webapi.xml (a plain code span for a route
// of the bundled catalogue).
std::string route_link(const Snapshot& s, const Route& r);

// The REST routes that name `id`: their count and the first ones. Empty when none does or
// the snapshot has no route index.
std::string routes_needing_markdown(const Snapshot& s, std::string_view id);

// For the resource `id` of the integration `name`: the routes it can call that need `id`.
std::string routes_thanks_to_markdown(const Snapshot& s, std::string_view name,
                                      std::string_view id);

// For the integration `name`: how many routes it can call (anonymous ones apart), and the
// first of them.
std::string integration_routes_markdown(const Snapshot& s, std::string_view name);

// The routes an integration can call, split as hover and the code lens count them.
struct CallableSplit {
    std::vector<const Route*> guarded; // those that need resources
    std::vector<const Route*> open;    // those anyone may call (anonymous, or no ref)
};
CallableSplit split_callable(const RouteIndex& index, const Grants& grants);

// The command of the routes code lens; its one argument is the integration's name, and the
// server answers it with integration_route_list.
inline constexpr const char* kShowRoutesCommand = "magento-integration-ls.showRoutes";

// One code lens per named <integration> of an integration.xml or api.xml: "can call N REST
// routes (and M anyone may call)", from effective_grants (for a name that integration.xml
// declares too, its grants: the title says so in api.xml). None when the snapshot has no
// routes.
std::vector<CodeLens> route_lenses(const Snapshot& s, const FileEntry& file);

// A route an integration can call, for a list the editor shows.
struct RouteEntry {
    std::string label;                // "GET /V1/orders/:id"
    std::optional<Location> location; // its url in the first webapi.xml; none when bundled
    std::string module;               // the module that declares it (first in load order)
    std::vector<std::string> resources;
    bool is_public = false; // anyone may call it
};

// The routes the integration `name` can call: those that need resources, then those anyone
// may call, each by url then method. Empty when no integration.xml or api.xml declares it.
std::vector<RouteEntry> integration_route_list(const Snapshot& s, std::string_view name);

// Completion of a REST route typed as a resource name (`/V1/orders/` or `GET /V1/orders/:id`):
// one item per matching route that needs resources `listed` lacks. Choosing it writes them
// (with their missing ancestors below the top when `with_parents`), in tree order: the last
// replaces `token`, `insert` makes the edit that adds the others before the element. False
// when `prefix` does not look like a route (the caller completes ids then).
bool complete_routes(const Query& q, Range token, std::string_view prefix,
                     const std::unordered_set<std::string_view>& listed, bool with_parents,
                     const std::function<TextEdit(const std::vector<std::string_view>&)>& insert,
                     CompletionResult& out);

// `grants-no-route` (info) and `grants-everything` (warning) for the integrations of an
// integration.xml or api.xml whose resources Magento reads from that file.
void routes_diagnostics(const Query& q, std::vector<Diagnostic>& out);

} // namespace mil
