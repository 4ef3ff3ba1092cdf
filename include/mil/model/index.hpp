// The workspace index: every file's facts, and the views Magento would build by merging them
// (the ACL tree, integrations by name, modules in load order). A Snapshot is immutable; an
// edit makes a new one that shares every unchanged file entry with the old.
#pragma once

#include "mil/model/model.hpp"

#include <iterator>
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

// The parts of an ACL id `Module_Name::local`: the module (empty without "::") and what
// follows "::" (the whole id without it).
inline std::string_view module_part(std::string_view id) {
    auto pos = id.find("::");
    return pos == std::string_view::npos ? std::string_view{} : id.substr(0, pos);
}
inline std::string_view local_part(std::string_view id) {
    auto pos = id.find("::");
    return pos == std::string_view::npos ? id : id.substr(pos + 2);
}

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
    // Ids that only modules disabled in app/etc/config.php declare (Magento reads no acl.xml
    // of a disabled module), with the first declaration and its module.
    struct ModuleDisabled {
        std::string module;
        Location declared; // empty path for an id of the bundled catalogue
    };
    std::unordered_map<std::string, ModuleDisabled> disabled_by_module;

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
    bool disabled = false; // in a disabled subtree: not in the tree, known as disabled
};

// Files by path, in path order, read like a const std::map. Copies share the entries in
// chunks held by shared pointers: copying the map copies one pointer per chunk, and adding,
// replacing or removing a file copies only the chunk that holds it. So a snapshot made by an
// edit shares the file map with the one before at the cost of one chunk. The key of an entry
// is a view of the entry's own path (held by the shared entry beside it, so it moves and
// copies with it): the paths are not stored twice.
class FileMap {
public:
    using value_type = std::pair<std::string_view, std::shared_ptr<const FileEntry>>;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = FileMap::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = const value_type*;
        using reference = const value_type&;

        const_iterator() = default;
        reference operator*() const { return (*(*chunks_)[chunk_])[pos_]; }
        pointer operator->() const { return &**this; }
        const_iterator& operator++() {
            if (++pos_ == (*chunks_)[chunk_]->size()) {
                ++chunk_;
                pos_ = 0;
            }
            return *this;
        }
        const_iterator operator++(int) {
            auto old = *this;
            ++*this;
            return old;
        }
        bool operator==(const const_iterator& o) const {
            return chunk_ == o.chunk_ && pos_ == o.pos_;
        }

    private:
        friend class FileMap;
        using Chunks = std::vector<std::shared_ptr<const std::vector<value_type>>>;
        const_iterator(const Chunks* chunks, std::size_t chunk, std::size_t pos)
            : chunks_(chunks), chunk_(chunk), pos_(pos) {}
        const Chunks* chunks_ = nullptr;
        std::size_t chunk_ = 0, pos_ = 0;
    };
    using iterator = const_iterator;

    FileMap() = default;
    // From entries sorted by path, without two of the same path, each keyed by its entry's path.
    static FileMap from_sorted(std::vector<value_type> entries);

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const_iterator begin() const { return {&chunks_, 0, 0}; }
    const_iterator end() const { return {&chunks_, chunks_.size(), 0}; }
    const_iterator find(std::string_view path) const;
    // The first file whose path is not less than `path`.
    const_iterator lower_bound(std::string_view path) const;
    std::size_t count(std::string_view path) const { return find(path) != end() ? 1 : 0; }
    // Throws std::out_of_range when there is no such file.
    const std::shared_ptr<const FileEntry>& at(std::string_view path) const;

    // Adds or replaces the file at `path`; a null entry removes it. An entry's path must be
    // `path` (std::invalid_argument otherwise).
    void set(std::string_view path, std::shared_ptr<const FileEntry> entry);

private:
    using Chunk = std::vector<value_type>;
    // The chunk that holds `path` or would: the first whose last path is not less than it.
    std::size_t chunk_for(std::string_view path) const;

    std::vector<std::shared_ptr<const Chunk>> chunks_; // never an empty chunk
    std::size_t size_ = 0;
};

