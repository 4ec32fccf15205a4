#!/usr/bin/env bash
# The interpreter's booth (/interpret/{stream}/{lang}) and a language channel's listener page in
# real headless Chromium (Debian's), driven by playwright-core from npm, against the real
# onair-server: a floor speaker (a 440 Hz tone, Opus, with latency marks) on "main", the booth
# with a fake microphone (an 880 Hz tone from a WAV) on "main~nl", listeners of main~nl on
# 127.0.0.1 and on plain http to a LAN-like name (not a secure context).
#   usage: interpret_test.sh ONAIR_SERVER_BIN
# ONAIR_WEB_SHOTS=DIR keeps the screenshots there (docs/ for the README's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
server="$1"; shift

source "$here/prelude.sh"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$server" --port "$port" --bind 127.0.0.1 --data-dir "$work/data" --hand-over-timeout 4 >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "OnAir listening on" "$work/server.log" && break; sleep 0.1; done
grep -q "OnAir listening on" "$work/server.log" || { echo "onair-server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
admin="$("$server" token --role admin --data-dir "$work/data")"
floor="$("$server" token --role speaker --stream main --data-dir "$work/data")"
interpreter="$("$server" token --role interpreter --stream main --data-dir "$work/data")"

# The booth's microphone: 10 s of an 880 Hz tone (48 kHz mono s16), looped by Chromium.
python3 - "$work/booth.wav" <<'PY'
import math, struct, sys, wave
with wave.open(sys.argv[1], 'wb') as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
    w.writeframes(b''.join(struct.pack('<h', int(9000 * math.sin(2 * math.pi * 880 * i / 48000))) for i in range(480000)))
PY

set +e
node "$here/interpret.mjs" --base "http://127.0.0.1:$port" --admin "$admin" --floor "$floor" --interpreter "$interpreter" \
  --mic "$work/booth.wav" --shots "${ONAIR_WEB_SHOTS:-$work}" "$@"
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "--- server log (last 60 lines)" >&2
  tail -n 60 "$work/server.log" >&2
fi
exit $status
