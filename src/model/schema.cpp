#include "mil/model/schema.hpp"
#include "mil/base/strings.hpp"

#include "mil/base/embedded.hpp"
#include "mil/base/text.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <utility>

namespace mil {

// ---------------------------------------------------------------------------------------------
// Value matchers
// ---------------------------------------------------------------------------------------------

namespace {

bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_alnum(char c) {
    return is_upper(c) || (c >= 'a' && c <= 'z') || is_ascii_digit(c);
}
bool is_line_break(char c) {
    return c == '\n' || c == '\r';
}

// Number of characters (code points; an invalid byte counts as one).
std::size_t char_count(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) {
        bool valid = true;
        i += utf8_step(s, i, valid);
    }
    return n;
}

std::string shown_char(std::string_view s, std::size_t i) {
    bool valid = true;
    const std::size_t len = utf8_step(s, i, valid);
    return shown(s.substr(i, len));
}

// Why `part` (vendor or module half of a module name) does not match `[A-Z]+[A-Za-z0-9]{1,}`.
std::string explain_name_part(std::string_view part, std::string_view what) {
    const std::string w(what);
    if (part.empty()) return "the " + w + " part is empty";
    if (!is_upper(part.front()))
        return "the " + w + " part must start with an uppercase letter A-Z";
    for (std::size_t i = 0; i < part.size(); ++i)
        if (!is_alnum(part[i]))
            return "the " + w + " part may contain only letters A-Z, a-z and digits (found '" +
                   shown_char(part, i) + "')";
    if (part.size() < 2) return "the " + w + " part must be at least 2 characters long";
    return {};
}

std::string explain_module_name(std::string_view s) {
    if (s.empty()) return "it is empty";
    const auto u = s.find('_');
    if (u == std::string_view::npos)
        return "it needs a '_' between the vendor and the module, as in Vendor_Module";
    if (s.find('_', u + 1) != std::string_view::npos) return "it may contain only one '_'";
    if (auto r = explain_name_part(s.substr(0, u), "vendor"); !r.empty()) return r;
    return explain_name_part(s.substr(u + 1), "module");
}

std::string explain_acl_id(std::string_view s) {
    if (s.empty()) return "it is empty";
    const auto p = s.find("::");
    if (p == std::string_view::npos)
        return "it needs '::' between the module name and the resource, as in "
               "Vendor_Module::resource";
    if (auto r = explain_module_name(s.substr(0, p)); !r.empty())
        return "in the module name before '::', " + r;
    const auto local = s.substr(p + 2);
    if (local.empty()) return "nothing follows '::'";
    for (std::size_t i = 0; i < local.size(); ++i) {
        const char c = local[i];
        if (!is_alnum(c) && c != '_')
            return "after '::' only letters, digits and '_' are allowed (found '" +
                   shown_char(local, i) + "')";
    }
    return {};
}

std::string explain_resource_name(std::string_view s) {
    if (s.empty()) return "it is empty";
    for (char c : s)
        if (is_line_break(c)) return "it contains a line break";
    // `.+_.+::.+`: the latest "::" with something after it leaves the most room before it.
    std::size_t p = std::string_view::npos;
    for (std::size_t i = 0; i + 2 < s.size(); ++i)
        if (s[i] == ':' && s[i + 1] == ':') p = i;
    if (p == std::string_view::npos)
        return "it needs '::' followed by the resource, as in Vendor_Module::resource";
    for (std::size_t i = 1; i + 1 < p; ++i)
        if (s[i] == '_') return {};
    return "the part before '::' needs a '_' with text on both sides, as in Vendor_Module";
}

std::string explain_email(std::string_view s) {
    const auto at = s.find('@');
    if (at == std::string_view::npos) return "it has no '@'";
    if (at == 0) return "nothing comes before the '@'";
    const auto dot = s.find('.', at + 1);
    if (dot == std::string_view::npos) return "there is no '.' after the '@'";
    if (dot == at + 1) return "a '.' directly follows the '@'";
    const auto tail = s.substr(dot + 1);
    if (tail.empty()) return "nothing follows the first '.' after the '@'";
    for (char c : tail)
        if (is_line_break(c))
            return "it ends with a line break (the XSD keeps the whitespace of <email>: write "
                   "the address on the same line as its tags)";
    return {};
}

std::string explain_setup_version(std::string_view s) {
    if (s.empty()) return "it is empty";
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!is_ascii_digit(s[i]) && s[i] != '.')
            return "only digits and '.' are allowed (found '" + shown_char(s, i) + "')";
    return {};
}

std::string explain_boolean(std::string_view s) {
    s = trim_ws(s);
    if (s == "true" || s == "false" || s == "1" || s == "0") return {};
    return "a boolean is one of true, false, 1, 0";
}

// Checks an optionally signed decimal integer; `min`/`max` bound it.
std::string explain_integer(std::string_view s, bool allow_negative, long long min, long long max) {
    s = trim_ws(s);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || (allow_negative && s.front() == '-'))) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return allow_negative ? "it is not a whole number" : "it is not a number >= 0";
    long long v = 0;
    for (char c : s) {
        if (!is_ascii_digit(c))
            return allow_negative ? "it is not a whole number" : "it is not a whole number >= 0";
        if (v <= (1LL << 40)) v = v * 10 + (c - '0');
    }
    if (negative) v = -v;
    if (v < min || v > max) return "it is out of range";
    return {};
}

std::string explain_int(std::string_view s) {
    return explain_integer(s, true, -2147483648LL, 2147483647LL);
}

} // namespace

bool is_acl_id(std::string_view s) {
    return explain_acl_id(s).empty();
}
bool is_module_name(std::string_view s) {
    return explain_module_name(s).empty();
}
bool is_integration_resource_name(std::string_view s) {
    return explain_resource_name(s).empty();
}
bool is_email(std::string_view s) {
    return explain_email(s).empty();
}
bool is_setup_version(std::string_view s) {
    return explain_setup_version(s).empty();
}
bool is_xsd_boolean(std::string_view s) {
    return explain_boolean(s).empty();
}
bool is_xsd_int(std::string_view s) {
    return explain_int(s).empty();
}

