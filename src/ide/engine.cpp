#include "mil/ide/engine.hpp"
#include "mil/ide/entry.hpp"

#include "mil/ide/acl_docs.hpp"
#include "mil/ide/participant.hpp"
#include "mil/ide/routes_features.hpp"

#include <algorithm>

namespace mil {

bool apply_severity(const Settings& settings, Diagnostic& d) {
    auto it = settings.severity.find(d.code);
    if (it == settings.severity.end()) return true;
    if (!it->second) return false;
    d.severity = *it->second;
    return true;
}

Engine::Engine(std::shared_ptr<const Snapshot> snapshot) {
    set_base(snapshot ? std::move(snapshot) : build_snapshot({}));
}

void Engine::set_base(std::shared_ptr<const Snapshot> base) {
    base_ = std::move(base);
    rebuild();
}

void Engine::update_base(
    const std::vector<std::pair<std::string, std::shared_ptr<const FileEntry>>>& files) {
    if (files.empty()) return;
    std::shared_ptr<const Snapshot> next = base_;
    for (const auto& [path, entry] : files)
        next = with_file(*next, path, entry, &bundled_catalog());
    set_base(std::move(next));
}

void Engine::rebuild() {
    if (drafts_.empty()) {
        current_ = base_;
        return;
    }
    SnapshotInput in;
    in.root = base_->root;
    for (const auto& m : base_->modules)
        if (m.origin != "open") in.modules.push_back({m.dir, {}, m.origin, {}, 0});
    for (const auto& [path, f] : base_->files)
        if (!drafts_.contains(path)) in.files.push_back(f);
    for (const auto& [path, d] : drafts_)
        in.files.push_back(d.entry);
    in.catalog = &bundled_catalog();
    current_ = build_snapshot(std::move(in));
}

void Engine::open(const std::string& path, std::string text, std::int64_t version) {
    auto entry = make_entry(path, std::move(text));
    drafts_.put(path, entry, version);
    current_ = with_file(*current_, path, entry, &bundled_catalog());
}

void Engine::open_oversized(const std::string& path, Oversize size, std::int64_t version) {
    auto entry = make_oversized_entry(path, size);
    drafts_.put(path, entry, version);
    current_ = with_file(*current_, path, entry, &bundled_catalog());
}

void Engine::change(const std::string& path, std::string text) {
    const Draft* d = drafts_.find(path);
    open(path, std::move(text), d ? d->version : 0);
}

DraftEditResult Engine::edit(const std::string& path, const std::vector<DraftChange>& changes,
                             Encoding enc, std::optional<std::int64_t> version,
                             std::size_t max_bytes) {
    DraftEditResult out;
    Draft* d = drafts_.find(path);
    if (!d) return out;
    out.open = true;
    const bool was_stale = d->stale;
    std::optional<std::string> text =
        apply_draft_changes(*d, changes, enc, version, &out.stale_reason);
    out.became_stale = d->stale && !was_stale;
    const std::int64_t v = d->version;
    if (!text) return out; // (a whole text brings a stale draft back in step: not stale here)
    if (text->size() > max_bytes) {
        out.oversize = Oversize{text->size(), max_bytes};
        open_oversized(path, *out.oversize, v);
    } else {
        open(path, std::move(*text), v);
    }
    return out;
}

void Engine::close(const std::string& path) {
    if (!drafts_.erase(path)) return;
    auto it = base_->files.find(path);
    current_ = with_file(*current_, path, it == base_->files.end() ? nullptr : it->second,
                         &bundled_catalog());
}

bool Engine::is_open(const std::string& path) const {
    return drafts_.contains(path);
}

const FileEntry* Engine::entry(const std::string& path) const {
    return current_->file(path);
}

namespace {

template <typename F>
void each_participant(const FileEntry& f, F&& fn, const CancelToken& cancel = {}) {
    for (const Participant* p : participants()) {
        if (!p->serves(f.kind)) continue;
        cancel.throw_if_cancelled();
        try {
            fn(*p);
        } catch (const Cancelled&) {
            throw; // the request is no longer wanted: no participant failed
        } catch (...) {
            // One participant failing never takes the others (or the server) down.
            report_participant_failure(*p, f.path);
        }
    }
}

bool overlaps(Range a, Range b) {
    return a.begin <= b.end && b.begin <= a.end;
}

} // namespace

std::vector<Diagnostic> Engine::diagnose(const std::string& path, const CancelToken& cancel) const {
    return diagnose_in(path, std::nullopt, cancel);
}

std::vector<Diagnostic> Engine::diagnose_in(const std::string& path, std::optional<Range> fixes_in,
                                            const CancelToken& cancel) const {
    std::vector<Diagnostic> out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    Query q{*current_, settings_for(f->path), *f, 0, fixes_in, cancel};
    if (f->oversize)
        out.push_back(file_too_large(*f->oversize)); // nothing else: the file was not read
    else
        each_participant(
            *f, [&](const Participant& p) { p.diagnose(q, out); }, cancel);
    // A module app/etc/config.php disables: Magento reads none of its configuration, so only
    // what is wrong with the file itself is reported (see the disabled-module rule).
    if (current_->in_disabled_module(*f))
        out.erase(std::remove_if(out.begin(), out.end(),
                                 [](const Diagnostic& d) {
                                     return d.code != "xml-syntax" && d.code != "schema" &&
                                            d.code != "disabled-module" &&
                                            d.code != "file-too-large";
                                 }),
                  out.end());
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](Diagnostic& d) { return !apply_severity(q.settings, d); }),
              out.end());
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
        if (a.range.end != b.range.end) return a.range.end < b.range.end;
        return a.code < b.code;
    });
    return out;
}

