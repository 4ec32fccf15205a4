#!/usr/bin/env bash
# Runs a GUI test on a real X server of the given size (Xvfb, no window manager):
#   xvfb_test.sh 1366x768 path/to/tst_geometry [args]
# Exit 77 (skipped, see tests/CMakeLists.txt) without xvfb-run.
set -euo pipefail
size=$1
shift
command -v xvfb-run >/dev/null || { echo "SKIP: xvfb-run not installed (apt-get install xvfb xauth)"; exit 77; }
export QT_QPA_PLATFORM=xcb
exec xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" "$@"
