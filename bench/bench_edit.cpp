// bench_edit TREE [--edits N] [--queries N] [--json] [--verify STEPS]
//
// The core without the protocol: index the tree once, then through mil::Engine directly
// - edit one acl.xml (add or remove an id an open integration.xml names) and measure the
//   snapshot rebuild (Engine::change) and the integration's diagnostics until they are
//   current;
// - edit one integration.xml (a resource between a known and an unknown id) likewise;
// - completion, hover and references on Magento_Backend::admin, as the engine answers them
//   (the protocol figures of bench_lsp minus JSON and pipes);
// - the REST routes (issue 22): hover on the resource id that the most routes need and on the
//   integration's name, completion by route (`GET /V1/` and `POST /V1/orders/`), the code lens.
// --verify STEPS instead applies random edits with with_file and compares each snapshot
// with a full merge of the same files (a check of the incremental merge, not a timing).
#include "common.hpp"
#include "mil/ide/entry.hpp"

#include "mil/ide/engine.hpp"
#include "mil/model/routes.hpp"
#include "platform/fileio.hpp"
#include "platform/heap.hpp"
#include "platform/log.hpp"
#include "workspace/indexer.hpp"

#include <fmt/format.h>

#include <thread>

using namespace mil;
using namespace mil::bench;
using nlohmann::json;

