// Document symbols (the editor's outline): the resource tree of an acl.xml, the integrations
// of an integration file with what they declare, and a module.xml's module with its sequence.
#include "participants.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mil {

namespace {

// LSP SymbolKind numbers.
constexpr int kModule = 2;
constexpr int kClass = 5;
constexpr int kProperty = 7;
constexpr int kKey = 20;

// Real acl.xml trees are a handful of levels deep; deeper resources are listed under their
// ancestor at this depth so that no outline (and no recursive walk of it) gets unbounded.
constexpr std::size_t kMaxSymbolDepth = 32;
// And they are small: the largest acl.xml of Magento 2.4.8-p1 (Magento_Backend's) declares 36
// resources, the largest integration.xml of the corpus lists 36 ids. An outline stops after
// this many resources or listed ids, and a last symbol says how many more there are; a
// generated 100,000-resource acl.xml would otherwise answer 23 MB.
constexpr std::size_t kMaxSymbols = 5000;

std::string or_placeholder(const std::string& s, std::string_view placeholder) {
    return s.empty() ? std::string(placeholder) : s;
}

bool inside(Range inner, Range outer) {
    return outer.begin <= inner.begin && inner.end <= outer.end;
}

SymbolInfo make_symbol(std::string name, std::string detail, int kind, const std::string& path,
                       Range range, Range selection) {
    if (!inside(selection, range)) selection = {range.begin, range.begin};
    return {std::move(name), std::move(detail), kind, {path, range}, selection, {}};
}

// The symbol that stands for the `more` resources or ids left out, at the first of them.
SymbolInfo more_symbol(std::size_t more, const char* what, const std::string& path, Range first) {
    return make_symbol(fmt::format("({} more {} not listed)", more, what),
                       fmt::format("the outline lists the first {}", kMaxSymbols), kKey, path,
                       first, {first.begin, first.begin});
}

void acl_symbols(const Query& q, std::vector<SymbolInfo>& out) {
    const XmlDocument& doc = q.xml();
    const XmlElement* root = doc.root_element();
    if (!root || root->name != "config") return;
    // Resources in preorder, each with the index of the symbol it nests in.
    struct Item {
        std::uint32_t element;
        std::size_t parent; // index into `items`, or npos at the top
        std::size_t depth;
    };
    constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<Item> items;
    std::vector<Item> stack;
    for (auto acl : doc.children(doc.root, "acl"))
        for (auto resources : doc.children(acl, "resources")) {
            auto top = doc.children(resources, "resource");
            for (auto it = top.rbegin(); it != top.rend(); ++it)
                stack.push_back({*it, npos, 1});
        }
    std::size_t more = 0; // resources past kMaxSymbols
    Range first_left_out;
    while (!stack.empty()) {
        Item item = stack.back();
        stack.pop_back();
        if (items.size() == kMaxSymbols) {
            if (more++ == 0) first_left_out = doc.elements[item.element].range;
            for (auto kid : doc.children(item.element, "resource"))
                stack.push_back({kid, npos, item.depth});
            continue;
        }
        std::size_t self = items.size();
        items.push_back(item);
        // Past the depth cap, children nest in this resource's parent instead.
        std::size_t nest_in = item.depth >= kMaxSymbolDepth ? item.parent : self;
        std::size_t depth = item.depth >= kMaxSymbolDepth ? item.depth : item.depth + 1;
        auto kids = doc.children(item.element, "resource");
        for (auto it = kids.rbegin(); it != kids.rend(); ++it)
            stack.push_back({*it, nest_in, depth});
    }
    std::vector<SymbolInfo> syms;
    syms.reserve(items.size());
    for (const auto& item : items) {
        const XmlElement& e = doc.elements[item.element];
        const XmlAttribute* id = e.attribute("id");
        const XmlAttribute* title = e.attribute("title");
        std::string detail = title ? title->value : std::string();
        if (detail.empty())
            if (const AclNode* n = id ? q.snapshot.acl.find(id->value) : nullptr) detail = n->title;
        syms.push_back(make_symbol(or_placeholder(id ? id->value : std::string(), "(no id)"),
                                   std::move(detail), kKey, q.file.path, e.range,
                                   id ? id->value_range : e.name_range));
    }
    // Children have larger indices than their parent: move each into its parent, last first.
    std::vector<SymbolInfo> top;
    for (std::size_t i = items.size(); i-- > 0;) {
        std::reverse(syms[i].children.begin(), syms[i].children.end());
        if (items[i].parent == npos)
            top.push_back(std::move(syms[i]));
        else
            syms[items[i].parent].children.push_back(std::move(syms[i]));
    }
    std::reverse(top.begin(), top.end());
    for (auto& s : top)
        out.push_back(std::move(s));
    if (more) out.push_back(more_symbol(more, "resources", q.file.path, first_left_out));
}

void integration_symbols(const Query& q, std::vector<SymbolInfo>& out) {
    const std::string& path = q.file.path;
    std::size_t listed = 0; // resource ids in the outline, over all integrations
    for (const auto& integ : q.file.facts.integrations) {
        Range selection = integ.name.range.empty() && integ.name.value.empty()
                              ? integ.element_name_range
                              : integ.name.range;
        SymbolInfo s = make_symbol(or_placeholder(integ.name.value, "(no name)"),
                                   fmt::format("integration ({})", file_kind_name(q.file.kind)),
                                   kClass, path, integ.element_range, selection);
        auto property = [&](const std::optional<TextValue>& v, const char* what) {
            if (!v) return;
            s.children.push_back(make_symbol(what, v->value, kProperty, path, v->range, v->range));
        };
        property(integ.email, "email");
        property(integ.endpoint_url, "endpoint_url");
        property(integ.identity_link_url, "identity_link_url");
        for (const auto& r : integ.resources) {
            if (listed == kMaxSymbols) {
                const std::size_t more = integ.resources.size() - (&r - integ.resources.data());
                s.children.push_back(more_symbol(more, "ids", path, r.range));
                break;
            }
            ++listed;
            const AclNode* n = q.snapshot.acl.find(r.id);
            s.children.push_back(make_symbol(or_placeholder(r.id, "(no name)"),
                                             n ? n->title : std::string(), kKey, path, r.range,
                                             r.range));
        }
        out.push_back(std::move(s));
    }
}

void module_symbols(const Query& q, std::vector<SymbolInfo>& out) {
    const auto& m = q.file.facts.module;
    if (!m) return;
    const std::string& path = q.file.path;
    Range selection = m->name.value.empty() ? m->element_name_range : m->name.range;
    SymbolInfo s =
        make_symbol(or_placeholder(m->name.value, "(no name)"),
                    m->setup_version ? "setup_version " + m->setup_version->value : std::string(),
                    kModule, path, m->element_range, selection);
    for (const auto& dep : m->sequence)
        s.children.push_back(make_symbol(or_placeholder(dep.value, "(no name)"), "sequence",
                                         kModule, path, dep.range, dep.range));
    out.push_back(std::move(s));
}

class SymbolsParticipant final : public Participant {
public:
    const char* name() const override { return "symbols"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::Acl || kind == FileKind::Integration ||
               kind == FileKind::IntegrationConfig || kind == FileKind::IntegrationApi ||
               kind == FileKind::ModuleXml;
    }

    void symbols(const Query& q, std::vector<SymbolInfo>& out) const override {
        switch (q.file.kind) {
        case FileKind::Acl:
            acl_symbols(q, out);
            break;
        case FileKind::ModuleXml:
            module_symbols(q, out);
            break;
        default:
            integration_symbols(q, out);
            break;
        }
    }
};

} // namespace

const Participant& symbols_participant() {
    static const SymbolsParticipant p;
    return p;
}

} // namespace mil
