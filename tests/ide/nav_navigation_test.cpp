// Navigation over ACL ids and integration names: definition, references, highlight,
// workspace symbols, and processIntegrationConfig() names to legacy config.xml.
#include "nav_fixture.hpp"

#include "mil/ide/acl_support.hpp"

#include <catch2/catch.hpp>

using namespace mil;
// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace nav {

using Strings = std::vector<std::string>;

TEST_CASE("definition: from every kind of file to the declaration that gives the title") {
    Engine engine(workspace());
    const Strings want = {"Acme/Connector/etc/acl.xml:Acme_Connector::connector"};
    struct From {
        std::string path;
        Offset offset;
    };
    const From from[] = {
        {kMenu, at(text_of(kMenu), "resource=\"Acme_Connector::connector", 0, 12)},
        {kIntegration, at(text_of(kIntegration), "Acme_Connector::connector")},
        {kReportsAcl, at(text_of(kReportsAcl), "Acme_Connector::connector")},
        {kAcmeAcl, at(text_of(kAcmeAcl), "Acme_Connector::connector")},
    };
    for (const auto& f : from) {
        INFO(f.path);
        CHECK(describe(engine.snapshot(), engine.definition(f.path, f.offset)) == want);
    }
    CHECK(describe(engine.snapshot(),
                   engine.definition(kWebapi, at(text_of(kWebapi), "Acme_Connector::sync"))) ==
          Strings{"Acme/Connector/etc/acl.xml:Acme_Connector::sync"});
    CHECK(describe(engine.snapshot(),
                   engine.definition(kSystem, at(text_of(kSystem), "Acme_Connector::config"))) ==
          Strings{"Acme/Connector/etc/acl.xml:Acme_Connector::config"});
    CHECK(describe(engine.snapshot(),
                   engine.definition(kListing, at(text_of(kListing), "Acme_Connector::logs"))) ==
          Strings{"Acme/Connector/etc/acl.xml:Acme_Connector::logs"});
    // Magento_Backend::admin is redeclared by every module; its title is in Backend's file.
    CHECK(describe(engine.snapshot(),
                   engine.definition(kAcmeAcl, at(text_of(kAcmeAcl), "Magento_Backend::admin"))) ==
          Strings{"Magento/Backend/etc/acl.xml:Magento_Backend::admin"});
}

TEST_CASE("definition: all declarations when asked, the untitled ones when none has a title") {
    auto s = workspace();
    auto all = acl_definitions(*s, "Acme_Connector::connector", true);
    CHECK(describe(*s, all) == Strings{"Acme/Connector/etc/acl.xml:Acme_Connector::connector",
                                       "Acme/Reports/etc/acl.xml:Acme_Connector::connector"});
    auto admin = acl_definitions(*s, "Magento_Backend::admin", true);
    CHECK(admin.size() == 5); // Backend, Sales, Acme, Reports, vendor
    CHECK(acl_definitions(*s, "Acme_Connector::synk").empty());

    // No title anywhere: every declaration is the definition.
    auto files = workspace_files();
    files.push_back(
        {kRoot + "/app/code/Acme/Extra/etc/acl.xml",
         R"(<config><acl><resources><resource id="Magento_Backend::admin"><resource id="Acme_Extra::x"/></resource></resources></acl></config>)"});
    auto s2 = snapshot_of(files);
    CHECK(describe(*s2, acl_definitions(*s2, "Acme_Extra::x")) ==
          Strings{"Acme/Extra/etc/acl.xml:Acme_Extra::x"});
}

