// etc/module.xml: the module's name and its load-order dependencies.
#include "mil/base/strings.hpp"
#include "participants.hpp"

#include "mil/ide/module_xml.hpp"

#include "mil/ide/acl_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>

namespace mil {

namespace {

constexpr std::string_view kIntegrationModule = "Magento_Integration";

// `rel` inside the module folder `dir` ("." for a module at the root of relative paths).
std::string in_module(std::string_view dir, std::string_view rel) {
    if (dir.empty() || dir == ".") return std::string(rel);
    return std::string(dir) + "/" + std::string(rel);
}

std::string_view vendor_of(std::string_view module) {
    auto pos = module.find('_');
    return pos == std::string_view::npos ? std::string_view{} : module.substr(0, pos);
}

std::string_view local_of(std::string_view module) {
    auto pos = module.find('_');
    return pos == std::string_view::npos ? module : module.substr(pos + 1);
}

// `path` relative to the module folder `dir` when inside it.
std::string relative_to(std::string_view dir, std::string_view path) {
    if (!dir.empty() && dir != "." && path.size() > dir.size() + 1 &&
        path.substr(0, dir.size()) == dir && path[dir.size()] == '/')
        return std::string(path.substr(dir.size() + 1));
    return std::string(path);
}

// A module of the tree that `name` is probably a misspelling of: the same name in another case,
// the same module part under another vendor, or at most two edits away. Empty when none.
std::string closest_module(const Snapshot& s, std::string_view name) {
    for (const auto& m : s.modules)
        if (!m.name.empty() && iequals(m.name, name)) return m.name;
    const ModuleInfo* best = nullptr;
    if (!local_of(name).empty() && local_of(name).size() != name.size())
        for (const auto& m : s.modules)
            if (!m.name.empty() && local_of(m.name) == local_of(name) &&
                (!best || m.name < best->name))
                best = &m;
    if (best) return best->name;
    constexpr std::size_t limit = 2;
    std::size_t best_d = limit + 1;
    for (const auto& m : s.modules) {
        if (m.name.empty()) continue;
        auto d = edit_distance(name, m.name, limit);
        if (d < best_d || (d == best_d && best && m.name < best->name)) {
            best = &m;
            best_d = d;
        }
    }
    return best && best_d <= limit ? best->name : std::string();
}

// `Vendor_Module` expected of a module folder `.../app/code/Vendor/Module`, else empty.
std::string folder_module_name(std::string_view dir) {
    constexpr std::string_view marker = "app/code/";
    std::size_t at = std::string_view::npos;
    for (auto pos = dir.rfind(marker); pos != std::string_view::npos;
         pos = pos == 0 ? std::string_view::npos : dir.rfind(marker, pos - 1))
        if (pos == 0 || dir[pos - 1] == '/') {
            at = pos;
            break;
        }
    if (at == std::string_view::npos) return {};
    std::string_view rest = dir.substr(at + marker.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size() ||
        rest.find('/', slash + 1) != std::string_view::npos)
        return {};
    return std::string(rest.substr(0, slash)) + "_" + std::string(rest.substr(slash + 1));
}

bool blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The indentation step of the file: the difference between a child's and its parent's line
// indentation, for the first pair found (children on their own lines), else four spaces.
std::string indent_unit(const XmlDocument& doc, std::string_view text) {
    for (const auto& e : doc.elements) {
        if (e.parent == kNoNode) continue;
        const XmlElement& p = doc.elements[e.parent];
        Offset es = line_start(text, e.range.begin), ps = line_start(text, p.range.begin);
        if (es == ps || !blank(text.substr(es, e.range.begin - es)) ||
            !blank(text.substr(ps, p.range.begin - ps)))
            continue;
        std::string ei = line_indent(text, e.range.begin), pi = line_indent(text, p.range.begin);
        if (ei.size() > pi.size() && ei.compare(0, pi.size(), pi) == 0) return ei.substr(pi.size());
    }
    return "    ";
}

// An edit that makes the text from `make_child(indent)` the last element child of element
// `index`, laid out like its siblings (or one step deeper than the element). `make_child`
// gets the indentation its element starts at, for the lines it spans. nullopt when the
// element is not complete enough to edit safely.
std::optional<TextEdit>
append_child(const XmlDocument& doc, std::string_view text, std::uint32_t index,
             const std::string& unit, const std::string& nl,
             const std::function<std::string(const std::string&)>& make_child) {
    const XmlElement& e = doc.elements[index];
    if (!e.closed || !e.start_tag_terminated) return std::nullopt;
    const std::string indent = line_indent(text, e.range.begin);
    const std::string inner = indent + unit;
    if (!e.children.empty()) {
        const XmlElement& last = doc.elements[e.children.back()];
        if (!last.closed) return std::nullopt;
        Offset ls = line_start(text, last.range.begin);
        if (blank(text.substr(ls, last.range.begin - ls))) {
            std::string own = line_indent(text, last.range.begin);
            return TextEdit{{last.range.end, last.range.end}, nl + own + make_child(own)};
        }
        return TextEdit{{last.range.end, last.range.end}, make_child(inner)};
    }
    if (e.self_closing) {
        Offset slash = e.start_tag.end >= 2 ? e.start_tag.end - 2 : 0;
        if (e.start_tag.end < 2 || text.substr(slash, 2) != "/>") return std::nullopt;
        Offset from = slash;
        while (from > e.name_range.end && (text[from - 1] == ' ' || text[from - 1] == '\t'))
            --from;
        return TextEdit{{from, e.start_tag.end},
                        ">" + nl + inner + make_child(inner) + nl + indent + "</" + e.name + ">"};
    }
    const Range content = e.content;
    if (blank(text.substr(content.begin, content.end - content.begin)))
        return TextEdit{content, nl + inner + make_child(inner) + nl + indent};
    // Content that is not elements (comments): add after it, before the end tag.
    Offset ls = line_start(text, content.end);
    if (ls > content.begin && blank(text.substr(ls, content.end - ls)))
        return TextEdit{{ls, ls}, inner + make_child(inner) + nl};
    return TextEdit{{content.end, content.end}, nl + inner + make_child(inner) + nl + indent};
}

class ModuleParticipant final : public Participant {
public:
    const char* name() const override { return "module"; }
    bool serves(FileKind kind) const override { return kind == FileKind::ModuleXml; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        if (auto plain = module_decl_plain(*entry.text))
            facts.module = std::move(*plain);
        else
            facts.module = module_decl_from_tree(*entry.text);
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        if (!q.file.facts.module) return;
        const ModuleDecl& m = *q.file.facts.module;
        check_name(q, m, out);
        check_sequence(q, m, out);
        check_integration_sequence(q, m, out);
    }

private:
    // module-name-mismatch: module.xml against registration.php and the app/code folder.
    static void check_name(const Query& q, const ModuleDecl& m, std::vector<Diagnostic>& out) {
        const std::string& name = m.name.value;
        if (name.empty()) return;
        const std::string reg_path = in_module(q.file.module_dir, "registration.php");
        const FileEntry* reg_file = q.snapshot.file(reg_path);
        const TextValue* reg = nullptr;
        if (reg_file && reg_file->facts.registration &&
            !reg_file->facts.registration->value.empty())
            reg = &*reg_file->facts.registration;
        const std::string folder = folder_module_name(q.file.module_dir);
        const bool reg_differs = reg && reg->value != name;
        const bool folder_differs = !folder.empty() && folder != name;
        if (!reg_differs && !folder_differs) return;

        Diagnostic d;
        d.range = m.name.range;
        d.severity = Severity::Error;
        d.code = "module-name-mismatch";
        // registration.php's string, when the text there is exactly the name (no escapes), can
        // be rewritten by a fix.
        const bool reg_editable =
            reg && reg->range.end <= reg_file->text->size() &&
            std::string_view(*reg_file->text)
                    .substr(reg->range.begin, reg->range.end - reg->range.begin) == reg->value;
        if (reg_differs) {
            d.message = fmt::format(
                "Module name '{}' in module.xml differs from '{}' registered in "
                "registration.php{}. Magento takes the name from module.xml, finds no module "
                "registered under it and fails with \"Module '{}' is not correctly "
                "registered.\"",
                name, reg->value, iequals(name, reg->value) ? " (names are case-sensitive)" : "",
                name);
            if (folder_differs) d.message += fmt::format(" Its folder also expects '{}'.", folder);
            d.related.push_back({{reg_path, reg->range}, "registered here"});
            Fix use_reg;
            use_reg.title = fmt::format("Use the registered name '{}' in module.xml", reg->value);
            use_reg.changes.push_back({q.file.path, {{m.name.range, reg->value}}});
            use_reg.preferred = folder.empty() || folder == reg->value;
            d.fixes.push_back(std::move(use_reg));
            if (reg_editable) {
                Fix use_xml;
                use_xml.title = fmt::format("Register '{}' in registration.php", name);
                use_xml.changes.push_back({reg_path, {{reg->range, name}}});
                use_xml.preferred = !folder.empty() && folder == name;
                d.fixes.push_back(std::move(use_xml));
            }
        } else {
            d.message = fmt::format(
                "Module name '{}' does not match its folder app/code/{}, which expects '{}'. "
                "Magento autoloads classes under app/code by namespace, so the classes it "
                "derives from the name '{}' (namespace {}) are looked for in app/code/{}/{}, "
                "not in this folder.",
                name, std::string(vendor_of(folder)) + "/" + std::string(local_of(folder)), folder,
                name, std::string(vendor_of(name)) + "\\" + std::string(local_of(name)),
                vendor_of(name), local_of(name));
            Fix rename;
            rename.title = fmt::format("Rename the module to '{}' after its folder", folder);
            rename.changes.push_back({q.file.path, {{m.name.range, folder}}});
            if (reg && reg_editable) rename.changes.push_back({reg_path, {{reg->range, folder}}});
            d.fixes.push_back(std::move(rename));
        }
        out.push_back(std::move(d));
    }

