// libFuzzer target: see harness_session.hpp for what it checks and how the input is laid out.
#include "harness_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_session(data, size);
    return 0;
}
