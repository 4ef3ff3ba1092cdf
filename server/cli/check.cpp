// `magento-integration-ls check`: the participants of the language server, run headless over
// trees, modules or files, with output for people and for CI.
#include "cli/baseline.hpp"
#include "cli/check_output.hpp"
#include "cli/cli.hpp"
#include "cli/config_file.hpp"
#include "mil/base/diff.hpp"
#include "mil/base/encoding.hpp"
#include "mil/ide/engine.hpp"
#include "mil/version.hpp"
#include "platform/fileio.hpp"
#include "platform/log.hpp"
#include "platform/os.hpp"
#include "platform/safe_write.hpp"
#include "platform/trace_file.hpp"
#include "workspace/indexer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

namespace mil {

namespace {

const char* kCheckUsage = R"(Usage: magento-integration-ls check [options] [PATH...]

Checks Magento integration configuration (integration.xml, legacy integration/config.xml and
api.xml, acl.xml, module.xml, registration.php, composer.json, webapi.xml, menu.xml,
system.xml) with the rules of the language server. A PATH is a Magento tree, a module
folder (standalone modules are checked against the bundled ACL catalogue) or single files;
the default is the current directory. The whole Magento tree around a PATH is indexed, and
the files inside the PATHs are reported.

Options:
  --format FORMAT   text (default), json, sarif, github, checkstyle or gitlab
  --output FILE     write the report to FILE instead of stdout
  --fail-on LEVEL   exit 1 when a finding is at or above LEVEL: error (default), warning,
                    info, hint, or never
  --root DIR        the root, that JSON and SARIF paths are relative to and where the
                    baseline is looked for (default: the checked PATH, or the current
                    directory when several are given); the other formats show paths
                    relative to the current directory
  --config FILE     settings file for every checked file, its excludes relative to the root
                    (default: for each file the nearest .magento-integration-ls.json in its
                    folder or above, as the editor finds it)
  --max-file-size BYTES
                    files larger than this are not read and get a file-too-large
                    warning (default: 8388608, 8 MiB)
  --quiet           print findings only: no summary, progress or indexing warnings
  --color[=WHEN]    colour in text output: auto (default: on a terminal, unless NO_COLOR is
                    set), always or never; --no-color is never
  --baseline FILE   do not report the findings FILE lists (made by --generate-baseline);
                    default: .magento-integration-ls-baseline.json in the root when present.
                    Entries that match no finding any more are listed as warnings
  --no-baseline     report every finding, even with a baseline file at the root
  --generate-baseline[=FILE]
                    write the current findings to FILE (default: the root's
                    .magento-integration-ls-baseline.json) and exit 0
  --exclude GLOB    leave out the files GLOB matches, relative to the root (`*`, `?` within a
                    segment, `**` across segments; a folder excludes what is below it);
                    repeatable, added to the settings file's "exclude"
  --fix             apply the quick fixes that cannot change meaning (missing parents, the
                    <sequence> entry, composer.json fields, case-only id fixes with one
                    candidate), then report what is left; files are replaced atomically, and a
                    file that changed since it was read is left alone
  --fix-dry-run     print those fixes as a unified diff instead of applying them
  --fix-suggestions with --fix or --fix-dry-run: also apply guesses (the closest id)
  --stdin-filename PATH
                    with the PATH `-`: check the text on standard input as the file PATH
                    (an editor's unsaved buffer), in the tree around PATH
  --trace FILE      write a trace of the run to FILE (Chrome trace event format, for
                    ui.perfetto.dev): discovery, each module's read and parse, the merge
  --list-rules      print every rule (code, default severity, title) and exit
  --help            print this help and exit

Exit status: 0 no findings at or above --fail-on, 1 there are, 2 usage or I/O error.
Columns count UTF-16 code units. See docs/check.md; each rule: docs/rules.md, or
`magento-integration-ls explain CODE`.
)";

constexpr const char* kProg = "magento-integration-ls";
constexpr std::size_t kMaxBaselineBytes = 64u << 20; // a baseline of ~200,000 findings

struct CheckOptions {
    std::vector<std::string> paths;
    CheckFormat format = CheckFormat::Text;
    std::optional<std::string> output;
    std::optional<Severity> fail_on = Severity::Error; // nullopt: never
    std::optional<std::string> root;
    std::optional<std::string> config;
    bool quiet = false;
    bool help = false;
    bool list_rules = false;
    std::optional<std::string> stdin_filename; // `check -`: where the text read from stdin is
    enum class Fix { None, Apply, DryRun } fix = Fix::None;
    bool fix_suggestions = false;                 // --fix-suggestions: also the closest-id guesses
    std::vector<std::string> exclude;             // --exclude GLOB, added to the settings file's
    std::optional<std::string> baseline;          // --baseline FILE
    bool no_baseline = false;                     // --no-baseline
    std::optional<std::string> generate_baseline; // --generate-baseline[=FILE]; "" default
    enum class Color { Auto, Always, Never } color = Color::Auto;
    std::size_t max_file_bytes = kDefaultMaxFileBytes;
    std::string trace; // --trace FILE
};

// Thrown for usage and I/O errors: the message goes to stderr, the exit code is 2.
struct Fatal {
    std::string message;
    bool show_usage = false;
};

CheckOptions parse_options(const std::vector<std::string>& args) {
    CheckOptions o;
    bool only_paths = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (only_paths || a.empty() || a[0] != '-' || a == "-") {
            o.paths.push_back(a);
            continue;
        }
        if (a == "--") {
            only_paths = true;
            continue;
        }
        std::string name = a;
        std::optional<std::string> inline_value;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
        }
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw Fatal{name + " needs a value", true};
            return args[++i];
        };
        auto no_value = [&] {
            if (inline_value) throw Fatal{name + " takes no value", true};
        };
        if (name == "--help" || name == "-h") {
            no_value();
            o.help = true;
        } else if (name == "--baseline") {
            o.baseline = value();
            if (o.baseline->empty()) throw Fatal{"--baseline needs a file name", true};
        } else if (name == "--no-baseline") {
            no_value();
            o.no_baseline = true;
        } else if (name == "--generate-baseline") {
            // The file is optional, so it only comes as --generate-baseline=FILE.
            o.generate_baseline = inline_value ? *inline_value : std::string();
        } else if (name == "--exclude") {
            std::string v = value();
            if (v.empty()) throw Fatal{"--exclude needs a glob", true};
            o.exclude.push_back(std::move(v));
        } else if (name == "--fix") {
            no_value();
            o.fix = CheckOptions::Fix::Apply;
        } else if (name == "--fix-dry-run") {
            no_value();
            o.fix = CheckOptions::Fix::DryRun;
        } else if (name == "--fix-suggestions") {
            no_value();
            o.fix_suggestions = true;
        } else if (name == "--stdin-filename") {
            o.stdin_filename = value();
            if (o.stdin_filename->empty()) throw Fatal{"--stdin-filename needs a path", true};
        } else if (name == "--list-rules") {
            no_value();
            o.list_rules = true;
        } else if (name == "--color" || name == "--colour") {
            // --color alone means always (as in grep and ls); --color=WHEN picks.
            std::string v = inline_value ? *inline_value : "always";
            if (v == "auto")
                o.color = CheckOptions::Color::Auto;
            else if (v == "always")
                o.color = CheckOptions::Color::Always;
            else if (v == "never")
                o.color = CheckOptions::Color::Never;
            else
                throw Fatal{fmt::format("unknown --color '{}' (use auto, always or never)", v),
                            true};
        } else if (name == "--no-color") {
            no_value();
            o.color = CheckOptions::Color::Never;
        } else if (name == "--quiet" || name == "-q") {
            no_value();
            o.quiet = true;
        } else if (name == "--format" || name == "-f") {
            std::string v = value();
            auto f = parse_check_format(v);
            if (!f)
                throw Fatal{fmt::format("unknown format '{}' (use text, json, sarif, github, "
                                        "checkstyle or gitlab)",
                                        v),
                            true};
            o.format = *f;
        } else if (name == "--output" || name == "-o") {
            o.output = value();
            if (o.output->empty()) throw Fatal{"--output needs a file name", true};
        } else if (name == "--fail-on") {
            std::string v = value();
            if (v == "error")
                o.fail_on = Severity::Error;
            else if (v == "warning")
                o.fail_on = Severity::Warning;
            else if (v == "info")
                o.fail_on = Severity::Info;
            else if (v == "hint")
                o.fail_on = Severity::Hint;
            else if (v == "never")
                o.fail_on = std::nullopt;
            else
                throw Fatal{fmt::format("unknown --fail-on level '{}' (use error, warning, info, "
                                        "hint or never)",
                                        v),
                            true};
        } else if (name == "--root") {
            o.root = value();
            if (o.root->empty()) throw Fatal{"--root needs a directory", true};
        } else if (name == "--config") {
            o.config = value();
            if (o.config->empty()) throw Fatal{"--config needs a file name", true};
        } else if (name == "--max-file-size") {
            std::string v = value();
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n == 0)
                throw Fatal{fmt::format("--max-file-size needs a positive number of bytes, not "
                                        "'{}'",
                                        v),
                            true};
            o.max_file_bytes = n;
        } else if (name == "--trace") {
            o.trace = value();
            if (o.trace.empty()) throw Fatal{"--trace needs a file name", true};
        } else {
            throw Fatal{fmt::format("unknown option '{}'", a), true};
        }
    }
    return o;
}

