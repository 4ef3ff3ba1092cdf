// (A CLI test: it runs the binary.)
// new-integration writes a module that our own `check` finds clean, in a tree and standalone,
// and never overwrites.
#include <catch2/catch.hpp>

#include "child_process.hpp"
#include "server_binary.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using Run = mil::test::ShellResult;

Run run(const std::string& args) {
    return mil::test::run_shell(std::string("'") + mil::test::server_binary() + "' " + args);
}

fs::path temp_dir(const char* name) {
    fs::path d = fs::temp_directory_path() /
                 (std::string("mil-scaffold-") + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("new-integration in a Magento tree: parents written, check clean") {
    fs::path tree = temp_dir("tree");
    fs::copy(fs::path(MIL_SOURCE_DIR) / "data/example", tree, fs::copy_options::recursive);
    fs::remove_all(tree / "app/code/Acme"); // the example's own mistakes are not ours
    Run r = run("new-integration Shop_Sync --name ShopSync --email ops@shop.example --endpoint-url "
                "https://shop.example/endpoint --resource Magento_Sales::actions_view --acl '" +
                tree.string() + "'");
    INFO(r.out);
    REQUIRE(r.code == 0);
    fs::path mod = tree / "app/code/Shop/Sync";
    std::string integ = slurp(mod / "etc/integration.xml");
    // Every ancestor below Magento_Backend::admin, in tree order, before the resource itself.
    auto p1 = integ.find("Magento_Sales::sales\"");
    auto p2 = integ.find("Magento_Sales::sales_operation");
    auto p3 = integ.find("Magento_Sales::sales_order");
    auto p4 = integ.find("Magento_Sales::actions\"");
    auto p5 = integ.find("Magento_Sales::actions_view");
    REQUIRE(p1 != std::string::npos);
    CHECK(p1 < p2);
    CHECK(p2 < p3);
    CHECK(p3 < p4);
    CHECK(p4 < p5);
    CHECK(integ.find("Shop_Sync::integration") != std::string::npos);
    CHECK(integ.find("Magento_Backend::admin") == std::string::npos);
    CHECK(slurp(mod / "etc/module.xml").find("Magento_Integration") != std::string::npos);
    CHECK(slurp(mod / "composer.json").find("\"shop/module-sync\"") != std::string::npos);

    Run c = run("check --fail-on hint '" + tree.string() + "'");
    INFO(c.out);
    CHECK(c.code == 0);

    // A second run refuses and names what exists.
    Run again = run("new-integration Shop_Sync --name ShopSync '" + tree.string() + "'");
    CHECK(again.code == 2);
    CHECK(again.out.find("refusing to overwrite") != std::string::npos);
    CHECK(again.out.find("registration.php") != std::string::npos);
    fs::remove_all(tree);
}

TEST_CASE("new-integration standalone: checked against the bundled catalogue") {
    fs::path dir = temp_dir("standalone");
    fs::path mod = dir / "module";
    Run r = run("new-integration Acme_Feed --name AcmeFeed --email feed@acme.example --resource "
                "Magento_Catalog::products '" +
                mod.string() + "'");
    INFO(r.out);
    REQUIRE(r.code == 0);
    std::string integ = slurp(mod / "etc/integration.xml");
    CHECK(integ.find("Magento_Catalog::catalog\"") != std::string::npos);
    CHECK(integ.find("Magento_Catalog::catalog_inventory") != std::string::npos);
    Run c = run("check --fail-on hint '" + mod.string() + "'");
    INFO(c.out);
    CHECK(c.code == 0);
    fs::remove_all(dir);
}

TEST_CASE("new-integration rejects bad input without writing anything") {
    fs::path dir = temp_dir("bad");
    Run unknown = run("new-integration Acme_Feed --name AcmeFeed --resource Magento_Log::online '" +
                      (dir / "m").string() + "'");
    CHECK(unknown.code == 2);
    CHECK(unknown.out.find("Magento_Customer::online") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "m"));
    CHECK(run("new-integration acme --name X1 '" + (dir / "m").string() + "'").code == 2);
    CHECK(run("new-integration Acme_Feed '" + (dir / "m").string() + "'").code == 2);
    CHECK(run("new-integration Acme_Feed --name AcmeFeed --endpoint-url http://x.example '" +
              (dir / "m").string() + "'")
              .code == 2);
    CHECK_FALSE(fs::exists(dir / "m"));
    fs::remove_all(dir);
}
