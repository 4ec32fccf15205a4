#!/usr/bin/env bash
# Installs what is missing, builds, and starts the OnAir desktop control room (the engine runs
# inside it). Arguments go to the program, e.g. scripts/run.sh --source tone --on-air main
# Headless machines: build/app/onair-server (same engine, no window).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found: starting the headless onair-server instead (the desktop app needs a screen)." >&2
  exec "${ONAIR_BUILD_DIR:-build}/app/onair-server" "$@"
fi
exec "${ONAIR_BUILD_DIR:-build}/app/onair" "$@"
