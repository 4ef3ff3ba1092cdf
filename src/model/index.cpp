#include "mil/model/index.hpp"

#include "mil/base/embedded.hpp"
#include "mil/model/routes.hpp"

#include <algorithm>
#include <charconv>
#include <queue>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_set>

namespace mil {

// ---- AclTree ---------------------------------------------------------------------------

const AclNode* AclTree::find(std::string_view id) const {
    auto it = by_id.find(std::string(id));
    return it == by_id.end() ? nullptr : &nodes[it->second];
}

std::vector<const AclNode*> AclTree::ancestors(const AclNode& node) const {
    std::vector<const AclNode*> out;
    std::uint32_t p = node.parent;
    while (p != kNoAcl && out.size() < nodes.size()) {
        out.push_back(&nodes[p]);
        p = nodes[p].parent;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::string AclTree::breadcrumb(const AclNode& node) const {
    // The nearest ancestors only: real trees are a few levels deep, and a pathological one
    // (thousands of levels) must not make every completion item's text as long as the tree.
    constexpr std::size_t kMaxCrumbs = 12;
    const AclNode* chain[kMaxCrumbs + 1];
    std::size_t depth = 0;
    std::uint32_t p = node.parent;
    while (p != kNoAcl && depth <= kMaxCrumbs) {
        chain[depth++] = &nodes[p];
        p = nodes[p].parent;
    }
    auto name = [](const AclNode& n) -> const std::string& {
        return n.title.empty() ? n.id : n.title;
    };
    const bool cut = depth > kMaxCrumbs;
    if (cut) --depth;
    std::size_t size = name(node).size() + (cut ? 8 : 0);
    for (std::size_t i = 0; i < depth; ++i)
        size += name(*chain[i]).size() + 5;
    std::string out;
    out.reserve(size + 32); // room for what a caller appends
    if (cut) out += "\u2026 \u203a ";
    for (std::size_t i = depth; i-- > 0;) {
        out += name(*chain[i]);
        out += " \u203a ";
    }
    out += name(node);
    return out;
}

std::vector<std::uint32_t> AclTree::preorder() const {
    std::vector<std::uint32_t> out;
    out.reserve(nodes.size());
    std::vector<std::uint32_t> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        auto n = stack.back();
        stack.pop_back();
        out.push_back(n);
        const auto& ch = nodes[n].children;
        for (auto it = ch.rbegin(); it != ch.rend(); ++it)
            stack.push_back(*it);
    }
    return out;
}

// ---- FileMap ---------------------------------------------------------------------------

namespace {

// Chunks are made this size, and split in two when an insertion makes one twice as large.
constexpr std::size_t kChunkSize = 64;

bool path_less(const FileMap::value_type& e, std::string_view path) {
    return e.first < path;
}

// An entry with its key: a view of its own path (see FileMap).
FileMap::value_type keyed(std::shared_ptr<const FileEntry> entry) {
    const std::string_view key = entry->path;
    return {key, std::move(entry)};
}

} // namespace

FileMap FileMap::from_sorted(std::vector<value_type> entries) {
    FileMap out;
    out.size_ = entries.size();
    out.chunks_.reserve((entries.size() + kChunkSize - 1) / kChunkSize);
    for (std::size_t i = 0; i < entries.size(); i += kChunkSize) {
        auto chunk = std::make_shared<Chunk>();
        std::size_t n = std::min(kChunkSize, entries.size() - i);
        chunk->reserve(n);
        for (std::size_t k = i; k < i + n; ++k)
            chunk->push_back(std::move(entries[k]));
        out.chunks_.push_back(std::move(chunk));
    }
    return out;
}

std::size_t FileMap::chunk_for(std::string_view path) const {
    auto it = std::partition_point(chunks_.begin(), chunks_.end(),
                                   [&](const auto& c) { return c->back().first < path; });
    return static_cast<std::size_t>(it - chunks_.begin());
}

FileMap::const_iterator FileMap::lower_bound(std::string_view path) const {
    std::size_t c = chunk_for(path);
    if (c == chunks_.size()) return end();
    const Chunk& chunk = *chunks_[c];
    auto it = std::lower_bound(chunk.begin(), chunk.end(), path, path_less);
    return {&chunks_, c, static_cast<std::size_t>(it - chunk.begin())};
}

FileMap::const_iterator FileMap::find(std::string_view path) const {
    auto it = lower_bound(path);
    return it != end() && it->first == path ? it : end();
}

const std::shared_ptr<const FileEntry>& FileMap::at(std::string_view path) const {
    auto it = find(path);
    if (it == end()) throw std::out_of_range("FileMap::at: no file " + std::string(path));
    return it->second;
}

void FileMap::set(std::string_view path, std::shared_ptr<const FileEntry> entry) {
    if (entry && entry->path != path)
        throw std::invalid_argument("FileMap::set: the entry of " + entry->path + " given for " +
                                    std::string(path));
    std::size_t c = chunk_for(path);
    if (c == chunks_.size()) {
        if (!entry) return;
        if (chunks_.empty() || chunks_.back()->size() >= kChunkSize) {
            auto chunk = std::make_shared<Chunk>();
            chunk->push_back(keyed(std::move(entry)));
            chunks_.push_back(std::move(chunk));
        } else {
            auto chunk = std::make_shared<Chunk>(*chunks_.back());
            chunk->push_back(keyed(std::move(entry)));
            chunks_.back() = std::move(chunk);
        }
        ++size_;
        return;
    }
    const Chunk& old = *chunks_[c];
    auto pos = std::lower_bound(old.begin(), old.end(), path, path_less);
    const bool present = pos != old.end() && pos->first == path;
    if (!present && !entry) return;
    auto i = static_cast<std::size_t>(pos - old.begin());
    auto chunk = std::make_shared<Chunk>(old); // the others stay shared
    if (present && entry) {
        // A new key too: the old one views the path of the entry replaced, which may go.
        (*chunk)[i] = keyed(std::move(entry));
    } else if (present) {
        chunk->erase(chunk->begin() + static_cast<std::ptrdiff_t>(i));
        --size_;
    } else {
        chunk->insert(chunk->begin() + static_cast<std::ptrdiff_t>(i), keyed(std::move(entry)));
        ++size_;
    }
    if (chunk->empty()) {
        chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(c));
    } else if (chunk->size() >= 2 * kChunkSize) {
        auto half = static_cast<std::ptrdiff_t>(chunk->size() / 2);
        auto upper = std::make_shared<Chunk>(std::make_move_iterator(chunk->begin() + half),
                                             std::make_move_iterator(chunk->end()));
        chunk->erase(chunk->begin() + half, chunk->end());
        chunks_[c] = std::move(chunk);
        chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(c) + 1, std::move(upper));
    } else {
        chunks_[c] = std::move(chunk);
    }
}