// One PATH of the command line, resolved.
struct Target {
    std::string path; // absolute, normalised
    bool is_file = false;
    std::string index_folder; // the folder whose discovery covers it
};

// Targets that share a Magento root (or, outside a root, an index folder) are indexed once.
struct Group {
    std::optional<std::string> root;
    std::vector<Target> targets;
};

bool has_module_xml(const std::string& dir) {
    for (const char* marker :
         {"etc/module.xml", "src/etc/module.xml", "registration.php", "src/registration.php"})
        if (is_regular_file(join_path(dir, marker))) return true;
    return false;
}

class ProgressLine {
public:
    explicit ProgressLine(bool enabled) : enabled_(enabled) {}
    ~ProgressLine() { clear(); }

    void show(const std::string& text) {
        if (!enabled_) return;
        std::lock_guard<std::mutex> lock(mutex_);
        std::fprintf(stderr, "\r\x1b[K%s", text.c_str());
        std::fflush(stderr);
        shown_ = true;
    }
    void clear() {
        if (!enabled_) return;
        std::lock_guard<std::mutex> lock(mutex_);
        if (shown_) std::fprintf(stderr, "\r\x1b[K");
        std::fflush(stderr);
        shown_ = false;
    }
    bool enabled() const { return enabled_; }

private:
    bool enabled_;
    bool shown_ = false;
    std::mutex mutex_;
};

