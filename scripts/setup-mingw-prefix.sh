#!/bin/sh
# Fills the mingw prefix with Debian's header-only libraries (symlinks) and small CMake package
# configs for them, so that find_package() in a mingw cross-build finds them without ever putting
# /usr/include (glibc headers) on the include path. Idempotent.
#   PREFIX=/work/deps/mingw ./setup-mingw-prefix.sh
# Needs: nlohmann-json3-dev libboost-dev libfmt-dev catch2 (all header-only use).
set -eu
PREFIX=${PREFIX:-/work/deps/mingw}

mkdir -p "$PREFIX/include" "$PREFIX/lib/cmake"
for d in nlohmann boost fmt catch2; do
  [ -d "/usr/include/$d" ] || { echo "missing /usr/include/$d (install the -dev package)" >&2; exit 1; }
  ln -sfn "/usr/include/$d" "$PREFIX/include/$d"
done

write() { # write FILE (stdin), only when changed
  tmp=$(mktemp); cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; chmod 644 "$1"; fi
}

mkdir -p "$PREFIX/lib/cmake/nlohmann_json"
write "$PREFIX/lib/cmake/nlohmann_json/nlohmann_jsonConfig.cmake" <<'EOF'
# Debian's nlohmann-json3-dev headers, symlinked into the mingw prefix.
set(nlohmann_json_VERSION 3.11.2)
if(NOT TARGET nlohmann_json::nlohmann_json)
  get_filename_component(_p "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_p}/include")
endif()
EOF
write "$PREFIX/lib/cmake/nlohmann_json/nlohmann_jsonConfigVersion.cmake" <<'EOF'
set(PACKAGE_VERSION 3.11.2)
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION OR NOT PACKAGE_FIND_VERSION_MAJOR EQUAL 3)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
EOF

mkdir -p "$PREFIX/lib/cmake/fmt"
write "$PREFIX/lib/cmake/fmt/fmt-config.cmake" <<'EOF'
# Debian's libfmt-dev headers used header-only (no libfmt built for mingw).
set(fmt_VERSION 9.1.0)
if(NOT TARGET fmt::fmt)
  get_filename_component(_p "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
  add_library(fmt::fmt INTERFACE IMPORTED)
  set_target_properties(fmt::fmt PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_p}/include"
    INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1)
  add_library(fmt::fmt-header-only ALIAS fmt::fmt)
endif()
EOF

mkdir -p "$PREFIX/lib/cmake/Boost-1.74.0"
write "$PREFIX/lib/cmake/Boost-1.74.0/BoostConfig.cmake" <<'EOF'
# Debian's Boost 1.74 headers (Asio is header-only; Winsock is linked by the toolchain file).
set(Boost_VERSION 1.74.0)
set(Boost_FOUND TRUE)
get_filename_component(_p "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(Boost_INCLUDE_DIRS "${_p}/include")
if(NOT TARGET Boost::headers)
  add_library(Boost::headers INTERFACE IMPORTED)
  set_target_properties(Boost::headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_p}/include"
    INTERFACE_LINK_LIBRARIES "ws2_32;mswsock")
  add_library(Boost::boost ALIAS Boost::headers)
endif()
EOF
write "$PREFIX/lib/cmake/Boost-1.74.0/BoostConfigVersion.cmake" <<'EOF'
set(PACKAGE_VERSION 1.74.0)
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
EOF

mkdir -p "$PREFIX/lib/cmake/Catch2"
write "$PREFIX/lib/cmake/Catch2/Catch2Config.cmake" <<'EOF'
# Debian's catch2 (v2 single header); Catch.cmake (catch_discover_tests) from the host package.
set(Catch2_VERSION 2.13.10)
if(NOT TARGET Catch2::Catch2)
  get_filename_component(_p "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
  add_library(Catch2::Catch2 INTERFACE IMPORTED)
  set_target_properties(Catch2::Catch2 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_p}/include")
  list(APPEND CMAKE_MODULE_PATH /usr/lib/cmake/Catch2)
endif()
EOF
write "$PREFIX/lib/cmake/Catch2/Catch2ConfigVersion.cmake" <<'EOF'
set(PACKAGE_VERSION 2.13.10)
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION OR NOT PACKAGE_FIND_VERSION_MAJOR EQUAL 2)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
EOF
echo "mingw prefix ready: $PREFIX"
