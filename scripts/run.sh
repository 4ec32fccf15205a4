#!/usr/bin/env bash
# Installs what is missing, builds, and starts OnAir (the headless server until the desktop
# app lands). Arguments go to the program, e.g. scripts/run.sh --port 8765 --bind 0.0.0.0
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec "${ONAIR_BUILD_DIR:-build}/app/onair-server" "$@"
