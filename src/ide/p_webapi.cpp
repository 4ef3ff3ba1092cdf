// etc/webapi.xml: the ACL resources a REST/SOAP route requires (route/resources/resource@ref).
#include "p_acl_refs.hpp"

#include "mil/model/routes.hpp"

#include <fmt/format.h>

#include <cctype>

namespace mil {

namespace {

// The two refs Magento handles itself; neither is an ACL id.
struct SpecialRef {
    std::string_view ref;
    std::string_view doc;
};
constexpr SpecialRef kSpecialRefs[] = {
    {"self", "`self` — allowed for a customer's own token: Magento authorizes the route for the "
             "logged-in customer, who acts on their own data (no ACL resource is checked)."},
    {"anonymous", "`anonymous` — anyone may call the route, without a token (no ACL resource is "
                  "checked)."},
};

const SpecialRef* special_ref(std::string_view ref) {
    for (const auto& s : kSpecialRefs)
        if (s.ref == ref) return &s;
    return nullptr;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

// Every resource@ref attribute of the file (special refs included).
template <typename F>
void each_ref(const XmlDocument& doc, F&& fn) {
    const XmlElement* root = doc.root_element();
    if (!root || root->name != "routes") return;
    for (auto route : doc.children(doc.root, "route"))
        for (auto resources : doc.children(route, "resources"))
            for (auto r : doc.children(resources, "resource"))
                if (const XmlAttribute* a = doc.elements[r].attribute("ref")) fn(*a);
}

class WebapiParticipant final : public AclRefParticipant {
public:
    const char* name() const override { return "webapi"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Webapi; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        if (route_index_enabled()) // for the route index (routes.hpp)
            facts.routes = read_webapi_routes(*entry.text);
        // A plain document (nearly all) is read in one pass, without the tree.
        static const std::vector<std::string_view> kRefPath = {"routes", "route", "resources",
                                                               "resource"};
        if (auto refs = scan_plain_attributes(*entry.text, kRefPath, "ref")) {
            for (auto& r : *refs)
                if (!special_ref(r.text)) add_ref({std::move(r.text), r.range}, facts);
            return;
        }
        XmlDocument doc = parse_xml(*entry.text);
        each_ref(doc, [&](const XmlAttribute& a) {
            if (!special_ref(a.value)) add_ref({a.value, a.value_range}, facts);
        });
    }

    void complete(const Query& q, CompletionResult& out) const override {
        const std::string& text = *q.file.text;
        const XmlDocument& doc = q.xml();
        CursorContext c = locate(doc, text, q.offset);
        if (c.kind != CursorKind::AttributeValue || c.attribute != "ref" ||
            !path_ends_with(c.path, {"route", "resources", "resource"}))
            return;
        for (const auto& s : kSpecialRefs) {
            if (!istarts_with(s.ref, c.prefix)) continue;
            CompletionItem item;
            item.label = std::string(s.ref);
            item.detail = "no ACL check";
            item.documentation = std::string(s.doc);
            item.kind = CompletionKind::Value;
            item.edit = {c.token, item.label};
            item.sort_text = fmt::format("!{}", s.ref); // before the ids
            out.items.push_back(std::move(item));
        }
        complete_acl_ids(q, c.token, c.prefix, out);
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        if (auto h = AclRefParticipant::hover(q)) return h;
        // `self` and `anonymous` are not indexed (they are no ACL ids): find them in the text.
        std::optional<HoverResult> out;
        const XmlDocument& doc = q.xml();
        each_ref(doc, [&](const XmlAttribute& a) {
            if (out || !a.value_range.touches(q.offset)) return;
            if (const SpecialRef* s = special_ref(a.value))
                out = HoverResult{std::string(s->doc), a.value_range};
        });
        return out;
    }

protected:
    std::string_view consequence(FileKind) const override {
        static const std::string text =
            fmt::format("{}, so an integration or an admin role limited to a list of resources "
                        "can never call this route",
                        kOnlyFullAccess);
        return text;
    }
};

} // namespace

const Participant& webapi_participant() {
    static const WebapiParticipant p;
    return p;
}

} // namespace mil
