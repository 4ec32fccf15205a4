#!/usr/bin/env bash
# Failover behind nginx (issue 18): runs tests/system/tst_failover.cpp — nginx in front of three
# replicas (redis-server, a throwaway PostgreSQL), 300 listeners and 100 events clients through
# nginx; kill -9 of a listeners' replica, of the speaker's replica, a rolling restart, events
# resumed with `since` — N times, and prints each run's figures and a summary (median of runs).
# Usage: bench/failover.sh [repetitions]   (needs scripts/deps.sh test: nginx, redis-server, postgresql)
# ONAIR_FAILOVER_LISTENERS / ONAIR_FAILOVER_EVENTS change the client counts.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=${ONAIR_BUILD_DIR:-build}
cmake --build "$bin" --target tst_failover onair-server >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
out=$(mktemp)
trap 'rm -f "$out"' EXIT

status=0
for i in $(seq 1 "$reps"); do
  echo "== run $i/$reps"
  if ! QT_QPA_PLATFORM=offscreen ONAIR_SERVER_BIN="$bin/app/onair-server" ONAIR_SOURCE_DIR="$PWD" \
      "$bin/tests/tst_failover" >"$out.run" 2>&1; then
    status=1
    grep -E '^(FAIL|   Loc|   Actual|   Expected|QWARN)|warning: history' "$out.run" | cut -c1-400 || true
  fi
  grep -o 'failover: .*' "$out.run" | grep -v 'seed\|connected through' | sed 's/^/  /'
  grep -o 'failover: .*' "$out.run" | sed "s/^/run$i /" >>"$out"
  rm -f "$out.run"
done

# One line per figure: the value of each run, then the median.
summary() { # label, grep pattern selecting the line, sed expression extracting the number
  local vals
  vals=$(grep -E "$2" "$out" | sed -E "$3" | grep -E '^[0-9.]+$' || true)
  [ -n "$vals" ] || return 0
  printf '%-58s %s  (median %s)\n' "$1" "$(echo "$vals" | paste -sd' ')" \
    "$(echo "$vals" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}
echo "== summary over $reps runs (each run's value, then the median)"
summary "kill -9 listeners' replica: gap p50 ms" 'its listeners' 's/.*gap p50 ([0-9]+) ms.*/\1/'
summary "kill -9 listeners' replica: gap p99 ms" 'its listeners' 's/.*p99 ([0-9]+) ms, max.*/\1/'
summary "kill -9 listeners' replica: gap max ms" 'its listeners' 's/.*, max ([0-9]+) ms;.*/\1/'
summary "kill -9 speaker's replica: speaker on air again after ms" "the speaker's," 's/.* ([0-9]+) ms after the kill.*/\1/'
summary "kill -9 speaker's replica: listeners' gap p50 ms" "the speaker's," 's/.*gap p50 ([0-9]+) ms.*/\1/'
summary "kill -9 speaker's replica: listeners' gap p99 ms" "the speaker's," 's/.*gap p50 [0-9]+ ms, p99 ([0-9]+) ms.*/\1/'
summary "kill -9 speaker's replica: listeners' gap max ms" "the speaker's," 's/.*p99 [0-9]+ ms, max ([0-9]+) ms \(bound.*/\1/'
summary "rolling restart: longest gap ms" 'the longest gap any listener' 's/.*had ([0-9]+) ms.*/\1/'
summary "events: published" 'events: ' 's/.*events: ([0-9]+) published.*/\1/'
summary "events: lost" 'events: ' 's/.*lost ([0-9]+),.*/\1/'
summary "events: duplicated" 'events: ' 's/.*duplicated ([0-9]+).*/\1/'
summary "test wall time s" 'wall time' 's/.*wall time ([0-9.]+) s.*/\1/'
exit "$status"
