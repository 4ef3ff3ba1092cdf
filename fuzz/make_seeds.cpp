// Writes the seed corpora of the fuzz targets from the repository's own files (the test
// fixtures and data/example), in each harness's input layout. Run by scripts/fuzz.sh; the
// seeds are generated at run time so that no file is committed twice.
//
//   make_seeds OUT_DIR SOURCE_DIR
//
// writes OUT_DIR/<target>/<n> for every target.
#include "lsp/jsonrpc.hpp"
#include "mil/base/text.hpp"
#include "mil/model/model.hpp"
#include "mil/model/schema.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string out_dir;
std::map<std::string, int> counts;

void emit(const std::string& target, const std::string& bytes) {
    fs::create_directories(out_dir + "/" + target);
    std::ofstream(out_dir + "/" + target + "/seed-" + std::to_string(counts[target]++),
                  std::ios::binary)
        << bytes;
}

std::string u16(std::size_t v) {
    v = std::min<std::size_t>(v, 0xffff);
    return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}

// Offsets worth fuzzing from: inside the first attribute value, after the first '<', the end.
std::vector<std::size_t> interesting_offsets(const std::string& text) {
    std::vector<std::size_t> out;
    auto q = text.find("=\"");
    out.push_back(q == std::string::npos ? 0 : q + 2);
    auto lt = text.find("<", 1);
    out.push_back(lt == std::string::npos ? 0 : lt + 1);
    out.push_back(text.size() / 2);
    return out;
}

// Where a file of this kind lives in a module (harness_participants.hpp's table order).
int participant_selector(mil::FileKind kind) {
    switch (kind) {
    case mil::FileKind::Integration:
        return 0;
    case mil::FileKind::IntegrationConfig:
        return 1;
    case mil::FileKind::IntegrationApi:
        return 2;
    case mil::FileKind::Acl:
        return 3;
    case mil::FileKind::ModuleXml:
        return 4;
    case mil::FileKind::Registration:
        return 5;
    case mil::FileKind::Composer:
        return 6;
    case mil::FileKind::Webapi:
        return 7;
    case mil::FileKind::Menu:
        return 8;
    case mil::FileKind::System:
        return 9;
    case mil::FileKind::UiComponent:
        return 10;
    case mil::FileKind::SetupPhp:
        return 11;
    default:
        return 12;
    }
}

const char* module_rel_path(mil::FileKind kind) {
    switch (kind) {
    case mil::FileKind::Integration:
        return "etc/integration.xml";
    case mil::FileKind::IntegrationConfig:
        return "etc/integration/config.xml";
    case mil::FileKind::IntegrationApi:
        return "etc/integration/api.xml";
    case mil::FileKind::Acl:
        return "etc/acl.xml";
    case mil::FileKind::ModuleXml:
        return "etc/module.xml";
    case mil::FileKind::Registration:
        return "registration.php";
    case mil::FileKind::Composer:
        return "composer.json";
    case mil::FileKind::Webapi:
        return "etc/webapi.xml";
    case mil::FileKind::Menu:
        return "etc/adminhtml/menu.xml";
    case mil::FileKind::System:
        return "etc/adminhtml/system.xml";
    case mil::FileKind::UiComponent:
        return "view/adminhtml/ui_component/demo_listing.xml";
    case mil::FileKind::SetupPhp:
        return "Setup/Patch/Data/AddIntegration.php";
    default:
        return nullptr;
    }
}

json position(const std::string& text, std::size_t offset) {
    mil::LineIndex li(text);
    mil::LineCol lc = li.to_line_col(text, static_cast<mil::Offset>(offset), mil::Encoding::Utf16);
    return {{"line", lc.line}, {"character", lc.col}};
}

std::string message(const json& m) {
    return mil::frame(m.dump());
}

