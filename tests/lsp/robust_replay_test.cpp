// Replays the fuzz harnesses (fuzz/harness_*.hpp) in the normal build: every regression
// input in tests/fixtures/robust/<target>/ (inputs that once crashed or broke an invariant),
// and the real files of the corpus through the XML, PHP and participant harnesses.
#include "../../fuzz/harness_deeptree.hpp"
#include "../../fuzz/harness_edits.hpp"
#include "../../fuzz/harness_framing.hpp"
#include "../../fuzz/harness_participants.hpp"
#include "../../fuzz/harness_php.hpp"
#include "../../fuzz/harness_session.hpp"
#include "../../fuzz/harness_xml.hpp"

#include "robust_support.hpp"

#include <algorithm>
#include <stdexcept>

namespace mil::fuzz {
void harness_failed(const std::string& what) {
    throw std::runtime_error(what);
}
} // namespace mil::fuzz

namespace {

using Harness = void (*)(const std::uint8_t*, std::size_t);

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

void replay(const std::string& path, Harness harness) {
    const std::string bytes = mil::robust::TempDir::read_all(path);
    INFO("replaying " << path);
    CHECK_NOTHROW(harness(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string with_header(std::string_view header, std::string_view text) {
    return std::string(header) + std::string(text);
}

} // namespace

TEST_CASE("replay: regression inputs of every fuzz target pass their harness") {
    mil::robust::QuietLog quiet;
    const std::pair<const char*, Harness> targets[] = {
        {"framing", mil::fuzz::run_framing},
        {"session", mil::fuzz::run_session},
        {"xml", mil::fuzz::run_xml},
        {"participants", mil::fuzz::run_participants},
        {"php", mil::fuzz::run_php},
        {"edits", mil::fuzz::run_edits},
        {"deeptree", mil::fuzz::run_deeptree_all},
    };
    for (const auto& [name, harness] : targets) {
        std::size_t replayed = 0;
        for (const std::string& f : files_in(std::string(MIL_FIXTURES_DIR) + "/robust/" + name)) {
            replay(f, harness);
            ++replayed;
        }
        // Each target's folder holds at least the edge cases committed with the harnesses
        // (deep nesting, lying lengths, invalid UTF-8, edits inside characters...).
        INFO(name);
        CHECK(replayed > 0);
    }
}

TEST_CASE("replay: the edit reference model follows the LSP position rules") {
    // The edits harness and the didChange stress test compare the server with this model.
    // Line 1, column 1 of "é\n𝄞x" in UTF-16 is inside the surrogate pair -> the start of 𝄞.
    const std::string text = "\xC3\xA9\n\xF0\x9D\x84\x9Ex";
    CHECK(mil::fuzz::ref::offset(text, 1, 1, false) == 3);
    CHECK(mil::fuzz::ref::offset(text, 1, 2, false) == 7);
    CHECK(mil::fuzz::ref::offset(text, 0, 1, true) == 0); // inside é in UTF-8 units
    CHECK(mil::fuzz::ref::offset(text, 9, 0, false) == text.size());
    // And the harness_failed of this program throws, so a replay failure fails the test.
    CHECK_THROWS([] { MIL_FUZZ_CHECK(1 + 1 == 3, "arithmetic"); }());
}

TEST_CASE("replay: the tiny session tree serves a scripted session") {
    mil::robust::QuietLog quiet;
    // flags 1|8: the harness initializes, waits for the index and opens integration.xml; then
    // a completion request, shutdown and exit.
    std::string bytes(1, '\x09');
    auto frame_json = [](const std::string& body) { return mil::frame(body); };
    bytes += frame_json(
        R"({"jsonrpc":"2.0","id":5,"method":"textDocument/completion","params":{"textDocument":)"
        R"({"uri":"file://@ROOT@/app/code/Acme/Demo/etc/integration.xml"},)"
        R"("position":{"line":5,"character":30}}})");
    bytes += frame_json(R"({"jsonrpc":"2.0","id":6,"method":"shutdown"})");
    bytes += frame_json(R"({"jsonrpc":"2.0","method":"exit"})");
    CHECK_NOTHROW(
        mil::fuzz::run_session(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

TEST_CASE("replay: corpus files through the XML PHP and participant harnesses") {
    const std::string corpus = std::string(MIL_SOURCE_DIR) + "/../shared/corpus";
    if (!std::filesystem::is_directory(corpus)) {
        WARN("SKIPPED: no corpus at " << corpus);
        return;
    }
    mil::robust::QuietLog quiet;
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(corpus))
        if (e.is_regular_file() &&
            mil::classify_path(e.path().generic_string()) != mil::FileKind::Unknown)
            files.push_back(e.path().generic_string());
    std::sort(files.begin(), files.end());
    REQUIRE(!files.empty());
    // Every 4th file keeps the run short under the sanitizers; the selection is stable.
    std::size_t n = 0;
    for (std::size_t i = 0; i < files.size(); i += 4, ++n) {
        const std::string text = mil::robust::TempDir::read_all(files[i]);
        if (text.size() > 200000) continue;
        INFO(files[i]);
        // Offsets 40, 256 and 9; the schema kind of the file.
        auto schema = mil::schema_kind_for_path(files[i]);
        const std::string header = {
            static_cast<char>(schema ? static_cast<int>(*schema) : 0), 0, 40, 1, 0, 0, 9};
        const std::string input = with_header(header, text);
        const auto* data = reinterpret_cast<const std::uint8_t*>(input.data());
        const mil::FileKind kind = mil::classify_path(files[i]);
        if (files[i].ends_with(".php")) {
            CHECK_NOTHROW(mil::fuzz::run_php(reinterpret_cast<const std::uint8_t*>(text.data()),
                                             text.size()));
        } else if (files[i].ends_with(".xml")) {
            CHECK_NOTHROW(mil::fuzz::run_xml(data, input.size()));
        }
        // The participant harness puts the text where a file of its kind lives.
        int sel = 12;
        switch (kind) {
        case mil::FileKind::Integration:
            sel = 0;
            break;
        case mil::FileKind::IntegrationConfig:
            sel = 1;
            break;
        case mil::FileKind::IntegrationApi:
            sel = 2;
            break;
        case mil::FileKind::Acl:
            sel = 3;
            break;
        case mil::FileKind::ModuleXml:
            sel = 4;
            break;
        case mil::FileKind::Registration:
            sel = 5;
            break;
        case mil::FileKind::Composer:
            sel = 6;
            break;
        case mil::FileKind::Webapi:
            sel = 7;
            break;
        case mil::FileKind::Menu:
            sel = 8;
            break;
        case mil::FileKind::System:
            sel = 9;
            break;
        case mil::FileKind::UiComponent:
            sel = 10;
            break;
        case mil::FileKind::SetupPhp:
            sel = 11;
            break;
        default:
            break;
        }
        std::string pinput = input;
        pinput[0] = static_cast<char>(sel);
        CHECK_NOTHROW(mil::fuzz::run_participants(
            reinterpret_cast<const std::uint8_t*>(pinput.data()), pinput.size()));
    }
    CHECK(n > 0);
}
