#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/crawl/instructions.sh [N] [CRAWLPACK...]: instructions per HTML page of a crawl, counted by
# callgrind, for one or more crawlpack binaries over the same site (default: build/release's).
#
# Generates the bench site (bench/gen_site, N pages, default 2000), serves it with nginx on
# 127.0.0.1 as run.sh does, and crawls it once per binary under `valgrind --tool=callgrind`
# (--no-sitemaps, --no-db, concurrency 4). Instruction counts do not depend on the machine's load,
# so two builds can be compared on a busy machine; wall time under valgrind means nothing.
# Prints, per binary: the HTML pages crawled, the program's instructions (Ir) per HTML page, and the
# inclusive instructions per page of the link identification (crawl_found_links: the parse and
# identity of every reference a page has) and of url_parse over the whole run.
# Build first: cmake --preset release && cmake --build --preset release -j2 (gen_site, crawlpack).
set -eu
N=${1:-2000}
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CRAWLPACK_BUILD_DIR:-$ROOT/build/release}
GEN_SITE=$BUILD/bench/gen_site/gen_site
[ $# -gt 0 ] || set -- "$BUILD/crawlpack"
for tool in "$GEN_SITE" "$@"; do
    [ -x "$tool" ] || { echo "missing $tool: build the release preset first" >&2; exit 1; }
done
for tool in nginx valgrind callgrind_annotate python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (scripts/setup.sh --bench)" >&2; exit 1; }
done

. "$ROOT/bench/tools/nginx.sh"
bench_work_folder

echo "== generating $N pages"
"$GEN_SITE" "$WORK/site" "$N" >/dev/null
nginx_serve "$WORK" "$WORK/site" "access_log off; gzip on; gzip_types text/css;"

# inclusive FUNCTION FILE: the inclusive Ir of FUNCTION in a callgrind output (0 when not called)
inclusive() {
    callgrind_annotate --inclusive=yes --threshold=100 "$2" 2>/dev/null |
        awk -v f="$1" '$0 ~ ("[ :*]" f " ") { gsub(",", "", $1); print $1; found = 1; exit } END { if (!found) print 0 }'
}

printf '%-44s %7s %14s %14s %14s\n' binary pages Ir/page found_links/page url_parse/page
i=0
for binary in "$@"; do
    i=$((i + 1))
    out="$WORK/out.$i"
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$i" "$binary" crawl "$START" --quiet --out "$out" \
        --no-sitemaps --no-db --concurrency 4 --max-time 600 >"$WORK/log.$i" 2>&1 || true
    pages=$(python3 -c "import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) \
        if r['status'] == '200' and r['content_type'].startswith('text/html')))" "$out/pages.csv")
    total=$(callgrind_annotate "$WORK/callgrind.$i" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
    found=$(inclusive crawl_found_links "$WORK/callgrind.$i")
    parse=$(inclusive url_parse "$WORK/callgrind.$i")
    per() { python3 -c "import sys; print('%.0f' % (int(sys.argv[1]) / max(int(sys.argv[2]), 1)))" "$1" "$pages"; }
    printf '%-44s %7s %14s %14s %14s\n' "$binary" "$pages" "$(per "$total")" "$(per "$found")" "$(per "$parse")"
done
echo "N=$N cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
