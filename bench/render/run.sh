#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/render/run.sh [N] [TABS]: the --render benchmark (TABS: --render-concurrency; none: crawlpack's default).
#
# Serves, with the fixture server on 127.0.0.1, (a) the fixture SPA (fixtures/sites/spa: six pages,
# one of which hangs until --render-timeout) and (b) a plain site of N pages (bench/gen_site,
# default 200), and measures:
#   - rendered pages/s for each (crawl.json's render figures: pages rendered over the run's wall time)
#   - the browser's peak memory: the summed RSS (and PSS) of crawlpack's child process tree
#     (Chromium), sampled every 100 ms by tree_rss.py
#   - the raw crawl of the plain site without --render: pages/s; with CRAWLPACK_BASELINE set to
#     another crawlpack binary (a build of main before --render), the same crawl with it, so the
#     speed without rendering can be compared
# and the load average before and after. Build first (release preset). Numbers are printed, never
# asserted; the machine may be shared, so repeat runs before comparing.
set -eu
N=${1:-200}
TABS=${2:-}
TAB_OPTION=${TABS:+--render-concurrency $TABS}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
CRAWLPACK=$BUILD/crawlpack
GEN_SITE=$BUILD/bench/gen_site/gen_site
SERVER=$BUILD/tests/fixture_server/fixture_server
for tool in "$CRAWLPACK" "$GEN_SITE" "$SERVER"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
command -v chromium >/dev/null || [ -n "${CRAWLPACK_CHROMIUM:-}" ] || { echo "missing chromium (scripts/setup.sh)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/crawlpack-bench-render.XXXXXX)
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# serve DIR: start the fixture server on DIR, set PORT (bounded wait for its PORT line)
serve() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    "$SERVER" --root "$1" >"$WORK/server.out" 2>/dev/null &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 100); do
        PORT=$(sed -n '1s/^PORT //p' "$WORK/server.out")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "the fixture server printed no PORT line" >&2
    exit 1
}

# run LABEL OUT ARGS...: crawl, print wall time, pages fetched and rendered per second, browser peak RSS
run() {
    label=$1 out=$2
    shift 2
    start=$(date +%s.%N)
    "$@" --quiet --out "$out" >/dev/null 2>"$WORK/err" &
    pid=$!
    peak=$(python3 "$ROOT/bench/render/tree_rss.py" "$pid")
    wait "$pid" || true
    end=$(date +%s.%N)
    python3 - "$label" "$out/crawl.json" "$start" "$end" "$peak" <<'PY'
import json, sys
label, path, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
rss, pss = (int(x) for x in sys.argv[5].split())
c = json.load(open(path))
wall = end - start
fetched = c["counts"]["pages_fetched"]
line = "%-28s wall %6.2f s  fetched %4d (%6.1f pages/s)" % (label, wall, fetched, fetched / wall)
r = c.get("render")
if r:
    line += "  rendered %4d, failed %d (%5.2f rendered pages/s)  browser peak: RSS sum %d MiB, PSS sum %d MiB" % (
        r["pages_rendered"], r["failures"], r["pages_rendered"] / wall, rss // 1024, pss // 1024)
print(line)
PY
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tabs: ${TABS:-the default, two per CPU from 2 to 8; $(nproc) CPUs here}"
"$GEN_SITE" "$WORK/plain" "$N" >/dev/null
serve "$ROOT/fixtures/sites/spa"
SPA="--connect-to spa.test:80:127.0.0.1:$PORT --connect-to cdn.spa.test:80:127.0.0.1:$PORT"
# shellcheck disable=SC2086 # the option list is meant to split into words
run "spa --render" "$WORK/spa" "$CRAWLPACK" crawl http://spa.test/ $SPA --render $TAB_OPTION
serve "$WORK/plain"
START="http://127.0.0.1:$PORT/p/0.html"
# shellcheck disable=SC2086 # the option list is meant to split into words
run "plain --render (N=$N)" "$WORK/plain-render" "$CRAWLPACK" crawl "$START" --render --render-max "$N" $TAB_OPTION
run "plain, no render" "$WORK/plain-raw" "$CRAWLPACK" crawl "$START"
if [ -n "${CRAWLPACK_BASELINE:-}" ]; then
    run "plain, no render (baseline)" "$WORK/plain-base" "$CRAWLPACK_BASELINE" crawl "$START"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
