#include "platform/fileio.hpp"
#include "temp_tree.hpp"
#include "workspace/indexer.hpp"
#include "workspace/workspace.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using mil::test::TempTree;

namespace {

const mil::WorkspaceModule* find_module(const mil::Discovery& d, const std::string& dir) {
    for (const auto& m : d.modules)
        if (m.dir == dir) return &m;
    return nullptr;
}

std::vector<std::string> module_dirs(const mil::Discovery& d) {
    std::vector<std::string> out;
    for (const auto& m : d.modules)
        out.push_back(m.dir);
    return out;
}

bool has_warning(const mil::Discovery& d, const std::string& path, const std::string& word) {
    for (const auto& w : d.warnings)
        if (w.path == path && w.message.find(word) != std::string::npos) return true;
    return false;
}

std::string warnings_text(const mil::Discovery& d) {
    std::string s;
    for (const auto& w : d.warnings)
        s += w.path + ": " + w.message + "\n";
    return s;
}

// A Magento root marked by app/etc/di.xml.
void make_root(const TempTree& t, const std::string& rel = "") {
    t.write((rel.empty() ? "" : rel + "/") + "app/etc/di.xml", "<config/>");
}

} // namespace

TEST_CASE("find_magento_root: app/etc/di.xml in the folder or an ancestor") {
    TempTree t;
    make_root(t, "shop");
    t.module("shop/app/code/Acme/Foo", "Acme_Foo");
    CHECK(mil::find_magento_root(t.path("shop")) == t.path("shop"));
    CHECK(mil::find_magento_root(t.path("shop/app/code/Acme/Foo/etc")) == t.path("shop"));
    CHECK(mil::find_magento_root(t.path("shop/./app/../app/code")) == t.path("shop"));
    CHECK_FALSE(mil::find_magento_root(t.root()));
}

TEST_CASE("find_magento_root: composer.json of a Magento project") {
    TempTree t;
    t.write("ce/composer.json",
            R"({"name": "acme/shop", "require": {"magento/product-community-edition": "2.4.8"}})");
    t.write("ee/composer.json", R"({"require": {"magento/product-enterprise-edition": "2.4.8"}})");
    t.write("base/composer.json", R"({"require": {"php": "~8.3", "magento/magento2-base": "*"}})");
    t.write("git/composer.json", R"({"name": "magento/magento2ce"})");
    t.write("project/composer.json", R"({"name": "magento/project-community-edition"})");
    t.write("module/composer.json",
            R"({"name": "acme/module-foo", "require": {"magento/framework": "*"}})");
    t.write("broken/composer.json", R"({"require": {"magento/product-community-edition")");
    t.write("array/composer.json", R"(["magento/product-community-edition"])");
    for (const char* root : {"ce", "ee", "base", "git", "project"}) {
        INFO(root);
        CHECK(mil::find_magento_root(t.path(root)) == t.path(root));
    }
    for (const char* other : {"module", "broken", "array"}) {
        INFO(other);
        CHECK_FALSE(mil::find_magento_root(t.path(other)));
    }
    // A module's own composer.json inside a project does not stop the walk upwards.
    t.write("ce/vendor/acme/module-foo/composer.json", R"({"name": "acme/module-foo"})");
    CHECK(mil::find_magento_root(t.path("ce/vendor/acme/module-foo")) == t.path("ce"));
}

// Issue 21: module repositories often require Magento for their own CI. A package of type
// magento2-module, or a folder with registration.php or etc/module.xml, is a module: such a
// composer.json does not make the folder a Magento root (else nothing would be checked).
TEST_CASE("find_magento_root: a module package that requires Magento is not a root") {
    TempTree t;
    const char* requires_ce =
        R"({"name": "acme/module-foo", "type": "magento2-module",
            "require": {"magento/product-community-edition": "~2.4.0"}})";
    t.write("typed/composer.json", requires_ce);
    t.write("untyped/composer.json",
            R"({"name": "acme/foo", "require": {"magento/product-community-edition": "*"}})");
    t.write("untyped/registration.php", "<?php\n");
    t.write("xmlonly/composer.json", R"({"require": {"magento/magento2-base": "*"}})");
    t.module("xmlonly-mod", "Acme_X");
    t.write("xmlonly-mod/composer.json", R"({"require": {"magento/magento2-base": "*"}})");
    for (const char* dir : {"typed", "untyped", "xmlonly-mod"}) {
        INFO(dir);
        CHECK_FALSE(mil::find_magento_root(t.path(dir)));
    }
    CHECK(mil::find_magento_root(t.path("xmlonly")) == t.path("xmlonly")); // a project

    // The module repository is discovered as a standalone module.
    t.module("repo", "Acme_Repo");
    t.write("repo/composer.json", requires_ce);
    auto d = mil::discover(t.path("repo"));
    CHECK_FALSE(d.root);
    REQUIRE(d.modules.size() == 1);
    CHECK(d.modules[0].dir == t.path("repo"));
    CHECK(d.modules[0].origin == "standalone");
    CHECK(d.modules[0].composer_name == "acme/module-foo");
}

