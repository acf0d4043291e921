#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/crawl/run.sh [N] [CONCURRENCY]: the crawl benchmark.
#
# Generates the synthetic site (bench/gen_site, N pages, default 2000), serves it with nginx on
# 127.0.0.1 (own config and pid/log/temp files in a temporary folder, gzip on), then measures, at the
# same concurrency (default 16):
#   - crawlpack crawl            wall time, pages/s, CPU seconds, peak RSS, pages found
#   - wget2 --spider -r          the same figures
#   - wrk against nginx          requests/s serving the same pages (the server's ceiling)
#   - bare gumbo parse + walk    pages/s on 1 and 2 threads (the parse ceiling)
# Build first: cmake --preset release && cmake --build --preset release -j2.
# Numbers are printed, never asserted; the machine may be shared, so repeat runs before comparing.
set -eu
N=${1:-2000}
CONCURRENCY=${2:-16}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
CRAWLPACK=$BUILD/crawlpack
GEN_SITE=$BUILD/bench/gen_site/gen_site
GUMBO_PARSE=$BUILD/bench/crawl/gumbo_parse
for tool in "$CRAWLPACK" "$GEN_SITE" "$GUMBO_PARSE"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
for tool in nginx wget2 wrk /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see scripts/setup.sh)" >&2; exit 1; }
done

. "$ROOT/bench/tools/nginx.sh"
bench_work_folder

echo "== generating $N pages"
"$GEN_SITE" "$WORK/site" "$N"
du -sh "$WORK/site" | sed 's/^/site size: /'

nginx_serve "$WORK" "$WORK/site" "access_log off; gzip on; gzip_types text/css;"

# measure LABEL COMMAND...: wall, CPU and peak RSS from GNU time
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$label" "$@" >"$WORK/out.$label" 2>&1 || true
    read -r wall user sys rss <<TIME
$(tail -n 1 "$WORK/time.$label")
TIME
    echo "$wall $user $sys $rss"
}

echo "== crawlpack (concurrency $CONCURRENCY)"
set -- $(measure crawlpack "$CRAWLPACK" crawl "$START" --quiet --out "$WORK/crawl-out" --concurrency "$CONCURRENCY")
cp_wall=$1 cp_cpu=$(echo "$2 + $3" | bc) cp_rss=$4
cp_found=$(python3 -c "import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r['status']))" "$WORK/crawl-out/pages.csv")

echo "== wget2 --spider -r (concurrency $CONCURRENCY)"
set -- $(measure wget2 wget2 --spider -r -l inf --max-threads="$CONCURRENCY" --robots=off -o "$WORK/wget2.log" "$START")
wg_wall=$1 wg_cpu=$(echo "$2 + $3" | bc) wg_rss=$4
wg_found=$(grep -E "response [0-9]+ " "$WORK/wget2.log" | grep -oE "\[http://[^]]*\]" | sort -u | wc -l)

echo "== wrk against nginx"
python3 - "$N" >"$WORK/paths.lua" <<'PY'
import sys
n = int(sys.argv[1])
print("local n = %d" % n)
print('local i = 0\nrequest = function()\n  i = (i + 1) %% n\n  return wrk.format("GET", "/p/" .. i .. ".html", {["Accept-Encoding"] = "gzip"})\nend' .replace('%%', '%'))
PY
wrk_rate=$(wrk -t2 -c"$CONCURRENCY" -d5s -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" | awk '/Requests\/sec/ {print $2}')

echo "== bare gumbo"
gumbo_line=$("$GUMBO_PARSE" 2 "$WORK/site" "$N")

rate() { python3 -c "import sys; w=float(sys.argv[2]); print('%.0f' % (float(sys.argv[1])/w if w > 0 else 0))" "$1" "$2"; }
echo
echo "N=$N concurrency=$CONCURRENCY cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %8s %8s %8s %10s %8s\n' tool wall_s pages/s cpu_s peak_rss pages
printf '%-22s %8s %8s %8s %8sMB %8s\n' "crawlpack crawl" "$cp_wall" "$(rate "$cp_found" "$cp_wall")" "$cp_cpu" "$((cp_rss / 1024))" "$cp_found"
printf '%-22s %8s %8s %8s %8sMB %8s\n' "wget2 --spider -r" "$wg_wall" "$(rate "$wg_found" "$wg_wall")" "$wg_cpu" "$((wg_rss / 1024))" "$wg_found"
echo "nginx alone (wrk, gzip): $wrk_rate requests/s"
echo "$gumbo_line"
grep -E '"(bytes_per_url|peak_rss_kb|crawl_state_bytes)"' "$WORK/crawl-out/crawl.json" | tr -d ' ,' | sed 's/^/crawlpack /'
