// The merged ACL tree, as Magento merges every module's acl.xml: by id at every depth,
// titles from any file, disabled subtrees removed, siblings by sortOrder, and the bundled
// catalogue only when the tree has no Magento core.
#include "magento_fixture.hpp"
#include "mil/ide/entry.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace mil;
using namespace mil::test;

namespace {

std::string acl_xml(std::string_view resources) {
    return "<?xml version=\"1.0\"?>\n<config>\n    <acl>\n        <resources>\n" +
           std::string(resources) + "        </resources>\n    </acl>\n</config>\n";
}

const std::string kAcmeAcl = kAcmeDir + "/etc/acl.xml";
const std::string kZetaDir = std::string(kRoot) + "/app/code/Zeta/Reports";

std::vector<std::string> child_ids(const AclTree& tree, std::string_view id) {
    std::vector<std::string> out;
    const AclNode* n = tree.find(id);
    if (!n) return {"<no such id>"};
    for (auto c : n->children)
        out.push_back(tree.nodes[c].id);
    return out;
}

std::string parent_id(const AclTree& tree, std::string_view id) {
    const AclNode* n = tree.find(id);
    if (!n) return "<no such id>";
    return n->parent == kNoAcl ? std::string() : tree.nodes[n->parent].id;
}

} // namespace

TEST_CASE("acl: the core tree has one node per id with parents and titles") {
    auto snap = core_snapshot();
    const AclTree& t = snap->acl;
    CHECK(snap->has_core);
    CHECK_FALSE(snap->uses_catalog);
    CHECK(t.nodes.size() == 15);
    CHECK(t.roots.size() == 1);
    CHECK(parent_id(t, "Magento_Sales::actions_view") == "Magento_Sales::actions");
    CHECK(parent_id(t, "Magento_Sales::sales") == "Magento_Backend::admin");
    CHECK(parent_id(t, "Magento_Backend::admin").empty());
    // Magento_Backend::admin is declared by all four files, titled by one.
    const AclNode* admin = t.find("Magento_Backend::admin");
    REQUIRE(admin);
    CHECK(admin->declarations.size() == 4);
    CHECK(admin->title == "Magento Admin");
    CHECK(admin->module == "Magento_Backend");
    const AclNode* order = t.find("Magento_Sales::sales_order");
    REQUIRE(order);
    CHECK(order->module == "Magento_Sales");
    CHECK(order->title_location.path == core_dir("Sales") + "/etc/acl.xml");
    CHECK(t.breadcrumb(*order) == "Magento Admin \u203a Sales \u203a Operations \u203a Orders");
}

TEST_CASE("acl: a module adding a child repeats the ancestors; they merge by id at every depth") {
    const std::string acme =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Magento_Sales::sales\">\n"
                "                    <resource id=\"Magento_Sales::sales_operation\">\n"
                "                        <resource id=\"Magento_Sales::sales_order\">\n"
                "                            <resource id=\"Acme_Connector::export\" "
                "title=\"Export Orders\" "
                "sortOrder=\"5\"/>\n"
                "                        </resource>\n"
                "                    </resource>\n"
                "                </resource>\n"
                "            </resource>\n");
    auto snap = core_snapshot({{kAcmeAcl, acme}});
    const AclTree& t = snap->acl;
    CHECK(t.nodes.size() == 16);
    CHECK(parent_id(t, "Acme_Connector::export") == "Magento_Sales::sales_order");
    CHECK(child_ids(t, "Magento_Sales::sales_order") ==
          std::vector<std::string>{"Acme_Connector::export", "Magento_Sales::actions"});
    const AclNode* order = t.find("Magento_Sales::sales_order");
    REQUIRE(order);
    CHECK(order->declarations.size() == 2);
    CHECK(order->title == "Orders"); // the repeated ancestor has no title: it keeps the core one
    const AclNode* exp = t.find("Acme_Connector::export");
    REQUIRE(exp);
    CHECK(exp->module == "Acme_Connector");
    CHECK(t.breadcrumb(*exp) ==
          "Magento Admin \u203a Sales \u203a Operations \u203a Orders \u203a Export Orders");
}

