#!/usr/bin/env bash
# scripts/dist.sh on an existing build (--no-build), into a temporary folder; dist.sh ends by
# checking every archive it wrote (tests/dist_check.sh).
#   tests/dist_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$1/scripts/dist.sh" --no-build --build "$2" --out "$out"
