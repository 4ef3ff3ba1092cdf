// allowed_children / allowed_attributes (completion knowledge) and element_doc (hover).
#include "mil/model/schema.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace mil;

namespace {

using Path = std::vector<std::string>;

const SchemaElementInfo* find(const std::vector<SchemaElementInfo>& v, std::string_view name) {
    for (const auto& e : v)
        if (e.name == name) return &e;
    return nullptr;
}

const SchemaAttributeInfo* find(const std::vector<SchemaAttributeInfo>& v, std::string_view name) {
    for (const auto& a : v)
        if (a.name == name) return &a;
    return nullptr;
}

std::vector<std::string> names(const std::vector<SchemaElementInfo>& v) {
    std::vector<std::string> out;
    for (const auto& e : v)
        out.push_back(e.name);
    return out;
}

// Every element path reachable from the root, walked without recursion, stopping at repeats of
// the same name under itself (the recursive ACL resource).
std::vector<Path> all_paths(SchemaKind kind) {
    std::vector<Path> out;
    std::vector<Path> todo{{}};
    while (!todo.empty()) {
        Path parent = todo.back();
        todo.pop_back();
        for (const auto& child : allowed_children(kind, parent)) {
            if (!parent.empty() && parent.back() == child.name && child.name == "resource")
                continue;
            Path p = parent;
            p.push_back(child.name);
            out.push_back(p);
            todo.push_back(p);
        }
    }
    return out;
}

std::string joined(const Path& p) {
    std::string s;
    for (const auto& n : p)
        s += "/" + n;
    return s;
}

} // namespace

TEST_CASE("allowed_children: integration.xml") {
    const auto root = allowed_children(SchemaKind::Integration, {});
    REQUIRE(names(root) == std::vector<std::string>{"config"});

    const auto top = allowed_children(SchemaKind::Integration, {"config"});
    REQUIRE(names(top) == std::vector<std::string>{"integration"});
    CHECK(top[0].min_occurs == 1);
    CHECK(top[0].max_occurs == kUnbounded);
    CHECK(top[0].required_attributes == std::vector<std::string>{"name"});
    CHECK(top[0].has_children());

    const auto inside = allowed_children(SchemaKind::Integration, {"config", "integration"});
    CHECK(names(inside) ==
          std::vector<std::string>{"email", "endpoint_url", "identity_link_url", "resources"});
    const auto* email = find(inside, "email");
    REQUIRE(email);
    CHECK(email->text_only());
    CHECK(email->max_occurs == 1);
    CHECK(email->min_occurs == 0); // optional in one file
    CHECK_FALSE(email->doc.empty());
    CHECK(find(inside, "resources")->has_children());

    const auto res =
        allowed_children(SchemaKind::Integration, {"config", "integration", "resources"});
    REQUIRE(res.size() == 1);
    CHECK(res[0].name == "resource");
    CHECK(res[0].content == ContentKind::Empty);
    CHECK(res[0].required_attributes == std::vector<std::string>{"name"});
    CHECK(res[0].max_occurs == kUnbounded);
}

TEST_CASE("allowed_children: legacy config.xml requires email; unknown paths give nothing") {
    const auto inside =
        allowed_children(SchemaKind::IntegrationConfig, {"integrations", "integration"});
    CHECK(names(inside) == std::vector<std::string>{"email", "endpoint_url", "identity_link_url"});
    CHECK(inside[0].min_occurs == 1);
    CHECK(allowed_children(SchemaKind::IntegrationConfig, {"config"}).empty());
    CHECK(allowed_children(SchemaKind::Integration, {"config", "nope"}).empty());
    CHECK(allowed_children(SchemaKind::Integration, {"config", "integration", "email"}).empty());
}

TEST_CASE("allowed_children and attributes: nested ACL resources at any depth") {
    Path p{"config", "acl", "resources"};
    for (int depth = 0; depth < 8; ++depth) {
        p.push_back("resource");
        const auto kids = allowed_children(SchemaKind::Acl, p);
        REQUIRE(kids.size() == 1);
        CHECK(kids[0].name == "resource");
        CHECK(kids[0].required_attributes == std::vector<std::string>{"id"});
    }
    const auto attrs = allowed_attributes(SchemaKind::Acl, p);
    std::vector<std::string> an;
    for (const auto& a : attrs)
        an.push_back(a.name);
    CHECK(an == std::vector<std::string>{"id", "title", "translate", "sortOrder", "disabled"});
    CHECK(find(attrs, "id")->required);
    CHECK_FALSE(find(attrs, "title")->required);
    CHECK(find(attrs, "disabled")->values == std::vector<std::string>{"true", "false"});
    for (const auto& a : attrs)
        CHECK_FALSE(a.doc.empty());
}

