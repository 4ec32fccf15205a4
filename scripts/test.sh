#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole test suite
# through CTest. Exit status is CTest's.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONAIR_DEPS_PROFILE=test
bash scripts/build.sh -DONAIR_WERROR=ON -DONAIR_BUILD_TESTS=ON
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "${ONAIR_BUILD_DIR:-build}"
ctest --output-on-failure --parallel 2 --timeout 300 "$@"
