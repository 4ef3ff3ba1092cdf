// The portable platform leaves the allocator as it is (see heap.hpp for what the Linux one
// does).
#include "platform/heap.hpp"

#include <atomic>

namespace mil {

bool use_huge_page_heaps() {
    return false;
}
void advise_thread_heap(const void*) {}
void advise_large_block(void*, std::size_t) {}

namespace {
std::atomic<std::size_t> g_trims{0};
}
void trim_heap() {
    ++g_trims;
}
std::size_t heap_trims() {
    return g_trims;
}

} // namespace mil
