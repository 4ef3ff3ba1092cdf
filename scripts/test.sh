#!/usr/bin/env bash
# Sets up, builds and runs every test: the C++ suites, the clients (Node, Neovim, VS Code
# package, JetBrains template), the same suites again under ASan+UBSan and with the portable
# platform layer, and the Windows build under wine.
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

# The build also links the server and the suites that run on the platform layer (workspace,
# LSP, CLI) with the portable layer (MIL_PORTABLE_TWIN: std::filesystem, plain reads, no heap
# tuning; the one macOS and Windows use): the same compiled code on the other layer, run by
# the same ctest as "portable <layer>: ..." tests. The core's suites (base, syntax, model, ide)
# never call the platform: their binaries would be the same.
stage "setup and build (RelWithDebInfo, with the portable platform twin)"
MIL_CMAKE_ARGS="${MIL_CMAKE_ARGS:-} -DMIL_PORTABLE_TWIN=ON ${werror[*]}" scripts/setup.sh
if [ -x scripts/setup-node-deps.sh ]; then
  stage "Node dependencies of the client tests"
  scripts/setup-node-deps.sh
fi

jobs="$(nproc)"
stage "tests (RelWithDebInfo; the platform suites on both layers)"
ctest --test-dir build --output-on-failure -j"$jobs"

# The release: a static build in build-release/ (its `release:` test), then dist/ with every
# archive checked (scripts/dist.sh).
if [ "${MIL_SKIP_DIST:-0}" != 1 ]; then
  stage "release build (static) and dist/"
  MIL_CMAKE_ARGS="${werror[*]}" scripts/dist.sh
fi

if [ "${MIL_SKIP_SANITIZERS:-0}" != 1 ]; then
  stage "build and tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMIL_SANITIZE=ON -DMIL_BENCH=OFF -DMIL_UNITY=ON \
    "${werror[@]}"
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E "clients: vscode"
fi

# Windows x64: cross-built with mingw-w64 (static .exe), the core's suites (base, syntax,
# model, ide) and real sessions (check; LSP completion over stdio and over TCP) under wine,
# compared with the Linux build's answers.
if [ "${MIL_SKIP_WINDOWS:-0}" != 1 ]; then
  stage "Windows cross-build (mingw-w64) and tests under wine"
  scripts/build-windows.sh # without -Werror: GCC 12 gives false -Wrestrict warnings for mingw
  scripts/test-windows.sh build
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
