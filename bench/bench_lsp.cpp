// bench_lsp TREE [--server PATH] [--completions N] [--hovers N] [--definitions N]
//           [--references N] [--edits N] [--push N] [--log FILE] [--json]
//           [--bare-completion]
//
// Drives the real server binary over stdio like an editor does and measures, per request,
// the time from writing the request to the arrival of the answer's last byte:
// - ready: from `initialized` to the end of the indexing $/progress;
// - completion at many positions of an integration.xml (values of every length, element
//   positions), hover, definition, references on Magento_Backend::admin;
// - diagnostics after a didChange of that integration.xml (pull: didChange then
//   textDocument/diagnostic, so the figure is the server's work, not its debounce);
// - an acl.xml edit: didChange of the acl.xml that adds or removes an id the integration
//   names, until the integration's diagnostics say so;
// - push: didChange until textDocument/publishDiagnostics (this includes the server's
//   debounce, 150 ms by default), in a second session that does not pull;
// - the server's peak RSS (VmHWM from /proc/<pid>/status before `exit`).
#include "common.hpp"
#include "lsp_client.hpp"

#include "platform/fileio.hpp"

#include <thread>

using namespace mil::bench;
using nlohmann::json;

#ifndef MIL_BENCH_SERVER
#define MIL_BENCH_SERVER "magento-integration-ls"
#endif

namespace {

struct Pos {
    std::uint32_t line = 0, character = 0;
};

// LSP positions of byte offsets in an ASCII text (UTF-16 columns equal bytes there).
class Lines {
public:
    explicit Lines(const std::string& text) {
        starts_.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') starts_.push_back(i + 1);
    }
    Pos at(std::size_t offset) const {
        auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
        std::size_t line = static_cast<std::size_t>(it - starts_.begin()) - 1;
        return {static_cast<std::uint32_t>(line),
                static_cast<std::uint32_t>(offset - starts_[line])};
    }

private:
    std::vector<std::size_t> starts_;
};

// Members read without exceptions: a missing member or another type gives the default.
std::string str_of(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long long int_of(const json& j, const char* key, long long def) {
    if (!j.is_object()) return def;
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<long long>() : def;
}

const json& member(const json& j, const char* key) {
    static const json null;
    if (!j.is_object()) return null;
    auto it = j.find(key);
    return it != j.end() ? *it : null;
}

json pos_json(Pos p) {
    return {{"line", p.line}, {"character", p.character}};
}

json text_doc(const std::string& uri) {
    return {{"uri", uri}};
}

json at(const std::string& uri, Pos p) {
    return {{"textDocument", text_doc(uri)}, {"position", pos_json(p)}};
}

// Byte ranges of the values of `attr="..."` in the text.
std::vector<std::pair<std::size_t, std::size_t>> attr_values(const std::string& text,
                                                             const std::string& attr) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::string needle = attr + "=\"";
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) {
        auto b = p + needle.size();
        auto e = text.find('"', b);
        if (e == std::string::npos) break;
        out.emplace_back(b, e);
    }
    return out;
}

std::size_t count_code(const json& items, const std::string& code, const std::string& needle) {
    std::size_t n = 0;
    if (!items.is_array()) return 0;
    for (const auto& d : items)
        if (str_of(d, "code") == code && str_of(d, "message").find(needle) != std::string::npos)
            ++n;
    return n;
}

// The client's completion capabilities: as VS Code (vscode-languageclient 9) declares them,
// or none of the optional ones (`--bare-completion`: no resolve, no item defaults).
bool g_bare_completion = false;

json init_params(const std::string& tree, bool pull) {
    json caps = {
        {"window", {{"workDoneProgress", true}}},
        {"general", {{"positionEncodings", {"utf-16"}}}},
        {"textDocument",
         {{"completion",
           {{"completionItem",
             {{"snippetSupport", false},
              // As VS Code declares it: documentation through completionItem/resolve.
              {"resolveSupport",
               {{"properties", {"documentation", "detail", "additionalTextEdits"}}}}}},
            {"completionList",
             {{"itemDefaults",
               {"commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"}}}}}},
          {"publishDiagnostics", {{"relatedInformation", true}}}}}};
    if (g_bare_completion)
        caps["textDocument"]["completion"] = {{"completionItem", json::object()}};
    if (pull) caps["textDocument"]["diagnostic"] = json::object();
    std::string uri = mil::path_to_uri(tree);
    return {{"processId", static_cast<int>(::getpid())},
            {"rootUri", uri},
            {"capabilities", caps},
            {"workspaceFolders", {{{"uri", uri}, {"name", "bench"}}}}};
}