// ---------------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::array<SchemaKind, 8> kAllKinds = {
    SchemaKind::Integration,    SchemaKind::IntegrationConfig,
    SchemaKind::IntegrationApi, SchemaKind::Acl,
    SchemaKind::Module,         SchemaKind::Webapi,
    SchemaKind::Menu,           SchemaKind::System};

std::size_t kind_index(SchemaKind k) {
    return static_cast<std::size_t>(k);
}

std::string_view kind_file(SchemaKind k) {
    switch (k) {
    case SchemaKind::Integration:
        return "etc/integration.xml";
    case SchemaKind::IntegrationConfig:
        return "etc/integration/config.xml";
    case SchemaKind::IntegrationApi:
        return "etc/integration/api.xml";
    case SchemaKind::Acl:
        return "etc/acl.xml";
    case SchemaKind::Module:
        return "etc/module.xml";
    case SchemaKind::Webapi:
        return "etc/webapi.xml";
    case SchemaKind::Menu:
        return "etc/adminhtml/menu.xml";
    case SchemaKind::System:
        return "etc/adminhtml/system.xml";
    }
    return "";
}

} // namespace

std::string_view schema_kind_name(SchemaKind kind) {
    switch (kind) {
    case SchemaKind::Integration:
        return "integration";
    case SchemaKind::IntegrationConfig:
        return "integration-config";
    case SchemaKind::IntegrationApi:
        return "integration-api";
    case SchemaKind::Acl:
        return "acl";
    case SchemaKind::Module:
        return "module";
    case SchemaKind::Webapi:
        return "webapi";
    case SchemaKind::Menu:
        return "menu";
    case SchemaKind::System:
        return "system";
    }
    return "";
}

std::string_view schema_root_element(SchemaKind kind) {
    switch (kind) {
    case SchemaKind::IntegrationConfig:
    case SchemaKind::IntegrationApi:
        return "integrations";
    case SchemaKind::Webapi:
        return "routes";
    default:
        return "config";
    }
}

