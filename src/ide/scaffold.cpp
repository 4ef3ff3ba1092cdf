#include "mil/ide/scaffold.hpp"

#include "mil/ide/acl_support.hpp"
#include "mil/model/schema.hpp"
#include "mil/syntax/xml.hpp"

#include <fmt/format.h>

#include <cctype>
#include <set>

namespace mil {

std::string composer_kebab(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (std::isupper(c)) {
            if (i > 0 && !std::isupper(static_cast<unsigned char>(s[i - 1])) && s[i - 1] != '-')
                out += '-';
            out += static_cast<char>(std::tolower(c));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

namespace {

const char* kXmlHead = "<?xml version=\"1.0\"?>\n<config "
                       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                       "xsi:noNamespaceSchemaLocation=\"";

std::string check_spec(const ScaffoldSpec& spec) {
    if (spec.module.empty()) return "the module name (Vendor_Module) is missing";
    if (!is_module_name(spec.module))
        return fmt::format("'{}' is not a Magento module name like Vendor_Module", spec.module);
    if (spec.name.size() < 2) return "the integration's name is required (at least 2 characters)";
    if (!spec.email.empty() && !is_email(spec.email))
        return fmt::format("'{}' is not an email address", spec.email);
    for (const auto* url : {&spec.endpoint_url, &spec.identity_link_url})
        if (!url->empty() && url->rfind("https://", 0) != 0)
            return fmt::format("'{}' is not an https:// URL: Magento sends OAuth credentials there",
                               *url);
    return {};
}

// The ids to grant, each after its ancestors (the tree's roots left out: Magento grants them
// with any resource), or an error naming an unknown id and the closest known one.
std::string granted_ids(const ScaffoldSpec& spec, const AclTree& acl,
                        std::vector<std::string>& out) {
    std::set<std::string> seen;
    auto grant = [&](const std::string& id) {
        if (seen.insert(id).second) out.push_back(id);
    };
    for (const auto& r : spec.resources) {
        const AclNode* n = acl.find(r);
        if (!n) {
            std::string near = closest_acl_id(acl, r);
            return fmt::format("unknown ACL resource '{}'{}", r,
                               near.empty() ? std::string()
                                            : fmt::format(" (did you mean '{}'?)", near));
        }
        for (const AclNode* a : acl.ancestors(*n))
            if (a->id != "Magento_Backend::admin" && a->id != "Magento_Backend::all") grant(a->id);
        grant(r);
    }
    if (spec.own_acl) grant(spec.module + "::integration");
    return {};
}

std::string integration_text(const ScaffoldSpec& spec, const std::vector<std::string>& granted) {
    std::string x =
        fmt::format("{}urn:magento:module:Magento_Integration:etc/integration/integration.xsd\">\n"
                    "    <integration name=\"{}\">\n",
                    kXmlHead, xml_escape(spec.name));
    if (!spec.email.empty())
        x += fmt::format("        <email>{}</email>\n", xml_escape(spec.email));
    if (!spec.endpoint_url.empty())
        x +=
            fmt::format("        <endpoint_url>{}</endpoint_url>\n", xml_escape(spec.endpoint_url));
    if (!spec.identity_link_url.empty())
        x += fmt::format("        <identity_link_url>{}</identity_link_url>\n",
                         xml_escape(spec.identity_link_url));
    if (!granted.empty()) {
        x += "        <resources>\n";
        for (const auto& r : granted)
            x += fmt::format("            <resource name=\"{}\"/>\n", xml_escape(r));
        x += "        </resources>\n";
    }
    x += "    </integration>\n</config>\n";
    return x;
}

} // namespace

ScaffoldPlan plan_integration_xml(const ScaffoldSpec& spec, const AclTree& acl) {
    ScaffoldPlan plan;
    plan.error = check_spec(spec);
    std::vector<std::string> granted;
    if (plan.error.empty()) plan.error = granted_ids(spec, acl, granted);
    if (plan.error.empty())
        plan.files.push_back({"etc/integration.xml", integration_text(spec, granted)});
    return plan;
}

ScaffoldPlan plan_integration_module(const ScaffoldSpec& spec, const AclTree& acl) {
    ScaffoldPlan plan = plan_integration_xml(spec, acl);
    if (!plan.error.empty()) return plan;
    const auto sep = spec.module.find('_');
    const std::string vendor = spec.module.substr(0, sep);
    const std::string mod = spec.module.substr(sep + 1);
    std::vector<ScaffoldFile> files;
    files.push_back(
        {"registration.php",
         fmt::format("<?php\n\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n\n"
                     "ComponentRegistrar::register(ComponentRegistrar::MODULE, '{}', "
                     "__DIR__);\n",
                     spec.module)});
    files.push_back(
        {"etc/module.xml", fmt::format("{}urn:magento:framework:Module/etc/module.xsd\">\n"
                                       "    <module name=\"{}\">\n        <sequence>\n"
                                       "            <module name=\"Magento_Integration\"/>\n"
                                       "        </sequence>\n    </module>\n</config>\n",
                                       kXmlHead, spec.module)});
    // The description is a JSON string: the name without what JSON would need escaped.
    std::string description;
    for (char c : spec.name)
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) description += c;
    files.push_back(
        {"composer.json",
         fmt::format(
             "{{\n    \"name\": \"{}/module-{}\",\n    \"description\": \"{} integration\",\n"
             "    \"type\": \"magento2-module\",\n    \"license\": \"proprietary\",\n"
             "    \"require\": {{\n        \"magento/module-integration\": \"*\"\n    }},\n"
             "    \"autoload\": {{\n        \"files\": [\n            \"registration.php\"\n"
             "        ],\n        \"psr-4\": {{\n            \"{}\\\\{}\\\\\": \"\"\n"
             "        }}\n    }}\n}}\n",
             composer_kebab(vendor), composer_kebab(mod), description, vendor, mod)});
    files.push_back(std::move(plan.files.front()));
    if (spec.own_acl)
        files.push_back(
            {"etc/acl.xml",
             fmt::format(
                 "{}urn:magento:framework:Acl/etc/acl.xsd\">\n"
                 "    <acl>\n        <resources>\n"
                 "            <resource id=\"Magento_Backend::admin\">\n"
                 "                <resource id=\"{}::integration\" title=\"{} Integration\" "
                 "translate=\"title\" sortOrder=\"100\"/>\n"
                 "            </resource>\n        </resources>\n    </acl>\n</config>\n",
                 kXmlHead, spec.module, xml_escape(mod))});
    plan.files = std::move(files);
    return plan;
}

} // namespace mil
