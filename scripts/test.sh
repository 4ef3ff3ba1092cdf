#!/usr/bin/env bash
# Sets up, builds and runs every test: the C++ suites, the clients (Node, Neovim, VS Code
# package, JetBrains template), and the same suites again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
export MIL_SETUP_TESTS=1
scripts/setup.sh
if [ -x scripts/setup-node-deps.sh ]; then scripts/setup-node-deps.sh; fi

jobs="$(nproc)"
echo "== tests (RelWithDebInfo)"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${MIL_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMIL_SANITIZE=ON
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E "clients: vscode"
fi
