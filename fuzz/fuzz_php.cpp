// libFuzzer target: see harness_php.hpp for what it checks and how the input is laid out.
#include "harness_php.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_php(data, size);
    return 0;
}
