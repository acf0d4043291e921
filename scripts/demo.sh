#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# demo.sh: the main job on the bundled demo site. Installs what is missing, builds crawlpack,
# serves fixtures/sites/demo (Northwind Outfitters, a small shop with planted problems) on a
# loopback port with the fixture server, audits it as http://demo.example/, and writes out/:
# findings (text, JSON, CSV, JUnit, SARIF), the crawl files and pack.md.
# Usage: scripts/demo.sh [--no-setup] [OUT_DIR]
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--no-setup" ]; then
    shift
else
    sh scripts/setup.sh
fi
out=${1:-out}
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
bin=build/release/crawlpack
server=build/release/tests/fixture_server/fixture_server

work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
"$server" --root fixtures/sites/demo >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=
tries=0
while [ -z "$port" ] && [ "$tries" -lt 100 ]; do
    port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$work/server.out")
    [ -n "$port" ] || sleep 0.1
    tries=$((tries + 1))
done
if [ -z "$port" ]; then
    echo "demo: the fixture server did not start:" >&2
    cat "$work/server.err" >&2
    exit 3
fi
echo "demo: serving fixtures/sites/demo as http://demo.example/ on 127.0.0.1:$port"

# --fail-on never: the demo site has errors on purpose; CI would use the default (--fail-on error).
"$bin" audit http://demo.example/ --connect-to "demo.example:80:127.0.0.1:$port" \
    --out "$out" --format text,json,csv,junit,sarif --intake fixtures/intake/northwind.yaml \
    --fail-on never --quiet
echo
echo "demo: wrote $out/ — open $out/pack.md (the Improvement Pack) and $out/findings.txt"
