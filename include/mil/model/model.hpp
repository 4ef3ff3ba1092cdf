// What the server knows about one file: its kind, its module, and the facts read from it.
#pragma once

#include "mil/base/diagnostic.hpp"
#include "mil/base/text.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mil {

enum class FileKind {
    Unknown,
    Integration,       // etc/integration.xml
    IntegrationConfig, // etc/integration/config.xml (legacy)
    IntegrationApi,    // etc/integration/api.xml (legacy)
    Acl,               // etc/acl.xml
    ModuleXml,         // etc/module.xml
    Registration,      // registration.php
    Composer,          // composer.json of a module
    Webapi,            // etc/webapi.xml
    Menu,              // etc/adminhtml/menu.xml
    System,            // etc/adminhtml/system.xml
    UiComponent,       // view/adminhtml/ui_component/*.xml
    SetupPhp,          // Setup/**/*.php (install/upgrade scripts, data patches)
    Php,               // other PHP of a module (admin controllers)
    DeploymentConfig,  // app/etc/config.php: which modules are enabled
};

const char* file_kind_name(FileKind k);

// Kind of a file from its path alone (lexical; '/' separators). A `config.xml` that is not
// `etc/integration/config.xml` is Unknown: the server ignores files it does not serve.
FileKind classify_path(std::string_view path);

// The module folder a file of that kind belongs to (lexical), or empty when unknown.
std::string module_dir_of(std::string_view path, FileKind kind);

// A string value with the byte range of its contents.
struct TextValue {
    std::string value;
    Range range;
};

// An ACL id named somewhere (integration resource, webapi ref, menu, system, PHP ...).
struct IdRef {
    std::string id;
    Range range;
};

// One <resource> element of an acl.xml.
struct AclDecl {
    std::string id;
    Range id_range;
    std::string parent; // id of the enclosing <resource>, empty at the top
    TextValue title;    // empty value and range when absent
    bool has_title = false;
    std::optional<int> sort_order;
    std::optional<bool> disabled;
    Range element_name_range;
    std::uint32_t depth = 0; // 0 for a resource directly under <resources>
};

struct IntegrationDecl {
    TextValue name;
    Range element_name_range;
    Range element_range;
    std::optional<TextValue> email;
    std::optional<TextValue> endpoint_url;
    std::optional<TextValue> identity_link_url;
    std::vector<IdRef> resources;
    bool has_resources = false;
    Range resources_range;   // the <resources> element, when present
    Range resources_content; // between <resources> and </resources>
};

struct ModuleDecl {
    TextValue name;
    Range element_name_range;
    Range element_range;
    bool self_closing = false;
    std::optional<TextValue> setup_version;
    std::vector<TextValue> sequence; // module names in <sequence>
    bool has_sequence = false;
    Range sequence_range;
};

// A call to processIntegrationConfig([...]) in a setup script.
struct SetupCallName {
    std::string value; // resolved name
    Range range;       // range of the string or constant in this file
    bool resolved = true;
    // Unresolved `Class::NAME` of another class of the module (see PhpConfigName): resolved
    // through the snapshot by resolve_setup_calls().
    std::string constant_class;
    std::string constant_name;
};
struct SetupCall {
    Range call_range;
    std::vector<SetupCallName> names;
};

// The autoload.psr-4 roots a composer.json declares: namespace prefix (decoded, e.g.
// `Vendor\Module\`) -> folder (the first one of a list), as far as the tolerant JSON reader
// finds them in a file that is not valid JSON.
std::vector<std::pair<std::string, std::string>> composer_psr4(std::string_view text);

// A class constant with a constant string value, declared in a PHP file of a module.
struct PhpConstantFact {
    std::string class_name; // short name
    std::string class_fqn;  // no leading backslash
    std::string name;
    std::string value;
    Range value_range;
};

// One <route> of a webapi.xml (see mil/model/routes.hpp for the merge).
struct RouteDecl {
    std::string method;
    TextValue url; // trimmed, as Magento\Webapi\Model\Config\Converter::convert reads it
    std::string service_class;
    std::string service_method;
    std::vector<IdRef> resources; // refs as written (`self` and `anonymous` included)
};

// One module of the `'modules'` array of app/etc/config.php.
struct ModuleSwitch {
    TextValue name;
    bool enabled = true; // 0 (or another empty value) disables the module
};

