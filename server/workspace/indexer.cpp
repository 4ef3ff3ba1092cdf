#include "workspace/indexer.hpp"
#include "mil/ide/entry.hpp"

#include "mil/base/trace.hpp"
#include "platform/fileio.hpp"
#include "platform/heap.hpp"
#include "platform/log.hpp"
#include "workspace/workspace.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
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
    std::uint64_t oversize = 0;
    auto text = read_file(path, max_bytes, error, &oversize);
    // A file over the limit is not read, but indexed empty with a diagnostic that says so.
    if (!text) return oversize ? make_oversized_entry(path, {oversize, max_bytes}) : nullptr;
    return make_disk_entry(path, std::move(*text));
}

namespace {

// What index_folders reads from one module: its files, then the classes whose constants its
// setup scripts name.
struct ModuleWork {
    std::string dir;
    std::vector<std::string> paths;
    std::vector<std::shared_ptr<const FileEntry>> entries;
    std::vector<std::string> errors;
    std::vector<std::size_t> order; // indexes into the three above, by path
};

void read_module(ModuleWork& w, std::size_t max_file_bytes) {
    auto add = [&](std::string path, std::shared_ptr<const FileEntry> entry, std::string error) {
        w.paths.push_back(std::move(path));
        w.entries.push_back(std::move(entry));
        w.errors.push_back(std::move(error));
    };
    // The files are opened relative to the module folder; those at fixed places without a
    // stat first: a file that is not there costs one failed openat(). A setup script listed
    // but gone by the time it is opened is skipped the same way.
    const Dir dir = Dir::open(w.dir);
    if (dir.valid()) {
        // When the module's folder is a normalised path other than "/", plain concatenation
        // gives what join_path would: every `rel` is normalised already (a fixed name, or
        // names from a listing, which holds no "." or ".." and no '/'). That spares scanning
        // thousands of paths again. `rel` is NUL-terminated (a literal or a std::string).
        const bool plain_join = w.dir != "/" && normalize_path(w.dir) == w.dir;
        auto read_at = [&](std::string_view rel) {
            std::string path, error;
            if (plain_join) {
                path.reserve(w.dir.size() + 1 + rel.size());
                path.append(w.dir).append(1, '/').append(rel);
            } else {
                path = join_path(w.dir, rel);
            }
            std::uint64_t oversize = 0;
            bool absent = false;
            std::optional<std::string> text;
            {
                trace::Span span("read", path);
                text =
                    read_file_at(dir, rel.data(), path, max_file_bytes, &error, &oversize, &absent);
            }
            if (absent) return;
            std::shared_ptr<const FileEntry> entry;
            if (text) {
                trace::Span span("parse", path);
                entry = make_disk_entry(path, std::move(*text));
            } else if (oversize)
                entry = make_oversized_entry(path, {oversize, max_file_bytes});
            add(std::move(path), std::move(entry), std::move(error));
        };
        const auto candidates = module_fixed_candidates(dir);
        for (std::size_t i = 0; i < kModuleFixedFiles.size(); ++i)
            if (candidates[i]) read_at(kModuleFixedFiles[i]);
        for (const std::string& rel : module_setup_files_at(dir))
            read_at(rel);
        for (const std::string& rel : module_misplaced_setup_files_at(dir))
            read_at(rel);
    } else {
        for (auto& path : module_files(w.dir)) {
            std::string error;
            auto entry = load_entry(path, max_file_bytes, &error);
            add(std::move(path), std::move(entry), std::move(error));
        }
    }
    // Classes of the module whose constants its setup scripts name (`Config::NAME`).
    for (auto& f : constant_class_files(w.dir, w.entries))
        if (is_regular_file(f)) {
            std::string error;
            auto entry = load_entry(f, max_file_bytes, &error);
            add(std::move(f), std::move(entry), std::move(error));
        }
    // By path, here on the worker, so that the snapshot's merge finds them sorted.
    w.order.resize(w.paths.size());
    for (std::size_t i = 0; i < w.order.size(); ++i)
        w.order[i] = i;
    std::sort(w.order.begin(), w.order.end(),
              [&](std::size_t a, std::size_t b) { return w.paths[a] < w.paths[b]; });
}

// Modules handed out to worker threads as discovery finds them.
class ModuleQueue {
public:
    // Workers are woken after the lock is released, so that a woken worker does not wait for
    // the mutex until discovery's thread runs again.
    void push(std::string dir) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            work_.push_back({});
            work_.back().dir = std::move(dir);
        }
        ready_.notify_one();
    }
    void close() {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        ready_.notify_all();
    }
    void fail(std::exception_ptr e) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::move(e);
        ready_.notify_all();
    }
    // Reads modules until the queue is closed and empty, or a module failed.
    void work(std::size_t max_file_bytes, const IndexOptions& options) {
        for (;;) {
            ModuleWork* w = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ready_.wait(lock, [&] { return error_ || next_ < work_.size() || closed_; });
                if (error_ || next_ == work_.size()) return;
                w = &work_[next_++]; // a deque: elements stay where they are on push_back
            }
            try {
                trace::Span span("module", w->dir);
                read_module(*w, max_file_bytes);
                // Where the module's texts went: a heap glibc added when one filled, maybe.
                for (const auto& entry : w->entries)
                    if (entry) advise_thread_heap(entry->text->data());
                std::size_t done = ++done_;
                if (options.progress && done % 16 == 0) {
                    std::size_t total = 0;
                    {
                        std::lock_guard<std::mutex> lock(mutex_);
                        if (closed_) total = work_.size();
                    }
                    if (total) options.progress(done, total);
                }
            } catch (...) {
                fail(std::current_exception());
                return;
            }
        }
    }
    // After every worker returned.
    std::deque<ModuleWork>& results() {
        if (error_) std::rethrow_exception(error_);
        return work_;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<ModuleWork> work_;
    std::size_t next_ = 0;
    bool closed_ = false;
    std::exception_ptr error_;
    std::atomic<std::size_t> done_{0};
};

} // namespace

