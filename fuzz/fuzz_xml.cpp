// libFuzzer target: see harness_xml.hpp for what it checks and how the input is laid out.
#include "harness_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mil::fuzz::run_xml(data, size);
    return 0;
}
