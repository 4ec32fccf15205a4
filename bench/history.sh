#!/usr/bin/env bash
# Topic history (docs/benchmarks.md "Nothing missed: history and resume"), with
# build/bench/onair-historybench:
#  resume  1,000 forced disconnects: 3 replicas + redis-server + PostgreSQL, 200 events/s over 20
#          topics, 100 events clients resuming with `since` on random replicas, one replica
#          killed -9 and restarted, Redis killed -9 and restarted; lost / duplicated events
#          against the database, reconnect -> caught up.
#  cost    publish throughput and publish -> event latency, history on vs --no-history, on
#          SQLite (one replica) and PostgreSQL (--database), the four alternating in each round.
# Usage: bench/history.sh [repetitions]   (build first; needs redis-server and PostgreSQL 15:
#        ONAIR_DEPS_PROFILE=test scripts/build.sh). ONAIR_BENCH_ONLY=resume|cost runs one part.
# Every result is also a JSON line in $ONAIR_HISTORY_OUT (default: a file named at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=${ONAIR_BUILD_DIR:-build}
pgport=${ONAIR_PG_PORT:-15439}
rport=16391
ports=18811,18812,18813
cport=18821
secret=history-bench-secret-0123456789
out=${ONAIR_HISTORY_OUT:-$(mktemp /tmp/onair-history-XXXXXX.jsonl)}
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
pgdir=$(mktemp -d) # its own: as root, pg-test-server.sh hands it to the postgres user
server=""
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  bash scripts/pg-test-server.sh stop "$pgdir" "$pgport" || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

# PostgreSQL: the tests' throwaway server, made durable like a production one (the test script
# turns fsync off; every commit here waits for its fsync). ONAIR_PG_DURABLE=0 keeps it off.
bash scripts/pg-test-server.sh start "$pgdir" "$pgport"
pgbin=${ONAIR_PG_BIN:-/usr/lib/postgresql/15/bin}
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
psql_su() { (cd "$pgdir" && "${as_pg[@]}" "$pgbin/psql" -X -q -h "$pgdir" -p "$pgport" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA "$@"); }
if [ "${ONAIR_PG_DURABLE:-1}" = 1 ]; then
  psql_su -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
fi
fresh_db() { psql_su -c "DROP DATABASE IF EXISTS onair WITH (FORCE)" -c "CREATE DATABASE onair OWNER onair" >/dev/null; }
db="postgresql://onair:onair%3Ap%40ss@127.0.0.1:$pgport/onair"
token=$("$bin/app/onair-server" token --role admin --secret "$secret" --ttl 1d)

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), redis $(redis-server --version | awk '{print $3}'), $("$pgbin/postgres" --version)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL fsync: $(psql_su -c "SHOW fsync")"

resume_runs() {
  local i
  for i in $(seq 1 "$reps"); do
    fresh_db
    mkdir -p "$work/resume-$i"
    echo "### 1,000 forced disconnects, a replica killed, Redis restarted (run $i)"
    "$bin/bench/onair-historybench" --mode resume --server-bin "$bin/app/onair-server" --database "$db" \
      --data-root "$work/resume-$i" --ports "$ports" --redis-port "$rport" --secret "$secret" \
      --clients 100 --topics 20 --per-client 3 --rate 200 --disconnects 1000 --disconnect-rate 20 \
      --kill-at 15 --kill-for 3 --redis-at 32 --redis-down 2 --redis-retry-max 1000 | tee "$work/last.txt" || echo "(exit $?: see above)"
    tail -n 1 "$work/last.txt" | sed "s/^{/{\"run\":$i,/" >>"$out"
  done
}

start_server() { # data dir, extra args...
  local data=$1
  shift
  mkdir -p "$data"
  "$bin/app/onair-server" --port "$cport" --data-dir "$data" --secret "$secret" "$@" >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$cport/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "onair-server did not start: $(tail -5 "$data/server.log")" >&2
  return 1
}

cost_one() { # run, config, path (hub|rest), publishers, bench args...
  local i=$1 cfg=$2 path=$3 n=$4
  shift 4
  echo "### cost: $cfg, $path, $n publisher(s) (run $i)"
  "$bin/bench/onair-historybench" --mode cost --concurrency "$n" --topics 20 --duration 10 --warmup 2 "$@" | tee "$work/last.txt"
  tail -n 1 "$work/last.txt" | sed "s/^{/{\"run\":$i,\"config\":\"$cfg\",/" >>"$out"
}

# Each round runs the four configurations one after the other (alternating), each through the
# Hub of an engine inside the bench (the history path alone) and through REST on onair-server.
cost_runs() {
  local i cfg n args hub
  for i in $(seq 1 "$reps"); do
    for cfg in sqlite-history sqlite-off pg-history pg-off; do
      args=()
      hub=(--in-process 1)
      case $cfg in pg-*) args+=(--database "$db"); hub+=(--database "$db") ;; esac
      case $cfg in *-off) args+=(--no-history); hub+=(--history off) ;; esac
      for n in 1 16; do
        case $cfg in pg-*) fresh_db ;; esac
        cost_one "$i" "$cfg" hub "$n" "${hub[@]}"
      done
      case $cfg in pg-*) fresh_db ;; esac
      start_server "$work/cost-$cfg-$i" "${args[@]}"
      for n in 1 16; do
        cost_one "$i" "$cfg" rest "$n" --port "$cport" --token "$token" --server-pid "$server"
      done
      kill -TERM "$server"
      wait "$server" || true
      server=""
    done
  done
}

[ "${ONAIR_BENCH_ONLY:-}" = cost ] || resume_runs
[ "${ONAIR_BENCH_ONLY:-}" = resume ] || cost_runs
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/history_summary.py "$out"
echo "# raw results: $out"