TEST_CASE("acl: a title may come from any file, whichever loads first") {
    // Acme_Connector loads before Magento_Sales (no sequence: by name), Zeta_Reports after.
    const std::string early = acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                                      "                <resource id=\"Acme_Connector::a\">\n"
                                      "                    <resource id=\"Acme_Connector::b\"/>\n"
                                      "                </resource>\n"
                                      "            </resource>\n");
    const std::string late =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Acme_Connector::a\" title=\"Titled Late\">\n"
                "                    <resource id=\"Acme_Connector::b\"/>\n"
                "                </resource>\n"
                "            </resource>\n");
    auto snap = core_snapshot({{kAcmeAcl, early},
                               {kZetaDir + "/etc/acl.xml", late},
                               {kZetaDir + "/etc/module.xml", module_xml("Zeta_Reports")}});
    const AclTree& t = snap->acl;
    const AclNode* a = t.find("Acme_Connector::a");
    REQUIRE(a);
    CHECK(a->title == "Titled Late");
    CHECK(a->module == "Zeta_Reports");
    CHECK(a->title_location.path == kZetaDir + "/etc/acl.xml");
    CHECK(a->declarations.size() == 2);
    // An id titled nowhere shows its id in breadcrumbs.
    const AclNode* b = t.find("Acme_Connector::b");
    REQUIRE(b);
    CHECK(b->title.empty());
    CHECK(t.breadcrumb(*b) == "Magento Admin \u203a Titled Late \u203a Acme_Connector::b");

    // The other way round: the early file titles it, the late one repeats it bare.
    auto swapped = core_snapshot({{kAcmeAcl, late},
                                  {kZetaDir + "/etc/acl.xml", early},
                                  {kZetaDir + "/etc/module.xml", module_xml("Zeta_Reports")}});
    const AclNode* a2 = swapped->acl.find("Acme_Connector::a");
    REQUIRE(a2);
    CHECK(a2->title == "Titled Late");
    CHECK(a2->module == "Acme_Connector");
}

TEST_CASE("acl: the last title in load order wins; module sequence decides the order") {
    const std::string retitle = acl_xml(
        "            <resource id=\"Magento_Backend::admin\">\n"
        "                <resource id=\"Magento_Sales::sales\" title=\"Orders &amp; More\"/>\n"
        "            </resource>\n");
    // Without a sequence Acme_Connector loads before Magento_Sales: the core title wins.
    auto before = core_snapshot({{kAcmeAcl, retitle}});
    CHECK(before->acl.find("Magento_Sales::sales")->title == "Sales");
    // With <sequence> on Magento_Sales it loads after and its title wins.
    auto files = core_files();
    files.push_back({kAcmeAcl, retitle});
    files.push_back(
        {kAcmeDir + "/etc/module.xml",
         "<config><module name=\"Acme_Connector\"><sequence><module name=\"Magento_Sales\"/>"
         "</sequence></module></config>"});
    auto after = snapshot_of(files);
    CHECK(after->acl.find("Magento_Sales::sales")->title == "Orders & More");
    // The id still belongs to the module it is named after: definition and "defined by" stay
    // with Magento_Sales, only the title comes from Acme_Connector.
    CHECK(after->acl.find("Magento_Sales::sales")->module == "Magento_Sales");
    CHECK(after->acl.find("Magento_Sales::sales")->title_location.path.find("Magento/Sales") !=
          std::string::npos);
}

TEST_CASE("acl: a redeclaration with a title by another module does not take the definition") {
    const std::string redeclare =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Acme_Connector::top\" title=\"Acme\"/>\n"
                "                <resource id=\"Magento_Sales::sales\" title=\"Sales\"/>\n"
                "            </resource>\n");
    auto files = core_files();
    files.push_back({kAcmeAcl, redeclare});
    files.push_back(
        {kAcmeDir + "/etc/module.xml",
         "<config><module name=\"Acme_Connector\"><sequence><module name=\"Magento_Sales\"/>"
         "</sequence></module></config>"});
    auto snap = snapshot_of(files);
    const AclNode* sales = snap->acl.find("Magento_Sales::sales");
    REQUIRE(sales);
    CHECK(sales->module == "Magento_Sales");
    CHECK(sales->declarations.size() == 2);
    // An id named after no declaring module: the last title's declaration defines it.
    const AclNode* top = snap->acl.find("Acme_Connector::top");
    REQUIRE(top);
    CHECK(top->module == "Acme_Connector");
}

