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
     "controller) is not declared by any acl.xml of the tree, or is disabled (by "
     "disabled=\"true\" in acl.xml, or because only a module that app/etc/config.php sets "
     "to 0 declares it: Magento reads no acl.xml of a disabled module). For "
     "etc/integration.xml Magento silently drops such a name (the consolidated converter "
     "finds no node for it); a legacy api.xml keeps it in the configuration, but Magento "
     "writes permission rows only for ids of the ACL (Rules::saveRel), so it grants nothing "
     "either. A web API route with it can never be authorised.",
     "Check the spelling against the module's `etc/acl.xml`, or use the suggested id. Ids "
     "that were renamed are a common cause: `Magento_Log::online` no longer exists, the "
     "current id is `Magento_Customer::online`.\n\n"
     "```xml\n"
     "<resource name=\"Magento_Customer::online\"/>\n"
     "```",
     Severity::Error},
    {"missing-parent", "The integration lists a resource without its ancestors",
     "An integration grants a resource but not all of its ancestors below "
     "Magento_Backend::admin. In etc/integration.xml this is only a hint: Magento adds every "
     "ancestor itself (Consolidated\\Converter::addParentsToResource) and grants it, and the "
     "admin's tree shows them checked; Magento's integration guide lists every parent, which "
     "keeps the file explicit. In a legacy api.xml it is a warning: the ids are granted "
     "exactly as listed, every other resource, the parents included, gets an explicit deny "
     "(Rules::saveRel), so routes that require a parent are refused and the activation "
     "dialog does not show the resource.",
     "List each ancestor before the resource, in tree order (the quick fix inserts them):\n\n"
     "```xml\n"
     "<resource name=\"Magento_Sales::sales\"/>\n"
     "<resource name=\"Magento_Sales::sales_operation\"/>\n"
     "<resource name=\"Magento_Sales::sales_order\"/>\n"
     "```",
     Severity::Warning},
    {"duplicate-resource", "The same resource is listed twice in one integration",
     "A resource appears more than once in the resources of one integration. Magento keeps "
     "it once (etc/integration.xml) or grants it once (api.xml), so the repetition has no "
     "effect, except that a repeated Magento_Backend::all in api.xml no longer grants "
     "everything; it usually hides a copy-and-paste slip where another resource was meant.",
     "Remove the repeated `<resource>` line, or change it to the resource that was intended.",
     Severity::Warning},
    {"ignored-resource", "The listed resource is never granted",
     "etc/integration.xml lists Magento_Backend::all, or Magento_Backend::admin with nothing "
     "else: Magento looks integration resources up only below Magento_Backend::admin "
     "(Integration\\Model\\Config\\Consolidated\\Converter::convert) and drops both, so "
     "Magento_Backend::all never grants full access, and an integration left with nothing "
     "else is granted nothing (an error). In a legacy api.xml, Magento_Backend::all grants "
     "everything only when it is the only resource listed (Rules::saveRel compares the list "
     "with [Magento_Backend::all]); beside other ids, or twice, it grants nothing more.",
     "List the resources the integration needs, each with its parents:\n\n"
     "```xml\n"
     "<resource name=\"Magento_Sales::sales\"/>\n"
     "<resource name=\"Magento_Sales::sales_operation\"/>\n"
     "<resource name=\"Magento_Sales::sales_order\"/>\n"
     "```",
     Severity::Warning},
    {"stray-whitespace", "Whitespace around an integration name or URL",
     "An integration name, endpoint_url or identity_link_url has leading or trailing "
     "whitespace (a line break inside the element, a space in the attribute). Magento trims "
     "none of them: the integration is created under the name with the whitespace, and the "
     "URL is stored and used with it. (Whitespace in a resource id makes it an unknown id: "
     "unknown-resource.)",
     "Write the value without surrounding whitespace, on the same line as its tags:\n\n"
     "```xml\n"
     "<endpoint_url>https://example.com/magento/endpoint</endpoint_url>\n"
     "```",
     Severity::Warning},
    {"integration-name-mismatch",
     "processIntegrationConfig names an integration that is not "
     "declared",
     "A setup script passes a name to processIntegrationConfig() that no <integration name> "
     "of the legacy etc/integration/config.xml files (merged over all enabled modules) "
     "declares. Magento looks the name up without checking "
     "(ConfigBasedIntegrationManager::processIntegrationConfig), and bin/magento "
     "setup:upgrade fails with \"Undefined array key\". Names are compared exactly, "
     "including case.",
     "Make the name in the setup script equal to the `name` attribute in "
     "`etc/integration/config.xml`, character for character (`TestIntegration` is not "
     "`testIntegration`). Better still, move to `etc/integration.xml`, which needs no setup "
     "script.",
     Severity::Error},
    {"missing-integration-resources", "A legacy integration has no resources entry",
     "A setup script passes the name of an etc/integration/config.xml integration to "
     "processIntegrationConfig(), but neither etc/integration/api.xml nor "
     "etc/integration.xml declares an integration of that exact (case-sensitive) name. "
     "After creating the integration, Magento reads its resources without a check "
     "(Integration\\Model\\Plugin\\Integration::_addAllowedResources): setup:upgrade fails "
     "with \"Undefined array key\", and so does opening the integration in the admin.",
     "Declare the integration's resources in `etc/integration/api.xml` under the same name, or "
     "better, move the whole integration to `etc/integration.xml`.",
     Severity::Error},
    {"unprocessed-integration", "No setup script creates the legacy integration",
     "An integration of etc/integration/config.xml is created only when a setup script passes "
     "its name to processIntegrationConfig(); no setup script under a module's Setup/ folder "
     "does, so unless other code calls it, Magento never creates it. (A setup class "
     "elsewhere, such as InstallData.php at the module's root, or misnamed, such as "
     "Setup/Installdata.php, is never run: setup-script-not-run.)",
     "Move the integration to `etc/integration.xml`, which Magento applies on every "
     "`setup:upgrade` without a setup script.",
     Severity::Info},
    {"setup-script-not-run", "Magento never runs this setup script",
     "A PHP file calls processIntegrationConfig() but Magento's setup never runs it. "
     "setup:upgrade (Magento\\Setup\\Model\\Installer) runs only the classes "
     "`<Vendor>\\<Module>\\Setup\\InstallSchema`, `UpgradeSchema`, `Recurring`, "
     "`InstallData`, `UpgradeData` and `RecurringData`, and the patches under Setup/Patch/; "
     "each class is loaded by the autoloader from the file of its exact name in the module's "
     "Setup/ folder, and file names are case-sensitive on Linux. So Setup/Installdata.php "
     "(works on a case-insensitive Mac, never on the Linux server), Setup/InstalData.php, or "
     "InstallData.php at the module's root are never run, and the integration they name is "
     "never created.",
     "Rename the file and its class to the exact name, in `Setup/`:\n\n"
     "```php\n"
     "// Setup/InstallData.php\n"
     "namespace Vendor\\Module\\Setup;\n\n"
     "class InstallData implements \\Magento\\Framework\\Setup\\InstallDataInterface\n"
     "```\n\n"
     "Better, declare the integration in `etc/integration.xml`, which needs no setup script.",
     Severity::Warning},
    {"overridden-integration", "integration.xml replaces the api.xml resources",
     "The same integration name is declared in a legacy etc/integration/api.xml and in an "
     "etc/integration.xml. Magento merges the two configurations with array_merge "
     "(Integration\\Model\\Plugin\\Integration::_addAllowedResources): the integration.xml "
     "entry replaces the api.xml one wholesale, so the api.xml resources are ignored.",
     "Keep the resources in one place: list them in `etc/integration.xml` and remove the "
     "api.xml entry.",
     Severity::Warning},
    {"integration-missing-email", "The integration has no email",
     "After all modules' integration.xml files are merged, the integration has no <email>. "
     "Magento's converter (Integration\\Model\\Config\\Consolidated\\Converter::convert) reads "
     "the email without checking that the element exists, so bin/magento setup:upgrade fails "
     "with \"Attempt to read property \"nodeValue\" on null\", and so do the admin's "
     "integration pages, until an email is added.",
     "Add an email to the integration:\n\n"
     "```xml\n"
     "<email>integrations@example.com</email>\n"
     "```",
     Severity::Error},
    {"duplicate-integration", "The integration name is declared by several modules",
     "Two modules declare an integration with the same name. Magento merges them into one "
     "integration: the module loaded later wins for the email and the URLs, and the resource "
     "lists are joined. This is allowed, but it is often unintended.",
     "If the modules mean different integrations, give each a unique `name`. If one module "
     "extends the other on purpose, make sure its `module.xml` lists the other in "
     "`<sequence>` so the load order is fixed.",
     Severity::Info},
    {"insecure-url", "The integration URL uses http://",
     "The endpoint_url or identity_link_url of an integration is an http:// URL. When both "
     "are set, activating the integration posts the OAuth consumer key, secret and verifier "
     "to the endpoint URL (OauthService::postToConsumer) and sends the admin's browser to the "
     "identity link with the consumer key: over http:// in clear text. The admin's "
     "integration grid marks such an integration \"Integration not secure\".",
     "Use an `https://` URL:\n\n"
     "```xml\n"
     "<endpoint_url>https://example.com/magento/endpoint</endpoint_url>\n"
     "```",
     Severity::Warning},
    {"invalid-url", "The integration URL is not an absolute http(s) URL",
     "The endpoint_url or identity_link_url is not an absolute URL such as "
     "`https://host/path` (a relative path, a host without a scheme, another scheme). Magento "
     "copies the value without validating it; when the integration has both URLs, "
     "activation posts to the endpoint URL and fails (\"The attempt to post data to consumer "
     "failed\"), which is an error. With only one of the two, Magento never uses it (the "
     "admin copies the tokens by hand), so it is a warning.",
     "Write the full URL, scheme and host included:\n\n"
     "```xml\n"
     "<endpoint_url>https://example.com/magento/endpoint</endpoint_url>\n"
     "```",
     Severity::Error},
    {"missing-integration-sequence",
     "The module ships integration config without depending on "
     "Magento_Integration",
     "The module has integration configuration but its etc/module.xml does not list "
     "Magento_Integration in <sequence>. Nothing fails in Magento 2.4: every module's schema "
     "is installed before any data setup runs, and Magento_Integration's recurring setup "
     "(Integration\\Setup\\Recurring) reads the merged integration.xml of all modules "
     "whatever their order. Magento's integration guide declares the dependency, so this is "
     "advice.",
     "Add `Magento_Integration` to the module's sequence (the quick fix does it):\n\n"
     "```xml\n"
     "<sequence>\n"
     "    <module name=\"Magento_Integration\"/>\n"
     "</sequence>\n"
     "```",
     Severity::Info},
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
     "A title is optional in each acl.xml but required once all files are merged. Magento "
     "builds the admin's permission trees (User Roles > Role Resources, an integration's API "
     "tab and activation dialog) with Integration\\Helper\\Data::mapResources, which reads "
     "the title without a check: those pages fail with \"Undefined array key \"title\"\". "
     "Developer mode also rejects the merged ACL (acl_merged.xsd).",
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
    {"missing-module-xml", "registration.php registers a module without etc/module.xml",
     "Magento's module list loader (Magento\\Framework\\Module\\ModuleList\\Loader) reads "
     "etc/module.xml of every registered module, enabled or not, without checking that it "
     "exists: the read fails, and with it every bin/magento command and every page.",
     "Add the module's `etc/module.xml`:\n\n"
     "```xml\n"
     "<config xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
     "xsi:noNamespaceSchemaLocation=\"urn:magento:framework:Module/etc/module.xsd\">\n"
     "    <module name=\"Vendor_Module\"/>\n"
     "</config>\n"
     "```",
     Severity::Error},
    {"disabled-module", "app/etc/config.php disables the module",
     "The tree's app/etc/config.php sets the module to 0 in its `modules` list. Magento reads "
     "the configuration files of enabled modules only (Framework\\Module\\ModuleList::has, "
     "Module\\Dir\\Reader::getFiles): the module's acl.xml, integration files and webapi.xml "
     "are ignored, so its integrations are never created and its ACL ids do not exist. The "
     "checker leaves them out of the tree the same way and reports only syntax and schema "
     "errors in the module's files. An id that only a disabled module declares is reported "
     "where it is used (unknown-resource, naming config.php). A module config.php does not "
     "list counts as enabled: setup:upgrade adds it as enabled. Magento's own packages "
     "(vendor/magento, app/code/Magento), routinely disabled, get no such note.",
     "Nothing to do if the module is meant to be off. To use it, enable it and run the "
     "upgrade:\n\n"
     "```sh\n"
     "bin/magento module:enable Vendor_Module\n"
     "bin/magento setup:upgrade\n"
     "```",
     Severity::Info},
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
    {"grants-no-route",
     "The integration lists a resource no REST route needs, without its children",
     "An integration lists a resource that no REST route (webapi.xml) names, and none of its "
     "children. Magento\\Authorization\\Model\\ResourceModel\\Rules::saveRel gives the "
     "integration's role an allow row for each granted resource and a deny row for every other "
     "one, so granting a parent never grants its children: the routes below it stay closed "
     "(Magento_Sales::sales alone cannot call GET /V1/orders/:id, which needs "
     "Magento_Sales::actions_view).",
     "List the child resources the routes you call need (the quick fix adds those that some "
     "route needs; `magento-integration-ls routes --route 'GET /V1/orders/:id'` shows what a "
     "route needs):\n\n"
     "```xml\n"
     "<resource name=\"Magento_Sales::sales\"/>\n"
     "<resource name=\"Magento_Sales::actions_view\"/>\n"
     "```",
     Severity::Info},
    {"grants-everything", "The legacy api.xml grants every resource",
     "An etc/integration/api.xml lists exactly Magento_Backend::all. Rules::saveRel then "
     "writes a single allow row on the ACL root, which Acl\\Loader\\Rule turns into allow "
     "on every resource: the integration has full admin API access, every REST route "
     "included, and resources that modules add later as well. Integrations should be given "
     "the least privilege they need. Any other list (Magento_Backend::all with another id, "
     "or twice) grants only the ids listed (ignored-resource). In etc/integration.xml "
     "Magento_Backend::all grants nothing (ignored-resource).",
     "List only the resources the integration calls, preferably in etc/integration.xml:\n\n"
     "```xml\n"
     "<resource name=\"Magento_Sales::sales\"/>\n"
     "<resource name=\"Magento_Sales::sales_operation\"/>\n"
     "<resource name=\"Magento_Sales::sales_order\"/>\n"
     "<resource name=\"Magento_Sales::actions_view\"/>\n"
     "```",
     Severity::Warning},
    {"too-many-diagnostics", "More diagnostics than the editor is sent for one file",
     "The file has more diagnostics than the language server sends for one file (1,000): the "
     "first ones are shown and this one says how many more there are. The limit keeps a "
     "generated or pathological file (hundreds of thousands of findings) from flooding the "
     "editor with a response of hundreds of megabytes.",
     "Fix the first ones, or run `magento-integration-ls check` on the file, which lists "
     "every one.",
     Severity::Info},
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

