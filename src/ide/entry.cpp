// Entries of files: each participant of the file's kind reads its facts; failures reported.
#include "mil/ide/entry.hpp"

#include "mil/base/encoding.hpp"
#include "mil/ide/participant.hpp"

#include <atomic>
#include <exception>
#include <string>

namespace mil {

namespace {

std::atomic<ParticipantFailureSink> g_sink{nullptr};
std::atomic<std::size_t> g_failures{0};

// make_entry's entry, still open to change by its maker.
std::shared_ptr<FileEntry> build_entry(std::string path, std::shared_ptr<const std::string> text) {
    auto entry = std::make_shared<FileEntry>();
    entry->kind = classify_path(path);
    entry->module_dir = module_dir_of(path, entry->kind);
    entry->path = std::move(path);
    entry->text = text ? std::move(text) : std::make_shared<const std::string>();
    for (const Participant* p : participants()) {
        if (!p->serves(entry->kind)) continue;
        try {
            p->index(*entry, entry->facts);
        } catch (...) {
            // The facts stay partial; the file still counts.
            report_participant_failure(*p, entry->path);
        }
    }
    return entry;
}

} // namespace

void set_participant_failure_sink(ParticipantFailureSink sink) {
    g_sink.store(sink);
}

void report_participant_failure(const Participant& p, std::string_view path) {
    g_failures.fetch_add(1, std::memory_order_relaxed);
    ParticipantFailureSink sink = g_sink.load();
    if (!sink) return;
    std::string what = "unknown exception";
    try {
        throw;
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    sink(p.name(), path, what);
}

std::size_t participant_failures() {
    return g_failures.load(std::memory_order_relaxed);
}

std::shared_ptr<const FileEntry> make_entry(std::string path,
                                            std::shared_ptr<const std::string> text) {
    return build_entry(std::move(path), std::move(text));
}

std::shared_ptr<const FileEntry> make_entry(std::string path, std::string text) {
    return make_entry(std::move(path), std::make_shared<const std::string>(std::move(text)));
}

std::shared_ptr<const FileEntry> make_disk_entry(std::string path, std::string text) {
    if (auto utf8 = decode_utf16_file(text)) text = std::move(*utf8);
    auto entry = build_entry(std::move(path), std::make_shared<const std::string>(std::move(text)));
    static const auto kNoText = std::make_shared<const std::string>();
    if (text_unused(*entry)) entry->text = kNoText;
    return entry;
}

} // namespace mil
