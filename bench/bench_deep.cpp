// bench_deep [DIR] [--depths 4000,16000] [--server PATH] [--runs N] [--json]
//
// `magento-integration-ls check` of a module whose acl.xml is one chain of D nested ids and
// whose integration.xml lists them (every id: nothing is missing; and every other id: each
// listed id misses the ones between, so every message and fix must stay bounded). The work
// must grow linearly with D: the program prints the wall time of the whole process per
// depth (median of N runs after a warm-up), its peak RSS, and each depth's time over the
// first's. It writes the modules under DIR (default /tmp/mil-bench-deep) and leaves them.
#include "common.hpp"

#include <filesystem>

using namespace mil::bench;
using nlohmann::json;

#ifndef MIL_BENCH_SERVER
#define MIL_BENCH_SERVER "magento-integration-ls"
#endif

namespace {

std::string id_of(long i) {
    return "Acme_Deep::r" + std::to_string(i);
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// ROOT/app/code/Acme/Deep with the chain of `depth` ids, listed every `step`-th.
std::string write_module(const std::string& dir, long depth, long step) {
    const std::filesystem::path root =
        std::filesystem::path(dir) / ("d" + std::to_string(depth) + "-s" + std::to_string(step));
    const auto mod = root / "app/code/Acme/Deep";
    write(mod / "registration.php",
          "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register(\n"
          "    \\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, 'Acme_Deep', "
          "__DIR__);\n");
    write(mod / "etc/module.xml",
          "<?xml version=\"1.0\"?>\n<config>\n    <module name=\"Acme_Deep\">\n        "
          "<sequence><module name=\"Magento_Integration\"/></sequence>\n    </module>\n"
          "</config>\n");
    std::string acl = "<?xml version=\"1.0\"?>\n<config><acl><resources>"
                      "<resource id=\"Magento_Backend::admin\">";
    for (long i = 0; i < depth; ++i)
        acl += "<resource id=\"" + id_of(i) + "\" title=\"R" + std::to_string(i) + "\">";
    for (long i = 0; i < depth; ++i)
        acl += "</resource>";
    acl += "</resource></resources></acl></config>\n";
    write(mod / "etc/acl.xml", acl);
    std::string integ = "<?xml version=\"1.0\"?>\n<config>\n    <integration name=\"Deep\">\n"
                        "        <email>dev@acme.example</email>\n        <resources>\n";
    for (long i = 0; i < depth; i += step)
        integ += "            <resource name=\"" + id_of(i) + "\"/>\n";
    integ += "        </resources>\n    </integration>\n</config>\n";
    write(mod / "etc/integration.xml", integ);
    return root.string();
}

} // namespace

int main(int argc, char** argv) {
    Args args(argc, argv);
    auto pos = args.positional({"--server", "--runs", "--depths"});
    const std::string dir = pos.empty() ? "/tmp/mil-bench-deep" : pos[0];
    const std::string server = args.value("--server", MIL_BENCH_SERVER);
    const int runs = static_cast<int>(args.number("--runs", 3));
    std::vector<long> depths;
    {
        std::istringstream in(args.value("--depths", "4000,16000"));
        std::string d;
        while (std::getline(in, d, ','))
            depths.push_back(std::strtol(d.c_str(), nullptr, 10));
    }
    json out = json::array();
    Table table({"listed", "depth", "wall p50", "runs", "peak RSS", "x first", "findings"});
    for (long step : {1L, 2L}) {
        double first = 0;
        for (long depth : depths) {
            const std::string root = write_module(dir, depth, step);
            std::vector<double> wall;
            long rss = 0;
            std::size_t findings = 0;
            for (int i = 0; i <= runs; ++i) {
                ChildResult r = run_child(
                    {server, "check", root, "--format", "json", "--fail-on", "never"}, true);
                if (r.status != 0) {
                    std::fprintf(stderr, "bench_deep: check exited with %d\n%s\n", r.status,
                                 r.err.c_str());
                    return 1;
                }
                if (i == 0) {
                    auto j = json::parse(r.out, nullptr, false);
                    findings = j.is_array() ? j.size() : 0;
                    continue;
                }
                wall.push_back(r.wall_ms);
                rss = std::max(rss, r.maxrss_kb);
            }
            const double p50 = median(wall);
            if (first == 0) first = p50;
            table.add({step == 1 ? "every id" : "every other", std::to_string(depth), fmt_ms(p50),
                       std::to_string(runs), fmt_mb(kb_to_mb(rss)), fmt_num(p50 / first, "%.2f"),
                       std::to_string(findings)});
            out.push_back({{"step", step},
                           {"depth", depth},
                           {"wall_ms", p50},
                           {"peak_rss_mb", kb_to_mb(rss)},
                           {"ratio", p50 / first},
                           {"findings", findings}});
        }
    }
    if (args.flag("--json")) {
        std::printf("%s\n", out.dump().c_str());
    } else {
        table.print();
        std::printf("load average: %s\n", load_average().c_str());
    }
    return 0;
}
