#!/usr/bin/env bash
# The archive page (/recordings, docs/recording.md) in real headless Chromium (Debian's), driven
# by playwright-core from npm, against the real onair-server: a tone spoken on stream "main" is
# recorded (--record-all) with a caption and a banner in the middle; the page, opened as a phone
# on plain http, lists it, plays it, and its banner marker seeks.
#   usage: recordings_test.sh ONAIR_SERVER_BIN
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
server="$1"; shift

source "$here/prelude.sh"

work="$(mktemp -d)"
pid=""
cleanup() {
  [ -f "$work/pid" ] && pid="$(cat "$work/pid")"
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# --recording-idle-stop 2: the recording ends 2 s after the speaker leaves.
# start_server [--public-recordings]: on the same port and data dir (the recordings stay).
start_server() {
  "$server" --port "$port" --bind 127.0.0.1 --data-dir "$work/data" --record-all --recording-idle-stop 2 "$@" \
    >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "OnAir listening on" "$work/server.log" && break; sleep 0.1; done
  grep -q "OnAir listening on" "$work/server.log" || { echo "onair-server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
}
start_server --public-recordings
# ctl.sh private: the same server again without --public-recordings (the archive needs a token).
cat >"$work/ctl.sh" <<CTL
#!/usr/bin/env bash
old="\$(cat "$work/pid")"; kill "\$old"
# gone, or a zombie its parent (this test's shell, busy running node) has not reaped yet
while st="\$(ps -o stat= -p "\$old")" && [ "\${st#Z}" = "\$st" ]; do sleep 0.05; done
"$server" --port "$port" --bind 127.0.0.1 --data-dir "$work/data" >"$work/server2.log" 2>&1 &
echo \$! >"$work/pid"
for _ in \$(seq 1 100); do grep -q "OnAir listening on" "$work/server2.log" && exit 0; sleep 0.1; done
echo "onair-server did not restart:" >&2; cat "$work/server2.log" >&2; exit 1
CTL
chmod +x "$work/ctl.sh"
echo "$pid" >"$work/pid"
admin="$("$server" token --role admin --data-dir "$work/data")"

set +e
node "$here/recordings.mjs" --base "http://127.0.0.1:$port" --admin "$admin" --ctl "$work/ctl.sh" \
  --shots "${ONAIR_WEB_SHOTS:-$work}" "$@"
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/server.log" >&2
  [ -f "$work/server2.log" ] && tail -n 20 "$work/server2.log" >&2
fi
exit $status