TEST_CASE("discover: a folder with registration.php but no etc/module.xml is a module") {
    TempTree t;
    t.write("repo/registration.php",
            "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
            "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Half', "
            "__DIR__);\n");
    t.write("repo/etc/acl.xml", "<config/>");
    auto d = mil::discover(t.path("repo"));
    REQUIRE(d.modules.size() == 1);
    CHECK(d.modules[0].dir == t.path("repo"));
}

TEST_CASE("discover: modules under app/code, with composer names and registration paths") {
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo", "acme/module-foo");
    t.module("app/code/Acme/Bar", "Acme_Bar");
    t.module("app/code/Other/Baz", "Other_Baz");
    t.write("app/code/Acme/NotAModule/etc/module.xml", "<config/>"); // no registration.php
    t.module("app/code/.hidden/Mod", "Hidden_Mod");
    t.module("app/code/Acme/Foo/Test/Unit/_files/Nested", "Nested_Mod"); // too deep
    t.write("app/code/README.md", "notes");

    auto d = mil::discover(t.root());
    REQUIRE(d.root == t.root());
    CHECK(d.folder == t.root());
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("app/code/Acme/Bar"),
                                                     t.path("app/code/Acme/Foo"),
                                                     t.path("app/code/Other/Baz")});
    const auto* foo = find_module(d, t.path("app/code/Acme/Foo"));
    REQUIRE(foo);
    CHECK(foo->origin == "app/code");
    CHECK(foo->composer_name == "acme/module-foo");
    CHECK(foo->registration == t.path("app/code/Acme/Foo/registration.php"));
    CHECK(find_module(d, t.path("app/code/Acme/Bar"))->composer_name.empty());
    CHECK(d.warnings.empty());
}

TEST_CASE("discover from a folder inside the root finds the whole root") {
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo");
    t.module("app/code/Acme/Bar", "Acme_Bar");
    auto d = mil::discover(t.path("app/code/Acme/Foo"));
    CHECK(d.root == t.root());
    CHECK(d.modules.size() == 2);
    for (const auto& m : d.modules)
        CHECK(m.origin == "app/code");
}

TEST_CASE("discover: vendor modules from a Composer 2 installed.json") {
    TempTree t;
    make_root(t);
    t.module("vendor/acme/module-foo", "Acme_Foo");
    t.module("vendor/acme/module-src/src", "Acme_Src");
    t.module("vendor/acme/module-elsewhere", "Acme_Elsewhere");
    t.mkdir("vendor/acme/library");
    t.write("vendor/composer/installed.json", R"({
      "packages": [
        {"name": "acme/module-foo", "type": "magento2-module",
         "install-path": "../acme/module-foo",
         "autoload": {"files": ["registration.php"], "psr-4": {"Acme\\Foo\\": ""}}},
        {"name": "acme/module-src", "type": "magento2-module",
         "install-path": "../acme/module-src",
         "autoload": {"files": ["src/functions.php", "src/registration.php"]}},
        {"name": "acme/module-no-path", "type": "magento2-module",
         "install-path": "./../acme/./module-elsewhere/"},
        {"name": "acme/library", "type": "library", "install-path": "../acme/library"},
        {"name": "acme/module-gone", "type": "magento2-module", "install-path": "../acme/module-gone"},
        "junk", 42, {"type": "magento2-module"}
      ],
      "dev": true
    })");

    auto d = mil::discover(t.root());
    INFO(warnings_text(d));
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("vendor/acme/module-foo"),
                                                     t.path("vendor/acme/module-src/src"),
                                                     t.path("vendor/acme/module-elsewhere")});
    const auto* foo = find_module(d, t.path("vendor/acme/module-foo"));
    REQUIRE(foo);
    CHECK(foo->origin == "vendor");
    CHECK(foo->composer_name == "acme/module-foo");
    CHECK(foo->registration == t.path("vendor/acme/module-foo/registration.php"));
    const auto* src = find_module(d, t.path("vendor/acme/module-src/src"));
    REQUIRE(src);
    CHECK(src->registration == t.path("vendor/acme/module-src/src/registration.php"));
    CHECK(find_module(d, t.path("vendor/acme/module-elsewhere"))->composer_name ==
          "acme/module-no-path");
    CHECK(has_warning(d, t.path("vendor/acme/module-gone"), "acme/module-gone"));
}