namespace {

// Module directory -> position in Snapshot::modules (the load order once ordered).
using DirIndex = std::unordered_map<std::string_view, std::uint32_t>;

DirIndex index_dirs(const std::vector<ModuleInfo>& modules) {
    DirIndex out;
    out.reserve(modules.size());
    for (std::uint32_t i = 0; i < modules.size(); ++i)
        out.emplace(modules[i].dir, i); // the first module with a dir wins, as in module_by_dir
    return out;
}

} // namespace

// The files the merge reads (acl.xml, and the integration files), each kind in module load
// order; files of no module last; by path within a module. Kept with the snapshot so that
// an edit does not look at every file again; the entries are those of the snapshot's files.
struct MergeState {
    struct Modules {
        SharedVector<ModuleInfo> list; // keeps the views of `dirs` and `names` alive
        DirIndex dirs;
        DirIndex names; // name -> position, the first in load order wins
        // Modules app/etc/config.php disables (Snapshot::disabled_modules).
        std::set<std::string, std::less<>> disabled;
    };
    std::shared_ptr<const Modules> modules;
    std::vector<const FileEntry*> acl;
    std::vector<const FileEntry*> disabled_acl; // acl.xml of disabled modules: not merged
    std::vector<const FileEntry*> integrations;
    std::vector<const FileEntry*> webapi; // webapi.xml files, in load order

