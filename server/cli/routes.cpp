// `magento-integration-ls routes`: which REST routes each integration of a tree can call, and
// which resources a route needs (the grant model of mil/model/routes.hpp).
#include "cli/cli.hpp"

#include "mil/model/routes.hpp"
#include "platform/fileio.hpp"
#include "workspace/indexer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace mil {

namespace {

const char* kRoutesUsage =
    R"(Usage: magento-integration-ls routes [PATH] [--integration NAME] [--route 'METHOD URL'] [--format FORMAT]

Lists the REST routes each integration of PATH (a Magento tree or a module; default: the
current directory) can call, as Magento grants them: integration.xml resources with their
ancestors, api.xml resources as listed (exactly Magento_Backend::all: everything), a route
allowed when every resource it names is granted. Routes that need nothing (anonymous) are
listed too. Without a Magento core in PATH, the routes of Magento Open Source 2.4.8-p1 stand in.

Options:
  --integration NAME   only this integration
  --route 'METHOD URL' the resources this route needs and the integrations that can call it
  --format FORMAT      text (default), json or markdown
  --help               print this help
)";

struct Where {
    std::string file;
    std::uint32_t line = 0;
};

// The first declaration of a route: its webapi.xml relative to the current directory and its
// line, or the module's file in the bundled catalogue.
Where where(const Snapshot& snap, const Route& r) {
    if (r.sources.empty()) return {};
    const RouteSource& s = r.sources.front();
    if (s.path.empty()) return {fmt::format("bundled:{}/etc/webapi.xml", s.module), s.line};
    Where w{relative_path(s.path, absolute_path(".")), 0};
    if (const FileEntry* f = snap.file(s.path); f && f->text)
        w.line = f->lines().to_line_col(*f->text, s.range.begin, Encoding::Utf8).line + 1;
    return w;
}

std::vector<std::string> shown_resources(const Route& r) {
    return r.is_public() ? std::vector<std::string>{"anonymous"} : r.resources;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

const char* source_name(Grants::Source s) {
    switch (s) {
    case Grants::Source::IntegrationXml:
        return "integration.xml";
    case Grants::Source::ApiXml:
        return "api.xml";
    case Grants::Source::None:
        break;
    }
    return "";
}

} // namespace

int run_routes(const std::vector<std::string>& args) {
    std::string path = ".", integration, route_key, format = "text";
    bool have_path = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        if (a == "--help" || a == "-h") {
            std::printf("%s", kRoutesUsage);
            return 0;
        } else if (a == "--integration") {
            if (!value(integration)) return command_error("routes", "--integration needs a value");
        } else if (a == "--route") {
            if (!value(route_key)) return command_error("routes", "--route needs a value");
        } else if (a == "--format") {
            if (!value(format)) return command_error("routes", "--format needs a value");
            if (format != "text" && format != "json" && format != "markdown")
                return command_error(
                    "routes", fmt::format("unknown format '{}' (text, json or markdown)", format));
        } else if (!a.empty() && a[0] == '-') {
            return command_error("routes", fmt::format("unknown option '{}'\n{}", a, kRoutesUsage));
        } else if (!have_path) {
            path = a;
            have_path = true;
        } else {
            return command_error("routes", fmt::format("one PATH only ('{}' and '{}')", path, a));
        }
    }
    if (!is_directory(path))
        return command_error("routes", fmt::format("'{}' is not a folder", path));

    IndexResult result = index_folders({absolute_path(path)});
    const Snapshot& snap = *result.snapshot;
    static const RouteIndex kNoRoutes;
    const RouteIndex& routes = snap.routes ? *snap.routes : kNoRoutes;

    // The integrations whose resources Magento reads: integration.xml or api.xml.
    std::vector<std::pair<std::string, Grants>> integrations;
    for (const auto& [name, refs] : snap.integrations) {
        if (!integration.empty() && name != integration) continue;
        Grants g = effective_grants(snap, name);
        if (g.source != Grants::Source::None) integrations.emplace_back(name, std::move(g));
    }
    if (!integration.empty() && integrations.empty())
        return command_error("routes",
                             fmt::format("no integration '{}' in integration.xml or api.xml of {}",
                                         integration, path));

    if (!route_key.empty()) {
        const Route* r = routes.find(route_key);
        if (!r)
            return command_error("routes",
                                 fmt::format("no REST route '{}' in {}", route_key, path));
        std::vector<std::string> callers;
        for (const auto& [name, g] : integrations)
            if (can_call(g, *r)) callers.push_back(name);
        Where w = where(snap, *r);
        if (format == "json") {
            nlohmann::json j = {{"method", r->method},
                                {"url", r->url},
                                {"resources", shown_resources(*r)},
                                {"service", r->service_class + "::" + r->service_method},
                                {"file", w.file},
                                {"line", w.line},
                                {"integrations", callers}};
            std::printf("%s\n", j.dump(2).c_str());
        } else if (format == "markdown") {
            std::printf("### `%s %s`\n\n", r->method.c_str(), r->url.c_str());
            std::printf("- service: `%s::%s`\n- declared in: `%s:%u`\n- needs: %s\n",
                        r->service_class.c_str(), r->service_method.c_str(), w.file.c_str(), w.line,
                        joined(shown_resources(*r)).c_str());
            std::printf("- integrations that can call it: %s\n",
                        callers.empty() ? "none" : joined(callers).c_str());
        } else {
            std::printf("%s %s  %s::%s  %s:%u\n", r->method.c_str(), r->url.c_str(),
                        r->service_class.c_str(), r->service_method.c_str(), w.file.c_str(),
                        w.line);
            std::printf("needs: %s\n", joined(shown_resources(*r)).c_str());
            std::printf("integrations that can call it: %s\n",
                        callers.empty() ? "none" : joined(callers).c_str());
        }
        return 0;
    }

    nlohmann::json all = nlohmann::json::array();
    for (const auto& [name, g] : integrations) {
        auto callable = callable_routes(routes, g);
        std::size_t open = 0;
        for (const Route* r : callable)
            open += r->is_public();
        if (format == "text") {
            std::printf("%s (%s%s): can call %zu REST routes, %zu of them anonymous\n",
                        name.c_str(), source_name(g.source),
                        g.everything ? ", Magento_Backend::all: everything" : "", callable.size(),
                        open);
        } else if (format == "markdown") {
            std::printf("## %s\n\n%s%s: can call %zu REST routes, %zu of them anonymous.\n\n",
                        name.c_str(), source_name(g.source),
                        g.everything ? " (Magento_Backend::all: everything)" : "", callable.size(),
                        open);
            if (!callable.empty())
                std::printf("| route | resources | declared in |\n|---|---|---|\n");
        }
        for (const Route* r : callable) {
            Where w = where(snap, *r);
            if (format == "json") {
                all.push_back({{"integration", name},
                               {"method", r->method},
                               {"url", r->url},
                               {"resources", shown_resources(*r)},
                               {"file", w.file},
                               {"line", w.line}});
            } else if (format == "markdown") {
                std::printf("| `%s %s` | %s | %s:%u |\n", r->method.c_str(), r->url.c_str(),
                            joined(shown_resources(*r)).c_str(), w.file.c_str(), w.line);
            } else {
                std::printf("  %-6s %s  [%s]  %s:%u\n", r->method.c_str(), r->url.c_str(),
                            joined(shown_resources(*r)).c_str(), w.file.c_str(), w.line);
            }
        }
        if (format == "markdown") std::printf("\n");
    }
    if (format == "json") std::printf("%s\n", all.dump(2).c_str());
    return 0;
}

} // namespace mil