TEST_CASE("references: every use of an id in every kind of file, declarations on request") {
    Engine engine(workspace());
    const Strings uses = {"Acme/Connector/etc/adminhtml/menu.xml:Acme_Connector::connector",
                          "Acme/Connector/etc/integration.xml:Acme_Connector::connector"};
    const Strings decls = {"Acme/Connector/etc/acl.xml:Acme_Connector::connector",
                           "Acme/Reports/etc/acl.xml:Acme_Connector::connector"};
    Strings both = uses;
    both.insert(both.end(), decls.begin(), decls.end());
    std::sort(both.begin(), both.end());

    auto menu = text_of(kMenu);
    Offset on_menu = at(menu, "resource=\"Acme_Connector::connector", 0, 12);
    CHECK(describe(engine.snapshot(), engine.references(kMenu, on_menu, true)) == both);
    CHECK(describe(engine.snapshot(), engine.references(kMenu, on_menu, false)) == uses);
    // The same answer from a declaration, and from the other module's redeclaration.
    CHECK(describe(engine.snapshot(),
                   engine.references(kReportsAcl,
                                     at(text_of(kReportsAcl), "Acme_Connector::connector"),
                                     true)) == both);

    // An id used in webapi (twice), an integration and a PHP isAllowed() check.
    CHECK(describe(
              engine.snapshot(),
              engine.references(kAcmeAcl, at(text_of(kAcmeAcl), "Acme_Connector::sync"), false)) ==
          Strings{"Acme/Connector/Controller/Adminhtml/Log/Index.php:Acme_Connector::sync",
                  "Acme/Connector/etc/integration.xml:Acme_Connector::sync",
                  "Acme/Connector/etc/webapi.xml:Acme_Connector::sync",
                  "Acme/Connector/etc/webapi.xml:Acme_Connector::sync"});
    CHECK(describe(
              engine.snapshot(),
              engine.references(kListing, at(text_of(kListing), "Acme_Connector::logs"), true)) ==
          Strings{"Acme/Connector/Controller/Adminhtml/Log/Index.php:Acme_Connector::logs",
                  "Acme/Connector/etc/acl.xml:Acme_Connector::logs",
                  "Acme/Connector/etc/adminhtml/menu.xml:Acme_Connector::logs",
                  "Acme/Connector/view/adminhtml/ui_component/acme_log_listing.xml:Acme_"
                  "Connector::logs"});
    // An unknown id still finds its uses.
    CHECK(
        describe(engine.snapshot(),
                 engine.references(kWebapi, at(text_of(kWebapi), "Acme_Connector::synk"), true)) ==
        Strings{"Acme/Connector/etc/webapi.xml:Acme_Connector::synk"});
    // Not on an id: nothing.
    CHECK(engine.references(kWebapi, at(text_of(kWebapi), "/V1/acme/ping"), true).empty());
    CHECK(engine.references(kWebapi, at(text_of(kWebapi), "\"self\"", 0, 2), true).empty());
}

TEST_CASE("references: open documents count with their unsaved text") {
    Engine engine(workspace());
    std::string menu = text_of(kMenu);
    std::string edited = menu;
    edited.insert(
        edited.find("    </menu>"),
        "        <add id=\"Acme_Connector::more\" title=\"More\" module=\"Acme_Connector\" "
        "resource=\"Acme_Connector::sync\"/>\n");
    engine.open(kMenu, edited);
    auto refs =
        describe(engine.snapshot(),
                 engine.references(kAcmeAcl, at(text_of(kAcmeAcl), "Acme_Connector::sync"), false));
    CHECK(std::count(refs.begin(), refs.end(),
                     "Acme/Connector/etc/adminhtml/menu.xml:Acme_Connector::sync") == 1);
    CHECK(refs.size() == 5);
    engine.close(kMenu);
    CHECK(
        engine.references(kAcmeAcl, at(text_of(kAcmeAcl), "Acme_Connector::sync"), false).size() ==
        4);
}

TEST_CASE("highlight: the occurrences of the id in the current file") {
    Engine engine(workspace());
    std::string webapi = text_of(kWebapi);
    auto hs = engine.highlights(kWebapi, at(webapi, "Acme_Connector::sync", 1));
    REQUIRE(hs.size() == 2);
    CHECK(hs[0] == range_of(webapi, "Acme_Connector::sync", 0));
    CHECK(hs[1] == range_of(webapi, "Acme_Connector::sync", 1));

    // In acl.xml: the declaration only (the id's other uses are in other files).
    std::string acl = text_of(kAcmeAcl);
    auto one = engine.highlights(kAcmeAcl, at(acl, "Acme_Connector::logs"));
    REQUIRE(one.size() == 1);
    CHECK(one[0] == range_of(acl, "Acme_Connector::logs"));
    // Nothing to highlight between ids.
    CHECK(engine.highlights(kAcmeAcl, at(acl, "<acl>")).empty());
}