    // unknown-module: <sequence> names a module the tree does not have.
    static void check_sequence(const Query& q, const ModuleDecl& m, std::vector<Diagnostic>& out) {
        const Snapshot& s = q.snapshot;
        // Only a tree with Magento's core knows which modules exist.
        if (!s.has_core) return;
        for (const auto& dep : m.sequence) {
            if (dep.value.empty() || dep.value == m.name.value || s.module_by_name(dep.value) ||
                q.settings.known_modules.count(dep.value))
                continue;
            std::string suggestion = closest_module(s, dep.value);
            // Magento's own modules name Adobe Commerce modules (e.g. Magento_AdvancedCheckout)
            // that an Open Source tree does not have; without a likely misspelling, a missing
            // Magento_ module may be one of those.
            if (suggestion.empty() && vendor_of(dep.value) == "Magento") continue;
            Diagnostic d;
            d.range = dep.range;
            d.severity = Severity::Warning;
            d.code = "unknown-module";
            d.message = fmt::format(
                "Module '{}' in <sequence> is not in this tree: Magento skips names it does not "
                "know when it orders modules, so {} gets no load-order guarantee from it",
                dep.value, m.name.value.empty() ? "this module" : "'" + m.name.value + "'");
            if (!suggestion.empty()) {
                d.message += fmt::format(". Did you mean '{}'?", suggestion);
                Fix fix;
                fix.title = fmt::format("Replace with '{}'", suggestion);
                fix.preferred = true;
                fix.changes.push_back({q.file.path, {{dep.range, suggestion}}});
                d.fixes.push_back(std::move(fix));
                const ModuleInfo* target = s.module_by_name(suggestion);
                if (target) {
                    std::string xml = in_module(target->dir, "etc/module.xml");
                    if (const FileEntry* f = s.file(xml); f && f->facts.module)
                        d.related.push_back({{xml, f->facts.module->name.range}, "declared here"});
                }
            } else {
                d.message += "; install it, or check the name.";
            }
            out.push_back(std::move(d));
        }
    }

