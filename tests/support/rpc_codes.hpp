// The error code of a JSON-RPC error response, for every LSP test harness (one definition:
// harnesses whose namespaces a file opens together must not each bring their own).
#pragma once

#include <nlohmann/json.hpp>

namespace mil::test {

inline int error_code_of(const nlohmann::json& response) {
    return response.at("error").at("code").get<int>();
}

} // namespace mil::test
