#include "platform/fileio.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using mil::test::TempTree;

TEST_CASE("read_file returns the exact bytes, binary junk included") {
    TempTree t;
    std::string junk("a\0b\xff\xfe\r\n<\x80", 9);
    std::string p = t.write("junk.bin", junk);
    std::string err;
    auto got = mil::read_file(p, 1024, &err);
    REQUIRE(got);
    CHECK(*got == junk);
    CHECK(err.empty());

    std::string empty = t.write("empty.xml", "");
    auto e = mil::read_file(empty, 1024, &err);
    REQUIRE(e);
    CHECK(e->empty());
}

TEST_CASE("read_file reports a missing file with its path and the errno text") {
    TempTree t;
    std::string missing = t.path("nope/acl.xml");
    std::string err;
    CHECK_FALSE(mil::read_file(missing, 1024, &err));
    CHECK_THAT(err, Catch::Contains(missing));
    CHECK_THAT(err, Catch::Contains("No such file or directory"));
    // A null error pointer is allowed.
    CHECK_FALSE(mil::read_file(missing, 1024, nullptr));
}

TEST_CASE("read_file does not read a file over the cap and says so") {
    TempTree t;
    std::string p = t.write("big.xml", std::string(100, 'x'));
    std::string err;
    CHECK_FALSE(mil::read_file(p, 99, &err));
    CHECK_THAT(err, Catch::Contains(p));
    CHECK_THAT(err, Catch::Contains("100 bytes"));
    CHECK_THAT(err, Catch::Contains("limit of 99"));
    // Exactly at the cap is fine.
    auto at_cap = mil::read_file(p, 100, &err);
    REQUIRE(at_cap);
    CHECK(at_cap->size() == 100);
}

TEST_CASE("read_file refuses directories and does not block on a FIFO") {
    TempTree t;
    std::string err;
    CHECK_FALSE(mil::read_file(t.mkdir("etc"), 1024, &err));
    CHECK_THAT(err, Catch::Contains("directory"));

    std::string fifo = t.path("pipe");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_FALSE(mil::read_file(fifo, 1024, &err));
    CHECK_THAT(err, Catch::Contains(fifo));
}

TEST_CASE("read_file reads through a symbolic link") {
    TempTree t;
    t.write("real/acl.xml", "<config/>");
    std::string link = t.link("real/acl.xml", "acl-link.xml");
    auto got = mil::read_file(link, 1024, nullptr);
    REQUIRE(got);
    CHECK(*got == "<config/>");
}

TEST_CASE("read_file_at reads a file of a folder, and says when nothing readable is there") {
    TempTree t;
    std::string module = t.mkdir("Vendor/Module");
    t.write("Vendor/Module/etc/acl.xml", "<config/>");
    t.mkdir("Vendor/Module/etc/webapi.xml");                 // a directory where a file is expected
    t.link("nowhere.xml", "Vendor/Module/registration.php"); // dangling
    t.link("loop2", "Vendor/Module/loop1");
    t.link("loop1", "Vendor/Module/loop2");
    std::string pipe = t.path("Vendor/Module/composer.json");
    REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
    t.write("Vendor/Module/etc/big.xml", std::string(100, 'x'));
    const mil::Dir dir = mil::Dir::open(module);
    REQUIRE(dir.valid());
    auto read_at = [&](const char* rel, std::size_t cap, std::string& err, bool& absent,
                       std::uint64_t* oversize = nullptr) {
        err.clear();
        return mil::read_file_at(dir, rel, module + "/" + rel, cap, &err, oversize, &absent);
    };
    std::string err;
    bool absent = true;
    auto acl = read_at("etc/acl.xml", 1024, err, absent);
    REQUIRE(acl);
    CHECK(*acl == "<config/>");
    CHECK_FALSE(absent);
    CHECK(err.empty());
    // Missing, missing folder, a directory, a FIFO, a dangling link, a link loop: absent,
    // without an error to report.
    for (const char* rel : {"etc/module.xml", "etc/integration/api.xml", "etc/webapi.xml",
                            "composer.json", "registration.php", "loop1"}) {
        CAPTURE(rel);
        CHECK_FALSE(read_at(rel, 1024, err, absent));
        CHECK(absent);
        CHECK(err.empty());
    }
    // There but over the cap: an error that names the path, and the size.
    std::uint64_t oversize = 0;
    CHECK_FALSE(read_at("etc/big.xml", 99, err, absent, &oversize));
    CHECK_FALSE(absent);
    CHECK(oversize == 100);
    CHECK_THAT(err, Catch::Contains(module + "/etc/big.xml"));
    CHECK_THAT(err, Catch::Contains("limit of 99"));
}