TEST_CASE("discover: an installed.json that points out of the project is not followed") {
    TempTree t;
    make_root(t, "shop");
    t.module("elsewhere/module-secret", "Acme_Secret");
    t.module("shop/vendor/acme/module-foo", "Acme_Foo");
    t.write("shop/vendor/composer/installed.json", R"({"packages": [
        {"name": "acme/module-secret", "type": "magento2-module",
         "install-path": "../../../elsewhere/module-secret"},
        {"name": "acme/module-foo", "type": "magento2-module", "install-path": "../acme/module-foo",
         "autoload": {"files": ["../../../elsewhere/module-secret/registration.php"]}}]})");

    auto d = mil::discover(t.path("shop"));
    INFO(warnings_text(d));
    // module-foo's registration.php out of the package is ignored: the package is the module.
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("shop/vendor/acme/module-foo")});
    CHECK(has_warning(d, t.path("shop/vendor/composer/installed.json"), "leads out"));
}

TEST_CASE("discover: vendor modules from a Composer 1 installed.json (no install-path)") {
    TempTree t;
    make_root(t);
    t.module("vendor/acme/module-one", "Acme_One");
    t.module("vendor/acme/module-two/src", "Acme_Two");
    t.write("vendor/composer/installed.json", R"([
        {"name": "acme/module-one", "type": "magento2-module",
         "autoload": {"files": ["registration.php"]}},
        {"name": "acme/module-two", "type": "magento2-module",
         "autoload": {"files": ["src/registration.php"]}},
        {"name": "acme/theme", "type": "magento2-theme"}
    ])");
    auto d = mil::discover(t.root());
    INFO(warnings_text(d));
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("vendor/acme/module-one"),
                                                     t.path("vendor/acme/module-two/src")});
    CHECK(d.warnings.empty());
}

TEST_CASE("discover: a package without a registration.php autoload entry is its own dir") {
    TempTree t;
    make_root(t);
    t.module("vendor/acme/module-plain", "Acme_Plain");
    t.write("vendor/composer/installed.json",
            R"({"packages": [{"name": "acme/module-plain", "type": "magento2-module",
                 "install-path": "../acme/module-plain", "autoload": {"psr-4": {}}}]})");
    auto d = mil::discover(t.root());
    REQUIRE(d.modules.size() == 1);
    CHECK(d.modules[0].dir == t.path("vendor/acme/module-plain"));
    CHECK(d.modules[0].registration == t.path("vendor/acme/module-plain/registration.php"));
}

TEST_CASE("discover: unreadable or malformed installed.json is warned, app/code still found") {
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo");
    const std::string installed = t.path("vendor/composer/installed.json");

    SECTION("not JSON") {
        t.write("vendor/composer/installed.json", "{\"packages\": [");
        auto d = mil::discover(t.root());
        CHECK(d.modules.size() == 1);
        CHECK(has_warning(d, installed, "JSON"));
    }
    SECTION("JSON of the wrong shape") {
        t.write("vendor/composer/installed.json", R"({"packages": {"a": 1}})");
        auto d = mil::discover(t.root());
        CHECK(d.modules.size() == 1);
        CHECK(has_warning(d, installed, "packages"));
    }
    SECTION("cannot be read (a directory)") {
        t.mkdir("vendor/composer/installed.json");
        auto d = mil::discover(t.root());
        CHECK(d.modules.size() == 1);
        CHECK(has_warning(d, installed, "cannot read"));
    }
    SECTION("cannot be read (permissions)") {
        if (mil::test::running_as_root()) {
            WARN("skipped: running as root, permissions are not enforced");
            return;
        }
        t.write("vendor/composer/installed.json", "[]");
        REQUIRE(::chmod(installed.c_str(), 0) == 0);
        auto d = mil::discover(t.root());
        CHECK(d.modules.size() == 1);
        CHECK(has_warning(d, installed, "Permission denied"));
    }
}

