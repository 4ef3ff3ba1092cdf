// module_dir_of: the module folder a file belongs to, from its path and kind.
#include "mil/model/model.hpp"

#include <catch2/catch.hpp>

using mil::classify_path;
using mil::FileKind;
using mil::module_dir_of;

namespace {

std::string dir_of(std::string_view path) {
    return module_dir_of(path, classify_path(path));
}

} // namespace

TEST_CASE("module folder: the folder before the last etc/, Setup/ or view/ segment") {
    CHECK(dir_of("/shop/vendor/acme/module-pay/etc/acl.xml") == "/shop/vendor/acme/module-pay");
    CHECK(dir_of("/m/etc/adminhtml/system.xml") == "/m");
    CHECK(dir_of("/m/etc/integration/config.xml") == "/m");
    // A folder named like the segment further up does not count; the last one does.
    CHECK(dir_of("/etc/shop/app/code/Acme/Pay/etc/module.xml") == "/etc/shop/app/code/Acme/Pay");
    CHECK(dir_of("/m/etc/etc/acl.xml") == "/m/etc");
    CHECK(dir_of("/Setup/app/code/Acme/Pay/Setup/Patch/Data/Add.php") ==
          "/Setup/app/code/Acme/Pay");
    CHECK(dir_of("/m/Setup/Patch/Setup/Add.php") == "/m/Setup/Patch");
    // Look-alike folder names are not the segment.
    CHECK(dir_of("/m/xSetup/Setup/Add.php") == "/m/xSetup");
    CHECK(dir_of("/m/Setupx/Add.php").empty()); // plain PHP: no module folder
    CHECK(dir_of("/m/view/adminhtml/ui_component/grid.xml") == "/m");
    // Relative paths that start with the segment belong to the current folder.
    CHECK(dir_of("etc/acl.xml") == ".");
    CHECK(dir_of("Setup/InstallData.php") == ".");
    CHECK(dir_of("/etc/acl.xml").empty());
    CHECK(dir_of("registration.php") == ".");
    CHECK(dir_of("/m/registration.php") == "/m");
}
