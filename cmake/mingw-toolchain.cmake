# CMake toolchain file: Windows x64 cross-build with Debian's mingw-w64 (posix thread model).
#
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=scripts/mingw-toolchain.cmake
#
# Packages: g++-mingw-w64-x86-64-posix (compilers), wine64 (optional, runs tests).
# Third-party libraries come from a mingw prefix (default /work/deps/mingw, override with
# -DMIL_MINGW_PREFIX=... or the MIL_MINGW_PREFIX environment variable) that setup-mingw-prefix.sh
# fills with:
#   - symlinks to Debian's header-only libraries (nlohmann, boost, fmt, catch2 under /usr/include)
#   - small CMake package configs for nlohmann_json, fmt (FMT_HEADER_ONLY), Boost (headers), Catch2
#   - pugixml built for mingw (build-pugixml.sh): include/, lib/libpugixml.a, lib/cmake/pugixml
# /usr/include itself is never put on the include path: its glibc headers would shadow mingw's.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(MIL_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER   ${MIL_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${MIL_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER  ${MIL_MINGW_TRIPLE}-windres)
set(CMAKE_AR           /usr/bin/${MIL_MINGW_TRIPLE}-ar     CACHE FILEPATH "")
set(CMAKE_RANLIB       /usr/bin/${MIL_MINGW_TRIPLE}-ranlib CACHE FILEPATH "")

if(NOT MIL_MINGW_PREFIX)
  if(DEFINED ENV{MIL_MINGW_PREFIX})
    set(MIL_MINGW_PREFIX $ENV{MIL_MINGW_PREFIX})
  else()
    set(MIL_MINGW_PREFIX /work/deps/mingw)
  endif()
endif()
# Toolchain files are read again in try_compile projects: pass the prefix on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MIL_MINGW_PREFIX)

# Libraries, headers and package configs only from the mingw sysroot and our prefix;
# programs (cmake, python, wine) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${MIL_MINGW_TRIPLE} ${MIL_MINGW_PREFIX})
set(CMAKE_PREFIX_PATH ${MIL_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Windows 10 API level (needed by Asio for some calls; mingw's default is older).
set(CMAKE_C_FLAGS_INIT   "-D_WIN32_WINNT=0x0A00")
set(CMAKE_CXX_FLAGS_INIT "-D_WIN32_WINNT=0x0A00")

# A self-contained .exe: libstdc++, libgcc and winpthread linked in (no DLLs to ship).
# -static also makes winpthread static (otherwise libwinpthread-1.dll is needed).
set(CMAKE_EXE_LINKER_FLAGS_INIT    "-static -static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
# Winsock (-lws2_32 -lmswsock, needed by Asio) comes with Boost::headers from the prefix's
# BoostConfig.cmake, so only targets that use Asio get it.

# Run Windows executables (catch_discover_tests, ctest) through wine when it is installed.
# Debian's wine64 package puts the loader in /usr/lib/wine; the `wine` package adds /usr/bin/wine64.
# WINEPREFIX is taken from the environment (e.g. WINEPREFIX=/work/deps/wineprefix).
find_program(MIL_WINE NAMES wine64 wine HINTS /usr/lib/wine)
if(MIL_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_COMMAND};-E;env;WINEDEBUG=-all;${MIL_WINE})
endif()
