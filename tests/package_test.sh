#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds the Debian package, then checks that
# both carry a working server binary.
set -euo pipefail
build="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
"$tmp/prefix/bin/magento-integration-ls" --version | grep '^magento-integration-ls ' >/dev/null
test -f "$tmp/prefix/share/magento-integration-ls/nvim/lua/magento_integration_ls/init.lua"
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/deb" >/dev/null)
deb="$(ls "$tmp"/deb/*.deb)"
dpkg-deb -c "$deb" | grep './usr/bin/magento-integration-ls$' >/dev/null
dpkg-deb -x "$deb" "$tmp/extracted"
"$tmp/extracted/usr/bin/magento-integration-ls" --version | grep '^magento-integration-ls ' >/dev/null
echo "install and package: ok ($(basename "$deb"))"
