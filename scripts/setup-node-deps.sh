#!/usr/bin/env bash
# Installs the npm dependencies of the editor clients and their tests with `npm ci`
# (exact versions from each package-lock.json; install scripts are not run: nothing needs them).
# A folder is skipped when its node_modules was installed from the same lock file.
#   scripts/setup-node-deps.sh [--force]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
force=0
[[ "${1:-}" == "--force" ]] && force=1

if ! command -v npm >/dev/null 2>&1; then
  echo "setup-node-deps: npm not found; the Node-based client tests will be skipped" >&2
  exit 0
fi

for dir in editors/vscode tests/e2e-node; do
  lock="$root/$dir/package-lock.json"
  stamp="$root/$dir/node_modules/.installed-from-lock"
  [[ -f "$lock" ]] || { echo "setup-node-deps: $dir has no package-lock.json" >&2; exit 1; }
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [[ $force -eq 0 && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "setup-node-deps: $dir is up to date"
    continue
  fi
  echo "setup-node-deps: npm ci in $dir"
  (cd "$root/$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
done
