// A small Magento-like tree held in memory, for core feature tests: acl.xml texts of
// Backend, Sales, Customer and Catalog (real ids and titles, files written for these tests),
// a module.xml per module, and helpers to build a Snapshot from (path, text) pairs and to
// apply TextEdits back to a text.
#pragma once

#include "mil/ide/engine.hpp"
#include "mil/ide/entry.hpp"
#include "mil/model/index.hpp"
#include "mil/model/model.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mil::test {

inline constexpr const char* kRoot = "/ws";

struct SourceFile {
    std::string path; // absolute, under kRoot
    std::string text;
};

inline std::string module_xml(std::string_view name) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <module name=\"" + std::string(name) +
           "\"/>\n</config>\n";
}

inline const char* kBackendAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin" title="Magento Admin" sortOrder="10">
                <resource id="Magento_Backend::dashboard" title="Dashboard" sortOrder="10"/>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kSalesAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Magento_Sales::sales" title="Sales" sortOrder="20">
                    <resource id="Magento_Sales::sales_operation" title="Operations" sortOrder="10">
                        <resource id="Magento_Sales::sales_order" title="Orders" sortOrder="10">
                            <resource id="Magento_Sales::actions" title="Actions" sortOrder="10">
                                <resource id="Magento_Sales::create" title="Create" sortOrder="10"/>
                                <resource id="Magento_Sales::actions_view" title="View" sortOrder="20"/>
                            </resource>
                        </resource>
                    </resource>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kCustomerAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Magento_Customer::customer" title="Customers" sortOrder="40">
                    <resource id="Magento_Customer::manage" title="All Customers" sortOrder="10"/>
                    <resource id="Magento_Customer::online" title="Now Online" sortOrder="20"/>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline const char* kCatalogAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Magento_Catalog::catalog" title="Catalog" sortOrder="30">
                    <resource id="Magento_Catalog::catalog_inventory" title="Inventory" sortOrder="10">
                        <resource id="Magento_Catalog::products" title="Products" sortOrder="10"/>
                        <resource id="Magento_Catalog::categories" title="Categories" sortOrder="20"/>
                    </resource>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline std::string core_dir(std::string_view module) {
    return std::string(kRoot) + "/app/code/Magento/" + std::string(module);
}

// The four core modules: etc/acl.xml and etc/module.xml each.
inline std::vector<SourceFile> core_files() {
    std::vector<SourceFile> out;
    const std::pair<const char*, const char*> mods[] = {{"Backend", kBackendAcl},
                                                        {"Sales", kSalesAcl},
                                                        {"Customer", kCustomerAcl},
                                                        {"Catalog", kCatalogAcl}};
    for (const auto& [name, acl] : mods) {
        out.push_back({core_dir(name) + "/etc/acl.xml", acl});
        out.push_back(
            {core_dir(name) + "/etc/module.xml", module_xml(std::string("Magento_") + name)});
    }
    return out;
}

inline const std::string kAcmeDir = std::string(kRoot) + "/app/code/Acme/Connector";
inline const std::string kAcmeIntegration = kAcmeDir + "/etc/integration.xml";
inline const std::string kAcmeApi = kAcmeDir + "/etc/integration/api.xml";
inline const std::string kAcmeConfig = kAcmeDir + "/etc/integration/config.xml";

// Adds the module folder of each file of `in` to its modules, once each, in file order:
// "vendor" for folders under a vendor/ directory, else "app/code".
inline void add_file_modules(SnapshotInput& in) {
    for (const auto& e : in.files) {
        if (!e || e->module_dir.empty()) continue;
        if (std::any_of(in.modules.begin(), in.modules.end(),
                        [&](const ModuleInfo& m) { return m.dir == e->module_dir; }))
            continue;
        const bool vendor = e->module_dir.find("/vendor/") != std::string::npos;
        in.modules.push_back({e->module_dir, {}, vendor ? "vendor" : "app/code", {}, 0});
    }
}

// A snapshot of `files` under kRoot; every file's module folder is a module.
inline std::shared_ptr<const Snapshot>
snapshot_of(std::vector<SourceFile> files, const std::vector<CatalogEntry>* catalog = nullptr) {
    SnapshotInput in;
    in.root = kRoot;
    for (auto& f : files)
        in.files.push_back(make_entry(f.path, std::move(f.text)));
    add_file_modules(in);
    in.catalog = catalog;
    return build_snapshot(std::move(in));
}

// The core tree plus `extra` files (the Acme module's module.xml is always added).
inline std::shared_ptr<const Snapshot> core_snapshot(std::vector<SourceFile> extra = {}) {
    auto files = core_files();
    files.push_back({kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")});
    for (auto& f : extra)
        files.push_back(std::move(f));
    return snapshot_of(std::move(files));
}

// Applies edits to `text` back to front (by start offset). Throws on overlapping or
// out-of-range edits: a test that gets them has found a bug.
inline std::string apply_edits(std::string text, std::vector<TextEdit> edits) {
    std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
        return a.range.begin < b.range.begin;
    });
    for (std::size_t i = 0; i + 1 < edits.size(); ++i)
        if (edits[i].range.end > edits[i + 1].range.begin)
            throw std::logic_error("overlapping edits");
    for (auto it = edits.rbegin(); it != edits.rend(); ++it) {
        if (it->range.begin > it->range.end || it->range.end > text.size())
            throw std::logic_error("edit out of range");
        text.replace(it->range.begin, it->range.end - it->range.begin, it->new_text);
    }
    return text;
}

// The text after accepting a completion item of `result` (its edit and its additional edits,
// its own and those it shares).
inline std::string accept(const std::string& text, const CompletionResult& result,
                          const CompletionItem& item) {
    std::vector<TextEdit> edits = result.additional_edits(item);
    edits.push_back(item.edit);
    return apply_edits(text, std::move(edits));
}

// The text after applying every edit of `fix` that targets `path`.
inline std::string apply_fix(const std::string& text, const Fix& fix, const std::string& path) {
    std::vector<TextEdit> edits;
    for (const auto& fe : fix.changes) {
        if (fe.path != path) throw std::logic_error("fix edits another file: " + fe.path);
        edits.insert(edits.end(), fe.edits.begin(), fe.edits.end());
    }
    return apply_edits(text, std::move(edits));
}

inline const CompletionItem* find_item(const CompletionResult& r, std::string_view label) {
    for (const auto& it : r.items)
        if (it.label == label) return &it;
    return nullptr;
}

inline std::vector<std::string> labels(const CompletionResult& r) {
    std::vector<std::string> out;
    for (const auto& it : r.items)
        out.push_back(it.label);
    return out;
}

inline std::vector<const Diagnostic*> with_code(const std::vector<Diagnostic>& ds,
                                                std::string_view code) {
    std::vector<const Diagnostic*> out;
    for (const auto& d : ds)
        if (d.code == code) out.push_back(&d);
    return out;
}

// The diagnostics of `code`, copied (for a list that is a temporary).
inline std::vector<Diagnostic> copies_with_code(const std::vector<Diagnostic>& ds,
                                                std::string_view code) {
    std::vector<Diagnostic> out;
    for (const auto& d : ds)
        if (d.code == code) out.push_back(d);
    return out;
}

// The one diagnostic with this code (the test fails when there are none or several).
inline Diagnostic only(const std::vector<Diagnostic>& ds, std::string_view code) {
    auto found = with_code(ds, code);
    REQUIRE(found.size() == 1);
    return *found.front();
}

inline bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

} // namespace mil::test
