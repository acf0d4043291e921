#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/store/run.sh [N] [CONCURRENCY]: the crawl store's costs and gains (docs/store.md).
#
# Generates the synthetic site (bench/gen_site, N pages, default 2000; the issue's figure is 20000),
# serves it with nginx on 127.0.0.1 (which answers If-None-Match / If-Modified-Since with 304), and
# measures at the same concurrency (default 16):
#   - first audit without a store (--no-db) and with one: wall, CPU, the store's CPU overhead, DB
#     bytes per page;
#   - the re-audit of the unchanged site into the same store: pages/s against the first audit,
#     CPU per unchanged page, the bytes it adds to the store, and wget2 --spider -r pages/s on the
#     same site;
#   - an audit killed with SIGKILL at about half its pages, then --resume: GETs of both parts
#     against an uninterrupted audit's (nginx's access log);
#   - the crawl state projected to 1,000,000 URLs: bytes per URL in memory (crawl.json) and on disk.
# Build first: cmake --preset release && cmake --build --preset release -j2.
# Numbers are printed, never asserted; the machine may be shared (the load average is printed).
set -eu
N=${1:-2000}
CONCURRENCY=${2:-16}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
CRAWLPACK=$BUILD/crawlpack
GEN_SITE=$BUILD/bench/gen_site/gen_site
for tool in "$CRAWLPACK" "$GEN_SITE"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
for tool in nginx wget2 sqlite3 /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see scripts/setup.sh)" >&2; exit 1; }
done

. "$ROOT/bench/tools/nginx.sh"
AUDIT_PID=
BENCH_ON_EXIT='[ -z "$AUDIT_PID" ] || kill -9 "$AUDIT_PID" 2>/dev/null'
bench_work_folder crawlpack-bench-store

echo "== generating $N pages"
"$GEN_SITE" "$WORK/site" "$N"

ACCESS=$WORK/nginx/logs/access.log
nginx_serve "$WORK" "$WORK/site" "log_format short '\$status \$request_method \$uri'; access_log $ACCESS short; etag on;"