class Checker {
public:
    explicit Checker(CheckOptions options) : o_(std::move(options)) {}

    int run() {
        cwd_ = absolute_path("."); // once: every shown path is relative to it
        log::set_output(nullptr);  // the indexer's log lines would repeat our warnings
        resolve_targets();
        choose_root();
        settings_.emplace(
            o_.config, root_, [this](const std::string& path) { return shown_path(path); },
            [this](const std::string& w) { warn(w); });
        stop_on_bad_settings();
        CheckReport report;
        ProgressLine progress(!o_.quiet && is_terminal(stderr));
        for (auto& [key, group] : groups_)
            check_group(group, report, progress);
        progress.clear();
        for (const auto& w : warnings_)
            warn(w);
        if (report.files_checked == 0 && read_failures_ > 0)
            throw Fatal{"nothing could be read: no file of the given paths was checked"};
        // A run that checked nothing must not pass a CI job.
        if (report.files_checked == 0 && excluded_ > 0)
            throw Fatal{"nothing was checked: the excludes (the settings file's and --exclude) "
                        "leave out every file of the given paths"};
        if (report.files_checked == 0)
            throw Fatal{"nothing was checked: the given paths hold no Magento module (a folder "
                        "with etc/module.xml or registration.php, or a Composer package of "
                        "type magento2-module) and no file the checker reads"};

        sort_findings(report.findings);
        make_fingerprints(report.findings);
        if (o_.generate_baseline) {
            std::string file = o_.generate_baseline->empty() ? join_path(root_, kBaselineName)
                                                             : *o_.generate_baseline;
            write_output_file(file, baseline_text(report.findings));
            if (!o_.quiet)
                std::fprintf(stderr, "%s: wrote %zu finding%s to the baseline %s\n", kProg,
                             report.findings.size(), report.findings.size() == 1 ? "" : "s",
                             file.c_str());
            return 0;
        }
        std::size_t suppressed = apply_baseline_file(report);
        if (o_.fix == CheckOptions::Fix::DryRun) {
            write_output(fix_diff_);
            if (!o_.quiet)
                std::fprintf(stderr, "%s: %zu fix%s in %zu file%s would be applied\n", kProg,
                             fixes_applied_, fixes_applied_ == 1 ? "" : "es", files_fixed_,
                             files_fixed_ == 1 ? "" : "s");
        } else {
            if (o_.fix == CheckOptions::Fix::Apply && !o_.quiet)
                std::fprintf(stderr, "%s: applied %zu fix%s in %zu file%s\n", kProg, fixes_applied_,
                             fixes_applied_ == 1 ? "" : "es", files_fixed_,
                             files_fixed_ == 1 ? "" : "s");
            write_report(report);
        }
        if (!o_.quiet) {
            std::string summary = summary_line(report);
            if (suppressed) summary += fmt::format(" ({} in the baseline not shown)", suppressed);
            std::fprintf(stderr, "%s\n", summary.c_str());
        }
        if (!unreadable_.empty()) {
            for (const auto& path : unreadable_)
                std::fprintf(stderr, "%s check: cannot read '%s': it was not checked\n", kProg,
                             path.c_str());
            return 2;
        }

        if (!o_.fail_on) return 0;
        for (const auto& f : report.findings)
            if (static_cast<int>(f.severity) <= static_cast<int>(*o_.fail_on)) return 1;
        return 0;
    }

private:
    void warn(const std::string& message) {
        if (!o_.quiet) std::fprintf(stderr, "%s: warning: %s\n", kProg, message.c_str());
    }

