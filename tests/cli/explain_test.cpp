// The rules reference: `explain`, `check --list-rules`, docs/rules.md, and the command line's
// answer to an unknown command.
#include "check_support.hpp"

#include "mil/model/rules.hpp"

#include <catch2/catch.hpp>

using namespace mil::test;

TEST_CASE("explain: docs/rules.md is the generated rules reference") {
    RunResult r = run_binary({"explain", "--markdown"});
    REQUIRE(r.code == 0);
    // Regenerate with: build/magento-integration-ls explain --markdown > docs/rules.md
    CHECK(r.out == read_all(std::string(MIL_SOURCE_DIR) + "/docs/rules.md"));
    for (const mil::RuleInfo& rule : mil::rule_catalog()) {
        CHECK(r.out.find("\n## " + std::string(rule.code) + "\n") != std::string::npos);
        CHECK(r.out.find(std::string(rule.description)) != std::string::npos);
    }
}

TEST_CASE("explain: one rule in plain text, with its page") {
    RunResult r = run_binary({"explain", "missing-parent"});
    REQUIRE(r.code == 0);
    CHECK(r.out.rfind("missing-parent (", 0) == 0);
    CHECK(r.out.find("How to fix it:") != std::string::npos);
    CHECK(r.out.find("```") == std::string::npos); // markdown fences become indented code
    CHECK(r.out.find(mil::rule_help_uri("missing-parent")) != std::string::npos);

    RunResult unknown = run_binary({"explain", "no-such-rule"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("no rule 'no-such-rule'") != std::string::npos);
    CHECK(run_binary({"explain"}).code == 2);
}

TEST_CASE("explain: --list and check --list-rules print every rule once") {
    RunResult list = run_binary({"explain", "--list"});
    RunResult rules = run_binary({"check", "--list-rules"});
    REQUIRE(list.code == 0);
    REQUIRE(rules.code == 0);
    CHECK(list.out == rules.out);
    std::size_t lines = 0;
    for (char c : list.out)
        lines += c == '\n';
    CHECK(lines == mil::rule_catalog().size());
    CHECK(list.out.find("unknown-resource") != std::string::npos);
}

TEST_CASE("command line: an unknown command is named as such") {
    RunResult r = run_binary({"chek", "."});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown command 'chek'") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("command line: a non-loopback --host needs --allow-remote") {
    RunResult r = run_binary({"--listen", "0", "--host", "0.0.0.0"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--allow-remote") != std::string::npos);
    CHECK(r.err.find("no authentication") != std::string::npos);
}

TEST_CASE("check: --color=always paints text output, --color=never does not") {
    TempDir t;
    copy_tree(tree(), t.root());
    RunResult painted = run_check({"--color=always", t.root()});
    CHECK(painted.out.find("\x1b[") != std::string::npos);
    RunResult plain = run_check({"--color=never", t.root()});
    CHECK(plain.out.find("\x1b[") == std::string::npos);
    CHECK(plain.code == painted.code);
    RunResult bad = run_check({"--color=sometimes", t.root()});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("unknown --color 'sometimes'") != std::string::npos);
}

TEST_CASE("check: --exclude leaves out what a glob matches, repeatable") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    RunResult all = run_check({"--format", "json", t.root()});
    REQUIRE(all.out.find("app/code/Acme/Connector/") != std::string::npos);
    RunResult some =
        run_check({"--format", "json", "--exclude", "app/code/Acme/Connector/**", t.root()});
    CHECK(some.out.find("app/code/Acme/Connector/") == std::string::npos);
    RunResult none =
        run_check({"--format", "json", "--exclude", "app/**", "--exclude=nothing/*", t.root()});
    // Nothing left to check is an error (exit 2), never a silent pass.
    CHECK(none.code == 2);
    CHECK(none.err.find("leave out every file") != std::string::npos);
    CHECK(run_check({"--exclude=", t.root()}).code == 2);
}

TEST_CASE("check -: the text on standard input is checked as the file --stdin-filename") {
    TempDir t;
    copy_tree(std::string(MIL_SOURCE_DIR) + "/data/example", t.root());
    const std::string rel = "app/code/Acme/Connector/etc/integration.xml";
    // An editor's unsaved buffer: the typo fixed, a new unknown id.
    std::string buffer = read_all(t.path(rel));
    auto at = buffer.find("</resources>");
    REQUIRE(at != std::string::npos);
    buffer.insert(at, "<resource name=\"Magento_Sales::from_stdin\"/>\n");
    const std::string input = t.path("buffer.xml");
    write_all(input, buffer);
    RunResult r = run_binary({"check", "--format", "json", "--stdin-filename", rel, "-"}, t.root(),
                             {}, input);
    CHECK(r.code == 1);
    CHECK(r.out.find("Magento_Sales::from_stdin") != std::string::npos);
    // Only that file is reported, and the file on disk is untouched.
    CHECK(r.out.find("module.xml") == std::string::npos);
    CHECK(read_all(t.path(rel)).find("from_stdin") == std::string::npos);

    CHECK(run_binary({"check", "-"}, t.root(), {}, input).code == 2);
    CHECK(run_binary({"check", "--fix", "--stdin-filename", rel, "-"}, t.root(), {}, input).code ==
          2);
    CHECK(run_binary({"check", "--stdin-filename", rel, "."}, t.root(), {}, input).code == 2);
}
