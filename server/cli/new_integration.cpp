// `magento-integration-ls new-integration`: writes a module that declares an integration, the
// way `check` wants it (registration.php, module.xml with Magento_Integration in <sequence>,
// composer.json, etc/integration.xml with every resource's parents, optionally etc/acl.xml).
#include "cli/cli.hpp"

#include "mil/ide/scaffold.hpp"
#include "mil/model/routes.hpp"
#include "mil/model/schema.hpp"
#include "platform/fileio.hpp"
#include "workspace/indexer.hpp"
#include "workspace/workspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mil {

namespace {

const char* kNewIntegrationUsage =
    R"(Usage: magento-integration-ls new-integration Vendor_Module --name NAME [options] [DIR]

Writes a module that declares the integration NAME:
  registration.php, etc/module.xml (with Magento_Integration in <sequence>), composer.json,
  etc/integration.xml (each resource with its parents), and with --acl an etc/acl.xml.
DIR is a Magento root (the module goes to app/code/Vendor/Module) or the module folder itself;
default: the Magento root around the current directory, else ./Vendor_Module.
Existing files are never overwritten.

Options:
  --name NAME                the integration's name (required)
  --email ADDRESS            contact address of the integration
  --endpoint-url URL         where Magento posts the OAuth credentials (https://)
  --identity-link-url URL    where the admin is sent to log in to the service (https://)
  --resource ID              an ACL resource to grant (repeatable), e.g. Magento_Sales::sales_order
  --route 'METHOD URL'       grant what this REST route needs (repeatable), e.g. 'GET /V1/orders/:id'
  --acl                      also write etc/acl.xml with a resource of the module's own, and grant it
  --help                     print this help
)";

} // namespace

int run_new_integration(const std::vector<std::string>& args) {
    std::string module, name, email, endpoint, identity, dir;
    std::vector<std::string> resources, routes;
    bool own_acl = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        std::string v;
        if (a == "--help" || a == "-h") {
            std::printf("%s", kNewIntegrationUsage);
            return 0;
        } else if (a == "--name") {
            if (!value(name)) return command_error("new-integration", "--name needs a value");
        } else if (a == "--email") {
            if (!value(email)) return command_error("new-integration", "--email needs a value");
        } else if (a == "--endpoint-url") {
            if (!value(endpoint))
                return command_error("new-integration", "--endpoint-url needs a value");
        } else if (a == "--identity-link-url") {
            if (!value(identity))
                return command_error("new-integration", "--identity-link-url needs a value");
        } else if (a == "--resource") {
            if (!value(v)) return command_error("new-integration", "--resource needs a value");
            resources.push_back(v);
        } else if (a == "--route") {
            if (!value(v)) return command_error("new-integration", "--route needs a value");
            routes.push_back(v);
        } else if (a == "--acl") {
            own_acl = true;
        } else if (!a.empty() && a[0] == '-') {
            return command_error("new-integration",
                                 fmt::format("unknown option '{}'\n{}", a, kNewIntegrationUsage));
        } else if (module.empty()) {
            module = a;
        } else if (dir.empty()) {
            dir = a;
        } else {
            return command_error("new-integration", fmt::format("unexpected argument '{}'", a));
        }
    }
    if (module.empty())
        return command_error(
            "new-integration",
            fmt::format("the module name (Vendor_Module) is missing\n{}", kNewIntegrationUsage));
    ScaffoldSpec spec{module, name, email, endpoint, identity, resources, own_acl};
    if (!is_module_name(module))
        return command_error(
            "new-integration",
            fmt::format("'{}' is not a Magento module name like Vendor_Module", module));
    const std::string vendor = module.substr(0, module.find('_'));
    const std::string mod = module.substr(module.find('_') + 1);

    // Where the module goes, and the ACL tree its resources are checked against.
    std::string start = absolute_path(dir.empty() ? "." : dir);
    std::string module_dir;
    auto root = find_magento_root(start);
    if (root && normalize_path(*root) == normalize_path(start))
        module_dir = join_path(*root, "app/code/" + vendor + "/" + mod);
    else if (!dir.empty())
        module_dir = start;
    else if (root)
        module_dir = join_path(*root, "app/code/" + vendor + "/" + mod);
    else
        module_dir = join_path(start, module);
    module_dir = normalize_path(module_dir);

    std::shared_ptr<const Snapshot> snap;
    if (root) {
        IndexOptions io;
        snap = index_folders({*root}, io).snapshot;
    } else {
        SnapshotInput in;
        in.catalog = &bundled_catalog();
        snap = build_snapshot(std::move(in));
    }
    // Each route's resources (mil/model/routes.hpp: a route needs every one it names).
    for (const auto& key : routes) {
        const Route* r = snap->routes ? snap->routes->find(key) : nullptr;
        if (!r) return command_error("new-integration", fmt::format("no REST route '{}'", key));
        for (const auto& ref : r->resources) {
            if (ref == "anonymous") continue;
            if (ref == "self")
                return command_error(
                    "new-integration",
                    fmt::format("'{}' is for customer tokens (self): an integration "
                                "cannot call it",
                                key));
            if (std::find(spec.resources.begin(), spec.resources.end(), ref) ==
                spec.resources.end())
                spec.resources.push_back(ref);
        }
    }
    ScaffoldPlan plan = plan_integration_module(spec, snap->acl);
    if (!plan.error.empty()) return command_error("new-integration", plan.error);

    // Write nothing if anything is there already.
    struct Out {
        std::string path, text;
    };
    std::vector<Out> files;
    for (auto& f : plan.files)
        files.push_back({module_dir + "/" + f.relative_path, std::move(f.text)});
    std::vector<std::string> existing;
    for (const auto& f : files)
        if (path_exists_no_follow(f.path)) existing.push_back(f.path);
    if (!existing.empty())
        return command_error("new-integration",
                             fmt::format("refusing to overwrite existing file{}: {}",
                                         existing.size() == 1 ? "" : "s",
                                         fmt::join(existing, ", ")));
    for (const auto& f : files) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(f.path).parent_path(), ec);
        std::ofstream out(f.path, std::ios::binary);
        out << f.text;
        if (!out) return command_error("new-integration", fmt::format("cannot write {}", f.path));
        std::printf("wrote %s\n", f.path.c_str());
    }
    return 0;
}

} // namespace mil
