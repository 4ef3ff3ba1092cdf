// libFuzzer target: see harness_edits.hpp for what it checks and how the input is laid out.
#include "harness_edits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_edits(data, size);
    return 0;
}