    bool indexes(const SharedVector<ModuleInfo>& list) const {
        return modules && modules->list.shares(list);
    }
    const ModuleInfo* module(std::string_view dir) const {
        auto it = modules->dirs.find(dir);
        return it == modules->dirs.end() ? nullptr : &modules->list[it->second];
    }
    const ModuleInfo* module_named(std::string_view name) const {
        auto it = modules->names.find(name);
        return it == modules->names.end() ? nullptr : &modules->list[it->second];
    }
    // Whether Magento reads the file: not when its module is disabled (Module\Dir\Reader::
    // getFiles goes through ModuleList::getNames, the enabled modules only).
    bool reads(const FileEntry& f) const {
        if (modules->disabled.empty()) return true;
        const ModuleInfo* m = module(f.module_dir);
        return !m || !modules->disabled.count(m->name);
    }
    std::uint32_t rank(const FileEntry& f) const {
        const ModuleInfo* m = module(f.module_dir);
        return m ? m->load_order : 0xffffffffu;
    }
    // Where `f` goes in `list` (ordered by rank, then path).
    std::size_t position(const std::vector<const FileEntry*>& list, const FileEntry& f) const {
        const auto key = std::make_pair(rank(f), std::string_view(f.path));
        auto it = std::partition_point(list.begin(), list.end(), [&](const FileEntry* g) {
            return std::make_pair(rank(*g), std::string_view(g->path)) < key;
        });
        return static_cast<std::size_t>(it - list.begin());
    }
};

// ---- Snapshot --------------------------------------------------------------------------

const FileEntry* Snapshot::file(std::string_view path) const {
    auto it = files.find(path);
    return it == files.end() ? nullptr : it->second.get();
}

const ModuleInfo* Snapshot::module_by_dir(std::string_view dir) const {
    if (merge_state && merge_state->indexes(modules)) return merge_state->module(dir);
    for (const auto& m : modules)
        if (m.dir == dir) return &m;
    return nullptr;
}

const ModuleInfo* Snapshot::module_by_name(std::string_view name) const {
    if (merge_state && merge_state->indexes(modules)) return merge_state->module_named(name);
    for (const auto& m : modules)
        if (m.name == name) return &m;
    return nullptr;
}

const ModuleInfo* Snapshot::module_of(std::string_view path) const {
    if (merge_state && merge_state->indexes(modules)) {
        // The longest module dir that prefixes the path: each parent folder, deepest first.
        for (auto slash = path.rfind('/'); slash != std::string_view::npos && slash > 0;
             slash = path.rfind('/', slash - 1))
            if (const ModuleInfo* m = merge_state->module(path.substr(0, slash))) return m;
        return nullptr;
    }
    const ModuleInfo* best = nullptr;
    for (const auto& m : modules) {
        if (m.dir.empty() || path.size() <= m.dir.size()) continue;
        if (path.substr(0, m.dir.size()) == m.dir && path[m.dir.size()] == '/' &&
            (!best || m.dir.size() > best->dir.size()))
            best = &m;
    }
    return best;
}

bool Snapshot::in_disabled_module(const FileEntry& f) const {
    if (disabled_modules.empty()) return false;
    const ModuleInfo* m = f.module_dir.empty() ? module_of(f.path) : module_by_dir(f.module_dir);
    return m && module_disabled(m->name);
}

const IntegrationDecl* Snapshot::integration(const IntegrationRef& ref) const {
    const FileEntry* f = file(ref.path);
    if (!f || ref.index >= f->facts.integrations.size()) return nullptr;
    return &f->facts.integrations[ref.index];
}

// ---- Building ----------------------------------------------------------------------------