std::optional<SchemaKind> schema_kind_for_path(std::string_view path) {
    std::string p(path);
    std::replace(p.begin(), p.end(), '\\', '/');
    const std::string_view v(p);
    for (SchemaKind k : kAllKinds) {
        const std::string_view tail = kind_file(k);
        if (v.size() < tail.size() || v.substr(v.size() - tail.size()) != tail) continue;
        // The tail must start at a folder boundary: "x/etc/acl.xml", not "x/myetc/acl.xml".
        if (v.size() == tail.size() || v[v.size() - tail.size() - 1] == '/') return k;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

namespace {

enum class VType {
    Any,
    NonEmpty,
    AclId,
    ResourceName,
    IntegrationName,
    ModuleName,
    SetupVersion,
    Email,
    Uri,
    AclTitle,
    Boolean,
    Int,
    NonNegInt,
    Enum,
};

struct ValueRule {
    VType type = VType::Any;
    std::vector<std::string_view> values; // for Enum
};

struct AttrDef {
    std::string_view name;
    bool required = false;
    ValueRule value;
};

struct ChildDef {
    std::string_view name;
    std::uint32_t min = 0;
    std::uint32_t max = 1;
    int rule = -1;
};

struct ElemDef {
    std::string key; // canonical path (first path that reaches it), used for docs
    ContentKind content = ContentKind::Elements;
    bool text_allowed = false; // Empty content that the XSD lets carry text (simpleContent)
    ValueRule text;            // for Text content
    bool ordered = false;      // xs:sequence of distinct names
    std::vector<ChildDef> children;
    std::vector<AttrDef> attrs;
};

struct Schema {
    SchemaKind kind = SchemaKind::Integration;
    std::string_view root;
    bool validated = true;
    bool open = false;          // partial model: unknown children/attributes are not errors
    std::vector<ElemDef> elems; // elems[0] is the root element
};

ValueRule vr(VType t) {
    return ValueRule{t, {}};
}

int add_elem(Schema& s, ContentKind c) {
    ElemDef e;
    e.content = c;
    s.elems.push_back(std::move(e));
    return static_cast<int>(s.elems.size() - 1);
}

int add_text(Schema& s, VType t) {
    const int i = add_elem(s, ContentKind::Text);
    s.elems[i].text = vr(t);
    return i;
}

// Gives every element its canonical path, breadth first from the root.
void assign_keys(Schema& s) {
    std::vector<int> queue{0};
    s.elems[0].key = std::string(s.root);
    for (std::size_t q = 0; q < queue.size(); ++q) {
        const int e = queue[q];
        for (const auto& c : s.elems[e].children) {
            if (c.rule < 0 || !s.elems[c.rule].key.empty()) continue;
            s.elems[c.rule].key = s.elems[e].key + "/" + std::string(c.name);
            queue.push_back(c.rule);
        }
    }
}

Schema make_integration() {
    Schema s;
    s.kind = SchemaKind::Integration;
    s.root = "config";
    const int config = add_elem(s, ContentKind::Elements);
    const int integration = add_elem(s, ContentKind::Elements);
    const int email = add_text(s, VType::Email);
    const int endpoint = add_text(s, VType::Uri);
    const int identity = add_text(s, VType::Uri);
    const int resources = add_elem(s, ContentKind::Elements);
    const int resource = add_elem(s, ContentKind::Empty);
    s.elems[config].children = {{"integration", 1, kUnbounded, integration}};
    s.elems[integration].attrs = {{"name", true, vr(VType::IntegrationName)}};
    s.elems[integration].children = {{"email", 0, 1, email},
                                     {"endpoint_url", 0, 1, endpoint},
                                     {"identity_link_url", 0, 1, identity},
                                     {"resources", 0, 1, resources}};
    s.elems[resources].children = {{"resource", 1, kUnbounded, resource}};
    s.elems[resource].text_allowed = true;
    s.elems[resource].attrs = {{"name", true, vr(VType::ResourceName)}};
    return s;
}

Schema make_integration_config() {
    Schema s;
    s.kind = SchemaKind::IntegrationConfig;
    s.root = "integrations";
    const int integrations = add_elem(s, ContentKind::Elements);
    const int integration = add_elem(s, ContentKind::Elements);
    const int email = add_text(s, VType::Email);
    const int endpoint = add_text(s, VType::Uri);
    const int identity = add_text(s, VType::Uri);
    s.elems[integrations].children = {{"integration", 1, kUnbounded, integration}};
    s.elems[integration].attrs = {{"name", true, vr(VType::IntegrationName)}};
    s.elems[integration].ordered = true;
    s.elems[integration].children = {{"email", 1, 1, email},
                                     {"endpoint_url", 0, 1, endpoint},
                                     {"identity_link_url", 0, 1, identity}};
    return s;
}

Schema make_integration_api() {
    Schema s;
    s.kind = SchemaKind::IntegrationApi;
    s.root = "integrations";
    const int integrations = add_elem(s, ContentKind::Elements);
    const int integration = add_elem(s, ContentKind::Elements);
    const int resources = add_elem(s, ContentKind::Elements);
    const int resource = add_elem(s, ContentKind::Empty);
    s.elems[integrations].children = {{"integration", 1, kUnbounded, integration}};
    s.elems[integration].attrs = {{"name", true, vr(VType::IntegrationName)}};
    s.elems[integration].children = {{"resources", 1, 1, resources}};
    s.elems[resources].children = {{"resource", 1, kUnbounded, resource}};
    s.elems[resource].text_allowed = true;
    s.elems[resource].attrs = {{"name", true, vr(VType::ResourceName)}};
    return s;
}

Schema make_acl() {
    Schema s;
    s.kind = SchemaKind::Acl;
    s.root = "config";
    const int config = add_elem(s, ContentKind::Elements);
    const int acl = add_elem(s, ContentKind::Elements);
    const int resources = add_elem(s, ContentKind::Elements);
    const int resource = add_elem(s, ContentKind::Elements);
    s.elems[config].children = {{"acl", 1, 1, acl}};
    s.elems[acl].children = {{"resources", 1, 1, resources}};
    s.elems[resources].children = {{"resource", 0, kUnbounded, resource}};
    s.elems[resource].children = {{"resource", 0, kUnbounded, resource}};
    s.elems[resource].attrs = {{"id", true, vr(VType::AclId)},
                               {"title", false, vr(VType::AclTitle)},
                               {"translate", false, vr(VType::Any)},
                               {"sortOrder", false, vr(VType::Int)},
                               {"disabled", false, vr(VType::Boolean)}};
    return s;
}

Schema make_module() {
    Schema s;
    s.kind = SchemaKind::Module;
    s.root = "config";
    const int config = add_elem(s, ContentKind::Elements);
    const int module = add_elem(s, ContentKind::Elements);
    const int sequence = add_elem(s, ContentKind::Elements);
    const int dependency = add_elem(s, ContentKind::Empty);
    s.elems[config].children = {{"module", 1, kUnbounded, module}};
    s.elems[module].attrs = {{"name", true, vr(VType::ModuleName)},
                             {"setup_version", false, vr(VType::SetupVersion)}};
    s.elems[module].children = {{"sequence", 0, 1, sequence}};
    s.elems[sequence].children = {{"module", 0, kUnbounded, dependency}};
    s.elems[dependency].attrs = {{"name", true, vr(VType::ModuleName)}};
    return s;
}

Schema make_webapi() {
    Schema s;
    s.kind = SchemaKind::Webapi;
    s.root = "routes";
    const int routes = add_elem(s, ContentKind::Elements);
    const int route = add_elem(s, ContentKind::Elements);
    const int service = add_elem(s, ContentKind::Empty);
    const int resources = add_elem(s, ContentKind::Elements);
    const int resource = add_elem(s, ContentKind::Empty);
    const int data = add_elem(s, ContentKind::Elements);
    const int parameter = add_text(s, VType::Any);
    s.elems[routes].children = {{"route", 0, kUnbounded, route}};
    s.elems[route].attrs = {
        {"method", true, ValueRule{VType::Enum, {"GET", "PUT", "POST", "DELETE"}}},
        {"url", true, vr(VType::Any)},
        {"secure", false, vr(VType::Boolean)},
        {"soapOperation", false, vr(VType::Any)}};
    s.elems[route].ordered = true;
    s.elems[route].children = {
        {"service", 0, 1, service}, {"resources", 0, 1, resources}, {"data", 0, 1, data}};
    s.elems[service].attrs = {{"class", true, vr(VType::Any)}, {"method", true, vr(VType::Any)}};
    s.elems[resources].children = {{"resource", 1, kUnbounded, resource}};
    s.elems[resource].attrs = {{"ref", true, vr(VType::NonEmpty)}};
    s.elems[data].attrs = {{"input-array-size-limit", false, vr(VType::NonNegInt)}};
    s.elems[data].children = {{"parameter", 0, kUnbounded, parameter}};
    s.elems[parameter].attrs = {{"name", true, vr(VType::Any)},
                                {"force", false, vr(VType::Boolean)}};
    return s;
}

Schema make_menu() {
    Schema s;
    s.kind = SchemaKind::Menu;
    s.root = "config";
    s.validated = false;
    s.open = true;
    const int config = add_elem(s, ContentKind::Elements);
    const int menu = add_elem(s, ContentKind::Elements);
    const int add = add_elem(s, ContentKind::Empty);
    const int update = add_elem(s, ContentKind::Empty);
    const int remove = add_elem(s, ContentKind::Empty);
    s.elems[config].children = {{"menu", 1, 1, menu}};
    s.elems[menu].children = {{"add", 0, kUnbounded, add},
                              {"update", 0, kUnbounded, update},
                              {"remove", 0, kUnbounded, remove}};
    auto item_attrs = [](bool adding) {
        return std::vector<AttrDef>{{"id", true, vr(VType::Any)},
                                    {"title", adding, vr(VType::Any)},
                                    {"module", adding, vr(VType::ModuleName)},
                                    {"resource", adding, vr(VType::AclId)},
                                    {"parent", false, vr(VType::Any)},
                                    {"action", false, vr(VType::Any)},
                                    {"sortOrder", false, vr(VType::Int)},
                                    {"translate", false, vr(VType::Any)},
                                    {"dependsOnModule", false, vr(VType::ModuleName)},
                                    {"dependsOnConfig", false, vr(VType::Any)},
                                    {"toolTip", false, vr(VType::Any)},
                                    {"target", false, vr(VType::Any)}};
    };
    s.elems[add].attrs = item_attrs(true);
    s.elems[update].attrs = item_attrs(false);
    s.elems[remove].attrs = {{"id", true, vr(VType::Any)}};
    return s;
}

Schema make_system() {
    Schema s;
    s.kind = SchemaKind::System;
    s.root = "config";
    s.validated = false;
    s.open = true;
    const int config = add_elem(s, ContentKind::Elements);
    const int system = add_elem(s, ContentKind::Elements);
    const int tab = add_elem(s, ContentKind::Elements);
    const int section = add_elem(s, ContentKind::Elements);
    const int group = add_elem(s, ContentKind::Elements);
    const int field = add_elem(s, ContentKind::Elements);
    const int label = add_text(s, VType::Any);
    const int text_any = add_text(s, VType::Any);
    const int resource = add_text(s, VType::AclId);
    s.elems[config].children = {{"system", 1, 1, system}};
    s.elems[system].children = {{"tab", 0, kUnbounded, tab}, {"section", 0, kUnbounded, section}};
    auto scope_attrs = [](std::vector<AttrDef> extra) {
        std::vector<AttrDef> a{{"id", true, vr(VType::Any)},
                               {"translate", false, vr(VType::Any)},
                               {"type", false, vr(VType::Any)},
                               {"sortOrder", false, vr(VType::Int)},
                               {"showInDefault", false, vr(VType::Boolean)},
                               {"showInWebsite", false, vr(VType::Boolean)},
                               {"showInStore", false, vr(VType::Boolean)},
                               {"canRestore", false, vr(VType::Boolean)}};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    s.elems[tab].attrs = {{"id", true, vr(VType::Any)},
                          {"translate", false, vr(VType::Any)},
                          {"sortOrder", false, vr(VType::Int)},
                          {"class", false, vr(VType::Any)}};
    s.elems[tab].children = {{"label", 0, 1, label}};
    s.elems[section].attrs = scope_attrs({});
    s.elems[section].children = {{"label", 0, 1, label},         {"tab", 0, 1, text_any},
                                 {"resource", 0, 1, resource},   {"class", 0, 1, text_any},
                                 {"header_css", 0, 1, text_any}, {"group", 0, kUnbounded, group}};
    s.elems[group].attrs = scope_attrs({});
    s.elems[group].children = {{"label", 0, 1, label},           {"comment", 0, 1, text_any},
                               {"fieldset_css", 0, 1, text_any}, {"frontend_model", 0, 1, text_any},
                               {"group", 0, kUnbounded, group},  {"field", 0, kUnbounded, field}};
    s.elems[field].attrs = scope_attrs({});
    s.elems[field].children = {{"label", 0, 1, label},
                               {"comment", 0, 1, text_any},
                               {"tooltip", 0, 1, text_any},
                               {"source_model", 0, 1, text_any},
                               {"backend_model", 0, 1, text_any},
                               {"frontend_model", 0, 1, text_any},
                               {"config_path", 0, 1, text_any},
                               {"validate", 0, 1, text_any},
                               {"depends", 0, 1, text_any}};
    return s;
}

const Schema& schema(SchemaKind kind) {
    static const std::array<Schema, 8> all = [] {
        std::array<Schema, 8> a{make_integration(),
                                make_integration_config(),
                                make_integration_api(),
                                make_acl(),
                                make_module(),
                                make_webapi(),
                                make_menu(),
                                make_system()};
        for (auto& s : a)
            assign_keys(s);
        return a;
    }();
    return all[kind_index(kind)];
}

const ChildDef* find_child(const ElemDef& e, std::string_view name) {
    for (const auto& c : e.children)
        if (c.name == name) return &c;
    return nullptr;
}

const AttrDef* find_attr(const ElemDef& e, std::string_view name) {
    for (const auto& a : e.attrs)
        if (a.name == name) return &a;
    return nullptr;
}

// Rule index of the element at `path` (names from the root), -1 when the model does not know it.
int resolve(const Schema& s, const std::vector<std::string>& path) {
    if (path.empty() || path.front() != s.root) return -1;
    int r = 0;
    for (std::size_t i = 1; i < path.size(); ++i) {
        const ChildDef* c = find_child(s.elems[r], path[i]);
        if (!c) return -1;
        r = c->rule;
    }
    return r;
}

// Describes a value rule in a few words (markdown), empty for "anything".
std::string describe(const ValueRule& v) {
    switch (v.type) {
    case VType::Any:
        return {};
    case VType::NonEmpty:
        return "not empty";
    case VType::AclId:
        return "an ACL resource id such as `Magento_Sales::sales_order`";
    case VType::ResourceName:
        return "an ACL resource id such as `Magento_Sales::sales` (pattern `.+_.+::.+`)";
    case VType::IntegrationName:
        return "at least 2 characters";
    case VType::ModuleName:
        return "a module name such as `Vendor_Module`";
    case VType::SetupVersion:
        return "digits and dots, such as `1.0.0`";
    case VType::Email:
        return "an email address (pattern `[^@]+@[^\\.]+\\..+`)";
    case VType::Uri:
        return "a URL of at least 4 characters";
    case VType::AclTitle:
        return "3 to 50 characters";
    case VType::Boolean:
        return "`true`, `false`, `1` or `0`";
    case VType::Int:
        return "a whole number";
    case VType::NonNegInt:
        return "a whole number, 0 or more";
    case VType::Enum: {
        std::string out = "one of ";
        for (std::size_t i = 0; i < v.values.size(); ++i)
            out += (i ? ", `" : "`") + std::string(v.values[i]) + "`";
        return out;
    }
    }
    return {};
}

// Why `value` breaks `rule` (empty when it is fine).
std::string explain(const ValueRule& rule, std::string_view value) {
    switch (rule.type) {
    case VType::Any:
        return {};
    case VType::NonEmpty:
        return value.empty() ? "it is empty" : std::string{};
    case VType::AclId:
        return explain_acl_id(value);
    case VType::ResourceName:
        return explain_resource_name(value);
    case VType::IntegrationName:
        return char_count(value) < 2 ? "it must be at least 2 characters long" : std::string{};
    case VType::ModuleName:
        return explain_module_name(value);
    case VType::SetupVersion:
        return explain_setup_version(value);
    case VType::Email:
        return explain_email(value);
    case VType::Uri: {
        // xs:anyURI collapses whitespace before the length is measured.
        std::string collapsed;
        for (char c : trim_ws(value)) {
            if (is_ws(c)) {
                if (collapsed.empty() || collapsed.back() != ' ') collapsed += ' ';
            } else {
                collapsed += c;
            }
        }
        if (collapsed.empty()) return "it is empty";
        return char_count(collapsed) < 4 ? "it is shorter than 4 characters" : std::string{};
    }
    case VType::AclTitle: {
        const std::size_t n = char_count(value);
        if (n < 3) return "it is shorter than 3 characters";
        if (n > 50) return "it is longer than 50 characters (" + std::to_string(n) + ")";
        return {};
    }
    case VType::Boolean:
        return explain_boolean(value);
    case VType::Int:
        return explain_int(value);
    case VType::NonNegInt:
        return explain_integer(value, false, 0, (1LL << 62));
    case VType::Enum:
        for (auto v : rule.values)
            if (v == value) return {};
        {
            std::string d = describe(rule);
            d.erase(std::remove(d.begin(), d.end(), '`'), d.end());
            return "it must be " + d;
        }
    }
    return {};
}

std::string join_names(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += ", ";
        out += names[i];
    }
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Docs
// ---------------------------------------------------------------------------------------------

namespace {

using DocMap = std::map<std::string, std::string, std::less<>>;

// Sections of a docs file: "## key" headings, each followed by markdown up to the next "## ".
DocMap parse_docs(std::string_view md) {
    DocMap out;
    std::string key;
    std::string body;
    bool in_section = false;
    auto flush = [&] {
        if (in_section && !key.empty()) out[key] = std::string(trim_ws(body));
        body.clear();
    };
    std::size_t pos = 0;
    while (pos < md.size()) {
        auto nl = md.find('\n', pos);
        if (nl == std::string_view::npos) nl = md.size();
        std::string_view line = md.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = nl + 1;
        if (line.substr(0, 3) == "## ") {
            flush();
            key = std::string(trim_ws(line.substr(3)));
            in_section = true;
        } else if (line.substr(0, 2) == "# ") {
            flush();
            in_section = false;
        } else if (in_section) {
            body.append(line);
            body += '\n';
        }
    }
    flush();
    return out;
}

const DocMap& docs(SchemaKind kind) {
    static const std::array<DocMap, 8> all = [] {
        std::array<DocMap, 8> a;
        for (SchemaKind k : kAllKinds) {
            const std::string name = "docs/" + std::string(schema_kind_name(k)) + ".md";
            a[kind_index(k)] = parse_docs(embedded_file(name));
        }
        return a;
    }();
    return all[kind_index(kind)];
}

std::string doc_section(SchemaKind kind, std::string_view key) {
    const auto& d = docs(kind);
    auto it = d.find(key);
    return it == d.end() ? std::string{} : it->second;
}

// First paragraph of a section, on one line: its summary.
std::string one_line(SchemaKind kind, std::string_view key) {
    const std::string body = doc_section(kind, key);
    const auto end = body.find("\n\n");
    std::string out(trim_ws(std::string_view(body).substr(0, end)));
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

std::string occurs_text(std::uint32_t min, std::uint32_t max) {
    std::string req = min == 0 ? "optional" : "required";
    if (max == 1) return req + ", at most once";
    if (max == kUnbounded) {
        if (min > 1) return "at least " + std::to_string(min) + " times";
        return req + ", may repeat";
    }
    return req + ", at most " + std::to_string(max) + " times";
}

} // namespace

std::string element_doc(SchemaKind kind, const std::vector<std::string>& element_path,
                        std::string_view attribute) {
    const Schema& s = schema(kind);
    const int r = resolve(s, element_path);
    std::string key;
    if (r >= 0) {
        key = s.elems[r].key;
    } else {
        for (std::size_t i = 0; i < element_path.size(); ++i)
            key += (i ? "/" : "") + element_path[i];
    }
    std::string rule;
    if (!attribute.empty()) {
        key += "/@" + std::string(attribute);
        if (r >= 0) {
            if (const AttrDef* a = find_attr(s.elems[r], attribute)) {
                rule = a->required ? "Required attribute" : "Optional attribute";
                if (auto d = describe(a->value); !d.empty()) rule += "; value: " + d;
                rule += ".";
            }
        }
    } else if (r >= 0) {
        const ElemDef& e = s.elems[r];
        if (element_path.size() == 1) {
            rule = "Root element of `" + std::string(kind_file(kind)) + "`";
        } else {
            const std::vector<std::string> parent_path(element_path.begin(),
                                                       element_path.end() - 1);
            const int p = resolve(s, parent_path);
            const ChildDef* c = p >= 0 ? find_child(s.elems[p], element_path.back()) : nullptr;
            if (c) rule = "In `" + parent_path.back() + "`: " + occurs_text(c->min, c->max);
        }
        if (e.content == ContentKind::Text) {
            const auto d = describe(e.text);
            rule += rule.empty() ? "Text" : "; text";
            if (!d.empty()) rule += ": " + d;
        }
        if (!rule.empty()) rule += ".";
    }
    std::string body = doc_section(kind, key);
    if (body.empty() && rule.empty()) return {};
    if (rule.empty()) return body;
    rule = "*Schema:* " + rule;
    return body.empty() ? rule : body + "\n\n" + rule;
}

// ---------------------------------------------------------------------------------------------
// Completion knowledge
// ---------------------------------------------------------------------------------------------

std::vector<SchemaElementInfo> allowed_children(SchemaKind kind,
                                                const std::vector<std::string>& path_of_parent) {
    const Schema& s = schema(kind);
    std::vector<SchemaElementInfo> out;
    auto info = [&](std::string_view name, std::uint32_t min, std::uint32_t max, int rule) {
        const ElemDef& e = s.elems[rule];
        SchemaElementInfo i;
        i.name = std::string(name);
        i.content = e.content;
        i.min_occurs = min;
        i.max_occurs = max;
        for (const auto& a : e.attrs)
            if (a.required) i.required_attributes.emplace_back(a.name);
        i.doc = one_line(kind, e.key);
        return i;
    };
    if (path_of_parent.empty()) {
        out.push_back(info(s.root, 1, 1, 0));
        return out;
    }
    const int r = resolve(s, path_of_parent);
    if (r < 0) return out;
    for (const auto& c : s.elems[r].children)
        out.push_back(info(c.name, c.min, c.max, c.rule));
    return out;
}

std::vector<SchemaAttributeInfo> allowed_attributes(SchemaKind kind,
                                                    const std::vector<std::string>& element_path) {
    const Schema& s = schema(kind);
    std::vector<SchemaAttributeInfo> out;
    const int r = resolve(s, element_path);
    if (r < 0) return out;
    const ElemDef& e = s.elems[r];
    for (const auto& a : e.attrs) {
        SchemaAttributeInfo i;
        i.name = std::string(a.name);
        i.required = a.required;
        i.doc = one_line(kind, e.key + "/@" + std::string(a.name));
        if (a.value.type == VType::Boolean) i.values = {"true", "false"};
        for (auto v : a.value.values)
            i.values.emplace_back(v);
        out.push_back(std::move(i));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

namespace {

bool is_namespace_attribute(std::string_view name) {
    return name == "xmlns" || name.substr(0, 6) == "xmlns:" || name.substr(0, 4) == "xsi:";
}

class Validator {
public:
    Validator(const Schema& s, const XmlDocument& doc, std::string_view text)
        : s_(s), doc_(doc), text_(text) {}

    std::vector<Diagnostic> run() {
        const XmlElement* root = doc_.root_element();
        if (!root || !s_.validated) return {};
        if (root->name != s_.root) {
            std::string msg = "Root element '" + shown(root->name) + "' is not allowed in " +
                              std::string(kind_file(s_.kind)) + "; expected '" +
                              std::string(s_.root) + "'.";
            if (s_.kind == SchemaKind::Integration && root->name == "integrations")
                msg += " <integrations> is the root of the legacy etc/integration/config.xml "
                       "and api.xml; etc/integration.xml uses <config>.";
            else if (s_.kind != SchemaKind::Integration && root->name == "config" &&
                     s_.root == "integrations")
                msg += " <config> is the root of etc/integration.xml; the legacy files use "
                       "<integrations>.";
            add(root->name_range, msg);
            return std::move(out_);
        }
        rule_of_.assign(doc_.elements.size(), -1);
        rule_of_[doc_.root] = 0;
        for (std::size_t i = 0; i < doc_.elements.size(); ++i) {
            if (rule_of_[i] < 0) continue;
            const XmlElement& el = doc_.elements[i];
            const ElemDef& rule = s_.elems[rule_of_[i]];
            check_attributes(el, rule);
            check_content(el, rule);
            check_children(static_cast<std::uint32_t>(i), rule);
        }
        check_unique();
        return std::move(out_);
    }

private:
    const Schema& s_;
    const XmlDocument& doc_;
    std::string_view text_;
    std::vector<int> rule_of_;
    std::vector<Diagnostic> out_;
    std::unique_ptr<LineIndex> lines_;

    // Magento validates these files only in developer mode; module.xml has no such check.
    std::string tail(std::string_view otherwise) const {
        if (s_.kind == SchemaKind::Module) return {};
        std::string t = " Magento checks this only in developer mode";
        if (!otherwise.empty()) t += "; " + std::string(otherwise);
        return t + ".";
    }

    void add(Range range, std::string message) {
        Diagnostic d;
        d.range = range;
        d.severity = Severity::Error;
        d.code = "schema";
        d.message = std::move(message);
        out_.push_back(std::move(d));
    }

    std::uint32_t line_of(Offset o) {
        if (!lines_) lines_ = std::make_unique<LineIndex>(text_);
        return lines_->to_line_col(text_, o, Encoding::Utf8).line + 1;
    }

    Range clamp(Range r) const {
        const auto n = static_cast<Offset>(std::min<std::size_t>(text_.size(), 0xffffffffu));
        r.begin = std::min(r.begin, n);
        r.end = std::min(std::max(r.end, r.begin), n);
        return r;
    }

    void check_attributes(const XmlElement& el, const ElemDef& rule) {
        for (const auto& a : el.attributes) {
            if (is_namespace_attribute(a.name)) continue;
            const AttrDef* def = find_attr(rule, a.name);
            if (!def) {
                if (s_.open) continue;
                std::string msg =
                    "Attribute '" + shown(a.name) + "' is not allowed on '" + shown(el.name) + "'";
                if (rule.attrs.empty()) {
                    msg += "; it takes no attributes.";
                } else {
                    std::vector<std::string_view> names;
                    for (const auto& d : rule.attrs)
                        names.push_back(d.name);
                    msg += "; allowed: " + join_names(names) + ".";
                }
                add(a.name_range, msg + tail("otherwise it is ignored"));
                continue;
            }
            if (!a.has_value) continue; // malformed; xml-syntax reports it
            // Attribute-value normalization turns literal tabs and line breaks into spaces.
            std::string value = a.value;
            for (char& c : value)
                if (c == '\t' || c == '\n' || c == '\r') c = ' ';
            const std::string why = explain(def->value, value);
            if (why.empty()) continue;
            Range r = a.value_range;
            if (r.empty())
                r = Range{a.name_range.begin, a.value_range.end + (a.terminated ? 1 : 0)};
            add(clamp(r), "Value '" + shown(value) + "' of attribute '" + shown(a.name) + "' on '" +
                              shown(el.name) + "' is not valid: " + why + "." +
                              tail("otherwise the value is used as written"));
        }
        for (const auto& def : rule.attrs) {
            if (!def.required || el.attribute(def.name)) continue;
            add(el.name_range, "Element '" + shown(el.name) +
                                   "' is missing the required attribute '" + std::string(def.name) +
                                   "'." + tail({}));
        }
    }

    // The raw text between `begin` and `end` that is character data (not markup, comments or
    // processing instructions), first non-blank run only; empty range when it is all blank.
    Range first_text(Offset begin, Offset end) const {
        end = std::min<Offset>(
            end, static_cast<Offset>(std::min<std::size_t>(text_.size(), 0xffffffffu)));
        Offset i = begin;
        while (i < end) {
            const char c = text_[i];
            if (c == '<') {
                const std::string_view rest = text_.substr(i, end - i);
                if (rest.substr(0, 4) == "<!--") {
                    const auto close = rest.find("-->", 4);
                    if (close == std::string_view::npos) return {};
                    i += static_cast<Offset>(close + 3);
                } else if (rest.substr(0, 9) == "<![CDATA[") {
                    const auto close = rest.find("]]>", 9);
                    const Offset body_end =
                        close == std::string_view::npos ? end : i + static_cast<Offset>(close);
                    for (Offset k = i + 9; k < body_end; ++k)
                        if (!is_ws(text_[k])) return Range{i, std::min<Offset>(body_end + 3, end)};
                    i = close == std::string_view::npos ? end : body_end + 3;
                } else if (rest.substr(0, 2) == "<?") {
                    const auto close = rest.find("?>", 2);
                    if (close == std::string_view::npos) return {};
                    i += static_cast<Offset>(close + 2);
                } else {
                    ++i; // stray markup (recovery leftovers): not character data
                    while (i < end && text_[i] != '>' && text_[i] != '<')
                        ++i;
                    if (i < end && text_[i] == '>') ++i;
                }
            } else if (is_ws(c)) {
                ++i;
            } else {
                Offset j = i;
                while (j < end && text_[j] != '<')
                    ++j;
                while (j > i && is_ws(text_[j - 1]))
                    --j;
                return Range{i, j};
            }
        }
        return {};
    }

    void check_content(const XmlElement& el, const ElemDef& rule) {
        if (rule.content == ContentKind::Text) {
            if (!el.children.empty()) return; // the children are reported
            std::string value = el.text;
            if (rule.text.type == VType::Email) {
                // xs:string keeps whitespace: the pattern sees the raw content.
                const Range c = clamp(el.content);
                const std::string_view raw = text_.substr(c.begin, c.end - c.begin);
                if (raw.find('<') == std::string_view::npos &&
                    raw.find('&') == std::string_view::npos)
                    value = std::string(raw);
            }
            const std::string why = explain(rule.text, value);
            if (why.empty()) return;
            const Range r = el.text_range.empty() ? el.name_range : el.text_range;
            std::string msg = el.text.empty() ? "Element '" + shown(el.name) + "' is empty"
                                              : "Text '" + shown(el.text) + "' of '" +
                                                    shown(el.name) + "' is not valid";
            if (auto d = describe(rule.text); !d.empty()) {
                // drop markdown backticks from the description inside a plain message
                d.erase(std::remove(d.begin(), d.end(), '`'), d.end());
                msg += "; expected " + d;
            }
            // An empty element needs no reason beyond being empty.
            if (!el.text.empty()) msg += ": " + why;
            add(clamp(r), msg + "." + tail("otherwise the value is used as written"));
            return;
        }
        if (rule.content == ContentKind::Empty && rule.text_allowed) return;
        // Element-only or empty content: no character data allowed.
        Offset pos = el.content.begin;
        Range found{};
        for (std::uint32_t c : el.children) {
            const XmlElement& child = doc_.elements[c];
            if (child.range.begin > pos) {
                found = first_text(pos, child.range.begin);
                if (!found.empty()) break;
            }
            pos = std::max(pos, child.range.end);
        }
        if (found.empty() && el.content.end > pos) found = first_text(pos, el.content.end);
        if (found.empty()) return;
        add(found, "Element '" + shown(el.name) + "' cannot contain text" +
                       (rule.content == ContentKind::Empty ? "" : ", only child elements") + "." +
                       tail({}));
    }

    std::string not_allowed(const XmlElement& child, const XmlElement& parent,
                            const ElemDef& parent_rule,
                            const std::vector<std::string_view>& expected) const {
        std::string msg = "Element '" + shown(child.name) + "' is not allowed here";
        if (expected.empty())
            msg += "; '" + shown(parent.name) + "' expects no further child elements.";
        else
            msg += "; expected " + std::string(expected.size() == 1 ? "" : "one of: ") +
                   join_names(expected) + ".";
        // A common slip: the element belongs one level deeper, e.g. <module> directly in
        // <module> instead of in its <sequence>.
        for (const auto& c : parent_rule.children) {
            if (c.rule >= 0 && find_child(s_.elems[c.rule], child.name)) {
                msg += " '" + shown(child.name) + "' belongs inside <" + std::string(c.name) + ">.";
                break;
            }
        }
        return msg + tail("otherwise it is ignored");
    }

    void missing_child(const XmlElement& parent, const ChildDef& def, std::string_view before) {
        std::string msg;
        if (def.min <= 1)
            msg = "Element '" + shown(parent.name) + "' is missing the required child element '" +
                  std::string(def.name) + "'";
        else
            msg = "Element '" + shown(parent.name) + "' needs at least " + std::to_string(def.min) +
                  " '" + std::string(def.name) + "' elements";
        if (!before.empty()) msg += " (expected before '" + shown(before) + "')";
        add(parent.name_range, msg + "." + tail({}));
    }

    void too_many(const XmlElement& child, const XmlElement& parent, const ChildDef& def) {
        std::string limit = def.max == 1 ? "once" : std::to_string(def.max) + " times";
        add(child.name_range, "Element '" + shown(child.name) + "' may appear only " + limit +
                                  " in '" + shown(parent.name) + "'." + tail({}));
    }

    void check_children(std::uint32_t index, const ElemDef& rule) {
        const XmlElement& el = doc_.elements[index];
        if (el.children.empty() && rule.children.empty()) return;
        if (rule.content != ContentKind::Elements) {
            for (std::uint32_t c : el.children) {
                const XmlElement& child = doc_.elements[c];
                std::string msg = "Element '" + shown(child.name) + "' is not allowed here; '" +
                                  shown(el.name) + "' " +
                                  (rule.content == ContentKind::Text ? "holds text only"
                                                                     : "takes no child elements") +
                                  ".";
                if (!s_.open) add(child.name_range, msg + tail("otherwise it is ignored"));
            }
            return;
        }
        if (rule.ordered)
            check_ordered(el, rule);
        else
            check_unordered(el, rule);
    }

    void check_unordered(const XmlElement& el, const ElemDef& rule) {
        std::vector<std::uint32_t> count(rule.children.size(), 0);
        for (std::uint32_t c : el.children) {
            const XmlElement& child = doc_.elements[c];
            const ChildDef* def = find_child(rule, child.name);
            if (!def) {
                if (s_.open) continue;
                std::vector<std::string_view> expected;
                for (std::size_t k = 0; k < rule.children.size(); ++k)
                    if (count[k] < rule.children[k].max) expected.push_back(rule.children[k].name);
                add(child.name_range, not_allowed(child, el, rule, expected));
                continue;
            }
            const auto k = static_cast<std::size_t>(def - rule.children.data());
            if (++count[k] > def->max) too_many(child, el, *def);
            rule_of_[c] = def->rule;
        }
        for (std::size_t k = 0; k < rule.children.size(); ++k)
            if (count[k] < rule.children[k].min && !s_.open)
                missing_child(el, rule.children[k], {});
    }

    void check_ordered(const XmlElement& el, const ElemDef& rule) {
        const std::size_t n = rule.children.size();
        std::vector<bool> present(n, false); // the element occurs somewhere among the children
        for (std::uint32_t c : el.children)
            if (const ChildDef* d = find_child(rule, doc_.elements[c].name))
                present[static_cast<std::size_t>(d - rule.children.data())] = true;
        std::size_t k = 0;     // current particle
        std::uint32_t cnt = 0; // occurrences matched by particle k
        auto expected = [&] {
            std::vector<std::string_view> names;
            for (std::size_t m = k; m < n; ++m) {
                const std::uint32_t have = m == k ? cnt : 0;
                if (have < rule.children[m].max) names.push_back(rule.children[m].name);
                if (have < rule.children[m].min) break;
            }
            return names;
        };
        for (std::uint32_t c : el.children) {
            const XmlElement& child = doc_.elements[c];
            const ChildDef* def = find_child(rule, child.name);
            if (!def) {
                add(child.name_range, not_allowed(child, el, rule, expected()));
                continue;
            }
            rule_of_[c] = def->rule;
            const auto j = static_cast<std::size_t>(def - rule.children.data());
            if (j == k) {
                if (cnt < def->max)
                    ++cnt;
                else
                    too_many(child, el, *def);
            } else if (j > k) {
                for (std::size_t m = k; m < j; ++m) {
                    const std::uint32_t have = m == k ? cnt : 0;
                    if (have < rule.children[m].min && !present[m])
                        missing_child(el, rule.children[m], child.name);
                }
                k = j;
                cnt = 1;
            } else {
                std::vector<std::string_view> order;
                for (const auto& d : rule.children)
                    order.push_back(d.name);
                std::string msg = "Element '" + shown(child.name) +
                                  "' is out of order; the children of '" + shown(el.name) +
                                  "' must come in the order " + join_names(order) + ".";
                add(child.name_range, msg + tail("otherwise the order does not matter"));
            }
        }
        for (std::size_t m = k; m < n; ++m) {
            const std::uint32_t have = m == k ? cnt : 0;
            if (have < rule.children[m].min && !present[m]) missing_child(el, rule.children[m], {});
        }
    }

    // A duplicate value among `elements` for attribute `attr`.
    void unique(const std::vector<std::uint32_t>& elements, std::string_view attr,
                const std::string& what, const std::string& consequence) {
        std::map<std::string, std::uint32_t, std::less<>> first;
        for (std::uint32_t e : elements) {
            const XmlAttribute* a = doc_.elements[e].attribute(attr);
            if (!a || !a->has_value || a->value.empty()) continue;
            auto [it, inserted] = first.emplace(a->value, e);
            if (inserted) continue;
            const XmlElement& earlier = doc_.elements[it->second];
            add(clamp(a->value_range), what + " '" + shown(a->value) +
                                           "' is already declared on line " +
                                           std::to_string(line_of(earlier.name_range.begin)) +
                                           " of this file; " + consequence);
        }
    }

    void check_unique() {
        const std::uint32_t root = doc_.root;
        switch (s_.kind) {
        case SchemaKind::Integration:
        case SchemaKind::IntegrationConfig:
        case SchemaKind::IntegrationApi:
            unique(doc_.children(root, "integration"), "name", "Integration",
                   "Magento keeps one integration per name, so the later declaration overrides "
                   "or merges into the earlier one.");
            break;
        case SchemaKind::Module:
            unique(doc_.children(root, "module"), "name", "Module",
                   "module.xsd requires module names to be unique.");
            for (std::uint32_t m : doc_.children(root, "module"))
                for (std::uint32_t seq : doc_.children(m, "sequence"))
                    unique(doc_.children(seq), "name", "Dependency",
                           "a module may be listed only once in <sequence>.");
            break;
        default:
            break;
        }
    }
};

} // namespace

std::vector<Diagnostic> validate_schema(SchemaKind kind, const XmlDocument& doc,
                                        std::string_view text) {
    Validator v(schema(kind), doc, text);
    return v.run();
}

} // namespace mil
