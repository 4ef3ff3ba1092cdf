// Small file helpers the test files share (one copy, so that the test files of a layer also
// compile together in a unity build, MIL_UNITY).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mil::test {

// The shared Magento corpus beside the repository (tests that read it SKIP when it is absent).
inline const std::filesystem::path kCorpus =
    std::filesystem::path(MIL_SOURCE_DIR "/../shared/corpus");

// The whole file's bytes ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace mil::test
