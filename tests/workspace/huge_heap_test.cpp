// server/heap.cpp: once the program asked for it (as main() does), blocks from the main heap
// and from an indexing thread's heap are backed by 2 MiB pages, and indexing still works.
#include "platform/heap.hpp"
#include "workspace/indexer.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/mman.h>

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

TEST_CASE("huge-page heaps: memory that is not a thread heap is left as it is") {
    if (!mil::use_huge_page_heaps()) {
        WARN("transparent huge pages are off here (or a sanitizer's allocator is in use)");
        return;
    }
    // 128 MiB of our own, holding a whole 64 MiB-aligned window with a guard page inside,
    // as a thread stack has one: what a heap found by its alignment alone would look like.
    const std::size_t size = 128u << 20;
    void* raw = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(raw != MAP_FAILED);
    const auto window = (reinterpret_cast<std::uintptr_t>(raw) + (64u << 20) - 1) &
                        ~std::uintptr_t((64u << 20) - 1);
    char* guard = reinterpret_cast<char*>(window + (32u << 20));
    REQUIRE(::mprotect(guard, 4096, PROT_NONE) == 0);
    mil::advise_thread_heap(reinterpret_cast<void*>(window + 4096));
    // The guard page is still without access.
    std::ifstream maps("/proc/self/maps");
    std::string line, perms;
    const auto g = reinterpret_cast<std::uintptr_t>(guard);
    while (std::getline(maps, line)) {
        std::uintptr_t lo = 0, hi = 0;
        char dash = 0;
        std::istringstream in(line);
        if (in >> std::hex >> lo >> dash >> hi >> perms && lo <= g && g < hi) break;
        perms.clear();
    }
    CHECK(perms == "---p");
    ::munmap(raw, size);
}
