// Real Magento files (read in place from the shared corpus, skipped when it is absent): the
// files Magento itself ships pass its XSDs, so they must produce no schema diagnostic.
#include "schema_test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace mil;
using namespace mil::test;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(MIL_SOURCE_DIR "/../shared/corpus");

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Found {
    fs::path path;
    SchemaKind kind;
};

std::vector<Found> files_under(const fs::path& root) {
    std::vector<Found> out;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string p = it->path().generic_string();
        if (auto kind = schema_kind_for_path(p)) out.push_back({it->path(), *kind});
    }
    std::sort(out.begin(), out.end(),
              [](const Found& a, const Found& b) { return a.path < b.path; });
    return out;
}

bool corpus_present() {
    std::error_code ec;
    return fs::is_directory(kCorpus / "magento-core", ec);
}

} // namespace

TEST_CASE("corpus: Magento's own acl, module, webapi and integration files are schema-clean") {
    if (!corpus_present()) {
        WARN("shared corpus not found at " << kCorpus.string() << "; skipped");
        return;
    }
    std::map<SchemaKind, int> counted;
    for (const char* part : {"magento-core", "magento-bundled"}) {
        for (const auto& f : files_under(kCorpus / part)) {
            if (f.kind == SchemaKind::Menu || f.kind == SchemaKind::System) continue;
            const std::string text = read_file(f.path);
            const auto ds = schema_diagnostics(f.kind, text);
            INFO(f.path.string());
            INFO(describe_all(text, ds));
            CHECK(ds.empty());
            ++counted[f.kind];
        }
    }
    // The corpus README promises these numbers of files; make sure they were all seen.
    CHECK(counted[SchemaKind::Acl] >= 55 + 17);
    CHECK(counted[SchemaKind::Module] >= 223);
    CHECK(counted[SchemaKind::Webapi] >= 22);
}

TEST_CASE("corpus: third-party integration files validate without crashing; ranges are sane") {
    if (!fs::is_directory(kCorpus / "third-party")) {
        WARN("shared corpus not found; skipped");
        return;
    }
    int files = 0;
    for (const auto& f : files_under(kCorpus / "third-party")) {
        const std::string text = read_file(f.path);
        const auto ds = schema_diagnostics(f.kind, text);
        ++files;
        for (const auto& d : ds) {
            INFO(f.path.string() << ": " << d.message);
            CHECK(d.code == "schema");
            CHECK(d.range.begin <= d.range.end);
            CHECK(d.range.end <= text.size());
            CHECK_FALSE(d.message.empty());
            CHECK(valid_utf8(d.message));
        }
    }
    CHECK(files > 100);
}
