#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian 12 machine (as root, or with
# sudo), then configures and builds into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PACKAGES=(cmake ninja-build g++ pkg-config nlohmann-json3-dev libpugixml-dev libboost-dev libfmt-dev catch2
          clang-format python3 dpkg-dev file)
if [ "${MIL_SETUP_TESTS:-0}" = 1 ]; then
  # The tests also drive the server through Neovim and Node, and build fuzzers with clang.
  PACKAGES+=(neovim clang libclang-rt-14-dev)
  command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
  # And the Windows stage's cross compiler and wine (scripts/build-windows.sh would install
  # them itself; one apt-get run for all is quicker on a fresh machine).
  [ "${MIL_SKIP_WINDOWS:-0}" = 1 ] || PACKAGES+=(g++-mingw-w64-x86-64-posix wine64)
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# MIL_SETUP_BUILD=0: install only (scripts/test.sh configures and times its own build).
if [ "${MIL_SETUP_BUILD:-1}" = 0 ]; then exit 0; fi

# A unity build (MIL_UNITY): about half the CPU time from scratch (bench/README.md, Build
# time). For day-to-day incremental builds reconfigure with -DMIL_UNITY=OFF (one file
# recompiled per change, not its batch).
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIL_UNITY=ON ${MIL_CMAKE_ARGS:-}
cmake --build build -j"$(nproc)"
