// libFuzzer target: see harness_deeptree.hpp for what it checks and how the input is laid out.
#include "harness_deeptree.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_deeptree(data, size);
    return 0;
}
