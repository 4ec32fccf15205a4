#!/usr/bin/env bash
# Runs the engine benchmarks of docs/benchmarks.md against a fresh onair-server each time.
# Usage: bench/run.sh [repetitions]   (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=${ONAIR_BUILD_DIR:-build}
port=18765
ulimit -n "$(ulimit -Hn)"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

run() { # name, server args, loadgen args
  local name=$1 sargs=$2 largs=$3
  for i in $(seq 1 "$reps"); do
    "$bin/app/onair-server" --port $port --open-speakers --data-dir "$data" $sargs >/dev/null 2>&1 &
    local sp=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "### $name (run $i)"
    "$bin/bench/onair-loadgen" --port $port --server-pid $sp $largs
    kill -TERM $sp; wait $sp || true
    sleep 1
  done
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r)"
run "1000 listeners, 1 stream" "" "--listeners 1000 --streams 1 --rate 50 --size 160 --duration 10 --warmup 2"
run "5000 listeners, 10 streams" "" "--listeners 5000 --streams 10 --rate 50 --size 160 --duration 10 --warmup 2"
run "15000 idle listeners" "--max-connections 19000" "--listeners 15000 --streams 10 --idle --hold 7"
