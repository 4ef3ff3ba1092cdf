// Protocol transcripts: tests/fixtures/transcripts/*.jsonl, one message a line, "send" what
// the client writes and "expect" what the server must answer or notify, run through the
// in-memory transport against a copy of data/example. In the text, ${root} is the copy's URI
// and ${file:REL} the JSON-escaped text of a file of it. An expectation is a subset: the
// members it gives must be there with those values; the items of an array it gives must
// appear in that order (others may come between). Lines starting with // are comments.
#include "lsp_harness.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace mil;
using namespace mil::test;

namespace {

bool matches(const json& want, const json& got) {
    if (want.is_object()) {
        if (!got.is_object()) return false;
        for (const auto& [k, v] : want.items())
            if (!got.contains(k) || !matches(v, got[k])) return false;
        return true;
    }
    if (want.is_array()) {
        if (!got.is_array()) return false;
        std::size_t g = 0;
        for (const auto& w : want) {
            while (g < got.size() && !matches(w, got[g]))
                ++g;
            if (g == got.size()) return false;
            ++g;
        }
        return true;
    }
    return want == got;
}

std::string substitute(std::string line, const TempCopy& tree) {
    const std::string root = path_to_uri(tree.root());
    for (std::size_t at; (at = line.find("${root}")) != std::string::npos;)
        line.replace(at, 7, root);
    for (std::size_t at; (at = line.find("${file:")) != std::string::npos;) {
        const std::size_t end = line.find('}', at);
        REQUIRE(end != std::string::npos);
        const std::string escaped = json(tree.read(line.substr(at + 7, end - at - 7))).dump();
        line.replace(at, end + 1 - at, escaped.substr(1, escaped.size() - 2));
    }
    return line;
}

void run_transcript(const std::string& file) {
    TempCopy tree(example_dir());
    LspClient client;
    std::ifstream in(file);
    REQUIRE(in);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line.rfind("//", 0) == 0) continue;
        INFO(file << ":" << number);
        const json step = json::parse(substitute(line, tree));
        if (step.contains("send")) {
            client.send(step["send"]);
            continue;
        }
        REQUIRE(step.contains("expect"));
        const json& want = step["expect"];
        if (want.contains("id")) {
            const json got = client.response(want["id"].get<int>());
            INFO("got: " << got.dump());
            CHECK(matches(want, got));
        } else {
            // The first notification of that method that matches (others may come first).
            const json got = client.wait_notification(
                want["method"].get<std::string>(),
                [&](const json& params) { return matches(want["params"], params); });
            CHECK(matches(want["params"], got));
        }
    }
}

} // namespace

TEST_CASE("transcript matching: subsets of objects, ordered subsets of arrays") {
    CHECK(matches(json::parse(R"({"a": 1})"), json::parse(R"({"a": 1, "b": 2})")));
    CHECK_FALSE(matches(json::parse(R"({"a": 1})"), json::parse(R"({"a": 2})")));
    CHECK_FALSE(matches(json::parse(R"({"c": 1})"), json::parse(R"({"a": 1})")));
    CHECK(matches(json::parse("[1, 3]"), json::parse("[1, 2, 3]")));
    CHECK_FALSE(matches(json::parse("[3, 1]"), json::parse("[1, 2, 3]")));
    CHECK_FALSE(matches(json::parse("null"), json::parse("[]")));
}

TEST_CASE("protocol transcripts") {
    const std::string dir = std::string(MIL_FIXTURES_DIR) + "/transcripts";
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".jsonl") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 2);
    for (const auto& f : files) {
        SECTION(std::filesystem::path(f).filename().string()) {
            run_transcript(f);
        }
    }
}
