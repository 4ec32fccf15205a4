#!/usr/bin/env bash
# Cross-replica cost (issue 6): three onair-server replicas joined through a local
# redis-server, driven by onair-loadgen. Compares listeners on the speaker's own replica with
# listeners on another replica, and spreads listeners over all three.
# Usage: bench/cluster.sh [repetitions]   (build first: scripts/build.sh; needs redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=${ONAIR_BUILD_DIR:-build}
rport=16390
ports=(18801 18802 18803)
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

redis-server --port $rport --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p $rport ping >/dev/null 2>&1 && break; sleep 0.1; done

cpu_ticks() { # utime+stime of the given pids, in clock ticks
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo $t
}
start_replicas() {
  local i
  for i in 0 1 2; do
    mkdir -p "$work/r$i"
    "$bin/app/onair-server" --port "${ports[$i]}" --open-speakers --data-dir "$work/r$i" \
      --redis "redis://127.0.0.1:$rport" --replica-id "r$((i + 1))" --max-connections 19000 >/dev/null 2>&1 &
    rpids[$i]=$!
  done
  for i in 0 1 2; do
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:${ports[$i]}/health" | grep -q '"status":"ok"' && break; sleep 0.1; done
  done
  sleep 1 # presence: every replica sees the others
}
stop_replicas() { local p; for p in "${rpids[@]}"; do kill -TERM "$p"; wait "$p" || true; done; }

run() { # name, loadgen args
  local name=$1; shift
  for i in $(seq 1 "$reps"); do
    start_replicas
    echo "### $name (run $i)"
    local t0 c0 c1 t1
    t0=$(date +%s.%N); c0=$(cpu_ticks "${rpids[@]}" "${pids[0]}")
    "$bin/bench/onair-loadgen" --server-pid "${rpids[0]}" "$@"
    t1=$(date +%s.%N); c1=$(cpu_ticks "${rpids[@]}" "${pids[0]}")
    awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v t0="$t0" -v t1="$t1" \
      'BEGIN { printf "replicas + redis CPU: %.0f%% of one core (whole run, connecting included)\n", 100 * c / hz / (t1 - t0) }'
    stop_replicas
    sleep 1
  done
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), redis $(redis-server --version | awk '{print $3}')"
common=(--rate 50 --size 160 --duration 10 --warmup 2)
# The hop itself, at light load: 10 listeners, local vs on another replica.
run "hop, local: speaker and 10 listeners on r1" --port 18801 --listeners 10 --streams 1 --rate 50 --size 160 --duration 20 --warmup 2
run "hop, cross: speaker on r1, 10 listeners on r2" --port 18802 --speaker-port 18801 --listeners 10 --streams 1 --rate 50 --size 160 --duration 20 --warmup 2
[ "${ONAIR_BENCH_ONLY:-}" = hop ] && exit 0
run "local: speaker and 1000 listeners on r1" --port 18801 --listeners 1000 --streams 1 "${common[@]}"
run "cross: speaker on r1, 1000 listeners on r2" --port 18802 --speaker-port 18801 --listeners 1000 --streams 1 "${common[@]}"
run "spread: speaker on r1, 1000 listeners over r1,r2,r3" --port 18801 --listener-ports 18801,18802,18803 --listeners 1000 --streams 1 "${common[@]}"
run "spread: 10 speakers on r1, 3000 listeners over r1,r2,r3" --port 18801 --listener-ports 18801,18802,18803 --listeners 3000 --streams 10 "${common[@]}"
