#include "mil/model.hpp"

#include "mil/participant.hpp"

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
std::string before_segment(std::string_view path, std::string_view segment) {
    std::string needle = "/" + std::string(segment) + "/";
    auto pos = path.rfind(needle);
    if (pos != std::string_view::npos) return std::string(path.substr(0, pos));
    if (path.substr(0, needle.size() - 1) == needle.substr(1)) return ".";
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
    case FileKind::Unknown:
        break;
    }
    return {};
}

std::shared_ptr<const FileEntry> make_entry(std::string path,
                                            std::shared_ptr<const std::string> text) {
    auto entry = std::make_shared<FileEntry>();
    entry->kind = classify_path(path);
    entry->module_dir = module_dir_of(path, entry->kind);
    entry->path = std::move(path);
    entry->text = text ? std::move(text) : std::make_shared<const std::string>();
    entry->lines = std::make_shared<const LineIndex>(*entry->text);
    for (const Participant* p : participants()) {
        if (!p->serves(entry->kind)) continue;
        try {
            p->index(*entry, entry->facts);
        } catch (...) {
            // A participant that fails on a file leaves its facts partial; the file still counts.
        }
    }
    return entry;
}

std::shared_ptr<const FileEntry> make_entry(std::string path, std::string text) {
    return make_entry(std::move(path), std::make_shared<const std::string>(std::move(text)));
}

} // namespace mil
