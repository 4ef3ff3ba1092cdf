#!/bin/sh
# Runs the Windows build (scripts/build-windows.sh) under wine: the test executables it
# built, then real sessions compared with the Linux build's answers on the same tree:
# `check data/example --format json` (the same findings, paths compared modulo '\' and '/')
# and an LSP completion in an integration.xml over stdio and over TCP
# (tests/windows/lsp_completion.py, with the file:///z%3A/... URIs a Windows editor sends).
#   scripts/test-windows.sh [LINUX_BUILD_DIR]   (default build; its magento-integration-ls)
# Environment: MIL_WIN_BUILD (default build-windows), WINEPREFIX (default
# build-windows-deps/wineprefix).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WIN_BUILD=${MIL_WIN_BUILD:-$ROOT/build-windows}
LINUX_BIN=${1:-build}/magento-integration-ls
EXE=$WIN_BUILD/magento-integration-ls.exe
export WINEPREFIX=${WINEPREFIX:-$ROOT/build-windows-deps/wineprefix}
export WINEDEBUG=-all
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)
[ -x "$EXE" ] || { echo "test-windows: no $EXE (run scripts/build-windows.sh)" >&2; exit 1; }
[ -x "$LINUX_BIN" ] || { echo "test-windows: no $LINUX_BIN" >&2; exit 1; }
mkdir -p "$WINEPREFIX"

# One wineserver for the whole run (else each start pays ~3 s), and wine's services started
# now with stdio on /dev/null: started later they would inherit a pipe we wait on, forever.
"$WINESERVER" -p </dev/null >/dev/null 2>&1 &
"$WINE" cmd /c exit </dev/null >/dev/null 2>&1 || true
trap '"$WINESERVER" -k >/dev/null 2>&1 || true' EXIT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; "$WINESERVER" -k >/dev/null 2>&1 || true' EXIT
status=0

for t in "$WIN_BUILD"/tests/test_*.exe; do
  [ -e "$t" ] || continue
  name=$(basename "$t")
  if "$WINE" "$t" </dev/null >"$tmp/$name.log" 2>&1; then
    echo "wine: $name: $(tr -d '\r' <"$tmp/$name.log" | tail -n 2 | head -n 1)"
  else
    echo "wine: $name FAILED"; tr -d '\r' <"$tmp/$name.log" | tail -n 40; status=1
  fi
done

# check: same findings and exit code.
set +e
"$LINUX_BIN" check data/example --format json </dev/null >"$tmp/check-linux.json" 2>/dev/null
linux_rc=$?
"$WINE" "$EXE" check data/example --format json </dev/null >"$tmp/check-win.json" 2>/dev/null
win_rc=$?
set -e
if python3 - "$tmp/check-linux.json" "$tmp/check-win.json" <<'PY'
import json, sys
def load(p):
    text = open(p, encoding="utf-8").read().replace("\\\\", "/")
    return json.loads(text)
linux, win = load(sys.argv[1]), load(sys.argv[2])
def findings(j):
    return j.get("findings", j) if isinstance(j, dict) else j
if findings(linux) != findings(win):
    print("findings differ:\n linux:", json.dumps(findings(linux))[:2000], "\n windows:", json.dumps(findings(win))[:2000])
    sys.exit(1)
n = len(findings(linux)) if isinstance(findings(linux), list) else "?"
print(f"wine: check data/example --format json: the same {n} findings as Linux")
PY
then :; else status=1; fi
if [ "$linux_rc" != "$win_rc" ]; then echo "wine: check exit code $win_rc, Linux $linux_rc"; status=1; fi

# LSP over stdio: the same completion items.
python3 tests/windows/lsp_completion.py --root "$ROOT/data/example" -- "$LINUX_BIN" >"$tmp/lsp-linux.json"
# (the script also fails when the server does not end by itself on `exit`)
python3 tests/windows/lsp_completion.py --root "$ROOT/data/example" --windows-uris -- "$WINE" "$EXE" >"$tmp/lsp-win.json" ||
  { echo "wine: the LSP session over stdio failed"; status=1; }
if [ -s "$tmp/lsp-linux.json" ] && cmp -s "$tmp/lsp-linux.json" "$tmp/lsp-win.json"; then
  echo "wine: LSP completion in integration.xml: the same $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/lsp-linux.json") items as Linux"
else
  echo "wine: LSP completion differs"; echo " linux: $(head -c 600 "$tmp/lsp-linux.json")"; echo " windows: $(head -c 600 "$tmp/lsp-win.json")"
  status=1
fi
# The same session over TCP (--listen: Winsock on Windows).
python3 tests/windows/lsp_completion.py --tcp --root "$ROOT/data/example" --windows-uris -- "$WINE" "$EXE" >"$tmp/lsp-win-tcp.json" ||
  { echo "wine: the LSP session over TCP failed"; status=1; }
if [ -s "$tmp/lsp-linux.json" ] && cmp -s "$tmp/lsp-linux.json" "$tmp/lsp-win-tcp.json"; then
  echo "wine: LSP completion over TCP (--listen): the same items as Linux"
else
  echo "wine: LSP completion over TCP differs"; echo " windows: $(head -c 600 "$tmp/lsp-win-tcp.json")"
  status=1
fi
exit $status
