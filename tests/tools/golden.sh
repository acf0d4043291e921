#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# golden.sh EXPECTED CRAWLPACK ARGS...: run crawlpack, compare its output with EXPECTED.
#
# The expected file may start with a header line:
#   "# exit N"          the exit code the command must return (default 0);
#   "# exit N stderr"   the same, and stderr is compared too (appended after stdout).
# Set UPDATE_GOLDEN=1 to rewrite EXPECTED from the actual output (review the diff before committing;
# an existing "stderr" flag is kept). Tests run in the source folder and pass relative paths, so
# expected files do not depend on where the checkout lives.
set -u
expected=$1
shift
actual=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$actual" "$errors"' EXIT
header=
if [ -f "$expected" ]; then
    header=$(head -n 1 "$expected" | grep -E '^# exit [0-9]+( stderr)?$')
fi
"$@" >"$actual" 2>"$errors"
status=$?
case "$header" in
*stderr) cat "$errors" >>"$actual" ;;
*) cat "$errors" >&2 ;;
esac
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    flag=
    case "$header" in *stderr) flag=" stderr" ;; esac
    { if [ "$status" -ne 0 ] || [ -n "$flag" ]; then echo "# exit $status$flag"; fi; cat "$actual"; } >"$expected"
    echo "updated $expected (exit $status)"
    exit 0
fi
if [ ! -f "$expected" ]; then
    echo "golden.sh: missing expected file $expected (run with UPDATE_GOLDEN=1 to create it)" >&2
    exit 1
fi
want_status=0
body_start=1
if [ -n "$header" ]; then
    want_status=$(echo "$header" | sed -E 's/^# exit ([0-9]+).*/\1/')
    body_start=2
fi
if [ "$status" -ne "$want_status" ]; then
    echo "golden.sh: exit status $status, expected $want_status" >&2
    cat "$actual" >&2
    exit 1
fi
tail -n +"$body_start" "$expected" | diff -u - "$actual" && exit 0
echo "golden.sh: output differs from $expected (UPDATE_GOLDEN=1 rewrites it)" >&2
exit 1
