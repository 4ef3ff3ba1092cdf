// composer.json rule: composer-module (name, type, autoload.files, PSR-4 prefix, broken JSON),
// with its quick fixes applied; the third-party corpus read in place.
#include "rules_support.hpp"

#include "cursor.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace rules_test {
using mil::test::cursor;
namespace fs = std::filesystem;

namespace {

const std::string kComposer = kAcme + "/composer.json";
constexpr std::string_view kCode = "composer-module";

const char* kClean = R"({
    "name": "acme/module-connector",
    "type": "magento2-module",
    "autoload": {
        "files": [
            "registration.php"
        ],
        "psr-4": {
            "Acme\\Connector\\": ""
        }
    }
}
)";

Tree acme(const std::string& composer) {
    Tree t;
    t.module_xml(kAcme, "Acme_Connector").registration(kAcme, "Acme_Connector");
    t.add(kComposer, composer);
    return t;
}

std::vector<Diagnostic> findings(const std::string& composer) {
    return acme(composer).diagnose(kComposer, kCode);
}

// `from` with `what` replaced by `with` (once; the test text must contain it).
std::string edit(std::string from, std::string_view what, std::string_view with) {
    auto at = from.find(what);
    REQUIRE(at != std::string::npos);
    from.replace(at, what.size(), with);
    return from;
}

// The one diagnostic of `text`, its one fix applied: the result, which must be clean.
std::string fixed(const std::string& text) {
    auto ds = findings(text);
    REQUIRE(ds.size() == 1);
    REQUIRE(ds[0].fixes.size() == 1);
    CHECK(edited_paths(ds[0].fixes[0]) == std::vector<std::string>{kComposer});
    std::string out = apply_fix(ds[0].fixes[0], kComposer, text);
    CHECK(findings(out).empty());
    return out;
}

} // namespace

TEST_CASE("composer-module: a module package as Magento's own are is clean") {
    CHECK(findings(kClean).empty());
    // A vendor prefix maps the module's namespace too; "./registration.php" is the same file.
    CHECK(findings(edit(edit(kClean, R"("Acme\\Connector\\": "")", R"("Acme\\": "../")"),
                        "\"registration.php\"", "\"./registration.php\""))
              .empty());
}

TEST_CASE("composer-module: only a module's composer.json is judged") {
    Tree t;
    t.add(kRoot + "/composer.json", R"({"name": "acme/shop", "type": "project"})");
    t.module_xml(kAcme, "Acme_Connector").add(kComposer, kClean);
    CHECK(t.diagnose(kRoot + "/composer.json", kCode).empty());
    CHECK(t.diagnose(kComposer, kCode).empty());
}

TEST_CASE("composer-module: package names Composer rejects, with a fix") {
    SECTION("the guide's Vendor1_Module1 style: the conventional name is offered") {
        const std::string text = edit(kClean, "acme/module-connector", "Acme_Connector");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK(ds[0].severity == Severity::Warning);
        CHECK(slice(text, ds[0].range) == "Acme_Connector");
        CHECK_THAT(ds[0].message,
                   Catch::Contains("'Acme_Connector'") && Catch::Contains("Composer rejects it"));
        CHECK(fixed(text) == kClean);
    }
    SECTION("upper case: lowered") {
        const std::string text = edit(kClean, "acme/module-connector", "Acme/Module-Connector");
        CHECK(fixed(text) == kClean);
    }
    SECTION("no name at all") {
        const std::string text = edit(kClean, "\"name\": \"acme/module-connector\",\n    ", "");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK(ds[0].range == Range{0, 1});
        CHECK_THAT(ds[0].message, Catch::Contains("no \"name\""));
    }
    SECTION("valid names are accepted") {
        for (const char* name : {"acme/connector", "acme-corp/module-connector", "a1/b.c_d--e"})
            CHECK(findings(edit(kClean, "acme/module-connector", name)).empty());
    }
}

