// Workspace discovery: where the Magento root is, which modules it has, and which files of
// a module the server reads.
//
// Paths are reported as found under the folder that was searched (absolute, lexically
// normalised), never as the targets of symbolic links.
#pragma once

#include "platform/fileio.hpp"

#include <array>
#include <bitset>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mil {

struct WorkspaceModule {
    std::string dir;           // module directory (the one holding etc/module.xml)
    std::string origin;        // "app/code", "vendor" or "standalone"
    std::string composer_name; // "vendor/package" when known, else ""
    std::string registration;  // path of registration.php when it exists, else ""
};

struct WorkspaceWarning {
    std::string path;    // the file or directory concerned
    std::string message; // what went wrong, for a log or the check command
};

struct Discovery {
    std::string folder; // the searched folder, absolute and normalised
    // The Magento root: the one the folder is inside, else the first install that the search
    // below the folder found.
    std::optional<std::string> root;
    std::vector<WorkspaceModule> modules;
    std::vector<WorkspaceWarning> warnings;
};

// `folder` or its nearest ancestor (lexical parents) that has app/etc/di.xml, or a
// composer.json that requires magento/product-community-edition,
// magento/product-enterprise-edition or magento/magento2-base, or is named
// magento/magento2ce or magento/project-community-edition. Absolute and normalised.
std::optional<std::string> find_magento_root(const std::string& folder);

// Finds the modules of the workspace opened at `folder`.
// Inside a Magento root: app/code/*/*/registration.php, then the magento2-module packages
// of vendor/composer/installed.json (Composer 1 or 2) and, if the folder itself is a module
// not found that way, the folder. Outside a root: the folder as a standalone module (etc/
// module.xml at its root or under src/), else a bounded search (depth <= 4) for modules and
// for Magento installs (each taken as from its root), then the magento2-module packages of
// the folder's own vendor/composer/installed.json.
// Modules that reach the same real directory are reported once (the first found).
// `on_module`, when given, is called with each module as soon as it is found (in the order
// of Discovery::modules), so that a caller can start on it while discovery goes on.
// `on_early`, when given, is called earlier still with folders that are probably modules
// (those of installed.json, while the file is being read): a caller may start reading them,
// but only the folders given to `on_module` are modules (a file found broken further on,
// a folder found missing or the same as another take them back).
Discovery discover(const std::string& folder,
                   const std::function<void(const WorkspaceModule&)>& on_module = {},
                   const std::function<void(const std::string&)>& on_early = {});

// The existing files of a module the server reads, in this order: etc/module.xml,
// registration.php, composer.json, etc/acl.xml, etc/integration.xml,
// etc/integration/config.xml, etc/integration/api.xml, etc/webapi.xml,
// etc/adminhtml/menu.xml, etc/adminhtml/system.xml, then the *.php files under Setup/
// (recursive, depth <= 6, at most 500, shallower first, sorted by path), then the setup
// scripts misplaced at the module's top (module_misplaced_setup_files_at).
std::vector<std::string> module_files(const std::string& module_dir);

// The first part of that list: the places, relative to the module folder, where a module
// may have the files the server reads, in that order (whether they exist or not).
inline constexpr std::array<const char*, 10> kModuleFixedFiles = {
    "etc/module.xml",          "registration.php",
    "composer.json",           "etc/acl.xml",
    "etc/integration.xml",     "etc/integration/config.xml",
    "etc/integration/api.xml", "etc/webapi.xml",
    "etc/adminhtml/menu.xml",  "etc/adminhtml/system.xml",
};
// Which of kModuleFixedFiles may exist in the module open as `module_fd` (bit i for entry
// i): those at its top always; one under etc/ only when etc/ lists its name (etc/acl.xml) or
// its folder (etc/adminhtml/menu.xml), compared ignoring ASCII case. Listing etc/ costs
// four system calls where each absent file costs one failed open, and most modules lack
// most of them. When etc/ is there but cannot be listed, all of them (their opening then
// says why).
std::bitset<kModuleFixedFiles.size()> module_fixed_candidates(const Dir& module);
// The second part: the *.php files under the Setup/ folder of the module open as
// `module_fd`, as paths relative to it ("Setup/Patch/Data/AddIntegration.php").
std::vector<std::string> module_setup_files_at(const Dir& module);
// The third part: PHP files at the top of the module named like a legacy setup class
// (InstallData.php, Upgradedata.php...): Magento never runs them there, and they are read
// so that the checker can say so (misnamed_setup_script). One listing of the module folder.
std::vector<std::string> module_misplaced_setup_files_at(const Dir& module);

} // namespace mil