// initialize + initialized; returns the ms from `initialized` to the end of $/progress.
double start_session(LspClient& c, const std::string& tree, bool pull) {
    c.call("initialize", init_params(tree, pull));
    auto t0 = Clock::now();
    c.notify("initialized", json::object());
    auto end = c.wait_notification([](const json& m) {
        return str_of(m, "method") == "$/progress" &&
               str_of(member(member(m, "params"), "value"), "kind") == "end";
    });
    if (!end) throw std::runtime_error("the server never ended its indexing progress");
    return ms_between(t0, end->at);
}

void stop_session(LspClient& c) {
    c.call("shutdown", nullptr);
    c.notify("exit", nullptr);
    c.wait_exit();
}

// An incremental change replacing [b, e) (byte offsets in an ASCII text) with `text`.
json change(const std::string& uri, int version, const Lines& lines, std::size_t b, std::size_t e,
            const std::string& text) {
    return {{"textDocument", {{"uri", uri}, {"version", version}}},
            {"contentChanges",
             {{{"range", {{"start", pos_json(lines.at(b))}, {"end", pos_json(lines.at(e))}}},
               {"text", text}}}}};
}

struct Row {
    std::string name;
    Stats s;
    std::string extra;
    double server_cpu_ms = -1; // per request
};

} // namespace

int run(int argc, char** argv);

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_lsp: %s\n", e.what());
        return 1;
    }
}

