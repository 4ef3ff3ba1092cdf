#!/usr/bin/env bash
# Checks what scripts/dist.sh wrote: each archive holds the files a user needs and, for the
# per-platform ones, only its own platform's server.
#
#   tests/dist_check.sh DIST_DIR VERSION
#
# The linux-x64 archive and the .deb must be there; the win32-x64 zip and the .vsix files are
# checked when present (dist.sh says when it leaves one out).
set -euo pipefail
dist="$1"
v="$2"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
has() { # has LISTING ENTRY
  grep -qxF "$2" <<<"$1" || fail "$3 lacks $2"
}
# Lists a zip's entries (the .zip and the .vsix files), one name per line.
zip_list() {
  python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
common=(README.md LICENSE docs/check.md editors/README.md
        editors/nvim/lua/magento_integration_ls/init.lua editors/nvim/lsp/magento_integration_ls.lua
        editors/jetbrains/magento-integration-ls/template.json)

# linux-x64 archive: a working binary, the docs, the Neovim plugin and the JetBrains template.
tgz="$dist/magento-integration-ls-$v-linux-x64.tar.gz"
[ -f "$tgz" ] || fail "$tgz is missing"
top="magento-integration-ls-$v-linux-x64"
list="$(tar tzf "$tgz")"
for f in magento-integration-ls "${common[@]}"; do has "$list" "$top/$f" "$(basename "$tgz")"; done
! grep -q '\.exe$' <<<"$list" || fail "$(basename "$tgz") holds a Windows executable"
grep -v "^$top/" <<<"$list" && fail "$(basename "$tgz") has entries outside $top/"
tar xzf "$tgz" -C "$tmp"
[ -x "$tmp/$top/magento-integration-ls" ] || fail "the binary in $(basename "$tgz") is not executable"
"$tmp/$top/magento-integration-ls" --version | grep -qF "$v" || fail "the binary in $(basename "$tgz") is not version $v"
echo "ok: $(basename "$tgz") ($(wc -l <<<"$list") entries)"

# win32-x64 zip: the .exe and the same files.
zip="$dist/magento-integration-ls-$v-win32-x64.zip"
if [ -f "$zip" ]; then
  top="magento-integration-ls-$v-win32-x64"
  list="$(zip_list "$zip")"
  for f in magento-integration-ls.exe "${common[@]}"; do has "$list" "$top/$f" "$(basename "$zip")"; done
  ! grep -qx "$top/magento-integration-ls" <<<"$list" || fail "$(basename "$zip") holds the Linux binary"
  echo "ok: $(basename "$zip") ($(wc -l <<<"$list") entries)"
else
  echo "not there (left out): $(basename "$zip")"
fi

# Debian package: the binary, the copyright file Debian requires, the editor files.
deb="$dist/magento-integration-ls_${v}_amd64.deb"
[ -f "$deb" ] || fail "$deb is missing"
list="$(dpkg-deb -c "$deb" | awk '{print $NF}')"
for f in ./usr/bin/magento-integration-ls ./usr/share/doc/magento-integration-ls/copyright \
  ./usr/share/magento-integration-ls/nvim/lua/magento_integration_ls/init.lua \
  ./usr/share/magento-integration-ls/jetbrains/magento-integration-ls/template.json; do
  has "$list" "$f" "$(basename "$deb")"
done
[ "$(dpkg-deb -f "$deb" Version)" = "$v" ] || fail "$(basename "$deb") is not version $v"
# Read whole before grep: `tar | grep -q` fails under pipefail when grep stops first (SIGPIPE).
copyright="$(dpkg-deb --fsys-tarfile "$deb" | tar xO ./usr/share/doc/magento-integration-ls/copyright)"
grep -q '^License: MIT' <<<"$copyright" || fail "the copyright file of $(basename "$deb") does not name the MIT license"
echo "ok: $(basename "$deb")"

# VS Code packages: each holds its own platform's server and no other.
for target in linux-x64 win32-x64; do
  vsix="$dist/magento-integration-ls-$target-$v.vsix"
  if [ ! -f "$vsix" ]; then
    echo "not there (left out): $(basename "$vsix")"
    continue
  fi
  exe=magento-integration-ls
  [ "$target" = win32-x64 ] && exe=magento-integration-ls.exe
  list="$(zip_list "$vsix")"
  servers="$(grep '^extension/server/' <<<"$list" | grep -v '/$' || true)"
  [ "$servers" = "extension/server/$target/$exe" ] ||
    fail "$(basename "$vsix") should hold extension/server/$target/$exe and no other server; it holds: ${servers:-nothing}"
  has "$list" extension/dist/extension.js "$(basename "$vsix")"
  has "$list" extension/package.json "$(basename "$vsix")"
  has "$list" extension/schemas/settings.schema.json "$(basename "$vsix")"
  python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("extension.vsixmanifest").decode())' "$vsix" |
    grep -q "TargetPlatform=\"$target\"" || fail "$(basename "$vsix") is not marked for $target"
  echo "ok: $(basename "$vsix")"
done
