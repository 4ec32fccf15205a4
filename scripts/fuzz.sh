#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) into build-fuzz/ and runs
# each for N seconds (default 10) on a copy of its committed corpus (the committed corpus is
# never grown here). Prints each target's executions and coverage; exits non-zero on any crash,
# leak, timeout, out-of-memory or broken invariant, leaving the input that did it in
# build-fuzz/fuzz-artifacts/<target>/. See docs/fuzzing.md.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
shift || true
all=(control hello token ids rest frames envelope http since report range)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

bash scripts/deps.sh fuzz
dir=${ONAIR_FUZZ_BUILD_DIR:-build-fuzz}
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
start=$(date +%s)
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S . -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
    -DONAIR_FUZZ=ON -DONAIR_WERROR=ON >/dev/null
fi
cmake --build "$dir" --parallel "$(nproc)" >/dev/null
built=$(date +%s)
echo "fuzz: built in $((built - start)) s; ${secs} s per target"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
# One target: fuzz it, then write its summary line to $work/$t/summary.
run_one() {
  local t=$1 bin="$dir/tests/fuzz/fuzz_$1" status=ok dict=()
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$work/$t/corpus/"
  case $t in
    ids) dict=(-dict=tests/fuzz/ids.dict) ;;
    http) dict=(-dict=tests/fuzz/http.dict) ;;
    frames) ;;
    *) dict=(-dict=tests/fuzz/json.dict) ;;
  esac
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$work/$t/artifacts/" "${dict[@]}" "$work/$t/corpus" >"$work/$t/log" 2>&1 || status=FAILED
  local execs line cov ft corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log" | tail -1)
  line=$(grep -E '(DONE|pulse|NEW|REDUCE|INITED) +cov:' "$work/$t/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$line")
  [ -n "$execs" ] && [ "$execs" -gt 0 ] || status=FAILED
  echo "$status ${execs:-0}" >"$work/$t/status"
  printf 'fuzz_%-9s %-6s %10s execs  cov %5s  ft %6s  corpus %5s\n' "$t" "$status" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
    >"$work/$t/summary"
}

for t in "${targets[@]}"; do
  [ -x "$dir/tests/fuzz/fuzz_$t" ] || { echo "fuzz: no target '$t' (one of: ${all[*]})" >&2; exit 2; }
done
# As many targets at a time as there are cores (ONAIR_FUZZ_JOBS), each one process.
jobs=${ONAIR_FUZZ_JOBS:-$(nproc)}
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" &
done
wait

failed=()
total=0
for t in "${targets[@]}"; do
  cat "$work/$t/summary"
  read -r status execs <"$work/$t/status"
  total=$((total + execs))
  if [ "$status" != ok ]; then
    failed+=("$t")
    mkdir -p "$dir/fuzz-artifacts/$t"
    cp "$work/$t/artifacts/"* "$dir/fuzz-artifacts/$t/" 2>/dev/null || true
    grep -E -A25 'ERROR:|runtime error|invariant failed|deadly signal' "$work/$t/log" | head -60 >&2 || tail -40 "$work/$t/log" >&2
    echo "fuzz_$t: reproduce with $dir/tests/fuzz/fuzz_$t $dir/fuzz-artifacts/$t/<file>" >&2
  fi
done
echo "fuzz: $total inputs in $(( $(date +%s) - built )) s ($jobs at a time); build + run $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
