#!/usr/bin/env bash
# Standard players under load (docs/benchmarks.md "Players"): a fresh onair-server per run, one
# speaker, N MP3 and M Ogg HTTP players from bench/playerbench.cpp.
# Usage: bench/players.sh [repetitions]   (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=${ONAIR_BUILD_DIR:-build}
port=18766
ulimit -n "$(ulimit -Hn)"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
run() { # name, playerbench args
  local name=$1 args=$2
  for i in $(seq 1 "$reps"); do
    "$bin/app/onair-server" --port $port --open-speakers --data-dir "$data" >/dev/null 2>&1 &
    local sp=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "### $name (run $i)"
    "$bin/bench/onair-playerbench" --port $port --server-pid $sp $args
    curl -fs "http://127.0.0.1:$port/health/connections" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("player_outputs", json.dumps(d["player_outputs"]))' || true
    kill -TERM $sp; wait $sp || true
    sleep 1
  done
}
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r)"
run "1 speaker (Opus), 0 players" "--mp3 0 --ogg 0"
run "1000 MP3 players" "--mp3 1000 --ogg 0"
run "1000 Ogg players" "--mp3 0 --ogg 1000"
run "1000 MP3 + 1000 Ogg players" "--mp3 1000 --ogg 1000"
