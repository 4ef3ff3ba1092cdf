#include "cli.hpp"

#include <cstdio>

namespace mil {

int run_new_integration(const std::vector<std::string>&) {
    std::fprintf(stderr, "magento-integration-ls: new-integration is not built yet\n");
    return 2;
}

} // namespace mil
