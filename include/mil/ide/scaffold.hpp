// The files of a module that declares an integration, written the way our checks want them:
// registration.php, etc/module.xml (Magento_Integration in <sequence>), composer.json,
// etc/integration.xml (each resource with its ancestors), optionally etc/acl.xml. Used by the
// `new-integration` command and by the server's command and code action. No file I/O.
#pragma once

#include "mil/model/index.hpp"

#include <string>
#include <vector>

namespace mil {

struct ScaffoldSpec {
    std::string module; // Vendor_Module
    std::string name;   // the integration's name
    std::string email;
    std::string endpoint_url;
    std::string identity_link_url;
    std::vector<std::string> resources; // ACL ids to grant; their ancestors are added
    bool own_acl = false;               // also declare and grant Vendor_Module::integration
};

struct ScaffoldFile {
    std::string relative_path; // inside the module folder: "etc/module.xml"
    std::string text;
};

struct ScaffoldPlan {
    std::vector<ScaffoldFile> files;
    std::string error; // set when the spec is invalid; then there are no files
};

ScaffoldPlan plan_integration_module(const ScaffoldSpec& spec, const AclTree& acl);

// Just etc/integration.xml of such a module (ancestors of the resources included).
ScaffoldPlan plan_integration_xml(const ScaffoldSpec& spec, const AclTree& acl);

// "Acme" -> "acme", "MyCompany" -> "my-company": Composer's package-name spelling.
std::string composer_kebab(std::string_view s);

} // namespace mil
