#!/usr/bin/env bash
# Sets up, builds, and checks a Magento tree (default: the bundled example in data/example).
# Extra arguments after the tree go to `check` (e.g. --format sarif).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
tree="${1:-data/example}"
shift || true
exec build/magento-integration-ls check "$tree" "$@"
