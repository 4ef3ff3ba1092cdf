// Rename of an ACL id across every file that declares or names it.
#include "mil/ide/acl_support.hpp"
#include "mil/ide/engine.hpp"
#include "mil/model/schema.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mil {

namespace {

// The ACL id written at `offset` of `f`: an acl.xml declaration, an integration resource, or
// any other reference (webapi, menu, system, UI component, PHP).
const std::string* acl_id_at(const FileEntry& f, Offset offset) {
    for (const auto& d : f.facts.acl)
        if (!d.id.empty() && d.id_range.touches(offset)) return &d.id;
    for (const auto& integ : f.facts.integrations)
        for (const auto& r : integ.resources)
            if (!r.id.empty() && r.range.touches(offset)) return &r.id;
    for (const auto& r : f.facts.acl_refs)
        if (!r.id.empty() && r.range.touches(offset)) return &r.id;
    return nullptr;
}

bool under_vendor(std::string_view path) {
    return path.rfind("vendor/", 0) == 0 || path.find("/vendor/") != std::string_view::npos;
}

bool in_catalog(std::string_view id) {
    for (const auto& e : bundled_catalog())
        if (e.id == id) return true;
    return false;
}

// Why `id` may not be renamed, or empty when it may.
std::string refusal(const Snapshot& s, const std::string& id) {
    for (const auto& [path, f] : s.files) {
        for (const auto& d : f->facts.acl) {
            if (d.id != id) continue;
            const ModuleInfo* m = s.module_by_dir(f->module_dir);
            std::string module = m ? m->name : std::string();
            if (module.rfind("Magento_", 0) == 0)
                return fmt::format("'{}' is declared by the Magento core module {} ({}); it cannot "
                                   "be renamed, only used.",
                                   id, module, display_path(s, path));
            if (under_vendor(path))
                return fmt::format("'{}' is declared under vendor/ ({}); Composer owns those "
                                   "files and would undo the rename.",
                                   id, display_path(s, path));
        }
    }
    if (in_catalog(id))
        return fmt::format("'{}' is a Magento core resource (bundled catalogue); it cannot be "
                           "renamed, only used.",
                           id);
    for (const auto& loc : acl_references(s, id, true))
        if (under_vendor(loc.path))
            return fmt::format("'{}' is also used under vendor/ ({}); Composer owns those files "
                               "and would undo the rename.",
                               id, display_path(s, loc.path));
    return {};
}

} // namespace

RenameResult Engine::rename(const std::string& path, Offset offset,
                            const std::string& new_name) const {
    RenameResult r;
    const FileEntry* f = entry(path);
    const std::string* found = f ? acl_id_at(*f, offset) : nullptr;
    if (!found) {
        r.error = "Only ACL resource ids can be renamed, and the cursor is not on one.";
        return r;
    }
    const std::string id = *found;
    if (new_name == id) return r;
    if (!is_acl_id(new_name)) {
        r.error = fmt::format(
            "'{}' is not a valid ACL id: Magento expects Vendor_Module::resource (letters and "
            "digits, an underscore between vendor and module, then '::' and letters, digits or "
            "'_').",
            new_name);
        return r;
    }
    const Snapshot& s = *current_;
    r.error = refusal(s, id);
    if (!r.error.empty()) return r;
    auto locations = acl_references(s, id, true);
    std::sort(locations.begin(), locations.end(), [](const Location& a, const Location& b) {
        return a.path != b.path ? a.path < b.path : a.range.begin < b.range.begin;
    });
    locations.erase(std::unique(locations.begin(), locations.end()), locations.end());
    // Every place must hold the id as written: one built from an expression (a PHP constant
    // made of other constants) or spelled with entities cannot be replaced by a literal.
    for (const auto& loc : locations) {
        const FileEntry* at = s.file(loc.path);
        std::string_view text = at ? std::string_view(*at->text) : std::string_view();
        if (at && loc.range.begin <= loc.range.end && loc.range.end <= text.size() &&
            text.substr(loc.range.begin, loc.range.end - loc.range.begin) == id)
            continue;
        std::uint32_t line =
            at ? at->lines().to_line_col(text, loc.range.begin, Encoding::Utf8).line : 0;
        r.error = fmt::format("'{}' is not written literally in {} (line {}); change it there by "
                              "hand, then rename.",
                              id, display_path(s, loc.path), line + 1);
        return r;
    }
    for (const auto& loc : locations) {
        if (r.changes.empty() || r.changes.back().path != loc.path)
            r.changes.push_back({loc.path, {}});
        r.changes.back().edits.push_back({loc.range, new_name});
    }
    return r;
}

} // namespace mil