TEST_CASE("discover: warnings are capped, the rest counted") {
    TempTree t;
    make_root(t);
    std::string json = R"({"packages": [)";
    for (int i = 0; i < 300; ++i) {
        if (i) json += ",";
        json += R"({"type": "magento2-module", "name": "acme/module-)" + std::to_string(i) + "\"}";
    }
    json += "]}";
    t.write("vendor/composer/installed.json", json);
    auto d = mil::discover(t.root());
    CHECK(d.modules.empty());
    REQUIRE(d.warnings.size() == 201);
    CHECK(d.warnings[0].path == t.path("vendor/acme/module-0"));
    CHECK(d.warnings.back().path == t.root());
    CHECK_THAT(d.warnings.back().message, Catch::Contains("100 more"));
}

TEST_CASE("discover: app/code/Vendor may be a symbolic link; paths stay under the root") {
    TempTree t;
    make_root(t, "shop");
    t.module("elsewhere/AcmeModules/Foo", "Acme_Foo");
    t.module("elsewhere/AcmeModules/Bar", "Acme_Bar");
    t.link(t.path("elsewhere/AcmeModules"), "shop/app/code/Acme");
    t.module("elsewhere/Single", "Other_Single");
    t.link(t.path("elsewhere/Single"), "shop/app/code/Other/Single");

    auto d = mil::discover(t.path("shop"));
    INFO(warnings_text(d));
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("shop/app/code/Acme/Bar"),
                                                     t.path("shop/app/code/Acme/Foo"),
                                                     t.path("shop/app/code/Other/Single")});
    CHECK(d.modules[0].registration == t.path("shop/app/code/Acme/Bar/registration.php"));
    CHECK(d.warnings.empty());
}

TEST_CASE("discover: the root itself reached through a link keeps the link in paths") {
    TempTree t;
    make_root(t, "real-shop");
    t.module("real-shop/app/code/Acme/Foo", "Acme_Foo");
    t.link(t.path("real-shop"), "shop");
    auto d = mil::discover(t.path("shop"));
    CHECK(d.root == t.path("shop"));
    REQUIRE(d.modules.size() == 1);
    CHECK(d.modules[0].dir == t.path("shop/app/code/Acme/Foo"));
}

TEST_CASE("discover: a Composer path repository linked into vendor is reported under vendor") {
    TempTree t;
    make_root(t, "shop");
    t.module("packages/module-local", "Acme_Local", "acme/module-local");
    t.link("../../../packages/module-local", "shop/vendor/acme/module-local");
    t.write("shop/vendor/composer/installed.json",
            R"({"packages": [{"name": "acme/module-local", "type": "magento2-module",
                 "install-path": "../acme/module-local",
                 "autoload": {"files": ["registration.php"]},
                 "dist": {"type": "path", "url": "../packages/module-local"}}]})");
    auto d = mil::discover(t.path("shop"));
    INFO(warnings_text(d));
    REQUIRE(d.modules.size() == 1);
    CHECK(d.modules[0].dir == t.path("shop/vendor/acme/module-local"));
    CHECK(d.modules[0].origin == "vendor");
    CHECK(d.modules[0].registration == t.path("shop/vendor/acme/module-local/registration.php"));
}

TEST_CASE("discover: one real directory reached twice is one module, app/code first") {
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo");
    t.link(t.path("app/code/Acme/Foo"), "vendor/acme/module-foo");
    t.write("vendor/composer/installed.json",
            R"({"packages": [{"name": "acme/module-foo", "type": "magento2-module",
                 "install-path": "../acme/module-foo"}]})");
    auto d = mil::discover(t.root());
    REQUIRE(d.modules.size() == 1);
    CHECK(d.modules[0].dir == t.path("app/code/Acme/Foo"));
    CHECK(d.modules[0].origin == "app/code");
}

TEST_CASE("discover: a module opened inside the root but not registered is added") {
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo");
    t.module("packages/wip/src", "Acme_Wip", "acme/module-wip");
    t.write("packages/wip/composer.json", R"({"name": "acme/module-wip"})");
    auto d = mil::discover(t.path("packages/wip"));
    CHECK(d.root == t.root());
    REQUIRE(d.modules.size() == 2);
    CHECK(d.modules[1].dir == t.path("packages/wip/src"));
    CHECK(d.modules[1].origin == "standalone");
    CHECK(d.modules[1].composer_name == "acme/module-wip");
}

