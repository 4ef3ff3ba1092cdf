#include "mil/model/model.hpp"

#include "mil/base/strings.hpp"
#include "mil/syntax/jsonlite.hpp"

#include <algorithm>

namespace mil {

const char* file_kind_name(FileKind k) {
    switch (k) {
    case FileKind::Integration:
        return "integration.xml";
    case FileKind::IntegrationConfig:
        return "integration/config.xml";
    case FileKind::IntegrationApi:
        return "integration/api.xml";
    case FileKind::Acl:
        return "acl.xml";
    case FileKind::ModuleXml:
        return "module.xml";
    case FileKind::Registration:
        return "registration.php";
    case FileKind::Composer:
        return "composer.json";
    case FileKind::Webapi:
        return "webapi.xml";
    case FileKind::Menu:
        return "menu.xml";
    case FileKind::System:
        return "system.xml";
    case FileKind::UiComponent:
        return "ui_component";
    case FileKind::SetupPhp:
        return "setup php";
    case FileKind::Php:
        return "php";
    case FileKind::DeploymentConfig:
        return "app/etc/config.php";
    case FileKind::Unknown:
        break;
    }
    return "unknown";
}

namespace {

bool ends_with_segment(std::string_view path, std::string_view tail) {
    // `tail` starts with '/'; a relative path like "etc/acl.xml" matches "/etc/acl.xml" too.
    if (path.size() >= tail.size() && path.substr(path.size() - tail.size()) == tail) return true;
    return path.size() + 1 == tail.size() && tail.substr(1) == path;
}

std::string_view file_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dir_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Folder before the last occurrence of "/<segment>/" (or of "<segment>/" at the start).
// Slash to slash from the end: the first "/<segment>/" met is the last in the path.
std::string before_segment(std::string_view path, std::string_view segment) {
    const std::size_t n = segment.size();
    for (std::size_t end = path.rfind('/'); end != std::string_view::npos && end > n;
         end = path.rfind('/', end - 1)) {
        if (path[end - n - 1] == '/' && path.substr(end - n, n) == segment)
            return std::string(path.substr(0, end - n - 1));
    }
    if (path.size() > n && path[n] == '/' && path.substr(0, n) == segment) return ".";
    return {};
}

} // namespace

FileKind classify_path(std::string_view path) {
    if (ends_with_segment(path, "/etc/integration.xml")) return FileKind::Integration;
    if (ends_with_segment(path, "/etc/integration/config.xml")) return FileKind::IntegrationConfig;
    if (ends_with_segment(path, "/etc/integration/api.xml")) return FileKind::IntegrationApi;
    if (ends_with_segment(path, "/etc/acl.xml")) return FileKind::Acl;
    if (ends_with_segment(path, "/etc/module.xml")) return FileKind::ModuleXml;
    if (ends_with_segment(path, "/etc/webapi.xml")) return FileKind::Webapi;
    if (ends_with_segment(path, "/etc/adminhtml/menu.xml")) return FileKind::Menu;
    if (ends_with_segment(path, "/etc/adminhtml/system.xml")) return FileKind::System;
    if (ends_with_segment(path, "/app/etc/config.php")) return FileKind::DeploymentConfig;
    auto name = file_name(path);
    if (name == "registration.php") return FileKind::Registration;
    if (name == "composer.json") return FileKind::Composer;
    if (ends_with(name, ".xml") &&
        path.find("/view/adminhtml/ui_component/") != std::string_view::npos)
        return FileKind::UiComponent;
    if (ends_with(name, ".php")) {
        if (path.find("/Setup/") != std::string_view::npos || path.substr(0, 6) == "Setup/")
            return FileKind::SetupPhp;
        return FileKind::Php;
    }
    return FileKind::Unknown;
}

std::string module_dir_of(std::string_view path, FileKind kind) {
    switch (kind) {
    case FileKind::Integration:
    case FileKind::IntegrationConfig:
    case FileKind::IntegrationApi:
    case FileKind::Acl:
    case FileKind::ModuleXml:
    case FileKind::Webapi:
    case FileKind::Menu:
    case FileKind::System:
        return before_segment(path, "etc");
    case FileKind::Registration:
    case FileKind::Composer: {
        auto d = dir_name(path);
        return d.empty() ? std::string(".") : std::string(d);
    }
    case FileKind::UiComponent:
        return before_segment(path, "view");
    case FileKind::SetupPhp:
        return before_segment(path, "Setup");
    case FileKind::Php:
    case FileKind::DeploymentConfig:
    case FileKind::Unknown:
        break;
    }
    return {};
}

std::vector<std::pair<std::string, std::string>> composer_psr4(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    const JsonDocument doc = parse_json(text);
    const JsonValue* root = doc.root();
    if (!root || root->type != JsonType::Object) return out;
    const JsonValue* psr4 = doc.find({"autoload", "psr-4"});
    if (!psr4 || psr4->type != JsonType::Object) return out;
    for (const JsonMember& m : psr4->members) {
        const JsonValue* v = doc.get(m.value);
        if (v && v->type == JsonType::String) out.emplace_back(m.key, v->string);
        // A list of folders: the first one.
        if (v && v->type == JsonType::Array && !v->items.empty())
            if (const JsonValue* first = doc.get(v->items.front());
                first && first->type == JsonType::String)
                out.emplace_back(m.key, first->string);
    }
    return out;
}

std::vector<std::string>
constant_class_files(const std::string& module_dir,
                     const std::vector<std::shared_ptr<const FileEntry>>& entries) {
    // Namespace prefix -> folder inside the module ("" or ending with '/').
    std::vector<std::pair<std::string, std::string>> roots;
    auto add_root = [&](std::string prefix, std::string folder) {
        if (prefix.empty() || prefix.back() != '\\') return;
        while (folder.substr(0, 2) == "./")
            folder.erase(0, 2);
        if (folder == ".") folder.clear();
        if (folder.find("..") != std::string::npos || (!folder.empty() && folder.front() == '/'))
            return;
        if (!folder.empty() && folder.back() != '/') folder += '/';
        roots.emplace_back(std::move(prefix), std::move(folder));
    };
    // A name that is `Class::NAME` of another class, which the file alone could not resolve.
    auto other_class_constant = [](const SetupCallName& n) {
        return !n.resolved && !n.constant_class.empty();
    };
    // Setup scripts that name one (rare): only then the roots.
    std::vector<const FileEntry*> setups;
    for (const auto& e : entries) {
        if (!e || e->kind != FileKind::SetupPhp) continue;
        for (const SetupCall& call : e->facts.setup_calls)
            if (std::any_of(call.names.begin(), call.names.end(), other_class_constant)) {
                setups.push_back(e.get());
                break;
            }
    }
    if (setups.empty()) return {};
    for (const auto& e : entries) {
        if (!e) continue;
        std::string module;
        if (e->facts.module) module = e->facts.module->name.value;
        if (module.empty() && e->facts.registration) module = e->facts.registration->value;
        if (auto us = module.find('_'); us != std::string::npos && us > 0)
            add_root(module.substr(0, us) + "\\" + module.substr(us + 1) + "\\", "");
        if (e->kind == FileKind::Composer && e->text)
            for (auto& [prefix, folder] : composer_psr4(*e->text))
                add_root(std::move(prefix), std::move(folder));
    }
    std::vector<std::string> out;
    for (const FileEntry* f : setups)
        for (const auto& call : f->facts.setup_calls)
            for (const auto& n : call.names) {
                if (!other_class_constant(n)) continue;
                for (const auto& [prefix, folder] : roots) {
                    if (n.constant_class.size() <= prefix.size() ||
                        n.constant_class.compare(0, prefix.size(), prefix) != 0)
                        continue;
                    std::string rel = folder + n.constant_class.substr(prefix.size()) + ".php";
                    for (char& c : rel)
                        if (c == '\\') c = '/';
                    std::string path =
                        module_dir.empty() || module_dir == "." ? rel : module_dir + "/" + rel;
                    bool known = std::any_of(entries.begin(), entries.end(),
                                             [&](const auto& e) { return e && e->path == path; });
                    if (!known && std::find(out.begin(), out.end(), path) == out.end())
                        out.push_back(std::move(path));
                }
            }
    return out;
}

std::optional<MisnamedSetupScript> misnamed_setup_script(std::string_view path) {
    static constexpr std::string_view kLegacy[] = {"InstallSchema", "UpgradeSchema",
                                                   "Recurring",     "InstallData",
                                                   "UpgradeData",   "RecurringData"};
    const std::string_view name = file_name(path);
    if (!ends_with(name, ".php")) return std::nullopt;
    const std::string_view stem = name.substr(0, name.size() - 4);
    const std::string_view dir = dir_name(path);
    const bool in_setup = file_name(dir) == "Setup";
    // Deeper in Setup/ (Setup/Patch/Data/...): a patch or a helper, run or called.
    if (!in_setup && (path.find("/Setup/") != std::string_view::npos || path.starts_with("Setup/")))
        return std::nullopt;
    // The legacy name it is closest to: the same, the same ignoring case, else within two
    // edits (of a name of at least eight letters, so that short helper names do not count).
    std::string_view best;
    std::size_t best_d = 3;
    for (std::string_view legacy : kLegacy) {
        const std::size_t d = legacy == stem ? 0 : edit_distance(legacy, stem, 2) + 1;
        if (d < best_d + 1 && (best.empty() || d < best_d)) {
            best = legacy;
            best_d = d;
        }
    }
    // best_d: 0 the very name, 1 another case, 2-3 one or two edits.
    if (best.empty() || (best_d > 1 && stem.size() < 8)) return std::nullopt;
    if (in_setup && best_d == 0) return std::nullopt; // Setup/InstallData.php: run
    return MisnamedSetupScript{std::string(best), !in_setup};
}

bool text_unused(const FileEntry& e) {
    if (e.kind != FileKind::SetupPhp && e.kind != FileKind::Php) return false;
    const FileFacts& f = e.facts;
    return f.acl.empty() && f.integrations.empty() && !f.module && !f.registration &&
           f.acl_refs.empty() && f.setup_calls.empty() && f.php_constants.empty() &&
           !e.open_in_editor && !e.oversize;
}

std::shared_ptr<const FileEntry> make_oversized_entry(std::string path, Oversize size) {
    auto entry = std::make_shared<FileEntry>();
    entry->kind = classify_path(path);
    entry->module_dir = module_dir_of(path, entry->kind);
    entry->path = std::move(path);
    entry->text = std::make_shared<const std::string>();
    entry->oversize = size;
    return entry;
}

namespace {

// 9437184 -> "9,437,184"
std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// 8388608 -> "8 MiB", 1500000 -> "1.4 MiB", 65536 -> "64 KiB"
std::string in_units(std::uint64_t n) {
    auto unit = [&](std::uint64_t size, const char* name) {
        std::uint64_t tenths = (n * 10 + size / 2) / size;
        std::string s = std::to_string(tenths / 10);
        if (tenths % 10) s += "." + std::to_string(tenths % 10);
        return s + " " + name;
    };
    if (n >= (std::uint64_t{1} << 20)) return unit(std::uint64_t{1} << 20, "MiB");
    if (n >= 1024) return unit(1024, "KiB");
    return std::to_string(n) + " bytes";
}

} // namespace

Diagnostic file_too_large(const Oversize& size) {
    Diagnostic d;
    d.range = Range{0, 0};
    d.severity = Severity::Warning;
    d.code = "file-too-large";
    d.message = "This file is " + grouped(size.bytes) + " bytes (" + in_units(size.bytes) +
                "), over the limit of " + grouped(size.limit) + " bytes (" + in_units(size.limit) +
                "): it was not read, so it is neither checked nor indexed. Raise the limit "
                "with --max-file-size BYTES (server and check).";
    return d;
}

} // namespace mil
