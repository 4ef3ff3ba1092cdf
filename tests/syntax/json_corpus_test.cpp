// Every composer.json (and Composer's installed.json) of the shared corpus parses.
#include "mil/syntax/jsonlite.hpp"

#include <catch2/catch.hpp>

#include "files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace mil;
using mil::test::read_file;
namespace fs = std::filesystem;

TEST_CASE("json corpus: every composer.json parses with ranges that match its text") {
    const fs::path root = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    if (!fs::is_directory(root)) {
        WARN("shared corpus not present; skipping");
        return;
    }
    // Files of the corpus that are not valid JSON as published (json_decode fails on them).
    const std::map<std::string, JsonErrorKind> kBroken = {
        {"third-party/jsarveswaran__store-connector/composer.json", JsonErrorKind::TrailingComma},
    };
    std::size_t seen = 0, broken_seen = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (!it->is_regular_file() ||
            (p.filename() != "composer.json" && p.filename() != "installed.json"))
            continue;
        INFO(p.string());
        ++seen;
        std::string text = read_file(p);
        JsonDocument doc = parse_json(text);
        const std::string rel = p.lexically_relative(root).generic_string();
        if (auto bad = kBroken.find(rel); bad != kBroken.end()) {
            // Composer rejects this file too; the reader must say why and keep the rest.
            REQUIRE(doc.error);
            CHECK(doc.error->kind == bad->second);
            REQUIRE(doc.root());
            CHECK(doc.member(*doc.root(), "name") != nullptr);
            ++broken_seen;
            continue;
        }
        if (doc.error) INFO(doc.error->message << " at " << doc.error->offset);
        REQUIRE(doc.ok());
        REQUIRE(doc.root()->type == JsonType::Object);
        for (const JsonValue& v : doc.values) {
            REQUIRE(v.range.end <= text.size());
            if (v.type == JsonType::String && v.string.find('\\') == std::string::npos &&
                text.substr(v.inner.begin, v.inner.end - v.inner.begin).find('\\') ==
                    std::string::npos)
                CHECK(text.substr(v.inner.begin, v.inner.end - v.inner.begin) == v.string);
            for (const JsonMember& m : v.members)
                if (m.key.find('\\') == std::string::npos)
                    CHECK(text.substr(m.key_range.begin, m.key_range.end - m.key_range.begin) ==
                          m.key);
        }
        if (p.filename() == "composer.json") {
            const JsonValue* name = doc.member(*doc.root(), "name");
            if (name != nullptr) CHECK(name->type == JsonType::String);
        }
    }
    CHECK(seen > 400);
    CHECK(broken_seen == kBroken.size());
}
