// Magento's own tree (core + bundled packages, read in place from the shared corpus): an ACL
// id named in webapi.xml, menu.xml or system.xml is reported unknown exactly when no acl.xml
// declares it (or it is disabled), and references reach across the whole tree. Skipped when
// the corpus is not there.
#include "nav_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace mil;
namespace fs = std::filesystem;

namespace {

const std::string kCorpus = MIL_SOURCE_DIR "/../shared/corpus";

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every file the server serves under the given folders, as one snapshot.
std::shared_ptr<const Snapshot> corpus_snapshot(const std::vector<std::string>& folders) {
    std::vector<nav::File> files;
    for (const auto& folder : folders)
        for (const auto& e : fs::recursive_directory_iterator(folder)) {
            if (!e.is_regular_file()) continue;
            std::string path = e.path().generic_string();
            FileKind k = classify_path(path);
            if (k == FileKind::Unknown || k == FileKind::Php || k == FileKind::SetupPhp) continue;
            files.push_back({path, read(e.path())});
        }
    return nav::snapshot_of(files);
}

} // namespace

TEST_CASE("corpus: unknown-resource in Magento's own files exactly where its ACL lacks the id; "
          "references span its acl.xml files") {
    const std::string core = kCorpus + "/magento-core";
    const std::string bundled = kCorpus + "/magento-bundled";
    if (!fs::is_directory(core) || !fs::is_directory(bundled)) {
        WARN("corpus not found at " << kCorpus << "; skipped");
        return;
    }
    auto snap = corpus_snapshot({core, bundled});
    REQUIRE(snap->has_core);
    Engine engine(snap);

    // An oracle written apart from the index: every <resource id> of every acl.xml, and those
    // with disabled="true" (in Magento's tree these are leaves).
    std::set<std::string> declared, disabled;
    const std::regex tag(R"re(<resource\s[^>]*>)re");
    const std::regex id_attr(R"re(\sid="([^"]*)")re");
    const std::regex disabled_attr(R"re(\sdisabled="(true|1)")re");
    for (const auto& [path, f] : snap->files) {
        if (f->kind != FileKind::Acl) continue;
        for (std::sregex_iterator it(f->text->begin(), f->text->end(), tag), end; it != end; ++it) {
            std::string t = it->str();
            std::smatch m;
            if (!std::regex_search(t, m, id_attr)) continue;
            declared.insert(m[1]);
            if (std::regex_search(t, disabled_attr)) disabled.insert(m[1]);
        }
    }
    REQUIRE(declared.size() > 250);

    // Magento itself names a few ids that its ACL does not have (its authorization then lets
    // only roles with all resources through). The server must report exactly those.
    std::size_t checked = 0, refs = 0, reported = 0;
    for (const auto& [path, f] : snap->files) {
        if (f->kind != FileKind::Webapi && f->kind != FileKind::Menu && f->kind != FileKind::System)
            continue;
        ++checked;
        refs += f->facts.acl_refs.size();
        std::map<Offset, const Diagnostic*> unknown_at;
        auto ds = engine.diagnose(path);
        for (const auto& d : ds)
            if (d.code == "unknown-resource") unknown_at[d.range.begin] = &d;
        reported += unknown_at.size();
        for (const auto& ref : f->facts.acl_refs) {
            const bool known = declared.count(ref.id) && !disabled.count(ref.id);
            auto it = unknown_at.find(ref.range.begin);
            INFO(ref.id << " in " << path);
            CHECK(known == (it == unknown_at.end()));
            if (it != unknown_at.end()) {
                WARN("Magento names an id its ACL lacks: " << ref.id << " in " << path);
                CHECK((it->second->message.find("disabled") != std::string::npos) ==
                      (disabled.count(ref.id) == 1));
            }
        }
        CHECK(unknown_at.size() <= f->facts.acl_refs.size());
    }
    CHECK(checked > 100);
    CHECK(refs > 400);
    CHECK(reported * 20 < refs); // a handful, not a broken index

    // References on Magento_Backend::admin from Backend's own declaration.
    const std::string backend = core + "/app/code/Magento/Backend/etc/acl.xml";
    const FileEntry* acl = snap->file(backend);
    REQUIRE(acl);
    Offset on = static_cast<Offset>(acl->text->find("Magento_Backend::admin") + 2);
    auto locs = engine.references(backend, on, true);
    std::size_t acl_files = 0;
    std::string last;
    for (const auto& l : locs)
        if (classify_path(l.path) == FileKind::Acl && l.path != last) {
            ++acl_files;
            last = l.path;
        }
    CHECK(acl_files >= 60); // 55 core + 17 bundled acl.xml files, nearly all redeclare it
    auto defs = engine.definition(backend, on);
    REQUIRE(defs.size() == 1);
    CHECK(defs[0].path == backend);
}
