// Builds the workspace index from disk: discovery, parallel read and parse, merge.
// Runs on whatever thread calls it (the server calls it off the request thread).
#pragma once

#include "mil/model/index.hpp"
#include "workspace/workspace.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace mil {

inline constexpr std::size_t kDefaultMaxFileBytes = 8u << 20; // 8 MiB

struct IndexOptions {
    std::size_t max_file_bytes = kDefaultMaxFileBytes;
    unsigned threads = 0; // 0: the machine's cores
    // Called from the indexing threads (possibly at the same time) as modules are read and
    // parsed once discovery is over, and once at the end: modules done so far and their
    // total. May throw to cancel; index_folders then rethrows it.
    std::function<void(std::size_t done, std::size_t total)> progress;
    // Runs a worker's work on a thread and gives the thread to join; empty: a new std::thread.
    // The server gives threads it started ahead (their heaps set up) this way.
    std::function<std::thread(std::function<void()>)> start_thread;
};

struct IndexTimings {
    double discover_ms = 0;   // finding the modules (their files are read meanwhile)
    double read_parse_ms = 0; // from the end of discovery until every file is parsed
    double merge_ms = 0;
};

struct IndexResult {
    std::shared_ptr<const Snapshot> snapshot;
    std::vector<Discovery> discoveries; // one per folder
    std::vector<WorkspaceWarning> warnings;
    // Files of the modules found that could not be read (also among the warnings).
    std::vector<std::string> unreadable;
    std::size_t files = 0;
    IndexTimings timings;
};

// Index one or more workspace folders (a multi-root workspace) into one snapshot. The first
// folder's Magento root (if any) is the snapshot's root.
IndexResult index_folders(const std::vector<std::string>& folders,
                          const IndexOptions& options = {});

// Read one file and parse it into an entry; nullptr (and *error set) when it cannot be read.
// A file over max_bytes gets an oversized entry (make_oversized_entry), not nullptr. The
// entry keeps no text when nothing would read it (make_disk_entry), as in index_folders.
std::shared_ptr<const FileEntry> load_entry(const std::string& path, std::size_t max_bytes,
                                            std::string* error = nullptr);

// The paths of a module that the index reads.
std::vector<std::string> indexed_files(const std::string& module_dir);

} // namespace mil