TEST_CASE("acl: disabled=\"true\" removes the resource and its whole subtree") {
    const std::string acme =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Magento_Catalog::catalog\">\n"
                "                    <resource id=\"Magento_Catalog::catalog_inventory\" "
                "disabled=\"true\"/>\n"
                "                </resource>\n"
                "            </resource>\n");
    auto snap = core_snapshot({{kAcmeAcl, acme}});
    const AclTree& t = snap->acl;
    CHECK(t.find("Magento_Catalog::catalog"));
    CHECK_FALSE(t.find("Magento_Catalog::catalog_inventory"));
    // Children declared by another file (Magento_Catalog's) go with it.
    CHECK_FALSE(t.find("Magento_Catalog::products"));
    CHECK_FALSE(t.find("Magento_Catalog::categories"));
    CHECK(child_ids(t, "Magento_Catalog::catalog").empty());
    CHECK(t.nodes.size() == 12);
    // Every kept node's links point at kept nodes.
    for (std::uint32_t i = 0; i < t.nodes.size(); ++i) {
        for (auto c : t.nodes[i].children) {
            REQUIRE(c < t.nodes.size());
            CHECK(t.nodes[c].parent == i);
        }
        CHECK(t.by_id.at(t.nodes[i].id) == i);
    }
    CHECK(t.preorder().size() == t.nodes.size());
    // Where it was disabled is remembered, for the subtree too.
    REQUIRE(t.disabled.count("Magento_Catalog::products"));
    CHECK(t.disabled.at("Magento_Catalog::products").path == kAcmeAcl);
    CHECK(t.disabled.at("Magento_Catalog::catalog_inventory").path == kAcmeAcl);

    // An integration naming a disabled resource is told so.
    const std::string integ =
        "<config><integration name=\"x\"><email>a@b.cd</email><resources>"
        "<resource name=\"Magento_Catalog::catalog\"/>"
        "<resource name=\"Magento_Catalog::products\"/></resources></integration></config>";
    Engine engine(core_snapshot({{kAcmeAcl, acme}, {kAcmeIntegration, integ}}));
    auto ds = engine.diagnose(kAcmeIntegration);
    auto unknown = with_code(ds, "unknown-resource");
    REQUIRE(unknown.size() == 1);
    CHECK(contains(unknown[0]->message, "disabled"));
    REQUIRE_FALSE(unknown[0]->related.empty());
    CHECK(unknown[0]->related[0].location.path == kAcmeAcl);
}

TEST_CASE("acl: disabled=\"false\" in a later file enables it again") {
    const std::string off =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Magento_Customer::customer\" disabled=\"true\"/>\n"
                "            </resource>\n");
    const std::string on =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Magento_Customer::customer\" disabled=\"false\"/>\n"
                "            </resource>\n");
    auto snap = core_snapshot({{kAcmeAcl, off},
                               {kZetaDir + "/etc/acl.xml", on},
                               {kZetaDir + "/etc/module.xml", module_xml("Zeta_Reports")}});
    CHECK(snap->acl.find("Magento_Customer::online"));
    auto snap2 = core_snapshot({{kAcmeAcl, on},
                                {kZetaDir + "/etc/acl.xml", off},
                                {kZetaDir + "/etc/module.xml", module_xml("Zeta_Reports")}});
    CHECK_FALSE(snap2->acl.find("Magento_Customer::online"));
}

