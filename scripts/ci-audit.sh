#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ci-audit.sh: the audit step every CI recipe runs — the GitHub Action (action.yml), the GitLab
# template (ci/gitlab.yml) and scripts/ci-recipe.sh — so all three audit, summarise and decide
# the same way.
#
#   scripts/ci-audit.sh [options]
#
#   --crawlpack BIN     the crawlpack to run (default: crawlpack on PATH)
#   --root DIR          audit a build folder (with --site-url)
#   --site-url URL      the URL the folder is served at
#   --url URL           audit a live site instead
#   --baseline FILE     accepted findings (a previous findings.json); a missing file is no baseline
#   --fail-on LEVEL     error (default), warning, notice, never
#   --format LIST       findings formats (default: sarif,junit,json; json is always added)
#   --out DIR           output folder (default: crawlpack-out)
#   --summary FILE      append a Markdown summary (for $GITHUB_STEP_SUMMARY or a comment)
#
# Exit status: that of `crawlpack audit` — 0 nothing new at --fail-on, 1 new findings fail, 2 or 3
# the audit could not run (the summary then says so).
set -u
crawlpack=crawlpack root= site_url= url= baseline= fail_on=error formats=sarif,junit,json out=crawlpack-out summary=
while [ $# -gt 0 ]; do
    case $1 in
    --crawlpack) crawlpack=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --site-url) site_url=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --fail-on) fail_on=$2; shift 2 ;;
    --format) formats=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --summary) summary=$2; shift 2 ;;
    *) echo "ci-audit: unknown option '$1'" >&2; exit 2 ;;
    esac
done
case ",$formats," in *,json,*) ;; *) formats="$formats,json" ;; esac

set -- audit --format "$formats" --out "$out" --fail-on "$fail_on"
if [ -n "$root" ]; then
    set -- "$@" --root "$root" --site-url "${site_url:?ci-audit: --root needs --site-url}"
elif [ -n "$url" ]; then
    set -- "$@" "$url"
else
    echo "ci-audit: give --root DIR --site-url URL, or --url URL" >&2
    exit 2
fi
if [ -n "$baseline" ]; then
    if [ -f "$baseline" ]; then
        set -- "$@" --baseline "$baseline"
    else
        echo "ci-audit: $baseline does not exist yet: auditing without a baseline (every finding is new)" >&2
    fi
fi
mkdir -p "$out"
echo "crawlpack $*"
"$crawlpack" "$@" --quiet > "$out/summary.txt"
status=$?
cat "$out/summary.txt"

if [ -n "$summary" ]; then
    {
        echo "## crawlpack audit"
        echo
        case $status in
        0) echo "No new finding reaches \`--fail-on $fail_on\`." ;;
        1) echo "**New findings reach \`--fail-on $fail_on\`: this check fails.**" ;;
        *) echo "**The audit could not run (exit $status).**" ;;
        esac
        echo
        echo '```'
        cat "$out/summary.txt"
        echo '```'
        echo
        echo "Files: \`$out/\` (findings.json is the next baseline)."
    } >> "$summary"
fi
exit "$status"
