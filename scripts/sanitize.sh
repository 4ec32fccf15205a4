#!/usr/bin/env bash
# Builds and runs the tests under a sanitizer: scripts/sanitize.sh address,undefined | thread
set -euo pipefail
cd "$(dirname "$0")/.."
san=${1:-address,undefined}
shift || true
export ONAIR_DEPS_PROFILE=test
dir="build-$(echo "$san" | tr ',' '-')"
ONAIR_BUILD_DIR=$dir bash scripts/build.sh -DONAIR_SANITIZE="$san" -DONAIR_WERROR=ON -DONAIR_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# die_after_fork=0: tests start redis-server, PostgreSQL and redis-cli with QProcess (fork + exec)
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 die_after_fork=0 suppressions=$PWD/scripts/tsan.supp"
# Tests that count timeouts over thousands of connections allow a few under a sanitizer's
# 5-15x slowdown (tst_hostile's churn); they still fail above that.
export ONAIR_SANITIZER="$san"
cd "$dir"
ctest --output-on-failure --parallel 2 --timeout 600 "$@"