TEST_CASE("is_regular_file and is_directory follow links; broken links are neither") {
    TempTree t;
    std::string file = t.write("a/file.xml", "x");
    std::string dir = t.mkdir("a/dir");
    std::string file_link = t.link(file, "file-link");
    std::string dir_link = t.link(dir, "dir-link");
    std::string broken = t.link(t.path("does-not-exist"), "broken");

    CHECK(mil::is_regular_file(file));
    CHECK_FALSE(mil::is_directory(file));
    CHECK(mil::is_directory(dir));
    CHECK_FALSE(mil::is_regular_file(dir));
    CHECK(mil::is_regular_file(file_link));
    CHECK(mil::is_directory(dir_link));
    CHECK_FALSE(mil::is_regular_file(broken));
    CHECK_FALSE(mil::is_directory(broken));
    CHECK(mil::path_exists_no_follow(broken));
    CHECK_FALSE(mil::path_exists_no_follow(t.path("does-not-exist")));

    auto id_dir = mil::file_identity(dir);
    auto id_link = mil::file_identity(dir_link);
    REQUIRE(id_dir);
    REQUIRE(id_link);
    CHECK(*id_dir == *id_link);
    CHECK_FALSE(*id_dir == *mil::file_identity(file));
    CHECK_FALSE(mil::file_identity(broken));
}

TEST_CASE("list_directory is sorted, follows links and marks broken ones") {
    TempTree t;
    t.write("d/b.xml");
    t.mkdir("d/c");
    t.write("outside/target.xml");
    t.mkdir("outside/sub");
    t.link(t.path("outside/target.xml"), "d/a-file-link");
    t.link(t.path("outside/sub"), "d/e-dir-link");
    t.link(t.path("outside/none"), "d/f-broken");
    std::string err;
    auto entries = mil::list_directory(t.path("d"), &err);
    REQUIRE(entries);
    REQUIRE(entries->size() == 5);
    const auto& e = *entries;
    CHECK(e[0].name == "a-file-link");
    CHECK(e[0].kind == mil::EntryKind::File);
    CHECK(e[0].is_symlink);
    CHECK(e[1].name == "b.xml");
    CHECK(e[1].kind == mil::EntryKind::File);
    CHECK_FALSE(e[1].is_symlink);
    CHECK(e[2].name == "c");
    CHECK(e[2].kind == mil::EntryKind::Directory);
    CHECK(e[3].name == "e-dir-link");
    CHECK(e[3].kind == mil::EntryKind::Directory);
    CHECK(e[3].is_symlink);
    CHECK(e[4].name == "f-broken");
    CHECK(e[4].kind == mil::EntryKind::Broken);

    CHECK_FALSE(mil::list_directory(t.path("missing"), &err));
    CHECK_THAT(err, Catch::Contains(t.path("missing")));
}

