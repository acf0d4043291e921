#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/audit_rules/run_site.sh [N] [RUNS]: what the audit adds to a crawl.
#
# Generates the crawl benchmark's synthetic site (bench/gen_site, N pages, default 20000) and, RUNS
# times each (default 3), crawls it from disk with `crawlpack crawl --root` and audits it with
# `crawlpack audit --root` (the same crawl, plus the page rules during it and the analysis, the
# cross-page rules and findings.json/.csv after it). Prints wall time, CPU seconds and peak RSS of
# every run and the audit's median wall time relative to the crawl's (the issue's target: under
# +10%). --root takes the network out, so the crawl is as fast as it gets and the audit's share is
# as large as it gets. Build first: cmake --preset release && cmake --build --preset release -j2.
# Numbers are printed, never asserted; the machine may be shared, so repeat runs before comparing.
set -eu
N=${1:-20000}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
CRAWLPACK=$BUILD/crawlpack
GEN_SITE=$BUILD/bench/gen_site/gen_site
for tool in "$CRAWLPACK" "$GEN_SITE"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/crawlpack-audit-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
"$GEN_SITE" "$WORK/site" "$N"
SITE="--root $WORK/site --site-url http://bench.test/ --quiet"

measure() { # name command...: one line "name wall user+sys maxrss_kb"
    name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || [ $? -eq 1 ]
    # time writes "Command exited with non-zero status 1" first when the audit finds errors
    tail -n 1 "$WORK/time" |
        awk -v n="$name" '{printf "%-6s %8.2f s wall %8.2f s cpu %8.1f MiB peak\n", n, $1, $2 + $3, $4 / 1024}'
}

echo "== $N pages, $RUNS runs each (crawl, then audit)"
i=0
while [ "$i" -lt "$RUNS" ]; do
    # shellcheck disable=SC2086
    measure crawl "$CRAWLPACK" crawl $SITE --out "$WORK/crawl" | tee -a "$WORK/crawl.txt"
    # shellcheck disable=SC2086
    measure audit "$CRAWLPACK" audit $SITE --out "$WORK/audit" | tee -a "$WORK/audit.txt"
    i=$((i + 1))
done
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
crawl=$(awk '{print $2}' "$WORK/crawl.txt" | median)
audit=$(awk '{print $2}' "$WORK/audit.txt" | median)
crawl_cpu=$(awk '{print $5}' "$WORK/crawl.txt" | median)
audit_cpu=$(awk '{print $5}' "$WORK/audit.txt" | median)
findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$WORK/audit/findings.json")
awk -v c="$crawl" -v a="$audit" -v cc="$crawl_cpu" -v ac="$audit_cpu" -v f="$findings" 'BEGIN {
    printf "median wall: crawl %.2f s, audit %.2f s: the audit adds %+.1f%% (target < +10%%)\n", c, a, (a / c - 1) * 100
    printf "median cpu:  crawl %.2f s, audit %.2f s: %+.1f%%; %d findings\n", cc, ac, (ac / cc - 1) * 100, f }'
