// composer.json of a module: the package name, its type, and the autoload entries that make
// Composer register the module (autoload.files: registration.php) and load its classes
// (autoload.psr-4: the module's namespace). Rule composer-module.
#include "mil/base/strings.hpp"
#include "participants.hpp"

#include "mil/ide/acl_support.hpp"
#include "mil/syntax/jsonlite.hpp"

#include <fmt/format.h>

#include <cctype>

namespace mil {

namespace {

constexpr std::string_view kCode = "composer-module";
constexpr std::string_view kModuleType = "magento2-module";
constexpr std::string_view kRegistration = "registration.php";

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One part of a Composer package name: [a-z0-9] runs joined by single separators (`_`, `.`,
// `-`; the package part also allows `--`), starting and ending with [a-z0-9].
bool valid_name_part(std::string_view s, bool package) {
    if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_lower_alnum(s[i])) continue;
        if (s[i] != '_' && s[i] != '.' && s[i] != '-') return false;
        if (!is_lower_alnum(s[i - 1])) {
            // `--` in the package part; nothing else may follow a separator.
            if (!(package && s[i] == '-' && s[i - 1] == '-' && i >= 2 && is_lower_alnum(s[i - 2])))
                return false;
        }
    }
    return true;
}

// Composer's package name rule: `vendor/package`, lowercase.
bool valid_package_name(std::string_view name) {
    auto slash = name.find('/');
    if (slash == std::string_view::npos) return false;
    return valid_name_part(name.substr(0, slash), false) &&
           valid_name_part(name.substr(slash + 1), true);
}

// `CatalogInventory` -> `catalog-inventory`.
std::string kebab(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isupper(c) && i > 0 && !std::isupper(static_cast<unsigned char>(s[i - 1])))
            out += '-';
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

// The package name Magento's convention gives a module: Vendor_CatalogInventory ->
// vendor/module-catalog-inventory. Empty when the module name is not Vendor_Module.
std::string conventional_package(std::string_view module) {
    auto us = module.find('_');
    if (us == std::string_view::npos || us == 0 || us + 1 == module.size()) return {};
    std::string name = fold_ascii(module.substr(0, us)) + "/module-" + kebab(module.substr(us + 1));
    return valid_package_name(name) ? name : std::string();
}

// `Vendor\Module\` for a module named Vendor_Module; empty when the name is not of that form.
std::string module_namespace(std::string_view module) {
    auto us = module.find('_');
    if (us == std::string_view::npos || us == 0 || us + 1 == module.size() ||
        module.find('_', us + 1) != std::string_view::npos)
        return {};
    return std::string(module.substr(0, us)) + "\\" + std::string(module.substr(us + 1)) + "\\";
}

// A namespace as written in JSON (each backslash doubled).
std::string json_namespace(std::string_view ns) {
    std::string out;
    for (char c : ns) {
        if (c == '\\') out += '\\';
        out += c;
    }
    return out;
}

bool blank_before(std::string_view text, Offset at) {
    Offset ls = line_start(text, at);
    return text.substr(ls, at - ls).find_first_not_of(" \t") == std::string_view::npos;
}

// An edit that adds `"key": value` to `obj` (after its last member, laid out like it), or
// nullopt when the object is not complete enough to edit.
std::optional<TextEdit> add_member(const JsonDocument& doc, std::string_view text,
                                   const JsonValue& obj, std::string_view key,
                                   std::string_view value) {
    if (obj.type != JsonType::Object || !obj.complete) return std::nullopt;
    const std::string member = fmt::format("\"{}\": {}", key, value);
    if (obj.members.empty()) {
        if (obj.range.end - obj.range.begin < 2) return std::nullopt;
        return TextEdit{{obj.range.begin + 1, obj.range.end - 1}, member};
    }
    const JsonMember& last = obj.members.back();
    const JsonValue* v = doc.get(last.value);
    if (v == nullptr || last.key_range.begin == 0) return std::nullopt;
    const Offset quote = last.key_range.begin - 1;
    if (blank_before(text, quote))
        return TextEdit{{v->range.end, v->range.end},
                        "," + newline_of(text) + line_indent(text, quote) + member};
    return TextEdit{{v->range.end, v->range.end}, ", " + member};
}

Range point(std::string_view text, Offset at) {
    if (at >= text.size())
        return {static_cast<Offset>(text.size()), static_cast<Offset>(text.size())};
    return {at, at + 1};
}

// The module a composer.json describes: the module whose folder holds it.
std::string module_name_of(const Query& q) {
    if (const ModuleInfo* m = q.snapshot.module_by_dir(q.file.module_dir)) return m->name;
    return {};
}

// A composer.json next to a module's registration.php or etc/module.xml (a project's or a
// library's composer.json is not judged, even when it is open in the editor).
bool is_module_package(const Query& q) {
    const std::string& dir = q.file.module_dir;
    const std::string prefix = dir.empty() || dir == "." ? std::string() : dir + "/";
    return q.snapshot.file(prefix + "registration.php") != nullptr ||
           q.snapshot.file(prefix + "etc/module.xml") != nullptr;
}

Diagnostic make(Range r, std::string message, Severity sev = Severity::Warning) {
    Diagnostic d;
    d.range = r;
    d.severity = sev;
    d.code = std::string(kCode);
    d.message = std::move(message);
    return d;
}

class ComposerParticipant final : public Participant {
public:
    const char* name() const override { return "composer"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Composer; }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        if (!is_module_package(q)) return;
        const std::string_view text = *q.file.text;
        const JsonDocument doc = parse_json(text);
        if (doc.error) {
            const JsonError& e = *doc.error;
            out.push_back(make(point(text, e.offset),
                               fmt::format("composer.json is not valid JSON: {}. Composer stops "
                                           "with \"does not contain valid JSON\" and cannot "
                                           "install or update the package.",
                                           e.message),
                               Severity::Error));
            return;
        }
        const JsonValue* root = doc.root();
        if (!root) return;
        if (root->type != JsonType::Object) {
            out.push_back(make(point(text, root->range.begin),
                               "composer.json must hold a JSON object: Composer cannot read a "
                               "package from it.",
                               Severity::Error));
            return;
        }
        const std::string module = module_name_of(q);
        check_name(q, doc, *root, module, out);
        check_type(q, doc, *root, out);
        check_files(q, doc, *root, out);
        check_psr4(q, doc, *root, module, out);
    }