TEST_CASE("workspace symbols: ACL ids by id or title, integrations, modules") {
    Engine engine(workspace());
    auto find = [&](std::string_view q) {
        Strings out;
        for (const auto& s : engine.workspace_symbols(q))
            out.push_back(s.name);
        std::sort(out.begin(), out.end());
        return out;
    };
    auto sync = engine.workspace_symbols("Synchronise");
    REQUIRE(sync.size() == 1);
    CHECK(sync[0].name == "Acme_Connector::sync");
    CHECK(describe(engine.snapshot(), {sync[0].location}) ==
          Strings{"Acme/Connector/etc/acl.xml:Acme_Connector::sync"});
    CHECK(find("acmesync") == Strings{"AcmeSync", "Acme_Connector::sync"});
    CHECK(find("Acme_Reports") == Strings{"Acme_Reports", "Acme_Reports::report"});
    CHECK(find("zzzz").empty());
}

namespace {

// A setup script whose facts are written by hand: processIntegrationConfig(['<name>']) with
// the name's string at `range`.
std::shared_ptr<const FileEntry> setup_entry(const std::string& path, std::string text, Range range,
                                             std::string name) {
    auto e = std::make_shared<FileEntry>();
    e->path = path;
    e->kind = classify_path(path);
    e->module_dir = module_dir_of(path, e->kind);
    e->text = std::make_shared<const std::string>(std::move(text));
    SetupCall call;
    call.call_range = {0, static_cast<Offset>(e->text->size())};
    call.names.push_back({std::move(name), range, true, {}, {}});
    e->facts.setup_calls.push_back(std::move(call));
    return e;
}

} // namespace

TEST_CASE("integration names: processIntegrationConfig() to config.xml and back") {
    const std::string setup_path = kAcme + "/Setup/Patch/Data/CreateIntegration.php";
    const std::string setup_text =
        "<?php\n$this->integrationManager->processIntegrationConfig(['AcmeLegacy']);\n";
    Range name = range_of(setup_text, "AcmeLegacy");
    // Another module's config.xml declares the same name; the module's own comes first.
    const std::string other_config = kReports + "/etc/integration/config.xml";
    auto files = workspace_files();
    files.push_back({other_config,
                     "<integrations><integration "
                     "name=\"AcmeLegacy\"><email>a@b.cd</email></integration></integrations>"});
    Engine engine(snapshot_of(files, {setup_entry(setup_path, setup_text, name, "AcmeLegacy")}));
    REQUIRE(engine.snapshot().file(setup_path));

    CHECK(describe(engine.snapshot(), engine.definition(setup_path, name.begin + 2)) ==
          Strings{"Acme/Connector/etc/integration/config.xml:AcmeLegacy"});
    const Strings all = {"Acme/Connector/Setup/Patch/Data/CreateIntegration.php:AcmeLegacy",
                         "Acme/Connector/etc/integration/config.xml:AcmeLegacy",
                         "Acme/Reports/etc/integration/config.xml:AcmeLegacy"};
    std::string config = text_of(kLegacyConfig);
    CHECK(describe(engine.snapshot(),
                   engine.references(kLegacyConfig, at(config, "AcmeLegacy"), true)) == all);
    CHECK(describe(engine.snapshot(),
                   engine.references(kLegacyConfig, at(config, "AcmeLegacy"), false)) ==
          Strings{"Acme/Connector/Setup/Patch/Data/CreateIntegration.php:AcmeLegacy"});
    CHECK(describe(engine.snapshot(), engine.references(setup_path, name.begin, true)) == all);

    // A module without its own declaration is sent to the others'.
    const std::string lone = kRoot + "/app/code/Acme/Lone/Setup/InstallData.php";
    Engine other(snapshot_of(files, {setup_entry(lone, setup_text, name, "AcmeLegacy")}));
    CHECK(describe(other.snapshot(), other.definition(lone, name.begin)) ==
          Strings{"Acme/Connector/etc/integration/config.xml:AcmeLegacy",
                  "Acme/Reports/etc/integration/config.xml:AcmeLegacy"});
    // A name no config.xml has goes nowhere (integration-name-mismatch reports it).
    Engine none(snapshot_of(files, {setup_entry(setup_path, setup_text, name, "AcmeMissing")}));
    CHECK(none.definition(setup_path, name.begin).empty());
}

} // namespace nav