namespace {

const std::string kEmpty;

// Whether `id` is named after `module` (Magento_Sales::sales_order and Magento_Sales).
bool owns_id(std::string_view module, std::string_view id) {
    return !module.empty() && id.size() > module.size() + 2 && id.starts_with(module) &&
           id.substr(module.size(), 2) == "::";
}

// Module load order: dependencies (module.xml <sequence>) first, otherwise by name.
void order_modules(std::vector<ModuleInfo>& modules) {
    std::map<std::string, std::size_t> index_by_name;
    for (std::size_t i = 0; i < modules.size(); ++i)
        if (!modules[i].name.empty()) index_by_name.emplace(modules[i].name, i);
    std::vector<std::vector<std::size_t>> dependents(modules.size());
    std::vector<std::size_t> pending(modules.size(), 0);
    for (std::size_t i = 0; i < modules.size(); ++i) {
        std::set<std::size_t> deps;
        for (const auto& s : modules[i].sequence) {
            auto it = index_by_name.find(s);
            if (it != index_by_name.end() && it->second != i) deps.insert(it->second);
        }
        pending[i] = deps.size();
        for (auto d : deps)
            dependents[d].push_back(i);
    }
    // By name, then folder (references: the heap compares often).
    auto key = [&](std::size_t i) { return std::tie(modules[i].name, modules[i].dir); };
    auto later = [&](std::size_t a, std::size_t b) { return key(a) > key(b); };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> ready(later);
    for (std::size_t i = 0; i < modules.size(); ++i)
        if (pending[i] == 0) ready.push(i);
    std::vector<std::size_t> order;
    std::vector<bool> placed(modules.size(), false);
    while (order.size() < modules.size()) {
        if (ready.empty()) {
            // A dependency cycle: place the first unplaced module by name and go on.
            std::size_t pick = modules.size();
            for (std::size_t i = 0; i < modules.size(); ++i)
                if (!placed[i] && (pick == modules.size() || key(i) < key(pick))) pick = i;
            pending[pick] = 0;
            ready.push(pick);
        }
        auto i = ready.top();
        ready.pop();
        if (placed[i]) continue;
        placed[i] = true;
        order.push_back(i);
        for (auto d : dependents[i])
            if (pending[d] > 0 && --pending[d] == 0) ready.push(d);
    }
    std::vector<ModuleInfo> sorted;
    sorted.reserve(modules.size());
    for (auto i : order)
        sorted.push_back(std::move(modules[i]));
    for (std::size_t i = 0; i < sorted.size(); ++i)
        sorted[i].load_order = static_cast<std::uint32_t>(i);
    modules = std::move(sorted);
}

struct AclBuild {
    AclTree tree;
    std::vector<std::optional<bool>> disabled;
    std::vector<Location> disabled_at;

    std::uint32_t node_for(const std::string& id, const std::string& parent_id) {
        auto it = tree.by_id.find(id);
        if (it != tree.by_id.end()) return it->second;
        auto n = static_cast<std::uint32_t>(tree.nodes.size());
        AclNode node;
        node.id = id;
        if (!parent_id.empty()) {
            auto p = tree.by_id.find(parent_id);
            if (p != tree.by_id.end()) node.parent = p->second;
        }
        tree.nodes.push_back(std::move(node));
        disabled.emplace_back();
        disabled_at.emplace_back();
        tree.by_id.emplace(id, n);
        return n;
    }

