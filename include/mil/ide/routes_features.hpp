// What the editor shows about REST routes (see mil/model/routes.hpp for the grant model):
// the routes that need a resource, those an integration can call thanks to it, and the
// routes an integration can call, as Markdown for hover.
#pragma once

#include "mil/ide/engine.hpp"
#include "mil/model/routes.hpp"

#include <functional>
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
