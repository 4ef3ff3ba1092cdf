#!/usr/bin/env bash
# The script part of action.yml (and of any CI job): puts magento-integration-ls on hand, writes
# the SARIF report, then prints GitHub annotations and exits as `check` does.
#
# Environment (all optional):
#   MIL_PATHS    folders or files to check, separated by spaces (default: .)
#   MIL_FAIL_ON  error (default), warning, info, hint or never
#   MIL_SARIF    the SARIF report's file (default: magento-integration-ls.sarif)
#   MIL_ARGS     more options for check (e.g. --baseline accepted.json)
#   MIL_BINARY   a magento-integration-ls to use as it is
#   MIL_VERSION  the release to download when none is on the PATH: latest (default) or X.Y.Z
#   MIL_SOURCE   the checker's source, built when no release fits (default: this repository)
#   MIL_NO_DOWNLOAD=1  never download (build from source instead)
#   MIL_GITLAB_REPORT  GitLab: write the Code Quality report there and print text findings
#                      (instead of the SARIF report and GitHub annotations)
set -euo pipefail

repo_url="https://github.com/magento-integration-ls/magento-integration-ls"
source_dir="${MIL_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
tools="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/magento-integration-ls-action"

find_binary() {
  if [ -n "${MIL_BINARY:-}" ]; then
    [ -x "$MIL_BINARY" ] || { echo "ci-action: MIL_BINARY '$MIL_BINARY' is not an executable" >&2; exit 2; }
    echo "$MIL_BINARY"
    return
  fi
  if command -v magento-integration-ls >/dev/null 2>&1; then
    command -v magento-integration-ls
    return
  fi
  if [ "${MIL_NO_DOWNLOAD:-0}" != 1 ] && [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] &&
     command -v curl >/dev/null 2>&1; then
    local version="${MIL_VERSION:-latest}" url
    if [ "$version" = latest ]; then
      # The latest release's tag, from where GitHub redirects .../releases/latest.
      version="$(curl -fsSL -o /dev/null -w '%{url_effective}' "$repo_url/releases/latest" 2>/dev/null |
        sed -n 's|.*/tag/v||p')"
    fi
    url="$repo_url/releases/download/v$version/magento-integration-ls-$version-linux-x64.tar.gz"
    mkdir -p "$tools/release"
    if curl -fsSL --retry 2 "$url" -o "$tools/release.tar.gz" 2>/dev/null &&
       tar -xzf "$tools/release.tar.gz" -C "$tools/release" 2>/dev/null; then
      local found
      found="$(find "$tools/release" -type f -name magento-integration-ls -perm -u+x | head -n1)"
      if [ -n "$found" ]; then echo "$found"; return; fi
    fi
    echo "ci-action: no release at $url; building from source" >&2
  fi
  build_from_source
}

build_from_source() {
  if [ ! -f "$source_dir/CMakeLists.txt" ]; then
    echo "ci-action: no magento-integration-ls found, and no source at '$source_dir' to build" >&2
    exit 2
  fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq --no-install-recommends g++ cmake ninja-build \
      nlohmann-json3-dev libpugixml-dev libfmt-dev libboost-dev >&2
  fi
  cmake -S "$source_dir" -B "$tools/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMIL_TESTS=OFF >&2
  cmake --build "$tools/build" --target magento-integration-ls >&2
  echo "$tools/build/magento-integration-ls"
}

bin="$(find_binary)"
echo "ci-action: using $bin ($("$bin" --version))" >&2
read -r -a paths <<<"${MIL_PATHS:-.}"
read -r -a extra <<<"${MIL_ARGS:-}"
sarif="${MIL_SARIF:-magento-integration-ls.sarif}"
mkdir -p "$(dirname "$sarif")"

if [ -n "${MIL_GITLAB_REPORT:-}" ]; then
  mkdir -p "$(dirname "$MIL_GITLAB_REPORT")"
  "$bin" check --quiet --format gitlab --output "$MIL_GITLAB_REPORT" --fail-on never \
    "${extra[@]}" "${paths[@]}"
  exec "$bin" check --fail-on "${MIL_FAIL_ON:-error}" "${extra[@]}" "${paths[@]}"
fi

# The SARIF report of every finding (SARIF paths are relative to the root: the repository).
"$bin" check --quiet --format sarif --output "$sarif" --fail-on never --root . "${extra[@]}" \
  "${paths[@]}"
# Annotations on the pull request; the exit status of the step.
exec "$bin" check --format github --fail-on "${MIL_FAIL_ON:-error}" "${extra[@]}" "${paths[@]}"
