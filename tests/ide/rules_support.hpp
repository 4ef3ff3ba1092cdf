// Helpers for the rule tests: a small Magento tree held in memory (files written for these
// tests), diagnostics of one code through the Engine, and quick fixes applied to texts.
#pragma once

#include "magento_fixture.hpp"
#include "mil/ide/engine.hpp"
#include "mil/ide/entry.hpp"
#include "mil/model/index.hpp"
#include "mil/model/model.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rules_test {

using namespace mil;

inline const std::string kRoot = "/m2";

// The shared corpus of real files (read in place, never copied): $MIL_CORPUS_DIR, else
// ../shared/corpus next to the source tree. Tests skip when it is absent.
inline std::string corpus_dir() {
    if (const char* env = std::getenv("MIL_CORPUS_DIR"); env && *env) return env;
    return std::string(MIL_SOURCE_DIR) + "/../shared/corpus";
}

inline std::string module_dir(std::string_view vendor, std::string_view module) {
    return kRoot + "/app/code/" + std::string(vendor) + "/" + std::string(module);
}

inline std::string slice(std::string_view text, Range r) {
    REQUIRE(r.begin <= r.end);
    REQUIRE(r.end <= text.size());
    return std::string(text.substr(r.begin, r.end - r.begin));
}

using mil::test::apply_edits;

// The text of `path` after applying the edits `fix` makes to it.
inline std::string apply_fix(const Fix& fix, const std::string& path, const std::string& text) {
    std::vector<TextEdit> edits;
    for (const auto& fe : fix.changes)
        if (fe.path == path) edits.insert(edits.end(), fe.edits.begin(), fe.edits.end());
    return apply_edits(text, std::move(edits));
}

// The paths a fix edits.
inline std::vector<std::string> edited_paths(const Fix& fix) {
    std::vector<std::string> out;
    for (const auto& fe : fix.changes)
        out.push_back(fe.path);
    return out;
}

// A tree of (path, text) files. A registration.php gets its registered name filled in by the
// test (the registration participant belongs to another area): the first quoted string of
// the file.
class Tree {
public:
    Tree& add(std::string path, std::string text) {
        files_[std::move(path)] = std::move(text);
        return *this;
    }
    Tree& module_xml(const std::string& dir, std::string_view name) {
        return add(dir + "/etc/module.xml",
                   "<?xml version=\"1.0\"?>\n<config>\n    <module name=\"" + std::string(name) +
                       "\"/>\n</config>\n");
    }
    Tree& registration(const std::string& dir, std::string_view name) {
        return add(dir + "/registration.php",
                   "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n\n"
                   "ComponentRegistrar::register(ComponentRegistrar::MODULE, '" +
                       std::string(name) + "', __DIR__);\n");
    }
    // Magento_Backend (which makes the tree "have core"), Magento_Sales, Magento_Store and
    // Magento_Integration, with acl.xml files for the first two.
    Tree& core();

    const std::string& text(const std::string& path) const { return files_.at(path); }

    std::shared_ptr<const Snapshot>
    snapshot(const std::vector<CatalogEntry>* catalog = nullptr) const {
        SnapshotInput in;
        in.root = kRoot;
        for (const auto& [path, text] : files_) {
            auto entry = std::make_shared<FileEntry>(*make_entry(path, text));
            if (entry->kind == FileKind::Registration && !entry->facts.registration) {
                auto open = text.find('\'', text.find("register("));
                auto close = open == std::string::npos ? open : text.find('\'', open + 1);
                if (close != std::string::npos)
                    entry->facts.registration =
                        TextValue{text.substr(open + 1, close - open - 1),
                                  {static_cast<Offset>(open + 1), static_cast<Offset>(close)}};
            }
            in.files.push_back(std::move(entry));
        }
        mil::test::add_file_modules(in);
        in.catalog = catalog;
        return build_snapshot(std::move(in));
    }

    // Diagnostics of `code` for `path`, through the engine.
    std::vector<Diagnostic> diagnose(const std::string& path, std::string_view code,
                                     const std::vector<CatalogEntry>* catalog = nullptr) const {
        Engine engine(snapshot(catalog));
        std::vector<Diagnostic> out;
        for (auto& d : engine.diagnose(path))
            if (d.code == code) out.push_back(std::move(d));
        return out;
    }

private:
    std::map<std::string, std::string> files_;
};

inline const char* kBackendAcl = R"(<?xml version="1.0"?>
<config>
    <acl>
        <resources>
            <resource id="Magento_Backend::admin" title="Magento Admin" sortOrder="10">
                <resource id="Magento_Backend::stores" title="Stores" sortOrder="80">
                    <resource id="Magento_Backend::stores_settings" title="Settings" sortOrder="10"/>
                </resource>
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
                        <resource id="Magento_Sales::sales_order" title="Orders" sortOrder="10"/>
                    </resource>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
)";

inline Tree& Tree::core() {
    const std::string backend = module_dir("Magento", "Backend");
    const std::string sales = module_dir("Magento", "Sales");
    add(backend + "/etc/acl.xml", kBackendAcl).module_xml(backend, "Magento_Backend");
    add(sales + "/etc/acl.xml", kSalesAcl).module_xml(sales, "Magento_Sales");
    module_xml(module_dir("Magento", "Store"), "Magento_Store");
    module_xml(module_dir("Magento", "Integration"), "Magento_Integration");
    return *this;
}

// The Acme_Connector module's folder.
inline const std::string kAcme = module_dir("Acme", "Connector");

// The whole file's bytes.
inline std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace rules_test
