// What every libFuzzer target shares: a failed invariant aborts (libFuzzer saves the input),
// and the server's log is silenced (it would flood the fuzzer's output and slow it down).
#include "harness.hpp"

#include "platform/log.hpp"

#include <cstdio>
#include <cstdlib>

namespace mil::fuzz {

void harness_failed(const std::string& what) {
    std::fprintf(stderr, "\n== invariant broken: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

} // namespace mil::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    mil::log::set_output(nullptr);
    return 0;
}
