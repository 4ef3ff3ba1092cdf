#include "lsp/lsp_server.hpp"

#include "lsp/protocol.hpp"
#include "lsp/rpc.hpp"
#include "lsp/worker.hpp"
#include "mil/ide/engine.hpp"
#include "mil/ide/routes_features.hpp"
#include "mil/ide/scaffold.hpp"
#include "mil/model/rules.hpp"
#include "mil/model/schema.hpp"
#include "mil/version.hpp"
#include "platform/fileio.hpp"
#include "platform/heap.hpp"
#include "platform/log.hpp"
#include "platform/trace_file.hpp"
#include "workspace/indexer.hpp"
#include "workspace/settings_files.hpp"
#include "workspace/workspace.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace mil {

using json = nlohmann::json;

// Named rather than anonymous: LspServer, which has members of these types, is not in an
// anonymous namespace (the header declares it), and in a unity build's batch a class with
// members of file-local types is an error (-Wsubobject-linkage).
namespace lsp_server_detail {

int completion_kind(CompletionKind k) {
    switch (k) {
    case CompletionKind::Value:
        return 12; // Value
    case CompletionKind::Element:
        return 10; // Property
    case CompletionKind::Attribute:
        return 5; // Field
    case CompletionKind::Module:
        return 9; // Module
    case CompletionKind::Snippet:
        return 15; // Snippet
    }
    return 1;
}

// A thread started before its work is known: what it sets up while it waits is then off the
// path of the work. The server starts the index thread so at `initialize`, and gives it the
// first index at `initialized`.
class WarmThread {
public:
    explicit WarmThread(std::function<void()> setup) : state_(std::make_shared<State>()) {
        thread_ = std::thread([state = state_, setup = std::move(setup)] {
            setup();
            std::function<void()> work;
            {
                std::unique_lock lock(state->mutex);
                state->ready.wait(lock, [&] { return state->given || state->dropped; });
                if (!state->given) return;
                work = std::move(state->work);
            }
            work();
        });
    }
    // Hands `work` to the thread, which runs it and ends; the thread, to be joined.
    std::thread give(std::function<void()> work) {
        {
            std::lock_guard lock(state_->mutex);
            state_->work = std::move(work);
            state_->given = true;
        }
        state_->ready.notify_one();
        return std::move(thread_);
    }
    // Without work: the thread ends.
    ~WarmThread() {
        if (!thread_.joinable()) return;
        {
            std::lock_guard lock(state_->mutex);
            state_->dropped = true;
        }
        state_->ready.notify_one();
        thread_.join();
    }
    WarmThread(const WarmThread&) = delete;
    WarmThread& operator=(const WarmThread&) = delete;

private:
    struct State {
        std::mutex mutex;
        std::condition_variable ready;
        std::function<void()> work;
        bool given = false, dropped = false;
    };
    std::shared_ptr<State> state_;
    std::thread thread_;
};

} // namespace lsp_server_detail

class LspServer : public std::enable_shared_from_this<LspServer> {
public:
    LspServer(Endpoint& ep, ServerOptions options) : ep_(ep), options_(options) {}

    ~LspServer() {
        stop_index_thread();
        if (!options_.trace_path.empty()) stop_trace(); // after the index thread's last span
    }

    void install() {
        auto self = shared_from_this();
        // A request about a file uses the settings of the settings file nearest to it.
        engine_.set_settings_lookup(
            [this](const std::string& path) { return &settings_of(path).settings; });
        if (!options_.trace_path.empty()) {
            const auto now = trace::Clock::now();
            const auto origin =
                options_.process_start == trace::Clock::time_point{} ? now : options_.process_start;
            std::string error;
            if (!start_trace(options_.trace_path, origin, &error)) {
                log::error("{}", error);
                options_.trace_path.clear();
            } else if (trace::Sink* sink = trace::sink()) {
                // From main() to here: the heaps, the options, the log.
                sink->span("process start", {}, origin, now);
            }
        }
        ep_.on_request("initialize",
                       [this](const json& p, const CancelToken&) { return initialize(p); });
        ep_.on_notification("initialized", [this](const json&) { initialized(); });
        ep_.on_request("shutdown", [this](const json&, const CancelToken&) {
            shutting_down_ = true;
            if (!options_.trace_path.empty()) flush_trace(); // a client may kill us after it
            return json(nullptr);
        });
        ep_.on_notification("textDocument/didOpen", [this](const json& p) { did_open(p); });
        ep_.on_notification("textDocument/didChange", [this](const json& p) { did_change(p); });
        ep_.on_notification("textDocument/didClose", [this](const json& p) { did_close(p); });
        ep_.on_notification("textDocument/didSave", [this](const json& p) { did_save(p); });
        ep_.on_notification("workspace/didChangeWatchedFiles",
                            [this](const json& p) { watched_files(p); });
        ep_.on_notification("workspace/didChangeConfiguration",
                            [this](const json& p) { changed_configuration(p); });
        ep_.on_notification("workspace/didChangeWorkspaceFolders",
                            [this](const json& p) { changed_folders(p); });
        ep_.on_request_deferred("textDocument/completion",
                                [this](const json& p, Reply reply) { completion(p, reply); });
        ep_.on_request("completionItem/resolve",
                       [this](const json& p, const CancelToken&) { return resolve_item(p); });
        ep_.on_request("textDocument/hover",
                       [this](const json& p, const CancelToken& t) { return hover(p, t); });
        ep_.on_request("textDocument/definition",
                       [this](const json& p, const CancelToken&) { return definition(p); });
        ep_.on_request("textDocument/references",
                       [this](const json& p, const CancelToken&) { return references(p); });
        ep_.on_request("textDocument/documentHighlight",
                       [this](const json& p, const CancelToken&) { return highlight(p); });
        ep_.on_request("textDocument/documentSymbol",
                       [this](const json& p, const CancelToken&) { return doc_symbols(p); });
        ep_.on_request("workspace/symbol",
                       [this](const json& p, const CancelToken&) { return ws_symbols(p); });
        ep_.on_request_deferred("textDocument/codeAction",
                                [this](const json& p, Reply reply) { code_action(p, reply); });
        ep_.on_request("textDocument/rename",
                       [this](const json& p, const CancelToken&) { return rename(p); });
        ep_.on_request("textDocument/prepareRename",
                       [this](const json& p, const CancelToken&) { return prepare_rename(p); });
        ep_.on_request_deferred("textDocument/diagnostic",
                                [this](const json& p, Reply reply) { pull_diagnostics(p, reply); });
        ep_.on_request("textDocument/codeLens",
                       [this](const json& p, const CancelToken&) { return code_lens(p); });
        ep_.on_request("workspace/executeCommand",
                       [this](const json& p, const CancelToken&) { return execute_command(p); });
    }

private:
    // ---- lifecycle ---------------------------------------------------------------------

