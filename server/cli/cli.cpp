// What the command-line front ends share.
#include "cli/cli.hpp"

#include <cstdio>

namespace mil {

int command_error(const char* command, const std::string& message) {
    std::fprintf(stderr, "magento-integration-ls %s: %s\n", command, message.c_str());
    return 2;
}

} // namespace mil
