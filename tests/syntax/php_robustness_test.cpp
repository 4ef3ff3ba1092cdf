// Hostile input: every extractor must finish quickly and keep its ranges inside the text.
#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace mil;

namespace {

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

// Runs every extractor over `text`, checks that ranges stay inside it, returns seconds.
double run_all(const std::string& text) {
    auto start = std::chrono::steady_clock::now();
    const auto size = text.size();
    for (const auto& r : find_php_registrations(text)) {
        CHECK(r.call_range.end <= size);
        CHECK(r.name_range.end <= size);
    }
    std::vector<PhpClassConstant> consts = find_php_class_constants(text);
    PhpConstantTable table;
    for (const auto& c : consts) {
        CHECK(c.value_range.end <= size);
        table.add("x.php", c);
    }
    for (const auto& c : find_php_setup_calls(text, table)) {
        CHECK(c.call_range.begin <= c.call_range.end);
        CHECK(c.call_range.end <= size);
        for (const auto& n : c.names)
            CHECK(n.range.end <= size);
    }
    for (const auto& r : find_php_acl_references(text))
        CHECK(r.range.end <= size);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("robustness: extractors survive junk and pathological nesting in linear-ish time") {
    std::string junk = "<?php ";
    std::uint32_t seed = 99;
    for (int i = 0; i < 300000; ++i) {
        seed = seed * 1103515245u + 12345u;
        junk += static_cast<char>((seed >> 16) & 0xFF);
    }
    const std::string inputs[] = {
        junk,
        "<?php " + repeat("$m->processIntegrationConfig(", 50000),
        "<?php $m->processIntegrationConfig(" + repeat("[", 200000) + repeat("]", 200000) + ");",
        "<?php " + repeat("class A { const X = self::X . 'a'; ", 20000),
        "<?php $a" + repeat("->processIntegrationConfig()", 50000) + ";",
        "<?php function f() " + repeat("{", 100000) +
            repeat("$m->processIntegrationConfig($n);", 20000),
        "<?php " + repeat(")]}", 100000) + repeat("([{", 100000),
        "<?php " + repeat("ComponentRegistrar::register(", 50000),
        "<?php $n = ['a']; " + repeat("$m->processIntegrationConfig($n); ", 50000),
        "<?php class C { " + repeat("const A", 50000) + " = 'x'; }",
        "<?php " + repeat("$this->auth->isAllowed(", 50000),
        "<?php " + repeat("use A\\{", 50000),
        "<?php " + repeat("namespace A; use B as C; ", 30000) + repeat("C::X; self::Y; ", 30000),
    };
    for (const std::string& text : inputs) {
        INFO(text.substr(0, 60));
        double seconds = run_all(text);
        CHECK(seconds < 20.0);
    }
}
