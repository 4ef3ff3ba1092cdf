// The nearest settings file of a folder, looked up for many folders with shared ancestors.
#include "workspace/settings_files.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using mil::SettingsFileFinder;
using mil::test::TempTree;

TEST_CASE("settings files: the nearest one above each folder, whatever order folders are asked") {
    TempTree tmp;
    const std::string top = tmp.write(".magento-integration-ls.json", "{}");
    const std::string inner = tmp.write("a/b/.magento-integration-ls.json", "{}");
    tmp.mkdir("a/b/c/d");
    tmp.mkdir("a/x/y");
    // A link at the name counts as found (reading it then refuses it), hiding the top's file.
    const std::string link = tmp.link("../../elsewhere.json", "a/z/.magento-integration-ls.json");
    tmp.mkdir("a/z/w");

    const std::vector<std::pair<std::string, std::string>> expected = {
        {tmp.path("a/b/c/d"), inner},
        {tmp.path("a/b/c"), inner},
        {tmp.path("a/b"), inner},
        {tmp.path("a"), top},
        {tmp.path("a/x/y"), top},
        {tmp.path("a/x"), top},
        {tmp.root(), top},
        {tmp.path("a/z/w"), link},
        {tmp.path("a/z"), link},
    };
    auto order = expected;
    // Every order of asking gives the same answers: deepest first fills the ancestors'
    // answers on the way up, shallowest first makes the deeper ones stop at a known folder.
    for (int pass = 0; pass < 3; ++pass) {
        if (pass == 1) std::reverse(order.begin(), order.end());
        if (pass == 2) std::rotate(order.begin(), order.begin() + 4, order.end());
        SettingsFileFinder finder;
        for (const auto& [dir, file] : order) {
            INFO("pass " << pass << ", folder " << dir);
            CHECK(finder.nearest(dir) == file);
            CHECK(finder.nearest(dir + "/") == file); // the same folder written differently
        }
    }
}

TEST_CASE("settings files: none above gives an empty answer; clear() looks again") {
    TempTree tmp;
    tmp.mkdir("m/etc");
    SettingsFileFinder finder;
    // Nothing in the temporary tree; a file above the system's temporary folder is unlikely
    // but possible, so compare with the answer for the tree's root.
    const std::string above = finder.nearest(tmp.root());
    CHECK(finder.nearest(tmp.path("m/etc")) == above);
    const std::string added = tmp.write("m/.magento-integration-ls.json", "{}");
    CHECK(finder.nearest(tmp.path("m/etc")) == above); // remembered until cleared
    finder.clear();
    CHECK(finder.nearest(tmp.path("m/etc")) == added);
    CHECK(finder.nearest(tmp.path("m")) == added);
}