TEST_CASE("list_directory reports an unreadable directory") {
    if (mil::test::running_as_root()) {
        WARN("skipped: running as root, permissions are not enforced");
        return;
    }
    TempTree t;
    std::string locked = t.mkdir("locked");
    t.write("locked/x.xml");
    REQUIRE(::chmod(locked.c_str(), 0) == 0);
    std::string err;
    CHECK_FALSE(mil::list_directory(locked, &err));
    CHECK_THAT(err, Catch::Contains(locked));
    CHECK_THAT(err, Catch::Contains("Permission denied"));
}

TEST_CASE("normalize_path is lexical") {
    CHECK(mil::normalize_path("a/b/../c") == "a/c");
    CHECK(mil::normalize_path("/a/./b//c/") == "/a/b/c");
    CHECK(mil::normalize_path("/a/b/../../..") == "/");
    CHECK(mil::normalize_path("/..") == "/");
    CHECK(mil::normalize_path("../a/../../b") == "../../b");
    CHECK(mil::normalize_path("a/..") == ".");
    CHECK(mil::normalize_path("") == ".");
    CHECK(mil::normalize_path(".") == ".");
    CHECK(mil::normalize_path("//") == "/");
    CHECK(mil::normalize_path("vendor/composer/../magento/module-x") == "vendor/magento/module-x");
    CHECK(mil::normalize_path("a/...") == "a/...");
    // Paths already normal come back as they are (the common case takes a shortcut).
    for (const char* p : {"/", "a", "/a/b.xml", "a/.b/..c/c..", "/srv/m2/vendor/magento/module-x"})
        CHECK(mil::normalize_path(p) == p);
    CHECK(mil::normalize_path("a/./b") == "a/b");
    CHECK(mil::normalize_path("./a") == "a");
    CHECK(mil::normalize_path("a/b/.") == "a/b");
    CHECK(mil::normalize_path("a/b/") == "a/b");
    CHECK(mil::join_path("/srv/m2", "etc/acl.xml") == "/srv/m2/etc/acl.xml");
    CHECK(mil::join_path("/srv/m2/", "etc/acl.xml") == "/srv/m2/etc/acl.xml");
    CHECK(mil::join_path("/srv/m2", "../x/./y") == "/srv/x/y");
}

TEST_CASE("normalize_path keeps a symbolic link in the path") {
    // "link/.." is folded lexically even though link points elsewhere: paths are reported
    // as found under the root, never resolved.
    TempTree t;
    t.mkdir("elsewhere/deep");
    t.link(t.path("elsewhere/deep"), "link");
    CHECK(mil::normalize_path(t.path("link/../x")) == t.path("x"));
    CHECK(mil::normalize_path(t.path("link/./y")) == t.path("link/y"));
}

TEST_CASE("join_path, parent_path and file_name") {
    CHECK(mil::join_path("/r", "app/code") == "/r/app/code");
    CHECK(mil::join_path("/r/vendor/composer", "../acme/foo") == "/r/vendor/acme/foo");
    CHECK(mil::join_path("/r", "/abs/x") == "/abs/x");
    CHECK(mil::join_path("/r/", "") == "/r");
    CHECK(mil::join_path("", "a/b") == "a/b");
    CHECK(mil::parent_path("/a/b") == "/a");
    CHECK(mil::parent_path("/a") == "/");
    CHECK(mil::parent_path("/") == "/");
    CHECK(mil::parent_path("a") == ".");
    CHECK(mil::parent_path("a/b/") == "a");
    CHECK(mil::parent_path("..") == "../..");
    CHECK(mil::file_name("/a/b.xml") == "b.xml");
    CHECK(mil::file_name("src/registration.php") == "registration.php");
    CHECK(mil::file_name("/") == "");
}

TEST_CASE("absolute_path anchors relative paths at the current directory") {
    std::string abs = mil::absolute_path("x/../y");
    REQUIRE_FALSE(abs.empty());
    CHECK(abs.front() == '/');
    CHECK(mil::file_name(abs) == "y");
    CHECK(mil::absolute_path("/q/./r") == "/q/r");
}