TEST_CASE("discover: broken links and loops under app/code are warned, not fatal") {
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo");
    t.link(t.path("nowhere"), "app/code/Gone");
    t.link(t.path("nowhere/either"), "app/code/Acme/Gone");
    t.link("..", "app/code/Loop");                  // app/code/Loop -> app
    t.link("../..", "app/code/Acme/Up");            // app/code/Acme/Up -> app
    t.link(".", "app/code/Acme/Self");              // app/code/Acme/Self -> app/code/Acme
    t.write("app/code/Acme/Self/registration.php"); // makes Acme look like a module to Self

    auto d = mil::discover(t.root());
    INFO(warnings_text(d));
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("app/code/Acme/Foo")});
    CHECK(has_warning(d, t.path("app/code/Gone"), "broken"));
    CHECK(has_warning(d, t.path("app/code/Acme/Gone"), "broken"));
    CHECK(has_warning(d, t.path("app/code/Loop"), "loop"));
    CHECK(has_warning(d, t.path("app/code/Acme/Self"), "loop"));
}

TEST_CASE("discover: an unreadable vendor folder under app/code is warned") {
    if (mil::test::running_as_root()) {
        WARN("skipped: running as root, permissions are not enforced");
        return;
    }
    TempTree t;
    make_root(t);
    t.module("app/code/Acme/Foo", "Acme_Foo");
    t.module("app/code/Locked/Bar", "Locked_Bar");
    std::string locked = t.path("app/code/Locked");
    REQUIRE(::chmod(locked.c_str(), 0) == 0);
    auto d = mil::discover(t.root());
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("app/code/Acme/Foo")});
    CHECK(has_warning(d, locked, "Permission denied"));
}

TEST_CASE("discover: a standalone module at the folder's root or under src/") {
    TempTree t;
    t.module("repo-root", "Acme_Root");
    t.write("repo-root/composer.json", R"({"name": "acme/module-root"})");
    t.module("repo-src/src", "Acme_Src");
    t.write("repo-src/composer.json", R"({"name": "acme/module-src"})");

    auto a = mil::discover(t.path("repo-root"));
    CHECK_FALSE(a.root);
    REQUIRE(a.modules.size() == 1);
    CHECK(a.modules[0].dir == t.path("repo-root"));
    CHECK(a.modules[0].origin == "standalone");
    CHECK(a.modules[0].composer_name == "acme/module-root");
    CHECK(a.modules[0].registration == t.path("repo-root/registration.php"));

    auto b = mil::discover(t.path("repo-src"));
    REQUIRE(b.modules.size() == 1);
    CHECK(b.modules[0].dir == t.path("repo-src/src"));
    CHECK(b.modules[0].composer_name == "acme/module-src");
}

TEST_CASE("discover: a repository of several modules, bounded search") {
    TempTree t;
    t.module("repo/Foo", "Acme_Foo");
    t.module("repo/packages/bar/src", "Acme_Bar");
    t.write("repo/packages/bar/composer.json", R"({"name": "acme/module-bar"})");
    t.module("repo/a/b/c/Deep4", "Acme_Deep4");        // depth 4: found
    t.module("repo/a/b/c/d/Deep5", "Acme_Deep5");      // depth 5: too deep
    t.module("repo/Foo/Test/Fixture", "Acme_Fixture"); // inside a module: not a module
    t.module("repo/vendor/x/Skipped", "Acme_Vendor");
    t.module("repo/node_modules/Skipped", "Acme_Node");
    t.module("repo/.git/Skipped", "Acme_Git");
    t.module("repo/dev/Skipped", "Acme_Dev");
    t.module("repo/var/Skipped", "Acme_Var");
    t.module("repo/pub/Skipped", "Acme_Pub");
    t.module("repo/generated/Skipped", "Acme_Generated");
    t.write("repo/README.md");

    auto d = mil::discover(t.path("repo"));
    INFO(warnings_text(d));
    CHECK_FALSE(d.root);
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("repo/Foo"), t.path("repo/a/b/c/Deep4"),
                                                     t.path("repo/packages/bar/src")});
    CHECK(find_module(d, t.path("repo/packages/bar/src"))->composer_name == "acme/module-bar");
    for (const auto& m : d.modules)
        CHECK(m.origin == "standalone");
    CHECK(d.warnings.empty());
}

