// module_decl_plain: etc/module.xml read in one pass (walk_plain) must give exactly what the
// tree gives (module_decl_from_tree), or nullopt so that the tree is used.
#include "mil/ide/module_xml.hpp"
#include "mil/model/model.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool same_value(const mil::TextValue& a, const mil::TextValue& b) {
    return a.value == b.value && a.range == b.range;
}

bool same_decl(const std::optional<mil::ModuleDecl>& a, const std::optional<mil::ModuleDecl>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    if (!same_value(a->name, b->name) || !(a->element_name_range == b->element_name_range) ||
        !(a->element_range == b->element_range) || a->self_closing != b->self_closing ||
        a->has_sequence != b->has_sequence || !(a->sequence_range == b->sequence_range) ||
        a->setup_version.has_value() != b->setup_version.has_value() ||
        a->sequence.size() != b->sequence.size())
        return false;
    if (a->setup_version && !same_value(*a->setup_version, *b->setup_version)) return false;
    for (std::size_t i = 0; i < a->sequence.size(); ++i)
        if (!same_value(a->sequence[i], b->sequence[i])) return false;
    return true;
}

// Whether the one pass, when it answers, answers as the tree does.
bool agrees(const std::string& text) {
    auto plain = mil::module_decl_plain(text);
    return !plain || same_decl(*plain, mil::module_decl_from_tree(text));
}

const std::string kUsual = R"(<?xml version="1.0"?>
<!--
/**
 * Copyright 2024 Acme
 */
-->
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Acme_Connector" setup_version="1.0.2">
        <sequence>
            <module name="Magento_Integration"/>
            <module name='Magento_Sales' />
        </sequence>
    </module>
</config>
)";

const std::string kSelfClosing = R"(<?xml version="1.0"?>
<config><module name="Acme_Small"/></config>
)";

} // namespace

TEST_CASE("module_decl_plain reads the usual module.xml as the tree does") {
    for (const std::string& text : {kUsual, kSelfClosing}) {
        CAPTURE(text);
        auto plain = mil::module_decl_plain(text);
        REQUIRE(plain);
        REQUIRE(*plain);
        CHECK(same_decl(*plain, mil::module_decl_from_tree(text)));
    }
    auto usual = *mil::module_decl_plain(kUsual);
    CHECK(usual->name.value == "Acme_Connector");
    CHECK(usual->setup_version->value == "1.0.2");
    REQUIRE(usual->sequence.size() == 2);
    CHECK(usual->sequence[1].value == "Magento_Sales");
    CHECK(kUsual.substr(usual->sequence_range.begin, 10) == "<sequence>");
    CHECK(kUsual.substr(usual->element_range.end - 9, 9) == "</module>");
    CHECK((*mil::module_decl_plain(kSelfClosing))->self_closing);
}

TEST_CASE("module_decl_plain: shapes it answers for, and those it leaves to the tree") {
    // Answers (and agrees): no module, another root, a second module and a second
    // sequence, a module without name, nested modules below the sequence's.
    for (const std::string text : {
             "<config/>",
             "<other><module name=\"A_B\"/></other>",
             "<config><module name=\"A_B\"/><module name=\"C_D\"/></config>",
             "<config><module name=\"A_B\"><sequence><module name=\"X_Y\"/></sequence>"
             "<sequence><module name=\"Z_W\"><module name=\"No_No\"/></module></sequence>"
             "</module></config>",
             "<config><module setup_version=\"2\"><sequence/></module></config>",
             "<config><x><module name=\"Deep_One\"/></x></config>",
             "<config><module name=\"A_B\" name=\"C_D\"/></config>",
         }) {
        CAPTURE(text);
        CHECK(mil::module_decl_plain(text));
        CHECK(agrees(text));
    }
    // Left to the tree: an entity in a value read, a DOCTYPE, an unclosed element, text
    // after the root's end tag that is another element.
    for (const std::string text : {
             "<config><module name=\"A&amp;B\"/></config>",
             "<!DOCTYPE config><config><module name=\"A_B\"/></config>",
             "<config><module name=\"A_B\">",
             "<config/><config/>",
         }) {
        CAPTURE(text);
        CHECK_FALSE(mil::module_decl_plain(text));
    }
}

TEST_CASE("module_decl_plain agrees with the tree on every prefix and one-byte deletion") {
    for (const std::string& text : {kUsual, kSelfClosing}) {
        for (std::size_t n = 0; n <= text.size(); ++n) {
            const std::string cut = text.substr(0, n);
            CAPTURE(cut);
            CHECK(agrees(cut));
        }
        for (std::size_t i = 0; i < text.size(); ++i) {
            const std::string cut = text.substr(0, i) + text.substr(i + 1);
            CAPTURE(cut);
            CHECK(agrees(cut));
        }
    }
}

TEST_CASE("module_decl_plain agrees with the tree on every module.xml of the corpus") {
    const fs::path root = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    if (!fs::is_directory(root)) {
        WARN("corpus not found: skipped");
        return;
    }
    std::size_t files = 0, fast = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().filename() != "module.xml") continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        const std::string text = s.str();
        CAPTURE(e.path().string());
        ++files;
        auto plain = mil::module_decl_plain(text);
        if (plain) {
            ++fast;
            CHECK(same_decl(*plain, mil::module_decl_from_tree(text)));
        }
    }
    INFO(files << " files, " << fast << " in one pass");
    REQUIRE(files > 300);
    CHECK(fast * 20 >= files * 19); // real files are plain
}
