// The streaming installed.json reader against a reference built on nlohmann::json (a whole
// document, then the fields discovery reads): same verdict on validity and shape, same
// packages, on hand-written edge cases, on the corpus's installed.json and on many
// deterministic mutations of a Composer 2 file.
#include "workspace/installed_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using mil::InstalledJson;
using mil::InstalledPackage;
using mil::read_installed_json;

namespace {

std::string string_member(const nlohmann::json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

// What discovery read from installed.json with a DOM.
InstalledJson reference(const std::string& text) {
    InstalledJson out;
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        out.status = InstalledJson::Status::NotJson;
        return out;
    }
    const nlohmann::json* packages = nullptr;
    if (j.is_array()) {
        packages = &j;
    } else if (j.is_object()) {
        auto it = j.find("packages");
        if (it != j.end() && it->is_array()) packages = &*it;
    }
    if (!packages) {
        out.status = InstalledJson::Status::WrongShape;
        return out;
    }
    for (const nlohmann::json& pkg : *packages) {
        if (!pkg.is_object() || string_member(pkg, "type") != "magento2-module") continue;
        InstalledPackage p;
        p.name = string_member(pkg, "name");
        p.install_path = string_member(pkg, "install-path");
        auto autoload = pkg.find("autoload");
        if (autoload != pkg.end() && autoload->is_object()) {
            auto files = autoload->find("files");
            if (files != autoload->end() && files->is_array())
                for (const nlohmann::json& f : *files)
                    if (f.is_string()) p.autoload_files.push_back(f.get<std::string>());
        }
        out.modules.push_back(std::move(p));
    }
    return out;
}

void same_as_reference(const std::string& text) {
    INFO("text: " << text.substr(0, 400));
    InstalledJson want = reference(text);
    std::vector<InstalledPackage> early;
    InstalledJson got =
        read_installed_json(text, [&](const InstalledPackage& p) { early.push_back(p); });
    INFO("error: " << got.error);
    // Announced early: every package returned, as the last ones announced (a "packages"
    // member read before the last one announced its packages too).
    if (got.status == InstalledJson::Status::Ok) {
        REQUIRE(early.size() >= got.modules.size());
        for (std::size_t i = 0; i < got.modules.size(); ++i) {
            const InstalledPackage& e = early[early.size() - got.modules.size() + i];
            CHECK(e.name == got.modules[i].name);
            CHECK(e.install_path == got.modules[i].install_path);
            CHECK(e.autoload_files == got.modules[i].autoload_files);
        }
    }
    REQUIRE(static_cast<int>(got.status) == static_cast<int>(want.status));
    if (got.status == InstalledJson::Status::NotJson) CHECK_FALSE(got.error.empty());
    REQUIRE(got.modules.size() == want.modules.size());
    for (std::size_t i = 0; i < got.modules.size(); ++i) {
        CHECK(got.modules[i].name == want.modules[i].name);
        CHECK(got.modules[i].install_path == want.modules[i].install_path);
        CHECK(got.modules[i].autoload_files == want.modules[i].autoload_files);
    }
}

const char* const kComposer2 = R"({
    "packages": [
        {
            "name": "acme/module-foo",
            "version": "1.0.0",
            "type": "magento2-module",
            "install-path": "../acme/module-foo",
            "require": {"php": "~8.1.0||~8.2.0", "magento/framework": "103.0.*"},
            "autoload": {"files": ["registration.php"], "psr-4": {"Acme\\Foo\\": ""}},
            "extra": {"nested": [[1, 2.5e-3, -0.0, true, false, null], {"x": {}}, []]},
            "description": "Caf\u00e9 \ud83d\ude00 \"quoted\" \\ \/ \b\f\n\r\t"
        },
        {"name": "acme/library", "type": "library", "install-path": "../acme/library"},
        {"name": "acme/module-src", "type": "magento2-module", "install-path": "../acme/src",
         "autoload": {"files": ["src/functions.php", "src/registration.php"]}}
    ],
    "dev": true,
    "dev-package-names": []
})";

} // namespace