TEST_CASE("discover: a Composer project without Magento's markers lists vendor modules") {
    // No app/etc/di.xml, no composer.json: not a Magento root, but its installed.json
    // names magento2-module packages (a library's test fixture is still not a module).
    TempTree t;
    t.module("project/vendor/acme/module-foo", "Acme_Foo");
    t.module("project/vendor/acme/library/tests/Fixture", "Acme_Fixture");
    t.module("project/src/Bar", "Acme_Bar");
    t.write("project/vendor/composer/installed.json", R"({"packages": [
        {"name": "acme/module-foo", "type": "magento2-module",
         "install-path": "../acme/module-foo", "autoload": {"files": ["registration.php"]}},
        {"name": "acme/library", "type": "library", "install-path": "../acme/library"}]})");

    auto d = mil::discover(t.path("project"));
    INFO(warnings_text(d));
    CHECK_FALSE(d.root);
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("project/src/Bar"),
                                                     t.path("project/vendor/acme/module-foo")});
    CHECK(find_module(d, t.path("project/vendor/acme/module-foo"))->origin == "vendor");
    CHECK(d.warnings.empty());

    // A folder without installed.json is searched as before, with no warning about it.
    auto plain = mil::discover(t.path("project/src"));
    CHECK(module_dirs(plain) == std::vector<std::string>{t.path("project/src/Bar")});
    CHECK(plain.warnings.empty());

    // Such a project found by the search below a folder: the same modules.
    auto above = mil::discover(t.root());
    INFO(warnings_text(above));
    CHECK_FALSE(above.root);
    CHECK(module_dirs(above) == std::vector<std::string>{t.path("project/vendor/acme/module-foo"),
                                                         t.path("project/src/Bar")});
}

TEST_CASE("discover: Magento installs below the folder are found from their roots") {
    // A project whose Magento lives in src/ (as Docker setups lay it out), beside a module of
    // its own tooling; and a second install in shops/b.
    TempTree t;
    make_root(t, "project/src");
    t.module("project/src/app/code/Acme/Foo", "Acme_Foo");
    t.module("project/src/vendor/acme/module-bar", "Acme_Bar");
    t.module("project/src/vendor/acme/library/Test/Fixture", "Acme_Fixture");
    t.write("project/src/vendor/composer/installed.json", R"({"packages": [
        {"name": "acme/module-bar", "type": "magento2-module",
         "install-path": "../acme/module-bar", "autoload": {"files": ["registration.php"]}},
        {"name": "acme/library", "type": "library", "install-path": "../acme/library"}]})");
    t.module("project/tools/Qa", "Acme_Qa");
    t.write(
        "project/shops/b/composer.json",
        R"({"name": "acme/shop-b", "require": {"magento/product-community-edition": "2.4.8"}})");
    t.module("project/shops/b/app/code/Acme/Baz", "Acme_Baz");

    auto d = mil::discover(t.path("project"));
    INFO(warnings_text(d));
    // A folder's children are looked at before any is entered: src/ is found as an install
    // (the root) before shops/ is searched.
    REQUIRE(d.root);
    CHECK(*d.root == t.path("project/src"));
    CHECK(module_dirs(d) == std::vector<std::string>{t.path("project/src/app/code/Acme/Foo"),
                                                     t.path("project/src/vendor/acme/module-bar"),
                                                     t.path("project/shops/b/app/code/Acme/Baz"),
                                                     t.path("project/tools/Qa")});
    CHECK(find_module(d, t.path("project/src/app/code/Acme/Foo"))->origin == "app/code");
    CHECK(find_module(d, t.path("project/src/vendor/acme/module-bar"))->origin == "vendor");
    CHECK(find_module(d, t.path("project/tools/Qa"))->origin == "standalone");
    CHECK(d.warnings.empty());
}

TEST_CASE("discover: the bounded search survives link loops, links and broken links") {
    TempTree t;
    t.module("repo/mods/Foo", "Acme_Foo");
    t.link("..", "repo/mods/up");              // loop back to repo
    t.link(t.path("repo"), "repo/mods/again"); // loop, absolute target
    t.link("mods", "repo/alias");              // same directory twice: searched once
    t.link(t.path("ghost"), "repo/broken");
    t.module("outside/Linked", "Acme_Linked");
    t.link(t.path("outside"), "repo/ext"); // followed, reported under repo/

    auto start = std::chrono::steady_clock::now();
    auto d = mil::discover(t.path("repo"));
    auto elapsed = std::chrono::steady_clock::now() - start;
    INFO(warnings_text(d));
    CHECK(elapsed < std::chrono::seconds(5));
    CHECK(module_dirs(d) ==
          std::vector<std::string>{t.path("repo/alias/Foo"), t.path("repo/ext/Linked")});
    // mods/ was first entered as alias/, so its links are reported there.
    CHECK(has_warning(d, t.path("repo/alias/up"), "loop"));
    CHECK(has_warning(d, t.path("repo/alias/again"), "loop"));
    CHECK(has_warning(d, t.path("repo/broken"), "broken"));
}