# measure LABEL COMMAND...: wall, CPU (user + system) and peak RSS from GNU time
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$label" "$@" >"$WORK/out.$label" 2>&1 || true
    tail -n 1 "$WORK/time.$label" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}'
}
lines() { wc -l <"$ACCESS" | tr -d ' '; }
gets_since() { tail -n +"$(($1 + 1))" "$ACCESS" | grep -c ' GET ' || true; }
fetched() { python3 -c "import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r['status']))" "$1/pages.csv"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('%.2f' % (a / b if b else 0))" "$@"; }

echo "== first audit, no store"
set -- $(measure nodb "$CRAWLPACK" audit "$START" --quiet --fail-on never --concurrency "$CONCURRENCY" --out "$WORK/nodb" --no-db)
nodb_wall=$1 nodb_cpu=$2
echo "== first audit, with the store"
mark=$(lines)
set -- $(measure first "$CRAWLPACK" audit "$START" --quiet --fail-on never --concurrency "$CONCURRENCY" --out "$WORK/out")
first_wall=$1 first_cpu=$2 first_rss=$3
first_gets=$(gets_since "$mark")
pages=$(fetched "$WORK/out")
db_bytes=$(cat "$WORK/out/crawl.db" "$WORK/out/crawl.db-wal" 2>/dev/null | wc -c)
urls=$(json "$WORK/out/crawl.json" "d['counts']['urls']")
mem_per_url=$(json "$WORK/out/crawl.json" "d['memory']['bytes_per_url']")
first_state=$(json "$WORK/out/crawl.json" "d['memory']['crawl_state_bytes'] // 1048576")
first_crawl_rss=$(json "$WORK/out/crawl.json" "d['memory']['peak_rss_kb'] // 1024")

echo "== re-audit, unchanged site"
mark=$(lines)
set -- $(measure again "$CRAWLPACK" audit "$START" --quiet --fail-on never --concurrency "$CONCURRENCY" --out "$WORK/out")
again_wall=$1 again_cpu=$2 again_rss=$3
not_modified=$(tail -n +"$((mark + 1))" "$ACCESS" | grep -c '^304 ' || true)
again_db_bytes=$(($(cat "$WORK/out/crawl.db" "$WORK/out/crawl.db-wal" 2>/dev/null | wc -c) - db_bytes))
unchanged=$(json "$WORK/out/crawl.json" "d['changes']['unchanged']")
again_crawl_rss=$(json "$WORK/out/crawl.json" "d['memory']['peak_rss_kb'] // 1024")

echo "== wget2 --spider -r"
set -- $(measure wget2 wget2 --spider -r -l inf --max-threads="$CONCURRENCY" --robots=off -o "$WORK/wget2.log" "$START")
wget2_wall=$1
wget2_pages=$(grep -E "response [0-9]+ " "$WORK/wget2.log" | grep -oE "\[http://[^]]*\]" | sort -u | wc -l)

echo "== kill -9 at about $((N / 2)) pages, then --resume"
mark=$(lines)
"$CRAWLPACK" audit "$START" --quiet --fail-on never --concurrency "$CONCURRENCY" --out "$WORK/killed" >/dev/null 2>&1 &
AUDIT_PID=$!
for _ in $(seq 6000); do
    [ "$(gets_since "$mark")" -ge $((N / 2)) ] && break
    kill -0 "$AUDIT_PID" 2>/dev/null || break
    sleep 0.01
done
kill -9 "$AUDIT_PID" 2>/dev/null || true
wait "$AUDIT_PID" 2>/dev/null || true
AUDIT_PID=
killed_gets=$(gets_since "$mark")
"$CRAWLPACK" audit --resume --out "$WORK/killed" --quiet >"$WORK/out.resume" 2>&1 || true
resume_gets=$(($(gets_since "$mark") - killed_gets))

rate() { python3 -c "import sys; w=float(sys.argv[2]); print('%.0f' % (float(sys.argv[1])/w if w > 0 else 0))" "$1" "$2"; }
echo
echo "N=$N concurrency=$CONCURRENCY cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-30s %8s %8s %8s\n' run wall_s pages/s cpu_s
printf '%-30s %8s %8s %8s\n' "first audit, --no-db" "$nodb_wall" "$(rate "$pages" "$nodb_wall")" "$nodb_cpu"
printf '%-30s %8s %8s %8s\n' "first audit, store" "$first_wall" "$(rate "$pages" "$first_wall")" "$first_cpu"
printf '%-30s %8s %8s %8s\n' "re-audit, unchanged" "$again_wall" "$(rate "$pages" "$again_wall")" "$again_cpu"
printf '%-30s %8s %8s %8s\n' "wget2 --spider -r" "$wget2_wall" "$(rate "$wget2_pages" "$wget2_wall")" "-"
echo "store CPU overhead on a first audit: $(python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('%.1f%%' % (100 * (a - b) / b if b else 0))" "$first_cpu" "$nodb_cpu")"
echo "DB bytes per page: $(ratio "$db_bytes" "$pages") ($db_bytes bytes, $pages pages); per URL: $(ratio "$db_bytes" "$urls")"
echo "re-audit: $(ratio "$first_wall" "$again_wall")x the first audit's pages/s, $(ratio "$(rate "$pages" "$again_wall")" "$(rate "$wget2_pages" "$wget2_wall")")x wget2's; $not_modified answered 304, $unchanged unchanged; CPU per unchanged page $(python3 -c "import sys; print('%.3f ms' % (1000 * float(sys.argv[1]) / max(1, int(sys.argv[2]))))" "$again_cpu" "$unchanged")"
echo "re-audit's DB bytes per page: $(ratio "$again_db_bytes" "$pages") (unchanged pages refer to the first run's signals)"
echo "resume after kill -9: $killed_gets + $resume_gets GETs = $(ratio "$((killed_gets + resume_gets))" "$first_gets")x an uninterrupted audit's $first_gets"
echo "1,000,000 URLs projected: $(python3 -c "import sys; print('%.0f MB in memory, %.0f MB on disk' % (float(sys.argv[1]) * 1e6 / 1e6, float(sys.argv[2]) / max(1, int(sys.argv[3])) * 1e6 / 1e6))" "$mem_per_url" "$db_bytes" "$urls") (crawl state here $first_state MB for $urls URLs)"
echo "peak RSS: first audit $((first_rss / 1024)) MB (at the crawl's end $first_crawl_rss MB), re-audit $((again_rss / 1024)) MB (at the crawl's end $again_crawl_rss MB)"