TEST_CASE("relative_path and path_is_within") {
    CHECK(mil::relative_path("/r/a/b", "/r") == "a/b");
    CHECK(mil::relative_path("/r", "/r") == ".");
    CHECK(mil::relative_path("/r/", "/r/./") == ".");
    CHECK(mil::relative_path("/x/y", "/r/a") == "../../x/y");
    CHECK(mil::relative_path("/r/ab", "/r/a") == "../ab");
    CHECK(mil::relative_path("a/b", ".") == "a/b");
    CHECK(mil::relative_path("a", "a/b/c") == "../..");
    CHECK(mil::relative_path("rel", "/abs") == "rel");
    CHECK(mil::relative_path("x", "../y") == "x");

    CHECK(mil::path_is_within("/r/app/code", "/r"));
    CHECK(mil::path_is_within("/r", "/r/"));
    CHECK_FALSE(mil::path_is_within("/rx/app", "/r"));
    CHECK_FALSE(mil::path_is_within("/r/../s", "/r"));
    CHECK(mil::path_is_within("/anything", "/"));
}

TEST_CASE("path_to_uri percent-encodes per RFC 3986") {
    CHECK(mil::path_to_uri("/srv/magento/app/code/Acme_Foo-1.0~x/etc/acl.xml") ==
          "file:///srv/magento/app/code/Acme_Foo-1.0~x/etc/acl.xml");
    CHECK(mil::path_to_uri("/my dir/a#b?c%d.xml") == "file:///my%20dir/a%23b%3Fc%25d.xml");
    CHECK(mil::path_to_uri("/caf\xc3\xa9/\xe6\x97\xa5.xml") == "file:///caf%C3%A9/%E6%97%A5.xml");
    CHECK(mil::path_to_uri("/a:b@c+d") == "file:///a%3Ab%40c%2Bd");
    CHECK(mil::path_to_uri("/") == "file:///");
    CHECK(mil::path_to_uri("/a/./b/../c") == "file:///a/c");
}

TEST_CASE("uri_to_path decodes either case of hex and tolerates variants") {
    CHECK(mil::uri_to_path("file:///my%20dir/caf%c3%a9.xml") == "/my dir/caf\xc3\xa9.xml");
    CHECK(mil::uri_to_path("file:///my%20dir/caf%C3%A9.xml") == "/my dir/caf\xc3\xa9.xml");
    CHECK(mil::uri_to_path("FILE:///x") == "/x");
    CHECK(mil::uri_to_path("file://localhost/etc/acl.xml") == "/etc/acl.xml");
    CHECK(mil::uri_to_path("file:/etc/acl.xml") == "/etc/acl.xml");
    CHECK(mil::uri_to_path("file:///a%23b%3Fc") == "/a#b?c");
    CHECK(mil::uri_to_path("file:///a/b.xml?version=2#L10") == "/a/b.xml");
    CHECK(mil::uri_to_path("file:///100%/x%4") == "/100%/x%4");
    CHECK(mil::uri_to_path("file:///a%zzb") == "/a%zzb");
    CHECK(mil::uri_to_path("file:///") == "/");
    // Normalised like the paths discovery reports.
    CHECK(mil::uri_to_path("file:///srv/shop/./app//code/../code/Acme/") ==
          "/srv/shop/app/code/Acme");

    CHECK_FALSE(mil::uri_to_path("untitled:Untitled-1"));
    CHECK_FALSE(mil::uri_to_path("https://example.com/a.xml"));
    CHECK_FALSE(mil::uri_to_path("file://server/share/a.xml"));
    CHECK_FALSE(mil::uri_to_path("file:relative/a.xml"));
    CHECK_FALSE(mil::uri_to_path("file:///a%00b"));
    CHECK_FALSE(mil::uri_to_path(""));
}