bool cap_diagnostics(std::vector<Diagnostic>& diagnostics, std::size_t max) {
    if (diagnostics.size() <= max) return false;
    const std::size_t more = diagnostics.size() - max;
    diagnostics.resize(max);
    Diagnostic d;
    d.range = max ? diagnostics.back().range : Range{};
    d.severity = Severity::Info;
    d.code = "too-many-diagnostics";
    d.message = "This file has " + std::to_string(more) + " more diagnostic" +
                (more == 1 ? "" : "s") + " after these " + std::to_string(max) +
                ", not shown (run `magento-integration-ls check` to list every one).";
    diagnostics.push_back(std::move(d));
    return true;
}

std::vector<TextEdit> CompletionResult::additional_edits(const CompletionItem& item) const {
    std::vector<TextEdit> edits = item.additional_edits;
    const CompletionShared* s = shared_of(item);
    if (!s) return edits;
    // The chain from this link up, joined from the top down.
    std::vector<const CompletionShared*> chain;
    chain.reserve(s->count);
    for (std::uint32_t i = item.shared;
         i != 0 && i <= shared.size() && chain.size() < shared.size(); i = shared[i - 1].up)
        chain.push_back(&shared[i - 1]);
    TextEdit& e = edits.emplace_back(TextEdit{{s->at, s->at}, {}});
    e.new_text.reserve(s->bytes);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        e.new_text += (*it)->text;
    return edits;
}

std::size_t CompletionResult::additional_bytes(const CompletionItem& item) const {
    std::size_t n = 0;
    for (const TextEdit& e : item.additional_edits)
        n += e.new_text.size();
    if (const CompletionShared* s = shared_of(item)) n += s->bytes;
    return n;
}

std::string CompletionResult::note(std::uint32_t link) const {
    if (link == 0 || link > shared.size()) return {};
    constexpr std::size_t kNames = 10;
    const std::uint32_t count = shared[link - 1].count;
    std::vector<std::string_view> names; // the nearest first
    for (std::uint32_t i = link; i != 0 && i <= shared.size() && names.size() < kNames;
         i = shared[i - 1].up)
        names.push_back(shared[i - 1].name);
    std::string out =
        count == 1 ? "\n\nAlso adds the missing parent: " : "\n\nAlso adds the missing parents: ";
    if (count > names.size()) {
        out += std::to_string(count - names.size());
        out += " more, then ";
    }
    for (std::size_t k = names.size(); k-- > 0;) {
        out += names[k];
        if (k) out += ", ";
    }
    return out;
}

std::string CompletionResult::documentation(const CompletionItem& item) const {
    return item.documentation + note(item.shared);
}

std::string CompletionResult::filter_text(const CompletionItem& item) const {
    if (item.filter_by_detail) return item.label + ' ' + item.detail;
    return item.filter_text.empty() ? item.label : item.filter_text;
}

CompletionResult Engine::complete(const std::string& path, Offset offset,
                                  const CancelToken& cancel) const {
    CompletionResult out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    Query q{*current_, settings_for(f->path), *f, offset, std::nullopt, cancel};
    each_participant(
        *f, [&](const Participant& p) { p.complete(q, out); }, cancel);
    return out;
}

std::string Engine::completion_documentation(DocumentationSource source,
                                             std::string_view label) const {
    switch (source) {
    case DocumentationSource::AclId:
        if (const AclNode* n = current_->acl.find(label))
            return acl_completion_documentation(current_->acl, *n);
        return {};
    case DocumentationSource::Text:
        break;
    }
    return {};
}

