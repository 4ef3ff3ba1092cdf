// The server executable a test starts: the build's own (MIL_BINARY), or its portable twin
// (MIL_BINARY with "-portable" appended, built by -DMIL_PORTABLE_TWIN=ON) when CTest runs the
// twin's tests with MIL_TEST_PLATFORM=portable (tests/CMakeLists.txt).
#pragma once

#include <cstdlib>
#include <string>

namespace mil::test {

inline std::string server_binary() {
    const char* layer = std::getenv("MIL_TEST_PLATFORM");
    if (layer && std::string(layer) == "portable") return std::string(MIL_BINARY) + "-portable";
    return MIL_BINARY;
}

} // namespace mil::test
