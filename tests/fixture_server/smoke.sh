#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# smoke.sh SERVER SITE: start the fixture server, wait (bounded) for its PORT line, check a few
# answers with curl, and stop it. Proves the server and the routes format work on their own.
set -u
server=$1
site=$2
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
wait_port() { # OUT-FILE WHAT: sets port from the server's PORT line, waiting 10 s at most
    port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$1")
        [ -n "$port" ] && return
        sleep 0.1
    done
    echo "no PORT line$2"; cat "$dir/err"; exit 1
}
"$server" --root "$site" --log "$dir/log" >"$dir/out" 2>"$dir/err" &
pid=$!
wait_port "$dir/out" ""
fail=0
check() { # expected-status path [curl args]
    want=$1; path=$2; shift 2
    got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "http://127.0.0.1:$port$path")
    if [ "$got" != "$want" ]; then echo "FAIL $path: status $got, want $want"; fail=1; fi
}
check 200 /
check 200 /about/
check 200 /about
check 404 /missing.html
check 404 /../etc/passwd --path-as-is
curl -s --max-time 10 "http://127.0.0.1:$port/" | grep -q '<title>Basic site' || { echo "FAIL: / body"; fail=1; }
grep -q '^GET 127.0.0.1:[0-9]* / -$' "$dir/log" || { echo "FAIL: log line"; cat "$dir/log"; fail=1; }
hostile=$(dirname "$site")/hostile
kill "$pid"; wait "$pid" 2>/dev/null
"$server" --root "$hostile" >"$dir/out2" 2>"$dir/err" &
pid=$!
wait_port "$dir/out2" " (hostile)"
check 301 /chain-1
check 429 /busy
check 200 /busy
check 200 /gzip.html --compressed
curl -s --compressed --max-time 10 "http://127.0.0.1:$port/gzip.html" | grep -q 'Compressed page' || { echo "FAIL: gzip body"; fail=1; }
curl -s -D - -o /dev/null --max-time 10 "http://127.0.0.1:$port/brotli.html" | grep -qi '^content-encoding: br' || { echo "FAIL: br header"; fail=1; }
curl -s -D - -o /dev/null --max-time 10 "http://127.0.0.1:$port/to-other" | grep -qi "^location: http://other.test:$port/landing.html" || { echo "FAIL: {port}"; fail=1; }
check 200 /landing.html -H 'Host: other.test'
check 404 /landing.html
curl -s --max-time 10 "http://127.0.0.1:$port/cal?n=4" | grep -q 'href="/cal?n=5"' || { echo "FAIL: trap"; fail=1; }
[ "$(curl -s --max-time 10 -o /dev/null -w '%{size_download}' --max-filesize 100000 -r 0-99999 "http://127.0.0.1:$port/endless" ; true)" != 0 ] || { echo "FAIL: endless"; fail=1; }
exit $fail
