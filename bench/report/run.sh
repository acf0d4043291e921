#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/report/run.sh [N] [SIZE_N] [RUNS]: report.html's two targets (issue: a 20,000-page audit's
# report opens and is interactive in headless Chromium in under 2 s; a 100,000-page report stays
# under 25 MB).
#
# Generates the crawl benchmark's synthetic site (bench/gen_site: 40 navigation and ~20 contextual
# links a page) with N pages (default 20000), audits it from disk (`crawlpack audit --root`, which
# writes report.html), times `crawlpack report` rebuilding it, then opens it RUNS times (default 3)
# in headless Chromium (bench/report/open_time.py: navigation start to the script's data-ready,
# then a findings filter and a URL opened in the explorer). Then the same site at SIZE_N pages
# (default 100000) for the file size only. Prints the load average before and after: the machine
# may be shared. Build first: cmake --preset release && cmake --build --preset release -j2.
# Tiny check that it runs: bench/report/run.sh 300 600 1
set -eu
N=${1:-20000}
SIZE_N=${2:-100000}
RUNS=${3:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
CRAWLPACK=$BUILD/crawlpack
GEN_SITE=$BUILD/bench/gen_site/gen_site
for tool in "$CRAWLPACK" "$GEN_SITE"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/crawlpack-report-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

audit() { # pages folder
    "$GEN_SITE" "$WORK/site-$1" "$1" >/dev/null
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$CRAWLPACK" audit --root "$WORK/site-$1" --site-url http://bench.test/ \
        --quiet --no-config --fail-on never --out "$2" >/dev/null
    awk -v n="$1" '{printf "audit of %d pages (json,csv,html): %.2f s wall, %.1f MiB peak\n", n, $1, $2 / 1024}' "$WORK/time"
    rm -rf "$WORK/site-$1"
}

report_size() { # folder pages
    bytes=$(stat -c %s "$1/report.html")
    awk -v b="$bytes" -v n="$2" 'BEGIN {printf "report.html at %d pages: %.2f MB (%d bytes, %.0f bytes a page)\n",
        n, b / 1e6, b, b / n}'
}

audit "$N" "$WORK/out"
/usr/bin/time -f "%e %M" -o "$WORK/time" "$CRAWLPACK" report "$WORK/out" -o "$WORK/again.html"
awk '{printf "crawlpack report (read the folder, write the file): %.2f s wall, %.1f MiB peak\n", $1, $2 / 1024}' \
    "$WORK/time"
report_size "$WORK/out" "$N"
python3 "$ROOT/bench/report/open_time.py" "$WORK/out/report.html" "$RUNS"
rm -rf "$WORK/out" "$WORK/again.html"

audit "$SIZE_N" "$WORK/big"
report_size "$WORK/big" "$SIZE_N"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
