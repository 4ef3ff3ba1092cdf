// bench_check TREE [--server PATH] [--runs N] [--json]
//
// Throughput of `magento-integration-ls check TREE --format json`: wall time of the whole
// process (start to exit, report written), files checked per second, and the child's peak
// RSS (ru_maxrss from wait4; the child is started with posix_spawn, so it never holds a
// copy of this process). Median of N runs after one warm-up.
#include "common.hpp"

#include "platform/fileio.hpp"

#include <regex>

using namespace mil::bench;
using nlohmann::json;

#ifndef MIL_BENCH_SERVER
#define MIL_BENCH_SERVER "magento-integration-ls"
#endif

int main(int argc, char** argv) {
    Args args(argc, argv);
    auto pos = args.positional({"--server", "--runs"});
    if (pos.size() != 1) {
        std::fprintf(stderr, "usage: bench_check TREE [--server PATH] [--runs N] [--json]\n");
        return 2;
    }
    const std::string tree = mil::absolute_path(pos[0]);
    const std::string server = args.value("--server", MIL_BENCH_SERVER);
    const int runs = static_cast<int>(args.number("--runs", 10));
    std::vector<std::string> command{server, "check",     tree,   "--format",
                                     "json", "--fail-on", "never"};

    std::vector<double> wall, rss;
    std::size_t files = 0, findings = 0;
    std::string summary;
    for (int i = 0; i <= runs; ++i) {
        ChildResult r = run_child(command, true);
        if (r.status != 0) {
            std::fprintf(stderr, "bench_check: check exited with %d\n%s\n", r.status,
                         r.err.c_str());
            return 1;
        }
        if (i == 0) { // the warm-up: read what it found
            auto j = json::parse(r.out, nullptr, false);
            findings = j.is_array() ? j.size() : 0;
            std::smatch m;
            static const std::regex re(R"(\((\d+) files checked\))");
            if (std::regex_search(r.err, m, re)) files = std::stoul(m[1]);
            auto nl = r.err.find_last_of('\n', r.err.size() >= 2 ? r.err.size() - 2 : 0);
            summary = r.err.substr(nl == std::string::npos ? 0 : nl + 1);
            while (!summary.empty() && summary.back() == '\n')
                summary.pop_back();
            continue;
        }
        wall.push_back(r.wall_ms);
        rss.push_back(static_cast<double>(r.maxrss_kb) / 1024.0);
    }
    auto s = stats_of(wall);
    double rss_mb = median(rss);
    double fps = s.p50 > 0 ? static_cast<double>(files) / (s.p50 / 1000.0) : 0;
    if (args.flag("--json")) {
        json out = {{"tree", tree},          {"scale", read_manifest(tree).value("scale", 0)},
                    {"files", files},        {"findings", findings},
                    {"wall", stats_json(s)}, {"files_per_s", fps},
                    {"maxrss_mb", rss_mb}};
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("bench_check %s\n  %s check --format json; %d runs after a warm-up; load %s\n"
                "  %s\n\n",
                tree.c_str(), server.c_str(), runs, load_average().c_str(), summary.c_str());
    Table t({"figure", "value"});
    t.add({"files checked", std::to_string(files)});
    t.add({"findings", std::to_string(findings)});
    t.add({"wall time p50 (process start to exit)", fmt_ms(s.p50)});
    t.add({"wall time min / max", fmt_ms(s.min) + " / " + fmt_ms(s.max)});
    t.add({"files per second (p50)", fmt_num(fps)});
    t.add({"peak RSS of the child (ru_maxrss, median)", fmt_mb(rss_mb)});
    t.print();
    return 0;
}