    // Hover on the keys Magento cares about: what each one does for a module.
    std::optional<HoverResult> hover(const Query& q) const override {
        const JsonDocument doc = parse_json(*q.file.text);
        const JsonValue* root = doc.root();
        if (!root || root->type != JsonType::Object) return std::nullopt;
        const JsonValue* autoload = doc.member(*root, "autoload");
        const std::string ns = module_namespace(module_name_of(q));
        auto doc_of = [&](const JsonMember& m, bool in_autoload) -> std::string {
            if (!in_autoload && m.key == "name")
                return "**name**: the Composer package, lowercase `vendor/package`; Magento "
                       "modules are named like `vendor/module-name`. Magento maps other "
                       "packages' `require` on it to this module when it checks dependencies.";
            if (!in_autoload && m.key == "type")
                return "**type**: `magento2-module` for a module. Magento's package tools "
                       "(module:uninstall, upgrades) only treat packages of this type as "
                       "modules.";
            if (!in_autoload && m.key == "autoload")
                return "**autoload**: `files` must list `registration.php` (that is how a "
                       "module installed under vendor/ registers itself), and `psr-4` maps the "
                       "module's namespace to its folder.";
            if (in_autoload && m.key == "files")
                return "**autoload.files**: included by Composer's autoloader on every request. "
                       "`registration.php` here registers the module with Magento; without it "
                       "a module installed with Composer is never loaded.";
            if (in_autoload && m.key == "psr-4")
                return "**autoload.psr-4**: namespace prefix to folder." +
                       (ns.empty() ? std::string()
                                   : fmt::format(" This module's classes live under `{}`, mapped "
                                                 "to `"
                                                 "` (the module folder).",
                                                 ns));
            return {};
        };
        for (const JsonMember& m : root->members)
            if (m.key_range.touches(q.offset))
                if (auto md = doc_of(m, false); !md.empty()) return HoverResult{md, m.key_range};
        if (autoload && autoload->type == JsonType::Object)
            for (const JsonMember& m : autoload->members)
                if (m.key_range.touches(q.offset))
                    if (auto md = doc_of(m, true); !md.empty()) return HoverResult{md, m.key_range};
        return std::nullopt;
    }

private:
    static Range head(const JsonValue& root) { return {root.range.begin, root.range.begin + 1}; }

    static void check_name(const Query& q, const JsonDocument& doc, const JsonValue& root,
                           const std::string& module, std::vector<Diagnostic>& out) {
        const JsonMember* m = doc.find_member(root, "name");
        const JsonValue* v = m ? doc.get(m->value) : nullptr;
        if (!v) {
            out.push_back(make(head(root),
                               "composer.json has no \"name\": Composer cannot install or "
                               "require the module as a package, and Magento's module "
                               "dependency check cannot tell which package this module is."));
            return;
        }
        if (v->type != JsonType::String) {
            out.push_back(make(v->range, fmt::format("\"name\" is a {}, not a string: Composer "
                                                     "rejects the package.",
                                                     json_type_name(v->type))));
            return;
        }
        if (valid_package_name(v->string)) return;
        Diagnostic d = make(
            v->inner, fmt::format("Package name '{}' is not a lowercase 'vendor/package' name: "
                                  "Composer rejects it (composer validate fails, and the "
                                  "package cannot be published or required). Magento names "
                                  "module packages like 'vendor/module-name'.",
                                  v->string));
        std::string suggestion;
        if (valid_package_name(fold_ascii(v->string)))
            suggestion = fold_ascii(v->string);
        else if (!module.empty())
            suggestion = conventional_package(module);
        if (!suggestion.empty()) {
            Fix fix;
            fix.title = fmt::format("Use the package name '{}'", suggestion);
            fix.preferred = true;
            fix.changes.push_back({q.file.path, {{v->inner, suggestion}}});
            d.fixes.push_back(std::move(fix));
        }
        out.push_back(std::move(d));
    }

