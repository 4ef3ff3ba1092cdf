#!/usr/bin/env bash
# Sets up, builds and runs every test: the C++ suites, the clients (Node, Neovim, VS Code
# package, JetBrains template), the same suites again under ASan+UBSan (with a short run of
# every fuzz target from the same build) and with the portable platform layer, and the Windows
# build under wine.
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

jobs="$(nproc)"
stage "install what the build and the tests need"
MIL_SETUP_BUILD=0 scripts/setup.sh

# The build is Release, what ships, in build/ (scripts/setup.sh's is RelWithDebInfo: running
# one after the other rebuilds).
stage "build (Release)"
release_start=$(date +%s)
# shellcheck disable=SC2086 # MIL_CMAKE_ARGS: several arguments
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMIL_UNITY=ON ${MIL_CMAKE_ARGS:-} \
  -DMIL_PORTABLE_TWIN=OFF "${werror[@]}"
cmake --build build -j"$jobs"
release_build=$(($(date +%s) - release_start))
if [ -x scripts/setup-node-deps.sh ]; then
  stage "Node dependencies of the client tests"
  scripts/setup-node-deps.sh
fi

stage "tests (Release)"
release_start=$(date +%s)
# One test more than cores: several tests spend seconds waiting (debounce timers, client
# runs, packaging under a lock), and the suite took 32 s at -j2 against 22 s at -j3 on 2
# cores (bench/README.md, "The suite: the code under test runs optimised").
ctest --test-dir build --output-on-failure -j"$((jobs + 1))"
release_tests=$(($(date +%s) - release_start))
# Issue 18's figure: a Release build (from scratch on a clean clone) and its suite on CI's
# 2 cores.
echo "== Release build and its suite: $((release_build + release_tests)) s" \
  "(build $release_build s, tests $release_tests s)"

# Then the same build also links the server and the suites that run on the platform layer
# (workspace, LSP, CLI) with the portable layer (MIL_PORTABLE_TWIN: std::filesystem, plain
# reads, no heap tuning; the one macOS and Windows use): the same compiled code on the other
# layer (only the portable layer's files are compiled), run by ctest as "portable <layer>:
# ..." tests. The core's suites (base, syntax, model, ide) never call the platform: their
# binaries would be the same.
stage "build and tests of the portable platform twin"
cmake -S . -B build -DMIL_PORTABLE_TWIN=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" -R '^portable '
# The benchmark programs are not part of the default build: built here so that they keep
# compiling (nothing runs them: they print figures, bench/README.md).
stage "benchmark programs (built, not run)"
cmake --build build --target benchmarks -j"$jobs"

# The release: a static build in build-release/ (its `release:` test), then dist/ with every
# archive checked (scripts/dist.sh).
if [ "${MIL_SKIP_DIST:-0}" != 1 ]; then
  stage "release build (static) and dist/"
  MIL_CMAKE_ARGS="${werror[*]}" scripts/dist.sh
fi

# ASan + UBSan and the fuzzers share one clang build, build-asan/ (Debug at -O1, unity): the
# server, the test executables and the libFuzzer targets. Its layers carry libFuzzer's coverage
# instrumentation (fuzz/CMakeLists.txt); the tests link them without libFuzzer (the ASan
# runtime answers the coverage callbacks). The C++ suites run under ASan+UBSan, then every fuzz
# target a short run (about 10 s, seeded from the fixtures) with those binaries: one build of
# the code base instead of two (bench/README.md, Build time). Without clang (scripts/setup.sh
# with MIL_SETUP_TESTS=1 installs it) the suites run under GCC's sanitizers and no fuzzer runs.
# Longer fuzz runs: scripts/fuzz.sh SECONDS, in its own build-fuzz/ (see README.md, Tests).
fuzz_clang=0
if scripts/fuzz.sh --check 2>/dev/null; then fuzz_clang=1; fi
fuzz_short() {
  if [ "${MIL_SKIP_FUZZ:-0}" = 1 ]; then return; fi
  if [ "$fuzz_clang" != 1 ]; then
    echo "== fuzz: SKIPPED (no clang++ with libFuzzer; scripts/setup.sh with MIL_SETUP_TESTS=1 installs it)"
    return
  fi
  stage "short fuzz run of every target ($1)"
  MIL_FUZZ_BUILD="$1" MIL_FUZZ_PREBUILT="$2" MIL_FUZZ_PARALLEL="$jobs" scripts/fuzz.sh "${MIL_FUZZ_SECONDS:-10}"
}
if [ "${MIL_SKIP_SANITIZERS:-0}" != 1 ]; then
  asan=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" -DMIL_SANITIZE=ON -DMIL_BENCH=OFF -DMIL_UNITY=ON)
  if [ "$fuzz_clang" = 1 ]; then
    stage "build (clang, ASan+UBSan): the server, the tests and the fuzz targets"
    asan+=(-DCMAKE_CXX_COMPILER=clang++ -DMIL_FUZZ=ON)
  else
    stage "build (GCC, ASan+UBSan): the server and the tests"
  fi
  cmake -S . -B build-asan -G Ninja "${asan[@]}" "${werror[@]}"
  cmake --build build-asan -j"$jobs"
  stage "tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E "clients: vscode"
  fuzz_short build-asan 1
elif [ "$fuzz_clang" = 1 ]; then
  fuzz_short build-fuzz 0 # builds its own
fi

# Windows x64: cross-built with mingw-w64 (static .exe), the core's suites (base, syntax,
# model, ide) and real sessions (check; LSP completion over stdio and over TCP) under wine,
# compared with the Linux build's answers.
if [ "${MIL_SKIP_WINDOWS:-0}" != 1 ]; then
  stage "Windows cross-build (mingw-w64) and tests under wine"
  scripts/build-windows.sh # without -Werror: GCC 12 gives false -Wrestrict warnings for mingw
  scripts/test-windows.sh build
fi

stage "done"
