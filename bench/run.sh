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
[ "${ONAIR_BENCH_ONLY:-}" = text ] || run "1000 listeners, 1 stream" "" "--listeners 1000 --streams 1 --rate 50 --size 160 --duration 10 --warmup 2"
[ "${ONAIR_BENCH_ONLY:-}" = text ] || run "5000 listeners, 10 streams" "" "--listeners 5000 --streams 10 --rate 50 --size 160 --duration 10 --warmup 2"
[ "${ONAIR_BENCH_ONLY:-}" = text ] || run "15000 idle listeners" "--max-connections 19000" "--listeners 15000 --streams 10 --idle --hold 7"

# Banners and file events (issue 3): time from the POST / the file write to each client.
banner_run() { # clients
  local n=$1
  for i in $(seq 1 "$reps"); do
    rm -rf "$data"/*
    "$bin/app/onair-server" --port $port --data-dir "$data" --max-connections 19000 --max-listeners 19000 >/dev/null 2>&1 &
    local sp=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    local token
    token=$("$bin/app/onair-server" token --role admin --data-dir "$data")
    echo "### banner to $n listeners (run $i)"
    "$bin/bench/onair-loadgen" --port $port --server-pid $sp --listeners "$n" --streams 10 --banners 20 --token "$token"
    kill -TERM $sp; wait $sp || true
    sleep 1
  done
}
file_run() { # clients
  local n=$1 watch
  watch=$(mktemp -d)
  for i in $(seq 1 "$reps"); do
    "$bin/app/onair-server" --port $port --data-dir "$data" --watch "$watch" >/dev/null 2>&1 &
    local sp=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "### file event to $n events clients (run $i)"
    "$bin/bench/onair-loadgen" --port $port --events --listeners "$n" --files 50 --gap 0.05 --watch-dir "$watch"
    kill -TERM $sp; wait $sp || true
    rm -f "$watch"/*
    sleep 1
  done
  rm -rf "$watch"
}
if [ "${ONAIR_BENCH_ONLY:-}" != engine ]; then
  banner_run 1000
  banner_run 10000
  file_run 100
  file_run 1000
fi