std::string request(int id, const std::string& method, const json& params) {
    return message({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

std::string notification(const std::string& method, const json& params) {
    return message({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

// A session that opens `text` as a file of `kind` in the tiny tree and asks for everything.
std::string transcript(mil::FileKind kind, const std::string& text, bool initialize) {
    std::string uri = std::string("file://@ROOT@/app/code/Acme/Demo/") + module_rel_path(kind);
    json doc = {{"uri", uri}};
    std::string out;
    if (initialize) {
        out += request(1, "initialize",
                       {{"processId", nullptr},
                        {"rootUri", "file://@ROOT@"},
                        {"capabilities", json::object()}});
        out += notification("initialized", json::object());
    }
    out += notification(
        "textDocument/didOpen",
        {{"textDocument", {{"uri", uri}, {"languageId", "xml"}, {"version", 1}, {"text", text}}}});
    int id = 10;
    for (std::size_t off : interesting_offsets(text)) {
        json pos = {{"textDocument", doc}, {"position", position(text, off)}};
        out += request(id++, "textDocument/completion", pos);
        out += request(id++, "textDocument/hover", pos);
        out += request(id++, "textDocument/definition", pos);
        json refs = pos;
        refs["context"] = {{"includeDeclaration", true}};
        out += request(id++, "textDocument/references", refs);
    }
    std::size_t mid = text.size() / 2;
    out +=
        notification("textDocument/didChange",
                     {{"textDocument", {{"uri", uri}, {"version", 2}}},
                      {"contentChanges",
                       {{{"range", {{"start", position(text, mid)}, {"end", position(text, mid)}}},
                         {"text", "<resource name=\"Magento_\"/>"}}}}});
    out += message({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", id}}}});
    out += request(id++, "textDocument/documentSymbol", {{"textDocument", doc}});
    out += request(id++, "textDocument/codeAction",
                   {{"textDocument", doc},
                    {"range", {{"start", position(text, 0)}, {"end", position(text, mid)}}},
                    {"context", {{"diagnostics", json::array()}}}});
    out += request(id++, "workspace/symbol", {{"query", "Acme"}});
    out += notification("textDocument/didClose", {{"textDocument", doc}});
    out += request(id++, "shutdown", nullptr);
    out += notification("exit", nullptr);
    return out;
}

std::string edits_seed(const std::string& text) {
    std::string initial = text.substr(0, 255);
    std::string out(1, static_cast<char>(initial.size()));
    out += initial;
    auto change = [&](std::uint8_t flags, int l1, int c1, int l2, int c2, const std::string& t) {
        out += static_cast<char>(flags);
        out += u16(l1) + u16(c1) + u16(l2) + u16(c2);
        out += static_cast<char>(t.size());
        out += t;
    };
    change(0, 1, 4, 1, 4, "<resource name=\"\"/>\n");
    change(1, 2, 0, 1, 3, "é𝄞\r\n");
    change(0, 0, 10, 3, 2, "");
    change(0, 0, 23, 99, 0, "\r");
    change(2, 0, 0, 0, 0, "<config>\n</config>");
    return out;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_seeds OUT_DIR SOURCE_DIR\n");
        return 2;
    }
    out_dir = argv[1];
    const std::string source = argv[2];
    std::vector<fs::path> files;
    for (const char* dir : {"/tests/fixtures", "/data/example"}) {
        if (!fs::is_directory(source + dir)) continue;
        for (const auto& e : fs::recursive_directory_iterator(
                 source + dir, fs::directory_options::skip_permission_denied))
            if (e.is_regular_file() && !e.is_symlink() && e.file_size() <= 65536)
                files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    int edits = 0, sessions = 0;
    for (const fs::path& p : files) {
        const std::string ext = p.extension().string();
        if (ext != ".xml" && ext != ".php" && ext != ".json") continue;
        const std::string text = read(p);
        const std::string path = p.generic_string();
        const mil::FileKind kind = mil::classify_path(path);
        const std::vector<std::size_t> offs = interesting_offsets(text);
        const std::string offsets = u16(offs[0]) + u16(offs[1]) + u16(offs[2]);

        if (ext == ".xml") {
            auto schema = mil::schema_kind_for_path(path);
            emit("xml", std::string(1, static_cast<char>(schema ? static_cast<int>(*schema) : 0)) +
                            offsets + text);
        }
        if (ext == ".php") emit("php", text);
        if (ext == ".json") emit("jsonlite", text);
        if (kind != mil::FileKind::Unknown)
            emit("participants",
                 std::string(1, static_cast<char>(participant_selector(kind))) + offsets + text);
        if (edits < 12 && !text.empty()) {
            emit("edits", edits_seed(text));
            ++edits;
        }
        if (module_rel_path(kind) && sessions < 40) {
            const bool init = sessions % 2 == 0;
            const std::string t = transcript(kind, text, !init);
            // With the harness prologue (flags 1 plus combinations of 2, 4, 8) or initializing
            // itself.
            const char flags = init ? static_cast<char>(1 | ((sessions / 2 % 8) << 1)) : 0;
            emit("session", std::string(1, flags) + t);
            emit("framing", std::string(1, static_cast<char>(sessions)) + std::string(1, 0) + t);
            ++sessions;
        }
    }
    for (const auto& [target, n] : counts)
        std::printf("%s: %d seeds\n", target.c_str(), n);
    return 0;
}