int run(int argc, char** argv) {
    Args args(argc, argv);
    auto pos =
        args.positional({"--server", "--completions", "--hovers", "--definitions", "--references",
                         "--edits", "--push", "--log", "--starts", "--echo", "--index", "--trace"});
    if (pos.size() != 1) {
        std::fprintf(stderr, "usage: bench_lsp TREE [--server PATH] [--completions N] ... "
                             "[--json]\n");
        return 2;
    }
    const std::string tree = mil::absolute_path(pos[0]);
    g_bare_completion = args.flag("--bare-completion");
    const std::string server = args.value("--server", MIL_BENCH_SERVER);
    const std::string log = args.value("--log", "/dev/null");
    const long n_complete = args.number("--completions", 2000);
    const long n_hover = args.number("--hovers", 1000);
    const long n_def = args.number("--definitions", 1000);
    const long n_refs = args.number("--references", 200);
    const long n_edits = args.number("--edits", 300);
    const long n_push = args.number("--push", 30);
    const long n_starts = args.number("--starts", 5);
    const std::string echo = args.value("--echo", MIL_BENCH_ECHO);
    const std::string index_prog = args.value("--index", MIL_BENCH_INDEX);
    const std::string trace_path = args.value("--trace", "");

    json manifest = read_manifest(tree);
    std::string integ_path = manifest.contains("probe")
                                 ? manifest["probe"].value("integration", "")
                                 : tree + "/app/code/Benchmark/Connector/etc/integration.xml";
    std::string acl_path = manifest.contains("probe")
                               ? manifest["probe"].value("acl", "")
                               : tree + "/app/code/Benchmark/Connector/etc/acl.xml";
    auto integ_text = slurp(integ_path);
    auto acl_text = slurp(acl_path);
    if (!integ_text || !acl_text) {
        std::fprintf(stderr, "bench_lsp: %s has no probe module (run make_tree.py)\n",
                     tree.c_str());
        return 2;
    }
    const std::string integ_uri = mil::path_to_uri(integ_path);
    const std::string acl_uri = mil::path_to_uri(acl_path);

    std::vector<Row> rows, floor_rows;
    json out = {{"tree", tree}, {"scale", manifest.value("scale", 0)}};
    json floor_out = json::object();

    // The integration.xml, with one more resource that the acl edit below adds and removes.
    const std::string marker = "<resources>\n";
    const std::string new_id = "Benchmark_Connector::bench_new";
    std::string text = *integ_text;
    auto ins = text.find(marker);
    if (ins == std::string::npos) {
        std::fprintf(stderr, "bench_lsp: no <resources> in %s\n", integ_path.c_str());
        return 2;
    }
    text.insert(ins + marker.size(), "            <resource name=\"" + new_id + "\"/>\n");
    const Lines lines(text);

    // ---- ready, in one run: the engine alone, the server, the floor ------------------------
    // Alternated, a fresh process each: bench_index's child (index_folders on the same
    // threads, from its start to the snapshot), the server (from `initialized` to the end of
    // $/progress) and the echo server (the same, for a progress that ends at once).
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<double> engine_ready, lsp_ready, floor_ready;
    for (long i = 0; i <= n_starts; ++i) { // round 0 warms the caches up and is not counted
        ChildResult r =
            run_child({index_prog, "--child", "index", tree, "--threads", std::to_string(threads)});
        auto j = last_json_line(r.out);
        LspClient s({server, "--log-level", "warn"}, log);
        const double l = start_session(s, tree, true);
        stop_session(s);
        LspClient f({echo});
        const double fl = start_session(f, tree, true);
        stop_session(f);
        if (i == 0) continue;
        if (j && j->contains("total_ms")) engine_ready.push_back((*j)["total_ms"].get<double>());
        lsp_ready.push_back(l);
        floor_ready.push_back(fl);
    }
    const double engine_ms = engine_ready.empty() ? -1 : median(engine_ready);
    const double lsp_ms = lsp_ready.empty() ? -1 : median(lsp_ready);
    const double floor_ms = floor_ready.empty() ? -1 : median(floor_ready);
    out["starts"] = n_starts;
    out["engine_ready_ms"] = engine_ms;
    out["lsp_ready_ms"] = lsp_ms;
    out["ready_gap_ms"] = lsp_ms - engine_ms;
    out["floor_ready_ms"] = floor_ms;
    out["engine_ready_runs"] = engine_ready;
    out["lsp_ready_runs"] = lsp_ready;

    // ---- session 1: pull diagnostics ----------------------------------------------------
    auto t_spawn = Clock::now();
    std::vector<std::string> server_argv{server, "--log-level", "warn"};
    if (!trace_path.empty()) server_argv.insert(server_argv.end(), {"--trace", trace_path});
    LspClient c(server_argv, log);
    double ready_ms = start_session(c, tree, true);
    out["ready_server_cpu_ms"] = proc_cpu_ms(c.pid());
    double from_spawn_ms = ms_since(t_spawn);
    out["ready_ms"] = ready_ms;
    out["ready_from_spawn_ms"] = from_spawn_ms;
    c.record_answers();
    std::size_t n_cpos = 0;
    long hwm = -1, rss = -1;

    // The requests of session 1, against the server (`floor` false), then again against the
    // echo server, which answers each with the server's recorded answer.
    auto measure = [&](LspClient& c, std::vector<Row>& rows, json& out, bool floor) -> int {
        double cpu_mark = 0;
        // A row of session 1, with the server's CPU time per request since the last mark.
        auto add_row = [&](std::string name, Stats s, std::string extra) {
            double cpu = proc_cpu_ms(c.pid());
            double per = s.n ? (cpu - cpu_mark) / static_cast<double>(s.n) : -1;
            rows.push_back({std::move(name), s, std::move(extra), per});
            cpu_mark = proc_cpu_ms(c.pid());
            return per;
        };

        int integ_version = 1;
        c.notify("textDocument/didOpen", {{"textDocument",
                                           {{"uri", integ_uri},
                                            {"languageId", "xml"},
                                            {"version", integ_version},
                                            {"text", text}}}});
        cpu_mark = proc_cpu_ms(c.pid());
        // Completion positions: every offset inside every resource name, and element positions.
        std::vector<std::size_t> cpos;
        auto values = attr_values(text, "name");
        for (auto [b, e] : values)
            for (std::size_t o = b; o <= e; ++o)
                cpos.push_back(o);
        for (auto p = text.find("\n            <resource"); p != std::string::npos;
             p = text.find("\n            <resource", p + 1))
            cpos.push_back(p + 13); // just after '<'
        {
            std::vector<double> t;
            double items = 0, items_max = 0, bytes = 0;
            for (long i = 0; i < n_complete; ++i) {
                auto [r, ms] = c.call(
                    "textDocument/completion",
                    at(integ_uri, lines.at(cpos[static_cast<std::size_t>(i) % cpos.size()])));
                t.push_back(ms);
                const json& items_j = member(member(r, "result"), "items");
                double n = static_cast<double>(items_j.is_array() ? items_j.size() : 0);
                items += n;
                items_max = std::max(items_max, n);
                bytes += static_cast<double>(r.dump().size());
            }
            auto s = stats_of(t);
            char extra[128];
            std::snprintf(extra, sizeof extra, "%.0f items avg, %.0f max; %.1f KB avg answer",
                          items / static_cast<double>(n_complete), items_max,
                          bytes / static_cast<double>(n_complete) / 1024.0);
            out["completion"] = stats_json(s);
            out["completion"]["server_cpu_ms"] = add_row("completion", s, extra);
            out["completion_items_max"] = items_max;
            // completionItem/resolve of the items of one full list (what an editor asks for the
            // selected item).
            auto [full, ms] = c.call("textDocument/completion",
                                     at(integ_uri, lines.at(text.find("<resource name=\"") + 16)));
            (void)ms;
            const json& list = member(member(full, "result"), "items");
            std::vector<double> rt;
            std::size_t with_doc = 0;
            for (long i = 0; list.is_array() && !list.empty() && i < n_complete / 2; ++i) {
                auto [r, rms] = c.call("completionItem/resolve",
                                       list[static_cast<std::size_t>(i) % list.size()]);
                rt.push_back(rms);
                if (member(member(r, "result"), "documentation").is_object()) ++with_doc;
            }
            auto rs = stats_of(rt);
            out["resolve"] = stats_json(rs);
            out["resolve"]["server_cpu_ms"] =
                add_row("completionItem/resolve", rs,
                        std::to_string(with_doc) + " of " + std::to_string(rt.size()) +
                            " with documentation");
        }
        auto mids = [&] {
            std::vector<std::size_t> v;
            for (auto [b, e] : values)
                v.push_back((b + e) / 2);
            return v;
        }();
        auto simple = [&](const char* name, const char* method, long n, const char* key) {
            std::vector<double> t;
            std::size_t found = 0;
            for (long i = 0; i < n; ++i) {
                auto [r, ms] =
                    c.call(method, at(integ_uri,
                                      lines.at(mids[static_cast<std::size_t>(i) % mids.size()])));
                t.push_back(ms);
                if (!member(r, "result").is_null()) ++found;
            }
            auto s = stats_of(t);
            out[key] = stats_json(s);
            out[key]["server_cpu_ms"] = add_row(
                name, s,
                fmt_num(100.0 * static_cast<double>(found) / static_cast<double>(std::max(1L, n))) +
                    "% answered");
        };
        simple("hover", "textDocument/hover", n_hover, "hover");
        simple("definition", "textDocument/definition", n_def, "definition");
        {
            auto admin = text.find("\"Magento_Backend::admin\"");
            if (admin == std::string::npos) {
                std::fprintf(stderr, "bench_lsp: the probe does not name Magento_Backend::admin\n");
                return 2;
            }
            std::vector<double> t;
            std::size_t locs = 0;
            for (long i = 0; i < n_refs; ++i) {
                json p = at(integ_uri, lines.at(admin + 5));
                p["context"] = {{"includeDeclaration", true}};
                auto [r, ms] = c.call("textDocument/references", p);
                t.push_back(ms);
                locs = member(r, "result").is_array() ? member(r, "result").size() : 0;
            }
            auto s = stats_of(t);
            out["references"] = stats_json(s);
            out["references"]["server_cpu_ms"] = add_row("references Magento_Backend::admin", s,
                                                         std::to_string(locs) + " locations");
            out["references_locations"] = locs;
        }

        // A row of edits: their times, and how many answers were not current.
        auto edit_row = [&](const std::string& key, const char* name, const std::vector<double>& t,
                            std::size_t wrong) {
            auto s = stats_of(t);
            out[key] = stats_json(s);
            out[key]["server_cpu_ms"] =
                add_row(name, s, wrong ? std::to_string(wrong) + " WRONG answers" : "all current");
            out[key + "_wrong"] = wrong;
        };
        // Diagnostics after a didChange of the integration: toggle one resource between a known
        // id and an unknown one (same length, so offsets stay put).
        {
            const std::string good = "Magento_Sales::sales_order\"";
            const std::string bad = "Magento_Sales::sales_ordex\"";
            auto at_good = text.find(good);
            std::vector<double> t;
            std::size_t wrong = 0;
            for (long i = 0; i < n_edits; ++i) {
                bool make_bad = i % 2 == 0;
                auto t0 = Clock::now();
                c.notify("textDocument/didChange",
                         change(integ_uri, ++integ_version, lines, at_good, at_good + good.size(),
                                make_bad ? bad : good));
                long id =
                    c.request("textDocument/diagnostic", {{"textDocument", text_doc(integ_uri)}});
                auto r = c.wait_response(id);
                t.push_back(ms_between(t0, r->at));
                std::size_t unknown = count_code(member(member(r->message, "result"), "items"),
                                                 "unknown-resource", "Magento_Sales::sales_ordex");
                if ((unknown > 0) != make_bad) ++wrong;
            }
            edit_row("integration_edit", "didChange integration.xml -> diagnostics", t, wrong);
        }

        // An acl.xml edit: add or remove the id the integration names, then pull the
        // integration's diagnostics.
        {
            int acl_version = 1;
            c.notify("textDocument/didOpen", {{"textDocument",
                                               {{"uri", acl_uri},
                                                {"languageId", "xml"},
                                                {"version", acl_version},
                                                {"text", *acl_text}}}});
            Lines acl_lines(*acl_text);
            const std::string anchor = "Benchmark_Connector::settings\"";
            auto a = acl_text->find(anchor);
            auto line_end = acl_text->find('\n', a);
            std::size_t insert_at = line_end + 1;
            const std::string added = "                    <resource id=\"" + new_id +
                                      "\" title=\"Bench New\" sortOrder=\"99\"/>\n";
            std::vector<double> t;
            std::size_t wrong = 0;
            for (long i = 0; i < n_edits; ++i) {
                bool add = i % 2 == 0;
                auto t0 = Clock::now();
                json ch =
                    add ? change(acl_uri, ++acl_version, acl_lines, insert_at, insert_at, added)
                        : change(acl_uri, ++acl_version, acl_lines, insert_at,
                                 insert_at + added.size(), "");
                if (!add) {
                    // The range of the removal is in the text as it is now (with the line).
                    std::string now = *acl_text;
                    now.insert(insert_at, added);
                    Lines l(now);
                    ch = change(acl_uri, acl_version, l, insert_at, insert_at + added.size(), "");
                }
                c.notify("textDocument/didChange", ch);
                long id =
                    c.request("textDocument/diagnostic", {{"textDocument", text_doc(integ_uri)}});
                auto r = c.wait_response(id);
                t.push_back(ms_between(t0, r->at));
                std::size_t unknown = count_code(member(member(r->message, "result"), "items"),
                                                 "unknown-resource", new_id);
                if ((unknown == 0) != add) ++wrong;
            }
            edit_row("acl_edit", "didChange acl.xml -> integration diagnostics", t, wrong);
        }
        n_cpos = cpos.size();
        if (!floor) {
            hwm = proc_status_kb(c.pid(), "VmHWM");
            rss = proc_status_kb(c.pid(), "VmRSS");
            out["server_hwm_mb"] = kb_to_mb(hwm);
            out["server_rss_mb"] = kb_to_mb(rss);
        }
        return 0;
    };
    if (int rc = measure(c, rows, out, false)) return rc;
    stop_session(c);

    // ---- the floor: the same requests, answered by the echo server with the bytes above ----
    {
        const std::string answers_path =
            "/tmp/bench_lsp_answers." + std::to_string(::getpid()) + ".tsv";
        {
            std::string all;
            for (const auto& [method, result] : c.answers())
                all += method + '\t' + result + '\n';
            std::FILE* f = std::fopen(answers_path.c_str(), "wb");
            if (!f) throw std::runtime_error("cannot write " + answers_path);
            std::fwrite(all.data(), 1, all.size(), f);
            std::fclose(f);
        }
        LspClient e({echo, answers_path});
        floor_out["ready_ms"] = start_session(e, tree, true);
        int rc = measure(e, floor_rows, floor_out, true);
        stop_session(e);
        std::remove(answers_path.c_str());
        if (rc) return rc;
        out["floor"] = floor_out;
    }

    // ---- session 2: push diagnostics (what most editors see) -----------------------------
    if (n_push > 0) {
        LspClient p({server, "--log-level", "warn"}, log);
        start_session(p, tree, false);
        int v = 1;
        p.notify("textDocument/didOpen",
                 {{"textDocument",
                   {{"uri", integ_uri}, {"languageId", "xml"}, {"version", v}, {"text", text}}}});
        p.wait_notification([&](const json& m) {
            return str_of(m, "method") == "textDocument/publishDiagnostics" &&
                   str_of(member(m, "params"), "uri") == integ_uri;
        });
        const std::string good = "Magento_Sales::sales_order\"";
        auto at_good = text.find(good);
        std::vector<double> t;
        for (long i = 0; i < n_push; ++i) {
            bool make_bad = i % 2 == 0;
            auto t0 = Clock::now();
            p.notify("textDocument/didChange",
                     change(integ_uri, ++v, lines, at_good, at_good + good.size(),
                            make_bad ? "Magento_Sales::sales_ordex\"" : good));
            auto r = p.wait_notification([&](const json& m) {
                const json& params = member(m, "params");
                return str_of(m, "method") == "textDocument/publishDiagnostics" &&
                       str_of(params, "uri") == integ_uri && int_of(params, "version", -1) == v;
            });
            if (!r) break;
            t.push_back(ms_between(t0, r->at));
        }
        stop_session(p);
        auto s = stats_of(t);
        rows.push_back({"push: didChange -> publishDiagnostics", s, "includes the debounce"});
        out["push_edit"] = stats_json(s);
    }

    if (args.flag("--json")) {
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("bench_lsp %s\n  server %s; %zu completion positions; load %s\n\n", tree.c_str(),
                server.c_str(), n_cpos, load_average().c_str());
    // The difference may be negative (fmt_ms prints "-" for a missing figure).
    char gap[32];
    std::snprintf(gap, sizeof gap, "%+.2f ms", lsp_ms - engine_ms);
    std::printf("  ready, median of %ld fresh starts of each, alternated (%u threads):\n"
                "    engine (bench_index child, index_folders)      %s\n"
                "    server (`initialized` -> end of $/progress)    %s   (floor: echo server %s)\n"
                "    server - engine                                %s\n",
                n_starts, threads, fmt_ms(engine_ms).c_str(), fmt_ms(lsp_ms).c_str(),
                fmt_ms(floor_ms).c_str(), gap);
    // Each run, in order: the spread says how much the machine's load moved them.
    auto runs = [](const std::vector<double>& v) {
        std::string s;
        for (double x : v)
            s += (s.empty() ? "" : " ") + fmt_num(x, "%.1f");
        return s;
    };
    std::printf("    runs (ms): engine %s\n               server %s\n\n",
                runs(engine_ready).c_str(), runs(lsp_ready).c_str());
    std::printf("  session: ready %s from `initialized` to the end of $/progress (%s from spawn; "
                "server CPU until then %s)\n\n",
                fmt_ms(ready_ms).c_str(), fmt_ms(from_spawn_ms).c_str(),
                fmt_ms(out["ready_server_cpu_ms"].get<double>()).c_str());
    Table t(
        {"request", "n", "p50 ours / floor", "p99 ours / floor", "max", "server CPU/req", "notes"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        const Row* f =
            i < floor_rows.size() && floor_rows[i].name == r.name ? &floor_rows[i] : nullptr;
        auto pair = [&](double ours, double fl) {
            return f ? fmt_ms(ours) + " / " + fmt_ms(fl) : fmt_ms(ours);
        };
        t.add({r.name, std::to_string(r.s.n), pair(r.s.p50, f ? f->s.p50 : 0),
               pair(r.s.p99, f ? f->s.p99 : 0), fmt_ms(r.s.max), fmt_ms(r.server_cpu_ms), r.extra});
    }
    t.print();
    std::printf("\n  server peak RSS (VmHWM before exit): %s (VmRSS then: %s)\n",
                fmt_mb(kb_to_mb(hwm)).c_str(), fmt_mb(kb_to_mb(rss)).c_str());
    return 0;
}
