#include "platform/heap.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MIL_HEAP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define MIL_HEAP_SANITIZED 1
#endif
#endif

namespace mil {

#if defined(__GLIBC__) && !defined(MIL_HEAP_SANITIZED) && defined(MADV_HUGEPAGE)

namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
// glibc's heaps for threads other than the first: HEAP_MAX_SIZE-aligned regions of
// 2 * DEFAULT_MMAP_THRESHOLD_MAX, 64 MiB on 64-bit systems (malloc/arena.c).
constexpr std::uintptr_t kThreadHeap = std::uintptr_t{64} << 20;
// How far the main heap is grown ahead and marked: address space only, nothing is touched
// (a scale-100 tree's index keeps about 250 MB there). Growth past it is in 4 KiB pages.
constexpr int kMainReserve = 1 << 30;
// Blocks up to this size come from the heaps (glibc's default maps anything over 128 KiB
// on its own, 4 KiB pages, unmapped again on free).
constexpr int kMmapThreshold = 32 << 20;
// The slack the main heap keeps, and grows by, past its reserve (glibc grows the heaps of
// other threads by what each allocation needs): several huge pages.
constexpr int kTopPad = 16 << 20;
// A probe for the heap a new thread allocates from: its first block.
constexpr std::size_t kProbe = 64 << 10;

std::atomic<bool> g_enabled{false};
std::uintptr_t g_main_lo = 0; // where the main heap starts

#ifndef MADV_COLLAPSE
constexpr int MADV_COLLAPSE = 25; // Linux 6.1
#endif

std::uintptr_t align_down(std::uintptr_t p) {
    return p & ~(kHugePage - 1);
}

// "always [madvise] never": huge pages on demand or always, not off.
bool kernel_has_thp() {
    std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
    if (!f) return false;
    char buf[128] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    return std::strstr(buf, "[never]") == nullptr && std::strchr(buf, '[') != nullptr;
}

// The kernel's start_brk for this process (field 47 of /proc/self/stat), 0 if unknown.
std::uintptr_t start_of_main_heap() {
    std::FILE* f = std::fopen("/proc/self/stat", "re");
    if (!f) return 0;
    char buf[1024] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    const char* p = std::strrchr(buf, ')');
    if (!p) return 0;
    for (int field = 2; field < 47; ++field) {
        p = std::strchr(p + 1, ' ');
        if (!p) return 0;
    }
    return static_cast<std::uintptr_t>(std::strtoull(p + 1, nullptr, 10));
}

// The huge page around `p` holds memory already touched, in 4 KiB pages: a fault there
// would stay 4 KiB for the whole 2 MiB. Collapse it into one huge page now (Linux 6.1+;
// where that fails, those pages just stay small).
void collapse_around(std::uintptr_t p) {
    ::madvise(reinterpret_cast<void*>(align_down(p)), kHugePage, MADV_COLLAPSE);
}

// Whether [base, base + kThreadHeap) is one of glibc's thread heaps, as /proc/self/maps
// shows it: private anonymous memory, writable from `base` on, the rest reserved with no
// access, nothing else. Read once per heap (a new one is rare), before anything there is
// made writable: a wrong guess must never open up a guard page.
bool is_thread_heap(std::uintptr_t base) {
    std::FILE* f = std::fopen("/proc/self/maps", "re");
    if (!f) return false;
    const std::uintptr_t end = base + kThreadHeap;
    std::uintptr_t covered = base; // the mappings seen cover [base, covered)
    bool ok = true;
    char line[512];
    while (ok && covered < end && std::fgets(line, sizeof line, f)) {
        unsigned long lo = 0, hi = 0, offset = 0, inode = 0;
        char perms[8] = {}, dev[16] = {};
        int path_at = 0;
        if (std::sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &lo, &hi, perms, &offset, dev, &inode,
                        &path_at) < 6)
            continue;
        if (hi <= base) continue;
        if (lo >= end) break;
        const char* name = line + path_at; // none, or a name given to anonymous memory
        const bool anonymous =
            inode == 0 && (*name == '\n' || *name == '\0' || std::strncmp(name, "[anon:", 6) == 0);
        const bool first = lo == base;
        ok = lo == covered && hi <= end && anonymous &&
             (std::strcmp(perms, "rw-p") == 0 || (!first && std::strcmp(perms, "---p") == 0));
        covered = hi;
    }
    std::fclose(f);
    return ok && covered == end;
}

} // namespace