    static void check_type(const Query& q, const JsonDocument& doc, const JsonValue& root,
                           std::vector<Diagnostic>& out) {
        const JsonValue* v = doc.member(root, "type");
        if (v && v->type == JsonType::String && v->string == kModuleType) return;
        const std::string consequence =
            "Composer installs the package as a plain library, and Magento's package tools "
            "(bin/magento module:uninstall, the upgrade checks) only treat packages of type "
            "magento2-module as modules.";
        Fix fix;
        fix.title = "Set \"type\" to \"magento2-module\"";
        fix.preferred = true;
        fix.safe = true;
        Diagnostic d;
        if (!v) {
            d = make(head(root),
                     "composer.json has no \"type\" (Composer takes 'library'): " + consequence);
            auto at = doc.find_member(root, "name");
            const JsonValue* name = at ? doc.get(at->value) : nullptr;
            std::optional<TextEdit> edit;
            if (name && at->key_range.begin > 0 &&
                blank_before(*q.file.text, at->key_range.begin - 1))
                edit = TextEdit{{name->range.end, name->range.end},
                                "," + newline_of(*q.file.text) +
                                    line_indent(*q.file.text, at->key_range.begin - 1) +
                                    "\"type\": \"magento2-module\""};
            else
                edit = add_member(doc, *q.file.text, root, "type", "\"magento2-module\"");
            if (edit) fix.changes.push_back({q.file.path, {std::move(*edit)}});
        } else {
            const std::string shown =
                v->type == JsonType::String ? "'" + v->string + "'" : json_type_name(v->type);
            d = make(v->type == JsonType::String ? v->inner : v->range,
                     fmt::format("Package type {} is not magento2-module: {}", shown, consequence));
            fix.changes.push_back({q.file.path, {{v->range, "\"magento2-module\""}}});
        }
        if (!fix.changes.empty()) d.fixes.push_back(std::move(fix));
        out.push_back(std::move(d));
    }

    static void check_files(const Query& q, const JsonDocument& doc, const JsonValue& root,
                            std::vector<Diagnostic>& out) {
        const std::string_view text = *q.file.text;
        const JsonValue* autoload = doc.member(root, "autoload");
        const JsonMember* files_m = autoload ? doc.find_member(*autoload, "files") : nullptr;
        const JsonValue* files = files_m ? doc.get(files_m->value) : nullptr;
        if (files && files->type == JsonType::Array)
            for (auto i : files->items)
                if (const JsonValue* f = doc.get(i);
                    f && f->type == JsonType::String &&
                    (f->string == kRegistration || f->string == "./registration.php"))
                    return;
        const std::string consequence =
            "installed with Composer (under vendor/), nothing includes the module's "
            "registration.php, so Magento never registers the module: it is missing from "
            "bin/magento module:status and none of its configuration is loaded.";
        Diagnostic d;
        std::optional<TextEdit> edit;
        if (!autoload) {
            d = make(head(root), "composer.json has no \"autoload\" with \"files\": "
                                 "[\"registration.php\"]: " +
                                     consequence);
            edit = add_member(doc, text, root, "autoload", "{\"files\": [\"registration.php\"]}");
        } else if (!files) {
            d = make(doc.find_member(root, "autoload")->key_range,
                     "\"autoload\" has no \"files\": [\"registration.php\"]: " + consequence);
            edit = add_member(doc, text, *autoload, "files", "[\"registration.php\"]");
        } else if (files->type != JsonType::Array) {
            d = make(files->range,
                     "\"autoload.files\" is not a list with registration.php: " + consequence);
        } else {
            d = make(files->range,
                     "\"autoload.files\" does not list registration.php: " + consequence);
            if (files->items.empty()) {
                if (files->range.end - files->range.begin >= 2)
                    edit = TextEdit{{files->range.begin + 1, files->range.end - 1},
                                    "\"registration.php\""};
            } else if (const JsonValue* last = doc.get(files->items.back())) {
                edit = TextEdit{{last->range.end, last->range.end}, ", \"registration.php\""};
            }
        }
        if (edit) {
            Fix fix;
            fix.title = "Add registration.php to autoload.files";
            fix.preferred = true;
            fix.safe = true;
            fix.changes.push_back({q.file.path, {std::move(*edit)}});
            d.fixes.push_back(std::move(fix));
        }
        out.push_back(std::move(d));
    }

