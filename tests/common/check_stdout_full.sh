#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_stdout_full.sh CRAWLPACK: every command writing to a full device (/dev/full) must fail with
# exit 3 and say that standard output could not be written, never exit as if the output landed.
set -u
bin=$1
failed=0
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
check() {
    "$bin" "$@" >/dev/full 2>"$errors"
    status=$?
    if [ "$status" -ne 3 ] || ! grep -q "standard output" "$errors"; then
        echo "FAIL: crawlpack $* >/dev/full: exit $status (want 3), stderr:" >&2
        cat "$errors" >&2
        failed=1
    fi
}
check --help
check version
check rules
check rules --markdown
check rules --json
check help sitemap
check url parse http://example.com/
check url parse --json http://example.com/
check url normalize http://example.com/
check robots check --robots-file fixtures/robots/site.txt http://example.com/
check robots lint fixtures/robots/site.txt
check sitemap --now 2026-01-01T00:00:00Z fixtures/sitemaps/duplicate.xml
check sitemap --now 2026-01-01T00:00:00Z --format json fixtures/sitemaps/duplicate.xml
check sitemap --now 2026-01-01T00:00:00Z --format junit fixtures/sitemaps/duplicate.xml
exit $failed
