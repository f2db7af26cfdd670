#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer + ASan + UBSan), replays the
# committed seed corpora (tests/fuzz/corpus/<target>/) through CTest, then
# fuzzes every target for FUZZ_SECONDS (default 60) each, the targets side
# by side (one core each). Fails on any crash, sanitizer report, leak,
# broken invariant, or input slower than FUZZ_TIMEOUT (default 20) s: a hang.
# Every input takes milliseconds; 5 s was once exceeded by a millisecond input
# on a machine at load 9 (ASan returning memory to the OS), so the limit
# leaves room for a busy machine and still catches a loop. New inputs go to
# build-fuzz/fuzz-work/<target>/corpus (the committed corpus is only read);
# a failing input is saved in build-fuzz/fuzz-work/<target>/ as crash-*,
# leak-* or timeout-*: replay it with build-fuzz/fuzz_<target> <file>.
#
#   scripts/fuzz.sh                       # 60 s per target
#   FUZZ_SECONDS=1800 scripts/fuzz.sh     # a longer campaign
#   FUZZ_TARGETS=protocol scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
timeout="${FUZZ_TIMEOUT:-20}"
read -r -a targets <<< "${FUZZ_TARGETS:-linescanner protocol}"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz

pids=()
for target in "${targets[@]}"; do
  work="build-fuzz/fuzz-work/$target"
  mkdir -p "$work/corpus"
  echo "=== fuzz_$target: ${seconds} s, log $work/fuzz.log"
  build-fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" "tests/fuzz/corpus/$target" >"$work/fuzz.log" 2>&1 &
  pids+=($!)
done

failed=()
for i in "${!targets[@]}"; do
  target="${targets[$i]}"
  log="build-fuzz/fuzz-work/$target/fuzz.log"
  if wait "${pids[$i]}"; then
    echo "=== fuzz_$target: passed"
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" || true
  else
    echo "=== fuzz_$target: FAILED"
    tail -n 80 "$log"
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzing FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing passed: ${targets[*]} (${seconds} s each)"
