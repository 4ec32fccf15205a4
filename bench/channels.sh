#!/usr/bin/env bash
# Human interpreters (issue 21) on loopback: floor → booth and interpreter → listener latency
# (p50/p99), and the listener's gap at hand-overs and at fallback switches (the person leaves →
# the floor's own audio; the person returns). Medians over RUNS (default 3) of each figure.
# usage: bench/channels.sh [runs] [seconds] [switches]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-10}
switches=${3:-20}
build=${ONAIR_BUILD_DIR:-build}
cmake --build "$build" --target onair-server onair-channelbench >/dev/null
bin=$build/app/onair-server
bench=$build/bench/onair-channelbench
out=$(mktemp)
for run in $(seq "$runs"); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d)
  "$bin" --port "$port" --data-dir "$data" --open-speakers >"$data/log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  token=$("$bin" token --role admin --data-dir "$data")
  ONAIR_ADMIN_TOKEN=$token "$bench" --port "$port" --seconds "$seconds" --switches "$switches" | tee -a "$out"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$data"
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("median of %d runs (ms):" % len(rows))
for key in rows[0]:
    p50 = statistics.median(r[key]["p50"] for r in rows)
    p99 = statistics.median(r[key]["p99"] for r in rows)
    mx = max(r[key]["max"] for r in rows)
    print("  %-28s p50 %6.1f  p99 %6.1f  max %6.1f  (n=%d per run)" % (key, p50, p99, mx, rows[0][key]["n"]))
PY
rm -f "$out"
