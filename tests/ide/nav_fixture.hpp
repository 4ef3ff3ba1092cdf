// A small workspace for the navigation tests: two Magento core modules, two custom modules
// (Acme_Connector names its ACL ids in every kind of file, Acme_Reports adds a resource under
// one of them) and a Composer package under vendor/. Files written for these tests.
#pragma once

#include "magento_fixture.hpp"
#include "mil/ide/engine.hpp"
#include "mil/ide/entry.hpp"
#include "mil/model/index.hpp"
#include "mil/model/model.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nav {

inline const std::string kRoot = "/ws";
inline const std::string kBackend = kRoot + "/app/code/Magento/Backend";
inline const std::string kSales = kRoot + "/app/code/Magento/Sales";
inline const std::string kAcme = kRoot + "/app/code/Acme/Connector";
inline const std::string kReports = kRoot + "/app/code/Acme/Reports";
inline const std::string kVendor = kRoot + "/vendor/vendorco/module-thing";

inline const std::string kAcmeAcl = kAcme + "/etc/acl.xml";
inline const std::string kReportsAcl = kReports + "/etc/acl.xml";
inline const std::string kBackendAcl = kBackend + "/etc/acl.xml";
inline const std::string kSalesAcl = kSales + "/etc/acl.xml";
inline const std::string kVendorAcl = kVendor + "/etc/acl.xml";
inline const std::string kIntegration = kAcme + "/etc/integration.xml";
inline const std::string kLegacyConfig = kAcme + "/etc/integration/config.xml";
inline const std::string kWebapi = kAcme + "/etc/webapi.xml";
inline const std::string kMenu = kAcme + "/etc/adminhtml/menu.xml";
inline const std::string kSystem = kAcme + "/etc/adminhtml/system.xml";
inline const std::string kListing = kAcme + "/view/adminhtml/ui_component/acme_log_listing.xml";
inline const std::string kController = kAcme + "/Controller/Adminhtml/Log/Index.php";
inline const std::string kAcmeModuleXml = kAcme + "/etc/module.xml";

inline std::string module_xml(std::string_view name, std::string_view sequence = {}) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <module name=\"" + std::string(name) + "\">\n" +
           std::string(sequence) + "    </module>\n</config>\n";
}

inline const char* kBackendAclText = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin" title="Magento Admin" sortOrder="10">
                <resource id="Magento_Backend::stores" title="Stores" sortOrder="80">
                    <resource id="Magento_Backend::stores_settings" title="Settings" sortOrder="10">
                        <resource id="Magento_Config::config" title="Configuration" sortOrder="20"/>
                    </resource>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kSalesAclText = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales" title="Sales" sortOrder="20">
                    <resource id="Magento_Sales::sales_order" title="Orders" sortOrder="10"/>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kAcmeAclText = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::connector" title="Acme Connector" sortOrder="50">
                    <resource id="Acme_Connector::sync" title="Synchronise" sortOrder="10"/>
                    <resource id="Acme_Connector::logs" title="Logs" sortOrder="20"/>
                </resource>
                <resource id="Magento_Backend::stores">
                    <resource id="Magento_Backend::stores_settings">
                        <resource id="Magento_Config::config">
                            <resource id="Acme_Connector::config" title="Acme Connector Settings"/>
                        </resource>
                    </resource>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kReportsAclText = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Acme_Connector::connector">
                    <resource id="Acme_Reports::report" title="Connector Reports" sortOrder="30"/>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kVendorAclText = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Vendorco_Thing::thing" title="Vendor Thing"/>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kIntegrationText = R"(<?xml version="1.0"?>
<config>
    <integration name="AcmeSync">
        <email>dev@acme.example</email>
        <endpoint_url>https://acme.example/endpoint</endpoint_url>
        <resources>
            <resource name="Acme_Connector::connector"/>
            <resource name="Acme_Connector::sync"/>
            <resource name="Magento_Sales::sales"/>
        </resources>
    </integration>
</config>
)";

inline const char* kLegacyConfigText = R"(<?xml version="1.0"?>
<integrations>
    <integration name="AcmeLegacy">
        <email>legacy@acme.example</email>
    </integration>
</integrations>
)";

inline const char* kWebapiText = R"(<?xml version="1.0"?>
<routes>
    <route url="/V1/acme/sync" method="POST">
        <service class="Acme\Connector\Api\SyncInterface" method="run"/>
        <resources>
            <resource ref="Acme_Connector::sync"/>
        </resources>
    </route>
    <route url="/V1/acme/sync/status" method="GET">
        <service class="Acme\Connector\Api\SyncInterface" method="status"/>
        <resources>
            <resource ref="Acme_Connector::sync"/>
        </resources>
    </route>
    <route url="/V1/acme/me" method="GET">
        <service class="Acme\Connector\Api\MeInterface" method="get"/>
        <resources>
            <resource ref="self"/>
        </resources>
    </route>
    <route url="/V1/acme/ping" method="GET">
        <service class="Acme\Connector\Api\PingInterface" method="ping"/>
        <resources>
            <resource ref="anonymous"/>
        </resources>
    </route>
    <route url="/V1/acme/logs" method="GET">
        <service class="Acme\Connector\Api\LogInterface" method="list"/>
        <resources>
            <resource ref="Acme_Connector::synk"/>
        </resources>
    </route>
</routes>
)";

inline const char* kMenuText = R"(<?xml version="1.0"?>
<config>
    <menu>
        <add id="Acme_Connector::logs" title="Acme Logs" module="Acme_Connector" sortOrder="10" parent="Magento_Backend::stores" action="acme/log/index" resource="Acme_Connector::logs"/>
        <update id="Acme_Connector::connector" title="Acme" module="Acme_Connector" resource="Acme_Connector::connector"/>
    </menu>