std::optional<HoverResult> Engine::hover(const std::string& path, Offset offset) const {
    std::optional<HoverResult> out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    Query q{*current_, settings_for(f->path), *f, offset};
    each_participant(*f, [&](const Participant& p) {
        if (!out) out = p.hover(q);
    });
    return out;
}

std::vector<Location> Engine::definition(const std::string& path, Offset offset) const {
    std::vector<Location> out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    Query q{*current_, settings_for(f->path), *f, offset};
    each_participant(*f, [&](const Participant& p) { p.definition(q, out); });
    return out;
}

std::vector<Location> Engine::references(const std::string& path, Offset offset,
                                         bool include_declaration) const {
    std::vector<Location> out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    Query q{*current_, settings_for(f->path), *f, offset};
    each_participant(*f, [&](const Participant& p) { p.references(q, include_declaration, out); });
    std::sort(out.begin(), out.end(), [](const Location& a, const Location& b) {
        return a.path != b.path ? a.path < b.path : a.range.begin < b.range.begin;
    });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<Range> Engine::highlights(const std::string& path, Offset offset) const {
    std::vector<Range> out;
    for (const auto& loc : references(path, offset, true))
        if (loc.path == path) out.push_back(loc.range);
    return out;
}

std::vector<CodeAction> Engine::actions(const std::string& path, Range range,
                                        const CancelToken& cancel) const {
    std::vector<CodeAction> out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    for (const auto& d : diagnose_in(path, range, cancel)) {
        if (!overlaps(d.range, range)) continue;
        for (const auto& fix : d.fixes) {
            CodeAction a;
            a.title = fix.title;
            a.kind = "quickfix";
            a.changes = fix.changes;
            a.diagnostic_codes.push_back(d.code);
            a.preferred = fix.preferred;
            out.push_back(std::move(a));
        }
    }
    Query q{*current_, settings_for(f->path), *f, range.begin, std::nullopt, cancel};
    each_participant(
        *f, [&](const Participant& p) { p.actions(q, range, out); }, cancel);
    return out;
}

std::vector<SymbolInfo> Engine::document_symbols(const std::string& path) const {
    std::vector<SymbolInfo> out;
    const FileEntry* f = entry(path);
    if (!f) return out;
    Query q{*current_, settings_for(f->path), *f, 0};
    each_participant(*f, [&](const Participant& p) { p.symbols(q, out); });
    return out;
}

std::vector<CodeLens> Engine::code_lenses(const std::string& path) const {
    const FileEntry* f = entry(path);
    if (!f) return {};
    return route_lenses(*current_, *f);
}

std::vector<SymbolInfo> Engine::workspace_symbols(std::string_view query) const {
    std::vector<SymbolInfo> out;
    auto matches = [&](std::string_view s) {
        if (query.empty()) return true;
        // Case-insensitive subsequence match, as editors' fuzzy symbol search expects.
        std::size_t qi = 0;
        for (char c : s) {
            if (qi < query.size() && std::tolower(static_cast<unsigned char>(c)) ==
                                         std::tolower(static_cast<unsigned char>(query[qi])))
                ++qi;
        }
        return qi == query.size();
    };
    const Snapshot& s = *current_;
    for (const auto& node : s.acl.nodes) {
        if (!matches(node.id) && !matches(node.title)) continue;
        if (node.declarations.empty()) continue;
        const AclDeclaration* def = &node.declarations.front();
        for (const auto& d : node.declarations)
            if (d.has_title) def = &d;
        out.push_back({node.id, node.title, 20 /* Key */, def->location, def->location.range, {}});
    }
    for (const auto& [name, refs] : s.integrations) {
        if (!matches(name)) continue;
        for (const auto& r : refs)
            if (const IntegrationDecl* d = s.integration(r))
                out.push_back({name,
                               std::string("integration in ") + r.module,
                               5 /* Class */,
                               {r.path, d->name.range},
                               d->name.range,
                               {}});
    }
    for (const auto& m : s.modules) {
        if (m.name.empty() || !matches(m.name)) continue;
        const FileEntry* mx = s.file(m.dir + "/etc/module.xml");
        if (!mx || !mx->facts.module) continue;
        out.push_back({m.name,
                       m.dir,
                       2 /* Module */,
                       {mx->path, mx->facts.module->name.range},
                       mx->facts.module->name.range,
                       {}});
    }
    return out;
}

} // namespace mil