    // missing-integration-sequence: integration config without Magento_Integration first.
    static void check_integration_sequence(const Query& q, const ModuleDecl& m,
                                           std::vector<Diagnostic>& out) {
        if (m.name.value == kIntegrationModule) return;
        for (const auto& dep : m.sequence)
            if (dep.value == kIntegrationModule) return;
        const FileEntry* config = nullptr;
        for (const char* rel :
             {"etc/integration.xml", "etc/integration/config.xml", "etc/integration/api.xml"})
            if (const FileEntry* f = q.snapshot.file(in_module(q.file.module_dir, rel))) {
                config = f;
                break;
            }
        if (!config) return;
        const std::string module =
            m.name.value.empty() ? std::string("this module") : "'" + m.name.value + "'";
        Diagnostic d;
        d.range = m.name.value.empty() ? m.element_name_range : m.name.range;
        // Only advice: setup:upgrade installs every module's schema before any data setup
        // (Magento\Setup\Model\Installer, outside the corpus), and Magento_Integration's
        // Integration\Setup\Recurring::install reads the merged integration.xml of all
        // modules whatever their order. Magento's integration guide declares the dependency.
        d.severity = Severity::Info;
        d.code = "missing-integration-sequence";
        d.message = fmt::format(
            "Module {} ships integration config ({}) but its <sequence> does not list "
            "Magento_Integration. Nothing fails in Magento 2.4 (schemas are installed before "
            "data, and Magento_Integration's recurring setup reads every module's "
            "integration.xml), but Magento's integration guide declares the dependency.",
            module, relative_to(q.file.module_dir, config->path));
        Range at{0, 0};
        if (!config->facts.integrations.empty()) at = config->facts.integrations.front().name.range;
        d.related.push_back({{config->path, at}, "integration config"});
        if (auto edit = add_integration(*q.file.text)) {
            Fix fix;
            fix.title = "Add Magento_Integration to <sequence>";
            fix.preferred = true;
            fix.safe = true;
            fix.changes.push_back({q.file.path, {std::move(*edit)}});
            d.fixes.push_back(std::move(fix));
        }
        out.push_back(std::move(d));
    }

