#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_junit_schema.sh SAMPLES BASELINE: every JUnit sample (both groupings, empty and with a
# baseline) must validate against the Ant JUnit schema. A missing xmllint is a failure: install it
# with scripts/setup.sh (libxml2-utils).
set -eu
samples=$1 baseline=$2
xsd=${CRAWLPACK_CONFORMANCE_DIR:?}/junit/JUnit.xsd
command -v xmllint >/dev/null || { echo "xmllint not found: run scripts/setup.sh" >&2; exit 1; }
[ -f "$xsd" ] || { echo "$xsd not found" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# From the baseline's folder, so the outputs name it "baseline-v0.json", not a checkout path.
(cd "$(dirname "$baseline")" && "$samples" "$out" "$(basename "$baseline")")
count=0
for f in "$out"/*.xml; do
    xmllint --noout --schema "$xsd" "$f"
    count=$((count + 1))
done
[ "$count" -ge 6 ] || { echo "expected at least 6 JUnit samples, found $count" >&2; exit 1; }
echo "junit: $count documents valid"
