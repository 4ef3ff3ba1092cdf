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

namespace mil {

// Once, from main() before any thread starts: large blocks from the heap instead of their
// own mappings, the main heap grown ahead and marked for huge pages. A no-op (returns
// false) when the kernel has transparent huge pages off, or the allocator is not glibc's.
bool use_huge_page_heaps();

// From a thread that will allocate a lot (an indexing worker), after use_huge_page_heaps():
// marks that thread's heap for huge pages too. A no-op otherwise, and on a second call.
void advise_thread_heap();

} // namespace mil
