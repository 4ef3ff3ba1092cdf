// libFuzzer target: see harness_framing.hpp for what it checks and how the input is laid out.
#include "harness_framing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_framing(data, size);
    return 0;
}
