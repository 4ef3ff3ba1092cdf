#include "mil/version.hpp"

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("%s %s\n", mil::kName, mil::kVersion);
        return 0;
    }
    return 0;
}
