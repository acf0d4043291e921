#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# pack_from_audit.sh CRAWLPACK SOURCE_DIR: `audit --intake` writes OUT/pack.md with the eight
# sections in the source document's order and the quality gate, from the crawl it just made, and
# OUT/sitemaps.csv lists the demo's sitemap entries. (The pack's exact text is covered by the
# golden tests of tests/pack; this checks the wiring.)
set -u
bin=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "pack_from_audit: $*" >&2; exit 1; }
"$bin" audit --quiet --root "$src/fixtures/sites/demo" --site-url http://demo.example/ --out "$out" \
    --intake "$src/fixtures/intake/northwind.yaml" --format csv --fail-on never >/dev/null 2>"$out.err" ||
    { cat "$out.err" >&2; rm -f "$out.err"; fail "audit failed"; }
rm -f "$out.err"
[ -f "$out/pack.md" ] || fail "no pack.md"
[ -f "$out/findings.json" ] || fail "findings.json is needed by the pack and was not written"
headings=$(grep -E '^## [1-8]\. ' "$out/pack.md" | cut -c4-5 | tr -d '\n')
[ "$headings" = "1.2.3.4.5.6.7.8." ] || fail "sections out of order or missing: '$headings'"
grep -q '^## Quality gate' "$out/pack.md" || fail "no quality gate table"
grep -q 'Northwind' "$out/pack.md" || fail "the intake did not reach the pack"
rows=$(($(wc -l <"$out/sitemaps.csv") - 1))
[ "$rows" -eq 16 ] || fail "sitemaps.csv has $rows entries, the demo's sitemaps list 16"
grep -q '^http://demo.example/sitemap-journal.xml,http://demo.example/journal/,2026-11-25' "$out/sitemaps.csv" ||
    fail "sitemaps.csv misses the journal entry"
echo "pack_from_audit: pack.md has 8 sections and the gate; sitemaps.csv has $rows entries"
