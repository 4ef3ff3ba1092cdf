// find_plain_module_registration, the tokenizer-free reading of the usual registration.php,
// must say exactly what find_php_registrations says whenever it answers, and must leave every
// other form to it.
#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "files.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace mil;
using mil::test::kCorpus;
using mil::test::read_file;
namespace fs = std::filesystem;

namespace {

// What the registration participant takes from the tokenizer's reading: the first module
// registered under a constant name.
std::optional<PhpRegistration> slow_module_registration(std::string_view text) {
    for (auto& r : find_php_registrations(text))
        if (r.type == PhpComponentType::Module && r.name_is_literal) return r;
    return std::nullopt;
}

// When the plain reading answers, the tokenizer's reading must have found the same call.
void check_agrees(std::string_view text) {
    auto plain = find_plain_module_registration(text);
    if (!plain) return;
    auto slow = slow_module_registration(text);
    REQUIRE(slow);
    CHECK(plain->type == slow->type);
    CHECK(plain->type_range == slow->type_range);
    CHECK(plain->name == slow->name);
    CHECK(plain->name_range == slow->name_range);
    CHECK(plain->name_is_literal == slow->name_is_literal);
    CHECK(plain->call_range == slow->call_range);
    CHECK(plain->registrar == slow->registrar);
}

const char* const kUsual = R"(<?php
/**
 * Copyright © Magento, Inc. All rights reserved.
 * See COPYING.txt for license details.
 */

use Magento\Framework\Component\ComponentRegistrar;

ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Magento_Sales', __DIR__);
)";

const char* const kDeclared = R"(<?php
/**
 * Copyright notice
 */
declare(strict_types=1);

\Magento\Framework\Component\ComponentRegistrar::register(
    \Magento\Framework\Component\ComponentRegistrar::MODULE,
    "Magento_LoginAsCustomerAdminUi",
    __DIR__
); // done
)";

} // namespace

TEST_CASE("plain registration: the usual forms are read without the tokenizer, as it reads them") {
    const std::vector<std::string> forms = {
        kUsual,
        "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register(\n"
        "    \\Magento\\Framework\\Component\\ComponentRegistrar::MODULE,\n"
        "    \"Acme_Pay\",\n    __DIR__\n);\n",
        "<?php\nMagento\\Framework\\Component\\ComponentRegistrar::register("
        "Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Pay', __DIR__);",
        "<?php\nuse \\Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Pay', __DIR__);\n",
        "<?php // a note\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar /* x */ :: register ( ComponentRegistrar::MODULE , 'Acme_Pay' , "
        "__DIR__ ) ; // end\n",
        "<?php\n/** Copyright */\ndeclare(strict_types=1);\n\n"
        "use Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Pay', __DIR__);\n",
        // An import's name is found whatever its case, as PHP finds it.
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "componentregistrar::register(COMPONENTREGISTRAR::MODULE, 'Acme_Pay', __DIR__);\n",
    };
    for (const auto& text : forms) {
        INFO(text);
        auto plain = find_plain_module_registration(text);
        REQUIRE(plain);
        CHECK(plain->type == PhpComponentType::Module);
        check_agrees(text);
    }
    auto usual = find_plain_module_registration(kUsual);
    REQUIRE(usual);
    CHECK(usual->name == "Magento_Sales");
    CHECK(std::string_view(kUsual).substr(usual->name_range.begin,
                                          usual->name_range.end - usual->name_range.begin) ==
          "Magento_Sales");
    CHECK(usual->registrar == "Magento\\Framework\\Component\\ComponentRegistrar");
}

TEST_CASE("plain registration: any other form is left to the tokenizer") {
    const std::vector<std::string> others = {
        // an alias, a namespace, a second statement, a theme, an escape, a variable
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar as CR;\n"
        "CR::register(CR::MODULE, 'Acme_Pay', __DIR__);\n",
        "<?php\nnamespace Acme;\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
        "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Pay', __DIR__);\n",
        std::string(kUsual) + "ComponentRegistrar::register(ComponentRegistrar::MODULE, "
                              "'Acme_Two', __DIR__);\n",
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::THEME, 'frontend/Acme/x', __DIR__);\n",
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme\\\\Pay', __DIR__);\n",
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, \"Acme_$x\", __DIR__);\n",
        // a closing tag, a hash comment (or attribute), another declare, text before the tag
        std::string(kUsual) + "?>\n",
        "<?php\n# note\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
        "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Pay', __DIR__);\n",
        "<?php\ndeclare(ticks=1);\n\\Magento\\Framework\\Component\\ComponentRegistrar::"
        "register(\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Pay', "
        "__DIR__);\n",
        "\xEF\xBB\xBF" + std::string(kUsual),
        // another class, another directory argument, an unfinished comment
        "<?php\nuse Acme\\Registrar;\nRegistrar::register(Registrar::MODULE, 'Acme_Pay', "
        "__DIR__);\n",
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Pay', dirname(__DIR__));\n",
        "<?php\n/* open\nComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Pay', "
        "__DIR__);\n",
    };
    for (const auto& text : others) {
        INFO(text);
        CHECK_FALSE(find_plain_module_registration(text));
    }
}

TEST_CASE("plain registration: every cut and every deleted byte of two usual files agrees with "
          "the tokenizer") {
    for (const std::string text : {kUsual, kDeclared}) {
        REQUIRE(find_plain_module_registration(text));
        for (std::size_t n = 0; n <= text.size(); ++n) {
            INFO("prefix of " << n << " bytes");
            check_agrees(text.substr(0, n));
        }
        for (std::size_t i = 0; i < text.size(); ++i) {
            std::string cut = text;
            cut.erase(i, 1);
            INFO("byte " << i << " deleted");
            check_agrees(cut);
        }
    }
}

TEST_CASE("plain registration: the corpus's registration.php files agree with the tokenizer") {
    if (!fs::is_directory(kCorpus)) {
        WARN("shared corpus not present; skipping");
        return;
    }
    std::size_t files = 0, plain = 0, core = 0, core_plain = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(kCorpus, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (!it->is_regular_file() || it->path().filename() != "registration.php") continue;
        const std::string text = read_file(it->path());
        INFO(it->path().string());
        check_agrees(text);
        const bool answered = find_plain_module_registration(text).has_value();
        const bool is_core = it->path().string().find("/magento-core/") != std::string::npos;
        ++files;
        plain += answered;
        core += is_core;
        core_plain += is_core && answered;
    }
    REQUIRE(files > 0);
    // The point of the plain reading: Magento's own modules all take it.
    CHECK(core_plain * 10 >= core * 9);
    CHECK(plain * 2 >= files);
}
