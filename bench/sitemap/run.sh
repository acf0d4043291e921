#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh: the sitemap benchmark (see RESULTS.md). From the source root, after a release build:
#   cmake --preset release && cmake --build --preset release -j2 && sh bench/sitemap/run.sh
# 1. one 50,000-URL sitemap (~10 MB): crawlpack sitemap vs xmllint --stream --noout, same file,
#    same run, best and median of RUNS runs each;
# 2. 40 such files (2 million distinct URLs) in one crawlpack invocation: wall time and peak RSS
#    (/usr/bin/time -v). Files go to a temporary folder that is removed afterwards.
set -eu
build=${BUILD:-build/release}
runs=${RUNS:-7}
crawlpack=$build/crawlpack
gen=$build/bench/sitemap/gen_sitemap
[ -x "$crawlpack" ] && [ -x "$gen" ] || { echo "build first: cmake --build --preset release" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
i=0
while [ $i -lt 40 ]; do "$gen" 50000 $i >"$dir/sitemap-$i.xml"; i=$((i + 1)); done
size=$(stat -c %s "$dir/sitemap-0.xml")
echo "machine: $(nproc) cores, $(uname -r); libxml2 $(xmllint --version 2>&1 | head -1 | sed 's/.*version //')"
echo "file: 50,000 URLs, $size bytes"

# Wall time and CPU time (user + system) of each run; on a shared machine CPU time is the steadier
# figure, wall time the one a user sees. Best and median of each.
time_runs() { # label command...
    label=$1
    shift
    : >"$dir/times"
    r=0
    while [ $r -lt "$runs" ]; do
        /usr/bin/time -f "%e %U %S" -o "$dir/one" "$@" >/dev/null 2>&1 || true
        awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$dir/one" >>"$dir/times"
        r=$((r + 1))
    done
    wall=$(cut -d' ' -f1 "$dir/times" | sort -n | awk '{ t[NR] = $1 } END { printf "best %.2f s  median %.2f s", t[1], t[int((NR + 1) / 2)] }')
    cpu=$(cut -d' ' -f2 "$dir/times" | sort -n | awk '{ t[NR] = $1 } END { printf "best %.3f s  median %.3f s", t[1], t[int((NR + 1) / 2)] }')
    printf "%-34s wall %s | cpu %s (%d runs)\n" "$label" "$wall" "$cpu" "$runs"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
time_runs "crawlpack sitemap (1 file)" "$crawlpack" sitemap --now 2026-01-01T00:00:00Z "$dir/sitemap-0.xml"
time_runs "xmllint --stream --noout (1 file)" xmllint --stream --noout "$dir/sitemap-0.xml"

/usr/bin/time -v "$crawlpack" sitemap --now 2026-01-01T00:00:00Z "$dir"/sitemap-*.xml >"$dir/out.txt" 2>"$dir/time.txt" || true
echo "crawlpack sitemap (40 files): $(tail -n 1 "$dir/out.txt")"
echo "  wall $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time.txt"),"\
     "cpu user $(sed -n 's/.*User time (seconds): //p' "$dir/time.txt") s + system $(sed -n 's/.*System time (seconds): //p' "$dir/time.txt") s,"\
     "peak RSS $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time.txt") KiB"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
