#!/usr/bin/env bash
# Builds the release artefacts into dist/:
#   magento-integration-ls-<version>-linux-x64.tar.gz   binary, README, LICENSE, docs, Neovim plugin, JetBrains template
#   magento-integration-ls-<version>-win32-x64.zip      the same for Windows (when scripts/build-windows.sh exists)
#   magento-integration-ls_<version>_amd64.deb           cpack
#   magento-integration-ls-linux-x64-<version>.vsix      VS Code, with the linux-x64 server only
#   magento-integration-ls-win32-x64-<version>.vsix      VS Code, with the win32-x64 server only
# then checks what each one holds (tests/dist_check.sh).
#
#   scripts/dist.sh [--build DIR] [--out DIR] [--no-build]
#
# --build DIR  the Linux build (default build-release: RelWithDebInfo, -DMIL_STATIC=ON, so the
#              binary is fully static; its `release:` test runs before anything is packed)
# --out DIR    where the artefacts go (default dist/)
# --no-build   package what DIR (and build-windows/) already hold, as they are (the test
#              `package: dist archives` does so with the test build)
# Without node/npm the .vsix files are left out; without scripts/build-windows.sh, or when it
# fails, so are the Windows zip and .vsix. Each omission is said.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$PWD"

build=build-release
out=dist
do_build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) echo "usage: scripts/dist.sh [--build DIR] [--out DIR] [--no-build]" >&2; exit 2 ;;
  esac
done
build="$(cd "$(dirname "$build")" && pwd)/$(basename "$build")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
say() { echo "dist: $*"; }
skipped=()

# 1. The Linux binary, static, and its self-containment test.
if [ "$do_build" = 1 ]; then
  generator=()
  if command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ]; then generator=(-G Ninja); fi
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIL_STATIC=ON -DMIL_UNITY=ON ${MIL_CMAKE_ARGS:-} >/dev/null
  cmake --build "$build" --target magento-integration-ls -j"$(nproc)"
  ctest --test-dir "$build" -R '^release:' --output-on-failure
fi
bin="$build/magento-integration-ls"
[ -x "$bin" ] || { echo "dist: $bin is missing (build it, or drop --no-build)" >&2; exit 1; }
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[ -n "$version" ] || { echo "dist: no project version in $build/CMakeCache.txt" >&2; exit 1; }
vsix_version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' editors/vscode/package.json)"
if [ "$vsix_version" != "$version" ]; then
  echo "dist: editors/vscode/package.json says $vsix_version, CMakeLists.txt says $version: make them agree" >&2
  exit 1
fi
say "version $version"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rm -f "$out"/magento-integration-ls*"$version"*

# The files every archive carries beside the binary.
stage() { # stage DIR
  mkdir -p "$1/docs" "$1/editors/jetbrains"
  cp README.md LICENSE "$1/"
  cp docs/check.md "$1/docs/"
  cp editors/README.md "$1/editors/"
  cp -r editors/nvim "$1/editors/nvim"
  cp -r editors/jetbrains/magento-integration-ls "$1/editors/jetbrains/"
}

# 2. linux-x64 archive (stripped binary: the .deb strips its own through cpack).
linux="magento-integration-ls-$version-linux-x64"
stage "$tmp/$linux"
strip -o "$tmp/$linux/magento-integration-ls" "$bin"
tar -C "$tmp" --owner=0 --group=0 --numeric-owner --sort=name -czf "$out/$linux.tar.gz" "$linux"
say "wrote $out/$linux.tar.gz"

# 3. Windows: scripts/build-windows.sh cross-builds build-windows/magento-integration-ls.exe.
exe="$src/build-windows/magento-integration-ls.exe"
if [ ! -f scripts/build-windows.sh ]; then
  skipped+=("win32-x64 zip and .vsix: scripts/build-windows.sh does not exist in this checkout")
  exe=""
elif [ "$do_build" = 1 ] && ! bash scripts/build-windows.sh; then
  skipped+=("win32-x64 zip and .vsix: scripts/build-windows.sh failed")
  exe=""
elif [ ! -f "$exe" ]; then
  skipped+=("win32-x64 zip and .vsix: $exe was not built")
  exe=""
fi
if [ -n "$exe" ]; then
  win="magento-integration-ls-$version-win32-x64"
  stage "$tmp/$win"
  cp "$exe" "$tmp/$win/"
  (cd "$tmp" && python3 -m zipfile -c "$out/$win.zip" "$win")
  say "wrote $out/$win.zip"
fi

# 4. Debian package.
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/deb" >/dev/null)
cp "$tmp"/deb/*.deb "$out/"
say "wrote $out/$(basename "$tmp"/deb/*.deb)"

# 5. VS Code, one .vsix per platform, each with only its own server.
if [ "$do_build" = 1 ] && command -v npm >/dev/null 2>&1 && [ ! -d editors/vscode/node_modules/@vscode/vsce ]; then
  scripts/setup-node-deps.sh
fi
if ! command -v node >/dev/null 2>&1 || [ ! -d editors/vscode/node_modules/@vscode/vsce ]; then
  skipped+=(".vsix files: node or editors/vscode/node_modules is missing (scripts/setup-node-deps.sh)")
else
  vsix() { # vsix TARGET SERVER
    node editors/vscode/scripts/package.mjs --target "$1" --server "$2" \
      --out "$out/magento-integration-ls-$1-$version.vsix" >"$tmp/vsce-$1.log" 2>&1 ||
      { cat "$tmp/vsce-$1.log" >&2; exit 1; }
    say "wrote $out/magento-integration-ls-$1-$version.vsix"
  }
  vsix linux-x64 "$tmp/$linux/magento-integration-ls"
  if [ -n "$exe" ]; then vsix win32-x64 "$exe"; fi
  rm -rf editors/vscode/server
fi

for s in "${skipped[@]}"; do say "SKIPPED $s"; done
tests/dist_check.sh "$out" "$version"
