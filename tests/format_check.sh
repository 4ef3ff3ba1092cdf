#!/usr/bin/env bash
# The C++ sources are formatted as .clang-format says: clang-format would change nothing.
# Usage: format_check.sh SOURCE_DIR [CLANG_FORMAT]
set -euo pipefail
cd "$1"
clang_format="${2:-clang-format}"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp')
else
  mapfile -t files < <(find src include server bench fuzz tests -name '*.cpp' -o -name '*.hpp' | sort)
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "format_check: no C++ sources found under $1" >&2
  exit 1
fi
"$clang_format" --dry-run --Werror "${files[@]}"
echo "format_check: ${#files[@]} files formatted"
