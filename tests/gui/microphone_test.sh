#!/usr/bin/env bash
# The microphone path with a real PulseAudio server: a null sink whose monitor is remapped
# into a source ("VirtualMic", which Qt Multimedia lists), playing espeak-ng speech in a loop.
# Usage: microphone_test.sh PATH/TO/tst_microphone
set -euo pipefail
test_bin=$1
# The one rule for a missing tool: skip (exit 77, the test's SKIP_RETURN_CODE), naming it.
for tool in pulseaudio pactl paplay espeak-ng; do
  command -v "$tool" >/dev/null || { echo "SKIP: needs $tool, which is not installed here (scripts/deps.sh test installs it)"; exit 77; }
done
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
# One loud retry: Qt Multimedia's PulseAudio backend hung once in ~20 runs on this 2-core VM
# while other tests ran in parallel (a flood of "invalid type" warnings, then the CTest
# timeout). A real defect fails twice; each attempt is bounded so both fit in the CTest budget.
for attempt in 1 2; do
  if timeout 90 "$test_bin"; then
    exit 0
  fi
  [ "$attempt" = 1 ] && echo "microphone_test.sh: FAILED once (above); retrying once" >&2
done
exit 1
