#!/usr/bin/env bash
# The microphone path with a real PulseAudio server: a null sink whose monitor is remapped
# into a source ("VirtualMic", which Qt Multimedia lists), playing espeak-ng speech in a loop.
# Usage: microphone_test.sh PATH/TO/tst_microphone
set -euo pipefail
test_bin=$1
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export PULSE_RUNTIME_PATH=$XDG_RUNTIME_DIR/pulse
cleanup() {
  [ -n "${player:-}" ] && kill "$player" 2>/dev/null || true
  pulseaudio --kill 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit -n \
  --load="module-native-protocol-unix" --load="module-null-sink sink_name=virt" \
  --load="module-remap-source master=virt.monitor source_name=virtmic source_properties=device.description=VirtualMic" \
  2>"$work/pulse.log" || { cat "$work/pulse.log"; exit 1; }
for _ in $(seq 1 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl set-default-source virtmic
espeak-ng -w "$work/hello.wav" "hello operators, this is the virtual microphone speaking"
( while true; do paplay -d virt "$work/hello.wav"; done ) &
player=$!
"$test_bin"