    // Drop disabled subtrees, link children, sort siblings.
    void finish() {
        const auto count = tree.nodes.size();
        std::vector<bool> removed(count, false);
        // Parents are always created before their children, so one forward pass suffices.
        for (std::size_t i = 0; i < count; ++i) {
            auto p = tree.nodes[i].parent;
            if ((disabled[i] && *disabled[i]) || (p != kNoAcl && removed[p])) {
                removed[i] = true;
                Location where = disabled[i] && *disabled[i] ? disabled_at[i] : Location{};
                if (where.path.empty() && p != kNoAcl) {
                    auto it = tree.disabled.find(tree.nodes[p].id);
                    if (it != tree.disabled.end()) where = it->second;
                }
                tree.disabled.emplace(tree.nodes[i].id, where);
            }
        }
        const bool any_removed = std::find(removed.begin(), removed.end(), true) != removed.end();
        if (any_removed) {
            std::vector<std::uint32_t> remap(count, kNoAcl);
            std::vector<AclNode> kept;
            kept.reserve(count);
            for (std::size_t i = 0; i < count; ++i) {
                if (removed[i]) continue;
                remap[i] = static_cast<std::uint32_t>(kept.size());
                kept.push_back(std::move(tree.nodes[i]));
            }
            tree.nodes = std::move(kept);
            tree.by_id.clear();
            for (std::uint32_t i = 0; i < tree.nodes.size(); ++i) {
                auto& node = tree.nodes[i];
                node.parent = node.parent == kNoAcl ? kNoAcl : remap[node.parent];
                tree.by_id.emplace(node.id, i);
            }
        }
        // Without removals, by_id already maps every id to its node.
        tree.roots.clear();
        for (std::uint32_t i = 0; i < tree.nodes.size(); ++i) {
            auto& node = tree.nodes[i];
            if (node.parent == kNoAcl)
                tree.roots.push_back(i);
            else
                tree.nodes[node.parent].children.push_back(i);
        }
        auto by_sort = [&](std::uint32_t a, std::uint32_t b) {
            return tree.nodes[a].sort_order < tree.nodes[b].sort_order;
        };
        for (auto& node : tree.nodes)
            std::stable_sort(node.children.begin(), node.children.end(), by_sort);
        std::stable_sort(tree.roots.begin(), tree.roots.end(), by_sort);
    }
};

bool is_integration_kind(FileKind k) {
    return k == FileKind::Integration || k == FileKind::IntegrationConfig ||
           k == FileKind::IntegrationApi;
}

// A module's name (module.xml, else registration.php) and <sequence>, from the files that
// `file` finds by path.
template <typename Lookup>
void name_module_from(Lookup&& file, ModuleInfo& m) {
    m.name.clear();
    m.sequence.clear();
    if (const FileEntry* mx = file(m.dir + "/etc/module.xml"); mx && mx->facts.module) {
        m.name = mx->facts.module->name.value;
        for (const auto& seq : mx->facts.module->sequence)
            m.sequence.push_back(seq.value);
    }
    if (m.name.empty())
        if (const FileEntry* r = file(m.dir + "/registration.php"); r && r->facts.registration)
            m.name = r->facts.registration->value;
}

void name_module(const Snapshot& s, ModuleInfo& m) {
    name_module_from([&](const std::string& path) { return s.file(path); }, m);
}

std::shared_ptr<MergeState> merge_state(const Snapshot& s) {
    auto st = std::make_shared<MergeState>();
    auto mods = std::make_shared<MergeState::Modules>();
    mods->list = s.modules;
    mods->dirs = index_dirs(mods->list);
    mods->names.reserve(mods->list.size());
    for (std::uint32_t i = 0; i < mods->list.size(); ++i)
        mods->names.emplace(mods->list[i].name, i);
    for (const auto& [name, at] : s.disabled_modules)
        mods->disabled.insert(name);
    st->modules = std::move(mods);
    std::vector<std::pair<std::uint32_t, const FileEntry*>> picked;
    for (const auto& [path, f] : s.files)
        if (f->kind == FileKind::Acl || f->kind == FileKind::Webapi || is_integration_kind(f->kind))
            picked.emplace_back(st->rank(*f), f.get());
    // Stable: the map gave them in path order.
    std::stable_sort(picked.begin(), picked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [rank, f] : picked)
        if (!st->reads(*f)) {
            if (f->kind == FileKind::Acl) st->disabled_acl.push_back(f);
        } else
            (f->kind == FileKind::Acl      ? st->acl
             : f->kind == FileKind::Webapi ? st->webapi
                                           : st->integrations)
                .push_back(f);
    return st;
}

// `list` with the file at `path` replaced by `entry` (removed when null or not of the kind).
void replace_in(const MergeState& st, std::vector<const FileEntry*>& list, std::string_view path,
                const FileEntry* entry) {
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const FileEntry* f) { return f->path == path; }),
               list.end());
    if (entry)
        list.insert(list.begin() + static_cast<std::ptrdiff_t>(st.position(list, *entry)), entry);
}