// Facts of one file. Filled by the participant of its kind; plain data.
struct FileFacts {
    std::vector<AclDecl> acl;
    std::vector<IntegrationDecl> integrations;
    std::optional<ModuleDecl> module;
    std::optional<TextValue> registration; // module name registered in registration.php
    std::vector<IdRef> acl_refs;           // ACL ids used (webapi, menu, system, php, ui)
    std::vector<SetupCall> setup_calls;
    std::vector<PhpConstantFact> php_constants; // PHP files: string class constants
    std::vector<RouteDecl> routes;              // webapi.xml
    // app/etc/config.php: its `'modules'` array, when it has one.
    std::optional<std::vector<ModuleSwitch>> module_switches;
};

// A file over the size limit of whoever read it (the server's or check's --max-file-size).
struct Oversize {
    std::uint64_t bytes = 0; // the file's size
    std::uint64_t limit = 0;
};

// The line index of a text, made when first asked for: most files of an index are never
// shown to a client, and their facts hold byte offsets. Safe to ask from several threads at
// once (two may both make it; one is kept). A copy starts without it.
class LazyLineIndex {
public:
    LazyLineIndex() = default;
    LazyLineIndex(const LazyLineIndex&) {}
    LazyLineIndex& operator=(const LazyLineIndex& other) {
        if (this != &other) delete index_.exchange(nullptr);
        return *this;
    }
    ~LazyLineIndex() { delete index_.load(); }

    // The index of `text`, which must be the same text at every call.
    const LineIndex& get(std::string_view text) const {
        if (const LineIndex* made = index_.load(std::memory_order_acquire)) return *made;
        auto fresh = std::make_unique<const LineIndex>(text);
        const LineIndex* expected = nullptr;
        if (index_.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel,
                                           std::memory_order_acquire))
            return *fresh.release();
        return *expected; // made by another thread meanwhile
    }

private:
    mutable std::atomic<const LineIndex*> index_{nullptr};
};

struct FileEntry {
    std::string path;
    FileKind kind = FileKind::Unknown;
    std::string module_dir;
    std::shared_ptr<const std::string> text; // empty when the indexer dropped it (text_unused)
    FileFacts facts;
    bool open_in_editor = false;
    // Set for a file that was not read because of its size: `text` and `facts` are empty,
    // and its one diagnostic is `file-too-large`.
    std::optional<Oversize> oversize;
    LazyLineIndex line_index; // see lines()

    // The line index of `text` (made on first use).
    const LineIndex& lines() const { return line_index.get(*text); }
};

// Whether nothing reads the text of this file while it is not open in an editor: a PHP file
// (setup script or class) without facts. Its participants work from facts alone, or read the
// text again only where they found something. The indexer keeps no text for such a file
// (most setup scripts of a tree; about two thirds of the bytes it reads).
bool text_unused(const FileEntry& entry);

// The files of a module that may declare the classes whose constants its setup scripts name
// but could not resolve alone (`Config::NAME` with `Config` another class of the module):
// each class mapped to a path through the module's namespace (`Vendor\Module\` for
// Vendor_Module, mapped to the module folder) and its composer.json PSR-4 prefixes.
// `entries` are the files read from the module folder `module_dir`; paths not among them,
// without duplicates, in order.
std::vector<std::string>
constant_class_files(const std::string& module_dir,
                     const std::vector<std::shared_ptr<const FileEntry>>& entries);

// A PHP file named like one of the legacy setup classes that Magento's setup never runs:
// Magento\Setup\Model\Installer (outside the corpus) instantiates only
// `<Vendor>\<Module>\Setup\{InstallSchema, UpgradeSchema, Recurring, InstallData,
// UpgradeData, RecurringData}`, autoloaded from the module's Setup/<Name>.php (file names are
// case-sensitive on Linux), besides the patches under Setup/Patch/.
struct MisnamedSetupScript {
    std::string expected;       // the legacy class name it was probably meant to be
    bool outside_setup = false; // the name is right, or nearly, but the file is not in Setup/
};
// For a file directly in Setup/ whose name differs from one of those only in case or by a
// small typo (Setup/Installdata.php, Setup/InstalData.php), or a file elsewhere in the module
// named (nearly) like one (InstallData.php at the module's root); nullopt otherwise (the
// six names in Setup/, patches, other classes such as helpers).
std::optional<MisnamedSetupScript> misnamed_setup_script(std::string_view path);

// The entry of a file too large to be read: no text, no facts (see FileEntry::oversize).
std::shared_ptr<const FileEntry> make_oversized_entry(std::string path, Oversize size);
// The `file-too-large` warning of such an entry, at the start of the file.
Diagnostic file_too_large(const Oversize& size);

} // namespace mil
