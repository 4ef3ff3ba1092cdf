#!/usr/bin/env bash
# Sets up, builds and runs every test: the C++ suites, the clients (Node, Neovim, VS Code
# package, JetBrains template), and the same suites again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
export MIL_SETUP_TESTS=1
# Each stage prints its time (CI reads them).
stage_start=$(date +%s)
stage() {
  local now
  now=$(date +%s)
  echo "== stage time: $((now - stage_start)) s"
  stage_start=$now
  echo "== $1"
}
werror=()
if [ "${MIL_WERROR:-0}" = 1 ]; then werror=(-DMIL_WERROR=ON); fi

stage "setup and build (RelWithDebInfo)"
MIL_CMAKE_ARGS="${MIL_CMAKE_ARGS:-} ${werror[*]}" scripts/setup.sh
if [ -x scripts/setup-node-deps.sh ]; then
  stage "Node dependencies of the client tests"
  scripts/setup-node-deps.sh
fi

jobs="$(nproc)"
stage "tests (RelWithDebInfo)"
ctest --test-dir build --output-on-failure -j"$jobs"

# The release: a static build in build-release/ (its `release:` test), then dist/ with every
# archive checked (scripts/dist.sh).
if [ "${MIL_SKIP_DIST:-0}" != 1 ]; then
  stage "release build (static) and dist/"
  MIL_CMAKE_ARGS="${werror[*]}" scripts/dist.sh
fi

if [ "${MIL_SKIP_SANITIZERS:-0}" != 1 ]; then
  stage "build and tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMIL_SANITIZE=ON "${werror[@]}"
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E "clients: vscode"
fi

# A short run of every libFuzzer target (clang, ASan+UBSan), seeded from the fixtures: about
# 10 s each. Longer runs: scripts/fuzz.sh SECONDS (see README.md, Tests).
if [ "${MIL_SKIP_FUZZ:-0}" != 1 ]; then
  if command -v clang++ >/dev/null 2>&1; then
    stage "short fuzz run of every target"
    scripts/fuzz.sh "${MIL_FUZZ_SECONDS:-10}"
  else
    echo "== fuzz: SKIPPED (no clang++; scripts/setup.sh with MIL_SETUP_TESTS=1 installs it)"
  fi
fi
stage "done"
