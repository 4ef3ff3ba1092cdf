// Which setup class files Magento's setup never runs, by their path alone.
#include "mil/model/model.hpp"

#include <catch2/catch.hpp>

using namespace mil;

TEST_CASE("setup script names: the legacy classes in Setup/ and patches run") {
    for (const char* p :
         {"/m/app/code/V/M/Setup/InstallData.php", "/m/V/M/Setup/UpgradeData.php",
          "/m/V/M/Setup/Recurring.php", "/m/V/M/Setup/RecurringData.php",
          "/m/V/M/Setup/InstallSchema.php", "/m/V/M/Setup/UpgradeSchema.php",
          "/m/V/M/Setup/Patch/Data/InstallData.php", "/m/V/M/Setup/Patch/Data/AddIntegration.php",
          "Setup/InstallData.php", "Setup/Patch/Data/Installdata.php",
          // Other classes of Setup/: helpers the setup classes call.
          "/m/V/M/Setup/IntegrationInstaller.php", "/m/V/M/Setup/Installer.php",
          "/m/V/M/Setup/Uninstall.php", "/m/V/M/Model/Integration.php"}) {
        INFO(p);
        CHECK_FALSE(misnamed_setup_script(p));
    }
}

TEST_CASE("setup script names: another case or a typo in Setup/, or outside Setup/") {
    struct Case {
        const char* path;
        const char* expected;
        bool outside;
    };
    for (const Case& c : {Case{"/m/V/M/Setup/Installdata.php", "InstallData", false},
                          Case{"/m/V/M/Setup/installData.php", "InstallData", false},
                          Case{"/m/V/M/Setup/InstalData.php", "InstallData", false},
                          Case{"/m/V/M/Setup/UpgradeDate.php", "UpgradeData", false},
                          Case{"/m/V/M/Setup/Recuring.php", "Recurring", false},
                          Case{"/m/V/M/Setup/RECURRINGDATA.php", "RecurringData", false},
                          Case{"/m/V/M/InstallData.php", "InstallData", true},
                          Case{"/m/V/M/Model/UpgradeData.php", "UpgradeData", true},
                          Case{"/m/V/M/Installdata.php", "InstallData", true}}) {
        INFO(c.path);
        auto m = misnamed_setup_script(c.path);
        REQUIRE(m);
        CHECK(m->expected == c.expected);
        CHECK(m->outside_setup == c.outside);
    }
}
