// Runs the PHP reader over the real modules of the shared corpus (skipped when
// absent).
#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace mil;
using mil::test::kCorpus;
using mil::test::read_file;
namespace fs = std::filesystem;

namespace {

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

TEST_CASE("corpus: setup calls of the third-party modules resolve against the module's constants") {
    const fs::path root = kCorpus / "third-party";
    if (!fs::is_directory(root)) {
        WARN("shared corpus not present; skipping");
        return;
    }
    std::size_t calls_seen = 0, names_resolved = 0;
    std::error_code ec;
    for (fs::directory_iterator mod(root, ec), end; !ec && mod != end; mod.increment(ec)) {
        if (!mod->is_directory()) continue;
        auto files = php_files(mod->path());
        PhpConstantTable table;
        std::vector<std::string> texts;
        for (const fs::path& p : files) {
            texts.push_back(read_file(p));
            for (const auto& c : find_php_class_constants(texts.back()))
                table.add(p.string(), c);
        }
        for (std::size_t f = 0; f < files.size(); ++f) {
            INFO(files[f].string());
            const std::string& text = texts[f];
            auto calls = find_php_setup_calls(text, table);
            // Never more calls than the text has look-alikes (comments do not count).
            std::size_t occurrences = 0;
            for (std::size_t at = text.find("processIntegrationConfig("); at != std::string::npos;
                 at = text.find("processIntegrationConfig(", at + 1))
                ++occurrences;
            CHECK(calls.size() <= occurrences);
            for (const PhpSetupCall& c : calls) {
                ++calls_seen;
                CHECK(c.call_range.begin <= c.method_range.begin);
                CHECK(c.method_range.end <= c.call_range.end);
                for (const PhpConfigName& n : c.names) {
                    CHECK(n.range.end <= text.size());
                    if (n.source == PhpNameSource::Unresolved) continue;
                    ++names_resolved;
                    CHECK_FALSE(n.value.empty());
                    std::string_view raw(text.data() + n.range.begin, n.range.end - n.range.begin);
                    if (n.source == PhpNameSource::Literal && raw.find('\\') == std::string::npos)
                        CHECK(raw == n.value);
                }
            }
            // The other extractor must not trip on any of these files either.
            for (const PhpAclReference& r : find_php_acl_references(text))
                CHECK(r.range.end <= text.size());
        }
    }
    CHECK(calls_seen > 0);
    CHECK(names_resolved > 0);
}
