// check in a checkout someone else wrote: the report is never written through a link, into a
// FIFO or over a checked file; an unreadable file under a checked path is never a pass; the
// settings file is not followed through a link and its contents are not quoted beyond the
// offending token.
#include "check_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace mil::test;

namespace {

// A copy of the fixture tree in a temporary folder.
struct Tree {
    TempDir tmp;
    std::string root = tmp.path("tree");
    Tree() { copy_tree(tree(), root); }
    std::string path(const std::string& rel) const { return root + "/" + rel; }
};

const std::string kGoodAcl = "app/code/Acme/Good/etc/integration.xml";

} // namespace

TEST_CASE("check --output: a symbolic link is refused and its target left alone") {
    Tree t;
    const std::string victim = t.tmp.path("victim.txt");
    write_all(victim, "precious\n");
    const std::string link = t.path("report.json");
    fs::create_symlink(victim, link);
    RunResult r = run_check({"--format", "json", "--output", link, t.root});
    CHECK(r.code == 2);
    CHECK(r.err.find("symbolic link") != std::string::npos);
    CHECK(read_all(victim) == "precious\n");
    CHECK(fs::is_symlink(link));
}

TEST_CASE("check --output: a FIFO is refused without waiting for a reader") {
    Tree t;
    const std::string fifo = t.path("report.txt");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    RunResult r = run_check({"--output", fifo, t.root});
    CHECK(r.code == 2);
    CHECK(r.err.find("not a regular file") != std::string::npos);
}

TEST_CASE("check --output: a checked file is never overwritten, by its name or another") {
    Tree t;
    const std::string acl = t.path(kGoodAcl);
    const std::string before = read_all(acl);
    RunResult same = run_check({"--output", acl, t.root});
    CHECK(same.code == 2);
    CHECK(read_all(acl) == before);
    // A hard link to it under another name.
    const std::string other = t.path("report.txt");
    fs::create_hard_link(acl, other);
    RunResult linked = run_check({"--output", other, t.root});
    CHECK(linked.code == 2);
    CHECK(read_all(acl) == before);
}

TEST_CASE("check --output: a plain file is replaced whole, with no temporary left") {
    Tree t;
    const std::string out = t.tmp.path("report.json");
    write_all(out, std::string(100000, 'x'));
    RunResult r = run_check({"--format", "json", "--output", out, t.root, "--fail-on", "never"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::string report = read_all(out);
    REQUIRE_FALSE(report.empty());
    CHECK(report.front() == '[');
    CHECK(report.find('x' + std::string(20, 'x')) == std::string::npos);
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(t.tmp.root()))
        entries += e.path().filename().string().rfind(".report.json", 0) == 0 ? 1 : 0;
    CHECK(entries == 0);
}

TEST_CASE("check: an unreadable file under the checked path exits 2, even with --quiet") {
    Tree t;
    const std::string acl = t.path(kGoodAcl);
    REQUIRE(::chmod(acl.c_str(), 0) == 0);
    std::vector<std::string> launcher;
    if (::geteuid() == 0) {
        // Root reads every file: the check runs as nobody (setpriv), in a tree it can walk.
        const char* setpriv = "/usr/bin/setpriv";
        if (::access(setpriv, X_OK) != 0) {
            WARN("SKIPPED: running as root without " << setpriv);
            return;
        }
        REQUIRE(::chmod(t.tmp.root().c_str(), 0755) == 0);
        launcher = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
    }
    RunResult r = run_binary({"check", "--quiet", t.path("app/code/Acme/Good")}, "", launcher);
    ::chmod(acl.c_str(), 0644);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("integration.xml") != std::string::npos);
}

TEST_CASE("check: a FIFO under etc/ is skipped without being opened") {
    Tree t;
    const std::string fifo = t.path("app/code/Acme/Good/etc/webapi.xml");
    fs::remove(fifo);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Opening it for reading without O_NONBLOCK would hang; a hang fails the test by timeout.
    RunResult r = run_check({t.path("app/code/Acme/Good")});
    CHECK(r.code == 0);
}

TEST_CASE("check: the settings file is not followed through a symbolic link") {
    Tree t;
    const std::string secret = t.tmp.path("secret.txt");
    write_all(secret, "TOP-SECRET-LINE {\n");
    fs::remove(t.path(".magento-integration-ls.json"));
    fs::create_symlink(secret, t.path(".magento-integration-ls.json"));
    RunResult r = run_check({t.root});
    CHECK(r.code == 2);
    CHECK(r.err.find("symbolic link") != std::string::npos);
    CHECK(r.err.find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("check: a settings error quotes at most the offending token") {
    Tree t;
    const std::string long_code = "x" + std::string(5000, 'y') + "\x1b[2J";
    write_all(t.path(".magento-integration-ls.json"),
              "{\"severity\": {\"" + long_code + "\": \"loud\"}}");
    RunResult r = run_check({t.root});
    CHECK(r.code == 2);
    CHECK(r.err.size() < 1000);
    CHECK(r.err.find('\x1b') == std::string::npos);
}
