// Magento's own tree (core + bundled packages, read in place from the shared corpus): the
// merged tree knows an id named in webapi.xml, menu.xml or system.xml exactly when an acl.xml
// declares it (not disabled); Magento's files get no unknown-resource, and references reach
// across the whole tree. Skipped when the corpus is not there.
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

TEST_CASE("corpus: Magento's own files get no unknown-resource, the same text elsewhere does "
          "where the ACL lacks the id; references span the acl.xml files") {
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

    // Magento's own files name a few ids its ACL lacks or disables, on purpose (only admins
    // with all resources then pass, e.g. the Advanced configuration section): the merged tree
    // must agree with the oracle about every id, and Magento's files get no unknown-resource.
    std::size_t checked = 0, refs = 0;
    std::vector<std::pair<std::string, std::string>> lacking; // (path, id)
    for (const auto& [path, f] : snap->files) {
        if (f->kind != FileKind::Webapi && f->kind != FileKind::Menu && f->kind != FileKind::System)
            continue;
        ++checked;
        refs += f->facts.acl_refs.size();
        for (const auto& ref : f->facts.acl_refs) {
            const bool known = declared.count(ref.id) && !disabled.count(ref.id);
            INFO(ref.id << " in " << path);
            CHECK(known == (snap->acl.find(ref.id) != nullptr));
            if (!known) lacking.emplace_back(path, ref.id);
        }
        for (const auto& d : engine.diagnose(f->path)) {
            INFO(d.message << " in " << path);
            CHECK(d.code != "unknown-resource");
        }
    }
    CHECK(checked > 100);
    CHECK(refs > 400);
    CHECK(lacking.size() * 20 < refs); // a handful, not a broken index

    // The same text in a module of one's own is reported, at each id the ACL lacks.
    for (const auto& [path, id] : lacking) {
        const FileEntry* f = snap->file(path);
        std::string mine = "/elsewhere/app/code/Acme/Copy/etc/" +
                           std::string(f->kind == FileKind::Webapi ? "webapi.xml"
                                       : f->kind == FileKind::Menu ? "adminhtml/menu.xml"
                                                                   : "adminhtml/system.xml");
        engine.open(mine, *f->text);
        std::set<std::string> reported;
        for (const auto& d : engine.diagnose(mine))
            if (d.code == "unknown-resource")
                reported.insert(std::string(nav::slice(*f->text, d.range)));
        INFO(id << " from " << path);
        CHECK(reported.count(id) == 1);
        for (const auto& r : reported)
            CHECK((declared.count(r) == 0 || disabled.count(r) == 1));
        engine.close(mine);
        WARN("Magento's " << path.substr(kCorpus.size() + 1) << " names " << id
                          << ", which its ACL " << (disabled.count(id) ? "disables" : "lacks"));
    }

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
