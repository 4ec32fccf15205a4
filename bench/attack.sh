#!/usr/bin/env bash
# Load under attack (issue 7): a bystander stream (1 speaker -> 200 listeners, 50 frames/s,
# bench/loadgen.cpp) measured alone and while bench/attack.py churns connections, holds ~1000
# slowloris sockets, sends garbage and oversized frames, against a fresh onair-server each run.
# Usage: bench/attack.sh [repetitions]   (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=${ONAIR_BUILD_DIR:-build}
port=18766
listeners=${ONAIR_ATTACK_LISTENERS:-200}
ulimit -n "$(ulimit -Hn)"
data=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$data" "$out"' EXIT

run() { # name, attack (0/1), run number
  local name=$1 attack=$2 i=$3 sp ap=
  rm -rf "${data:?}"/*
  "$bin/app/onair-server" --port $port --open-speakers --data-dir "$data" >/dev/null 2>&1 &
  sp=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  local fds_before
  fds_before=$(ls /proc/$sp/fd | wc -l)
  if [ "$attack" = 1 ]; then
    # Starts with the load generator's connect phase; lasts its warm-up + measured window.
    python3 bench/attack.py --port $port --duration 13 >"$out/attack-$i.txt" &
    ap=$!
  fi
  echo "### $name (run $i)"
  "$bin/bench/onair-loadgen" --port $port --server-pid $sp --listeners "$listeners" --streams 1 --rate 50 \
    --size 160 --duration 10 --warmup 2 | tee "$out/$name-$i.txt"
  if [ -n "$ap" ]; then
    wait "$ap"
    cat "$out/attack-$i.txt"
  fi
  sleep 2
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
  echo "after: /health $status, server fds $fds_before before -> $(ls /proc/$sp/fd | wc -l) after, RSS $(awk '/VmRSS/{print $2" "$3}' /proc/$sp/status)"
  kill -TERM $sp; wait $sp || true
  sleep 1
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r)"
for i in $(seq 1 "$reps"); do
  run quiet 0 "$i"
  run attacked 1 "$i"
done

# Medians over the runs.
python3 - "$out" "$reps" <<'EOF'
import re, statistics, sys, glob, os
out, reps = sys.argv[1], int(sys.argv[2])
def med(xs): return statistics.median(xs) if xs else float("nan")
for name in ("quiet", "attacked"):
    p50, p99, mx, loss, scpu, lcpu = [], [], [], [], [], []
    for i in range(1, reps + 1):
        t = open(os.path.join(out, "%s-%d.txt" % (name, i))).read()
        m = re.search(r"latency ms: p50 ([\d.]+)\s+p90 [\d.]+\s+p99 ([\d.]+)\s+max ([\d.]+)", t)
        p50.append(float(m[1])); p99.append(float(m[2])); mx.append(float(m[3]))
        loss.append(float(re.search(r"loss ([\d.]+)%", t)[1]))
        m = re.search(r"server CPU: (\d+)% of one core; load generator CPU: (\d+)%", t)
        scpu.append(float(m[1])); lcpu.append(float(m[2]))
    print("median %-8s: loss %.3f%%  p50 %.2f ms  p99 %.2f ms  max %.2f ms  server CPU %.0f%%  loadgen CPU %.0f%%"
          % (name, med(loss), med(p50), med(p99), med(mx), med(scpu), med(lcpu)))
rates = {"churn": [], "garbage": [], "oversized": [], "cpu": []}
for i in range(1, reps + 1):
    t = open(os.path.join(out, "attack-%d.txt" % i)).read()
    m = re.search(r"churn (\d+) connections/s; garbage (\d+)/s; oversized frames (\d+)/s; attacker CPU (\d+)%", t)
    for k, v in zip(("churn", "garbage", "oversized", "cpu"), m.groups()):
        rates[k].append(float(v))
print("median attacker: churn %.0f conn/s, garbage %.0f/s, oversized %.0f/s, attacker CPU %.0f%%"
      % tuple(med(rates[k]) for k in ("churn", "garbage", "oversized", "cpu")))
EOF