namespace {

std::size_t count_unknown(const std::vector<Diagnostic>& ds, const std::string& id) {
    std::size_t n = 0;
    for (const auto& d : ds)
        if (d.code == "unknown-resource" && d.message.find(id) != std::string::npos) ++n;
    return n;
}

struct Row {
    std::string name;
    Stats s;
    std::string notes;
    double cpu_p50 = -1; // thread CPU time, ms
};

// ---- --verify: the snapshot an incremental with_file makes equals a full merge ----------

bool same_decl(const AclDeclaration& a, const AclDeclaration& b) {
    return a.location == b.location && a.module == b.module && a.has_title == b.has_title &&
           a.title == b.title && a.title_location == b.title_location;
}

bool same_node(const AclNode& a, const AclNode& b) {
    if (a.id != b.id || a.title != b.title || !(a.title_location == b.title_location) ||
        a.module != b.module || a.parent != b.parent || a.children != b.children ||
        a.sort_order != b.sort_order || a.from_catalog != b.from_catalog ||
        a.declarations.size() != b.declarations.size())
        return false;
    for (std::size_t i = 0; i < a.declarations.size(); ++i)
        if (!same_decl(a.declarations[i], b.declarations[i])) return false;
    return true;
}

// The first difference between two snapshots, or "".
std::string snapshot_diff(const Snapshot& a, const Snapshot& b) {
    if (a.root != b.root) return "root";
    if (a.has_core != b.has_core) return "has_core";
    if (a.uses_catalog != b.uses_catalog) return "uses_catalog";
    if (a.files.size() != b.files.size()) return "number of files";
    for (auto i = a.files.begin(), j = b.files.begin(); i != a.files.end(); ++i, ++j)
        if (i->first != j->first || i->second != j->second) return "file " + i->second->path;
    if (a.modules.size() != b.modules.size()) return "number of modules";
    for (std::size_t i = 0; i < a.modules.size(); ++i) {
        const auto &x = a.modules[i], &y = b.modules[i];
        if (x.dir != y.dir || x.name != y.name || x.origin != y.origin ||
            x.sequence != y.sequence || x.load_order != y.load_order)
            return "module " + x.dir;
    }
    if (a.acl.nodes.size() != b.acl.nodes.size()) return "number of ACL nodes";
    for (std::size_t i = 0; i < a.acl.nodes.size(); ++i)
        if (!same_node(a.acl.nodes[i], b.acl.nodes[i])) return "ACL node " + a.acl.nodes[i].id;
    if (a.acl.roots != b.acl.roots) return "ACL roots";
    if (a.acl.by_id != b.acl.by_id) return "ACL by_id";
    if (a.acl.disabled != b.acl.disabled) return "ACL disabled";
    if (a.integrations.size() != b.integrations.size()) return "number of integrations";
    for (auto i = a.integrations.begin(), j = b.integrations.begin(); i != a.integrations.end();
         ++i, ++j) {
        if (i->first != j->first || i->second.size() != j->second.size())
            return "integration " + i->first;
        for (std::size_t k = 0; k < i->second.size(); ++k) {
            const auto &x = i->second[k], &y = j->second[k];
            if (x.path != y.path || x.index != y.index || x.module != y.module || x.kind != y.kind)
                return "integration " + i->first;
        }
    }
    return {};
}

// What with_file did before it merged incrementally: everything again.
std::shared_ptr<const Snapshot> full_merge(const Snapshot& base, const std::string& path,
                                           std::shared_ptr<const FileEntry> entry) {
    SnapshotInput in;
    in.root = base.root;
    for (const auto& m : base.modules)
        if (m.origin != "open") in.modules.push_back({m.dir, {}, m.origin, {}, 0});
    for (const auto& [p, f] : base.files)
        if (p != path) in.files.push_back(f);
    if (entry) in.files.push_back(std::move(entry));
    in.catalog = &bundled_catalog();
    return build_snapshot(std::move(in));
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
    auto p = s.find(from);
    if (p != std::string::npos) s.replace(p, from.size(), to);
    return s;
}

// Random edits of the files that feed the merge (acl.xml titles, ids, disabled flags and
// removals; integration names; module.xml names and sequences; registration.php names; a
// file outside every module), each applied with with_file and compared with a full merge.
int verify(const std::shared_ptr<const Snapshot>& start, long steps) {
    std::vector<std::string> paths;
    for (const auto& [p, f] : start->files)
        if (f->kind == FileKind::Acl || f->kind == FileKind::Integration ||
            f->kind == FileKind::IntegrationConfig || f->kind == FileKind::IntegrationApi ||
            f->kind == FileKind::ModuleXml || f->kind == FileKind::Registration ||
            f->kind == FileKind::Webapi)
            paths.push_back(f->path);
    if (paths.empty()) return 1;
    std::uint64_t seed = 12345;
    auto next = [&] {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(seed >> 33);
    };
    auto snap = start;
    std::size_t failures = 0;
    for (long step = 0; step < steps; ++step) {
        std::string path = paths[next() % paths.size()];
        const FileEntry* old = snap->file(path);
        std::string text = old ? *old->text : std::string();
        std::shared_ptr<const FileEntry> entry;
        switch (next() % 8) {
        case 0: // removed
            break;
        case 1: // back as it was at the start
            if (const FileEntry* f = start->file(path)) entry = make_entry(path, *f->text);
            break;
        case 2:
            entry = make_entry(path, replace_once(text, "title=\"", "title=\"Edited "));
            break;
        case 3:
            entry =
                make_entry(path, replace_once(text, "id=\"", "id=\"Zz_New::x\"/><resource id=\""));
            break;
        case 4:
            entry = make_entry(path, replace_once(text, "<resource id=\"Magento_Backend::stores\"",
                                                  "<resource disabled=\"true\" "
                                                  "id=\"Magento_Backend::stores\""));
            break;
        case 5: // names: integration, module, registration
            entry = make_entry(path, replace_once(replace_once(text, "name=\"", "name=\"X"),
                                                  "'Magento_", "'Magentx_"));
            break;
        case 6:
            entry = make_entry(
                path, replace_once(text, "<sequence>", "<sequence><module name=\"Magento_Zz\"/>"));
            break;
        default: { // a file of no indexed module
            path = "/tmp/nowhere/Vendor/Module" + std::to_string(next() % 3) + "/etc/acl.xml";
            entry = make_entry(path, text);
        }
        }
        auto inc = with_file(*snap, path, entry, &bundled_catalog());
        auto full = full_merge(*snap, path, entry);
        std::string d = snapshot_diff(*inc, *full);
        if (!d.empty()) {
            ++failures;
            std::printf("  step %ld, %s: differs in %s\n", step, path.c_str(), d.c_str());
        }
        snap = full;
    }
    std::printf("verify: %ld edits, %zu differences between with_file and a full merge\n", steps,
                failures);
    return failures ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    mil::use_huge_page_heaps(); // as the server and check start: see server/heap.hpp
    Args args(argc, argv);
    log::set_output(nullptr);
    auto pos = args.positional({"--edits", "--queries", "--verify"});
    if (pos.size() != 1) {
        std::fprintf(stderr, "usage: bench_edit TREE [--edits N] [--queries N] [--json]\n");
        return 2;
    }
    const std::string tree = absolute_path(pos[0]);
    const long n_edits = args.number("--edits", 300);
    const long n_queries = args.number("--queries", 2000);
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
        std::fprintf(stderr, "bench_edit: %s has no probe module (run make_tree.py)\n",
                     tree.c_str());
        return 2;
    }

    auto t0 = Clock::now();
    IndexResult r = index_folders({tree});
    double index_ms = ms_since(t0);
    if (long steps = args.number("--verify", 0); steps > 0) return verify(r.snapshot, steps);
    Engine engine(r.snapshot);

    const std::string new_id = "Benchmark_Connector::bench_new";
    std::string integ = *integ_text;
    const std::string marker = "<resources>\n";
    integ.insert(integ.find(marker) + marker.size(),
                 "            <resource name=\"" + new_id + "\"/>\n");
    engine.open(integ_path, integ);
    engine.open(acl_path, *acl_text);

