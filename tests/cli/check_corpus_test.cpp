// The check command over the real Magento configuration in /work/shared/corpus, read in
// place. Skipped when the corpus is not there (a fresh machine).
#include "check_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

using nlohmann::json;
using namespace mil::test;

namespace {

std::string corpus() {
    return std::string(MIL_SOURCE_DIR) + "/../shared/corpus";
}

bool have_corpus() {
    return fs::is_directory(corpus() + "/magento-core/app/code/Magento") &&
           fs::is_directory(corpus() + "/magento-bundled/vendor");
}

} // namespace

TEST_CASE("a standard Magento install (core and bundled modules) has no error-level finding") {
    if (!have_corpus()) {
        WARN("corpus not found at " << corpus() << ": skipped");
        return;
    }
    TempDir tmp;
    fs::create_directories(tmp.path("app/code"));
    fs::create_symlink(fs::canonical(corpus() + "/magento-core/app/code/Magento"),
                       tmp.path("app/code/Magento"));
    fs::create_symlink(fs::canonical(corpus() + "/magento-bundled/vendor"), tmp.path("vendor"));
    write_all(tmp.path("app/etc/di.xml"),
              "<?xml version=\"1.0\"?>\n<config "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xsi:noNamespaceSchemaLocation=\"urn:magento:framework:ObjectManager/etc/"
              "config.xsd\"/>\n");

    RunResult r = run_check({"--format", "json", tmp.root()});
    INFO(r.err);
    REQUIRE((r.code == 0 || r.code == 1));
    json findings = json::parse(r.out);
    std::map<std::string, int> by_code;
    std::size_t errors = 0;
    for (const auto& f : findings) {
        ++by_code[f["severity"].get<std::string>() + " " + f["code"].get<std::string>()];
        if (f["severity"] == "error") {
            ++errors;
            UNSCOPED_INFO("error: " << f["path"].get<std::string>() << ":" << f["line"] << ": "
                                    << f["message"].get<std::string>() << " ["
                                    << f["code"].get<std::string>() << "]");
        }
    }
    for (const auto& [code, n] : by_code)
        UNSCOPED_INFO(n << " x " << code);
    CHECK(errors == 0);
    CHECK(r.code == 0);
    // Every module's files were read: the summary counts hundreds of them.
    CHECK(r.err.find("files checked") != std::string::npos);
    CHECK(r.err.find("(0 files checked)") == std::string::npos);
}

TEST_CASE("third-party modules from the corpus are checked without crashing") {
    if (!have_corpus()) {
        WARN("corpus not found at " << corpus() << ": skipped");
        return;
    }
    std::string dir = corpus() + "/third-party";
    if (!fs::is_directory(dir)) return;
    std::size_t modules = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_directory()) continue;
        ++modules;
        RunResult r = run_check({"--format", "sarif", "--quiet", entry.path().string()});
        INFO(entry.path().string() << "\n" << r.err);
        REQUIRE((r.code == 0 || r.code == 1));
        json s = json::parse(r.out);
        CHECK(s["version"] == "2.1.0");
    }
    CHECK(modules > 0);
}
