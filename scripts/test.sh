#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole test suite
# through CTest. Exit status is CTest's; then every skipped test is listed with its reason
# (a missing tool: see tests/CMakeLists.txt), and with ONAIR_FAIL_ON_SKIP=1 (.ci/run, where
# scripts/deps.sh installed everything) a skip fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONAIR_DEPS_PROFILE=test
bash scripts/build.sh -DONAIR_WERROR=ON -DONAIR_BUILD_TESTS=ON
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "${ONAIR_BUILD_DIR:-build}"
status=0
ctest --output-on-failure --parallel 2 --timeout 300 "$@" || status=$?
# CTest's log of this run holds every test's output: Qt Test prints "SKIP   : …", the shell
# tests "SKIP: …" (exit 77); and a test CTest itself did not run says "Test Skipped".
skips=$(awk '/^[0-9]+\/[0-9]+ Test(ing)?: /{t=$3} /^SKIP|^Test Skipped/{print "  " t ": " $0}' \
  Testing/Temporary/LastTest.log 2>/dev/null | sort -u || true)
if [ -n "$skips" ]; then
  echo "Skipped (scripts/deps.sh test installs every tool the tests need):"
  echo "$skips"
  if [ "${ONAIR_FAIL_ON_SKIP:-0}" = 1 ]; then
    echo "FAILED: tests were skipped; CI installs everything, so nothing may be skipped." >&2
    [ "$status" = 0 ] && status=1
  fi
fi
exit "$status"