TEST_CASE("file URIs round-trip every byte that can be in a path") {
    std::string name = "/";
    for (int c = 1; c < 256; ++c) {
        if (c == '/') continue;
        name.push_back(static_cast<char>(c));
    }
    for (const std::string& p :
         {name, std::string("/srv/my shop/app/code/Acme/Foo/etc/integration.xml"),
          std::string("/tmp/\xe2\x82\xac 100%/#1/?.xml"), std::string("/x/%41")}) {
        std::string uri = mil::path_to_uri(p);
        CHECK(uri.find(' ') == std::string::npos);
        auto back = mil::uri_to_path(uri);
        REQUIRE(back);
        CHECK(*back == p);
    }
}

TEST_CASE("parallel_for calls each index exactly once") {
    for (std::size_t threads : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
        std::vector<std::atomic<int>> hits(1000);
        mil::parallel_for(hits.size(), threads, [&](std::size_t i) { hits[i].fetch_add(1); });
        int wrong = 0;
        for (auto& h : hits)
            wrong += h.load() != 1;
        CHECK(wrong == 0);
    }
    bool called = false;
    mil::parallel_for(0, 4, [&](std::size_t) { called = true; });
    CHECK_FALSE(called);
}

TEST_CASE("parallel_for rethrows the first exception after all threads stopped") {
    std::atomic<int> calls{0};
    CHECK_THROWS_WITH(mil::parallel_for(100, 4,
                                        [&](std::size_t i) {
                                            calls.fetch_add(1);
                                            if (i == 5) throw std::runtime_error("boom");
                                        }),
                      "boom");
    CHECK(calls.load() >= 1);
    CHECK(calls.load() <= 100);
}

TEST_CASE("Windows paths: VS Code's file URIs, drive letters and backslashes") {
    using mil::PathStyle;
    constexpr auto win = PathStyle::Windows;
    // What VS Code sends (lower-case drive, colon escaped), and what other clients send.
    for (const char* uri : {"file:///c%3A/Users/dev/app/etc/integration.xml",
                            "file:///C%3a/Users/dev/app/etc/integration.xml",
                            "file:///c:/Users/dev/app/etc/integration.xml",
                            "file:///C:/Users/dev/app/etc/./integration.xml"}) {
        CAPTURE(uri);
        CHECK(mil::uri_to_path(uri, win) == "C:/Users/dev/app/etc/integration.xml");
    }
    // Non-ASCII stays UTF-8 inside.
    CHECK(mil::uri_to_path("file:///d%3A/Projekte/M%C3%BCller%20Shop", win) ==
          "D:/Projekte/Müller Shop");
    // A path with no drive names nothing on Windows.
    CHECK_FALSE(mil::uri_to_path("file:///home/dev", win));
    // And back, as VS Code writes them, so that its documents match.
    CHECK(mil::path_to_uri("C:/Users/dev/Müller Shop", win) ==
          "file:///c%3A/Users/dev/M%C3%BCller%20Shop");
    CHECK(mil::uri_to_path(mil::path_to_uri("E:/a b/c", win), win) == "E:/a b/c");

    CHECK(mil::normalize_path("c:\\Users\\dev\\..\\app\\", win) == "C:/Users/app");
    CHECK(mil::normalize_path("C:", win) == "C:/");
    CHECK(mil::normalize_path("C:/..", win) == "C:/");
    CHECK(mil::normalize_path("a\\b", win) == "a/b");
    // On POSIX a backslash is part of a name.
    CHECK(mil::normalize_path("a\\b", PathStyle::Posix) == "a\\b");

    // Windows compares paths ignoring case.
    CHECK(mil::path_is_within("c:/users/DEV/app/etc/acl.xml", "C:/Users/dev/app", win));
    CHECK(mil::path_is_within("C:/x", "c:/", win));
    CHECK_FALSE(mil::path_is_within("D:/Users/dev/app", "C:/Users/dev", win));
    CHECK_FALSE(mil::path_is_within("/r/App/x", "/r/app", PathStyle::Posix));
}