// The merged ACL tree (and has_core, uses_catalog) from the acl.xml files in load order.
void merge_acl(Snapshot& snap, const MergeState& st, const std::vector<CatalogEntry>* catalog) {
    const std::vector<const FileEntry*>& files = st.acl;
    AclBuild acl;
    // Magento's core is there when Magento_Backend's acl.xml is: the file that titles the
    // root. A module of another name that titles it too (a copied acl.xml, seen in the wild)
    // does not make a tree of third-party modules a core tree; a module without a name still
    // does, as it may well be Magento_Backend.
    const bool has_core_file = [&] {
        for (const FileEntry* f : files) {
            const ModuleInfo* mod = st.module(f->module_dir);
            if (mod && !mod->name.empty() && mod->name != "Magento_Backend") continue;
            for (const auto& d : f->facts.acl)
                if (d.id == "Magento_Backend::admin" && d.has_title) return true;
        }
        return false;
    }();
    snap.uses_catalog = false;
    if (!has_core_file && catalog && !catalog->empty()) {
        snap.uses_catalog = true;
        for (const auto& c : *catalog) {
            if (c.disabled) continue;                           // added to the disabled ids below
            if (st.modules->disabled.count(c.module)) continue; // below too
            auto n = acl.node_for(c.id, c.parent);
            auto& node = acl.tree.nodes[n];
            node.title = c.title;
            node.module = c.module;
            node.sort_order = c.sort_order;
            node.from_catalog = true;
        }
    }
    for (const FileEntry* f : files) {
        const ModuleInfo* mod = st.module(f->module_dir);
        const std::string& module_name = mod ? mod->name : kEmpty;
        for (const auto& d : f->facts.acl) {
            if (d.id.empty()) continue;
            auto n = acl.node_for(d.id, d.parent);
            auto& node = acl.tree.nodes[n];
            node.from_catalog = false;
            AclDeclaration decl;
            decl.location = {f->path, d.id_range};
            decl.module = module_name;
            decl.has_title = d.has_title;
            decl.title = d.title.value;
            decl.title_location = {f->path, d.title.range};
            if (d.has_title) {
                // The last title wins, as Magento merges it; the defining declaration stays
                // with the module the id is named after once that one has given a title
                // (Magento_Paypal redeclares Magento_Sales::sales_order with a title).
                node.title = d.title.value;
                if (!(owns_id(node.module, d.id) && !node.title_location.path.empty()) ||
                    owns_id(module_name, d.id)) {
                    node.title_location = decl.title_location;
                    node.module = module_name;
                }
            } else if (node.module.empty()) {
                node.module = module_name;
            }
            if (d.sort_order) node.sort_order = *d.sort_order;
            if (d.disabled) {
                acl.disabled[n] = d.disabled;
                acl.disabled_at[n] = decl.location;
            }
            node.declarations.push_back(std::move(decl));
        }
    }
    acl.finish();
    snap.acl = std::move(acl.tree);
    snap.has_core = has_core_file;
    // The catalogue's disabled ids (Magento_Config::advanced, ...): "disabled", not "unknown".
    if (snap.uses_catalog)
        for (const auto& c : *catalog)
            if (c.disabled && !snap.acl.find(c.id)) snap.acl.disabled.try_emplace(c.id);
    // Ids only modules disabled in app/etc/config.php declare: "disabled", not "unknown".
    auto add_module_disabled = [&](const std::string& id, const std::string& module, Location at) {
        if (id.empty() || snap.acl.find(id) || snap.acl.disabled.count(id)) return;
        snap.acl.disabled_by_module.try_emplace(id, AclTree::ModuleDisabled{module, std::move(at)});
    };
    for (const FileEntry* f : st.disabled_acl) {
        const ModuleInfo* mod = st.module(f->module_dir);
        for (const auto& d : f->facts.acl)
            add_module_disabled(d.id, mod ? mod->name : kEmpty, {f->path, d.id_range});
    }
    if (snap.uses_catalog)
        for (const auto& c : *catalog)
            if (!c.disabled && st.modules->disabled.count(c.module))
                add_module_disabled(c.id, c.module, {});
}

// Integrations by name, each name's declarations in load order.
void merge_integrations(Snapshot& snap, const MergeState& st) {
    snap.integrations.clear();
    for (const FileEntry* f : st.integrations) {
        const ModuleInfo* mod = st.module(f->module_dir);
        for (std::size_t i = 0; i < f->facts.integrations.size(); ++i) {
            const auto& integ = f->facts.integrations[i];
            if (integ.name.value.empty()) continue;
            snap.integrations[integ.name.value].push_back(
                {f->path, i, mod ? mod->name : std::string(), f->kind});
        }
    }
}

// The REST routes of the webapi.xml files in load order, over the bundled ones when the ACL
// catalogue stands in for the core (see routes.hpp).
void merge_routes(Snapshot& snap, const MergeState& st) {
    if (!route_index_enabled()) {
        snap.routes = build_route_index({}, nullptr, {});
        return;
    }
    snap.routes = build_route_index(st.webapi, snap.uses_catalog ? &bundled_routes() : nullptr,
                                    [&](const FileEntry& f) {
                                        const ModuleInfo* m = st.module(f.module_dir);
                                        return m ? m->name : std::string();
                                    });
}

