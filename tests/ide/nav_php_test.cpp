// ACL ids in PHP (admin controllers' ADMIN_RESOURCE, isAllowed() strings) and integration
// names in real setup scripts (as the setup participant reads them).
#include "cursor.hpp"
#include "nav_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mil;
// Inside the namespace rather than a using-directive, which would reach the files compiled after
// this one in a unity build (MIL_UNITY).
namespace nav {

namespace {

std::string controller(std::string_view admin_resource, std::string_view allowed) {
    return "<?php\nnamespace Acme\\Connector\\Controller\\Adminhtml\\Log;\n\nclass View extends "
           "\\Magento\\Backend\\App\\Action\n{\n    public const ADMIN_RESOURCE = '" +
           std::string(admin_resource) +
           "';\n\n    protected function _isAllowed()\n    {\n        return "
           "$this->_authorization->isAllowed(\"" +
           std::string(allowed) + "\");\n    }\n}\n";
}

const std::string kView = kAcme + "/Controller/Adminhtml/Log/View.php";

} // namespace

TEST_CASE("php: ADMIN_RESOURCE and isAllowed() ids are references") {
    Engine engine(workspace());
    const FileEntry* f = engine.entry(kController);
    REQUIRE(f);
    CHECK(f->kind == FileKind::Php);
    REQUIRE(f->facts.acl_refs.size() == 2);
    CHECK(f->facts.acl_refs[0].id == "Acme_Connector::logs");
    CHECK(slice(*f->text, f->facts.acl_refs[0].range) == "Acme_Connector::logs");
    CHECK(f->facts.acl_refs[1].id == "Acme_Connector::sync");

    std::string text = *f->text;
    auto defs = engine.definition(kController, at(text, "Acme_Connector::logs"));
    CHECK(describe(engine.snapshot(), defs) ==
          std::vector<std::string>{"Acme/Connector/etc/acl.xml:Acme_Connector::logs"});
    auto h = engine.hover(kController, at(text, "Acme_Connector::sync"));
    REQUIRE(h);
    CHECK(h->markdown.find("Synchronise") != std::string::npos);
    CHECK(slice(text, h->range) == "Acme_Connector::sync");
    CHECK_FALSE(engine.hover(kController, at(text, "execute")));
    CHECK(unknown_in(engine, kController).empty());
}

TEST_CASE("php: unknown-resource says what happens to the controller or the check") {
    Engine engine(workspace());
    std::string text = controller("Acme_Connector::logz", "Acme_Connector::sink");
    engine.open(kView, text);
    auto ds = unknown_in(engine, kView);
    REQUIRE(ds.size() == 2);
    CHECK(slice(text, ds[0].range) == "Acme_Connector::logz");
    CHECK(ds[0].message.find("access-denied page") != std::string::npos);
    CHECK(ds[0].message.find("Did you mean 'Acme_Connector::logs'") != std::string::npos);
    CHECK(slice(text, ds[1].range) == "Acme_Connector::sink");
    CHECK(ds[1].message.find("isAllowed() check fails") != std::string::npos);

    // Ids in comments, in other calls, or computed at run time are not references.
    std::string other = "<?php\n// isAllowed('Acme_Nothing::x')\n$a->allowed('Acme_Nothing::y');\n"
                        "$a->isAllowed($id);\n$a->isAllowed(\"Acme_{$x}::z\");\n";
    engine.open(kView, other);
    CHECK(unknown_in(engine, kView).empty());
    CHECK(engine.entry(kView)->facts.acl_refs.empty());
}

TEST_CASE("php: completion inside the string, not elsewhere") {
    auto complete = [](std::string_view marked) {
        auto c = mil::test::cursor(marked);
        Engine engine(workspace());
        engine.open(kView, c.text);
        return std::make_pair(c.text, engine.complete(kView, c.offset));
    };
    auto [text, r] = complete(controller("Acme_Connector::l|", "Acme_Connector::sync"));
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].label == "Acme_Connector::logs");
    CHECK(slice(text, r.items[0].edit.range) == "Acme_Connector::l");

    auto [empty_text, empty] = complete(controller("Acme_Connector::logs", "|"));
    CHECK(empty.items.size() > 5);
    for (const auto& i : empty.items)
        CHECK(i.edit.range ==
              Range{at(empty_text, "isAllowed(\"", 0, 11), at(empty_text, "isAllowed(\"", 0, 11)});

    auto [t1, outside] =
        complete(controller("Acme_Connector::logs", "Acme_Connector::sync") + "// |\n");
    CHECK(outside.items.empty());
    auto [t2, other_call] = complete("<?php\n$x->getUrl('Acme_|');\n");
    CHECK(other_call.items.empty());
}

TEST_CASE("integration names: from a real setup script to config.xml and back") {
    const std::string setup = kAcme + "/Setup/Patch/Data/ActivateLegacy.php";
    const std::string text = R"(<?php
namespace Acme\Connector\Setup\Patch\Data;

class ActivateLegacy implements \Magento\Framework\Setup\Patch\DataPatchInterface
{
    private const NAME = 'AcmeLegacy';

    public function apply()
    {
        $this->integrationManager->processIntegrationConfig([self::NAME, 'AcmeLegacy']);
        return $this;
    }
}
)";
    auto files = workspace_files();
    files.push_back({setup, text});
    Engine engine(snapshot_of(files));
    const FileEntry* f = engine.entry(setup);
    REQUIRE(f);
    REQUIRE(f->kind == FileKind::SetupPhp);
    REQUIRE(f->facts.setup_calls.size() == 1);
    const std::vector<std::string> decl = {"Acme/Connector/etc/integration/config.xml:AcmeLegacy"};
    // The literal, and the constant's use.
    CHECK(describe(engine.snapshot(), engine.definition(setup, at(text, "'AcmeLegacy']", 0, 2))) ==
          decl);
    CHECK(describe(engine.snapshot(), engine.definition(setup, at(text, "self::NAME", 0, 7))) ==
          decl);
    auto refs = engine.references(kLegacyConfig, at(text_of(kLegacyConfig), "AcmeLegacy"), false);
    REQUIRE(refs.size() == 2);
    for (const auto& r : refs)
        CHECK(r.path == setup);
    CHECK(slice(text, refs[1].range) == "AcmeLegacy");
    // Highlight in the setup script: both names of the call.
    CHECK(engine.highlights(setup, at(text, "'AcmeLegacy']", 0, 2)).size() == 2);
}

} // namespace nav
