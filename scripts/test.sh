#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# test.sh: the test command. Installs what is missing, then builds and runs the suite four ways:
# AddressSanitizer + UndefinedBehaviorSanitizer (every test), ThreadSanitizer (the tests labelled
# "threaded"), libFuzzer (each fuzz target for a bounded number of runs), and the release build
# users run (optimised, jemalloc: the store, audit and transport end-to-end tests).
# Usage: scripts/test.sh [--no-setup] [--only asan|tsan|fuzz|release]
set -eu
cd "$(dirname "$0")/.."
setup=1
only=
while [ $# -gt 0 ]; do
    case "$1" in
    --no-setup) setup=0 ;;
    --only) only=$2; shift ;;
    *) echo "usage: scripts/test.sh [--no-setup] [--only asan|tsan|fuzz|release]" >&2; exit 2 ;;
    esac
    shift
done
[ "$setup" = 1 ] && sh scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

run_preset() { # preset ctest-args...
    preset=$1
    shift
    if [ -n "$only" ] && [ "$only" != "$preset" ]; then
        return 0
    fi
    echo "== $preset build"
    cmake --preset "$preset" >/dev/null || exit 1
    cmake --build --preset "$preset" -j "$jobs" || exit 1
    echo "== $preset tests"
    (cd "build/$preset" && ctest --output-on-failure -j "$jobs" "$@") || exit 1
}

run_preset asan
run_preset tsan -L threaded --no-tests=ignore
run_preset fuzz -L fuzz --no-tests=ignore
run_preset release -R "store_|audit_e2e|transport"
echo "== all test builds passed"
