// The index reads the root's app/etc/config.php, and the modules it sets to 0 are disabled.
#include "workspace/indexer.hpp"

#include <catch2/catch.hpp>

TEST_CASE("index: app/etc/config.php of the root is read; its modules set to 0 are disabled") {
    const std::string root = std::string(MIL_FIXTURES_DIR) + "/check/modulelist";
    mil::IndexResult r = mil::index_folders({root}, {});
    const mil::Snapshot& s = *r.snapshot;
    REQUIRE(s.root == root);
    CHECK(s.deployment_config == root + "/app/etc/config.php");
    REQUIRE(s.file(s.deployment_config));
    CHECK(s.file(s.deployment_config)->kind == mil::FileKind::DeploymentConfig);
    CHECK(s.module_disabled("Acme_Off"));
    CHECK_FALSE(s.module_disabled("Acme_Uses"));
    CHECK_FALSE(s.module_disabled("Magento_Backend"));
    // Its acl.xml and integration.xml are not merged.
    CHECK_FALSE(s.acl.find("Acme_Off::feed"));
    CHECK(s.acl.disabled_by_module.count("Acme_Off::feed") == 1);
    CHECK(s.integrations.count("AcmeOff") == 0);
    CHECK(s.integrations.count("AcmeUses") == 1);
}