bool use_huge_page_heaps() {
    if (g_enabled.load()) return true;
    // MIL_PLAIN_HEAP=1 leaves glibc's defaults (bench/platforms.py: the two platforms' file
    // layers compared on the same heap).
    if (const char* plain = std::getenv("MIL_PLAIN_HEAP"); plain && *plain && *plain != '0')
        return false;
    if (!kernel_has_thp()) return false;
    if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1) return false;
    // Grow the main heap once by kMainReserve, as one mapping, and mark it.
    mallopt(M_TRIM_THRESHOLD, kMainReserve + kTopPad);
    mallopt(M_TOP_PAD, kMainReserve);
    // The heap grows when a block does not fit in its free top. Ask for one just larger than
    // the top (keepcost), again if a free block elsewhere served it, then give them back.
    // malloc writes the header of the new top right after the block: a block that ended far
    // into the new part would leave a 4 KiB page there before it is marked, and the 2 MiB
    // around that page could not be a huge page any more.
    const auto lo = reinterpret_cast<std::uintptr_t>(::sbrk(0));
    void* blocks[16] = {};
    for (void*& b : blocks) {
        b = std::malloc(mallinfo2().keepcost + 64);
        if (!b || reinterpret_cast<std::uintptr_t>(::sbrk(0)) != lo) break;
    }
    for (void* b : blocks)
        std::free(b);
    const auto hi = reinterpret_cast<std::uintptr_t>(::sbrk(0));
    mallopt(M_TOP_PAD, kTopPad);
    if (hi > lo) {
        // Ignore the error for the part of the first huge page below the heap, if any.
        ::madvise(reinterpret_cast<void*>(align_down(lo)), hi - align_down(lo), MADV_HUGEPAGE);
        collapse_around(lo);
    }
    const std::uintptr_t start = start_of_main_heap();
    g_main_lo = start && start <= lo ? start : lo;
    g_enabled.store(true);
    return true;
}

void advise_thread_heap(const void* recent) {
    if (!g_enabled.load()) return;
    // The thread heaps marked by this thread (a thread rarely fills more than a few).
    thread_local std::uintptr_t marked[16] = {};
    thread_local std::size_t count = 0;
    auto p = reinterpret_cast<std::uintptr_t>(recent);
    if (!p) {
        void* block = std::malloc(kProbe); // the thread's arena exists from here on
        p = reinterpret_cast<std::uintptr_t>(block);
        std::free(block);
        if (!p) return;
    }
    // The main heap lies above the program's data, far below the mappings of thread heaps;
    // its reserve is marked already.
    if (p >= g_main_lo && p - g_main_lo < (std::uintptr_t{1} << 36)) return;
    const std::uintptr_t base = p & ~(kThreadHeap - 1);
    const std::size_t known = std::min(count, std::size(marked));
    if (std::find(marked, marked + known, base) != marked + known) return;
    marked[count++ % std::size(marked)] = base;
    if (!is_thread_heap(base)) return; // another allocator's memory, a block of its own ...
    if (::madvise(reinterpret_cast<void*>(base), kThreadHeap, MADV_HUGEPAGE) != 0) return;
    // glibc makes a thread heap writable page by page as it fills (its top pad applies to
    // the main heap only), so the 2 MiB around the frontier are never wholly writable when
    // first touched, and stay in 4 KiB pages. Writable at once, all of it can be huge pages:
    // only address space (the heap is mapped MAP_NORESERVE); glibc's own mprotect calls
    // later change nothing.
    ::mprotect(reinterpret_cast<void*>(base), kThreadHeap, PROT_READ | PROT_WRITE);
    collapse_around(p);
}

void advise_large_block(void* block, std::size_t bytes) {
    if (!g_enabled.load() || bytes < 2 * kHugePage) return;
    const auto p = reinterpret_cast<std::uintptr_t>(block);
    const std::uintptr_t from = (p + kHugePage - 1) & ~(kHugePage - 1);
    const std::uintptr_t to = align_down(p + bytes);
    if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

#else

bool use_huge_page_heaps() {
    return false;
}
void advise_thread_heap(const void*) {}
void advise_large_block(void*, std::size_t) {}

#endif

namespace {
std::atomic<std::size_t> g_trims{0};
}

void trim_heap() {
    ++g_trims;
#if defined(__GLIBC__)
    ::malloc_trim(0); // every arena: the top of each heap, and whole free pages inside
#endif
}

std::size_t heap_trims() {
    return g_trims;
}

} // namespace mil
