// The server executable a test starts: MIL_TEST_SERVER when set (the portable twin's tests,
// tests/CMakeLists.txt), else the build's own (MIL_BINARY).
#pragma once

#include <cstdlib>
#include <string>

namespace mil::test {

inline std::string server_binary() {
    const char* chosen = std::getenv("MIL_TEST_SERVER");
    return chosen && *chosen ? chosen : MIL_BINARY;
}

} // namespace mil::test
