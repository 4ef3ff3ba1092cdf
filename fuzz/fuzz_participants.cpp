// libFuzzer target: see harness_participants.hpp for what it checks and how the input is laid out.
#include "harness_participants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_participants(data, size);
    return 0;
}