// A vector read like a const std::vector and shared by copies: copying it copies a pointer;
// edit() copies the elements first when another copy shares them.
template <typename T>
class SharedVector {
public:
    using value_type = T;
    using const_iterator = typename std::vector<T>::const_iterator;
    using iterator = const_iterator;

    SharedVector() = default;
    SharedVector(std::vector<T> v) : v_(std::make_shared<std::vector<T>>(std::move(v))) {}

    const std::vector<T>& get() const { return v_ ? *v_ : empty_(); }
    operator const std::vector<T>&() const { return get(); }
    std::size_t size() const { return get().size(); }
    bool empty() const { return get().empty(); }
    const T& operator[](std::size_t i) const { return get()[i]; }
    const T& front() const { return get().front(); }
    const T& back() const { return get().back(); }
    const_iterator begin() const { return get().begin(); }
    const_iterator end() const { return get().end(); }
    // The elements themselves, to change: no longer shared with any copy.
    std::vector<T>& edit() {
        if (!v_)
            v_ = std::make_shared<std::vector<T>>();
        else if (v_.use_count() > 1)
            v_ = std::make_shared<std::vector<T>>(*v_);
        return *v_;
    }
    // Whether two share the same elements (not only equal ones).
    bool shares(const SharedVector& o) const { return v_ == o.v_; }

private:
    static const std::vector<T>& empty_() {
        static const std::vector<T> none;
        return none;
    }
    std::shared_ptr<std::vector<T>> v_;
};

class RouteIndex; // mil/model/routes.hpp

// What the merge derives from the files and modules of a snapshot and an edit can reuse
// (defined in index.cpp).
struct MergeState;

class Snapshot {
public:
    // Files by path. Paths are as found under the root (never canonicalised).
    FileMap files;
    SharedVector<ModuleInfo> modules; // in load order
    AclTree acl;
    std::map<std::string, std::vector<IntegrationRef>, std::less<>> integrations;
    std::string root;          // Magento root, empty for a standalone module
    bool has_core = false;     // the tree has Magento_Backend's acl.xml
    bool uses_catalog = false; // ids of the bundled catalogue are merged in
    // REST routes of the webapi.xml files (and of the bundled catalogue when uses_catalog).
    std::shared_ptr<const RouteIndex> routes;
    // app/etc/config.php of the root, when the snapshot has it (else empty), and the modules
    // it sets to 0: name -> the name in it. A module it does not list counts as enabled:
    // setup:upgrade adds it enabled (see build_snapshot).
    std::string deployment_config;
    std::map<std::string, Location, std::less<>> disabled_modules;
    // Set by build_snapshot and with_file; null in a snapshot made otherwise.
    std::shared_ptr<const MergeState> merge_state;

    const FileEntry* file(std::string_view path) const;
    const ModuleInfo* module_by_dir(std::string_view dir) const;
    const ModuleInfo* module_by_name(std::string_view name) const;
    // The module a path belongs to (by the longest module dir that prefixes it).
    const ModuleInfo* module_of(std::string_view path) const;
    // Whether app/etc/config.php disables the module of that name.
    bool module_disabled(std::string_view name) const {
        return !name.empty() && disabled_modules.find(name) != disabled_modules.end();
    }
    // Whether the file belongs to a module that app/etc/config.php disables: Magento reads
    // none of its configuration.
    bool in_disabled_module(const FileEntry& f) const;
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

// Whether `id` belongs to a module of Adobe Commerce that the snapshot cannot judge: the tree
// has no Magento core, only the bundled catalogue of Magento Open Source, and no module at
// hand has that name (data/catalog/commerce-modules.txt lists the modules).
bool commerce_id_out_of_view(const Snapshot& s, std::string_view id);

// The modules of data/catalog/commerce-modules.txt.
const std::vector<std::string_view>& commerce_modules();

} // namespace mil
