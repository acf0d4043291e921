#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rule_coverage.sh CRAWLPACK: every rule of the "sitemap files" section of findings/rules.def fires
# in at least one expected output of fixtures/sitemaps (or the --xsd tests), and the clean fixtures
# stay silent. Run from the source root.
set -u
rules=$(sed -n '/---- sitemap files ----/,/---- sitemap vs crawl ----/p' findings/rules.def |
        sed -n 's/^RULE([A-Z_]*, "\([a-z-]*\)".*/\1/p')
[ -n "$rules" ] || { echo "rule_coverage.sh: no sitemap rules found in findings/rules.def" >&2; exit 1; }
status=0
for rule in $rules; do
    if ! grep -q ": $rule: " fixtures/sitemaps/*.expected tests/sitemap/xsd/*.expected; then
        echo "rule $rule fires in no fixture" >&2
        status=1
    fi
done
for clean in fixtures/sitemaps/clean.expected fixtures/sitemaps/clean-text.expected fixtures/sitemaps/index.expected; do
    if grep -q ": sitemap-" "$clean"; then
        echo "$clean is meant to be clean but has findings" >&2
        status=1
    fi
done
[ "$status" = 0 ] && echo "$(echo "$rules" | wc -l) sitemap rules covered; clean fixtures silent"
exit $status
