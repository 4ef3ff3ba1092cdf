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
    std::vector<std::string> files = module_files(module_dir);
    std::vector<std::shared_ptr<const FileEntry>> entries;
    for (const auto& f : files) {
        FileKind k = classify_path(f);
        if (k == FileKind::SetupPhp || k == FileKind::Composer || k == FileKind::ModuleXml ||
            k == FileKind::Registration)
            entries.push_back(load_entry(f, kDefaultMaxFileBytes));
    }
    for (auto& extra : constant_class_files(module_dir, entries))
        if (is_regular_file(extra)) files.push_back(std::move(extra));
    return files;
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
    std::vector<std::size_t> first_of_module; // index in `paths` of each module's first file
    for (auto& files : per_module) {
        first_of_module.push_back(paths.size());
        for (auto& f : files)
            paths.push_back(std::move(f));
    }
    first_of_module.push_back(paths.size());
    std::vector<std::shared_ptr<const FileEntry>> entries(paths.size());
    std::vector<std::string> errors(paths.size());
    std::atomic<std::size_t> done{0};
    parallel_for(paths.size(), threads, [&](std::size_t i) {
        entries[i] = load_entry(paths[i], options.max_file_bytes, &errors[i]);
        auto n = ++done;
        if (options.progress && (n % 64 == 0 || n == paths.size()))
            options.progress(n, paths.size());
    });
    // Classes of a module whose constants its setup scripts name (`Config::NAME`).
    std::vector<std::string> extra;
    for (std::size_t m = 0; m < input.modules.size(); ++m) {
        std::vector<std::shared_ptr<const FileEntry>> own(
            entries.begin() + static_cast<std::ptrdiff_t>(first_of_module[m]),
            entries.begin() + static_cast<std::ptrdiff_t>(first_of_module[m + 1]));
        for (auto& f : constant_class_files(input.modules[m].dir, own))
            if (is_regular_file(f)) extra.push_back(std::move(f));
    }
    if (!extra.empty()) {
        std::size_t base = paths.size();
        paths.insert(paths.end(), extra.begin(), extra.end());
        entries.resize(paths.size());
        errors.resize(paths.size());
        parallel_for(extra.size(), threads, [&](std::size_t i) {
            entries[base + i] =
                load_entry(paths[base + i], options.max_file_bytes, &errors[base + i]);
        });
    }
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