    void resolve_targets() {
        if (o_.paths.empty()) o_.paths.push_back(".");
        const bool from_stdin = std::count(o_.paths.begin(), o_.paths.end(), "-") > 0;
        if (from_stdin && (o_.paths.size() != 1 || !o_.stdin_filename))
            throw Fatal{"'-' (standard input) needs --stdin-filename PATH and no other PATH", true};
        if (from_stdin && o_.fix == CheckOptions::Fix::Apply)
            throw Fatal{"--fix cannot write to standard input; use --fix-dry-run for a diff", true};
        if (!from_stdin && o_.stdin_filename)
            throw Fatal{"--stdin-filename goes with the PATH '-'", true};
        for (const auto& p : o_.paths) {
            Target t;
            if (from_stdin) {
                // The text stands for the file at --stdin-filename, which need not exist.
                t.path = absolute_path(*o_.stdin_filename);
                t.is_file = true;
                std::string dir = module_dir_of(t.path, classify_path(t.path));
                t.index_folder = dir.empty() ? parent_path(t.path) : normalize_path(dir);
                stdin_text_ = read_stdin();
                auto root = find_magento_root(t.index_folder);
                Group& g = groups_[root ? *root : t.index_folder];
                g.root = root;
                g.targets.push_back(std::move(t));
                continue;
            }
            t.path = absolute_path(p);
            if (is_directory(t.path)) {
                std::string err;
                if (!list_directory(t.path, &err))
                    throw Fatal{fmt::format("cannot read the folder '{}': {}", p, err)};
                t.index_folder = t.path;
            } else if (is_regular_file(t.path)) {
                t.is_file = true;
                std::string dir = module_dir_of(t.path, classify_path(t.path));
                t.index_folder = dir.empty() ? parent_path(t.path) : normalize_path(dir);
            } else if (path_exists_no_follow(t.path)) {
                throw Fatal{fmt::format("'{}' is neither a folder nor a regular file (or is a "
                                        "broken symbolic link)",
                                        p)};
            } else {
                throw Fatal{fmt::format("'{}': no such file or folder", p)};
            }
            auto root = find_magento_root(t.index_folder);
            std::string key = root ? *root : t.index_folder;
            Group& g = groups_[key];
            g.root = root;
            g.targets.push_back(std::move(t));
        }
    }

    void choose_root() {
        if (o_.root) {
            root_ = absolute_path(*o_.root);
            if (!is_directory(root_))
                throw Fatal{fmt::format("--root '{}' is not a folder", *o_.root)};
            return;
        }
        if (o_.paths.size() == 1) {
            const Group& g = groups_.begin()->second;
            const Target& t = g.targets.front();
            if (!t.is_file)
                root_ = t.path;
            else if (g.root)
                root_ = *g.root;
            else
                root_ = t.index_folder;
            return;
        }
        root_ = absolute_path(".");
    }

    // A settings file with a mistake stops the check (exit 2) before anything is reported,
    // with every problem of it, as the editor shows them on the file.
    void stop_on_bad_settings() const {
        const auto& bad = settings_->bad_files();
        if (bad.empty()) return;
        for (const auto& file : bad)
            for (const auto& problem : file.problems)
                std::fprintf(stderr, "%s\n", problem.c_str());
        std::string names;
        for (const auto& file : bad)
            names += (names.empty() ? "" : ", ") + file.name;
        throw Fatal{fmt::format("bad settings file{}: {} (the problems are listed above); nothing "
                                "was checked",
                                bad.size() == 1 ? "" : "s", names)};
    }

