#!/usr/bin/env bash
# Live interpretation benchmark: end of utterance → first translated audio frame at a
# listener of <stream>~es (p50/p99), and the server's CPU per translated stream (the same
# speech with and without --translate es). Medians over RUNS (default 3).
# usage: bench/interpretation.sh [runs] [rounds-of-6-sentences]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
rounds=${2:-2}
build=${ONAIR_BUILD_DIR:-build}
cmake --build "$build" --target onair-server onair-interpbench >/dev/null
bin=$build/app/onair-server
bench=$build/bench/onair-interpbench
hz=$(getconf CLK_TCK)

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }

one() { # $1: extra server args; prints "cpu_percent_of_one_core json"
  local port data pid before after t0 t1 out
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d)
  "$bin" --port "$port" --data-dir "$data" --open-speakers --workers 1 $1 >"$data/log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  before=$(cpu_of $pid); t0=$(date +%s.%N)
  out=$("$bench" --port "$port" --stream bench --rounds "$rounds" || true)
  after=$(cpu_of $pid); t1=$(date +%s.%N)
  # The server's own view of the stages (latency p50/p99 per stage), printed as one line.
  curl -sf "http://127.0.0.1:$port/health" | python3 -c '
import json,sys
h=json.load(sys.stdin)["interpretation"]
for s in h.get("sessions",[]):
  print("  stages:", ", ".join("%s p50 %d p99 %d ms" % (st["stage"], st["latency_ms"]["p50"], st["latency_ms"]["p99"]) for st in s["stages"]),
        "| server end_to_audio p50 %d ms" % s["channels"][0]["end_to_audio_ms"]["p50"])' >&2 || true
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$data"
  python3 -c "print(round(100*($after-$before)/$hz/($t1-$t0),1), '$out')"
}

echo "runs=$runs rounds=$rounds (each round: 6 sentences, 1.2 s pauses); $(nproc) cores"
for i in $(seq "$runs"); do
  echo "translate:      $(one '--translate es')"
  echo "translate fast: $(one '--translate es --stt-second-pass 0')"
  echo "baseline:       $(one '')"
done