std::string rule_help_uri(std::string_view code) {
    std::string uri(kRulesPage);
    uri += '#';
    uri += code; // rule codes are lowercase words joined by '-': their own anchors
    return uri;
}

std::string rules_markdown() {
    std::string out = "# Rules\n\n"
                      "<!-- Generated from the rule catalogue (src/model/rules.cpp) by "
                      "`magento-integration-ls explain --markdown`; do not edit. -->\n\n"
                      "Every finding of `magento-integration-ls` has one of these codes. A "
                      "code's severity can be changed or the rule turned off in the settings "
                      "(`\"severity\": {\"CODE\": \"warning\"}`, or `\"off\"`).\n\n"
                      "| code | default severity | finds |\n|---|---|---|\n";
    for (const RuleInfo& r : kRules) {
        out += "| [`";
        out += r.code;
        out += "`](#";
        out += r.code;
        out += ") | ";
        out += severity_name(r.default_severity);
        out += " | ";
        out += r.title;
        out += " |\n";
    }
    for (const RuleInfo& r : kRules) {
        out += "\n## ";
        out += r.code;
        out += "\n\n**";
        out += r.title;
        out += "** (default severity: ";
        out += severity_name(r.default_severity);
        out += ")\n\n";
        out += r.description;
        out += "\n\n### How to fix it\n\n";
        out += r.help;
        out += "\n";
    }
    return out;
}

std::string rule_text(const RuleInfo& r) {
    std::string out(r.code);
    out += " (";
    out += severity_name(r.default_severity);
    out += "): ";
    out += r.title;
    out += "\n\n";
    out += r.description;
    out += "\n\nHow to fix it:\n";
    out += markdown_to_text(r.help);
    out += "\n\nMore: ";
    out += rule_help_uri(r.code);
    out += "\n";
    return out;
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