TEST_CASE("composer-module: the type must be magento2-module") {
    SECTION("another type: replaced") {
        const std::string text = edit(kClean, "magento2-module", "library");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK(slice(text, ds[0].range) == "library");
        CHECK_THAT(ds[0].message,
                   Catch::Contains("'library'") && Catch::Contains("magento2-module"));
        CHECK(fixed(text) == kClean);
    }
    SECTION("no type: added after the name, on its own line") {
        const std::string text = edit(kClean, "\n    \"type\": \"magento2-module\",", "");
        CHECK(fixed(text) == kClean);
    }
    SECTION("no type and no name, one line") {
        const std::string text =
            R"({"autoload": {"files": ["registration.php"], "psr-4": {"Acme\\Connector\\": ""}}, "name": "acme/connector"})";
        const std::string out = fixed(text);
        CHECK_THAT(out, Catch::EndsWith(R"("name": "acme/connector", "type": "magento2-module"})"));
    }
}

TEST_CASE("composer-module: autoload.files must include registration.php") {
    SECTION("a list without it: appended") {
        const std::string text = edit(kClean, "\"registration.php\"", "\"functions.php\"");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK(slice(text, ds[0].range).front() == '[');
        CHECK_THAT(ds[0].message, Catch::Contains("registration.php") &&
                                      Catch::Contains("never registers the module"));
        CHECK_THAT(fixed(text), Catch::Contains(R"("functions.php", "registration.php")"));
    }
    SECTION("an empty list") {
        const std::string text =
            edit(kClean, "[\n            \"registration.php\"\n        ]", "[]");
        CHECK_THAT(fixed(text), Catch::Contains(R"("files": ["registration.php"])"));
    }
    SECTION("no files") {
        const std::string text = edit(
            kClean, "\"files\": [\n            \"registration.php\"\n        ],\n        ", "");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK(slice(text, ds[0].range) == "autoload");
        CHECK_THAT(fixed(text),
                   Catch::Contains("        },\n        \"files\": [\"registration.php\"]\n    }"));
    }
}

TEST_CASE("composer-module: the PSR-4 prefix must be the module's namespace") {
    SECTION("another namespace: named, with a fix to the module's") {
        const std::string text = edit(kClean, R"(Acme\\Connector\\)", R"(Acme\\Sync\\)");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK(slice(text, ds[0].range) == R"(Acme\\Sync\\)");
        CHECK_THAT(ds[0].message, Catch::Contains(R"('Acme\Sync\')") &&
                                      Catch::Contains(R"('Acme\Connector\')") &&
                                      Catch::Contains("Setup\\Patch"));
        CHECK(fixed(text) == kClean);
    }
    SECTION("only the case differs") {
        const std::string text = edit(kClean, R"(Acme\\Connector\\)", R"(acme\\connector\\)");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK_THAT(ds[0].message, Catch::Contains("only in case"));
        CHECK(ds[0].fixes.at(0).preferred);
        CHECK(fixed(text) == kClean);
    }
    SECTION("no namespace separator at the end") {
        const std::string text = edit(kClean, R"(Acme\\Connector\\)", R"(Acme\\Connector)");
        auto ds = findings(text);
        REQUIRE(ds.size() == 1);
        CHECK_THAT(ds[0].message, Catch::Contains("must end with a namespace separator"));
        CHECK(fixed(text) == kClean);
    }
    SECTION("no psr-4 at all: added") {
        const std::string text = edit(
            kClean,
            ",\n        \"psr-4\": {\n            \"Acme\\\\Connector\\\\\": \"\"\n        }", "");
        CHECK_THAT(fixed(text), Catch::Contains(R"("psr-4": {"Acme\\Connector\\": ""})"));
    }
    SECTION("a module name that is not Vendor_Module: no namespace to compare") {
        Tree t;
        t.module_xml(kAcme, "AcmeConnector");
        t.add(kComposer, edit(kClean, R"(Acme\\Connector\\)", R"(Acme\\Sync\\)"));
        CHECK(t.diagnose(kComposer, kCode).empty());
    }
}

TEST_CASE("composer-module: broken JSON is an error at its position, not a failure") {
    // A trailing comma, as in real modules.
    auto c = cursor(R"({
    "name": "acme/module-connector",
    "require": {
        "php": ">=7.2.0",
    $0}
})",
                    "$0");
    auto ds = findings(c.text);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].severity == Severity::Error);
    CHECK(ds[0].range.begin == c.offset);
    CHECK_THAT(ds[0].message, Catch::Contains("not valid JSON"));
    // Not an object.
    auto arr = findings("[\"registration.php\"]");
    REQUIRE(arr.size() == 1);
    CHECK(arr[0].range == Range{0, 1});
    // Empty.
    CHECK(findings("").size() == 1);
}

