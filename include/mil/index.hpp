// The workspace index: every file's facts, and the views Magento would build by merging them
// (the ACL tree, integrations by name, modules in load order). A Snapshot is immutable; an
// edit makes a new one that shares every unchanged file entry with the old.
#pragma once

#include "mil/model.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mil {

inline constexpr std::uint32_t kNoAcl = 0xffffffffu;

// One declaration of an ACL id in one acl.xml.
struct AclDeclaration {
    Location location;  // the id value
    std::string module; // module name of the declaring file
    bool has_title = false;
    std::string title;
    Location title_location;
};

struct AclNode {
    std::string id;
    std::string title; // merged: the last title in load order
    // The defining declaration: the one with a title from the module the id is named after,
    // else the last one with a title (empty path if none, or from the catalogue).
    Location title_location;
    std::string module; // the defining declaration's module (else the first declaring one)
    std::uint32_t parent = kNoAcl;
    std::vector<std::uint32_t> children; // sorted by sortOrder, then id
    int sort_order = 0;
    std::vector<AclDeclaration> declarations; // in load order
    bool from_catalog = false;                // known only from the bundled catalogue
};

// The merged ACL tree, with `disabled` subtrees removed.
class AclTree {
public:
    std::vector<AclNode> nodes;
    std::vector<std::uint32_t> roots;
    std::unordered_map<std::string, std::uint32_t> by_id;
    // Ids removed by disabled="true" (themselves or through an ancestor), with where.
    std::unordered_map<std::string, Location> disabled;

    const AclNode* find(std::string_view id) const;
    // Ancestors from the top down, excluding the node itself.
    std::vector<const AclNode*> ancestors(const AclNode& node) const;
    // "Magento Admin › Sales › Operations › Orders" (titles, id where there is none).
    std::string breadcrumb(const AclNode& node) const;
    // Nodes in tree order (depth first, siblings by sortOrder).
    std::vector<std::uint32_t> preorder() const;
};

struct ModuleInfo {
    std::string dir;
    std::string name;   // from etc/module.xml, else registration.php, else empty
    std::string origin; // "app/code", "vendor", "standalone", "open" (opened file only)
    std::vector<std::string> sequence;
    std::uint32_t load_order = 0;
};

// One integration declaration, by where it is.
struct IntegrationRef {
    std::string path;
    std::size_t index = 0; // into that file's facts.integrations
    std::string module;
    FileKind kind = FileKind::Unknown;
};

// An entry of the bundled ACL catalogue (data/catalog).
struct CatalogEntry {
    std::string id;
    std::string title;
    std::string parent;
    std::string module;
    int sort_order = 0;
};

// Modules by directory and by name (the first in load order wins), shared by the snapshots
// that have the same modules.
struct ModuleLookup {
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> by_dir, by_name;
};

class Snapshot {
public:
    // Files by path. Paths are as found under the root (never canonicalised).
    std::map<std::string, std::shared_ptr<const FileEntry>, std::less<>> files;
    std::vector<ModuleInfo> modules; // in load order
    AclTree acl;
    std::map<std::string, std::vector<IntegrationRef>, std::less<>> integrations;
    std::string root;          // Magento root, empty for a standalone module
    bool has_core = false;     // the tree has Magento_Backend's acl.xml
    bool uses_catalog = false; // ids of the bundled catalogue are merged in
    // Built with `modules`; without it (a snapshot assembled by hand) lookups scan `modules`.
    std::shared_ptr<const ModuleLookup> module_lookup;

    const FileEntry* file(std::string_view path) const;
    const ModuleInfo* module_by_dir(std::string_view dir) const;
    const ModuleInfo* module_by_name(std::string_view name) const;
    // The module a path belongs to (by the longest module dir that prefixes it).
    const ModuleInfo* module_of(std::string_view path) const;
    // The integration declaration behind a ref.
    const IntegrationDecl* integration(const IntegrationRef& ref) const;
};

struct SnapshotInput {
    std::string root;
    std::vector<ModuleInfo> modules; // dir and origin; names are filled from the files
    std::vector<std::shared_ptr<const FileEntry>> files;
    const std::vector<CatalogEntry>* catalog = nullptr; // merged when the tree has no core
};

std::shared_ptr<const Snapshot> build_snapshot(SnapshotInput input);

// A new snapshot with one file added, replaced (entry) or removed (entry == nullptr, by path).
std::shared_ptr<const Snapshot> with_file(const Snapshot& base, std::string_view path,
                                          std::shared_ptr<const FileEntry> entry,
                                          const std::vector<CatalogEntry>* catalog);

// The catalogue compiled into the binary (data/catalog/acl.tsv).
const std::vector<CatalogEntry>& bundled_catalog();

} // namespace mil
