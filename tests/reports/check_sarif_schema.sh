#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_sarif_schema.sh SAMPLES BASELINE VALIDATOR: every SARIF sample must validate against the
# SARIF 2.1.0 schema (python3-jsonschema, draft-04). Missing python3 or jsonschema is a failure.
set -eu
samples=$1 baseline=$2 validator=$3
schema=${CRAWLPACK_CONFORMANCE_DIR:?}/sarif/sarif-schema-2.1.0.json
command -v python3 >/dev/null || { echo "python3 not found: run scripts/setup.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# From the baseline's folder, so the outputs name it "baseline-v0.json", not a checkout path.
(cd "$(dirname "$baseline")" && "$samples" "$out" "$(basename "$baseline")")
python3 "$validator" "$schema" "$out"/*.sarif
