// The acl.xml and module.xml rules over the real Magento 2.4.8-p1 tree (core and bundled
// packages) in /work/shared/corpus, read in place. Skipped when the corpus is absent.
#include "mil/ide/entry.hpp"
#include "rules_support.hpp"

#include "mil/syntax/php.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace rules_test {
namespace fs = std::filesystem;

namespace {

std::string corpus() {
    return corpus_dir();
}

const std::set<std::string> kRuleCodes = {"acl-duplicate-id",  "acl-missing-title",
                                          "acl-orphan-branch", "module-name-mismatch",
                                          "unknown-module",    "missing-integration-sequence"};

bool served(const fs::path& p) {
    const std::string name = p.filename().string();
    const std::string path = p.generic_string();
    return name == "acl.xml" || name == "module.xml" || name == "registration.php" ||
           path.find("/etc/integration") != std::string::npos;
}

} // namespace

TEST_CASE("corpus: Magento's core and bundled modules trip none of the acl/module rules") {
    const fs::path core = corpus() + "/magento-core";
    const fs::path bundled = corpus() + "/magento-bundled";
    if (!fs::is_directory(core) || !fs::is_directory(bundled)) {
        WARN("corpus not found at " << corpus() << ": skipped");
        return;
    }
    SnapshotInput in;
    std::set<std::string> dirs;
    std::size_t acl_files = 0, module_files = 0, registrations = 0;
    for (const fs::path& top : {core, bundled}) {
        for (const auto& it : fs::recursive_directory_iterator(top)) {
            if (!it.is_regular_file() || !served(it.path())) continue;
            const std::string path = it.path().generic_string();
            auto entry = std::make_shared<FileEntry>(*make_entry(path, read(it.path())));
            if (entry->kind == FileKind::Unknown) continue;
            // Until the registration participant fills the fact, read the module name here.
            if (entry->kind == FileKind::Registration && !entry->facts.registration)
                for (const auto& reg : find_php_registrations(*entry->text))
                    if (reg.type == PhpComponentType::Module && reg.name_is_literal)
                        entry->facts.registration = TextValue{reg.name, reg.name_range};
            acl_files += entry->kind == FileKind::Acl;
            module_files += entry->kind == FileKind::ModuleXml;
            registrations += entry->kind == FileKind::Registration && entry->facts.registration;
            if (!entry->module_dir.empty() && dirs.insert(entry->module_dir).second)
                in.modules.push_back({entry->module_dir, {}, "app/code", {}, 0});
            in.files.push_back(std::move(entry));
        }
    }
    CHECK(acl_files >= 70);
    CHECK(module_files >= 350);
    CHECK(registrations >= 350);
    auto snapshot = build_snapshot(std::move(in));
    REQUIRE(snapshot->has_core);

    Engine engine(snapshot);
    std::vector<std::string> findings;
    for (const auto& [key, f] : snapshot->files) {
        const std::string& path = f->path;
        if (f->kind != FileKind::Acl && f->kind != FileKind::ModuleXml) continue;
        for (const auto& d : engine.diagnose(path))
            if (kRuleCodes.count(d.code) && d.severity <= Severity::Warning)
                findings.push_back(path + ": " + d.code + ": " + d.message);
    }
    for (const auto& f : findings)
        UNSCOPED_INFO(f);
    CHECK(findings.empty());
}

TEST_CASE("corpus: a typo planted in a real acl.xml and module.xml is found") {
    const fs::path core = corpus() + "/magento-core/app/code/Magento";
    if (!fs::is_directory(core)) {
        WARN("corpus not found at " << corpus() << ": skipped");
        return;
    }
    Tree t;
    for (const auto& it : fs::directory_iterator(core)) {
        const std::string module = it.path().filename().string();
        for (const char* rel : {"etc/module.xml", "registration.php"})
            if (fs::exists(it.path() / rel))
                t.add(module_dir("Magento", module) + "/" + rel, read(it.path() / rel));
    }
    for (const char* module : {"Backend", "Sales", "Customer"})
        t.add(module_dir("Magento", module) + "/etc/acl.xml", read(core / module / "etc/acl.xml"));
    // A real module.xml with a dependency mistyped, and a real acl.xml with an ancestor
    // mistyped: each is found and its fix restores the original text.
    const std::string original_xml = read(core / "Sales/etc/module.xml");
    std::string module_xml = original_xml;
    const auto at = module_xml.find("\"Magento_Customer\"");
    REQUIRE(at != std::string::npos);
    module_xml.replace(at + 1, 16, "Magento_Custmer");
    const std::string sales = module_dir("Magento", "Sales");
    t.add(sales + "/etc/module.xml", module_xml);
    auto ds = t.diagnose(sales + "/etc/module.xml", "unknown-module");
    REQUIRE(ds.size() == 1);
    CHECK(slice(module_xml, ds[0].range) == "Magento_Custmer");
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(apply_fix(ds[0].fixes[0], sales + "/etc/module.xml", module_xml) == original_xml);

    const std::string customer = module_dir("Magento", "Customer");
    std::string acl = read(core / "Customer/etc/acl.xml");
    const auto admin = acl.find("\"Magento_Backend::admin\"");
    REQUIRE(admin != std::string::npos);
    acl.replace(admin + 1, 22, "Magento_Backend::admn");
    t.add(customer + "/etc/acl.xml", acl);
    auto orphans = t.diagnose(customer + "/etc/acl.xml", "acl-orphan-branch");
    REQUIRE(orphans.size() == 1);
    CHECK(slice(acl, orphans[0].range) == "Magento_Backend::admn");
    REQUIRE(orphans[0].fixes.size() == 1);
    CHECK(apply_fix(orphans[0].fixes[0], customer + "/etc/acl.xml", acl) ==
          read(core / "Customer/etc/acl.xml"));
}

} // namespace rules_test
