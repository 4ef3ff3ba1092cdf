// Runs the PHP reader over the real modules of the shared corpus (skipped when
// absent).
#include "mil/php.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace mil;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(MIL_SOURCE_DIR "/../shared/corpus");

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<fs::path> php_files(const fs::path& root) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".php") out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE(
    "corpus: every third-party PHP file tokenizes and each registration.php registers one module") {
    const fs::path root = kCorpus / "third-party";
    if (!fs::is_directory(root)) {
        WARN("shared corpus not present; skipping");
        return;
    }
    auto files = php_files(root);
    REQUIRE_FALSE(files.empty());
    std::size_t registrations = 0;
    for (const fs::path& p : files) {
        INFO(p.string());
        std::string text = read_file(p);
        auto toks = tokenize_php(text);
        Offset at = 0;
        for (const PhpToken& t : toks) {
            REQUIRE(t.range.begin == at);
            at = t.range.end;
        }
        REQUIRE(at == text.size());
        auto regs = find_php_registrations(text);
        if (p.filename() == "registration.php") {
            ++registrations;
            REQUIRE(regs.size() == 1);
            CHECK(regs[0].type == PhpComponentType::Module);
            CHECK(regs[0].name_is_literal);
            CHECK_FALSE(regs[0].name.empty());
            CHECK(text.substr(regs[0].name_range.begin,
                              regs[0].name_range.end - regs[0].name_range.begin) == regs[0].name);
        }
    }
    CHECK(registrations > 0);
}

TEST_CASE("corpus: every Magento core registration.php registers one component") {
    const fs::path root = kCorpus / "magento-core";
    if (!fs::is_directory(root)) {
        WARN("shared corpus not present; skipping");
        return;
    }
    std::size_t seen = 0;
    for (const fs::path& p : php_files(root)) {
        if (p.filename() != "registration.php") continue;
        INFO(p.string());
        ++seen;
        std::string text = read_file(p);
        auto regs = find_php_registrations(text);
        REQUIRE(regs.size() == 1);
        CHECK(regs[0].type != PhpComponentType::Unknown);
        CHECK(regs[0].name_is_literal);
    }
    CHECK(seen > 0);
}
