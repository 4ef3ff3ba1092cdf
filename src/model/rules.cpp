#include "mil/model/rules.hpp"

#include <algorithm>

namespace mil {

namespace {

const std::vector<RuleInfo> kRules = {
    {"xml-syntax", "The file is not well-formed XML",
     "Magento cannot load a configuration file that is not well-formed XML: the whole merged "
     "configuration of that kind fails to load, and setup:upgrade or the admin stops with an "
     "exception. The diagnostic points at the first error the parser met.",
     "Fix the markup at the reported position: close every element, quote every attribute "
     "value, and escape `&` as `&amp;` and `<` as `&lt;` in text.\n\n"
     "```xml\n"
     "<resource name=\"Magento_Sales::sales\"/>\n"
     "```",
     Severity::Error},
    {"schema", "The file does not follow its Magento schema",
     "An element or attribute is not allowed where it is, a required one is missing, "
     "children of a legacy integration/config.xml are out of order, or a value breaks the "
     "pattern or length of the XSD. Magento validates against the schema only in developer "
     "mode; in default and production mode the mistake is not reported and the file "
     "misbehaves later.",
     "Compare the element with the schema named in `xsi:noNamespaceSchemaLocation`. For "
     "example, an ACL id must look like `Vendor_Module::resource`, an integration name needs "
     "at least two characters, and legacy `config.xml` wants `email`, then `endpoint_url`, "
     "then `identity_link_url`.",
     Severity::Error},
    {"unknown-resource", "The ACL resource is not defined in any acl.xml",
     "A resource named in an integration (or in webapi.xml, menu.xml, system.xml or an admin "
     "controller) is not declared by any acl.xml of the tree. For etc/integration.xml Magento "
     "silently drops such a name, so the integration never gets the permission; a web API "
     "route with it can never be authorised.",
     "Check the spelling against the module's `etc/acl.xml`, or use the suggested id. Ids "
     "that were renamed are a common cause: `Magento_Log::online` no longer exists, the "
     "current id is `Magento_Customer::online`.\n\n"
     "```xml\n"
     "<resource name=\"Magento_Customer::online\"/>\n"
     "```",
     Severity::Error},
    {"missing-parent", "The integration lists a resource without its ancestors",
     "An integration grants a resource but not all of its ancestors below "
     "Magento_Backend::admin. The admin permission tree then shows the grant incomplete, and "
     "the legacy api.xml path stores exactly what is listed, so the parent permissions are "
     "missing. Magento's integration guide asks for every ancestor to be listed.",
     "List each ancestor before the resource, in tree order (the quick fix inserts them):\n\n"
     "```xml\n"
     "<resource name=\"Magento_Sales::sales\"/>\n"
     "<resource name=\"Magento_Sales::sales_operation\"/>\n"
     "<resource name=\"Magento_Sales::sales_order\"/>\n"
     "```",
     Severity::Warning},
    {"duplicate-resource", "The same resource is listed twice in one integration",
     "A resource appears more than once in the resources of one integration. Magento merges "
     "resources by name, so the repetition has no effect; it usually hides a copy-and-paste "
     "slip where another resource was meant.",
     "Remove the repeated `<resource>` line, or change it to the resource that was intended.",
     Severity::Warning},
    {"integration-name-mismatch",
     "processIntegrationConfig names an integration that is not "
     "declared",
     "A setup script passes a name to processIntegrationConfig() that no <integration name> "
     "of the module's legacy etc/integration/config.xml declares. Magento looks the name up "
     "without checking, and bin/magento setup:upgrade fails with a PHP notice turned into an "
     "exception. Names are compared exactly, including case.",
     "Make the name in the setup script equal to the `name` attribute in "
     "`etc/integration/config.xml`, character for character (`TestIntegration` is not "
     "`testIntegration`). Better still, move to `etc/integration.xml`, which needs no setup "
     "script.",
     Severity::Error},
    {"integration-missing-email", "The integration has no email",
     "After all modules' integration files are merged, the integration has no <email>. The "
     "legacy config.xml schema requires one, and the admin shows an integration without a "
     "contact address to reach its vendor.",
     "Add an email to the integration:\n\n"
     "```xml\n"
     "<email>integrations@example.com</email>\n"
     "```",
     Severity::Warning},
    {"duplicate-integration", "The integration name is declared by several modules",
     "Two modules declare an integration with the same name. Magento merges them into one "
     "integration: the module loaded later wins for the email and the URLs, and the resource "
     "lists are joined. This is allowed, but it is often unintended.",
     "If the modules mean different integrations, give each a unique `name`. If one module "
     "extends the other on purpose, make sure its `module.xml` lists the other in "
     "`<sequence>` so the load order is fixed.",
     Severity::Info},
    {"insecure-url", "The integration URL does not use https",
     "The endpoint_url or identity_link_url of an integration is not an https:// URL. Magento "
     "posts the OAuth consumer key and secret to the endpoint URL when the integration is "
     "activated, so a plain http:// URL sends credentials in clear text.",
     "Use an `https://` URL:\n\n"
     "```xml\n"
     "<endpoint_url>https://example.com/magento/endpoint</endpoint_url>\n"
     "```",
     Severity::Warning},
    {"missing-integration-sequence",
     "The module ships integration config without depending on "
     "Magento_Integration",
     "The module has integration configuration but its etc/module.xml does not list "
     "Magento_Integration in <sequence>. Without it the load order is not guaranteed, and "
     "the module may be set up before the integration tables and services exist.",
     "Add `Magento_Integration` to the module's sequence (the quick fix does it):\n\n"
     "```xml\n"
     "<sequence>\n"
     "    <module name=\"Magento_Integration\"/>\n"
     "</sequence>\n"
     "```",
     Severity::Warning},
    {"deprecated-integration-config", "Legacy integration configuration",
     "etc/integration/config.xml, etc/integration/api.xml and setup scripts that call "
     "processIntegrationConfig() are the pre-2.1 way to declare integrations. They still "
     "work but are deprecated; etc/integration.xml replaces all three and Magento applies it "
     "on every setup:upgrade without a setup script.",
     "Move the integration into `etc/integration.xml`, with its email, URLs and resources "
     "in one element, then remove the legacy files and the `processIntegrationConfig()` "
     "call:\n\n"
     "```xml\n"
     "<integration name=\"MyIntegration\">\n"
     "    <email>me@example.com</email>\n"
     "    <resources>\n"
     "        <resource name=\"Magento_Sales::sales\"/>\n"
     "    </resources>\n"
     "</integration>\n"
     "```",
     Severity::Hint},
    {"acl-duplicate-id", "The ACL id appears twice in one acl.xml",
     "One acl.xml declares the same resource id at two places. Magento merges resources by "
     "id, so both declarations become one node, placed where the merge puts it; the second "
     "one is almost always a mistake.",
     "Keep a single declaration of the id and move any children under it.", Severity::Error},
    {"acl-missing-title", "No acl.xml gives the ACL id a title",
     "A title is optional in each acl.xml but required once all files are merged. Without it "
     "the admin role and integration permission trees show an empty entry.",
     "Give the resource a `title` (3 to 50 characters) where it is first declared:\n\n"
     "```xml\n"
     "<resource id=\"Vendor_Module::manage\" title=\"Manage Things\" translate=\"title\"/>\n"
     "```",
     Severity::Warning},
    {"acl-orphan-branch", "An ancestor id in acl.xml is declared nowhere else",
     "A module repeats a chain of ancestors to add its resource under an existing one, but "
     "one of those ancestor ids is defined by no other acl.xml. Magento then silently starts "
     "a new branch, and the resource does not appear where it was meant to.",
     "Correct the ancestor id to the one the owning module declares, for example "
     "`Magento_Sales::sales_operation` rather than `Magento_Sales::operation`.",
     Severity::Warning},
    {"module-name-mismatch",
     "The module name differs between module.xml, registration.php "
     "and the folder",
     "Magento takes a module's name from etc/module.xml. When registration.php registers "
     "another name, setup fails with \"Module is not correctly registered\"; under "
     "app/code/Vendor/Module the folder must match the name as well.",
     "Use the same `Vendor_Module` name in `etc/module.xml`, in "
     "`ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Vendor_Module', __DIR__)` "
     "and, under `app/code`, in the `Vendor/Module` folder names.",
     Severity::Error},
    {"composer-module", "The module's composer.json is not a valid Magento module package",
     "The composer.json of a module has a name that is not vendor/package, a type other than "
     "magento2-module, autoload.files without registration.php, or a PSR-4 prefix that is "
     "not the module's namespace. Composer then installs the package without registering "
     "the module, or autoloads its classes from the wrong place.",
     "A module package looks like this:\n\n"
     "```json\n"
     "{\n"
     "  \"name\": \"vendor/module-name\",\n"
     "  \"type\": \"magento2-module\",\n"
     "  \"autoload\": {\n"
     "    \"files\": [\"registration.php\"],\n"
     "    \"psr-4\": {\"Vendor\\\\ModuleName\\\\\": \"\"}\n"
     "  }\n"
     "}\n"
     "```",
     Severity::Warning},
    {"unknown-module", "The sequence names a module the tree does not have",
     "etc/module.xml lists a module in <sequence> that is not installed in this Magento "
     "tree. Magento does not complain: when it sorts modules into load order "
     "(Magento\\Framework\\Module\\ModuleList\\Loader) it silently skips a sequence "
     "name it does not know, so the module gets no load-order guarantee from it. A misspelt "
     "name therefore goes unnoticed until config, layout or setup code runs in the wrong "
     "order. (bin/magento module:enable checks composer.json's require, not <sequence>.) "
     "This is only reported when the tree holds Magento's core modules.",
     "Check the module name's spelling (`Magento_Sales`, not `Magento_Sale`), or install the "
     "module that provides it.",
     Severity::Warning},
    {"file-too-large", "The file is too large to be read",
     "The file is larger than the size limit (8 MiB unless raised), so the language server "
     "or check did not read it: it is not checked, and what it declares (ACL ids, "
     "integrations, modules) is missing from the index, which can make other files report "
     "unknown resources. The limit keeps a stray generated or binary file from taking "
     "unbounded memory.",
     "Configuration files are rarely this large: check that the file is the one you meant "
     "(not a dump or a generated file). If it is, raise the limit with `--max-file-size "
     "BYTES`, both for the server and for check:\n\n"
     "```sh\n"
     "magento-integration-ls check --max-file-size 33554432 .\n"
     "```",
     Severity::Warning},
};

} // namespace

const std::vector<RuleInfo>& rule_catalog() {
    return kRules;
}

const RuleInfo* find_rule(std::string_view code) {
    auto it = std::find_if(kRules.begin(), kRules.end(),
                           [&](const RuleInfo& r) { return r.code == code; });
    return it == kRules.end() ? nullptr : &*it;
}

std::string markdown_to_text(std::string_view markdown) {
    std::string out;
    out.reserve(markdown.size());
    bool in_fence = false;
    std::size_t pos = 0;
    while (pos <= markdown.size()) {
        std::size_t nl = markdown.find('\n', pos);
        bool last = nl == std::string_view::npos;
        std::string_view line = markdown.substr(pos, last ? std::string_view::npos : nl - pos);
        pos = last ? markdown.size() + 1 : nl + 1;
        if (line.substr(0, 3) == "```") {
            in_fence = !in_fence;
            continue;
        }
        if (in_fence) {
            out += "    ";
            out += line;
        } else {
            for (std::size_t i = 0; i < line.size(); ++i) {
                if (line[i] == '`') continue;
                if (line[i] == '*' && i + 1 < line.size() && line[i + 1] == '*') {
                    ++i;
                    continue;
                }
                out += line[i];
            }
        }
        if (!last) out += '\n';
    }
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

bool parse_severity_setting(std::string_view word, std::optional<Severity>* out) {
    if (word == "error")
        *out = Severity::Error;
    else if (word == "warning")
        *out = Severity::Warning;
    else if (word == "info" || word == "information")
        *out = Severity::Info;
    else if (word == "hint")
        *out = Severity::Hint;
    else if (word == "off" || word == "none")
        out->reset();
    else
        return false;
    return true;
}

} // namespace mil