IndexResult index_folders(const std::vector<std::string>& folders, const IndexOptions& options) {
    trace::Span index_span("index");
    advise_thread_heap(); // this thread discovers, then reads modules too
    IndexResult result;
    auto t0 = std::chrono::steady_clock::now();
    SnapshotInput input;
    std::set<std::string> seen_dirs;
    unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    // The other threads read and parse modules while this one discovers more; then it joins
    // them.
    ModuleQueue queue;
    std::vector<std::thread> workers;
    try {
        trace::Span span("start workers");
        for (unsigned t = 1; t < threads; ++t) {
            std::function<void()> work = [&, spawned = trace::handed_now()] {
                trace::thread_start("index worker", spawned);
                {
                    trace::Span span("heap setup"); // cheap when the thread did it already
                    advise_thread_heap();
                }
                queue.work(options.max_file_bytes, options);
            };
            workers.push_back(options.start_thread ? options.start_thread(std::move(work))
                                                   : std::thread(std::move(work)));
        }
    } catch (...) {
        // Could not start more threads: the ones we have (and this one) do the work.
    }
    // Folders handed to the workers: the modules, and the likely ones discovery announces
    // early (read on speculation; kept only if they turn out to be modules).
    std::set<std::string> queued;
    auto read_soon = [&](const std::string& dir) {
        if (queued.insert(dir).second) queue.push(dir);
        advise_thread_heap(dir.data()); // discovery's own allocations grow this thread's heap
    };
    try {
        trace::Span span("discovery");
        for (const auto& folder : folders) {
            Discovery d = discover(
                folder,
                [&](const WorkspaceModule& m) {
                    if (!seen_dirs.insert(m.dir).second) return;
                    input.modules.push_back({m.dir, {}, m.origin, {}, 0});
                    read_soon(m.dir);
                },
                read_soon);
            if (input.root.empty() && d.root) input.root = *d.root;
            result.warnings.insert(result.warnings.end(), d.warnings.begin(), d.warnings.end());
            result.discoveries.push_back(std::move(d));
        }
    } catch (...) {
        queue.fail(std::current_exception());
    }
    queue.close();
    result.timings.discover_ms = ms_since(t0);

    auto t1 = std::chrono::steady_clock::now();
    queue.work(options.max_file_bytes, options);
    {
        trace::Span span("join workers");
        for (auto& w : workers)
            w.join();
    }
    trace::Span collect_span("collect");
    std::deque<ModuleWork>& work = queue.results();
    if (options.progress && !work.empty()) options.progress(work.size(), work.size());
    // In path order when no module lies inside another: modules by their folder followed by
    // '/' (a plain sort by folder would put "a/b" before "a/b-c" but "a/b-c/x" sorts before
    // "a/b/x"), each module's files by path. build_snapshot sorts whatever is not.
    std::vector<std::pair<std::string, ModuleWork*>> by_dir;
    by_dir.reserve(work.size());
    std::size_t total = 0;
    for (auto& w : work) {
        if (!seen_dirs.count(w.dir)) continue; // announced early, but not a module after all
        by_dir.emplace_back(w.dir + '/', &w);
        total += w.paths.size();
    }
    std::sort(by_dir.begin(), by_dir.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    input.files.reserve(total);
    for (auto& [key, w] : by_dir)
        for (std::size_t i : w->order) {
            if (w->entries[i]) {
                input.files.push_back(std::move(w->entries[i]));
            } else {
                result.warnings.push_back({w->paths[i], w->errors[i]});
                result.unreadable.push_back(w->paths[i]);
                log::warn("{}", w->errors[i]);
            }
        }
    // The root's app/etc/config.php: which modules are enabled (Snapshot::disabled_modules).
    if (!input.root.empty()) {
        const std::string config = join_path(input.root, "app/etc/config.php");
        std::string error;
        if (is_regular_file(config)) {
            if (auto entry = load_entry(config, options.max_file_bytes, &error)) {
                // In path order, as build_snapshot best takes them.
                auto at = std::lower_bound(
                    input.files.begin(), input.files.end(), config,
                    [](const auto& f, const std::string& p) { return f->path < p; });
                input.files.insert(at, std::move(entry));
            } else {
                result.warnings.push_back({config, error});
                log::warn("{}", error);
            }
        }
    }
    result.files = input.files.size();
    result.timings.read_parse_ms = ms_since(t1);
    collect_span.end();

    auto t2 = std::chrono::steady_clock::now();
    {
        trace::Span span("catalogue");
        input.catalog = &bundled_catalog();
    }
    {
        trace::Span span("merge");
        result.snapshot = build_snapshot(std::move(input));
    }
    result.timings.merge_ms = ms_since(t2);
    return result;
}

} // namespace mil
