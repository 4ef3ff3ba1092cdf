// bench_index TREE [--runs N] [--threads T] [--json] [--routes-ab]
//
// Cold start of the index: discovery, read+parse, merge and the total time until the
// snapshot is ready, beside the time to only read the same files (the floor any indexer
// pays), and the peak RSS. Every measurement runs in a fresh child process (this program
// started again with --child), so that one run's memory and caches of the allocator do not
// pollute the next. The first run evicts the tree's files from the page cache first
// (posix_fadvise DONTNEED: file data only; directory entries and inodes stay cached).
#include "common.hpp"
#include "mil/ide/entry.hpp"
#include "mil/model/routes.hpp"

#include "platform/fileio.hpp"
#include "platform/heap.hpp"
#include "platform/log.hpp"
#include "workspace/indexer.hpp"
#include "workspace/workspace.hpp"

#include <atomic>
#include <map>
#include <set>
#include <thread>

using namespace mil;
using namespace mil::bench;
using nlohmann::json;

namespace {

// The files index_folders reads, in its order (discovery + module_files), plus the
// Composer files discovery reads.
std::vector<std::string> files_of(const std::string& tree) {
    Discovery d = discover(tree);
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& m : d.modules)
        if (seen.insert(m.dir).second)
            for (auto& f : indexed_files(m.dir))
                out.push_back(std::move(f));
    return out;
}

