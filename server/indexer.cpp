#include "indexer.hpp"

#include "fileio.hpp"
#include "log.hpp"

#include <set>
#include <thread>

namespace mil {

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

std::vector<std::string> indexed_files(const std::string& module_dir) {
    return module_files(module_dir);
}

std::shared_ptr<const FileEntry> load_entry(const std::string& path, std::size_t max_bytes,
                                            std::string* error) {
    auto text = read_file(path, max_bytes, error);
    if (!text) return nullptr;
    return make_entry(path, std::move(*text));
}

IndexResult index_folders(const std::vector<std::string>& folders, const IndexOptions& options) {
    IndexResult result;
    auto t0 = std::chrono::steady_clock::now();
    SnapshotInput input;
    std::set<std::string> seen_dirs;
    for (const auto& folder : folders) {
        Discovery d = discover(folder);
        if (input.root.empty() && d.root) input.root = *d.root;
        for (const auto& m : d.modules)
            if (seen_dirs.insert(m.dir).second)
                input.modules.push_back({m.dir, {}, m.origin, {}, 0});
        result.warnings.insert(result.warnings.end(), d.warnings.begin(), d.warnings.end());
        result.discoveries.push_back(std::move(d));
    }
    result.timings.discover_ms = ms_since(t0);

    auto t1 = std::chrono::steady_clock::now();
    std::vector<std::vector<std::string>> per_module(input.modules.size());
    unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    parallel_for(input.modules.size(), threads,
                 [&](std::size_t i) { per_module[i] = module_files(input.modules[i].dir); });
    std::vector<std::string> paths;
    for (auto& files : per_module)
        for (auto& f : files)
            paths.push_back(std::move(f));
    std::vector<std::shared_ptr<const FileEntry>> entries(paths.size());
    std::vector<std::string> errors(paths.size());
    std::atomic<std::size_t> done{0};
    parallel_for(paths.size(), threads, [&](std::size_t i) {
        entries[i] = load_entry(paths[i], options.max_file_bytes, &errors[i]);
        auto n = ++done;
        if (options.progress && (n % 64 == 0 || n == paths.size()))
            options.progress(n, paths.size());
    });
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (entries[i]) {
            input.files.push_back(std::move(entries[i]));
        } else {
            result.warnings.push_back({paths[i], errors[i]});
            log::warn("{}", errors[i]);
        }
    }
    result.files = input.files.size();
    result.timings.read_parse_ms = ms_since(t1);

    auto t2 = std::chrono::steady_clock::now();
    input.catalog = &bundled_catalog();
    result.snapshot = build_snapshot(std::move(input));
    result.timings.merge_ms = ms_since(t2);
    return result;
}

} // namespace mil