TEST_CASE("acl: siblings are ordered by sortOrder, whatever the file order") {
    auto snap = core_snapshot();
    const AclTree& t = snap->acl;
    // Dashboard 10 (Backend), Sales 20, Catalog 30, Customers 40.
    CHECK(child_ids(t, "Magento_Backend::admin") ==
          std::vector<std::string>{"Magento_Backend::dashboard", "Magento_Sales::sales",
                                   "Magento_Catalog::catalog", "Magento_Customer::customer"});
    std::vector<std::string> order;
    for (auto n : t.preorder())
        order.push_back(t.nodes[n].id);
    CHECK(order ==
          std::vector<std::string>{"Magento_Backend::admin", "Magento_Backend::dashboard",
                                   "Magento_Sales::sales", "Magento_Sales::sales_operation",
                                   "Magento_Sales::sales_order", "Magento_Sales::actions",
                                   "Magento_Sales::create", "Magento_Sales::actions_view",
                                   "Magento_Catalog::catalog", "Magento_Catalog::catalog_inventory",
                                   "Magento_Catalog::products", "Magento_Catalog::categories",
                                   "Magento_Customer::customer", "Magento_Customer::manage",
                                   "Magento_Customer::online"});

    // A later file's sortOrder moves a resource; no sortOrder counts as 0.
    const std::string acme = acl_xml(
        "            <resource id=\"Magento_Backend::admin\">\n"
        "                <resource id=\"Acme_Connector::first\" title=\"First\"/>\n"
        "                <resource id=\"Acme_Connector::last\" title=\"Last\" sortOrder=\"99\"/>\n"
        "            </resource>\n");
    const std::string zeta =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Magento_Customer::customer\" sortOrder=\"15\"/>\n"
                "            </resource>\n");
    auto moved = core_snapshot({{kAcmeAcl, acme},
                                {kZetaDir + "/etc/acl.xml", zeta},
                                {kZetaDir + "/etc/module.xml", module_xml("Zeta_Reports")}});
    CHECK(child_ids(moved->acl, "Magento_Backend::admin") ==
          std::vector<std::string>{"Acme_Connector::first", "Magento_Backend::dashboard",
                                   "Magento_Customer::customer", "Magento_Sales::sales",
                                   "Magento_Catalog::catalog", "Acme_Connector::last"});
}