TEST_CASE("discover: a folder that is not a directory") {
    TempTree t;
    std::string f = t.write("file.txt");
    auto d = mil::discover(f);
    CHECK(d.modules.empty());
    CHECK(has_warning(d, f, "not a directory"));
    auto m = mil::discover(t.path("missing"));
    CHECK(m.modules.empty());
    CHECK(has_warning(m, t.path("missing"), "not a directory"));
}

TEST_CASE("module_files lists the existing files in the documented order") {
    TempTree t;
    std::string dir = t.module("Mod", "Acme_Mod", "acme/module-mod");
    t.write("Mod/etc/adminhtml/system.xml");
    t.write("Mod/etc/acl.xml");
    t.write("Mod/etc/integration/api.xml");
    t.write("Mod/etc/integration.xml");
    t.write("Mod/etc/di.xml"); // not served
    t.write("Mod/Setup/Patch/Data/AddIntegration.php");
    t.write("Mod/Setup/InstallData.php");
    t.write("Mod/Setup/Patch/Schema/readme.txt");
    t.write("Mod/Setup/a/b/c/d/e/f/Six.php");     // depth 6: kept
    t.write("Mod/Setup/a/b/c/d/e/f/g/Seven.php"); // depth 7: not
    t.mkdir("Mod/Setup/Dir.php");                 // a directory, not a file
    t.link("..", "Mod/Setup/Patch/loop");         // must not recurse forever

    auto files = mil::module_files(dir);
    CHECK(files == std::vector<std::string>{
                       dir + "/etc/module.xml",
                       dir + "/registration.php",
                       dir + "/composer.json",
                       dir + "/etc/acl.xml",
                       dir + "/etc/integration.xml",
                       dir + "/etc/integration/api.xml",
                       dir + "/etc/adminhtml/system.xml",
                       dir + "/Setup/InstallData.php",
                       dir + "/Setup/Patch/Data/AddIntegration.php",
                       dir + "/Setup/a/b/c/d/e/f/Six.php",
                   });
    CHECK(mil::module_files(t.path("missing")).empty());
}

// The fixed files of a module whose etc/ holds `names` (files, or folders ending in '/'),
// as module_fixed_candidates() gives them.
std::vector<std::string> fixed_candidates(TempTree& t, const std::string& module,
                                          const std::vector<std::string>& names) {
    for (const auto& n : names)
        n.ends_with('/') ? t.mkdir(module + "/etc/" + n) : t.write(module + "/etc/" + n);
    const mil::Dir dir = mil::Dir::open(t.path(module));
    REQUIRE(dir.valid());
    const auto bits = mil::module_fixed_candidates(dir);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < mil::kModuleFixedFiles.size(); ++i)
        if (bits[i]) out.push_back(mil::kModuleFixedFiles[i]);
    return out;
}

TEST_CASE(
    "module_fixed_candidates: only the files etc/ lists (or whose folder it lists) are tried") {
    TempTree t;
    CHECK(fixed_candidates(t, "A", {"module.xml", "di.xml", "adminhtml/"}) ==
          std::vector<std::string>{"etc/module.xml", "registration.php", "composer.json",
                                   "etc/adminhtml/menu.xml", "etc/adminhtml/system.xml"});
    CHECK(fixed_candidates(
              t, "B", {"module.xml", "acl.xml", "webapi.xml", "integration/", "integration.xml"}) ==
          std::vector<std::string>{"etc/module.xml", "registration.php", "composer.json",
                                   "etc/acl.xml", "etc/integration.xml",
                                   "etc/integration/config.xml", "etc/integration/api.xml",
                                   "etc/webapi.xml"});
    // Compared ignoring case (a case-folding file system opens etc/acl.xml as ACL.xml); on
    // this one the open then finds nothing, as before.
    CHECK(fixed_candidates(t, "C", {"ACL.xml"}) ==
          std::vector<std::string>{"registration.php", "composer.json", "etc/acl.xml"});
    // No etc/ at all: only the files at the top.
    t.mkdir("D");
    CHECK(fixed_candidates(t, "D", {}) ==
          std::vector<std::string>{"registration.php", "composer.json"});
}

