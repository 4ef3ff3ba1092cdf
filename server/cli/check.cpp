// `magento-integration-ls check`: the participants of the language server, run headless over
// trees, modules or files, with output for people and for CI.
#include "cli/check_output.hpp"
#include "cli/cli.hpp"
#include "cli/config_file.hpp"
#include "mil/ide/engine.hpp"
#include "mil/version.hpp"
#include "platform/fileio.hpp"
#include "platform/log.hpp"
#include "platform/os.hpp"
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
  --root DIR        print paths relative to DIR (default: the checked PATH, or the current
                    directory when several are given)
  --config FILE     settings file (default: .magento-integration-ls.json in the root)
  --max-file-size BYTES
                    files larger than this are not read and get a file-too-large
                    warning (default: 8388608, 8 MiB)
  --quiet           print findings only: no summary, progress or indexing warnings
  --help            print this help and exit

Exit status: 0 no findings at or above --fail-on, 1 there are, 2 usage or I/O error.
Columns count UTF-16 code units. See docs/check.md.
)";

constexpr const char* kProg = "magento-integration-ls";

struct CheckOptions {
    std::vector<std::string> paths;
    CheckFormat format = CheckFormat::Text;
    std::optional<std::string> output;
    std::optional<Severity> fail_on = Severity::Error; // nullopt: never
    std::optional<std::string> root;
    std::optional<std::string> config;
    bool quiet = false;
    bool help = false;
    std::size_t max_file_bytes = kDefaultMaxFileBytes;
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
    return is_regular_file(join_path(dir, "etc/module.xml")) ||
           is_regular_file(join_path(dir, "src/etc/module.xml"));
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
        log::set_output(nullptr); // the indexer's log lines would repeat our warnings
        resolve_targets();
        choose_root();
        load_config();
        CheckReport report;
        ProgressLine progress(!o_.quiet && is_terminal(stderr));
        for (auto& [key, group] : groups_)
            check_group(group, report, progress);
        progress.clear();
        for (const auto& w : warnings_)
            warn(w);
        if (report.files_checked == 0 && read_failures_ > 0)
            throw Fatal{"nothing could be read: no file of the given paths was checked"};

        sort_findings(report.findings);
        make_fingerprints(report.findings);
        write_report(report);
        if (!o_.quiet) std::fprintf(stderr, "%s\n", summary_line(report).c_str());

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
        for (const auto& p : o_.paths) {
            Target t;
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

    void load_config() {
        std::string path;
        if (o_.config) {
            path = *o_.config;
        } else {
            path = join_path(root_, kCheckConfigName);
            if (!path_exists_no_follow(path)) return;
        }
        std::string error;
        auto config = load_check_config(path, &error);
        if (!config) throw Fatal{"bad settings file: " + error};
        config_ = std::move(*config);
        for (const auto& w : config_.warnings)
            warn(w);
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

        Engine engine(result.snapshot);
        engine.settings().severity = config_.severity;

        // Single files the index does not read (another PHP file, a file of a module it did
        // not find) are read on their own.
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

        for (const auto& [key, entry] : engine.snapshot().files) {
            const std::string& path = entry->path;
            if (!covered(group, path)) continue;
            std::string rel = relative(path);
            if (is_excluded(config_.exclude, rel)) continue;
            if (!checked_.insert(path).second) continue;
            ++report.files_checked;
            for (const auto& d : engine.diagnose(path))
                report.findings.push_back(finding(engine, *entry, rel, d));
        }
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

    void write_report(const CheckReport& report) {
        bool color = false;
        if (o_.format == CheckFormat::Text && !o_.output)
            color = is_terminal(stdout) && std::getenv("NO_COLOR") == nullptr;
        std::string out = format_report(report, o_.format, {color});
        if (!o_.output) {
            if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() ||
                std::fflush(stdout) != 0)
                throw Fatal{"cannot write the report to standard output"};
            return;
        }
        std::FILE* file = std::fopen(o_.output->c_str(), "wb");
        if (!file) throw Fatal{fmt::format("cannot open '{}' for writing", *o_.output)};
        bool ok = std::fwrite(out.data(), 1, out.size(), file) == out.size();
        ok = std::fclose(file) == 0 && ok;
        if (!ok) throw Fatal{fmt::format("cannot write the report to '{}'", *o_.output)};
    }

    CheckOptions o_;
    std::map<std::string, Group> groups_;
    std::string root_;
    CheckConfig config_;
    std::set<std::string> warnings_;
    std::set<std::string> checked_;
    std::size_t read_failures_ = 0;
};

} // namespace

int run_check(const std::vector<std::string>& args) {
    try {
        CheckOptions options = parse_options(args);
        if (options.help) {
            std::fputs(kCheckUsage, stdout);
            return 0;
        }
        return Checker(std::move(options)).run();
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
