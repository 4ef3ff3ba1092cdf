// The allocator's heaps on transparent huge pages, for the burst of allocation an index is.
//
// Every fresh 4 KiB page the process touches costs a page fault. On bare metal that is about
// a microsecond; in virtual machines that shadow the guest's page tables (common for CI
// runners and cloud machines, and the 2-core machines the benchmarks run on) it is about
// 10 µs, and an index of a Magento install touches some 1,500 such pages: a third of its
// time. A 2 MiB huge page costs one fault. glibc's malloc can be asked for that only through
// the environment (GLIBC_TUNABLES, read at start-up), so the program does it itself: it
// marks its heaps MADV_HUGEPAGE and keeps large blocks in them. Only the memory the program
// touches is backed (rounded up to 2 MiB per heap region); nothing is populated ahead.
//
// Nothing here changes what the program computes: these are hints, each of which may fail
// (no THP in the kernel, another allocator, a sanitizer's): the heap then works as before.
#pragma once

#include <cstddef>

namespace mil {

// Once, from main() before any thread starts: large blocks from the heap instead of their
// own mappings, the main heap grown ahead and marked for huge pages. A no-op (returns
// false) when the kernel has transparent huge pages off, the allocator is not glibc's, or
// the environment has MIL_PLAIN_HEAP=1 (for measurements).
bool use_huge_page_heaps();

// From a thread that allocates a lot (an indexing worker), after use_huge_page_heaps(): at
// its start, marks the heap that thread allocates from for huge pages; then, given a block
// the thread allocated lately (once per module), the heap that block lies in if not yet
// (glibc adds a 64 MiB heap to a thread's arena when one is full). Cheap when nothing
// changed: a few comparisons. A no-op without use_huge_page_heaps().
void advise_thread_heap(const void* recent = nullptr);

// A block of `bytes` just allocated and not yet written (a large file about to be read):
// its whole huge pages marked. Worth it from a few MiB, where malloc maps a block on its own
// (over 32 MiB), or in a heap that may not be marked.
void advise_large_block(void* block, std::size_t bytes);

// Gives the free memory at the top of the heaps back to the system (glibc's malloc_trim:
// after a large document is closed, its text, tree and diagnostics freed, the resident size
// falls again). Nothing on the portable platform. Thread-safe; costs a few milliseconds.
void trim_heap();
// How many times trim_heap() was called (for tests: that closing a large document asks).
std::size_t heap_trims();

} // namespace mil
