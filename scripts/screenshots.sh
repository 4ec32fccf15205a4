#!/usr/bin/env bash
# The control room's screenshots in docs/ (README, issue 19): the desktop app under Xvfb at
# 1366x768 and 1920x1080, in English and Dutch, on air with the tone, open to the network, with
# the recording running (REC), five listeners — VLC, ffmpeg and Safari on an iPhone on the players' streams, two pages on
# phones reporting what they play (one waiting for a tap). Usage: scripts/screenshots.sh [BUILD_DIR] [channels]
# ("channels": the Interpretation tab's shots only, docs/screenshot-channels-*.png)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/app/onair
port=18765
shot() { # SIZE LANG OUT
  local size=$1 lang=$2 out=$3 cfg data app pids=()
  cfg=$(mktemp -d); data=$(mktemp -d)
  mkdir -p "$cfg/OnAir"; printf '[server]\nnetwork=true\n' > "$cfg/OnAir/onair.conf"
  XDG_CONFIG_HOME=$cfg xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" "$bin" --port $port --data-dir "$data" \
    --source tone --on-air main --record main --lang "$lang" --screenshot "$out" --screenshot-delay 10000 > /dev/null 2>&1 &
  app=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done
  curl -s -A "VLC/3.0.18 LibVLC/3.0.18" "http://127.0.0.1:$port/stream/main.mp3" -o /dev/null & pids+=($!)
  curl -s -A "Lavf/59.27.100" "http://127.0.0.1:$port/stream/main.ogg" -o /dev/null & pids+=($!)
  curl -s -A "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1" \
    "http://127.0.0.1:$port/stream/main.mp3" -o /dev/null & pids+=($!)
  python3 scripts/screenshot_listener.py $port main \
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36" playing 180 & pids+=($!)
  python3 scripts/screenshot_listener.py $port main \
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1" blocked 0 & pids+=($!)
  wait $app || true
  kill "${pids[@]}" 2>/dev/null || true
  rm -rf "$cfg" "$data"
  echo "$out"
}
# The Interpretation tab (issue 21): the floor on air with the tone, an interpreter (a raw
# WebSocket speaker, tokened, PCM) on main~nl, main~de and main~fr carrying the floor's audio (one
# by choice, one for want of a machine interpreter), listeners on each. main~nl falls back to
# silence: after a fallback in another codec (Opus) the server's level of the PCM interpreter
# came out wrong in some runs (reported). LANG_SHOT=nl for the Dutch look.
channels_shot() { # SIZE OUT
  local size=$1 out=$2 cfg data app pids=() token
  cfg=$(mktemp -d); data=$(mktemp -d)
  XDG_CONFIG_HOME=$cfg xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" "$bin" --port $port --data-dir "$data" \
    --source tone --on-air main --lang "${LANG_SHOT:-en}" --tab channels --screenshot "$out" --screenshot-delay 9000 > /dev/null 2>&1 &
  app=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done
  token=$("$build/app/onair-server" token --role admin --data-dir "$data")
  for ch in nl:silence de:original fr:machine; do
    curl -s -o /dev/null -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"fallback\":\"${ch#*:}\"}" "http://127.0.0.1:$port/api/streams/main/channels/${ch%%:*}"
  done
  sleep 1 # the fallbacks on air first: the interpreter takes main~nl from one, as in a room
  python3 scripts/screenshot_speaker.py $port main~nl "$token" & pids+=($!)
  for stream in main~nl main~nl main~nl main~nl main~de main~de main main; do
    python3 scripts/screenshot_listener.py $port "$stream" \
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36" playing 180 & pids+=($!)
  done
  wait $app || true
  kill "${pids[@]}" 2>/dev/null || true
  rm -rf "$cfg" "$data"
  echo "$out"
}
if [ "${2:-}" = channels ]; then
  for size in 1366x768 1920x1080; do channels_shot $size "docs/screenshot-channels-$size.png"; done
  exit 0
fi
for size in 1366x768 1920x1080; do
  for lang in en nl; do
    shot $size $lang "docs/screenshot-$size-$lang.png"
  done
done
