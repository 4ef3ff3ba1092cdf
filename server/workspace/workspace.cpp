#include "workspace/workspace.hpp"
#include "mil/base/strings.hpp"
#include "mil/model/model.hpp"

#include "platform/fileio.hpp"
#include "workspace/installed_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <functional>
#include <set>
#include <string_view>
#include <utility>

namespace mil {

namespace {

constexpr std::size_t kMaxComposerJsonBytes = 4u * 1024u * 1024u;
constexpr std::size_t kMaxInstalledJsonBytes = 128u * 1024u * 1024u;
constexpr int kMaxSearchDepth = 4;            // module dirs at most this deep below the folder
constexpr std::size_t kMaxSearchDirs = 20000; // directories listed by the bounded search
constexpr int kMaxSetupDepth = 6;
constexpr std::size_t kMaxSetupFiles = 500;
constexpr std::size_t kMaxSetupDirs = 2000;
constexpr std::size_t kMaxWarnings = 200; // per discovery; the rest are counted

// Parses a JSON text without exceptions; a discarded value means it was not JSON.
nlohmann::json parse_json(const std::string& text) {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::optional<nlohmann::json> read_json_object(const std::string& path, std::size_t cap) {
    auto text = read_file(path, cap, nullptr);
    if (!text) return std::nullopt;
    nlohmann::json j = parse_json(*text);
    if (!j.is_object()) return std::nullopt;
    return j;
}

std::string string_member(const nlohmann::json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

// "name" of dir/composer.json, or "".
std::string composer_package_name(const std::string& dir) {
    std::string path = join_path(dir, "composer.json");
    if (!is_regular_file(path)) return {};
    auto j = read_json_object(path, kMaxComposerJsonBytes);
    if (!j) return {};
    return string_member(*j, "name");
}

bool composer_marks_magento_root(const std::string& dir) {
    std::string path = join_path(dir, "composer.json");
    if (!is_regular_file(path)) return false;
    auto j = read_json_object(path, kMaxComposerJsonBytes);
    if (!j) return false;
    const std::string name = string_member(*j, "name");
    if (name == "magento/magento2ce" || name == "magento/project-community-edition") return true;
    // A package of a Magento component (magento2-module, -theme, -library, -language) may
    // require Magento itself for its own tests or CI: it is a component, not a project.
    if (string_member(*j, "type").rfind("magento2-", 0) == 0) return false;
    auto req = j->find("require");
    if (req == j->end() || !req->is_object()) return false;
    for (const char* pkg : {"magento/product-community-edition",
                            "magento/product-enterprise-edition", "magento/magento2-base"}) {
        if (req->contains(pkg)) return true;
    }
    return false;
}

// A folder that is a module itself: etc/module.xml or registration.php at its top.
bool is_module_dir(const std::string& dir) {
    return is_regular_file(join_path(dir, "etc/module.xml")) ||
           is_regular_file(join_path(dir, "registration.php"));
}

bool is_root_dir(const std::string& dir) {
    if (is_regular_file(join_path(dir, "app/etc/di.xml"))) return true;
    return !is_module_dir(dir) && composer_marks_magento_root(dir);
}

bool hidden(std::string_view name) {
    return !name.empty() && name.front() == '.';
}

class Collector {
public:
    Collector(Discovery& d, const std::function<void(const WorkspaceModule&)>& on_module,
              const std::function<void(const std::string&)>& on_early)
        : d_(d), on_module_(on_module), on_early_(on_early) {}

    // A folder that is probably a module, before it is confirmed (see discover()).
    void early(const std::string& dir) {
        if (on_early_) on_early_(dir);
    }

    void warn(std::string path, std::string message) {
        if (d_.warnings.size() < kMaxWarnings)
            d_.warnings.push_back({std::move(path), std::move(message)});
        else
            ++suppressed_;
    }

    // Adds one last warning that says how many were left out, if any.
    void finish() {
        if (suppressed_ == 0) return;
        d_.warnings.push_back({d_.folder, std::to_string(suppressed_) +
                                              " more warnings about this folder were left out"});
        suppressed_ = 0;
    }

    // Adds a module unless its directory is one already found. Returns true when added.
    // `registration`, when given, is a regular file (the caller checked); else the module's
    // registration.php if there is one. `id` is the directory's identity when the caller has
    // it already.
    bool add(const std::string& dir, std::string origin, std::string composer_name,
             std::string registration = {}, std::optional<FileIdentity> id = std::nullopt) {
        if (!id) id = file_identity(dir);
        if (!id) {
            warn(dir, "module directory cannot be reached");
            return false;
        }
        if (!seen_.insert(*id).second) return false;
        if (registration.empty()) {
            std::string reg = join_path(dir, "registration.php");
            if (is_regular_file(reg)) registration = std::move(reg);
        }
        d_.modules.push_back(
            {dir, std::move(origin), std::move(composer_name), std::move(registration)});
        if (on_module_) on_module_(d_.modules.back());
        return true;
    }

    bool known(const std::string& dir) const {
        auto id = file_identity(dir);
        return id && seen_.count(*id) > 0;
    }

private:
    Discovery& d_;
    const std::function<void(const WorkspaceModule&)>& on_module_;
    const std::function<void(const std::string&)>& on_early_;
    std::set<FileIdentity> seen_;
    std::size_t suppressed_ = 0;
};

std::optional<std::vector<DirEntry>> list_or_warn(Collector& c, const std::string& dir) {
    std::string err;
    auto entries = list_directory(dir, &err);
    if (!entries) c.warn(dir, err);
    return entries;
}

// app/code/*/*/registration.php, following links at both levels.
void scan_app_code(Collector& c, const std::string& root) {
    const std::string code = join_path(root, "app/code");
    if (!is_directory(code)) {
        if (path_exists_no_follow(code) && !is_directory(code))
            c.warn(code, "app/code is not a directory (or a broken symbolic link)");
        return;
    }
    std::vector<FileIdentity> ancestors;
    for (const std::string& p : {root, join_path(root, "app"), code}) {
        if (auto id = file_identity(p)) ancestors.push_back(*id);
    }
    auto is_ancestor = [&](const FileIdentity& id) {
        return std::find(ancestors.begin(), ancestors.end(), id) != ancestors.end();
    };
    auto vendors = list_or_warn(c, code);
    if (!vendors) return;
    for (const DirEntry& v : *vendors) {
        if (hidden(v.name)) continue;
        const std::string vdir = join_path(code, v.name);
        if (v.kind == EntryKind::Broken) {
            c.warn(vdir, "broken symbolic link");
            continue;
        }
        if (v.kind != EntryKind::Directory) continue;
        auto vid = file_identity(vdir);
        if (!vid) continue;
        if (is_ancestor(*vid)) {
            c.warn(vdir, "symbolic link loop: leads back to an enclosing directory");
            continue;
        }
        auto mods = list_or_warn(c, vdir);
        if (!mods) continue;
        for (const DirEntry& m : *mods) {
            if (hidden(m.name)) continue;
            const std::string mdir = join_path(vdir, m.name);
            if (m.kind == EntryKind::Broken) {
                c.warn(mdir, "broken symbolic link");
                continue;
            }
            if (m.kind != EntryKind::Directory) continue;
            const std::string reg = join_path(mdir, "registration.php");
            if (!is_regular_file(reg)) {
                if (path_exists_no_follow(reg))
                    c.warn(reg, "registration.php is not a readable regular file");
                continue;
            }
            auto mid = file_identity(mdir);
            if (mid && (is_ancestor(*mid) || *mid == *vid)) {
                c.warn(mdir, "symbolic link loop: leads back to an enclosing directory");
                continue;
            }
            c.add(mdir, "app/code", composer_package_name(mdir), reg);
        }
    }
}

// Where a package of installed.json is, by its names alone (nothing is checked on disk):
// its folder, and its module folder, which is the folder of the registration.php that its
// autoload.files names (when one does, inside the package) or else the package's folder.
struct PackagePlace {
    std::string pkg_dir;      // empty: the package has neither install-path nor name
    std::string registration; // empty when autoload.files names none
    std::string module_dir;
};

PackagePlace package_place(const InstalledPackage& pkg, const std::string& vendor,
                           const std::string& composer_dir) {
    PackagePlace place;
    if (!pkg.install_path.empty())
        place.pkg_dir = join_path(composer_dir, pkg.install_path);
    else if (!pkg.name.empty())
        place.pkg_dir = join_path(vendor, pkg.name);
    else
        return place;
    place.module_dir = place.pkg_dir;
    for (const std::string& rel : pkg.autoload_files) {
        if (file_name(rel) != "registration.php") continue;
        std::string path = join_path(place.pkg_dir, rel);
        if (!path_is_within(path, place.pkg_dir)) continue; // "../../x/registration.php"
        place.registration = std::move(path);
        place.module_dir = parent_path(place.registration);
        break;
    }
    return place;
}

// The magento2-module packages named by vendor/composer/installed.json.
void scan_vendor(Collector& c, const std::string& root) {
    const std::string vendor = join_path(root, "vendor");
    const std::string composer_dir = join_path(vendor, "composer");
    const std::string installed = join_path(composer_dir, "installed.json");
    if (!path_exists_no_follow(installed)) return;
    std::string err;
    auto text = read_file(installed, kMaxInstalledJsonBytes, &err);
    if (!text) {
        c.warn(installed, "cannot read the list of Composer packages: " + err);
        return;
    }
    // Each module folder is announced as soon as the reader meets its package: the caller
    // can start reading it while the rest of the file (a megabyte in a full tree) is read.
    // The places are kept: the packages returned are the last ones announced.
    std::vector<PackagePlace> places;
    InstalledJson installed_json = read_installed_json(*text, [&](const InstalledPackage& pkg) {
        places.push_back(package_place(pkg, vendor, composer_dir));
        const PackagePlace& place = places.back();
        if (!place.pkg_dir.empty() && path_is_within(place.pkg_dir, root))
            c.early(place.module_dir);
    });
    text.reset();
    if (installed_json.status == InstalledJson::Status::NotJson) {
        c.warn(installed, "not valid JSON, vendor modules not found: " + installed_json.error);
        return;
    }
    if (installed_json.status == InstalledJson::Status::WrongShape) {
        c.warn(installed, "neither a Composer 2 object with \"packages\" nor a Composer 1 "
                          "array of packages; vendor modules not found");
        return;
    }
    const std::size_t count = installed_json.modules.size();
    const bool announced = places.size() >= count; // read_installed_json promises it
    for (std::size_t i = 0; i < count; ++i) {
        const InstalledPackage& pkg = installed_json.modules[i];
        const std::string& name = pkg.name;
        PackagePlace place = announced ? std::move(places[places.size() - count + i])
                                       : package_place(pkg, vendor, composer_dir);
        const std::string& pkg_dir = place.pkg_dir;
        if (pkg_dir.empty()) continue;
        // Composer installs every package below vendor/ (a path repository as a link there); a
        // name that climbs out of the project is not followed: the server reads only inside
        // the folders it was given.
        const std::string label = name.empty() ? std::string("(no name)") : name;
        if (!path_is_within(pkg_dir, root)) {
            c.warn(installed, "package " + label + ": install-path '" + pkg.install_path +
                                  "' leads out of the project; not indexed");
            continue;
        }
        const auto pkg_id = directory_identity(pkg_dir);
        if (!pkg_id) {
            c.warn(pkg_dir, "package " + label +
                                " is listed in vendor/composer/installed.json but its "
                                "directory is missing or a broken symbolic link");
            continue;
        }
        const std::string& module_dir = place.module_dir;
        std::string& registration = place.registration;
        if (!registration.empty() && !is_regular_file(registration)) {
            c.warn(registration, "package " + name +
                                     " names this file in autoload.files but "
                                     "it does not exist");
            registration.clear();
        }
        c.add(module_dir, "vendor", name, registration,
              module_dir == pkg_dir ? pkg_id : std::nullopt);
    }
}

// The module directory of a standalone module repository rooted at `dir`, if it is one:
// `dir` or its src/ with etc/module.xml or registration.php (a registration.php alone is a
// module that Magento fails to load, which the checker reports).
std::optional<std::string> standalone_module_dir(const std::string& dir) {
    if (is_module_dir(dir)) return dir;
    std::string src = join_path(dir, "src");
    if (is_module_dir(src)) return src;
    return std::nullopt;
}

std::string standalone_composer_name(const std::string& package_dir,
                                     const std::string& module_dir) {
    std::string name = composer_package_name(package_dir);
    if (name.empty() && module_dir != package_dir) name = composer_package_name(module_dir);
    return name;
}

bool skipped_in_search(std::string_view name) {
    static constexpr std::array<std::string_view, 6> kSkip = {
        "node_modules", "vendor", "dev", "var", "pub", "generated"};
    if (hidden(name)) return true; // .git, .idea, ...
    return std::find(kSkip.begin(), kSkip.end(), name) != kSkip.end();
}

// Depth-first search for module directories and Magento installs below `folder`, bounded in
// depth and size. The first install found becomes the discovery's root.
void search_modules(Collector& c, Discovery& d, const std::string& folder) {
    struct Item {
        std::string path;
        int depth;
        std::vector<FileIdentity> chain; // identities from the folder down to this dir
    };
    auto folder_id = file_identity(folder);
    if (!folder_id) return;
    std::set<FileIdentity> visited{*folder_id};
    std::vector<Item> stack;
    stack.push_back({folder, 0, {*folder_id}});
    std::size_t listed = 0;
    while (!stack.empty()) {
        Item item = std::move(stack.back());
        stack.pop_back();
        if (++listed > kMaxSearchDirs) {
            c.warn(folder, "stopped looking for modules after " + std::to_string(kMaxSearchDirs) +
                               " directories");
            return;
        }
        auto entries = list_or_warn(c, item.path);
        if (!entries) continue;
        std::vector<Item> children;
        for (const DirEntry& e : *entries) {
            if (skipped_in_search(e.name)) continue;
            const std::string child = join_path(item.path, e.name);
            if (e.kind == EntryKind::Broken) {
                c.warn(child, "broken symbolic link");
                continue;
            }
            if (e.kind != EntryKind::Directory) continue;
            auto id = file_identity(child);
            if (!id) continue;
            if (std::find(item.chain.begin(), item.chain.end(), *id) != item.chain.end()) {
                c.warn(child, "symbolic link loop: leads back to an enclosing directory");
                continue;
            }
            if (!visited.insert(*id).second) continue; // entered before through another link
            if (is_regular_file(join_path(child, "etc/module.xml"))) {
                std::string package_dir = e.name == "src" ? item.path : child;
                c.add(child, "standalone", standalone_composer_name(package_dir, child));
                continue; // modules do not nest
            }
            if (is_root_dir(child)) {
                // A Magento install below the folder (a project whose Magento lives in src/,
                // a repository of several shops): its modules as from its root, which is
                // not searched further.
                if (!d.root) d.root = child;
                scan_app_code(c, child);
                scan_vendor(c, child);
                continue;
            }
            // A Composer project without Magento's markers: its Magento packages, and the
            // search goes on inside it (vendor/ itself is skipped).
            scan_vendor(c, child);
            if (item.depth + 1 < kMaxSearchDepth) {
                Item next{child, item.depth + 1, item.chain};
                next.chain.push_back(*id);
                children.push_back(std::move(next));
            }
        }
        // Push in reverse so that directories are explored in name order.
        for (auto it = children.rbegin(); it != children.rend(); ++it)
            stack.push_back(std::move(*it));
    }
}

} // namespace

std::optional<std::string> find_magento_root(const std::string& folder) {
    std::string dir = absolute_path(folder);
    // Bounded by the number of path segments: parent_path reaches "/" and stops there.
    for (;;) {
        if (is_root_dir(dir)) return dir;
        if (dir == "/") return std::nullopt;
        dir = parent_path(dir);
    }
}

namespace {

void discover_into(Collector& c, Discovery& d) {
    if (!is_directory(d.folder)) {
        c.warn(d.folder, "not a directory");
        return;
    }
    d.root = find_magento_root(d.folder);
    if (d.root) {
        scan_app_code(c, *d.root);
        scan_vendor(c, *d.root);
        // A module opened on its own inside the root but not registered through app/code
        // or installed.json (for example a Composer path repository's source folder).
        if (d.folder != *d.root) {
            if (auto mdir = standalone_module_dir(d.folder); mdir && !c.known(*mdir))
                c.add(*mdir, "standalone", standalone_composer_name(d.folder, *mdir));
        }
        return;
    }
    if (auto mdir = standalone_module_dir(d.folder)) {
        c.add(*mdir, "standalone", standalone_composer_name(d.folder, *mdir));
        return;
    }
    search_modules(c, d, d.folder);
    // The search leaves vendor/ alone (libraries carry module-looking test fixtures), but a
    // Composer project without Magento's own markers (no app/etc/di.xml, no Magento
    // composer.json: a trimmed install, a project that only requires extensions) still lists
    // its Magento modules in vendor/composer/installed.json.
    scan_vendor(c, d.folder);
}

} // namespace

Discovery discover(const std::string& folder,
                   const std::function<void(const WorkspaceModule&)>& on_module,
                   const std::function<void(const std::string&)>& on_early) {
    Discovery d;
    d.folder = absolute_path(folder);
    Collector c(d, on_module, on_early);
    discover_into(c, d);
    c.finish();
    return d;
}

std::vector<std::string> module_files(const std::string& module_dir) {
    std::vector<std::string> out;
    // Looked up relative to the module folder: the kernel walks the module's path once.
    const Dir dir = Dir::open(module_dir);
    if (!dir.valid()) return out; // no files, and no Setup/ folder to list either
    const auto candidates = module_fixed_candidates(dir);
    for (std::size_t i = 0; i < kModuleFixedFiles.size(); ++i) {
        if (!candidates[i]) continue;
        const char* rel = kModuleFixedFiles[i];
        const auto st = status_at(dir, rel);
        if (st && st->kind == EntryKind::File) out.push_back(join_path(module_dir, rel));
    }
    for (const auto& rel : module_setup_files_at(dir))
        out.push_back(join_path(module_dir, rel));
    for (const auto& rel : module_misplaced_setup_files_at(dir))
        out.push_back(join_path(module_dir, rel));
    return out;
}

std::vector<std::string> module_misplaced_setup_files_at(const Dir& module) {
    std::vector<std::string> out;
    each_name(module, [&](std::string_view name) {
        if (name.size() > 4 && name.ends_with(".php") &&
            misnamed_setup_script(std::string("Module/").append(name)))
            out.emplace_back(name);
    });
    std::sort(out.begin(), out.end());
    return out;
}

std::bitset<kModuleFixedFiles.size()> module_fixed_candidates(const Dir& module) {
    std::bitset<kModuleFixedFiles.size()> out;
    constexpr std::string_view kEtc = "etc/";
    // The name etc/ must list for entry i: "acl.xml" for etc/acl.xml, "adminhtml" for
    // etc/adminhtml/menu.xml; empty for a file at the top.
    auto listed_name = [&](std::size_t i) {
        const std::string_view rel = kModuleFixedFiles[i];
        if (!rel.starts_with(kEtc)) return std::string_view();
        const std::string_view rest = rel.substr(kEtc.size());
        return rest.substr(0, rest.find('/'));
    };
    for (std::size_t i = 0; i < out.size(); ++i)
        if (listed_name(i).empty()) out.set(i);
    bool missing = false;
    const Dir etc = module.open_sub("etc", &missing);
    if (!etc.valid()) {
        if (!missing) out.set(); // let each open say what is wrong
        return out;
    }
    const bool listed = each_name(etc, [&](std::string_view name) {
        for (std::size_t i = 0; i < out.size(); ++i) {
            const std::string_view want = listed_name(i);
            if (!want.empty() && iequals(want, name)) out.set(i);
        }
    });
    if (!listed) out.set(); // a folder we may enter but not list: try each file
    return out;
}

std::vector<std::string> module_setup_files_at(const Dir& module) {
    // Breadth first, so that a cap keeps the shallow files. Each folder is opened relative
    // to the module's, and known by its identity (links are followed; a folder reached twice
    // is listed once, which also ends link loops). A folder below Setup is known from its
    // parent's listing: the inode there, on the parent's device (a link's target was stat'ed
    // by the listing). Setup's own device and inode are needed only once a link to a folder
    // could lead back into the tree, so they are looked up then (one stat, which most
    // modules, without links there, never pay); until then the folders found carry
    // kUnknownDevice.
    constexpr std::uint64_t kUnknownDevice = ~std::uint64_t{0};
    std::vector<std::string> php;
    std::set<FileIdentity> visited;
    struct Pending {
        std::string dir;
        int depth = 0;
        FileIdentity id; // Setup's: {kUnknownDevice, 0} until looked up
    };
    std::deque<Pending> queue;
    queue.push_back({"Setup", 0, {kUnknownDevice, 0, {}}});
    bool setup_known = false;
    // Puts Setup's device where kUnknownDevice stood (in `visited`, the queue and `current`),
    // and Setup itself among the folders listed.
    auto know_setup = [&](Pending& current) {
        if (setup_known) return;
        setup_known = true;
        const auto st = status_at(module, "Setup");
        if (!st) return; // gone meanwhile: no dedup
        const FileIdentity setup = st->identity;
        auto known = [&](FileIdentity id) {
            if (id.device == kUnknownDevice) id.device = setup.device;
            return id;
        };
        std::set<FileIdentity> resolved;
        for (const FileIdentity& id : visited)
            resolved.insert(known(id));
        resolved.insert(setup);
        visited = std::move(resolved);
        for (Pending& p : queue)
            p.id = known(p.id);
        current.id = current.depth == 0 ? setup : known(current.id);
    };
    std::size_t listed = 0;
    while (!queue.empty() && php.size() < kMaxSetupFiles && listed < kMaxSetupDirs) {
        Pending next = std::move(queue.front());
        queue.pop_front();
        const bool root = next.depth == 0;
        if (!root && visited.count(next.id)) continue;
        const Dir dir = module.open_sub(next.dir.c_str());
        if (!dir.valid()) continue;
        if (!root) visited.insert(next.id);
        ++listed;
        auto entries = list_directory(dir);
        if (!entries) continue;
        for (const DirEntry& e : *entries) {
            if (e.kind == EntryKind::File) {
                if (e.name.size() > 4 && e.name.ends_with(".php") && php.size() < kMaxSetupFiles)
                    php.push_back(next.dir + "/" + e.name);
            } else if (e.kind == EntryKind::Directory && next.depth < kMaxSetupDepth &&
                       !hidden(e.name)) {
                FileIdentity id = e.identity;
                if (e.is_symlink)
                    know_setup(next);
                else
                    id.device = next.id.device;
                queue.push_back({next.dir + "/" + e.name, next.depth + 1, id});
            }
        }
    }
    std::sort(php.begin(), php.end());
    return php;
}

} // namespace mil
