#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/clusters/run.sh [N] [FINGERPRINTS]: the two figures of issue 18.
#
# 1. What fingerprinting adds to the audit: generates the crawl benchmark's synthetic site
#    (bench/gen_site, N pages, default 20000), measures fingerprint_document alone against
#    extract_page on its pages (bench_clusters fingerprint), audits it once with `crawlpack audit
#    --root`, and prints the fingerprint's CPU as a share of the audit's CPU without it
#    (target: at most +5%).
# 2. Clustering FINGERPRINTS synthetic fingerprints (default 1,000,000): clusters_build's time and
#    the memory it adds (bench_clusters synthetic; target: under 10 s and 200 MB).
# Prints the load average first: on a shared machine the figures mean little. Build first:
# cmake --preset release && cmake --build --preset release -j2. Numbers are printed, never asserted.
set -eu
N=${1:-20000}
FINGERPRINTS=${2:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
CRAWLPACK=$BUILD/crawlpack
GEN_SITE=$BUILD/bench/gen_site/gen_site
BENCH=$BUILD/bench/clusters/bench_clusters
for tool in "$CRAWLPACK" "$GEN_SITE" "$BENCH"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/crawlpack-clusters-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$GEN_SITE" "$WORK/site" "$N" >/dev/null

echo "== fingerprints of $N pages"
"$BENCH" fingerprint --rounds 3 "$WORK/site" | tee "$WORK/fingerprint.txt"
/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$CRAWLPACK" audit --root "$WORK/site" --site-url http://bench.test/ \
    --quiet --out "$WORK/audit" >/dev/null 2>&1 || [ $? -eq 1 ]
tail -n 1 "$WORK/time" | awk '{printf "audit: %.2f s wall, %.2f s CPU, %.1f MiB peak\n", $1, $2 + $3, $4 / 1024}'
audit_cpu=$(tail -n 1 "$WORK/time" | awk '{print $2 + $3}')
fingerprint_cpu=$(awk '/^fingerprint_cpu_seconds/ {print $2}' "$WORK/fingerprint.txt")
awk -v a="$audit_cpu" -v f="$fingerprint_cpu" 'BEGIN {
    printf "fingerprinting: %.2f s of the audit'"'"'s %.2f s CPU: it adds %+.1f%% to the audit without it (target <= +5%%)\n",
           f, a, 100 * f / (a - f) }'
rows=$(($(wc -l <"$WORK/audit/clusters.csv") - 1))
echo "clusters.csv: $rows clustered pages"

echo "== clustering $FINGERPRINTS synthetic fingerprints"
"$BENCH" synthetic "$FINGERPRINTS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