TEST_CASE("composer.json: hover on the keys a module needs") {
    Tree t = acme(kClean);
    Engine engine(t.snapshot());
    auto at = [&](std::string_view marked) {
        auto c = cursor(marked, "$0");
        REQUIRE(c.text == kClean);
        return engine.hover(kComposer, c.offset);
    };
    auto type = at(edit(kClean, "\"type\"", "\"ty$0pe\""));
    REQUIRE(type);
    CHECK_THAT(type->markdown, Catch::Contains("magento2-module"));
    CHECK(slice(kClean, type->range) == "type");
    auto psr4 = at(edit(kClean, "\"psr-4\"", "\"psr$0-4\""));
    REQUIRE(psr4);
    CHECK_THAT(psr4->markdown, Catch::Contains(R"(`Acme\Connector\`)"));
    auto files = at(edit(kClean, "\"files\"", "\"$0files\""));
    REQUIRE(files);
    CHECK_THAT(files->markdown, Catch::Contains("registration.php"));
    CHECK_FALSE(at(edit(kClean, "\"acme/module-connector\"", "\"acme/$0module-connector\"")));
}

TEST_CASE("corpus: composer-module on the third-party modules and Magento's own") {
    const fs::path third = corpus_dir() + "/third-party";
    const fs::path core = corpus_dir() + "/magento-core";
    if (!fs::is_directory(third) || !fs::is_directory(core)) {
        WARN("corpus not found: skipped");
        return;
    }
    // Each module alone, as its own repository: composer.json next to module.xml.
    std::map<std::string, std::vector<std::string>> found;
    std::size_t packages = 0;
    for (const auto& it : fs::directory_iterator(third)) {
        const fs::path dir = it.path();
        if (!fs::exists(dir / "composer.json")) continue;
        ++packages;
        Tree t;
        const std::string base = dir.generic_string();
        for (const char* rel : {"composer.json", "etc/module.xml", "registration.php"})
            if (fs::exists(dir / rel)) t.add(base + "/" + rel, read(dir / rel));
        for (const auto& d : t.diagnose(base + "/composer.json", kCode))
            found[dir.filename().string()].push_back(d.message);
    }
    CHECK(packages >= 60);
    for (const auto& [module, messages] : found)
        for (const auto& m : messages)
            UNSCOPED_INFO(module << ": " << m);
    // Read by hand: a trailing comma in "require", and a PSR-4 prefix that is not the
    // namespace of the module (Rubenromao_ErpApiRequests, whose data patch is
    // Rubenromao\ErpApiRequests\Setup\Patch\Data\...). The other modules' packages are
    // well-formed (two of them have module names without a vendor part, not compared).
    REQUIRE(found.size() == 2);
    REQUIRE(found.count("jsarveswaran__store-connector"));
    CHECK_THAT(found["jsarveswaran__store-connector"].at(0), Catch::Contains("not valid JSON"));
    REQUIRE(found.count("rubenromao__module-order-data-erp-amqp"));
    CHECK_THAT(found["rubenromao__module-order-data-erp-amqp"].at(0),
               Catch::Contains(R"('Rubenromao\OrderDataErpAmqp\')") &&
                   Catch::Contains(R"('Rubenromao\ErpApiRequests\')"));

    // Magento's own module packages are the model: none is reported.
    std::size_t core_packages = 0;
    std::vector<std::string> core_findings;
    for (const auto& it : fs::directory_iterator(core / "app/code/Magento")) {
        const fs::path dir = it.path();
        if (!fs::exists(dir / "composer.json") || !fs::exists(dir / "etc/module.xml")) continue;
        ++core_packages;
        Tree t;
        const std::string base = module_dir("Magento", dir.filename().string());
        t.add(base + "/composer.json", read(dir / "composer.json"));
        t.add(base + "/etc/module.xml", read(dir / "etc/module.xml"));
        for (const auto& d : t.diagnose(base + "/composer.json", kCode))
            core_findings.push_back(base + ": " + d.message);
    }
    CHECK(core_packages >= 200);
    for (const auto& f : core_findings)
        UNSCOPED_INFO(f);
    CHECK(core_findings.empty());
}

} // namespace rules_test
