// bench_curve TREE... [--runs N] [--server PATH]
//
// The cost curve: runs bench_index, bench_edit, bench_check and bench_lsp (as child
// processes, --json) over trees of growing size (make_tree.py --scale 1, 10, 100) and prints
// time and memory per size with the growth factor against the first (smallest) tree.
#include "common.hpp"

#include "platform/fileio.hpp"

#include <functional>

using namespace mil::bench;
using nlohmann::json;

namespace {

std::string bench_dir;

std::optional<json> run_bench(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), bench_dir + "/" + name);
    args.push_back("--json");
    std::fprintf(stderr, "  %s %s ...\n", name.c_str(), args[1].c_str());
    ChildResult r = run_child(args);
    auto j = last_json_line(r.out);
    if (!j || r.status != 0) {
        std::fprintf(stderr, "bench_curve: %s failed (status %d)\n", name.c_str(), r.status);
        return std::nullopt;
    }
    return j;
}

double num(const json& j, std::initializer_list<const char*> path) {
    const json* cur = &j;
    for (const char* k : path) {
        if (!cur->is_object() || !cur->contains(k)) return -1;
        cur = &(*cur)[k];
    }
    return cur->is_number() ? cur->get<double>() : -1;
}

} // namespace

int main(int argc, char** argv) {
    Args args(argc, argv);
    auto trees = args.positional({"--runs", "--server"});
    if (trees.empty()) {
        std::fprintf(stderr, "usage: bench_curve TREE... [--runs N] [--server PATH]\n");
        return 2;
    }
    bench_dir = dir_of(self_exe());
    std::string runs = std::to_string(args.number("--runs", 5));
    std::vector<std::string> server;
    if (!args.value("--server", "").empty()) server = {"--server", args.value("--server", "")};

    struct Point {
        std::string tree;
        int scale = 0;
        json index, edit, check, lsp;
    };
    std::vector<Point> points;
    for (const auto& t : trees) {
        Point p;
        p.tree = mil::absolute_path(t);
        p.scale = read_manifest(p.tree).value("scale", 0);
        std::fprintf(stderr, "bench_curve: %s (scale %d)\n", p.tree.c_str(), p.scale);
        auto idx = run_bench("bench_index", {p.tree, "--runs", runs});
        auto edit = run_bench("bench_edit", {p.tree, "--edits", "100", "--queries", "400"});
        std::vector<std::string> ca{p.tree, "--runs", runs};
        ca.insert(ca.end(), server.begin(), server.end());
        auto chk = run_bench("bench_check", ca);
        std::vector<std::string> la{p.tree, "--completions", "500", "--hovers",
                                    "200",  "--definitions", "200", "--references",
                                    "50",   "--edits",       "100", "--push",
                                    "0"};
        la.insert(la.end(), server.begin(), server.end());
        auto lsp = run_bench("bench_lsp", la);
        if (!idx || !edit || !chk || !lsp) return 1;
        p.index = *idx;
        p.edit = *edit;
        p.check = *chk;
        p.lsp = *lsp;
        points.push_back(std::move(p));
    }

    struct Metric {
        const char* name;
        std::function<double(const Point&)> get;
        bool memory;
    };
    std::vector<Metric> metrics = {
        {"modules", [](const Point& p) { return num(p.index, {"modules"}); }, false},
        {"files read", [](const Point& p) { return num(p.index, {"files"}); }, false},
        {"ACL ids", [](const Point& p) { return num(p.index, {"acl_ids"}); }, false},
        {"ready (index, median)", [](const Point& p) { return num(p.index, {"ready_ms"}); }, false},
        {"read floor (median)", [](const Point& p) { return num(p.index, {"read_floor_ms"}); },
         false},
        {"index peak RSS", [](const Point& p) { return num(p.index, {"hwm_mb"}); }, true},
        {"server ready (LSP)", [](const Point& p) { return num(p.lsp, {"ready_ms"}); }, false},
        {"server peak RSS", [](const Point& p) { return num(p.lsp, {"server_hwm_mb"}); }, true},
        {"completion p99",
         [](const Point& p) {
             return num(p.lsp, {"completion", "p99"});
         },
         false},
        {"references p50",
         [](const Point& p) {
             return num(p.lsp, {"references", "p50"});
         },
         false},
        {"acl.xml edit p50 (engine)",
         [](const Point& p) {
             return num(p.edit, {"acl_edit", "p50"});
         },
         false},
        {"acl.xml edit p50 (LSP)",
         [](const Point& p) {
             return num(p.lsp, {"acl_edit", "p50"});
         },
         false},
        {"check wall p50",
         [](const Point& p) {
             return num(p.check, {"wall", "p50"});
         },
         false},
        {"check peak RSS", [](const Point& p) { return num(p.check, {"maxrss_mb"}); }, true},
    };

    std::printf("bench_curve: cost per size (growth factor against scale %d); load %s\n\n",
                points.front().scale, load_average().c_str());
    std::vector<std::string> header{"figure"};
    for (const auto& p : points)
        header.push_back(fmt_num(p.scale, "scale %.0f"));
    for (std::size_t i = 1; i < points.size(); ++i) {
        char growth[48];
        std::snprintf(growth, sizeof growth, "x%d/%d", points[i].scale, points[0].scale);
        header.push_back(growth);
    }
    Table t(header);
    for (const auto& m : metrics) {
        std::vector<std::string> row{m.name};
        bool count = std::string(m.name) == "modules" || std::string(m.name) == "files read" ||
                     std::string(m.name) == "ACL ids";
        for (const auto& p : points) {
            double v = m.get(p);
            row.push_back(count ? fmt_num(v) : m.memory ? fmt_mb(v) : fmt_ms(v));
        }
        double base = m.get(points.front());
        for (std::size_t i = 1; i < points.size(); ++i) {
            double v = m.get(points[i]);
            row.push_back(base > 0 && v >= 0 ? fmt_num(v / base, "%.1fx") : "-");
        }
        t.add(row);
    }
    t.print();
    return 0;
}