TEST_CASE("module_files finds the files of an etc/ folder that is a link") {
    TempTree t;
    std::string dir = t.module("Mod", "Acme_Mod", "acme/module-mod");
    t.write("shared-etc/acl.xml");
    t.write("shared-etc/module.xml", "<config><module name=\"Acme_Mod\"/></config>");
    std::filesystem::remove_all(t.path("Mod/etc"));
    t.link(t.path("shared-etc"), "Mod/etc");
    auto files = mil::module_files(dir);
    CHECK(files == std::vector<std::string>{dir + "/etc/module.xml", dir + "/registration.php",
                                            dir + "/composer.json", dir + "/etc/acl.xml"});
    auto r = mil::index_folders({dir});
    CHECK(r.snapshot->file(dir + "/etc/acl.xml"));
}

TEST_CASE("module_files lists a Setup folder reached twice through links once") {
    TempTree t;
    std::string dir = t.module("Mod", "Acme_Mod", "acme/module-mod");
    t.write("Mod/Setup/Patch/Data/AddIntegration.php");
    t.link("Data", "Mod/Setup/Patch/Alias");  // a sibling, listed before it
    t.link("Patch", "Mod/Setup/Again");       // a folder one level up
    t.link(".", "Mod/Setup/Patch/Data/Here"); // itself
    auto files = mil::module_files(dir);
    std::vector<std::string> setup;
    for (const auto& f : files)
        if (f.ends_with("AddIntegration.php")) setup.push_back(f);
    // Breadth first and by name: Setup/Again/Alias is the first way there.
    CHECK(setup == std::vector<std::string>{dir + "/Setup/Again/Alias/AddIntegration.php"});
}

TEST_CASE("module_files caps the Setup scan at 500 files, shallow ones first") {
    TempTree t;
    std::string dir = t.module("Mod", "Acme_Mod");
    for (int i = 0; i < 480; ++i)
        t.write("Mod/Setup/F" + std::to_string(1000 + i) + ".php");
    for (int i = 0; i < 40; ++i)
        t.write("Mod/Setup/Patch/P" + std::to_string(i) + ".php");
    auto files = mil::module_files(dir);
    REQUIRE(files.size() == 2 + 500);
    std::size_t shallow = std::count_if(files.begin(), files.end(), [&](const std::string& f) {
        return mil::parent_path(f) == dir + "/Setup";
    });
    CHECK(shallow == 480);
    CHECK(std::is_sorted(files.begin() + 2, files.end()));
}

TEST_CASE(
    "discover + module_files over the real Magento corpus (core in app/code, bundled in vendor)") {
    const std::string corpus = MIL_SOURCE_DIR "/../shared/corpus";
    const std::string core = corpus + "/magento-core/app/code/Magento";
    const std::string bundled = corpus + "/magento-bundled/vendor";
    if (!mil::is_directory(core) || !mil::is_directory(bundled)) {
        WARN("skipped: the shared corpus is not present at " << corpus);
        return;
    }
    TempTree t;
    make_root(t);
    t.link(mil::absolute_path(core), "app/code/Magento");
    t.link(mil::absolute_path(bundled), "vendor");

    auto d = mil::discover(t.root());
    INFO(warnings_text(d));
    CHECK(d.warnings.empty());
    std::size_t app_code = 0, vendor = 0;
    for (const auto& m : d.modules) {
        app_code += m.origin == "app/code";
        vendor += m.origin == "vendor";
        CHECK(mil::path_is_within(m.dir, t.root()));
        CHECK_FALSE(m.registration.empty());
    }
    CHECK(app_code == 223);
    CHECK(vendor == 134);
    CHECK(d.modules.size() == 357);

    const auto* integration = find_module(d, t.path("app/code/Magento/Integration"));
    REQUIRE(integration);
    CHECK(integration->composer_name == "magento/module-integration");
    auto files = mil::module_files(integration->dir);
    REQUIRE_FALSE(files.empty());
    CHECK(files.front() == t.path("app/code/Magento/Integration/etc/module.xml"));
    CHECK(std::find(files.begin(), files.end(),
                    t.path("app/code/Magento/Integration/etc/acl.xml")) != files.end());
}
