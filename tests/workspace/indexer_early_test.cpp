// Discovery announces the module folders of installed.json while it reads the file, and the
// indexer starts reading them then: what it read on speculation counts only for the folders
// that turn out to be modules.
#include "temp_tree.hpp"
#include "workspace/indexer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using mil::test::TempTree;

namespace {

// A Magento root with two vendor modules on disk; installed.json is the test's.
void make_shop(const TempTree& t, const std::string& installed_json) {
    t.write("app/etc/di.xml", "<config/>\n");
    t.module("vendor/acme/module-first", "Acme_First", "acme/module-first");
    t.module("vendor/acme/module-second", "Acme_Second", "acme/module-second");
    t.write("vendor/composer/installed.json", installed_json);
}

std::string package(const std::string& name) {
    return R"({"name": ")" + name + R"(", "type": "magento2-module", "install-path": "../)" + name +
           R"(", "autoload": {"files": ["registration.php"]}})";
}

std::vector<std::string> module_names(const mil::IndexResult& r) {
    std::vector<std::string> names;
    for (const auto& m : r.snapshot->modules)
        names.push_back(m.name);
    std::sort(names.begin(), names.end());
    return names;
}

bool any_file_under(const mil::IndexResult& r, const std::string& dir) {
    for (const auto& [path, f] : r.snapshot->files)
        if (std::string_view(path).substr(0, dir.size() + 1) == dir + "/") return true;
    return false;
}

bool warned(const mil::IndexResult& r, const std::string& text) {
    return std::any_of(r.warnings.begin(), r.warnings.end(),
                       [&](const auto& w) { return w.message.find(text) != std::string::npos; });
}

} // namespace

TEST_CASE("index: the modules of a valid installed.json are indexed, with one thread or two") {
    TempTree t;
    make_shop(t, R"({"packages": [)" + package("acme/module-first") + ", " +
                     package("acme/module-second") + "]}");
    for (unsigned threads : {1u, 2u}) {
        mil::IndexOptions options;
        options.threads = threads;
        auto r = mil::index_folders({t.path("")}, options);
        CHECK(module_names(r) == std::vector<std::string>{"Acme_First", "Acme_Second"});
        CHECK(r.snapshot->file(t.path("vendor/acme/module-first/etc/module.xml")));
        CHECK(r.warnings.empty());
    }
}

TEST_CASE("index: packages announced before installed.json turns out broken are not indexed") {
    // Both packages are complete objects (announced early), then the text breaks.
    TempTree t;
    make_shop(t, R"({"packages": [)" + package("acme/module-first") + ", " +
                     package("acme/module-second") + "], \"dev\": tru");
    for (unsigned threads : {1u, 2u}) {
        mil::IndexOptions options;
        options.threads = threads;
        auto r = mil::index_folders({t.path("")}, options);
        CHECK(r.snapshot->modules.empty());
        CHECK_FALSE(any_file_under(r, t.path("vendor/acme/module-first")));
        CHECK_FALSE(any_file_under(r, t.path("vendor/acme/module-second")));
        CHECK(warned(r, "not valid JSON"));
    }
}

TEST_CASE("index: of two \"packages\" members the last counts, though the first was announced") {
    TempTree t;
    make_shop(t, R"({"packages": [)" + package("acme/module-first") + R"(], "packages": [)" +
                     package("acme/module-second") + "]}");
    mil::IndexOptions options;
    options.threads = 2;
    auto r = mil::index_folders({t.path("")}, options);
    CHECK(module_names(r) == std::vector<std::string>{"Acme_Second"});
    CHECK_FALSE(any_file_under(r, t.path("vendor/acme/module-first")));
}

TEST_CASE("index: a package folder announced early but missing is warned about, not indexed") {
    TempTree t;
    make_shop(t, R"({"packages": [)" + package("acme/module-first") + ", " +
                     package("acme/module-gone") + "]}");
    mil::IndexOptions options;
    options.threads = 2;
    auto r = mil::index_folders({t.path("")}, options);
    CHECK(module_names(r) == std::vector<std::string>{"Acme_First"});
    CHECK(warned(r, "directory is missing"));
}