    json initialize(const json& p) {
        const auto params = p.get<lsp::InitializeParams>();
        const lsp::ClientCapabilities& caps = params.capabilities;
        encoding_ = caps.utf8_positions ? Encoding::Utf8 : Encoding::Utf16;
        progress_ = caps.work_done_progress;
        dynamic_watch_ = caps.watch_files;
        pull_diagnostics_ = caps.pull_diagnostics;
        configuration_ = caps.configuration;
        related_info_ = caps.related_information;
        lens_refresh_ = caps.code_lens_refresh;
        hierarchical_symbols_ = caps.hierarchical_symbols;
        engine_.settings().snippets = caps.snippets;
        // Documentation on demand (completionItem/resolve) when the client asks for it that way:
        // a list of every ACL id then stays small.
        resolve_docs_ = caps.resolve_documentation;
        resolve_edits_ = caps.resolve_additional_edits;
        // The engine then leaves the documentation to be made for the item resolved.
        engine_.settings().lazy_documentation = resolve_docs_;
        // One edit range for the whole list (LSP 3.17) when the client takes it.
        item_defaults_range_ = caps.item_defaults_edit_range;
        // Files are created through the client (workspace/applyEdit with CreateFile), never here.
        create_files_ = caps.create_files;

        if (params.initialization_options) apply_settings(*params.initialization_options);

        for (const auto& uri : params.workspace_folders)
            if (auto path = uri_to_path(uri)) folders_.push_back(*path);
        if (folders_.empty() && params.root_uri)
            if (auto path = uri_to_path(*params.root_uri)) folders_.push_back(*path);
        if (folders_.empty() && params.root_path) folders_.push_back(*params.root_path);
        for (auto& f : folders_)
            f = normalize_path(absolute_path(f));

        json capabilities = {
            {"positionEncoding", encoding_ == Encoding::Utf8 ? "utf-8" : "utf-16"},
            {"textDocumentSync",
             {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
            {"completionProvider",
             {{"triggerCharacters", {"\"", ":", "<", " ", "_"}},
              {"resolveProvider", resolve_docs_ || resolve_edits_}}},
            {"hoverProvider", true},
            {"definitionProvider", true},
            {"referencesProvider", true},
            {"documentHighlightProvider", true},
            {"documentSymbolProvider", true},
            {"workspaceSymbolProvider", true},
            {"codeActionProvider",
             {{"codeActionKinds", {"quickfix", "refactor.rewrite", "source"}}}},
            {"renameProvider", {{"prepareProvider", true}}},
            {"executeCommandProvider",
             {{"commands", json::array({"magento-integration-ls.reindex", kNewIntegration,
                                        kShowRoutesCommand})}}},
            // A client without code lens never asks: it just shows none.
            {"codeLensProvider", {{"resolveProvider", false}}},
            {"workspace",
             {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}},
        };
        if (pull_diagnostics_)
            capabilities["diagnosticProvider"] = {{"interFileDependencies", true},
                                                  {"workspaceDiagnostics", false}};
        // The index thread starts now, while the client reads this answer: its heap is set up
        // and the catalogue loaded by the time `initialized` asks for the index (0.4 ms of the
        // start otherwise, more on a busy machine).
        if (!warm_index_) {
            try {
                warm_index_ = std::make_unique<lsp_server_detail::WarmThread>([] {
                    trace::name_thread("index");
                    trace::Span span("warm up");
                    advise_thread_heap();
                    bundled_catalog();
                });
                // And the other indexing threads (index_folders' workers).
                const unsigned threads = options_.index_threads
                                             ? options_.index_threads
                                             : std::max(1u, std::thread::hardware_concurrency());
                for (unsigned t = 1; t < threads; ++t)
                    warm_workers_.push_back(std::make_unique<lsp_server_detail::WarmThread>([] {
                        trace::name_thread("index worker");
                        trace::Span span("warm up");
                        advise_thread_heap();
                    }));
            } catch (const std::exception& e) {
                log::warn("cannot start the index threads ahead: {}", e.what());
            }
        }
        return {{"capabilities", capabilities},
                {"serverInfo", {{"name", kName}, {"version", kVersion}}}};
    }

    void initialized() {
        if (dynamic_watch_) {
            json watchers = json::array();
            for (const char* g :
                 {"**/etc/acl.xml", "**/etc/module.xml", "**/registration.php", "**/composer.json",
                  "**/etc/integration.xml", "**/etc/integration/*.xml", "**/etc/webapi.xml",
                  "**/etc/adminhtml/*.xml", "**/Setup/**/*.php",
                  "**/vendor/composer/installed.json", "**/app/etc/config.php",
                  "**/.magento-integration-ls.json"})
                watchers.push_back({{"globPattern", g}});
            ep_.request("client/registerCapability",
                        {{"registrations",
                          {{{"id", "mil-watch"},
                            {"method", "workspace/didChangeWatchedFiles"},
                            {"registerOptions", {{"watchers", watchers}}}}}}},
                        [](const json&, const std::optional<RpcError>& err) {
                            if (err) log::warn("client refused file watching: {}", err->message);
                        });
        }
        if (configuration_) fetch_configuration();
        load_folder_settings();
        start_indexing();
    }

    // ---- settings ----------------------------------------------------------------------

    // The editor's settings (initializationOptions, workspace/configuration), parsed as the
    // settings file is: each key they give replaces the editor's earlier value of it.
    void apply_settings(const json& s) {
        if (!s.is_object()) return;
        SettingsFile next = parse_settings_file(s.dump());
        for (const auto& problem : next.problems)
            log::warn("editor settings: {}", settings_problem_text(s.dump(), "settings", problem));
        if (!next.has_severity) next.severity = editor_settings_.severity;
        next.has_severity = next.has_severity || editor_settings_.has_severity;
        if (!next.has_exclude) next.exclude = editor_settings_.exclude;
        next.has_exclude = next.has_exclude || editor_settings_.has_exclude;
        if (!next.has_known_resources) next.known_resources = editor_settings_.known_resources;
        next.has_known_resources = next.has_known_resources || editor_settings_.has_known_resources;
        if (!next.has_known_modules) next.known_modules = editor_settings_.known_modules;
        next.has_known_modules = next.has_known_modules || editor_settings_.has_known_modules;
        if (!next.insert_parents) next.insert_parents = editor_settings_.insert_parents;
        next.problems.clear();
        editor_settings_ = std::move(next);
        to_engine_settings(editor_settings_, engine_.settings());
        effective_.clear();
    }

    // ---- the settings file -------------------------------------------------------------
    // `.magento-integration-ls.json`, found by walking up from each workspace folder and
    // from each open document's folder (the nearest wins for a document under it), parsed
    // by the core's parser as `check` parses it, with the editor's settings laid over it.
    // Its problems are diagnostics on the file itself.

    struct LoadedSettings {
        std::string text;
        SettingsFile parsed;
        std::string read_error; // it could not be read (a symbolic link is never followed)
    };
    // The settings of a file under a settings file (or under none: the key is "").
    struct EffectiveSettings {
        Settings settings;
        std::vector<std::string> exclude;
        std::string base; // the folder the excludes are relative to
    };

    static bool is_settings_file(const std::string& path) {
        return file_name(path) == kSettingsFileName;
    }

    // The nearest settings file of the files in `dir` ("" when none), remembered.
    const std::string& nearest_settings(const std::string& dir) {
        return nearest_settings_.nearest(dir);
    }

    // A settings file as it is now: the open document's text, else the file on disk.
    const LoadedSettings& settings_file(const std::string& path) {
        auto it = settings_files_.find(path);
        if (it != settings_files_.end()) return it->second;
        LoadedSettings loaded;
        const Draft* doc = engine_.draft(path);
        std::string error;
        // Read from disk even when open: a symbolic link is refused there (an open document
        // not saved yet has no file).
        auto disk = read_settings_text(path, &error);
        if (doc && !doc->oversize() && (disk || !path_exists_no_follow(path)))
            loaded.text = doc->text();
        else if (disk)
            loaded.text = std::move(*disk);
        else
            loaded.read_error = error;
        if (loaded.read_error.empty()) loaded.parsed = parse_settings_file(loaded.text);
        it = settings_files_.emplace(path, std::move(loaded)).first;
        publish_settings_problems(path);
        return it->second;
    }

    const EffectiveSettings& effective_settings(const std::string& settings_path) {
        auto it = effective_.find(settings_path);
        if (it != effective_.end()) return it->second;
        EffectiveSettings e;
        e.settings = engine_.settings();
        SettingsFile merged = editor_settings_;
        if (!settings_path.empty()) {
            const LoadedSettings& file = settings_file(settings_path);
            if (file.read_error.empty()) merged = overlay_settings(file.parsed, editor_settings_);
            e.base = parent_path(settings_path);
        }
        to_engine_settings(merged, e.settings);
        e.exclude = merged.exclude;
        return effective_.emplace(settings_path, std::move(e)).first->second;
    }

    const EffectiveSettings& settings_of(const std::string& path) {
        return effective_settings(nearest_settings(parent_path(path)));
    }

    // Whether the settings of `path` exclude it (as `check` leaves it out).
    bool excluded(const std::string& path) {
        const EffectiveSettings& e = settings_of(path);
        if (e.exclude.empty()) return false;
        std::string base = e.base;
        if (base.empty())
            for (const auto& f : folders_)
                if (path_is_within(path, f)) base = f;
        return !base.empty() && is_excluded(e.exclude, relative_path(path, base));
    }

    // Forgets what was read of the settings files (one changed, appeared or went away) and
    // reads the ones of the workspace folders again; the documents are diagnosed again.
    void reload_settings(bool refresh = true) {
        std::set<std::string> before;
        for (const auto& [path, loaded] : settings_files_)
            before.insert(path);
        settings_files_.clear();
        nearest_settings_.clear();
        effective_.clear();
        load_folder_settings();
        for (const auto& [path, d] : engine_.drafts())
            settings_of(path);
        // The ones no longer in use (gone, or no folder or document under them): no problems.
        for (const auto& path : before)
            if (!settings_files_.count(path) && settings_published_.erase(path))
                ep_.notify("textDocument/publishDiagnostics",
                           {{"uri", uri_for(path)}, {"diagnostics", json::array()}});
        if (refresh) refresh_all();
    }

    void load_folder_settings() {
        for (const auto& f : folders_)
            if (const std::string& path = nearest_settings(f); !path.empty()) settings_file(path);
    }

    std::vector<lsp::Diagnostic> settings_diagnostics(const std::string& path) {
        std::vector<lsp::Diagnostic> out;
        const LoadedSettings& file = settings_file(path);
        if (!file.read_error.empty()) {
            lsp::Diagnostic& d = out.emplace_back();
            d.code = "settings";
            d.source = kName;
            d.message = file.read_error + "; the settings file is not used";
            return out;
        }
        LineIndex lines(file.text);
        auto position = [&](Offset o) {
            const LineCol lc = lines.to_line_col(file.text, o, encoding_);
            return lsp::Position{lc.line, lc.col};
        };
        for (const auto& p : file.parsed.problems) {
            lsp::Diagnostic& d = out.emplace_back();
            d.range = {position(p.range.begin), position(p.range.end)};
            d.severity = static_cast<int>(p.severity);
            d.code = "settings";
            d.source = kName;
            d.message = p.message;
        }
        return out;
    }

    void publish_settings_problems(const std::string& path) {
        if (pull_diagnostics_ && engine_.is_open(path)) return; // the client asks for them
        auto d = settings_diagnostics(path);
        // A file without problems gets an empty list only when it may have had some.
        if (d.empty() && !settings_published_.count(path)) return;
        if (d.empty())
            settings_published_.erase(path);
        else
            settings_published_.insert(path);
        ep_.notify("textDocument/publishDiagnostics",
                   lsp::PublishDiagnosticsParams{uri_for(path), std::nullopt, std::move(d)});
    }

    void fetch_configuration() {
        ep_.request("workspace/configuration", {{"items", {{{"section", "magentoIntegration"}}}}},
                    [this](const json& result, const std::optional<RpcError>& err) {
                        if (err || !result.is_array() || result.empty()) return;
                        apply_settings(result[0]);
                        refresh_all();
                    });
    }

    void changed_configuration(const json& p) {
        if (configuration_) {
            fetch_configuration();
            return;
        }
        if (p.contains("settings") && p["settings"].is_object()) {
            const json& s = p["settings"];
            apply_settings(s.contains("magentoIntegration") ? s["magentoIntegration"] : s);
            refresh_all();
        }
    }

    // ---- indexing ----------------------------------------------------------------------

    // The index thread never touches the endpoint itself: it fills an IndexJob, which the main
    // loop polls for progress, and wakes the main loop through a PostHandle when it is done
    // (dropped if the loop has ended). So a client that leaves while the index is being built
    // cannot make the thread post to an endpoint that no longer exists.
    struct IndexJob {
        std::atomic<std::size_t> done{0}, total{0};
        std::atomic<bool> cancel{false};
        std::atomic<bool> finished{false}; // result (or error) is set
        IndexResult result;
        std::string error;
        double ms = 0;
        std::size_t reported = 0; // main loop only: files in the last progress report
        bool taken = false;       // main loop only: the result was taken (or dropped)
        // The progress was ended (by the index thread, see start_indexing); no report after it.
        std::mutex progress_mutex;
        bool ended = false; // guarded by progress_mutex
    };
    struct IndexCancelled {};

    void stop_index_thread() {
        warm_index_.reset();
        if (job_) job_->cancel = true;
        if (index_thread_.joinable()) index_thread_.join();
    }

    void start_indexing() {
        trace::Span span("start indexing");
        // The thread made ready at `initialize` takes the first index.
        std::unique_ptr<lsp_server_detail::WarmThread> warm = std::move(warm_index_);
        stop_index_thread();
        ready_ = false;
        std::string token = fmt::format("mil-index-{}", ++index_generation_);
        bool progress = progress_;
        auto job = std::make_shared<IndexJob>();
        job_ = job;
        IndexOptions io;
        io.max_file_bytes = options_.max_file_bytes;
        io.threads = options_.index_threads;
        // The workers started at `initialize`, for the first index (then new threads).
        auto spare = std::make_shared<std::vector<std::unique_ptr<lsp_server_detail::WarmThread>>>(
            std::move(warm_workers_));
        warm_workers_.clear();
        io.start_thread = [spare](std::function<void()> work) {
            if (spare->empty()) return std::thread(std::move(work));
            std::unique_ptr<lsp_server_detail::WarmThread> warm = std::move(spare->back());
            spare->pop_back();
            return warm->give(std::move(work));
        };
        io.progress = [job](std::size_t done, std::size_t total) {
            if (job->cancel) throw IndexCancelled{};
            job->total = total;
            job->done = done;
        };
        // The thread wakes the main loop when it is done (through a PostHandle: it may outlive
        // the endpoint), so the index is taken at once rather than at the next poll.
        auto done = [this, job, token, progress, generation = index_generation_] {
            poll_index(job, token, progress, generation);
        };
        const auto spawned = trace::handed_now();
        auto run = [job, folders = folders_, io, build = options_.build_index,
                    wake = ep_.post_handle(), notifier = ep_.notify_handle(), done, spawned, token,
                    progress] {
            auto t0 = std::chrono::steady_clock::now();
            trace::thread_start("index", spawned);
            try {
                job->result = build ? build(folders, io) : index_folders(folders, io);
            } catch (const IndexCancelled&) {
                job->error = "cancelled";
            } catch (const std::exception& e) {
                job->error = e.what();
            } catch (...) {
                job->error = "unknown error";
            }
            job->ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count();
            job->finished = true;
            // The editor is told that the index is ready by this thread, at once: through the
            // main loop, the end waited for that thread to be woken and scheduled (0.1 ms on an
            // idle machine, 4-10 ms on a busy one). The snapshot is published first all the
            // same: `done` is queued before the end is sent, so the main loop runs it before
            // any request the editor sends after the end.
            auto end_progress = [&] {
                if (!progress || !job->error.empty() || !job->result.snapshot) return;
                std::lock_guard lock(job->progress_mutex);
                if (job->ended || job->cancel) return;
                job->ended = true;
                trace::Span span("progress end");
                // The last report and the end in one write (see Transport::send_all).
                std::vector<std::pair<std::string, json>> notes;
                if (const std::size_t total = job->total)
                    notes.emplace_back(
                        "$/progress",
                        json{{"token", token},
                             {"value",
                              {{"kind", "report"},
                               {"message", fmt::format("{}/{} modules", total, total)},
                               {"percentage", 100}}}});
                notes.emplace_back("$/progress", progress_end(token, job->result));
                notifier.notify_all(std::move(notes));
            };
            wake.post(done, end_progress);
        };
        index_thread_ = warm ? warm->give(std::move(run)) : std::thread(std::move(run));
        // The progress begins while the thread starts (its end is sent from the main loop, after
        // this).
        if (progress) {
            trace::Span progress_span("progress begin");
            ep_.request("window/workDoneProgress/create", {{"token", token}},
                        [](const json&, const std::optional<RpcError>&) {});
            ep_.notify("$/progress", {{"token", token},
                                      {"value",
                                       {{"kind", "begin"},
                                        {"title", "Indexing Magento ACL"},
                                        {"cancellable", false},
                                        {"percentage", 0}}}});
        }
        poll_index(job, token, progress, index_generation_);
    }

    // The params of the $/progress that ends an index.
    static json progress_end(const std::string& token, const IndexResult& result) {
        return {{"token", token},
                {"value",
                 {{"kind", "end"},
                  {"message", fmt::format("{} files, {} ACL ids", result.files,
                                          result.snapshot->acl.nodes.size())}}}};
    }

    void poll_index(const std::shared_ptr<IndexJob>& job, const std::string& token, bool progress,
                    unsigned generation) {
        if (generation != index_generation_ || job->taken) return;
        std::size_t done = job->done, total = job->total;
        // Under job->progress_mutex: never after the end.
        auto report = [&] {
            if (!progress || job->ended || done == job->reported || !total) return;
            trace::Span span("progress report");
            job->reported = done;
            ep_.notify("$/progress", {{"token", token},
                                      {"value",
                                       {{"kind", "report"},
                                        {"message", fmt::format("{}/{} modules", done, total)},
                                        {"percentage", static_cast<int>(done * 100 / total)}}}});
        };
        if (!job->finished) {
            {
                std::lock_guard lock(job->progress_mutex);
                report();
            }
            ep_.post_after("mil-index-poll", std::chrono::milliseconds(20),
                           [this, job, token, progress, generation] {
                               poll_index(job, token, progress, generation);
                           });
            return;
        }
        job->taken = true;
        ep_.cancel_posted("mil-index-poll");
        if (index_thread_.joinable()) index_thread_.join();
        if (!job->error.empty() || !job->result.snapshot) {
            log::error("indexing failed: {}", job->error);
            if (progress)
                ep_.notify("$/progress",
                           {{"token", token},
                            {"value", {{"kind", "end"}, {"message", "indexing failed"}}}});
            return;
        }
        const IndexResult& result = job->result;
        log::info("indexed {} files, {} modules, {} ACL ids in {:.1f} ms", result.files,
                  result.snapshot->modules.size(), result.snapshot->acl.nodes.size(), job->ms);
        {
            trace::Span span("snapshot publish");
            engine_.set_base(result.snapshot);
        }
        ready_ = true;
        {
            // Unless the index thread ended the progress already.
            std::lock_guard lock(job->progress_mutex);
            if (progress && !job->ended) {
                done = job->done;
                total = job->total;
                report();
                job->ended = true;
                trace::Span span("progress end");
                ep_.notify("$/progress", progress_end(token, result));
            }
        }
        trace::Span span("refresh documents");
        refresh_all();
    }

    // ---- documents ---------------------------------------------------------------------

    std::string path_of(const std::string& uri) {
        auto path = uri_to_path(uri);
        if (!path)
            throw RpcError(
                -32602,
                fmt::format("Unsupported document URI '{}': only file: URIs are served", uri));
        return *path;
    }

    void did_open(const json& p) {
        const auto params = p.get<lsp::DidOpenTextDocumentParams>();
        auto path = uri_to_path(params.uri);
        if (!path) return;
        if (const std::size_t size = params.text.size(); size > options_.max_file_bytes) {
            // Over the limit: its text is not kept, and its diagnostic says why.
            warn_oversized(*path, size);
            engine_.open_oversized(*path, {size, options_.max_file_bytes}, params.version);
        } else {
            engine_.open(*path, params.text, params.version);
        }
        uris_[*path] = params.uri;
        if (is_settings_file(*path))
            reload_settings(); // its text is the editor's now
        else
            settings_of(*path); // its settings file is read (and its problems shown) once
        if (!dynamic_watch_) reload_module_from_disk(*path);
        publish(*path); // first diagnostics at once, never debounced
        // The editor's text may differ from the disk (an unsaved buffer): other documents
        // that depend on this file are checked again.
        if (affects_others(classify_path(*path)))
            for (const auto& [other, d] : engine_.drafts())
                if (other != *path) schedule(other);
        if (affects_lenses(classify_path(*path))) refresh_lenses();
    }

    void warn_oversized(const std::string& path, std::size_t size) {
        log::warn("{}: {} bytes, over the limit of {} bytes; its text is not kept", path, size,
                  options_.max_file_bytes);
    }

    static bool affects_others(FileKind kind) {
        return kind == FileKind::Acl || kind == FileKind::ModuleXml ||
               kind == FileKind::Integration || kind == FileKind::Registration ||
               kind == FileKind::DeploymentConfig;
    }

    void did_change(const json& p) {
        const auto params = p.get<lsp::DidChangeTextDocumentParams>();
        auto path = uri_to_path(params.uri);
        if (!path) return;
        std::vector<DraftChange> changes;
        changes.reserve(params.content_changes.size());
        for (const auto& c : params.content_changes) {
            DraftChange& change = changes.emplace_back();
            if (c.range)
                change.range =
                    std::make_pair(LineCol{c.range->start.line, c.range->start.character},
                                   LineCol{c.range->end.line, c.range->end.character});
            change.text = c.text;
        }
        const DraftEditResult r =
            engine_.edit(*path, changes, encoding_, params.version, options_.max_file_bytes);
        if (!r.open) {
            log::warn("didChange for a document that is not open: {}", *path);
            return;
        }
        if (r.oversize) warn_oversized(*path, r.oversize->bytes);
        if (r.became_stale) tell_stale(*path, r.stale_reason);
        schedule(*path);
        if (is_settings_file(*path))
            ep_.post_after("settings-reload",
                           std::chrono::milliseconds(options_.diagnostics_delay_ms),
                           [this] { reload_settings(); });
        if (affects_others(classify_path(*path)))
            for (const auto& [other, d] : engine_.drafts())
                if (other != *path) schedule(other);
        if (affects_lenses(classify_path(*path))) refresh_lenses();
    }

    // A document whose text may no longer be the editor's (see Draft::stale): the user is
    // told, and no edit is offered on it until the editor sends the whole text again.
    void tell_stale(const std::string& path, const std::string& reason) {
        const std::string message = fmt::format(
            "{}: an edit could not be applied ({}); no fixes, completions or renames are "
            "offered on it until its whole text is sent again: close and reopen it",
            file_name(path), reason);
        log::warn("{} ({})", message, path);
        ep_.notify("window/showMessage", {{"type", 2}, {"message", message}});
    }

    // Whether edits may be offered on `path`: not when its text may not be the editor's.
    bool in_step(const std::string& path) const {
        const Draft* d = engine_.draft(path);
        return !d || !d->stale;
    }

    bool all_in_step(const std::vector<FileEdit>& changes) const {
        return std::all_of(changes.begin(), changes.end(),
                           [&](const FileEdit& fe) { return in_step(fe.path); });
    }

    void did_close(const json& p) {
        auto path = uri_to_path(p.get<lsp::TextDocumentParams>().uri);
        if (!path) return;
        ep_.cancel_posted("diag:" + *path);
        if (auto d = diagnosing_.find(*path); d != diagnosing_.end()) {
            d->second->store(true);
            diagnosing_.erase(d);
        }
        std::string uri = uri_for(*path);
        const Draft* doc = engine_.drafts().find(*path);
        const bool large = doc && (doc->oversize() || doc->text().size() >= kTrimAfterBytes);
        engine_.close(*path);
        if (!dynamic_watch_) reload_module_from_disk(*path); // the disk may have changed meanwhile
        if (!pull_diagnostics_)
            ep_.notify("textDocument/publishDiagnostics",
                       lsp::PublishDiagnosticsParams{uri, std::nullopt, {}});
        uris_.erase(*path);
        if (is_settings_file(*path)) reload_settings(); // the file on disk counts again
        // Unsaved edits are dropped with the document: the others see the disk again.
        if (affects_others(classify_path(*path)))
            for (const auto& [other, d] : engine_.drafts())
                schedule(other);
        if (affects_lenses(classify_path(*path))) refresh_lenses();
        // The memory of a large document (its text, tree, index entry and diagnostics) is
        // given back to the system, not kept by the allocator: on the worker, after the jobs
        // that still hold a snapshot with it.
        if (large) worker_.post([] { trim_heap(); });
    }

    void did_save(const json& p) {
        auto path = uri_to_path(p.get<lsp::TextDocumentParams>().uri);
        if (path && is_settings_file(*path)) {
            reload_settings();
            return;
        }
        if (!path || dynamic_watch_) return;
        reload_module_from_disk(*path);
        refresh_all();
    }

    // Without file watching, re-read a module's indexed files when one of its files is
    // opened or saved, so that changes made outside the editor are seen.
    void reload_module_from_disk(const std::string& path) {
        if (!ready_) return;
        FileKind kind = classify_path(path);
        std::string dir = module_dir_of(path, kind);
        if (dir.empty()) return;
        std::vector<std::pair<std::string, std::shared_ptr<const FileEntry>>> changed;
        for (const auto& f : indexed_files(dir)) {
            // Open documents too: the engine's base is the disk, it lays the editor's text over it.
            auto entry = load_entry(f, options_.max_file_bytes);
            const FileEntry* old = engine_.base().file(f);
            if (entry && old && *old->text == *entry->text && !entry->oversize == !old->oversize)
                continue;
            changed.emplace_back(f, std::move(entry));
        }
        engine_.update_base(changed);
    }

    void watched_files(const json& p) {
        const auto params = p.get<lsp::DidChangeWatchedFilesParams>();
        for (const auto& change : params.changes)
            if (auto path = uri_to_path(change.uri); path && is_settings_file(*path)) {
                reload_settings(!ready_); // once ready, the documents are diagnosed below
                break;
            }
        if (!ready_) return;
        bool reindex = false;
        std::vector<std::pair<std::string, std::shared_ptr<const FileEntry>>> changed;
        for (const auto& change : params.changes) {
            auto path = uri_to_path(change.uri);
            if (!path) continue;
            if (file_name(*path) == "installed.json") {
                reindex = true;
                continue;
            }
            std::shared_ptr<const FileEntry> entry;
            if (change.type != 3) entry = load_entry(*path, options_.max_file_bytes);
            if (classify_path(*path) == FileKind::Unknown) continue;
            changed.emplace_back(*path, std::move(entry));
        }
        if (reindex) {
            start_indexing();
            return;
        }
        engine_.update_base(changed);
        refresh_all();
    }

    void changed_folders(const json& p) {
        const auto params = p.get<lsp::DidChangeWorkspaceFoldersParams>();
        for (const auto& uri : params.removed)
            if (auto path = uri_to_path(uri))
                folders_.erase(std::remove(folders_.begin(), folders_.end(), normalize_path(*path)),
                               folders_.end());
        for (const auto& uri : params.added)
            if (auto path = uri_to_path(uri)) folders_.push_back(normalize_path(*path));
        reload_settings();
        start_indexing();
    }

    // ---- diagnostics -------------------------------------------------------------------

    void schedule(const std::string& path) {
        if (pull_diagnostics_) return;
        ep_.post_after("diag:" + path, std::chrono::milliseconds(options_.diagnostics_delay_ms),
                       [this, path] { publish(path); });
    }

    void refresh_all() {
        refresh_lenses();
        if (pull_diagnostics_) {
            ep_.request("workspace/diagnostic/refresh", nullptr,
                        [](const json&, const std::optional<RpcError>&) {});
            return;
        }
        for (const auto& [path, d] : engine_.drafts())
            publish(path);
    }

    // The lenses count routes from the ACL, webapi.xml and the integrations of every module:
    // a client that can be told so asks again for those of its visible documents, once the
    // typing pauses (debounced like the diagnostics).
    void refresh_lenses() {
        if (!lens_refresh_ || !ready_) return;
        ep_.post_after("mil-lens-refresh", std::chrono::milliseconds(options_.diagnostics_delay_ms),
                       [this] {
                           ep_.request("workspace/codeLens/refresh", nullptr,
                                       [](const json&, const std::optional<RpcError>&) {});
                       });
    }

    static bool affects_lenses(FileKind kind) {
        return kind == FileKind::Acl || kind == FileKind::Webapi || kind == FileKind::Integration ||
               kind == FileKind::IntegrationApi;
    }

    std::vector<lsp::Diagnostic> lsp_diagnostics(const std::string& path) {
        if (is_settings_file(path)) return settings_diagnostics(path);
        std::vector<lsp::Diagnostic> out;
        if (excluded(path)) return out; // as `check` leaves it out
        return lsp_diagnostics(path, engine_.diagnose(path));
    }

    std::vector<lsp::Diagnostic> lsp_diagnostics(const std::string& path,
                                                 std::vector<Diagnostic> ds) {
        std::vector<lsp::Diagnostic> out;
        // A pathological file (hundreds of thousands of findings) gets the first ones and a
        // summary, not a response of hundreds of megabytes.
        cap_diagnostics(ds, kMaxDiagnosticsPerDocument);
        for (const auto& d : ds) {
            lsp::Diagnostic& l = out.emplace_back();
            l.range = lsp_range(path, d.range);
            l.severity = static_cast<int>(d.severity);
            l.code = d.code;
            if (find_rule(d.code)) l.code_href = rule_help_uri(d.code);
            l.source = kName;
            l.message = d.message;
            l.unnecessary = d.unnecessary;
            l.deprecated = d.deprecated;
            if (related_info_)
                for (const auto& r : d.related)
                    l.related.push_back({lsp_location(r.location), r.message});
        }
        return out;
    }

    // ---- scaffolding a new integration ---------------------------------------------------

    static constexpr const char* kNewIntegration = "magento-integration-ls.newIntegration";

    // The module a path belongs to: its name from the index, else from app/code/Vendor/Module.
    std::string module_name_for(const std::string& module_dir) {
        if (const ModuleInfo* m = engine_.snapshot().module_by_dir(module_dir);
            m && !m->name.empty())
            return m->name;
        auto slash = module_dir.rfind('/');
        if (slash == std::string::npos || slash == 0) return {};
        auto prev = module_dir.rfind('/', slash - 1);
        if (prev == std::string::npos) return {};
        std::string name =
            module_dir.substr(prev + 1, slash - prev - 1) + "_" + module_dir.substr(slash + 1);
        return is_module_name(name) ? name : std::string();
    }

    // The edit that writes `plan` into `module_dir`: the open documents among its files are
    // replaced whole, the others created (CreateFile without overwrite). Empty if the client
    // cannot create files and some file is not open, or if a file that is not open exists.
    lsp::WorkspaceEdit scaffold_edit(const std::string& module_dir, const ScaffoldPlan& plan,
                                     std::vector<std::string>& existing) {
        std::vector<lsp::DocumentChange> changes;
        for (const auto& f : plan.files) {
            const std::string path = module_dir + "/" + f.relative_path;
            const std::string uri = uri_for(path);
            if (const Draft* d = engine_.draft(path)) {
                if (d->text().find_first_not_of(" \t\r\n") != std::string::npos || d->oversize()) {
                    existing.push_back(path);
                    continue;
                }
                const Range whole{0, static_cast<Offset>(d->text().size())};
                changes.push_back(
                    lsp::TextDocumentEdit{uri, d->version, {{lsp_range(path, whole), f.text}}});
                continue;
            }
            if (path_exists_no_follow(path)) {
                existing.push_back(path);
                continue;
            }
            changes.push_back(lsp::CreateFile{uri});
            changes.push_back(lsp::TextDocumentEdit{uri, std::nullopt, {{{}, f.text}}});
        }
        lsp::WorkspaceEdit out;
        out.document_changes = std::move(changes);
        return out;
    }

    // In an empty etc/integration.xml: write the integration, and the module files that are
    // missing when the client can create files.
    std::optional<lsp::CodeAction> scaffold_action(const std::string& path) {
        if (classify_path(path) != FileKind::Integration) return std::nullopt;
        const Draft* doc = engine_.draft(path);
        // (A document over the size limit has an empty text here, but is not empty.)
        if (!doc || doc->oversize() ||
            doc->text().find_first_not_of(" \t\r\n") != std::string::npos)
            return std::nullopt;
        const std::string dir = module_dir_of(path, FileKind::Integration);
        const std::string module = module_name_for(dir);
        if (module.empty()) return std::nullopt;
        ScaffoldSpec spec;
        spec.module = module;
        spec.name = module.substr(module.find('_') + 1);
        ScaffoldPlan plan = create_files_ ? plan_integration_module(spec, engine_.snapshot().acl)
                                          : plan_integration_xml(spec, engine_.snapshot().acl);
        if (!plan.error.empty()) return std::nullopt;
        // Files that exist already stay as they are: only the missing ones are written.
        std::erase_if(plan.files, [&](const ScaffoldFile& f) {
            const std::string p = dir + "/" + f.relative_path;
            return p != path && (engine_.is_open(p) || path_exists_no_follow(p));
        });
        lsp::WorkspaceEdit edit;
        if (create_files_) {
            std::vector<std::string> existing;
            edit = scaffold_edit(dir, plan, existing);
        } else {
            const std::string& text = plan.files.front().text;
            FileEdit fe{path, {{Range{0, static_cast<Offset>(doc->text().size())}, text}}};
            edit = workspace_edit({fe});
        }
        std::string title = plan.files.size() > 1
                                ? fmt::format("Write the integration '{}' and the files {} needs",
                                              spec.name, module)
                                : fmt::format("Write the integration '{}'", spec.name);
        lsp::CodeAction action;
        action.title = std::move(title);
        action.kind = "refactor.rewrite";
        action.edit = std::move(edit);
        return action;
    }

    // workspace/executeCommand magento-integration-ls.newIntegration, with one object:
    // {module, name, email?, endpointUrl?, identityLinkUrl?, resources?, acl?, folder?}
    // `folder` (a URI) is the module folder, or a Magento root (the module then goes to
    // app/code/Vendor/Module); default: the first workspace folder's Magento root.
    json new_integration(const json& args) {
        if (!args.is_array() || args.empty() || !args[0].is_object())
            throw RpcError(-32602, fmt::format("{} takes one object: {{module, name, email, "
                                               "endpointUrl, identityLinkUrl, resources, acl, "
                                               "folder}}",
                                               kNewIntegration));
        const json& a = args[0];
        auto text = [&](const char* key) {
            if (!a.contains(key) || a[key].is_null()) return std::string();
            if (!a[key].is_string())
                throw RpcError(-32602, fmt::format("'{}' must be a string", key));
            return a[key].get<std::string>();
        };
        ScaffoldSpec spec;
        spec.module = text("module");
        spec.name = text("name");
        spec.email = text("email");
        spec.endpoint_url = text("endpointUrl");
        spec.identity_link_url = text("identityLinkUrl");
        if (a.contains("resources")) {
            if (!a["resources"].is_array())
                throw RpcError(-32602, "'resources' must be an array of ACL ids");
            for (const auto& r : a["resources"]) {
                if (!r.is_string())
                    throw RpcError(-32602, "'resources' must be an array of ACL ids");
                spec.resources.push_back(r.get<std::string>());
            }
        }
        spec.own_acl = a.value("acl", false) == true;
        if (!create_files_)
            throw RpcError(-32803,
                           "This editor cannot create files through the language server "
                           "(workspace/applyEdit with CreateFile); run `magento-integration-ls "
                           "new-integration` in a terminal instead");
        if (!ready_)
            throw RpcError(-32803, "The ACL index is still being built: run the command again "
                                   "in a moment");
        ScaffoldPlan plan = plan_integration_module(spec, engine_.snapshot().acl);
        if (!plan.error.empty()) throw RpcError(-32602, plan.error);

        std::string module_dir;
        const std::string folder = text("folder");
        const std::string vendor = spec.module.substr(0, spec.module.find('_'));
        const std::string mod = spec.module.substr(spec.module.find('_') + 1);
        if (!folder.empty()) {
            auto p = uri_to_path(folder);
            if (!p) throw RpcError(-32602, fmt::format("'{}' is not a file URI", folder));
            // Only inside a workspace folder: the command writes nowhere the user did not open.
            if (!within_workspace(*p))
                throw RpcError(-32602, "'folder' must lie inside one of the workspace folders");
            auto root = find_magento_root(*p);
            module_dir = root && normalize_path(*root) == normalize_path(*p)
                             ? join_path(*root, "app/code/" + vendor + "/" + mod)
                             : normalize_path(*p);
        } else {
            for (const auto& f : folders_)
                if (auto root = find_magento_root(f)) {
                    module_dir = join_path(*root, "app/code/" + vendor + "/" + mod);
                    break;
                }
            if (module_dir.empty())
                throw RpcError(-32602, "No Magento root in the workspace: give 'folder', the "
                                       "module's folder");
        }
        std::vector<std::string> existing;
        lsp::WorkspaceEdit edit = scaffold_edit(module_dir, plan, existing);
        if (!existing.empty())
            throw RpcError(-32803,
                           fmt::format("Refusing to overwrite existing file{}: {}",
                                       existing.size() == 1 ? "" : "s", fmt::join(existing, ", ")));
        lsp::NewIntegrationResult result;
        for (const auto& f : plan.files)
            result.files.push_back(uri_for(module_dir + "/" + f.relative_path));
        ep_.request(
            "workspace/applyEdit",
            lsp::ApplyWorkspaceEditParams{
                fmt::format("New integration {} in {}", spec.name, spec.module), std::move(edit)},
            [](const json& r, const std::optional<RpcError>& err) {
                if (err)
                    log::warn("the editor refused the new integration: {}", err->message);
                else if (r.is_object() && r.value("applied", true) == false)
                    log::warn("the editor did not apply the new integration: {}",
                              r.value("failureReason", std::string("no reason given")));
            });
        return result;
    }

    // Whether `path` is one of the workspace folders or lies inside one (lexically: ".."
    // segments are resolved first).
    bool within_workspace(const std::string& path) const {
        const std::string p = normalize_path(path);
        return std::any_of(folders_.begin(), folders_.end(), [&](const std::string& f) {
            return path_is_within(p, normalize_path(f));
        });
    }

    void publish(const std::string& path) {
        if (pull_diagnostics_) return;
        const Draft* doc = engine_.draft(path);
        if (!doc) return;
        if (!ready_) return; // published when the index is ready, against the whole tree
        if (is_settings_file(path) || excluded(path)) {
            ep_.notify(
                "textDocument/publishDiagnostics",
                lsp::PublishDiagnosticsParams{uri_for(path), doc->version, lsp_diagnostics(path)});
            return;
        }
        // The engine's work runs on the worker; a newer publish of the document (or its
        // closing) cancels the one still running.
        auto flag = std::make_shared<std::atomic<bool>>(false);
        if (auto& running = diagnosing_[path]) running->store(true);
        diagnosing_[path] = flag;
        const FileEntry* entry = engine_.entry(path);
        off_loop<std::vector<Diagnostic>>(
            path, CancelToken(flag),
            [path](const Engine& e, const CancelToken& t) { return e.diagnose(path, t); },
            [this, path, entry, flag, snapshot = engine_.snapshot_ptr()](
                std::shared_ptr<std::vector<Diagnostic>> ds, std::exception_ptr error) {
                if (auto d = diagnosing_.find(path); d != diagnosing_.end() && d->second == flag)
                    diagnosing_.erase(d);
                if (!ds) return log_failure("diagnostics of " + path, error);
                // Positions are converted with the text diagnosed; a changed document has a
                // newer publish on its way.
                const Draft* now = engine_.draft(path);
                if (flag->load() || !now || engine_.entry(path) != entry) return;
                ep_.notify("textDocument/publishDiagnostics",
                           lsp::PublishDiagnosticsParams{uri_for(path), now->version,
                                                         lsp_diagnostics(path, std::move(*ds))});
            });
    }

    // Runs `work` on the worker over a copy of the engine (its snapshots are shared, not
    // copied) with the settings of `path`, then `done` on the main loop with the result, or
    // with null and the exception (Cancelled when `token` was cancelled). The main loop
    // meanwhile reads `$/cancelRequest` and answers other requests.
    template <typename R>
    void off_loop(const std::string& path, CancelToken token,
                  std::function<R(const Engine&, const CancelToken&)> work,
                  std::function<void(std::shared_ptr<R>, std::exception_ptr)> done) {
        Engine engine = engine_;
        engine.settings() = settings_of(path).settings; // the lookup reads the main loop's caches
        engine.set_settings_lookup({});
        worker_.post([engine = std::move(engine), token = std::move(token), work = std::move(work),
                      done = std::move(done), wake = ep_.post_handle(),
                      hook = options_.before_heavy_work] {
            std::shared_ptr<R> result;
            std::exception_ptr error;
            try {
                if (hook) hook();
                token.throw_if_cancelled();
                result = std::make_shared<R>(work(engine, token));
            } catch (...) {
                error = std::current_exception();
            }
            wake.post([done, result, error] { done(result, error); });
        });
    }

    static void log_failure(const std::string& what, std::exception_ptr error) {
        try {
            if (error) std::rethrow_exception(error);
        } catch (const Cancelled&) {
        } catch (const std::exception& e) {
            log::error("{} failed: {}", what, e.what());
        } catch (...) {
            log::error("{} failed", what);
        }
    }

    // Answers a request whose work failed: -32800 when cancelled, its RpcError, else -32603.
    static void reply_failure(const Reply& reply, std::exception_ptr error) {
        try {
            if (error) std::rethrow_exception(error);
            reply.error(RpcError(error_code::InternalError, "no result"));
        } catch (const Cancelled&) {
            reply.error(RpcError(error_code::RequestCancelled, "request cancelled"));
        } catch (const RpcError& e) {
            reply.error(e);
        } catch (const std::exception& e) {
            log::error("request failed: {}", e.what());
            reply.error(RpcError(error_code::InternalError, e.what()));
        } catch (...) {
            reply.error(RpcError(error_code::InternalError, "internal error"));
        }
    }

    // A request about the document `path` answered from `work` run off the loop (off_loop,
    // with the request's token): -32800 when cancelled, ContentModified when the document
    // changed meanwhile (positions are converted with its text now), else `answer` on the
    // main loop, which replies (or throws).
    // `overtaken` is the error for a changed document (ContentModified unless given).
    template <typename R>
    void reply_off_loop(const std::string& path, const Reply& reply,
                        std::function<R(const Engine&, const CancelToken&)> work,
                        std::function<void(R&)> answer,
                        std::optional<RpcError> overtaken = std::nullopt) {
        const FileEntry* entry = engine_.entry(path);
        off_loop<R>(
            path, reply.token(), std::move(work),
            [this, path, entry, reply, answer = std::move(answer), overtaken,
             snapshot = engine_.snapshot_ptr()](std::shared_ptr<R> r, std::exception_ptr error) {
                try {
                    if (!r) std::rethrow_exception(error);
                    if (engine_.entry(path) != entry)
                        throw overtaken
                            ? *overtaken
                            : RpcError(error_code::ContentModified,
                                       "the document changed while the answer was made");
                    answer(*r);
                } catch (...) {
                    reply_failure(reply, std::current_exception());
                }
            });
    }

    // Made on the worker, as completion is: an integration over a deep ACL tree takes a while,
    // and the request can be cancelled meanwhile. The settings file and excluded files are
    // answered at once (their problems are in the main loop's caches).
    void pull_diagnostics(const json& p, const Reply& reply) {
        const std::string path = path_of(p.get<lsp::TextDocumentParams>().uri);
        if (!ready_) return reply.result(lsp::FullDocumentDiagnosticReport{});
        if (is_settings_file(path) || excluded(path))
            return reply.result(lsp::FullDocumentDiagnosticReport{lsp_diagnostics(path)});
        reply_off_loop<std::vector<Diagnostic>>(
            path, reply,
            [path](const Engine& e, const CancelToken& t) { return e.diagnose(path, t); },
            [this, path, reply](std::vector<Diagnostic>& ds) {
                reply.result(
                    lsp::FullDocumentDiagnosticReport{lsp_diagnostics(path, std::move(ds))});
            },
            // LSP 3.17: a diagnostic request the server gives up answers ServerCancelled with
            // DiagnosticServerCancellationData; retriggerRequest asks the client to pull again
            // (rather than an empty list, or the error, shown meanwhile).
            RpcError(error_code::ServerCancelled,
                     "the document changed while its diagnostics were made",
                     nlohmann::json{{"retriggerRequest", true}}));
    }

    // ---- features ----------------------------------------------------------------------

    // The items are made on the worker (a deep tree takes a while, and the request can be
    // cancelled meanwhile); the list is written on the main loop (by lsp::to_json_text: a list
    // of every ACL id is large), against the text asked about (ContentModified if the document
    // changed meanwhile).
    void completion(const json& p, const Reply& reply) {
        const auto params = p.get<lsp::TextDocumentPositionParams>();
        const std::string path = path_of(params.uri);
        if (!in_step(path))
            return reply.raw(lsp::to_json_text(lsp::CompletionList{})); // see tell_stale
        const Offset off = offset_of(path, params.position);
        reply_off_loop<CompletionResult>(
            path, reply,
            [path, off](const Engine& e, const CancelToken& t) { return e.complete(path, off, t); },
            [this, path, reply](CompletionResult& r) {
                reply.raw(lsp::to_json_text(lsp_completion_list(path, r)));
            });
    }

    // Per item only what the client needs: label, kind, detail; the edit (or, for clients
    // with `completionList.itemDefaults` "editRange", one shared range and the item's text
    // when it is not its label); sortText and filterText when they are not the label; the
    // documentation and the edits that insert missing parents inline, or through
    // completionItem/resolve for clients that resolve those properties.
    lsp::CompletionList lsp_completion_list(const std::string& path, CompletionResult& r) {
        const bool resolving = resolve_docs_ || resolve_edits_;
        if (resolving) {
            completion_resolve_.clear();
            completion_shared_.shared.clear();
            completion_at_.clear();
            ++completion_generation_;
        }
        // Ranges converted once each: the items usually share the one they replace, and the
        // place where parents are inserted.
        std::vector<std::pair<Range, lsp::Range>> ranges;
        auto range_of = [&](Range range) -> lsp::Range {
            for (const auto& [r0, converted] : ranges)
                if (r0 == range) return converted;
            return ranges.emplace_back(range, lsp_range(path, range)).second;
        };
        auto edits_of = [&](const std::vector<TextEdit>& edits) {
            std::vector<lsp::TextEdit> out;
            out.reserve(edits.size());
            for (const TextEdit& e : edits)
                out.push_back({range_of(e.range), e.new_text});
            return out;
        };
        lsp::CompletionList list;
        list.is_incomplete = r.incomplete;
        const bool defaults = item_defaults_range_ && !r.items.empty();
        const Range default_range = defaults ? r.items.front().edit.range : Range{};
        if (defaults) list.default_edit_range = range_of(default_range);

        // The additional edits, converted once for all the items that share them (the items
        // under one parent share the edit that inserts its ancestors).
        using Edits = std::shared_ptr<const std::vector<lsp::TextEdit>>;
        std::vector<Edits> shared_edits(r.shared.size() + 1);
        auto additional_edits = [&](const CompletionItem& it) -> Edits {
            if (!it.additional_edits.empty())
                return std::make_shared<const std::vector<lsp::TextEdit>>(
                    edits_of(r.additional_edits(it)));
            Edits& edits = shared_edits[it.shared];
            if (!edits)
                edits = std::make_shared<const std::vector<lsp::TextEdit>>(
                    edits_of(r.additional_edits(it)));
            return edits;
        };
        // Inline documentation and edits (for a client that does not resolve them) stop at a
        // byte budget: past it an item is sent without them (the missing-parent diagnostic
        // and its fix still cover what choosing it leaves out), so that a list over a deep
        // tree stays a few megabytes.
        std::size_t inline_budget = kCompletionInlineBudget;
        auto spend = [&](std::size_t bytes) {
            if (bytes > inline_budget) return false;
            inline_budget -= bytes;
            return true;
        };

        list.items.reserve(r.items.size());
        if (resolving) completion_resolve_.reserve(r.items.size());
        for (CompletionItem& it : r.items) {
            lsp::CompletionItem& item = list.items.emplace_back();
            item.label = it.label;
            item.kind = lsp_server_detail::completion_kind(it.kind);
            if (defaults && it.edit.range == default_range) {
                if (it.edit.new_text != it.label) item.text_edit_text = it.edit.new_text;
            } else {
                item.text_edit = lsp::TextEdit{range_of(it.edit.range), it.edit.new_text};
            }
            item.detail = it.detail;
            if (it.filter_by_detail)
                item.filter_text = it.label + ' ' + it.detail;
            else if (it.filter_text != it.label)
                item.filter_text = it.filter_text;
            if (it.sort_text != it.label) item.sort_text = it.sort_text;
            item.snippet = it.is_snippet;
            const CompletionShared* shared = r.shared_of(it);
            const bool has_edits = shared || !it.additional_edits.empty();
            const bool made_later = it.documentation_source != DocumentationSource::Text;
            const bool lazy_doc =
                resolve_docs_ && (made_later || !it.documentation.empty() || shared);
            const bool lazy_edits = resolve_edits_ && has_edits;
            if (!lazy_doc) {
                // The engine may have left the first part, though the client does not resolve.
                std::string doc =
                    made_later ? engine_.completion_documentation(it.documentation_source, it.label)
                               : std::string();
                doc += it.documentation;
                doc += r.note(it.shared);
                if (!doc.empty() && spend(doc.size())) item.documentation = std::move(doc);
            }
            if (has_edits && !lazy_edits && spend(r.additional_bytes(it)))
                item.additional_edits = additional_edits(it);
            if (lazy_doc || lazy_edits) {
                item.data =
                    lsp::CompletionItemData{completion_generation_, completion_resolve_.size()};
                Resolvable& res = completion_resolve_.emplace_back();
                if (lazy_doc) {
                    res.documentation = std::move(it.documentation);
                    res.source = it.documentation_source;
                    if (made_later) res.label = std::move(it.label); // copied to item already
                    res.note = it.shared;
                }
                if (lazy_edits) {
                    res.own_edits = edits_of(it.additional_edits);
                    res.shared = it.shared;
                    res.has_edits = true;
                }
            }
        }
        if (resolving) {
            // What resolve needs of the chains: the links, and each insert point's range as
            // it is now.
            for (const CompletionShared& sh : r.shared)
                if (std::none_of(completion_at_.begin(), completion_at_.end(),
                                 [&](const auto& a) { return a.first == sh.at; }))
                    completion_at_.emplace_back(sh.at, range_of(Range{sh.at, sh.at}));
            completion_shared_.shared = std::move(r.shared);
        }
        return list;
    }

    // What the last completion list left to completionItem/resolve (see completion()).
    json resolve_item(const json& item) {
        const auto data = lsp::completion_item_data(item);
        if (!data || data->generation != completion_generation_ ||
            data->index >= completion_resolve_.size())
            return item;
        const Resolvable& res = completion_resolve_[data->index];
        lsp::CompletionItemResolution out;
        out.documentation =
            res.source == DocumentationSource::Text
                ? res.documentation
                : engine_.completion_documentation(res.source, res.label) + res.documentation;
        out.documentation += completion_shared_.note(res.note);
        if (res.has_edits) out.additional_edits = resolved_edits(res.own_edits, res.shared);
        return lsp::resolved_item(item, out);
    }

    // The additional edits of a resolved item: its own, then its chain joined.
    std::vector<lsp::TextEdit> resolved_edits(const std::vector<lsp::TextEdit>& own,
                                              std::uint32_t shared) const {
        std::vector<lsp::TextEdit> out = own;
        CompletionItem item;
        item.shared = shared;
        for (const TextEdit& e : completion_shared_.additional_edits(item)) {
            auto at = std::find_if(completion_at_.begin(), completion_at_.end(),
                                   [&](const auto& a) { return a.first == e.range.begin; });
            if (at != completion_at_.end()) out.push_back({at->second, e.new_text});
        }
        return out;
    }

    json hover(const json& p, const CancelToken& token) {
        token.throw_if_cancelled();
        const auto params = p.get<lsp::TextDocumentPositionParams>();
        std::string path = path_of(params.uri);
        auto h = engine_.hover(path, offset_of(path, params.position));
        if (!h) return nullptr;
        return lsp::Hover{h->markdown, lsp_range(path, h->range)};
    }

    std::vector<lsp::Location> lsp_locations(const std::vector<Location>& locs) {
        std::vector<lsp::Location> out;
        out.reserve(locs.size());
        for (const auto& l : locs)
            out.push_back(lsp_location(l));
        return out;
    }

    json definition(const json& p) {
        const auto params = p.get<lsp::TextDocumentPositionParams>();
        std::string path = path_of(params.uri);
        return lsp_locations(engine_.definition(path, offset_of(path, params.position)));
    }

    json references(const json& p) {
        const auto params = p.get<lsp::ReferenceParams>();
        std::string path = path_of(params.uri);
        return lsp_locations(
            engine_.references(path, offset_of(path, params.position), params.include_declaration));
    }

    json highlight(const json& p) {
        const auto params = p.get<lsp::TextDocumentPositionParams>();
        std::string path = path_of(params.uri);
        std::vector<lsp::DocumentHighlight> out;
        for (const auto& r : engine_.highlights(path, offset_of(path, params.position)))
            out.push_back({lsp_range(path, r), 1});
        return out;
    }

    lsp::DocumentSymbol lsp_symbol(const SymbolInfo& s) {
        lsp::DocumentSymbol out{s.name,
                                s.kind,
                                s.detail,
                                lsp_range(s.location.path, s.location.range),
                                lsp_range(s.location.path, s.selection),
                                {}};
        out.children.reserve(s.children.size());
        for (const auto& c : s.children)
            out.children.push_back(lsp_symbol(c));
        return out;
    }

    json doc_symbols(const json& p) {
        const std::string path = path_of(p.get<lsp::TextDocumentParams>().uri);
        std::vector<SymbolInfo> symbols = engine_.document_symbols(path);
        if (hierarchical_symbols_) {
            std::vector<lsp::DocumentSymbol> out;
            for (const auto& s : symbols)
                out.push_back(lsp_symbol(s));
            return out;
        }
        std::vector<lsp::SymbolInformation> out;
        auto flatten = [&](auto&& self, const SymbolInfo& s) -> void {
            out.push_back({s.name, s.kind, std::nullopt, lsp_location(s.location)});
            for (const auto& c : s.children)
                self(self, c);
        };
        for (const auto& s : symbols)
            flatten(flatten, s);
        return out;
    }

    json ws_symbols(const json& p) {
        std::vector<lsp::SymbolInformation> out;
        for (const auto& s : engine_.workspace_symbols(p.get<lsp::WorkspaceSymbolParams>().query))
            out.push_back({s.name, s.kind, s.detail, lsp_location(s.location)});
        return out;
    }

    lsp::WorkspaceEdit workspace_edit(const std::vector<FileEdit>& changes) {
        lsp::WorkspaceEdit out;
        for (const auto& fe : changes) {
            std::vector<lsp::TextEdit>& edits = out.changes[uri_for(fe.path)];
            for (const auto& e : fe.edits)
                edits.push_back(lsp_edit(fe.path, e));
        }
        return out;
    }

    // The quick fixes come from the diagnostics of the document: made on the worker (see
    // pull_diagnostics). A fix that edits another file changed meanwhile answers
    // ContentModified, as a change of the document does.
    void code_action(const json& p, const Reply& reply) {
        auto params = p.get<lsp::CodeActionParams>();
        const std::string path = path_of(params.uri);
        if (!in_step(path)) return reply.result(json::array()); // see tell_stale
        Range range{offset_of(path, params.range.start), offset_of(path, params.range.end)};
        if (range.end < range.begin) std::swap(range.begin, range.end);
        reply_off_loop<std::vector<CodeAction>>(
            path, reply,
            [path, range](const Engine& e, const CancelToken& t) {
                return e.actions(path, range, t);
            },
            [this, path, reply, context = std::move(params.diagnostics),
             snapshot = engine_.snapshot_ptr()](std::vector<CodeAction>& actions) {
                std::vector<lsp::CodeAction> out;
                for (const auto& a : actions) {
                    for (const FileEdit& fe : a.changes)
                        if (engine_.entry(fe.path) != snapshot->file(fe.path))
                            throw RpcError(error_code::ContentModified,
                                           fmt::format("{} changed while the fixes were made",
                                                       file_name(fe.path)));
                    if (all_in_step(a.changes)) out.push_back(lsp_code_action(a, context));
                }
                if (auto a = scaffold_action(path)) out.push_back(std::move(*a));
                reply.result(out);
            });
    }

    // An action of the engine, with the diagnostics of the request's context it fixes.
    lsp::CodeAction lsp_code_action(const CodeAction& a, const std::vector<json>& context) {
        lsp::CodeAction out;
        out.title = a.title;
        out.kind = a.kind;
        if (!a.changes.empty()) out.edit = workspace_edit(a.changes);
        out.preferred = a.preferred;
        for (const auto& d : context)
            if (d.contains("code") &&
                std::find(a.diagnostic_codes.begin(), a.diagnostic_codes.end(),
                          d["code"].is_string() ? d["code"].get<std::string>() : "") !=
                    a.diagnostic_codes.end())
                out.diagnostics.push_back(d);
        if (!a.command.empty())
            out.command = lsp::Command{a.title, a.command, {}, a.command_arguments};
        return out;
    }

    json rename(const json& p) {
        const auto params = p.get<lsp::RenameParams>();
        const std::string path = path_of(params.uri);
        if (!in_step(path))
            throw RpcError(-32803, fmt::format("{} is out of step with the editor: close and "
                                               "reopen it, then rename again",
                                               file_name(path)));
        auto r = engine_.rename(path, offset_of(path, params.position), params.new_name);
        if (!r.error.empty()) throw RpcError(-32803, r.error);
        if (!all_in_step(r.changes))
            throw RpcError(-32803, "A file the rename changes is out of step with the editor: "
                                   "close and reopen it, then rename again");
        return workspace_edit(r.changes);
    }

    json prepare_rename(const json& p) {
        const auto params = p.get<lsp::TextDocumentPositionParams>();
        const std::string path = path_of(params.uri);
        if (!in_step(path)) return nullptr; // see tell_stale
        const Offset off = offset_of(path, params.position);
        for (const auto& l : engine_.references(path, off, true))
            if (l.path == path && l.range.touches(off)) return lsp_range(path, l.range);
        return nullptr;
    }

    json code_lens(const json& p) {
        const std::string path = path_of(p.get<lsp::TextDocumentParams>().uri);
        std::vector<lsp::CodeLens> out;
        // Before the index, the counts would come from the open documents alone (and the
        // bundled routes): none until it is ready, then workspace/codeLens/refresh.
        if (!ready_) return out;
        for (const CodeLens& l : engine_.code_lenses(path))
            out.push_back({lsp_range(path, l.range), {l.title, l.command, l.tooltip, l.arguments}});
        return out;
    }

    // The routes an integration can call (its name: the first argument, as the lens gives it,
    // or {"integration": name}), as Locations with labels.
    json show_routes(const json& args) {
        const json* arg = args.is_array() && !args.empty() ? &args[0] : nullptr;
        if (arg && arg->is_object() && arg->contains("integration")) arg = &(*arg)["integration"];
        if (!arg || !arg->is_string())
            throw RpcError(error_code::InvalidParams,
                           fmt::format("{} takes the integration's name", kShowRoutesCommand));
        std::vector<lsp::RouteItem> out;
        for (RouteEntry& e : integration_route_list(engine_.snapshot(), arg->get<std::string>())) {
            lsp::RouteItem& item = out.emplace_back();
            item.label = std::move(e.label);
            if (e.location) item.location = lsp_location(*e.location);
            item.module = std::move(e.module);
            item.resources = std::move(e.resources);
            item.anonymous = e.is_public;
        }
        return out;
    }

    json execute_command(const json& p) {
        const auto params = p.get<lsp::ExecuteCommandParams>();
        if (params.command == "magento-integration-ls.reindex") {
            start_indexing();
            return nullptr;
        }
        if (params.command == kNewIntegration) return new_integration(params.arguments);
        if (params.command == kShowRoutesCommand) return show_routes(params.arguments);
        throw RpcError(-32602, fmt::format("Unknown command '{}'", params.command));
    }

    // ---- conversion at the protocol edge -----------------------------------------------

    Offset offset_of(const std::string& path, const lsp::Position& pos) {
        const LineCol lc{pos.line, pos.character};
        if (const Draft* d = engine_.draft(path))
            return d->lines().to_offset(d->text(), lc, encoding_);
        const FileEntry* f = engine_.entry(path);
        if (!f)
            throw RpcError(-32602, fmt::format("Document '{}' is not open and not indexed", path));
        return f->lines().to_offset(*f->text, lc, encoding_);
    }

    lsp::Position lsp_position(const std::string& path, Offset o) {
        const LineCol lc = line_col(path, o);
        return {lc.line, lc.col};
    }

    lsp::Range lsp_range(const std::string& path, Range r) {
        return {lsp_position(path, r.begin), lsp_position(path, r.end)};
    }

    lsp::Location lsp_location(const Location& l) {
        return {uri_for(l.path), lsp_range(l.path, l.range)};
    }

    LineCol line_col(const std::string& path, Offset o) {
        if (const Draft* d = engine_.draft(path))
            return d->lines().to_line_col(d->text(), o, encoding_);
        if (const FileEntry* f = engine_.entry(path))
            return f->lines().to_line_col(*f->text, o, encoding_);
        return {};
    }

    lsp::TextEdit lsp_edit(const std::string& path, const TextEdit& e) {
        return {lsp_range(path, e.range), e.new_text};
    }

    std::string uri_for(const std::string& path) {
        auto it = uris_.find(path);
        return it != uris_.end() ? it->second : path_to_uri(path);
    }

    Endpoint& ep_;
    ServerOptions options_;
    Engine engine_;
    std::map<std::string, std::string> uris_; // path -> the URI the client used
    std::vector<std::string> folders_;
    SettingsFile editor_settings_;
    std::map<std::string, LoadedSettings> settings_files_; // path -> as read
    SettingsFileFinder nearest_settings_;                  // folder -> its settings file or ""
    std::map<std::string, EffectiveSettings> effective_;   // settings file or "" -> settings
    std::set<std::string> settings_published_; // settings files whose problems were sent
    Encoding encoding_ = Encoding::Utf16;
    bool progress_ = false, dynamic_watch_ = false, pull_diagnostics_ = false,
         configuration_ = false;
    bool related_info_ = false, hierarchical_symbols_ = false;
    bool lens_refresh_ = false;  // the client takes workspace/codeLens/refresh
    bool resolve_docs_ = false;  // completion documentation through completionItem/resolve
    bool resolve_edits_ = false; // completion additionalTextEdits through completionItem/resolve
    bool item_defaults_range_ = false; // completionList.itemDefaults has "editRange"
    struct Resolvable {
        // Markdown; empty when sent in the list. With a source other than Text, what follows
        // the part the engine makes then from `label`.
        std::string documentation;
        DocumentationSource source = DocumentationSource::Text;
        std::string label; // with a source other than Text
        // The item's own additional edits, and its chain (1 + index in
        // completion_shared_.shared; 0: none), when left to resolve.
        std::vector<lsp::TextEdit> own_edits;
        std::uint32_t shared = 0;
        bool has_edits = false;
        // The chain whose note follows the documentation (as CompletionItem::shared).
        std::uint32_t note = 0;
    };
    std::vector<Resolvable> completion_resolve_;
    // The shared chains of the last list (only `shared` is kept) and the insert points'
    // ranges, for resolve.
    CompletionResult completion_shared_;
    std::vector<std::pair<Offset, lsp::Range>> completion_at_;
    static constexpr std::size_t kMaxDiagnosticsPerDocument = 1000;
    // Closing a document at least this large gives the heap's free memory back (trim_heap).
    static constexpr std::size_t kTrimAfterBytes = 1u << 20;
    // Bytes of documentation and additional edits sent inline in one completion list.
    static constexpr std::size_t kCompletionInlineBudget = 2u << 20;
    std::uint64_t completion_generation_ = 0;
    bool create_files_ = false; // applyEdit with documentChanges and CreateFile
    bool ready_ = false;
    bool shutting_down_ = false;
    unsigned index_generation_ = 0;
    std::thread index_thread_;
    // Started at `initialize`: the index thread with its heap set up and the catalogue loaded.
    std::unique_ptr<lsp_server_detail::WarmThread> warm_index_;
    std::vector<std::unique_ptr<lsp_server_detail::WarmThread>> warm_workers_;
    std::shared_ptr<IndexJob> job_;
    // The cancel flag of each document's diagnostics being made on the worker.
    std::map<std::string, std::shared_ptr<std::atomic<bool>>> diagnosing_;
    Worker worker_; // last: joined first, before what its work posts back to goes away
};

std::shared_ptr<LspServer> install_lsp_server(Endpoint& endpoint, ServerOptions options) {
    auto server = std::make_shared<LspServer>(endpoint, options);
    server->install();
    return server;
}

} // namespace mil