TEST_CASE("installed.json: hand-written cases agree with a full JSON parse") {
    const char* const cases[] = {
        kComposer2,
        // Composer 1, a bare array.
        R"([{"name": "a/m", "type": "magento2-module", "autoload": {"files": ["registration.php"]}}])",
        // Shapes.
        "[]",
        "{}",
        R"({"packages": []})",
        R"({"packages": {}})",
        R"({"packages": 1})",
        "1",
        R"("packages")",
        "null",
        "true",
        R"({"packages": [], "packages": 3})",
        R"({"packages": 3, "packages": [{"type": "magento2-module", "name": "a/b"}]})",
        R"({"packages": [{"type": "magento2-module", "name": "a/b"}], "packages": []})",
        // Elements that are not objects, fields that are not strings, duplicates.
        R"([1, "x", null, [], {"type": "magento2-module"}, {"type": 7, "name": "a/b"}])",
        R"([{"type": "magento2-module", "name": 5, "install-path": ["x"]}])",
        R"([{"type": "magento2-module", "type": "library", "name": "a/b"}])",
        R"([{"type": "library", "type": "magento2-module", "name": "a/b", "name": "c/d"}])",
        R"([{"type": "magento2-module", "autoload": {"files": ["a.php", 3, "registration.php"]}}])",
        R"([{"type": "magento2-module", "autoload": {"files": ["a"]}, "autoload": {}}])",
        R"([{"type": "magento2-module", "autoload": {"files": ["a"], "files": "b"}}])",
        R"([{"type": "magento2-module", "autoload": [], "name": "x/y"}])",
        R"([{"typ\u0065": "magento2-module", "n\u0061me": "a\/b", "install-path": "..\/a\/b"}])",
        R"([{"type": "magento2-module", "name": "\u00e9\u4e2d\ud83d\ude00"}])",
        "\xEF\xBB\xBF[{\"type\": \"magento2-module\", \"name\": \"bom/ok\"}]",
        "  \r\n\t[ ]  \n",
        "[{\"type\": \"magento2-module\", \"name\": \"caf\xC3\xA9 \xE4\xB8\xAD "
        "\xF0\x9F\x98\x80\"}]",
        // Not JSON.
        "",
        "   ",
        "[",
        "{",
        R"({"packages": [)",
        "[1,]",
        R"({"a": 1,})",
        "[1 2]",
        R"({"a" 1})",
        R"({1: 2})",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "[1e]",
        "[1e+]",
        "[-01]",
        "[+1]",
        "[tru]",
        "[truex]",
        "[nul]",
        "[NaN]",
        "[Infinity]",
        "['x']",
        "[\"a\tb\"]",
        "[\"a\nb\"]",
        "[\"\\x\"]",
        "[\"\\u12G4\"]",
        "[\"\\u123\"]",
        "[\"\\ud800\"]",
        "[\"\\ud800\\u0041\"]",
        "[\"\\udc00\"]",
        "[\"\\ud800x\"]",
        "[\"abc]",
        "[\"\xC0\xAF\"]",
        "[\"\xED\xA0\x80\"]",
        "[\"\xF4\x90\x80\x80\"]",
        "[\"\xE0\x80\xAF\"]",
        "[\"\x80\"]",
        "[\"\xC3\"]",
        "[\"\xF0\x9F\x98\"]",
        "[] []",
        "[] x",
        "// c\n[]",
        "[/* c */]",
        "\xEF\xBB[]",
        "\xEF[]",
        R"({"packages": [{"type": "magento2-module",}]})",
        "[{\"a\":}]",
        "[{,}]",
        "[,]",
        "[\"\\u0000\"]",
        // Numbers and literals that are valid.
        "[0, -0, 1.5, -2.25e+10, 3E-2, 1e-999, 123456789012345678901234567890, true, false, null]",
        // Numbers beyond a double.
        "[1e999]",
        "[-1e400]",
        "[200e306]",
        "[0.0000000001e-330, 199e306, 0.00000000000000000000000000000001e340]",
        "[0.001e311]",
        "[-1.5E+400]",
        "[1e308, 1.7976931348623157e308, 1.7976931348623159e308]",
    };
    for (const char* text : cases)
        same_as_reference(text);
    same_as_reference("[" + std::string(400, '9') + "]");
    same_as_reference("[-" + std::string(400, '9') + ".5]");
    same_as_reference("[0." + std::string(400, '9') + "]");
    same_as_reference(std::string("[\"a\0b\"]", 7));
    same_as_reference(std::string("[\"\\u0000\"]\0", 11));
    same_as_reference(std::string("[1] \0 garbage", 14));
    same_as_reference(std::string("[1\0]", 5));
    same_as_reference(std::string("\0[]", 3));
}

TEST_CASE("installed.json: deep nesting is skipped without recursion") {
    std::string deep = R"({"packages": [{"type": "magento2-module", "name": "a/b", "extra": )";
    for (int i = 0; i < 200000; ++i)
        deep += i % 2 ? "{\"k\":" : "[";
    deep += "1";
    for (int i = 200000; i-- > 0;)
        deep += i % 2 ? "}" : "]";
    deep += "}]}";
    InstalledJson got = read_installed_json(deep);
    REQUIRE(got.status == InstalledJson::Status::Ok);
    REQUIRE(got.modules.size() == 1);
    CHECK(got.modules[0].name == "a/b");
    deep.pop_back();
    CHECK(read_installed_json(deep).status == InstalledJson::Status::NotJson);
}

TEST_CASE("installed.json: the error says where") {
    InstalledJson got = read_installed_json("{\n  \"packages\": [,]\n}");
    REQUIRE(got.status == InstalledJson::Status::NotJson);
    CHECK_THAT(got.error, Catch::StartsWith("line 2, column 16: "));
}

TEST_CASE("installed.json: mutations agree with a full JSON parse") {
    const std::string base = kComposer2;
    static const char kAlphabet[] = "{}[],:\"\\ 0-1.eE+tfnu\xC3\xA9\xED\xF0/\nxa\0";
    const std::string alphabet(kAlphabet, sizeof kAlphabet - 1); // with the NUL byte
    std::uint64_t rng = 0x9E3779B97F4A7C15ull;
    auto next = [&] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    for (int round = 0; round < 4000; ++round) {
        std::string text = base;
        int edits = 1 + static_cast<int>(next() % 3);
        for (int e = 0; e < edits; ++e) {
            std::size_t at = next() % text.size();
            switch (next() % 4) {
            case 0:
                text.erase(at, 1 + next() % 3);
                break;
            case 1:
                text.insert(at, 1, alphabet[next() % alphabet.size()]);
                break;
            case 2:
                text[at] = alphabet[next() % alphabet.size()];
                break;
            default:
                text.resize(at);
                break;
            }
            if (text.empty()) text = "[";
        }
        same_as_reference(text);
    }
}

TEST_CASE("installed.json: the corpus's files agree with a full JSON parse") {
    namespace fs = std::filesystem;
    const fs::path root = fs::path(MIL_SOURCE_DIR "/../shared/corpus");
    if (!fs::is_directory(root)) {
        WARN("shared corpus not present; skipping");
        return;
    }
    std::size_t seen = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file() || it->path().filename() != "installed.json") continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        INFO(it->path().string());
        same_as_reference(ss.str());
        ++seen;
    }
    CHECK(seen > 0);
}