TEST_CASE("allowed_attributes: enumerations and unknown elements") {
    const auto route = allowed_attributes(SchemaKind::Webapi, {"routes", "route"});
    const auto* method = find(route, "method");
    REQUIRE(method);
    CHECK(method->required);
    CHECK(method->values == std::vector<std::string>{"GET", "PUT", "POST", "DELETE"});
    CHECK(find(route, "url")->values.empty());
    CHECK(allowed_attributes(SchemaKind::Webapi, {"routes", "nope"}).empty());
    CHECK(allowed_attributes(SchemaKind::Module, {}).empty());
}

TEST_CASE("menu.xml and system.xml: the elements that carry ACL ids") {
    const auto add = allowed_attributes(SchemaKind::Menu, {"config", "menu", "add"});
    REQUIRE(find(add, "resource"));
    CHECK(find(add, "resource")->required);
    const auto upd = allowed_attributes(SchemaKind::Menu, {"config", "menu", "update"});
    REQUIRE(find(upd, "resource"));
    CHECK_FALSE(find(upd, "resource")->required);
    const auto section = allowed_children(SchemaKind::System, {"config", "system", "section"});
    const auto* res = find(section, "resource");
    REQUIRE(res);
    CHECK(res->text_only());
    CHECK_FALSE(res->doc.empty());
}

TEST_CASE("docs exist for every element and attribute allowed in the documented kinds") {
    for (SchemaKind kind :
         {SchemaKind::Integration, SchemaKind::IntegrationConfig, SchemaKind::IntegrationApi,
          SchemaKind::Acl, SchemaKind::Module, SchemaKind::Webapi}) {
        const auto paths = all_paths(kind);
        REQUIRE(paths.size() > 2);
        for (const auto& p : paths) {
            INFO(std::string(schema_kind_name(kind)) << " " << joined(p));
            const std::string doc = element_doc(kind, p);
            // A written section, not only the generated schema line.
            CHECK(doc.rfind("*Schema:*", 0) == std::string::npos);
            CHECK(doc.size() > 20);
            for (const auto& a : allowed_attributes(kind, p)) {
                INFO("@" << a.name);
                CHECK_FALSE(a.doc.empty());
                const std::string adoc = element_doc(kind, p, a.name);
                CHECK(adoc.rfind("*Schema:*", 0) == std::string::npos);
                CHECK(adoc.find(a.required ? "Required attribute" : "Optional attribute") !=
                      std::string::npos);
            }
        }
    }
}

TEST_CASE("element_doc: content and the generated rule line") {
    const std::string email =
        element_doc(SchemaKind::Integration, {"config", "integration", "email"});
    CHECK(email.find("email") != std::string::npos);
    CHECK(
        email.find("*Schema:* In `integration`: optional, at most once; text: an email address") !=
        std::string::npos);

    const std::string res_name = element_doc(
        SchemaKind::Integration, {"config", "integration", "resources", "resource"}, "name");
    CHECK(res_name.find("acl.xml") != std::string::npos);
    CHECK(res_name.find("Required attribute") != std::string::npos);

    // The legacy email is required.
    CHECK(element_doc(SchemaKind::IntegrationConfig, {"integrations", "integration", "email"})
              .find("required, at most once") != std::string::npos);

    // Nested ACL resources share one entry.
    const std::string deep = element_doc(
        SchemaKind::Acl, {"config", "acl", "resources", "resource", "resource", "resource"}, "id");
    CHECK(deep == element_doc(SchemaKind::Acl, {"config", "acl", "resources", "resource"}, "id"));
    CHECK(deep.find("Magento_Sales::sales_order") != std::string::npos);

    CHECK(element_doc(SchemaKind::Module, {"config"}).find("Root element") != std::string::npos);
    CHECK(element_doc(SchemaKind::Module, {"config", "module"}, "setup_version").find("2.3") !=
          std::string::npos);
}

TEST_CASE("element_doc: nothing for what the schema does not know") {
    CHECK(element_doc(SchemaKind::Integration, {"config", "integration", "foo"}).empty());
    CHECK(element_doc(SchemaKind::Integration, {"config", "integration"}, "foo").empty());
    CHECK(element_doc(SchemaKind::Integration, {}).empty());
    CHECK(element_doc(SchemaKind::Acl, {"integrations"}).empty());
}

TEST_CASE("element_doc is safe to call from several threads") {
    const Path p{"config", "integration", "endpoint_url"};
    const std::string expected = element_doc(SchemaKind::Integration, p);
    REQUIRE_FALSE(expected.empty());
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] {
            std::string last;
            for (int i = 0; i < 200; ++i)
                last = element_doc(SchemaKind::Integration, p);
            results[t] = last;
        });
    for (auto& th : threads)
        th.join();
    for (const auto& r : results)
        CHECK(r == expected);
}