    // The edit that adds <module name="Magento_Integration"/> to the module's <sequence>,
    // creating the <sequence> (and opening a self-closing <module/>) when needed.
    static std::optional<TextEdit> add_integration(std::string_view text) {
        const XmlDocument doc = parse_xml(text);
        const XmlElement* root = doc.root_element();
        if (!root || root->name != "config") return std::nullopt;
        auto mods = doc.children(doc.root, "module");
        if (mods.empty()) return std::nullopt;
        const std::string unit = indent_unit(doc, text);
        const std::string nl = newline_of(text);
        const std::string entry = fmt::format("<module name=\"{}\"/>", kIntegrationModule);
        auto seqs = doc.children(mods.front(), "sequence");
        if (!seqs.empty())
            return append_child(doc, text, seqs.front(), unit, nl,
                                [&](const std::string&) { return entry; });
        return append_child(doc, text, mods.front(), unit, nl, [&](const std::string& indent) {
            return "<sequence>" + nl + indent + unit + entry + nl + indent + "</sequence>";
        });
    }
};

} // namespace

const Participant& module_participant() {
    static const ModuleParticipant p;
    return p;
}

std::optional<ModuleDecl> module_decl_from_tree(std::string_view text) {
    XmlDocument doc = parse_xml(text);
    const XmlElement* root = doc.root_element();
    if (!root || root->name != "config") return std::nullopt;
    auto mods = doc.children(doc.root, "module");
    if (mods.empty()) return std::nullopt;
    const XmlElement& m = doc.elements[mods.front()];
    ModuleDecl decl;
    decl.name = attr_value(m, "name");
    decl.element_name_range = m.name_range;
    decl.element_range = m.range;
    decl.self_closing = m.self_closing;
    if (const XmlAttribute* v = m.attribute("setup_version"))
        decl.setup_version = TextValue{v->value, v->value_range};
    for (auto seq : doc.children(mods.front(), "sequence")) {
        decl.has_sequence = true;
        decl.sequence_range = doc.elements[seq].range;
        for (auto dep : doc.children(seq, "module"))
            decl.sequence.push_back(attr_value(doc.elements[dep], "name"));
    }
    return decl;
}

std::optional<std::optional<ModuleDecl>> module_decl_plain(std::string_view text) {
    // Where the walk is: inside the first <module> of <config> (depth 1), inside one of its
    // <sequence> children (depth 2).
    enum class In { Other, Module, Sequence };
    In in = In::Other;
    bool root_is_config = false, module_seen = false;
    ModuleDecl decl;
    // A value read must be the value parse_xml decodes: without entities.
    auto value = [](const PlainAttribute* a, TextValue& out) {
        if (!a) return true; // absent: an empty TextValue, as attr_value gives
        if (a->value.find('&') != std::string_view::npos) return false;
        out = {std::string(a->value), a->value_range};
        return true;
    };
    auto on_start = [&](const PlainStartTag& tag) {
        const std::size_t depth = tag.open->size();
        if (depth == 0) {
            root_is_config = tag.name == "config";
            return true;
        }
        if (!root_is_config) return true;
        if (depth == 1 && tag.name == "module" && !module_seen) {
            module_seen = true;
            if (!value(tag.attribute("name"), decl.name)) return false;
            decl.element_name_range = tag.name_range;
            decl.self_closing = tag.self_closing;
            if (const PlainAttribute* v = tag.attribute("setup_version")) {
                decl.setup_version.emplace();
                if (!value(v, *decl.setup_version)) return false;
            }
            in = In::Module;
        } else if (depth == 2 && in == In::Module && tag.name == "sequence") {
            decl.has_sequence = true;
            in = In::Sequence;
        } else if (depth == 3 && in == In::Sequence && tag.name == "module") {
            decl.sequence.emplace_back();
            if (!value(tag.attribute("name"), decl.sequence.back())) return false;
        }
        return true;
    };
    auto on_end = [&](std::string_view name, std::size_t depth, Range element) {
        if (depth == 2 && in == In::Sequence && name == "sequence") {
            decl.sequence_range = element;
            in = In::Module;
        } else if (depth == 1 && in == In::Module && name == "module") {
            decl.element_range = element;
            in = In::Other;
        }
        return true;
    };
    if (!walk_plain(text, on_start, on_end)) return std::nullopt;
    if (!root_is_config || !module_seen) return std::optional<ModuleDecl>();
    return std::optional<ModuleDecl>(std::move(decl));
}

} // namespace mil
