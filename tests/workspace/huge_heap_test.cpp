// server/heap.cpp: once the program asked for it (as main() does), blocks from the main heap
// and from an indexing thread's heap are backed by 2 MiB pages, and indexing still works.
#include "heap.hpp"
#include "indexer.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// AnonHugePages (kB) of the whole process.
long huge_kb() {
    std::ifstream rollup("/proc/self/smaps_rollup");
    std::string line;
    while (std::getline(rollup, line))
        if (line.rfind("AnonHugePages:", 0) == 0)
            return std::strtol(line.c_str() + std::strlen("AnonHugePages:"), nullptr, 10);
    return -1;
}

// How many kB of huge pages allocating and writing a block of `bytes` brought to the process
// (the calling thread allocates alone meanwhile). A block of 6 MiB holds at least two whole
// aligned 2 MiB pages wherever it starts: at least 4096 when the heap is on huge pages, 0
// when it is on 4 KiB pages.
long huge_kb_gained(std::size_t bytes) {
    const long before = huge_kb();
    char* block = static_cast<char*>(std::malloc(bytes));
    REQUIRE(block);
    std::memset(block, 'x', bytes);
    const long after = huge_kb();
    std::free(block);
    return after - before;
}

} // namespace

TEST_CASE("huge-page heaps: the main heap's and indexing threads' blocks are on huge pages") {
    if (!mil::use_huge_page_heaps()) {
        WARN("transparent huge pages are off here (or a sanitizer's allocator is in use)");
        return;
    }
    // Without the change, a block this size would be a mapping of its own in 4 KiB pages
    // (over glibc's 128 KiB mmap threshold).
    CHECK(huge_kb_gained(6u << 20) >= 4096);

    long thread_kb = -1;
    std::thread worker([&] {
        mil::advise_thread_heap();
        thread_kb = huge_kb_gained(6u << 20);
    });
    worker.join();
    CHECK(thread_kb >= 4096);

    // A thread that goes on allocating (as a worker does, module after module) past the
    // first 16 MiB its heap was writable for, and past the 64 MiB of that heap into a second
    // one glibc adds: all of it on huge pages but a few of them.
    long grown_kb = -1;
    std::thread grower([&] {
        mil::advise_thread_heap();
        const long before = huge_kb();
        std::vector<char*> blocks;
        for (int i = 0; i < 96; ++i) { // 96 MiB in 1 MiB blocks, each written whole
            blocks.push_back(static_cast<char*>(std::malloc(1u << 20)));
            std::memset(blocks.back(), 'x', 1u << 20);
            mil::advise_thread_heap(blocks.back()); // after, as a worker does after a module
        }
        grown_kb = huge_kb() - before;
        for (char* b : blocks)
            std::free(b);
    });
    grower.join();
    CHECK(grown_kb >= 88 * 1024);

    // A second call is harmless, and the index is built as usual on such heaps.
    CHECK(mil::use_huge_page_heaps());
    const std::string example = std::string(MIL_SOURCE_DIR) + "/data/example";
    auto result = mil::index_folders({example});
    REQUIRE(result.snapshot);
    CHECK(result.snapshot->module_by_name("Magento_Sales"));
    CHECK(result.snapshot->file(example + "/app/code/Magento/Sales/etc/acl.xml"));
}
