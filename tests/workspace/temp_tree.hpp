// A fresh temporary directory per test, removed afterwards, with small helpers to lay out
// files, directories and symbolic links in it.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include <stdlib.h>
#include <unistd.h>

namespace mil::test {

class TempTree {
public:
    TempTree() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mil-ws-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        // Report paths without symbolic links in the temp prefix, so that expectations
        // written as root() + "/..." match what the code under test reports.
        root_ = std::filesystem::canonical(tmpl).string();
    }
    ~TempTree() {
        std::error_code ec;
        // Restore permissions a test may have removed, then delete (links are not followed).
        for (auto it = std::filesystem::recursive_directory_iterator(
                 root_, std::filesystem::directory_options::skip_permission_denied, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory(ec) && !it->is_symlink(ec))
                std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                             std::filesystem::perm_options::add, ec);
        }
        std::filesystem::remove_all(root_, ec);
    }
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }

    // Writes a file (creating parent directories) and returns its path.
    std::string write(const std::string& rel, const std::string& content = "") const {
        std::filesystem::path p = path(rel);
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << content;
        return p.string();
    }
    std::string mkdir(const std::string& rel) const {
        std::filesystem::create_directories(path(rel));
        return path(rel);
    }
    // Creates a symbolic link at `rel` whose target is `target` (taken literally).
    std::string link(const std::string& target, const std::string& rel) const {
        std::filesystem::path p = path(rel);
        std::filesystem::create_directories(p.parent_path());
        std::filesystem::create_symlink(target, p);
        return p.string();
    }

    // A minimal module: etc/module.xml and registration.php, optionally composer.json.
    std::string module(const std::string& rel, const std::string& name,
                       const std::string& composer_name = "") const {
        write(rel + "/etc/module.xml", "<config><module name=\"" + name + "\"/></config>\n");
        write(rel + "/registration.php",
              "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
              "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, '" +
                  name + "', __DIR__);\n");
        if (!composer_name.empty())
            write(rel + "/composer.json",
                  "{\"name\": \"" + composer_name + "\", \"type\": \"magento2-module\"}\n");
        return path(rel);
    }

private:
    std::string root_;
};

inline bool running_as_root() {
    return ::geteuid() == 0;
}

} // namespace mil::test
