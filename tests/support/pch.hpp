// The headers every test executable shares, compiled once (target_precompile_headers in
// tests/CMakeLists.txt): Catch2, nlohmann_json, fmt, the standard library, and the project's
// widest headers.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lsp/lsp_server.hpp"
#include "lsp/rpc.hpp"
#include "mil/ide/engine.hpp"
