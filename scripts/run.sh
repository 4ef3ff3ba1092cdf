#!/usr/bin/env bash
# Sets up, builds, and checks a Magento tree (default: the bundled example in data/example).
# Extra arguments after the tree go to `check` (e.g. --format sarif). The tree is resolved
# from the folder the script was started in, before the script changes to the repository.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -gt 0 ]; then
  tree="$1"
  shift
  case "$tree" in /*) ;; *) tree="$PWD/$tree" ;; esac
else
  tree="$repo/data/example"
fi
cd "$repo"
scripts/setup.sh >&2
exec build/magento-integration-ls check "$tree" "$@"