// Whether replacing `path` by `entry` can change the modules: their set (a file of no known
// module adds an "open" one; removing a file may drop one) or a name or <sequence>. Names
// feed every declaration of the merge, and sequences the load order.
bool changes_modules(const Snapshot& base, std::string_view path, const FileEntry* old_entry,
                     const std::shared_ptr<const FileEntry>& entry) {
    if (entry && !entry->module_dir.empty() && !base.module_by_dir(entry->module_dir)) return true;
    if (old_entry && !old_entry->module_dir.empty()) {
        const ModuleInfo* m = base.module_by_dir(old_entry->module_dir);
        if (!m || (!entry && m->origin == "open")) return true;
    }
    // app/etc/config.php enables and disables modules.
    if ((entry && entry->kind == FileKind::DeploymentConfig) ||
        (old_entry && old_entry->kind == FileKind::DeploymentConfig))
        return true;
    const FileEntry* f = entry ? entry.get() : old_entry;
    if (!f || (f->kind != FileKind::ModuleXml && f->kind != FileKind::Registration)) return false;
    const ModuleInfo* m = base.module_by_dir(f->module_dir);
    if (!m) return !f->module_dir.empty();
    // The name and sequence the module would have with the new file.
    ModuleInfo after;
    after.dir = m->dir;
    name_module_from([&](const std::string& p) { return p == path ? entry.get() : base.file(p); },
                     after);
    return after.name != m->name || after.sequence != m->sequence;
}

} // namespace

std::shared_ptr<const Snapshot> build_snapshot(SnapshotInput input) {
    auto snap = std::make_shared<Snapshot>();
    snap->root = std::move(input.root);
    {
        // By path; of two entries with the same path, the later one.
        std::vector<FileMap::value_type> entries;
        entries.reserve(input.files.size());
        for (auto& f : input.files)
            if (f) entries.push_back(keyed(std::move(f)));
        // The indexer hands its files over in path order already: then checking is all.
        auto by_path = [](const auto& a, const auto& b) { return a.first < b.first; };
        if (!std::is_sorted(entries.begin(), entries.end(), by_path))
            std::stable_sort(entries.begin(), entries.end(), by_path);
        std::vector<FileMap::value_type> unique;
        unique.reserve(entries.size());
        for (auto& e : entries) {
            if (!unique.empty() && unique.back().first == e.first)
                unique.back() = std::move(e);
            else
                unique.push_back(std::move(e));
        }
        snap->files = FileMap::from_sorted(std::move(unique));
    }

    // Modules: the discovered ones, plus the folders of files that belong to none.
    // `known` views strings that stay put: the modules' (no reallocation: reserved) and the
    // file entries'.
    std::unordered_set<std::string_view> known;
    known.reserve(input.modules.size());
    std::vector<ModuleInfo>& modules = snap->modules.edit();
    modules.reserve(input.modules.size());
    for (auto& m : input.modules) {
        if (known.count(m.dir)) continue;
        modules.push_back(std::move(m));
        known.insert(modules.back().dir);
    }
    std::vector<std::string> extra;
    std::string_view last_dir; // files come by path, so a module's mostly one after another
    for (const auto& [path, f] : snap->files) {
        if (f->module_dir.empty() || f->module_dir == last_dir) continue;
        last_dir = f->module_dir;
        if (known.insert(f->module_dir).second) extra.push_back(f->module_dir);
    }
    for (auto& dir : extra) {
        ModuleInfo m;
        m.dir = std::move(dir);
        m.origin = "open";
        modules.push_back(std::move(m));
    }
    for (auto& m : modules)
        name_module(*snap, m);
    order_modules(modules);
    // app/etc/config.php: a module set to 0 is disabled (Framework\Module\ModuleList::has,
    // `!empty($this->configData[$name])`). One it does not list is disabled too until the
    // next setup:upgrade, which adds every module it does not list as enabled
    // (Magento\Setup\Model\Installer::createModulesConfig, outside the corpus): integrations
    // are made by setup:upgrade, so such a module counts as enabled here.
    if (!snap->root.empty())
        if (const FileEntry* config = snap->file(snap->root + "/app/etc/config.php");
            config && config->facts.module_switches) {
            snap->deployment_config = config->path;
            for (const auto& sw : *config->facts.module_switches)
                if (!sw.enabled)
                    snap->disabled_modules.try_emplace(sw.name.value,
                                                       Location{config->path, sw.name.range});
        }

    auto st = merge_state(*snap);
    merge_acl(*snap, *st, input.catalog);
    merge_integrations(*snap, *st);
    merge_routes(*snap, *st);
    snap->merge_state = std::move(st);
    return snap;
}

