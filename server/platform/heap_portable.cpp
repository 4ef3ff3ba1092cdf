// The portable platform leaves the allocator as it is (see heap.hpp for what the Linux one
// does).
#include "platform/heap.hpp"

namespace mil {

bool use_huge_page_heaps() {
    return false;
}
void advise_thread_heap(const void*) {}
void advise_large_block(void*, std::size_t) {}

} // namespace mil