    static void check_psr4(const Query& q, const JsonDocument& doc, const JsonValue& root,
                           const std::string& module, std::vector<Diagnostic>& out) {
        const std::string ns = module_namespace(module);
        if (ns.empty()) return; // no Vendor_Module name to derive the namespace from
        const JsonValue* autoload = doc.member(root, "autoload");
        if (!autoload || autoload->type != JsonType::Object) return; // check_files reports it
        // Older packages autoload through psr-0 or a classmap: not judged here.
        if (doc.member(*autoload, "psr-0") || doc.member(*autoload, "classmap")) return;
        const JsonMember* psr4_m = doc.find_member(*autoload, "psr-4");
        const JsonValue* psr4 = psr4_m ? doc.get(psr4_m->value) : nullptr;
        const std::string shown_ns = ns;
        if (!psr4 || psr4->type != JsonType::Object) {
            Diagnostic d =
                make(psr4 ? psr4->range : doc.find_member(root, "autoload")->key_range,
                     fmt::format("\"autoload\" has no \"psr-4\" entry for the module's namespace "
                                 "'{}': installed with Composer, none of {}'s classes can be "
                                 "autoloaded and Magento fails with \"Class ... does not exist\".",
                                 shown_ns, module));
            if (!psr4) {
                if (auto edit = add_member(doc, *q.file.text, *autoload, "psr-4",
                                           fmt::format("{{\"{}\": \"\"}}", json_namespace(ns)))) {
                    Fix fix;
                    fix.title = fmt::format("Map '{}' to the module folder", shown_ns);
                    fix.preferred = true;
                    fix.changes.push_back({q.file.path, {std::move(*edit)}});
                    d.fixes.push_back(std::move(fix));
                }
            }
            out.push_back(std::move(d));
            return;
        }
        // Any prefix of the module's namespace maps it (`Vendor\` with a folder per module).
        const JsonMember* near = nullptr;
        std::string near_why;
        for (const JsonMember& m : psr4->members) {
            const std::string& key = m.key;
            if (!key.empty() && key.back() == '\\' && ns.compare(0, key.size(), key) == 0) return;
            if (key.empty()) return; // the fallback prefix maps every namespace
            if (!near && key + "\\" == ns) {
                near = &m;
                near_why = "no-separator";
            } else if (!near && fold_ascii(key) == fold_ascii(ns)) {
                near = &m;
                near_why = "case";
            }
        }
        if (near && near_why == "no-separator") {
            Diagnostic d = make(
                near->key_range,
                fmt::format("PSR-4 prefix '{}' does not end with '\\': Composer refuses it (\"A "
                            "non-empty PSR-4 prefix must end with a namespace separator\") and "
                            "does not autoload the module's classes.",
                            near->key));
            Fix fix;
            fix.title = fmt::format("Use the prefix '{}'", ns);
            fix.preferred = true;
            fix.changes.push_back({q.file.path, {{near->key_range, json_namespace(ns)}}});
            d.fixes.push_back(std::move(fix));
            out.push_back(std::move(d));
            return;
        }
        const Range at = near                    ? near->key_range
                         : psr4->members.empty() ? psr4->range
                                                 : psr4->members.front().key_range;
        std::string listed;
        for (const JsonMember& m : psr4->members)
            listed += (listed.empty() ? "'" : ", '") + m.key + "'";
        Diagnostic d = make(
            at,
            fmt::format("The PSR-4 prefixes ({}) do not cover the namespace '{}' of module {}{}: "
                        "Magento builds class names from the module name (setup patches are "
                        "{}Setup\\Patch\\..., controllers {}Controller\\...), so installed with "
                        "Composer those classes are not found.",
                        listed.empty() ? "none" : listed, ns, module,
                        near ? " (they differ only in case, and Composer matches prefixes "
                               "case-sensitively)"
                             : "",
                        ns, ns));
        if (near || psr4->members.size() == 1) {
            const JsonMember& target = near ? *near : psr4->members.front();
            Fix fix;
            fix.title = fmt::format("Use the prefix '{}'", ns);
            fix.preferred = near != nullptr;
            fix.changes.push_back({q.file.path, {{target.key_range, json_namespace(ns)}}});
            d.fixes.push_back(std::move(fix));
        }
        out.push_back(std::move(d));
    }
};

} // namespace

const Participant& composer_participant() {
    static const ComposerParticipant p;
    return p;
}

} // namespace mil