TEST_CASE("acl: the bundled catalogue is used only when the tree has no core") {
    std::vector<CatalogEntry> catalog = {
        {"Magento_Backend::admin", "Magento Admin", "", "Magento_Backend", 10},
        {"Magento_Sales::sales", "Sales", "Magento_Backend::admin", "Magento_Sales", 20},
        {"Magento_Sales::sales_order", "Orders", "Magento_Sales::sales", "Magento_Sales", 10},
        {"Magento_Cms::cms", "Content", "Magento_Backend::admin", "Magento_Cms", 30},
    };
    const std::string acme =
        acl_xml("            <resource id=\"Magento_Backend::admin\">\n"
                "                <resource id=\"Magento_Sales::sales\">\n"
                "                    <resource id=\"Acme_Connector::sync\" title=\"Sync\"/>\n"
                "                </resource>\n"
                "            </resource>\n");
    // A module alone (its acl.xml repeats Magento_Backend::admin without a title).
    auto alone = snapshot_of(
        {{kAcmeAcl, acme}, {kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")}}, &catalog);
    CHECK_FALSE(alone->has_core);
    CHECK(alone->uses_catalog);
    CHECK(alone->acl.find("Magento_Cms::cms"));
    const AclNode* order = alone->acl.find("Magento_Sales::sales_order");
    REQUIRE(order);
    CHECK(order->from_catalog);
    CHECK(order->title == "Orders");
    // Ids the module declares merge into the catalogue's.
    const AclNode* sales = alone->acl.find("Magento_Sales::sales");
    REQUIRE(sales);
    CHECK_FALSE(sales->from_catalog);
    CHECK(sales->title == "Sales");
    CHECK(parent_id(alone->acl, "Acme_Connector::sync") == "Magento_Sales::sales");
    CHECK(child_ids(alone->acl, "Magento_Sales::sales") ==
          std::vector<std::string>{"Acme_Connector::sync", "Magento_Sales::sales_order"});

    // With Magento's core in the tree, the catalogue is left out.
    auto files = core_files();
    files.push_back({kAcmeAcl, acme});
    auto with_core = snapshot_of(files, &catalog);
    CHECK(with_core->has_core);
    CHECK_FALSE(with_core->uses_catalog);
    CHECK_FALSE(with_core->acl.find("Magento_Cms::cms"));
    for (const auto& n : with_core->acl.nodes)
        CHECK_FALSE(n.from_catalog);
}

TEST_CASE("acl: a third-party module that titles Magento_Backend::admin is not the core") {
    // Seen in the wild: a module's acl.xml gives the root a title of its own. A folder of
    // such modules without Magento's core still uses the bundled catalogue.
    std::vector<CatalogEntry> catalog = {
        {"Magento_Backend::admin", "Magento Admin", "", "Magento_Backend", 10},
        {"Magento_Catalog::catalog", "Catalog", "Magento_Backend::admin", "Magento_Catalog", 30},
    };
    const std::string titled =
        acl_xml("            <resource id=\"Magento_Backend::admin\" title=\"Acme\">\n"
                "                <resource id=\"Acme_Connector::sync\" title=\"Sync\"/>\n"
                "            </resource>\n");
    auto named = snapshot_of(
        {{kAcmeAcl, titled}, {kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")}},
        &catalog);
    CHECK_FALSE(named->has_core);
    CHECK(named->uses_catalog);
    CHECK(named->acl.find("Magento_Catalog::catalog"));
    CHECK(parent_id(named->acl, "Acme_Connector::sync") == "Magento_Backend::admin");
    // Without a name, the module may be Magento_Backend itself.
    auto unnamed = snapshot_of({{kAcmeAcl, titled}}, &catalog);
    CHECK(unnamed->has_core);
    CHECK_FALSE(unnamed->uses_catalog);
    // Magento_Backend's own file still makes the core, beside the third-party one.
    auto files = core_files();
    files.push_back({kAcmeAcl, titled});
    files.push_back({kAcmeDir + "/etc/module.xml", module_xml("Acme_Connector")});
    CHECK(snapshot_of(files, &catalog)->has_core);
}

TEST_CASE("acl: replacing a file (with_file) rebuilds the merged tree") {
    auto snap = core_snapshot();
    const std::string customer = core_dir("Customer") + "/etc/acl.xml";
    const std::string renamed = std::string(kCustomerAcl);
    std::string text = renamed;
    text.replace(text.find("Now Online"), 10, "Online Now");
    auto next = with_file(*snap, customer, make_entry(customer, text), nullptr);
    CHECK(next->acl.find("Magento_Customer::online")->title == "Online Now");
    CHECK(snap->acl.find("Magento_Customer::online")->title == "Now Online"); // unchanged
    // Unchanged files are shared, not re-parsed.
    CHECK(next->files.at(core_dir("Sales") + "/etc/acl.xml") ==
          snap->files.at(core_dir("Sales") + "/etc/acl.xml"));
    auto removed = with_file(*next, customer, nullptr, nullptr);
    CHECK_FALSE(removed->acl.find("Magento_Customer::online"));
    CHECK(removed->acl.find("Magento_Sales::sales"));
}

TEST_CASE("file map: keys view the entries' own paths, across edits") {
    // Many files, so that the map has several chunks and an insertion splits one.
    std::vector<FileMap::value_type> entries;
    for (int i = 0; i < 300; ++i) {
        auto e = make_entry(fmt::format("/m2/app/code/A/M{:03}/etc/acl.xml", i), acl_xml(""));
        const std::string_view key = e->path;
        entries.emplace_back(key, std::move(e));
    }
    FileMap map = FileMap::from_sorted(std::move(entries));
    const FileMap before = map; // shares every chunk
    // Replace an entry: the old one is gone once `before` is, and the key must not view it.
    map.set("/m2/app/code/A/M100/etc/acl.xml",
            make_entry("/m2/app/code/A/M100/etc/acl.xml", acl_xml("<resource id=\"A::x\"/>")));
    for (int i = 0; i < 200; ++i) {
        const std::string p = fmt::format("/m2/app/code/A/M100a{:03}/etc/acl.xml", i);
        map.set(p, make_entry(p, acl_xml("")));
    }
    map.set("/m2/app/code/A/M005/etc/acl.xml", nullptr);
    CHECK(map.size() == 499);
    CHECK(before.size() == 300);
    CHECK(before.find("/m2/app/code/A/M005/etc/acl.xml") != before.end());
    CHECK(map.find("/m2/app/code/A/M005/etc/acl.xml") == map.end());
    CHECK(map.at("/m2/app/code/A/M100/etc/acl.xml")->facts.acl.size() == 1);
    CHECK(before.at("/m2/app/code/A/M100/etc/acl.xml")->facts.acl.empty());
    std::string last;
    std::size_t n = 0;
    for (const auto& [key, entry] : map) {
        CHECK(key == entry->path);
        CHECK(key.data() == entry->path.data());
        CHECK(std::string(key) > last);
        last = std::string(key);
        ++n;
    }
    CHECK(n == map.size());
    // An entry under another path is refused (the key would not be its path).
    CHECK_THROWS_AS(map.set("/m2/x/etc/acl.xml", make_entry("/m2/y/etc/acl.xml", acl_xml(""))),
                    std::invalid_argument);
}
