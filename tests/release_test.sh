#!/usr/bin/env bash
# The release binary is self-contained: `ldd` names nothing beyond glibc (a -DMIL_STATIC=ON
# build is fully static), and it checks the bundled example from a folder that holds only
# itself; when fully static, also inside an empty chroot (as root, or through unshare -r).
#
#   tests/release_test.sh BINARY SOURCE_DIR MIL_STATIC
#
# Exits 77 (skipped) when the build is not a static one: scripts/dist.sh builds one.
set -euo pipefail
binary="$1"
src="$2"
static="${3:-OFF}"
case "$static" in
  ON | on | 1 | TRUE | true | YES | yes) ;;
  *)
    echo "SKIP: not a release build (configure with -DMIL_STATIC=ON, as scripts/dist.sh does)"
    exit 77
    ;;
esac

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# 1. Libraries: none, or glibc's own.
libs="$(ldd "$binary" 2>&1 || true)"
fully_static=0
if grep -qE 'not a dynamic executable|statically linked' <<<"$libs"; then
  fully_static=1
  echo "ldd: fully static"
else
  others="$(grep -vE '^\s*(linux-vdso\.so|/lib64/ld-linux-x86-64\.so|(libc|libm|libpthread|libdl|librt|ld-linux-x86-64)\.so)' <<<"$libs" || true)"
  [ -z "$others" ] || fail "the binary needs libraries beyond glibc:
$others"
  echo "ldd: glibc only"
fi

# 2. From a folder that holds only the binary, on a copy of data/example.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
cp "$binary" "$tmp/bin/magento-integration-ls"
cp -r "$src/data/example" "$tmp/example"
expected="$(cd "$src" && "$binary" check data/example --format json 2>/dev/null || true)"
status=0
got="$(cd "$tmp/bin" && env -i ./magento-integration-ls check ../example --format json 2>/dev/null)" || status=$?
[ "$status" = 1 ] || fail "check of the example exited $status (want 1: it has findings)"
[ -n "$got" ] && [ "$got" = "$expected" ] || fail "check from an empty folder differs from the build tree's:
$got"
(cd "$tmp/bin" && env -i ./magento-integration-ls --version) | grep -q '^magento-integration-ls ' ||
  fail "--version printed nothing usable"
echo "runs alone: $(grep -o '"code"' <<<"$got" | wc -l) findings, as in the build tree"

# 3. Fully static: in a root file system that holds only the binary and the example. As root
# through chroot; otherwise as the root of a new user namespace (unshare -r), where allowed.
if [ "$fully_static" = 1 ]; then
  root="$tmp/root"
  mkdir -p "$root/data"
  cp "$binary" "$root/magento-integration-ls"
  cp -r "$src/data/example" "$root/data/example"
  runner=()
  if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
    runner=("$(command -v chroot)" "$root")
  elif command -v unshare >/dev/null && command -v chroot >/dev/null && unshare -r true 2>/dev/null; then
    runner=("$(command -v unshare)" -r "$(command -v chroot)" "$root")
  fi
  probe_err="$tmp/probe.err"
  if [ ${#runner[@]} = 0 ]; then
    echo "chroot: skipped (needs root, or unshare -r, and chroot)"
  elif ! env -i "${runner[@]}" /magento-integration-ls --version >/dev/null 2>"$probe_err" &&
    grep -qE '^(chroot|unshare):' "$probe_err"; then
    echo "chroot: skipped ($(head -1 "$probe_err"))" # e.g. a container without CAP_SYS_CHROOT
  else
    status=0
    in_root="$(env -i "${runner[@]}" /magento-integration-ls check data/example --format json 2>/dev/null)" || status=$?
    [ "$status" = 1 ] || fail "check inside an empty chroot exited $status:
$in_root"
    [ "$in_root" = "$expected" ] || fail "check inside an empty chroot differs:
$in_root"
    echo "chroot: the same findings in an empty root file system"
  fi
fi
echo "release binary: ok"