</config>
)";

inline const char* kSystemText = R"(<?xml version="1.0"?>
<config>
    <system>
        <section id="acme_connector" translate="label" sortOrder="100" showInDefault="1">
            <label>Acme Connector</label>
            <resource>Acme_Connector::config</resource>
        </section>
    </system>
</config>
)";

inline const char* kListingText = R"(<?xml version="1.0"?>
<listing>
    <dataSource name="acme_log_listing_data_source" component="Magento_Ui/js/grid/provider">
        <aclResource>Acme_Connector::logs</aclResource>
    </dataSource>
</listing>
)";

inline const char* kControllerText = R"(<?php
namespace Acme\Connector\Controller\Adminhtml\Log;

class Index extends \Magento\Backend\App\Action
{
    const ADMIN_RESOURCE = 'Acme_Connector::logs';

    public function execute()
    {
        if (!$this->_authorization->isAllowed('Acme_Connector::sync')) {
            return null;
        }
        return null;
    }
}
)";

struct File {
    std::string path;
    std::string text;
};

inline std::vector<File> workspace_files() {
    return {
        {kBackendAcl, kBackendAclText},
        {kBackend + "/etc/module.xml", module_xml("Magento_Backend")},
        {kSalesAcl, kSalesAclText},
        {kSales + "/etc/module.xml", module_xml("Magento_Sales")},
        {kAcmeAcl, kAcmeAclText},
        {kAcmeModuleXml,
         module_xml("Acme_Connector", "        <sequence>\n            <module "
                                      "name=\"Magento_Backend\"/>\n            <module "
                                      "name=\"Magento_Integration\"/>\n        </sequence>\n")},
        {kIntegration, kIntegrationText},
        {kLegacyConfig, kLegacyConfigText},
        {kWebapi, kWebapiText},
        {kMenu, kMenuText},
        {kSystem, kSystemText},
        {kListing, kListingText},
        {kController, kControllerText},
        {kReportsAcl, kReportsAclText},
        {kReports + "/etc/module.xml", module_xml("Acme_Reports")},
        {kVendorAcl, kVendorAclText},
        {kVendor + "/etc/module.xml", module_xml("Vendorco_Thing")},
    };
}

// A snapshot of `files` plus any prepared entries; every file's module folder is a module.
inline std::shared_ptr<const mil::Snapshot>
snapshot_of(const std::vector<File>& files,
            std::vector<std::shared_ptr<const mil::FileEntry>> extra = {}) {
    mil::SnapshotInput in;
    in.root = kRoot;
    for (const auto& f : files)
        in.files.push_back(mil::make_entry(f.path, f.text));
    for (auto& e : extra)
        in.files.push_back(std::move(e));
    mil::test::add_file_modules(in);
    return mil::build_snapshot(std::move(in));
}

inline std::shared_ptr<const mil::Snapshot> workspace() {
    return snapshot_of(workspace_files());
}

// The text of `path` in the fixture workspace.
inline std::string text_of(std::string_view path) {
    for (const auto& f : workspace_files())
        if (f.path == path) return f.text;
    throw std::invalid_argument("no fixture file " + std::string(path));
}

// Offset of the `nth` occurrence (0-based) of `needle` in `text`, plus `shift`; throws when
// absent, so a broken fixture shows as an error rather than a wrong answer.
inline mil::Offset at(std::string_view text, std::string_view needle, std::size_t nth = 0,
                      std::size_t shift = 1) {
    std::size_t pos = text.find(needle);
    for (std::size_t i = 0; i < nth && pos != std::string_view::npos; ++i)
        pos = text.find(needle, pos + 1);
    if (pos == std::string_view::npos)
        throw std::invalid_argument("not in the text: " + std::string(needle));
    return static_cast<mil::Offset>(pos + shift);
}

// The range of the `nth` occurrence of `needle`.
inline mil::Range range_of(std::string_view text, std::string_view needle, std::size_t nth = 0) {
    mil::Offset b = at(text, needle, nth, 0);
    return {b, static_cast<mil::Offset>(b + needle.size())};
}

inline std::string_view slice(std::string_view text, mil::Range r) {
    if (r.begin > r.end || r.end > text.size()) return "<out of range>";
    return text.substr(r.begin, r.end - r.begin);
}

// Applies edits (non-overlapping, in range; throws otherwise).
inline std::string apply(std::string text, std::vector<mil::TextEdit> edits) {
    return mil::test::apply_edits(std::move(text), std::move(edits));
}

// "path:text" for each location, sorted: easy to compare and to read in a failure.
inline std::vector<std::string> describe(const mil::Snapshot& s,
                                         const std::vector<mil::Location>& locs) {
    std::vector<std::string> out;
    for (const auto& l : locs) {
        const mil::FileEntry* f = s.file(l.path);
        std::string path = l.path.substr(
            l.path.rfind("/app/code/") != std::string::npos ? l.path.rfind("/app/code/") + 10 : 0);
        out.push_back(path + ":" + std::string(f ? slice(*f->text, l.range) : "<no file>"));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The labels of a completion list, and whether it holds one.
inline std::vector<std::string> labels(const mil::CompletionResult& r) {
    std::vector<std::string> out;
    for (const auto& i : r.items)
        out.push_back(i.label);
    return out;
}
inline bool has(const mil::CompletionResult& r, std::string_view label) {
    for (const auto& i : r.items)
        if (i.label == label) return true;
    return false;
}

// The unknown-resource diagnostics of a file.
inline std::vector<mil::Diagnostic> unknown_in(const mil::Engine& e, const std::string& path) {
    std::vector<mil::Diagnostic> out;
    for (auto& d : e.diagnose(path))
        if (d.code == "unknown-resource") out.push_back(std::move(d));
    return out;
}

} // namespace nav
