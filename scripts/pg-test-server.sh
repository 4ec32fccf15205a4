#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: scripts/pg-test-server.sh start|stop|status DIR PORT
# Data in DIR/data, the unix socket in DIR, TCP only on 127.0.0.1:PORT, fsync off. The database
# `onair` belongs to user `onair` (password "$ONAIR_PG_PASSWORD", default "onair:p@ss", over
# TCP with scram-sha-256):
#   postgresql://onair:onair%3Ap%40ss@127.0.0.1:PORT/onair
# Idempotent and quiet: prints nothing on success. `status` exits 0 when the server runs.
# As root the server runs as the `postgres` user (postgres refuses root) and DIR is given to it.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR PORT" >&2; exit 2; }
[ $# -eq 3 ] || usage
cmd=$1 dir=$2 port=$3
case "$port" in '' | *[!0-9]*) usage ;; esac

bin=${ONAIR_PG_BIN:-/usr/lib/postgresql/15/bin}
password=${ONAIR_PG_PASSWORD:-onair:p@ss}
[ -x "$bin/pg_ctl" ] || { echo "$0: no PostgreSQL in $bin (scripts/deps.sh test installs it)" >&2; exit 1; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data

as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
run() { (cd "$dir" && "${as_pg[@]}" "$@"); }
running() { run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }
psql_su() { run "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA "$@"; }

case "$cmd" in
start)
  if [ ! -f "$data/PG_VERSION" ]; then
    pwfile=$dir/.initdb-pw
    rm -rf "$data"
    (umask 077 && printf '%s\n' "$password" >"$pwfile")
    [ ${#as_pg[@]} -eq 0 ] || chown postgres: "$pwfile"
    if ! run "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
         --auth-host=scram-sha-256 --pwfile="$pwfile" >"$dir/initdb.log" 2>&1; then
      rm -f "$pwfile"
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    rm -f "$pwfile"
    cat >>"$data/postgresql.conf" <<EOF
# pg-test-server.sh: throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
  fi
  if ! running; then
    if ! run "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 -o "-p $port" start >/dev/null 2>&1; then
      echo "$0: PostgreSQL did not start on 127.0.0.1:$port; $dir/server.log says:" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
  fi
  sql_password=${password//\'/\'\'}
  if [ -z "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname = 'onair'")" ]; then
    psql_su -c "CREATE ROLE onair LOGIN PASSWORD '$sql_password'" >/dev/null
  fi
  if [ -z "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname = 'onair'")" ]; then
    psql_su -c "CREATE DATABASE onair OWNER onair" >/dev/null
  fi
  ;;
stop)
  if [ -f "$data/PG_VERSION" ] && running; then
    run "$bin/pg_ctl" -D "$data" -w -t 30 -m fast stop >/dev/null
  fi
  ;;
status)
  [ -f "$data/PG_VERSION" ] && running
  ;;
*)
  usage
  ;;
esac
