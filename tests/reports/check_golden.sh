#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_golden.sh SAMPLES BASELINE EXPECTED_DIR NORMALIZER: render every sample and compare it byte
# for byte with EXPECTED_DIR. SARIF files are first reduced by NORMALIZER to the rules their results
# use (the full catalog would make every new rule break this test; ruleIndex is checked there).
# UPDATE_GOLDEN=1 rewrites the expected files instead (review them by hand).
set -eu
samples=$1 baseline=$2 expected=$3 normalizer=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# From the baseline's folder, so the outputs name it "baseline-v0.json", not a checkout path.
(cd "$(dirname "$baseline")" && "$samples" "$out" "$(basename "$baseline")")
python3 "$normalizer" "$out"/*.sarif
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    rm -f "$expected"/*
    cp "$out"/* "$expected"/
    echo "updated $expected"
    exit 0
fi
diff -r "$expected" "$out"
echo "golden: $(ls "$out" | wc -l) files match"