    // Whether a file is left out: by the excludes of its settings file (relative to that
    // file's folder) or by --exclude (relative to the root).
    bool excluded(const std::string& path) const {
        return settings_->excluded(path) || is_excluded(o_.exclude, relative(path));
    }

    std::string relative(const std::string& path) const { return relative_path(path, root_); }

    void check_group(Group& group, CheckReport& report, ProgressLine& progress) {
        IndexOptions io;
        io.max_file_bytes = o_.max_file_bytes;
        if (progress.enabled())
            io.progress = [&progress](std::size_t done, std::size_t total) {
                progress.show(fmt::format("{}: reading modules {}/{}", kProg, done, total));
            };
        std::vector<std::string> folders;
        if (group.root) {
            folders.push_back(*group.root);
        } else {
            folders.push_back(group.targets.front().index_folder);
        }
        IndexResult result = index_folders(folders, io);
        if (group.root) {
            // Modules the root's discovery does not find (a module folder outside app/code
            // and vendor) are discovered from their own folder.
            std::vector<std::string> extra;
            for (const auto& t : group.targets) {
                bool is_module = t.is_file ? t.index_folder != parent_path(t.path) ||
                                                 has_module_xml(t.index_folder)
                                           : has_module_xml(t.index_folder);
                if (is_module && !result.snapshot->module_by_dir(t.index_folder) &&
                    std::find(extra.begin(), extra.end(), t.index_folder) == extra.end())
                    extra.push_back(t.index_folder);
            }
            if (!extra.empty()) {
                folders.insert(folders.end(), extra.begin(), extra.end());
                result = index_folders(folders, io);
            }
        }
        progress.clear();
        for (const auto& w : result.warnings) {
            std::string text = w.message.rfind(w.path + ":", 0) == 0
                                   ? w.message
                                   : fmt::format("{}: {}", w.path, w.message);
            warnings_.insert(text);
        }
        if (result.files == 0 && !result.warnings.empty()) ++read_failures_;
        // A file under a checked path that could not be read was not checked: exit 2, even
        // with --quiet, never "no problems".
        for (const auto& path : result.unreadable)
            if (covered(group, path)) unreadable_.insert(relative(path));

        Engine engine(result.snapshot);
        // Each file with the settings of its own settings file, as the language server does.
        engine.set_settings_lookup(
            [this](const std::string& path) { return &settings_->of(path).settings; });

        // Single files the index does not read (another PHP file, a file of a module it did
        // not find) are read on their own.
        if (stdin_text_)
            for (const auto& t : group.targets)
                if (t.is_file) engine.open(t.path, *stdin_text_);
        for (const auto& t : group.targets) {
            if (!t.is_file || engine.entry(t.path)) continue;
            if (classify_path(t.path) == FileKind::Unknown) {
                warnings_.insert(
                    fmt::format("{}: not a file the checker reads; skipped", relative(t.path)));
                continue;
            }
            std::string err;
            std::uint64_t oversize = 0;
            auto text = read_file(t.path, o_.max_file_bytes, &err, &oversize);
            if (oversize)
                engine.open_oversized(t.path, {oversize, o_.max_file_bytes});
            else if (!text)
                throw Fatal{fmt::format("cannot read '{}': {}", relative(t.path), err)};
            else if (auto utf8 = decode_utf16_file(*text))
                engine.open(t.path, std::move(*utf8));
            else
                engine.open(t.path, std::move(*text));
        }

        if (engine.snapshot().files.empty() && result.warnings.empty())
            for (const auto& t : group.targets)
                if (!t.is_file)
                    warnings_.insert(fmt::format(
                        "{}: no Magento module found (no etc/module.xml, registration.php or "
                        "Composer package)",
                        relative(t.path) == "." ? t.path : relative(t.path)));

        // The settings files of every checked file are read before anything is fixed or
        // reported.
        for (const auto& [key, entry] : engine.snapshot().files)
            if (covered(group, entry->path)) settings_->of(entry->path);
        stop_on_bad_settings();

        if (o_.fix != CheckOptions::Fix::None) apply_fixes(group, engine);

        for (const auto& [key, entry] : engine.snapshot().files) {
            const std::string& path = entry->path;
            if (!covered(group, path)) continue;
            std::string rel = relative(path);
            if (excluded(path)) {
                ++excluded_;
                continue;
            }
            if (!checked_.insert(path).second) continue;
            ++report.files_checked;
            for (const auto& d : engine.diagnose(path))
                report.findings.push_back(finding(engine, *entry, rel, d));
        }
    }

