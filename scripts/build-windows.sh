#!/bin/sh
# Cross-builds magento-integration-ls.exe for Windows x64 on Debian with mingw-w64, linked
# statically (it needs no DLL beyond Windows' own), and the test executables that need no
# POSIX facility. From a fresh Debian 12: installs the packages it misses (as root), adds a
# deb-src entry and builds pugixml from Debian's source package into a prefix.
#   scripts/build-windows.sh                  -> build-windows/magento-integration-ls.exe
#   MIL_WIN_TARGETS="test_base"   the test executables to build (default: the core's
#                                  suites, test_base test_syntax test_model test_ide, which
#                                  need no POSIX facility; "" for the .exe only)
# Environment: MIL_MINGW_PREFIX (default build-windows-deps/mingw), MIL_WIN_BUILD (default
# build-windows), JOBS (default nproc). scripts/test-windows.sh runs the result under wine.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${MIL_WIN_BUILD:-$ROOT/build-windows}
export MIL_MINGW_PREFIX=${MIL_MINGW_PREFIX:-$ROOT/build-windows-deps/mingw}
DEPS_SRC=${MIL_MINGW_SRC:-$(dirname "$MIL_MINGW_PREFIX")/src}
JOBS=${JOBS:-$(nproc)}
TARGETS=${MIL_WIN_TARGETS-test_base test_syntax test_model test_ide}

# Packages (Debian 12): the compilers, wine, and the header-only libraries reused from the host.
need=""
for p in g++-mingw-w64-x86-64-posix wine64 cmake ninja-build dpkg-dev \
         nlohmann-json3-dev libboost-dev libfmt-dev catch2; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  apt-get update
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $need
fi

PREFIX=$MIL_MINGW_PREFIX "$ROOT/scripts/setup-mingw-prefix.sh"
PREFIX=$MIL_MINGW_PREFIX SRCDIR=$DEPS_SRC TOOLCHAIN=$ROOT/cmake/mingw-toolchain.cmake \
  "$ROOT/scripts/build-pugixml.sh"

nice -n 10 cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-toolchain.cmake" -DMIL_MINGW_PREFIX="$MIL_MINGW_PREFIX" \
  -DCMAKE_BUILD_TYPE=Release -DMIL_UNITY=ON >/dev/null
# shellcheck disable=SC2086
nice -n 10 cmake --build "$BUILD" -j "$JOBS" --target magento-integration-ls $TARGETS

# Nothing but Windows' own DLLs.
dlls=$(x86_64-w64-mingw32-objdump -p "$BUILD/magento-integration-ls.exe" | sed -n 's/.*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
echo "DLLs: $(echo $dlls)"
for d in $dlls; do
  case "$d" in
    kernel32.dll|msvcrt.dll|ws2_32.dll|mswsock.dll|advapi32.dll|user32.dll|shell32.dll|ole32.dll|api-ms-win-*) ;;
    *) echo "build-windows: $d is not part of Windows" >&2; exit 1 ;;
  esac
done
echo "built $BUILD/magento-integration-ls.exe"
