#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fuzz.sh: run every libFuzzer target for a given time and print what each did.
# Usage: scripts/fuzz.sh [--merge] [--record] [--only NAME] [--max-len BYTES] [SECONDS]   (default: 60 s per target)
#        scripts/fuzz.sh --totals
#
# Builds the fuzz preset, then runs each target (the CTest tests labelled "fuzz" give the target
# and its corpus folders, so the list lives in one place: tests/*/CMakeLists.txt) for SECONDS
# seconds of wall time, one target at a time, and prints one line per target: executions per
# second and total executions. New inputs go to a scratch folder; with --merge the inputs that
# add coverage are merged into the target's kept corpus (its first CORPUS folder, in the
# repository) so the next run starts from them — commit them. A crash stops the script with the
# target's output and leaves the reproducer (crash-*) in the current folder.
#
# The executions add up over the life of the corpora (the aim is 10 million per parser): --record
# appends each target's run to tests/fuzz-ledger.tsv (commit it with the corpus; seconds are those
# the target ran: SIGUSR1 to the fuzzer ends its run early and still records it), and --totals
# prints the ledger's sums per target. --max-len caps the inputs libFuzzer makes (default 65536, the
# size of the largest kept input; a smaller cap runs a slow target several times faster). The fuzz
# preset builds at -O1, as is usual for libFuzzer: -O0 runs the targets about half as fast.
set -eu
cd "$(dirname "$0")/.."
seconds=60
merge=0
record=0
only=
max_len=65536
ledger=tests/fuzz-ledger.tsv
while [ $# -gt 0 ]; do
    case "$1" in
    --merge) merge=1 ;;
    --record) record=1 ;;
    --only) only=$2; shift ;;
    --max-len) max_len=$2; shift ;;
    --totals)
        awk -F '\t' 'NR > 1 { execs[$3] += $5; seconds[$3] += $4; runs[$3]++ }
            END { printf "%-14s %6s %10s %14s\n", "TARGET", "RUNS", "SECONDS", "EXECS"
                  for (t in execs) printf "%-14s %6d %10d %14d\n", t, runs[t], seconds[t], execs[t] }' "$ledger" |
            { read -r header; echo "$header"; sort; }
        exit 0 ;;
    [0-9]*) seconds=$1 ;;
    *) echo "usage: scripts/fuzz.sh [--merge] [--record] [--only NAME] [--max-len BYTES] [SECONDS] | --totals" >&2; exit 2 ;;
    esac
    shift
done
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
scratch=$(mktemp -d /tmp/crawlpack-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# One line per target: NAME<TAB>EXECUTABLE<TAB>KEPT-CORPUS<TAB>SEED-FOLDERS (space-separated).
(cd build/fuzz && ctest -L fuzz --show-only=json-v1) | python3 -c '
import json, sys
for test in json.load(sys.stdin)["tests"]:
    command = test["command"]
    folders = [a for a in command[1:] if not a.startswith("-")][1:]  # [0] is the build-tree work folder
    print("%s\t%s\t%s\t%s" % (test["name"][:-len("_run")], command[0], folders[0], " ".join(folders[1:])))
' >"$scratch/targets"
printf '%-14s %12s %14s %8s\n' TARGET EXECS/S EXECS CORPUS
status=0
while IFS="$(printf '\t')" read -r name exe kept seeds; do
    if [ -n "$only" ] && [ "$only" != "$name" ]; then
        continue
    fi
    mkdir -p "$scratch/$name"
    started=$(date +%s)
    # shellcheck disable=SC2086 # seeds is a list of folders without spaces
    if ! "$exe" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1 \
        "$scratch/$name" "$kept" $seeds >"$scratch/$name.log" 2>&1; then
        tail -n 40 "$scratch/$name.log" >&2
        echo "fuzz.sh: $name failed (reproducer: crash-* or timeout-* in $(pwd))" >&2
        status=1
        continue
    fi
    elapsed=$(($(date +%s) - started)) # SIGUSR1 ends a run early, with its stats
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$name.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$scratch/$name.log")
    if [ "$merge" = 1 ]; then
        "$exe" -merge=1 -max_len=65536 "$kept" "$scratch/$name" >/dev/null 2>&1
    fi
    printf '%-14s %12s %14s %8s\n' "$name" "${rate:-?}" "${execs:-?}" "$(ls "$kept" | wc -l)"
    if [ "$record" = 1 ] && [ -n "$execs" ]; then
        # date, commit, target, seconds, executions, executions per second, kept corpus size, max_len
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
            "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$name" "$elapsed" "$execs" "${rate:-0}" \
            "$(ls "$kept" | wc -l)" "$max_len" >>"$ledger"
    fi
done <"$scratch/targets"
exit $status