std::shared_ptr<const Snapshot> with_file(const Snapshot& base, std::string_view path,
                                          std::shared_ptr<const FileEntry> entry,
                                          const std::vector<CatalogEntry>* catalog) {
    const FileEntry* old_entry = base.file(path);
    if (changes_modules(base, path, old_entry, entry)) {
        // The modules change: merge everything again.
        SnapshotInput in;
        in.root = base.root;
        for (const auto& m : base.modules)
            if (m.origin != "open") in.modules.push_back({m.dir, {}, m.origin, {}, 0});
        in.files.reserve(base.files.size() + 1);
        for (const auto& [p, f] : base.files)
            if (p != path) in.files.push_back(f);
        if (entry) in.files.push_back(std::move(entry));
        in.catalog = catalog;
        return build_snapshot(std::move(in));
    }
    // The same modules: share every other file, merge again only what this file feeds.
    const bool acl =
        (entry && entry->kind == FileKind::Acl) || (old_entry && old_entry->kind == FileKind::Acl);
    const bool integrations = (entry && is_integration_kind(entry->kind)) ||
                              (old_entry && is_integration_kind(old_entry->kind));
    const bool webapi = (entry && entry->kind == FileKind::Webapi) ||
                        (old_entry && old_entry->kind == FileKind::Webapi);
    auto snap = std::make_shared<Snapshot>();
    snap->root = base.root;
    snap->deployment_config = base.deployment_config;
    snap->disabled_modules = base.disabled_modules;
    snap->files = base.files;
    const FileEntry* new_entry = entry.get();
    snap->files.set(path, std::move(entry));
    snap->modules = base.modules;
    std::shared_ptr<const MergeState> st = base.merge_state;
    if (!st || !st->indexes(base.modules)) {
        st = merge_state(*snap);
    } else if (acl || integrations || webapi) {
        auto next = std::make_shared<MergeState>(*st);
        const bool read = new_entry && next->reads(*new_entry);
        const bool is_acl = new_entry && new_entry->kind == FileKind::Acl;
        const bool is_integ = read && is_integration_kind(new_entry->kind);
        if (acl) {
            replace_in(*next, next->acl, path, is_acl && read ? new_entry : nullptr);
            replace_in(*next, next->disabled_acl, path, is_acl && !read ? new_entry : nullptr);
        }
        if (integrations)
            replace_in(*next, next->integrations, path, is_integ ? new_entry : nullptr);
        if (webapi)
            replace_in(*next, next->webapi, path,
                       read && new_entry->kind == FileKind::Webapi ? new_entry : nullptr);
        st = std::move(next);
    }
    if (acl) merge_acl(*snap, *st, catalog);
    if (integrations) merge_integrations(*snap, *st);
    if (!acl) {
        snap->acl = base.acl;
        snap->has_core = base.has_core;
        snap->uses_catalog = base.uses_catalog;
    }
    if (!integrations) snap->integrations = base.integrations;
    // The routes follow the webapi.xml files, and the ACL for whether the catalogue's count.
    if (webapi || (acl && snap->uses_catalog != base.uses_catalog) || !base.routes)
        merge_routes(*snap, *st);
    else
        snap->routes = base.routes;
    snap->merge_state = std::move(st);
    return snap;
}

const std::vector<CatalogEntry>& bundled_catalog() {
    static const std::vector<CatalogEntry> catalog = [] {
        std::vector<CatalogEntry> out;
        for (std::string_view line : embedded_lines("catalog/acl.tsv")) {
            std::vector<std::string_view> cols;
            while (true) {
                auto tab = line.find('\t');
                cols.push_back(line.substr(0, tab));
                if (tab == std::string_view::npos) break;
                line = line.substr(tab + 1);
            }
            if (cols.size() < 5) continue;
            CatalogEntry e{std::string(cols[0]), std::string(cols[1]), std::string(cols[2]),
                           std::string(cols[3]), 0};
            std::from_chars(cols[4].data(), cols[4].data() + cols[4].size(), e.sort_order);
            e.disabled = cols.size() > 5 && cols[5] == "disabled";
            out.push_back(std::move(e));
        }
        return out;
    }();
    return catalog;
}

const std::vector<std::string_view>& commerce_modules() {
    static const std::vector<std::string_view> modules = [] {
        std::vector<std::string_view> out = embedded_lines("catalog/commerce-modules.txt");
        std::sort(out.begin(), out.end());
        return out;
    }();
    return modules;
}

bool commerce_id_out_of_view(const Snapshot& s, std::string_view id) {
    if (s.has_core || !s.uses_catalog) return false;
    const std::string_view module = module_part(id);
    const auto& list = commerce_modules();
    return std::binary_search(list.begin(), list.end(), module) &&
           s.module_by_name(module) == nullptr;
}

} // namespace mil
