#!/usr/bin/env bash
# The layers keep their promises (README, Code map):
# - the core (include/mil, src) includes no JSON library, no Asio and no OS header;
# - a core layer includes only itself and the layers below it (base < syntax < model < ide);
# - a server layer includes only itself, the layers below it (platform < workspace < lsp < cli)
#   and the core; only server/platform includes OS headers.
# - thread_local holds plain values only (see below);
# Prints each offending line and exits 1 when there is one.
set -uo pipefail
root="${1:-$(dirname "$0")/..}"
cd "$root" || exit 2
status=0
fail() { echo "layering: $1"; status=1; }

os_headers='unistd\.h|fcntl\.h|sys/[a-z_]*\.h|dirent\.h|windows\.h|winsock2?\.h|io\.h|direct\.h|malloc\.h|poll\.h|signal\.h|spawn\.h|pthread\.h|netinet/|arpa/|mach/|dlfcn\.h|syscall\.h|linux/'
core_forbidden="nlohmann/|boost/|asio|${os_headers}|<filesystem>|<fstream>|<thread>|<cstdio>"

# Ranks into $rank, and matches with [[ =~ ]]: no process per include line (a test that ran
# thousands of `echo | grep` took 2.5 s).
core_rank() { case "$1" in base) rank=0 ;; syntax) rank=1 ;; model) rank=2 ;; ide) rank=3 ;; *) rank=9 ;; esac; }
server_rank() { case "$1" in platform) rank=0 ;; workspace) rank=1 ;; lsp) rank=2 ;; cli) rank=3 ;; *) rank=9 ;; esac; }
os_include="<(${os_headers})"

# The core.
while IFS= read -r f; do
  case "$f" in include/mil/*) layer="${f#include/mil/}" ;; src/*) layer="${f#src/}" ;; esac
  layer="${layer%%/*}"
  core_rank "$layer"
  mine=$rank
  [ "$mine" = 9 ] && { [ "$f" = include/mil/version.hpp.in ] || fail "$f is in no core layer"; continue; }
  while IFS= read -r line; do
    inc="${line#*#include }"
    if [[ "$inc" =~ $core_forbidden ]]; then fail "$f: $line (the core has no JSON, Asio, file or OS calls)"; fi
    if [[ "$inc" =~ \"mil/([a-z]+)/ ]]; then
      core_rank "${BASH_REMATCH[1]}"
      [ "$rank" -gt "$mine" ] && fail "$f: $line (a $layer file includes a higher layer)"
    fi
    if [[ "$inc" =~ \"(platform|workspace|lsp|cli)/ ]]; then fail "$f: $line (the core includes the server)"; fi
  done < <(grep -E '^\s*#\s*include' "$f")
done < <(git ls-files 'include/mil/*' 'src/*' 2>/dev/null || find include/mil src -type f)

# Files whose OS calls still wait for their move into server/platform (issue 19); the list only
# shrinks.
pending_platform_move=" "

# The server.
while IFS= read -r f; do
  layer="${f#server/}"
  layer="${layer%%/*}"
  server_rank "$layer"
  mine=$rank
  [ "$mine" = 9 ] && { fail "$f is in no server layer"; continue; }
  while IFS= read -r line; do
    inc="${line#*#include }"
    if [[ "$inc" =~ \"(platform|workspace|lsp|cli)/ ]]; then
      server_rank "${BASH_REMATCH[1]}"
      [ "$rank" -gt "$mine" ] && fail "$f: $line (a $layer file includes a higher layer)"
    fi
    if [ "$layer" != platform ] && [[ "$pending_platform_move" != *" $f "* ]] && [[ "$inc" =~ $os_include ]]; then
      fail "$f: $line (OS headers belong in server/platform)"
    fi
  done < <(grep -E '^\s*#\s*include' "$f")
done < <(git ls-files 'server/*' 2>/dev/null || find server -type f)

# thread_local holds plain values only (bool, integers, pointers, time points): with mingw-w64's
# emulated TLS, a thread_local that owns memory is destroyed after its storage was released
# when its thread ends, corrupting the Windows build's heap (server/platform/fileio_portable.cpp).
plain_tls='thread_local +(static +|inline +)*(bool|char|int|unsigned|std::u?int[0-9]+_t|std::size_t|std::uintptr_t|[A-Za-z_:]*time_point|[A-Za-z_:]+ *\*) '
while IFS= read -r hit; do
  code="${hit#*:*:}"
  code="${code%%//*}"
  case "$code" in *thread_local*) ;; *) continue ;; esac
  [[ "$code" =~ $plain_tls ]] || fail "$hit (thread_local of a type with a destructor)"
done < <(git grep -n -E '\bthread_local\b' -- 'include/*' 'src/*' 'server/*' 2>/dev/null)

[ "$status" = 0 ] && echo "layering: every include follows the layers"
exit "$status"
