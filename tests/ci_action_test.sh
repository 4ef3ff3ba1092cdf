#!/usr/bin/env bash
# The script part of action.yml and of ci/gitlab-ci.yml, run here on a copy of data/example
# with the binary just built (no download): the SARIF file is written, annotations are printed,
# the exit status follows --fail-on; GitLab mode writes its report.
set -euo pipefail
src="$1"
bin="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src/data/example/." "$work/"
cd "$work"
fail() { echo "ci_action_test: $1" >&2; exit 1; }

set +e
MIL_BINARY="$bin" MIL_NO_DOWNLOAD=1 bash "$src/scripts/ci-action.sh" >out.txt 2>err.txt
status=$?
set -e
[ "$status" = 1 ] || fail "expected exit 1 (errors in the example), got $status: $(cat err.txt)"
grep -q '^::error file=app/code/Acme/Connector/etc/integration.xml,line=' out.txt ||
  fail "no GitHub error annotation: $(head -5 out.txt)"
python3 - <<'PY' || fail "the SARIF report is not what code scanning takes"
import json
doc = json.load(open("magento-integration-ls.sarif"))
assert doc["version"] == "2.1.0"
results = doc["runs"][0]["results"]
assert results, "no results"
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
assert all(not u.startswith("/") for u in uris), uris
assert any(u.startswith("app/code/Acme/") for u in uris), uris
PY

MIL_BINARY="$bin" MIL_NO_DOWNLOAD=1 MIL_FAIL_ON=never MIL_SARIF=out/report.sarif \
  MIL_PATHS="app/code/Acme" bash "$src/scripts/ci-action.sh" >out2.txt 2>err2.txt ||
  fail "fail-on never still failed: $(cat err2.txt)"
[ -s out/report.sarif ] || fail "MIL_SARIF was not written"

MIL_BINARY="$bin" MIL_NO_DOWNLOAD=1 MIL_FAIL_ON=never MIL_GITLAB_REPORT=gl.json \
  bash "$src/scripts/ci-action.sh" >out3.txt 2>err3.txt || fail "GitLab mode failed: $(cat err3.txt)"
python3 -c 'import json; r = json.load(open("gl.json")); assert r and all("fingerprint" in i for i in r)' ||
  fail "the GitLab report is not a Code Quality array"
grep -q 'app/code/Acme/Connector/etc/integration.xml:' out3.txt || fail "no text findings in GitLab mode"
echo "ci_action_test: action script passed (github and gitlab modes)"
