#!/usr/bin/env bash
# What recording costs (docs/benchmarks.md, issue 20): the same fan-out load with and without
# --record-all, in alternating runs against a fresh onair-server each time.
#   bench/recording.sh [repetitions] [listeners] [streams] [frame bytes]
# The load generator's speakers send raw frames without a hello: the engine takes them as PCM
# (48 kHz mono s16le), so each recorded stream is Opus-encoded once on the recorder thread —
# the dearer case (an Opus speaker's packets are written as they are). 1920 B = 20 ms of PCM.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}; listeners=${2:-500}; streams=${3:-10}; size=${4:-1920}
bin=${ONAIR_BUILD_DIR:-build}
port=18766
ulimit -n "$(ulimit -Hn)"
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r): $listeners listeners over $streams streams, $size B frames at 50/s"
for i in $(seq 1 "$reps"); do
  for mode in off on; do
    data=$(mktemp -d)
    args=(--port $port --open-speakers --data-dir "$data")
    [ $mode = on ] && args+=(--record-all)
    "$bin/app/onair-server" "${args[@]}" >/dev/null 2>&1 &
    sp=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "### recording $mode (run $i)"
    "$bin/bench/onair-loadgen" --port $port --server-pid $sp --listeners "$listeners" --streams "$streams" \
      --rate 50 --size "$size" --duration 10 --warmup 2
    if [ $mode = on ]; then
      echo "recordings: $(curl -fs "http://127.0.0.1:$port/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["components"]["recording"])')"
      echo "files: $(find "$data/recordings" -name '*.ogg' | wc -l), $(du -sk "$data/recordings" | cut -f1) KiB"
      echo "dropped before the disk: $(curl -fs "http://127.0.0.1:$port/metrics" | grep '^onair_recording_dropped_total' | awk '{print $2}')"
    fi
    kill -TERM $sp; wait $sp || true
    rm -rf "$data"
    sleep 1
  done
done
