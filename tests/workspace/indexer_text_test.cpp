// The index keeps no text for a PHP file without facts: nothing reads it while the file is
// not open, and most setup scripts of a tree are such files.
#include "mil/ide/entry.hpp"
#include "temp_tree.hpp"
#include "workspace/indexer.hpp"

#include "mil/ide/engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using mil::test::TempTree;

namespace {

const char* kPlainPatch = R"(<?php
namespace Acme\Pay\Setup\Patch\Data;

class AddStatuses implements \Magento\Framework\Setup\Patch\DataPatchInterface
{
    public function apply() { $this->setup->getConnection()->insert('x', ['y' => 1]); }
}
)";

const char* kIntegrationPatch = R"(<?php
namespace Acme\Pay\Setup\Patch\Data;

class AddIntegration
{
    public function apply() { $this->manager->processIntegrationConfig(['AcmePai']); }
}
)";

} // namespace

TEST_CASE("index: a setup script without facts keeps no text; one with facts keeps it") {
    TempTree t;
    const std::string dir = t.module("app/code/Acme/Pay", "Acme_Pay");
    t.write("app/code/Acme/Pay/etc/integration/config.xml",
            "<integrations><integration name=\"AcmePay\"><email>a@b.example</email>"
            "</integration></integrations>\n");
    t.write("app/code/Acme/Pay/Setup/Patch/Data/AddStatuses.php", kPlainPatch);
    t.write("app/code/Acme/Pay/Setup/Patch/Data/AddIntegration.php", kIntegrationPatch);
    const std::string plain = dir + "/Setup/Patch/Data/AddStatuses.php";
    const std::string used = dir + "/Setup/Patch/Data/AddIntegration.php";

    mil::IndexOptions options;
    options.threads = 2;
    auto result = mil::index_folders({t.path("")}, options);
    const mil::FileEntry* p = result.snapshot->file(plain);
    const mil::FileEntry* u = result.snapshot->file(used);
    REQUIRE(p);
    REQUIRE(u);
    CHECK(p->text->empty());
    CHECK(mil::text_unused(*p));
    CHECK(*u->text == kIntegrationPatch);
    CHECK_FALSE(mil::text_unused(*u));
    // XML keeps its text whatever it holds (its diagnostics read it).
    CHECK_FALSE(result.snapshot->file(dir + "/etc/module.xml")->text->empty());

    // A file read again from disk (a save, a watched change) is judged the same way, so that
    // comparing it with the indexed entry finds no change.
    auto again = mil::load_entry(plain, mil::kDefaultMaxFileBytes);
    REQUIRE(again);
    CHECK(*again->text == *p->text);

    // The diagnostics of both files are what they were with the text.
    mil::Engine engine(result.snapshot);
    CHECK(engine.diagnose(plain).empty());
    auto diags = engine.diagnose(used);
    CHECK(std::any_of(diags.begin(), diags.end(),
                      [](const auto& d) { return d.code == "integration-name-mismatch"; }));

    // Opened in an editor, the file's text is the editor's, facts or not.
    engine.open(plain, kPlainPatch);
    CHECK(*engine.entry(plain)->text == kPlainPatch);
    engine.close(plain);
    CHECK(engine.entry(plain)->text->empty());
}

TEST_CASE("make_disk_entry: only PHP entries without facts lose their text") {
    auto setup = mil::make_entry("/m/Setup/InstallData.php", kPlainPatch);
    auto dropped = mil::make_disk_entry("/m/Setup/InstallData.php", kPlainPatch);
    CHECK(dropped->text->empty());
    CHECK(dropped->path == setup->path);
    CHECK(dropped->kind == setup->kind);
    CHECK(dropped->module_dir == "/m");

    auto with_call = mil::make_disk_entry("/m/Setup/InstallData.php", kIntegrationPatch);
    CHECK(*with_call->text == kIntegrationPatch);
    CHECK_FALSE(with_call->facts.setup_calls.empty());

    const std::string acl_text =
        "<?php\nclass Index { const ADMIN_RESOURCE = 'Acme_Pay::manage'; }\n";
    auto acl_check = mil::make_disk_entry("/m/Controller/Adminhtml/Index.php", acl_text);
    CHECK(*acl_check->text == acl_text);

    auto xml = mil::make_disk_entry("/m/etc/webapi.xml", "<routes/>");
    CHECK(*xml->text == "<routes/>");
}