void evict(const std::vector<std::string>& paths) {
    for (const auto& p : paths) {
        int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

void evict_tree(const std::string& tree) {
    auto files = files_of(tree);
    files.push_back(tree + "/vendor/composer/installed.json");
    files.push_back(tree + "/composer.json");
    files.push_back(tree + "/app/etc/di.xml");
    evict(files);
}

// CPU time of this process (all threads) in ms: on a loaded machine, the figure that
// the other processes disturb least.
double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int child_index(const std::string& tree, unsigned threads, bool cold, bool routes) {
    set_route_index_enabled(routes);
    if (cold) evict_tree(tree);
    long rss_before = proc_status_kb(0, "VmRSS");
    IndexOptions io;
    io.threads = threads;
    double cpu0 = cpu_ms();
    auto t0 = Clock::now();
    IndexResult r = index_folders({tree}, io);
    double total = ms_since(t0);
    double cpu = cpu_ms() - cpu0;
    std::size_t bytes = 0, trap_ids = 0, declarations = 0;
    for (const auto& [path, f] : r.snapshot->files)
        bytes += f->text->size();
    for (const auto& n : r.snapshot->acl.nodes) {
        if (n.id.rfind("Trap_", 0) == 0) ++trap_ids;
        declarations += n.declarations.size();
    }
    json out = {{"discover_ms", r.timings.discover_ms},
                {"read_parse_ms", r.timings.read_parse_ms},
                {"merge_ms", r.timings.merge_ms},
                {"total_ms", total},
                {"cpu_ms", cpu},
                {"files", r.files},
                {"text_bytes", bytes},
                {"modules", r.snapshot->modules.size()},
                {"acl_ids", r.snapshot->acl.nodes.size()},
                {"acl_declarations", declarations},
                {"integrations", r.snapshot->integrations.size()},
                {"routes", r.snapshot->routes ? r.snapshot->routes->routes.size() : 0},
                {"trap_ids", trap_ids},
                {"warnings", r.warnings.size()},
                {"rss_before_kb", rss_before},
                {"hwm_kb", proc_status_kb(0, "VmHWM")}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}

int child_read(const std::string& tree, unsigned threads, bool cold) {
    auto t_list = Clock::now();
    auto paths = files_of(tree);
    double list_ms = ms_since(t_list);
    if (cold) evict_tree(tree);
    std::atomic<std::size_t> bytes{0};
    double cpu0 = cpu_ms();
    auto t0 = Clock::now();
    parallel_for(paths.size(), threads, [&](std::size_t i) {
        if (auto text = read_file(paths[i], kDefaultMaxFileBytes, nullptr)) bytes += text->size();
    });
    double read_ms = ms_since(t0);
    double read_cpu = cpu_ms() - cpu0;
    // The same files once more on one thread (now certainly in the page cache).
    auto t1 = Clock::now();
    std::size_t serial_bytes = 0;
    for (const auto& p : paths)
        if (auto text = read_file(p, kDefaultMaxFileBytes, nullptr)) serial_bytes += text->size();
    double serial_ms = ms_since(t1);
    json out = {{"list_ms", list_ms},
                {"read_ms", read_ms},
                {"cpu_ms", read_cpu},
                {"serial_read_ms", serial_ms},
                {"files", paths.size()},
                {"bytes", bytes.load()},
                {"hwm_kb", proc_status_kb(0, "VmHWM")}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}

// Where the time of one index goes, step by step on one thread (--child phases): discovery,
// listing the modules' files, reading them, parsing them by kind, merging. CPU time of the
// thread, which a loaded machine disturbs far less than wall time.
int child_phases(const std::string& tree) {
    double t0 = thread_cpu_ms();
    Discovery d = discover(tree);
    double discover_ms = thread_cpu_ms() - t0;
    double t1 = thread_cpu_ms();
    std::vector<std::string> paths;
    std::set<std::string> seen;
    // module_files: indexed_files also parses Setup scripts to find the classes whose
    // constants they name, which would count parse time as listing here.
    for (const auto& m : d.modules)
        if (seen.insert(m.dir).second)
            for (auto& f : module_files(m.dir))
                paths.push_back(std::move(f));
    double list_ms = thread_cpu_ms() - t1;
    double t2 = thread_cpu_ms();
    std::vector<std::string> texts;
    for (const auto& p : paths)
        texts.push_back(read_file(p, kDefaultMaxFileBytes, nullptr).value_or(std::string()));
    double read_ms = thread_cpu_ms() - t2;
    std::map<std::string, std::pair<double, std::size_t>> by_kind;
    SnapshotInput input;
    input.root = d.root.value_or("");
    for (const auto& m : d.modules)
        input.modules.push_back({m.dir, {}, m.origin, {}, 0});
    double t3 = thread_cpu_ms();
    for (std::size_t i = 0; i < paths.size(); ++i) {
        double a = thread_cpu_ms();
        auto e = make_entry(paths[i], std::move(texts[i]));
        auto& k = by_kind[file_kind_name(e->kind)];
        k.first += thread_cpu_ms() - a;
        ++k.second;
        input.files.push_back(std::move(e));
    }
    double parse_ms = thread_cpu_ms() - t3;
    input.catalog = &bundled_catalog();
    double t4 = thread_cpu_ms();
    auto snap = build_snapshot(std::move(input));
    double merge_ms = thread_cpu_ms() - t4;
    Table t({"step (one thread)", "CPU time", "files"});
    t.add({"discovery", fmt_ms(discover_ms), std::to_string(d.modules.size()) + " modules"});
    t.add({"list the modules' files", fmt_ms(list_ms), std::to_string(paths.size())});
    t.add({"read them", fmt_ms(read_ms), std::to_string(paths.size())});
    t.add({"parse them", fmt_ms(parse_ms), std::to_string(paths.size())});
    for (const auto& [kind, v] : by_kind)
        t.add({"  " + kind, fmt_ms(v.first), std::to_string(v.second)});
    t.add({"merge (build_snapshot)", fmt_ms(merge_ms),
           std::to_string(snap->acl.nodes.size()) + " ACL ids"});
    // What the REST routes add (issue 22): reading the routes of each webapi.xml (inside the
    // webapi.xml parse above) and merging them (inside the merge above), timed again alone.
    std::vector<const FileEntry*> webapi;
    for (const auto& [path, f] : snap->files)
        if (f->kind == FileKind::Webapi && f->text) webapi.push_back(f.get());
    double t5 = thread_cpu_ms();
    std::size_t declared = 0;
    for (const FileEntry* f : webapi)
        declared += read_webapi_routes(*f->text).size();
    double read_routes_ms = thread_cpu_ms() - t5;
    double t6 = thread_cpu_ms();
    auto routes = build_route_index(webapi, snap->uses_catalog ? &bundled_routes() : nullptr,
                                    [](const FileEntry&) { return std::string(); });
    double route_index_ms = thread_cpu_ms() - t6;
    t.add({"  of which: read the routes of webapi.xml", fmt_ms(read_routes_ms),
           std::to_string(declared) + " routes"});
    t.add({"  of which: merge the routes", fmt_ms(route_index_ms),
           std::to_string(routes->routes.size()) + " routes"});
    t.print();
    return 0;
}

std::optional<json> spawn_child(const std::vector<std::string>& args) {
    std::vector<std::string> argv{self_exe()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildResult r = run_child(argv);
    auto j = last_json_line(r.out);
    if (!j || r.status != 0) {
        std::fprintf(stderr, "bench_index: child failed (status %d)\n", r.status);
        return std::nullopt;
    }
    (*j)["maxrss_kb"] = r.maxrss_kb;
    return j;
}

std::vector<double> column(const std::vector<json>& runs, const char* key) {
    std::vector<double> v;
    for (const auto& r : runs)
        v.push_back(r.at(key).get<double>());
    return v;
}

// --routes-ab: warm index runs with and without the route index (set_route_index_enabled),
// alternately, so that both see the same load: medians of ready and of CPU time, and the
// cost of the routes against the ready time without them.
template <typename With>
int routes_ab(const With& with, int runs, bool as_json) {
    auto no_routes = [&] {
        auto a = with({"--child", "index"}, false);
        a.push_back("--no-routes");
        return a;
    };
    spawn_child(with({"--child", "index"}, false)); // warm-up
    std::vector<json> on, off;
    std::vector<double> ratios; // ready with / without, of the two runs of one pair
    for (int i = 0; i < runs; ++i) {
        // Which goes first alternates too.
        std::optional<json> pair[2];
        for (bool routes : {i % 2 == 0, i % 2 != 0})
            pair[routes] = spawn_child(routes ? with({"--child", "index"}, false) : no_routes());
        if (!pair[0] || !pair[1]) continue;
        off.push_back(*pair[0]);
        on.push_back(*pair[1]);
        ratios.push_back(on.back()["total_ms"].get<double>() /
                         off.back()["total_ms"].get<double>());
    }
    if (on.empty() || off.empty()) return 1;
    const double ready_on = median(column(on, "total_ms")),
                 ready_off = median(column(off, "total_ms"));
    const double cpu_on = median(column(on, "cpu_ms")), cpu_off = median(column(off, "cpu_ms"));
    const double merge_on = median(column(on, "merge_ms")),
                 merge_off = median(column(off, "merge_ms"));
    if (as_json) {
        std::printf("%s\n", json({{"runs", runs},
                                  {"routes", on.front()["routes"]},
                                  {"ready_ms", ready_on},
                                  {"ready_no_routes_ms", ready_off},
                                  {"cpu_ms", cpu_on},
                                  {"cpu_no_routes_ms", cpu_off},
                                  {"merge_ms", merge_on},
                                  {"merge_no_routes_ms", merge_off},
                                  {"pair_ratio_median", median(ratios)},
                                  {"load", load_average()}})
                                .dump()
                                .c_str());
        return 0;
    }
    auto pct = [](double a, double b) { return b > 0 ? (a / b - 1) * 100 : 0.0; };
    std::printf("bench_index --routes-ab: %d runs each, alternating; %s routes; load %s\n", runs,
                on.front()["routes"].dump().c_str(), load_average().c_str());
    std::printf("  ready (median)   with routes %s  without %s  %+.1f%%\n",
                fmt_ms(ready_on).c_str(), fmt_ms(ready_off).c_str(), pct(ready_on, ready_off));
    std::printf("  CPU (median)     with routes %s  without %s  %+.1f%%\n", fmt_ms(cpu_on).c_str(),
                fmt_ms(cpu_off).c_str(), pct(cpu_on, cpu_off));
    std::printf("  merge (median)   with routes %s  without %s\n", fmt_ms(merge_on).c_str(),
                fmt_ms(merge_off).c_str());
    std::printf("  ready with / without, median over the pairs: %+.1f%%\n",
                (median(ratios) - 1) * 100);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    mil::use_huge_page_heaps(); // as the server and check start: see server/heap.hpp
    Args args(argc, argv);
    log::set_output(nullptr);
    auto pos = args.positional({"--runs", "--threads", "--child"});
    std::string child = args.value("--child", "");
    unsigned threads = static_cast<unsigned>(args.number("--threads", 0));
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    if (child == "baseline") {
        std::printf("%s\n", json({{"hwm_kb", proc_status_kb(0, "VmHWM")}}).dump().c_str());
        return 0;
    }
    if (pos.size() != 1) {
        std::fprintf(stderr,
                     "usage: bench_index TREE [--runs N] [--threads T] [--json] [--routes-ab]\n");
        return 2;
    }
    std::string tree = absolute_path(pos[0]);
    bool cold = args.flag("--cold");
    if (child == "index") return child_index(tree, threads, cold, !args.flag("--no-routes"));
    if (child == "read") return child_read(tree, threads, cold);
    if (child == "phases") return child_phases(tree);

    int runs = static_cast<int>(args.number("--runs", 10));
    std::vector<std::string> common{tree, "--threads", std::to_string(threads)};
    auto with = [&](std::vector<std::string> head, bool cold_run) {
        head.insert(head.end(), common.begin(), common.end());
        if (cold_run) head.push_back("--cold");
        return head;
    };
    auto baseline = spawn_child({"--child", "baseline"});
    auto cold_index = spawn_child(with({"--child", "index"}, true));
    auto cold_read = spawn_child(with({"--child", "read"}, true));
    if (args.flag("--routes-ab")) return routes_ab(with, runs, args.flag("--json"));
    spawn_child(with({"--child", "index"}, false)); // warm-up
    std::vector<json> idx, rd;
    for (int i = 0; i < runs; ++i) {
        if (auto j = spawn_child(with({"--child", "index"}, false))) idx.push_back(*j);
        if (auto j = spawn_child(with({"--child", "read"}, false))) rd.push_back(*j);
    }
    if (idx.empty() || rd.empty() || !cold_index || !cold_read || !baseline) return 1;

    const json& first = idx.front();
    double discover = median(column(idx, "discover_ms"));
    double read_parse = median(column(idx, "read_parse_ms"));
    double merge = median(column(idx, "merge_ms"));
    double total = median(column(idx, "total_ms"));
    double read = median(column(rd, "read_ms"));
    double list = median(column(rd, "list_ms"));
    double serial = median(column(rd, "serial_read_ms"));
    double hwm = median(column(idx, "hwm_kb")) / 1024.0;
    double maxrss = median(column(idx, "maxrss_kb")) / 1024.0;
    double base_mb = baseline->at("hwm_kb").get<double>() / 1024.0;
    json manifest = read_manifest(tree);

    if (args.flag("--json")) {
        json out = {{"tree", tree},
                    {"scale", manifest.value("scale", 0)},
                    {"threads", threads},
                    {"runs", runs},
                    {"files", first["files"]},
                    {"bytes", rd.front()["bytes"]},
                    {"text_kept_bytes", first["text_bytes"]},
                    {"modules", first["modules"]},
                    {"acl_ids", first["acl_ids"]},
                    {"discover_ms", discover},
                    {"read_parse_ms", read_parse},
                    {"merge_ms", merge},
                    {"ready_ms", total},
                    {"ready_cold_ms", cold_index->at("total_ms")},
                    {"read_floor_ms", read},
                    {"read_floor_cold_ms", cold_read->at("read_ms")},
                    {"list_ms", list},
                    {"ratio", read > 0 ? total / read : 0},
                    {"ready_cpu_ms", median(column(idx, "cpu_ms"))},
                    {"read_cpu_ms", median(column(rd, "cpu_ms"))},
                    {"hwm_mb", hwm},
                    {"baseline_mb", base_mb},
                    {"trap_ids", first["trap_ids"]}};
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }

    std::printf("bench_index %s\n", tree.c_str());
    std::printf("  %d modules, %d files read (%.1f MB, of which the index keeps %.1f MB of "
                "text), %d ACL ids, %d integrations; "
                "vendor/ has %d files; %u threads; median of %d runs after a warm-up; "
                "load %s\n\n",
                first["modules"].get<int>(), first["files"].get<int>(),
                rd.front()["bytes"].get<double>() / 1048576.0,
                first["text_bytes"].get<double>() / 1048576.0, first["acl_ids"].get<int>(),
                first["integrations"].get<int>(), manifest.value("vendor_files", 0), threads, runs,
                load_average().c_str());
    Table t({"phase", "cold (1st)", "median", "min", "max"});
    auto row = [&](const char* name, const char* key, const std::vector<json>& src,
                   const json& cold_j) {
        auto s = stats_of(column(src, key));
        t.add({name, fmt_ms(cold_j.at(key).get<double>()), fmt_ms(s.p50), fmt_ms(s.min),
               fmt_ms(s.max)});
    };
    row("discovery", "discover_ms", idx, *cold_index);
    row("read + parse", "read_parse_ms", idx, *cold_index);
    row("merge", "merge_ms", idx, *cold_index);
    row("ready (total)", "total_ms", idx, *cold_index);
    row("  CPU time of ready (all threads)", "cpu_ms", idx, *cold_index);
    row("floor: read the same files", "read_ms", rd, *cold_read);
    row("  CPU time of the reads", "cpu_ms", rd, *cold_read);
    row("  (listing them: discovery, stat, setup parse)", "list_ms", rd, *cold_read);
    t.add({"  (reading them on 1 thread, warm)", "-", fmt_ms(serial), "-", "-"});
    t.print();
    std::printf("\n  ready / read floor: %.1fx (warm medians)\n", read > 0 ? total / read : 0.0);
    std::printf("  peak RSS (VmHWM of the child): %s  (ru_maxrss %s; an empty child: %s)\n",
                fmt_mb(hwm).c_str(), fmt_mb(maxrss).c_str(), fmt_mb(base_mb).c_str());
    std::printf("  ids from non-module packages (traps) in the index: %d\n",
                first["trap_ids"].get<int>());
    return 0;
}