    std::vector<Row> rows;
    json out = {{"tree", tree}, {"scale", manifest.value("scale", 0)}, {"index_ms", index_ms}};

    // acl.xml: add / remove the id.
    {
        std::string with_id = *acl_text;
        auto a = with_id.find("Benchmark_Connector::settings\"");
        with_id.insert(with_id.find('\n', a) + 1,
                       "                    <resource id=\"" + new_id +
                           "\" title=\"Bench New\" sortOrder=\"99\"/>\n");
        std::vector<double> rebuild, diag, total, c_rebuild, c_diag, c_total;
        std::size_t wrong = 0;
        for (long i = 0; i < n_edits; ++i) {
            bool add = i % 2 == 0;
            double c0 = thread_cpu_ms();
            auto a0 = Clock::now();
            engine.change(acl_path, add ? with_id : *acl_text);
            auto a1 = Clock::now();
            double c1 = thread_cpu_ms();
            auto ds = engine.diagnose(integ_path);
            auto a2 = Clock::now();
            double c2 = thread_cpu_ms();
            rebuild.push_back(ms_between(a0, a1));
            diag.push_back(ms_between(a1, a2));
            total.push_back(ms_between(a0, a2));
            c_rebuild.push_back(c1 - c0);
            c_diag.push_back(c2 - c1);
            c_total.push_back(c2 - c0);
            if ((count_unknown(ds, new_id) == 0) != add) ++wrong;
        }
        rows.push_back(
            {"acl.xml edit: Engine::change (snapshot)", stats_of(rebuild), "", median(c_rebuild)});
        rows.push_back({"  then diagnose(integration.xml)", stats_of(diag), "", median(c_diag)});
        rows.push_back({"  edit -> diagnostics current", stats_of(total),
                        wrong ? std::to_string(wrong) + " WRONG" : "all current", median(c_total)});
        out["acl_change"] = stats_json(stats_of(rebuild));
        out["acl_edit"] = stats_json(stats_of(total));
        out["acl_edit"]["cpu_p50"] = median(c_total);
        out["acl_edit_wrong"] = wrong;
        engine.change(acl_path, with_id);
    }
    // integration.xml: one resource between a known and an unknown id.
    {
        const std::string good = "Magento_Sales::sales_order\"";
        const std::string bad = "Magento_Sales::sales_ordex\"";
        std::string broken = integ;
        broken.replace(broken.find(good), good.size(), bad);
        std::vector<double> rebuild, total, c_rebuild, c_total;
        std::size_t wrong = 0;
        for (long i = 0; i < n_edits; ++i) {
            bool make_bad = i % 2 == 0;
            double c0 = thread_cpu_ms();
            auto a0 = Clock::now();
            engine.change(integ_path, make_bad ? broken : integ);
            auto a1 = Clock::now();
            double c1 = thread_cpu_ms();
            auto ds = engine.diagnose(integ_path);
            auto a2 = Clock::now();
            double c2 = thread_cpu_ms();
            rebuild.push_back(ms_between(a0, a1));
            total.push_back(ms_between(a0, a2));
            c_rebuild.push_back(c1 - c0);
            c_total.push_back(c2 - c0);
            if ((count_unknown(ds, "Magento_Sales::sales_ordex") > 0) != make_bad) ++wrong;
        }
        rows.push_back(
            {"integration.xml edit: Engine::change", stats_of(rebuild), "", median(c_rebuild)});
        rows.push_back({"  edit -> diagnostics current", stats_of(total),
                        wrong ? std::to_string(wrong) + " WRONG" : "all current", median(c_total)});
        out["integration_edit"] = stats_json(stats_of(total));
        engine.change(integ_path, integ);
    }
    // Queries.
    {
        std::vector<Offset> cpos, mids;
        const std::string needle = "name=\"";
        for (auto p = integ.find(needle); p != std::string::npos; p = integ.find(needle, p + 1)) {
            auto b = p + needle.size();
            auto e = integ.find('"', b);
            for (auto o = b; o <= e; ++o)
                cpos.push_back(static_cast<Offset>(o));
            mids.push_back(static_cast<Offset>((b + e) / 2));
        }
        std::vector<double> t, ct;
        std::size_t items = 0;
        for (long i = 0; i < n_queries; ++i) {
            double c0 = thread_cpu_ms();
            auto a0 = Clock::now();
            auto c = engine.complete(integ_path, cpos[static_cast<std::size_t>(i) % cpos.size()]);
            t.push_back(ms_since(a0));
            ct.push_back(thread_cpu_ms() - c0);
            items = std::max(items, c.items.size());
        }
        rows.push_back(
            {"complete (engine)", stats_of(t), std::to_string(items) + " items max", median(ct)});
        out["complete_cpu_p99"] = stats_of(ct).p99;
        out["complete"] = stats_json(stats_of(t));
        t.clear();
        ct.clear();
        for (long i = 0; i < n_queries / 2; ++i) {
            double c0 = thread_cpu_ms();
            auto a0 = Clock::now();
            auto h = engine.hover(integ_path, mids[static_cast<std::size_t>(i) % mids.size()]);
            t.push_back(ms_since(a0));
            ct.push_back(thread_cpu_ms() - c0);
        }
        rows.push_back({"hover (engine)", stats_of(t), "", median(ct)});
        out["hover"] = stats_json(stats_of(t));
        t.clear();
        ct.clear();
        auto admin = static_cast<Offset>(integ.find("\"Magento_Backend::admin\"") + 5);
        std::size_t locs = 0;
        for (long i = 0; i < std::max(1L, n_queries / 10); ++i) {
            double c0 = thread_cpu_ms();
            auto a0 = Clock::now();
            locs = engine.references(integ_path, admin, true).size();
            t.push_back(ms_since(a0));
            ct.push_back(thread_cpu_ms() - c0);
        }
        rows.push_back({"references Magento_Backend::admin (engine)", stats_of(t),
                        std::to_string(locs) + " locations", median(ct)});
        out["references"] = stats_json(stats_of(t));
    }
    // REST routes: the probe integration with the id the most routes need, and a resource
    // being typed as a route.
    if (const RouteIndex* routes = engine.snapshot().routes.get(); routes) {
        std::string busiest;
        std::size_t most = 0;
        for (const auto& [id, list] : routes->by_resource)
            if (list.size() > most && engine.snapshot().acl.find(id)) {
                busiest = id;
                most = list.size();
            }
        std::string text = integ;
        const std::string typed = "            <resource name=\"GET /V1/\"/>\n"
                                  "            <resource name=\"POST /V1/orders/\"/>\n";
        text.insert(text.find(marker) + marker.size(),
                    "            <resource name=\"" + busiest + "\"/>\n" + typed);
        engine.change(integ_path, text);
        auto time = [&](const std::string& name, const std::string& key, long n, auto&& fn) {
            std::vector<double> t, ct;
            std::string notes;
            for (long i = 0; i < n; ++i) {
                double c0 = thread_cpu_ms();
                auto a0 = Clock::now();
                notes = fn();
                t.push_back(ms_since(a0));
                ct.push_back(thread_cpu_ms() - c0);
            }
            rows.push_back({name, stats_of(t), notes, median(ct)});
            out[key] = stats_json(stats_of(t));
            out[key]["cpu_p99"] = stats_of(ct).p99;
        };
        const auto at_id = static_cast<Offset>(text.find(busiest) + 3);
        time("hover " + busiest + " (routes)", "hover_routes", n_queries / 2, [&] {
            auto h = engine.hover(integ_path, at_id);
            return fmt::format("{} routes need it, {} bytes", most, h ? h->markdown.size() : 0);
        });
        const auto at_name = static_cast<Offset>(text.find("integration name=\"") + 19);
        time("hover integration name (routes)", "hover_integration", n_queries / 2, [&] {
            auto h = engine.hover(integ_path, at_name);
            return fmt::format("{} bytes", h ? h->markdown.size() : 0);
        });
        for (const auto& [prefix, key] :
             {std::pair{std::string("GET /V1/"), "complete_route_v1"},
              std::pair{std::string("POST /V1/orders/"), "complete_route_orders"}}) {
            const auto at = static_cast<Offset>(text.find('"' + prefix + '"') + 1 + prefix.size());
            time("complete route '" + prefix + "'", key, n_queries / 2, [&] {
                return fmt::format("{} items", engine.complete(integ_path, at).items.size());
            });
        }
        time("code lens (integration.xml)", "code_lens", n_queries / 2, [&] {
            auto l = engine.code_lenses(integ_path);
            return l.empty() ? std::string("none") : l.front().title;
        });
        out["routes"] = routes->routes.size();
        engine.change(integ_path, integ);
    }

    if (args.flag("--json")) {
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("bench_edit %s\n  index %s, %zu files, %zu ACL ids; load %s\n\n", tree.c_str(),
                fmt_ms(index_ms).c_str(), r.files, r.snapshot->acl.nodes.size(),
                load_average().c_str());
    Table t({"operation", "n", "p50", "p99", "max", "CPU p50", "notes"});
    for (const auto& row : rows)
        t.add({row.name, std::to_string(row.s.n), fmt_ms(row.s.p50), fmt_ms(row.s.p99),
               fmt_ms(row.s.max), fmt_ms(row.cpu_p50), row.notes});
    t.print();
    return 0;
}
