#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# csv_files.sh CRAWLPACK SOURCE_DIR WORK_DIR EXPECTED_DIR: write the full pack with -o and compare
# every CSV file written beside it with the expected copy (UPDATE_GOLDEN=1 rewrites them).
set -u
crawlpack=$1
source_dir=$2
work=$3
expected=$4
rm -rf "$work"
cd "$source_dir" || exit 1
"$crawlpack" pack --intake fixtures/intake/example.yaml --crawl fixtures/crawls/shop -o "$work/pack.md" 2>/dev/null
status=$?
if [ "$status" -ne 0 ]; then
    echo "csv_files.sh: crawlpack pack exited $status" >&2
    exit 1
fi
failed=0
for file in "$work"/*.csv; do
    name=$(basename "$file")
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$file" "$expected/$name"
        continue
    fi
    diff -u "$expected/$name" "$file" || failed=1
done
for file in "$expected"/*.csv; do
    [ -f "$work/$(basename "$file")" ] || { echo "csv_files.sh: $(basename "$file") was not written" >&2; failed=1; }
done
grep -q '^## Files beside this pack' "$work/pack.md" || { echo "csv_files.sh: pack.md does not list its files" >&2; failed=1; }
exit $failed