    std::string read_stdin() {
        std::string text;
        char buf[65536];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
            text.append(buf, n);
            if (text.size() > o_.max_file_bytes)
                throw Fatal{fmt::format("standard input is larger than --max-file-size ({} bytes)",
                                        o_.max_file_bytes)};
        }
        if (std::ferror(stdin)) throw Fatal{"cannot read standard input"};
        return text;
    }

    // Whether `check --fix` may edit this file: one of the checked files, not excluded.
    bool fixable(const Group& group, const std::string& path) const {
        return covered(group, path) && !excluded(path);
    }

    // The first fix of the file's diagnostics that --fix may apply, in diagnostic order.
    const Fix* usable_fix(const Group& group, const std::vector<Diagnostic>& diags) const {
        for (const Diagnostic& d : diags)
            for (const Fix& f : d.fixes) {
                if (!(f.safe || (o_.fix_suggestions && f.preferred)) || f.changes.empty()) continue;
                bool inside =
                    std::all_of(f.changes.begin(), f.changes.end(),
                                [&](const FileEdit& e) { return fixable(group, e.path); });
                if (inside) return &f;
            }
        return nullptr;
    }

    // `text` with `edits` applied, or nullopt when they overlap or fall outside it.
    static std::optional<std::string> apply_edits(const std::string& text,
                                                  std::vector<TextEdit> edits) {
        std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
            return a.range.begin > b.range.begin;
        });
        std::string out = text;
        Offset limit = static_cast<Offset>(text.size());
        for (const TextEdit& e : edits) {
            if (e.range.begin > e.range.end || e.range.end > limit) return std::nullopt;
            out.replace(e.range.begin, e.range.end - e.range.begin, e.new_text);
            limit = e.range.begin;
        }
        return out;
    }

    // check --fix / --fix-dry-run: applies one usable fix per file and pass, diagnosing the
    // changed files again each pass (the engine lays the new texts over the index), until no
    // file has one; then writes (or diffs) every changed file.
    void apply_fixes(const Group& group, Engine& engine) {
        std::vector<std::string> todo;
        for (const auto& [key, entry] : engine.snapshot().files)
            if (fixable(group, entry->path)) todo.push_back(entry->path);
        std::map<std::string, std::string> original; // text as read, of each file changed
        std::map<std::string, std::size_t> fixes_in;
        constexpr std::size_t kMaxFixesPerFile = 1000; // a fix that keeps coming back stops
        while (!todo.empty()) {
            std::set<std::string> next;
            for (const std::string& path : todo) {
                if (fixes_in[path] >= kMaxFixesPerFile) continue;
                const std::vector<Diagnostic> diags = engine.diagnose(path);
                const Fix* fix = usable_fix(group, diags);
                if (!fix) continue;
                std::vector<std::pair<std::string, std::string>> results;
                for (const FileEdit& fe : fix->changes) {
                    const FileEntry* e = engine.entry(fe.path);
                    if (!e || !e->text) break;
                    auto after = apply_edits(*e->text, fe.edits);
                    if (!after || *after == *e->text) break;
                    results.emplace_back(fe.path, std::move(*after));
                }
                if (results.size() != fix->changes.size()) {
                    fixes_in[path] = kMaxFixesPerFile; // its first fix cannot be applied
                    continue;
                }
                for (auto& [file, after] : results) {
                    original.emplace(file, *engine.entry(file)->text);
                    engine.open(file, std::move(after));
                    next.insert(file);
                }
                ++fixes_in[path];
                ++fixes_applied_;
            }
            todo.assign(next.begin(), next.end());
        }
        for (const auto& [path, before] : original) {
            const std::string after = *engine.entry(path)->text;
            if (after == before) continue;
            if (o_.fix == CheckOptions::Fix::DryRun) {
                std::string name = shown_path(path);
                fix_diff_ += unified_diff(before, after, "a/" + name, "b/" + name);
                ++files_fixed_;
                continue;
            }
            std::string err;
            auto now = read_file(path, o_.max_file_bytes, &err);
            // A UTF-16 file was read decoded (decode_utf16_file) and is written back in its
            // own encoding.
            const TextEncoding encoding = now ? detect_bom_encoding(*now) : TextEncoding::Utf8;
            if (encoding != TextEncoding::Utf8) now = decode_utf16_file(*now);
            if (!now || *now != before) {
                warnings_.insert(
                    fmt::format("{}: changed since it was read; not fixed", relative(path)));
                engine.open(path, before);
                continue;
            }
            const std::string bytes =
                encoding == TextEncoding::Utf8 ? after : encode_utf16_file(after, encoding);
            if (!write_file_replacing(
                    path, bytes, [](const std::string&) { return false; }, &err)) {
                warnings_.insert(fmt::format("not fixed: {}", err));
                engine.open(path, before);
                continue;
            }
            ++files_fixed_;
        }
    }

    // A path as the text, GitHub, checkstyle and GitLab formats show it (and the fix diff):
    // relative to the current folder when inside it, absolute otherwise.
    std::string shown_path(const std::string& abs) const {
        return path_is_within(abs, cwd_) ? relative_path(abs, cwd_) : abs;
    }

    static bool covered(const Group& group, const std::string& path) {
        for (const auto& t : group.targets)
            if (t.is_file ? path == t.path : path_is_within(path, t.path)) return true;
        return false;
    }

    static CheckSpan span_of(const FileEntry& e, Range r) {
        const std::string& text = *e.text;
        Offset size = static_cast<Offset>(text.size());
        Offset b = std::min(r.begin, size), en = std::min(std::max(r.end, b), size);
        LineCol s = e.lines().to_line_col(text, b, Encoding::Utf16);
        LineCol t = e.lines().to_line_col(text, en, Encoding::Utf16);
        return {s.line + 1, s.col + 1, t.line + 1, t.col + 1};
    }

    CheckFinding finding(const Engine& engine, const FileEntry& e, const std::string& rel,
                         const Diagnostic& d) const {
        CheckFinding f;
        f.path = rel;
        f.span = span_of(e, d.range);
        f.severity = d.severity;
        f.code = d.code;
        f.message = d.message;
        const std::string& text = *e.text;
        Offset b = std::min<Offset>(d.range.begin, static_cast<Offset>(text.size()));
        Offset en = std::min<Offset>(std::max(d.range.end, b), static_cast<Offset>(text.size()));
        if (en > b) {
            f.flagged = text.substr(b, en - b);
        } else {
            LineCol lc = e.lines().to_line_col(text, b, Encoding::Utf8);
            Offset ls = e.lines().line_start(lc.line);
            Offset le = e.lines().line_end(text, lc.line);
            std::string line = text.substr(ls, le > ls ? le - ls : 0);
            auto first = line.find_first_not_of(" \t");
            auto last = line.find_last_not_of(" \t");
            f.flagged = first == std::string::npos ? "" : line.substr(first, last - first + 1);
        }
        for (const auto& r : d.related) {
            if (r.location.path.empty()) continue; // not a file (the bundled catalogue)
            CheckRelated cr;
            cr.path = relative(r.location.path);
            cr.message = r.message;
            if (const FileEntry* re = engine.entry(r.location.path))
                cr.span = span_of(*re, r.location.range);
            f.related.push_back(std::move(cr));
        }
        return f;
    }

    // Reads the baseline (--baseline, or the root's file when present) and takes the findings
    // it lists out of the report; returns how many. Entries that no longer match are warned.
    std::size_t apply_baseline_file(CheckReport& report) {
        if (o_.no_baseline) return 0;
        std::string file;
        if (o_.baseline) {
            file = *o_.baseline;
        } else {
            file = join_path(root_, kBaselineName);
            if (!path_exists_no_follow(file)) return 0;
        }
        std::string error;
        auto text = read_file(file, kMaxBaselineBytes, &error);
        if (!text) throw Fatal{fmt::format("cannot read the baseline: {}", error)};
        auto baseline = parse_baseline(*text, &error);
        if (!baseline) throw Fatal{fmt::format("bad baseline '{}': {}", file, error)};
        BaselineOutcome outcome = apply_baseline(*baseline, report.findings);
        if (!outcome.unmatched.empty()) {
            warn(fmt::format("{} baseline entr{} of {} match no finding any more (fixed? "
                             "regenerate it with --generate-baseline):",
                             outcome.unmatched.size(), outcome.unmatched.size() == 1 ? "y" : "ies",
                             file));
            constexpr std::size_t kShown = 20;
            for (std::size_t i = 0; i < outcome.unmatched.size() && i < kShown; ++i) {
                const BaselineEntry& e = outcome.unmatched[i];
                if (!o_.quiet)
                    std::fprintf(stderr, "  %s: %s %s\n", e.path.c_str(), e.code.c_str(),
                                 e.message.c_str());
            }
            if (outcome.unmatched.size() > kShown && !o_.quiet)
                std::fprintf(stderr, "  and %zu more\n", outcome.unmatched.size() - kShown);
        }
        return outcome.suppressed;
    }

    // A file check writes (the baseline): as safely as the report (see write_output).
    void write_output_file(const std::string& path, const std::string& out) {
        const std::string target = absolute_path(path);
        std::string error;
        if (checked_.count(target))
            throw Fatal{fmt::format("'{}' is one of the checked files; not overwritten", path)};
        if (!write_file_replacing(
                target, out, [&](const std::string& existing) { return is_checked_file(existing); },
                &error))
            throw Fatal{fmt::format("cannot write '{}': {}", path, error)};
    }

    void write_report(const CheckReport& report) {
        // Colour only in text output: --color=always forces it (also into a file), never and
        // NO_COLOR (https://no-color.org, any non-empty value) turn it off, auto follows the
        // terminal.
        bool color = false;
        if (o_.format == CheckFormat::Text) {
            const char* no_color = std::getenv("NO_COLOR");
            if (o_.color == CheckOptions::Color::Always)
                color = true;
            else if (o_.color == CheckOptions::Color::Auto && !o_.output)
                color = is_terminal(stdout) && !(no_color && *no_color);
        }
        // Paths as ESLint and phpcs print them: relative to the current folder when the file is
        // inside it (clickable from where the command ran), absolute otherwise.
        FormatOptions format_options;
        format_options.color = color;
        format_options.show_path = [this](std::string_view rel) {
            return shown_path(rel.empty() ? root_ : join_path(root_, rel));
        };
        write_output(format_report(report, o_.format, format_options));
    }

    // The report (or the fix diff) to standard output or --output.
    void write_output(const std::string& out) {
        if (!o_.output) {
            if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() ||
                std::fflush(stdout) != 0)
                throw Fatal{"cannot write the report to standard output"};
            return;
        }
        // Through a temporary file renamed over it: never through a link, into a FIFO or
        // device, over a checked file (a pull request can plant any of those where the CI
        // recipe writes its report), nor half written.
        write_output_file(*o_.output, out);
    }

    // Whether a checked file is the file at `existing` (by another name: a hard link). Asked
    // only when the output exists already.
    bool is_checked_file(const std::string& existing) const {
        for (const auto& path : checked_)
            if (same_file(path, existing)) return true;
        return false;
    }

    CheckOptions o_;
    std::map<std::string, Group> groups_;
    std::string root_;
    std::string cwd_; // the current folder, absolute (shown_path)
    // mutable: the settings files are read when a file first asks for them.
    mutable std::optional<CheckSettings> settings_;
    std::set<std::string> warnings_;
    std::set<std::string> checked_;
    std::size_t read_failures_ = 0;
    std::optional<std::string> stdin_text_; // `check -`
    std::size_t fixes_applied_ = 0;         // --fix: fixes applied (or, dry run, that would be)
    std::size_t files_fixed_ = 0;
    std::string fix_diff_; // --fix-dry-run: the diff of every file
    std::size_t excluded_ = 0;
    std::set<std::string> unreadable_; // files under the checked paths that could not be read
};

} // namespace

int run_check(const std::vector<std::string>& args) {
    try {
        CheckOptions options = parse_options(args);
        if (options.help) {
            std::fputs(kCheckUsage, stdout);
            return 0;
        }
        if (options.list_rules) {
            print_rule_list();
            return 0;
        }
        if (options.trace.empty()) return Checker(std::move(options)).run();
        std::string error;
        if (!start_trace(options.trace, trace::Clock::now(), &error)) throw Fatal{error};
        int code;
        {
            trace::Span span("check");
            code = Checker(std::move(options)).run();
        }
        stop_trace();
        return code;
    } catch (const Fatal& f) {
        std::fprintf(stderr, "%s check: %s\n", kProg, f.message.c_str());
        if (f.show_usage) std::fprintf(stderr, "Run '%s check --help' for the options.\n", kProg);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s check: internal error: %s\n", kProg, e.what());
        return 2;
    }
}

} // namespace mil
