#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs each one for
# SECONDS (default 60), seeded from the test fixtures and data/example.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 20, scripts/fuzz.sh 3600 xml
#   scripts/fuzz.sh --check                     exit 0 when clang++ can build the targets
#
# Environment: MIL_FUZZ_JOBS=N runs N fuzzing processes per target (default 1);
# MIL_FUZZ_PARALLEL=N runs N targets at once (default 1; CI: one per core);
# MIL_FUZZ_BUILD=DIR builds elsewhere (default build-fuzz); MIL_FUZZ_PREBUILT=1 runs the
# targets already built in DIR (configured with -DMIL_FUZZ=ON) without configuring or building
# it: scripts/test.sh's short runs use build-asan/, its one clang build of the tests and the
# fuzzers (ASan + UBSan, Debug at -O1).
# The corpus grows in DIR/fuzz-corpus/<target>/ across runs. A crash or a broken invariant
# leaves its input in DIR/fuzz-artifacts/<target>/ and makes the script exit 1; turn it into a
# regression test by copying it into tests/fixtures/robust/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

# Whether clang++ can link a libFuzzer target with the sanitizers the targets use
# (fuzz/CMakeLists.txt); says what to install when not. `scripts/fuzz.sh --check` runs only
# this (scripts/test.sh decides with it whether its sanitizer build is clang's).
check_toolchain() {
  if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz: clang++ is missing (apt-get install clang libclang-rt-14-dev)" >&2
    return 2
  fi
  if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}' |
    clang++ -x c++ -fsanitize=fuzzer,address,undefined - -o /dev/null 2>/dev/null; then
    echo "fuzz: libFuzzer's runtime is missing (apt-get install libclang-rt-14-dev)" >&2
    return 2
  fi
}
if [ "${1:-}" = --check ]; then
  check_toolchain
  exit
fi

seconds="${1:-60}"
shift || true
case "$seconds" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...] | --check" >&2; exit 2 ;; esac
build="${MIL_FUZZ_BUILD:-build-fuzz}"
jobs="${MIL_FUZZ_JOBS:-1}"

if [ "${MIL_FUZZ_PREBUILT:-0}" = 1 ]; then
  if [ ! -x "$build/fuzz/make_seeds" ]; then
    echo "fuzz: MIL_FUZZ_PREBUILT=1 but $build/fuzz/ holds no built targets (-DMIL_FUZZ=ON)" >&2
    exit 2
  fi
else
  check_toolchain || exit 2

  generator=()
  if command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ]; then generator=(-G Ninja); fi
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ -DMIL_FUZZ=ON \
    -DMIL_TESTS=OFF -DMIL_UNITY=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target fuzzers -j"$(nproc)"
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$build"/fuzz/fuzz_*; do targets+=("$(basename "$exe" | sed 's/^fuzz_//')"); done
fi

seeds="$build/fuzz-seeds"
rm -rf "$seeds"
"$build/fuzz/make_seeds" "$seeds" "$PWD" >/dev/null

dict_for() {
  case "$1" in
    xml | participants | edits) echo fuzz/dict/xml.dict ;;
    php) echo fuzz/dict/php.dict ;;
    *) echo fuzz/dict/json.dict ;;
  esac
}
max_len_for() {
  case "$1" in
    session | framing) echo 16384 ;;
    *) echo 8192 ;;
  esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# One target: its run, then its summary lines (printed whole, whatever runs beside it).
run_target() {
  local t="$1" exe corpus artifacts log status execs
  exe="$build/fuzz/fuzz_$t"
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$artifacts" "$seeds/$t"
  log="$build/fuzz-$t.log"
  # -timeout: one input may take this long (the session target starts threads and indexes);
  # the outer timeout bounds the whole run even if libFuzzer itself got stuck.
  status=0
  # -jobs, even -jobs=1, makes libFuzzer run the fuzzing in a child that writes ./fuzz-0.log:
  # targets run side by side (MIL_FUZZ_PARALLEL) would share that file. One job fuzzes in the
  # process itself, its log straight into $log.
  local multi=()
  if [ "$jobs" != 1 ]; then multi=(-jobs="$jobs" -workers="$jobs"); fi
  timeout --kill-after=30 $((seconds + 120)) \
    "$exe" "$corpus" "$seeds/$t" $([ -d "tests/fixtures/robust/$t" ] && echo "tests/fixtures/robust/$t") -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
    -max_len="$(max_len_for "$t")" -dict="$(dict_for "$t")" -artifact_prefix="$artifacts/" \
    -print_final_stats=1 "${multi[@]}" >"$log" 2>&1 || status=$?
  if [ "$jobs" != 1 ]; then cat fuzz-*.log >>"$log" 2>/dev/null || true; rm -f fuzz-*.log; fi
  execs="$( (grep -h 'stat::number_of_executed_units' "$log" || true) | awk '{s += $2} END {print s + 0}')"
  # A run that executed nothing (or whose statistics were lost) tested nothing.
  if [ "$status" = 0 ] && [ "$execs" = 0 ]; then status=3; fi
  {
    echo "== fuzz_$t for ${seconds}s: $execs executions, corpus $(find "$corpus" -type f | wc -l) inputs"
    if [ "$status" != 0 ]; then
      if [ "$execs" = 0 ]; then echo "fuzz_$t: no execution recorded (stat::number_of_executed_units)"; fi
      echo "fuzz_$t FAILED (exit $status); log: $log; inputs:"
      ls "$artifacts" || true
      grep -m 20 -E 'ERROR|invariant broken|runtime error|SUMMARY' "$log" || true
    fi
  } >&2
  return "$status"
}

for t in "${targets[@]}"; do
  [ -x "$build/fuzz/fuzz_$t" ] || { echo "fuzz: no target '$t'" >&2; exit 2; }
done
# MIL_FUZZ_PARALLEL=N: N targets at once (one process each; with MIL_FUZZ_JOBS > 1 they run
# one after another, since libFuzzer's jobs write their logs in the working folder).
parallel="${MIL_FUZZ_PARALLEL:-1}"
case "$parallel" in '' | *[!0-9]* | 0) parallel=1 ;; esac
[ "$jobs" = 1 ] || parallel=1
failed=()
declare -A running=() # pid -> target
reap() {
  local pid status=0
  wait -n -p pid "${!running[@]}" || status=$?
  [ "$status" = 0 ] || failed+=("${running[$pid]}")
  unset "running[$pid]"
}
for t in "${targets[@]}"; do
  while [ "${#running[@]}" -ge "$parallel" ]; do reap; done
  run_target "$t" &
  running[$!]="$t"
done
while [ "${#running[@]}" -gt 0 ]; do reap; done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no crash in ${targets[*]}"
