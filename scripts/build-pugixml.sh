#!/bin/sh
# Builds pugixml (Debian bookworm's source package) as a static library for Windows x64 with
# mingw-w64 and installs it into $PREFIX (include/, lib/libpugixml.a, lib/cmake/pugixml/).
# Idempotent: the deb-src entry, the source and the install are only made when missing
# (FORCE=1 rebuilds). Run as root (or with sudo for the apt steps).
#   PREFIX=/work/deps/mingw SRCDIR=/work/deps/src ./build-pugixml.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-/work/deps/mingw}
SRCDIR=${SRCDIR:-/work/deps/src}
TOOLCHAIN=${TOOLCHAIN:-$HERE/mingw-toolchain.cmake}
FORCE=${FORCE:-0}

if [ "$FORCE" != 1 ] && [ -f "$PREFIX/lib/libpugixml.a" ] && [ -f "$PREFIX/lib/cmake/pugixml/pugixml-config.cmake" ]; then
  echo "pugixml already in $PREFIX (FORCE=1 to rebuild)"; exit 0
fi

# 1. deb-src entry (deb822 format, as in Debian 12's /etc/apt/sources.list.d/debian.sources).
if [ -z "$(apt-cache showsrc pugixml 2>/dev/null)" ]; then
  if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat >/etc/apt/sources.list.d/debian-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  apt-get update
fi

# 2. Source (needs dpkg-dev for dpkg-source): unpacked with Debian's patches applied.
mkdir -p "$SRCDIR"
src=$(ls -d "$SRCDIR"/pugixml-*/ 2>/dev/null | head -n1 || true)
if [ -z "$src" ]; then
  (cd "$SRCDIR" && apt-get source pugixml)
  src=$(ls -d "$SRCDIR"/pugixml-*/ | head -n1)
fi
src=${src%/}

# 3. Static library with the mingw toolchain, installed with its CMake package config.
build="$SRCDIR/build-pugixml-mingw"
nice -n 10 cmake -S "$src" -B "$build" -G "Unix Makefiles" \
  -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DMIL_MINGW_PREFIX="$PREFIX" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
  -DBUILD_SHARED_LIBS=OFF -DPUGIXML_BUILD_TESTS=OFF
nice -n 10 cmake --build "$build" -j1
cmake --install "$build"
ls -l "$PREFIX/lib/libpugixml.a"
