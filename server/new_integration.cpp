// `magento-integration-ls new-integration`: writes a module that declares an integration, the
// way `check` wants it (registration.php, module.xml with Magento_Integration in <sequence>,
// composer.json, etc/integration.xml with every resource's parents, optionally etc/acl.xml).
#include "cli.hpp"

#include "fileio.hpp"
#include "indexer.hpp"
#include "mil/acl_support.hpp"
#include "mil/schema.hpp"
#include "mil/xml.hpp"
#include "workspace.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace mil {

namespace {

const char* kUsage =
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
  --acl                      also write etc/acl.xml with a resource of the module's own, and grant it
  --help                     print this help
)";

std::string kebab(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (std::isupper(static_cast<unsigned char>(c))) {
            if (i > 0 && !std::isupper(static_cast<unsigned char>(s[i - 1]))) out += '-';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

int fail(const std::string& message) {
    std::fprintf(stderr, "magento-integration-ls new-integration: %s\n", message.c_str());
    return 2;
}

} // namespace

int run_new_integration(const std::vector<std::string>& args) {
    std::string module, name, email, endpoint, identity, dir;
    std::vector<std::string> resources;
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
            std::printf("%s", kUsage);
            return 0;
        } else if (a == "--name") {
            if (!value(name)) return fail("--name needs a value");
        } else if (a == "--email") {
            if (!value(email)) return fail("--email needs a value");
        } else if (a == "--endpoint-url") {
            if (!value(endpoint)) return fail("--endpoint-url needs a value");
        } else if (a == "--identity-link-url") {
            if (!value(identity)) return fail("--identity-link-url needs a value");
        } else if (a == "--resource") {
            if (!value(v)) return fail("--resource needs a value");
            resources.push_back(v);
        } else if (a == "--acl") {
            own_acl = true;
        } else if (!a.empty() && a[0] == '-') {
            return fail(fmt::format("unknown option '{}'\n{}", a, kUsage));
        } else if (module.empty()) {
            module = a;
        } else if (dir.empty()) {
            dir = a;
        } else {
            return fail(fmt::format("unexpected argument '{}'", a));
        }
    }
    if (module.empty())
        return fail(fmt::format("the module name (Vendor_Module) is missing\n{}", kUsage));
    if (!is_module_name(module))
        return fail(fmt::format("'{}' is not a Magento module name like Vendor_Module", module));
    if (name.size() < 2) return fail("--name NAME is required (at least 2 characters)");
    if (!email.empty() && !is_email(email))
        return fail(fmt::format("'{}' is not an email address", email));
    for (const auto& url : {endpoint, identity})
        if (!url.empty() && url.rfind("https://", 0) != 0)
            return fail(fmt::format(
                "'{}' is not an https:// URL: Magento sends OAuth credentials there", url));
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
    const std::string own_id = module + "::integration";
    std::vector<std::string> granted;
    std::set<std::string> seen;
    auto grant = [&](const std::string& id) {
        if (seen.insert(id).second) granted.push_back(id);
    };
    for (const auto& r : resources) {
        const AclNode* n = snap->acl.find(r);
        if (!n) {
            std::string near = closest_acl_id(snap->acl, r);
            return fail(fmt::format("unknown ACL resource '{}'{}", r,
                                    near.empty() ? std::string()
                                                 : fmt::format(" (did you mean '{}'?)", near)));
        }
        for (const AclNode* a : snap->acl.ancestors(*n))
            if (a->id != "Magento_Backend::admin" && a->id != "Magento_Backend::all") grant(a->id);
        grant(r);
    }
    if (own_acl) grant(own_id);

    // Write nothing if anything is there already.
    struct Out {
        std::string path, text;
    };
    std::vector<Out> files;
    files.push_back(
        {module_dir + "/registration.php",
         fmt::format("<?php\n\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n\n"
                     "ComponentRegistrar::register(ComponentRegistrar::MODULE, '{}', __DIR__);\n",
                     module)});
    files.push_back(
        {module_dir + "/etc/module.xml",
         fmt::format(
             "<?xml version=\"1.0\"?>\n<config "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:noNamespaceSchemaLocation=\"urn:magento:framework:Module/etc/module.xsd\">\n"
             "    <module name=\"{}\">\n        <sequence>\n"
             "            <module name=\"Magento_Integration\"/>\n        </sequence>\n"
             "    </module>\n</config>\n",
             module)});
    std::string vendor_l = kebab(vendor);
    files.push_back(
        {module_dir + "/composer.json",
         fmt::format(
             "{{\n    \"name\": \"{}/module-{}\",\n    \"description\": \"{} integration\",\n"
             "    \"type\": \"magento2-module\",\n    \"license\": \"proprietary\",\n"
             "    \"require\": {{\n        \"magento/module-integration\": \"*\"\n    }},\n"
             "    \"autoload\": {{\n        \"files\": [\n            \"registration.php\"\n       "
             " ],\n"
             "        \"psr-4\": {{\n            \"{}\\\\{}\\\\\": \"\"\n        }}\n    }}\n}}\n",
             vendor_l, kebab(mod), name, vendor, mod)});
    std::string integ = fmt::format(
        "<?xml version=\"1.0\"?>\n<config xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xsi:noNamespaceSchemaLocation=\"urn:magento:module:Magento_Integration:etc/integration/"
        "integration.xsd\">\n"
        "    <integration name=\"{}\">\n",
        xml_escape(name));
    if (!email.empty()) integ += fmt::format("        <email>{}</email>\n", xml_escape(email));
    if (!endpoint.empty())
        integ += fmt::format("        <endpoint_url>{}</endpoint_url>\n", xml_escape(endpoint));
    if (!identity.empty())
        integ += fmt::format("        <identity_link_url>{}</identity_link_url>\n",
                             xml_escape(identity));
    if (!granted.empty()) {
        integ += "        <resources>\n";
        for (const auto& r : granted)
            integ += fmt::format("            <resource name=\"{}\"/>\n", r);
        integ += "        </resources>\n";
    }
    integ += "    </integration>\n</config>\n";
    files.push_back({module_dir + "/etc/integration.xml", integ});
    if (own_acl)
        files.push_back(
            {module_dir + "/etc/acl.xml",
             fmt::format(
                 "<?xml version=\"1.0\"?>\n<config "
                 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                 "xsi:noNamespaceSchemaLocation=\"urn:magento:framework:Acl/etc/acl.xsd\">\n"
                 "    <acl>\n        <resources>\n"
                 "            <resource id=\"Magento_Backend::admin\">\n"
                 "                <resource id=\"{}\" title=\"{} Integration\" translate=\"title\" "
                 "sortOrder=\"100\"/>\n"
                 "            </resource>\n        </resources>\n    </acl>\n</config>\n",
                 own_id, xml_escape(mod))});
    std::vector<std::string> existing;
    for (const auto& f : files)
        if (path_exists_no_follow(f.path)) existing.push_back(f.path);
    if (!existing.empty())
        return fail(fmt::format("refusing to overwrite existing file{}: {}",
                                existing.size() == 1 ? "" : "s", fmt::join(existing, ", ")));
    for (const auto& f : files) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(f.path).parent_path(), ec);
        std::ofstream out(f.path, std::ios::binary);
        out << f.text;
        if (!out) return fail(fmt::format("cannot write {}", f.path));
        std::printf("wrote %s\n", f.path.c_str());
    }
    return 0;
}

} // namespace mil
