// What the Magento XSDs allow, encoded by hand: element and attribute rules per file kind,
// XSD-style validation (diagnostic code "schema"), completion knowledge and hover docs.
//
// The model follows Magento's per-file schemas (the ones checked when a single file is read
// in developer mode): integration_file.xsd, integration/config.xsd, integration/api.xsd,
// acl.xsd, module.xsd, webapi.xsd. Menu and System are partial models, only good enough for
// completion and hover of the elements that carry ACL ids; validate_schema() reports nothing
// for them.
#pragma once

#include "mil/base/diagnostic.hpp"
#include "mil/syntax/xml.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mil {

enum class SchemaKind {
    Integration,       // etc/integration.xml
    IntegrationConfig, // etc/integration/config.xml (legacy)
    IntegrationApi,    // etc/integration/api.xml (legacy)
    Acl,               // etc/acl.xml
    Module,            // etc/module.xml
    Webapi,            // etc/webapi.xml
    Menu,              // etc/adminhtml/menu.xml (partial, not validated)
    System,            // etc/adminhtml/system.xml (partial, not validated)
};

// Stable short name, also the name of the docs file: "integration", "integration-config",
// "integration-api", "acl", "module", "webapi", "menu", "system".
std::string_view schema_kind_name(SchemaKind kind);
// Name of the root element Magento expects: "config", "integrations" or "routes".
std::string_view schema_root_element(SchemaKind kind);
// The kind of a file from its path ('/' or '\\' separated), e.g. ".../etc/integration.xml",
// ".../etc/integration/api.xml", ".../etc/adminhtml/menu.xml"; nullopt for other files.
std::optional<SchemaKind> schema_kind_for_path(std::string_view path);

// Value matchers: each accepts exactly what the XSD pattern accepts for the whole value.
// ACL resource id `([A-Z]+[a-zA-Z0-9]{1,}){1,}_[A-Z]+[A-Z0-9a-z]{1,}::[A-Za-z_0-9]{1,}`,
// e.g. "Magento_Sales::sales_order".
bool is_acl_id(std::string_view s);
// Module name `[A-Z]+[A-Za-z0-9]{1,}_[A-Z]+[A-Z0-9a-z]{1,}`, e.g. "Magento_Integration".
bool is_module_name(std::string_view s);
// Integration resource name `.+_.+::.+` (looser than an ACL id).
bool is_integration_resource_name(std::string_view s);
// Email `[^@]+@[^\.]+\..+` (what Magento's XSD calls an email; not RFC 5322).
bool is_email(std::string_view s);
// setup_version `[0-9.]+`.
bool is_setup_version(std::string_view s);
// xs:boolean: true, false, 1, 0 (surrounding whitespace allowed).
bool is_xsd_boolean(std::string_view s);
// xs:int: optional sign and decimal digits within 32-bit range (surrounding whitespace allowed).
bool is_xsd_int(std::string_view s);

inline constexpr std::uint32_t kUnbounded = 0xffffffffu;

// What an element holds, so completion can insert `<email></email>` (Text),
// `<resource name=""/>` (Empty) or `<resources>` with a body (Elements).
enum class ContentKind {
    Empty,    // attributes only (text, where the XSD tolerates it, is ignored by Magento)
    Text,     // text only, e.g. <email>
    Elements, // child elements
};

struct SchemaElementInfo {
    std::string name;
    ContentKind content = ContentKind::Elements;
    std::uint32_t min_occurs = 0;
    std::uint32_t max_occurs = 1; // kUnbounded for no limit
    std::vector<std::string> required_attributes;
    std::string doc; // one line, markdown

    bool text_only() const { return content == ContentKind::Text; }
    bool has_children() const { return content == ContentKind::Elements; }
};

struct SchemaAttributeInfo {
    std::string name;
    bool required = false;
    std::string doc; // one line, markdown
    // The closed set of values (booleans, enumerations); empty when any value may be typed.
    std::vector<std::string> values;
};

// Elements allowed inside the element at `path_of_parent` (names from the root down, e.g.
// {"config","integration"}); an empty path gives the root element. Unknown paths give {}.
// In an ACL tree any depth of nested `resource` is understood.
std::vector<SchemaElementInfo> allowed_children(SchemaKind kind,
                                                const std::vector<std::string>& path_of_parent);
// Attributes allowed on the element at `element_path` (xmlns/xsi:* are not listed).
std::vector<SchemaAttributeInfo> allowed_attributes(SchemaKind kind,
                                                    const std::vector<std::string>& element_path);

// Checks `doc` (parsed from `text`) against the per-file schema of `kind`. Every diagnostic
// has code "schema" and severity Error. Ranges: an unknown, misplaced or surplus element ->
// its name; an unknown attribute -> its name; a missing required attribute or child -> the
// name of the element that lacks it; a bad attribute value -> the value between the quotes
// (the whole `name=""` when the value is empty); a bad text value -> the trimmed text (the
// element's name when the text is empty); a wrong root -> the root's name. xmlns and xsi:*
// attributes are allowed everywhere. Unknown elements are reported once, not their subtree.
// Also reported: integration names declared twice in one file (Magento keeps one of them) and
// module names repeated in module.xml or in one <sequence> (the XSD's unique constraints).
// Menu and System: always empty.
std::vector<Diagnostic> validate_schema(SchemaKind kind, const XmlDocument& doc,
                                        std::string_view text);

// Markdown documentation of an element (attribute empty) or of one of its attributes, from
// data/docs/<kind>.md, followed by a generated line stating the schema rule (occurrence,
// requiredness, value constraint). Empty when nothing is known. Thread-safe; the docs are
// parsed once.
std::string element_doc(SchemaKind kind, const std::vector<std::string>& element_path,
                        std::string_view attribute = {});

} // namespace mil
