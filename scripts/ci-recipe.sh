#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ci-recipe.sh: the steps of the CI recipe in docs/ci.md, run locally against a built site folder,
# so the recipe can be proven to work without GitHub or GitLab.
#
#   scripts/ci-recipe.sh [options] SITE_DIR
#
# Steps (the same, in the same order, as the GitHub Actions workflow and the GitLab job):
#   1. install the Debian packages (scripts/setup.sh)            skipped with --no-setup
#   2. build crawlpack (cmake --preset release)                  skipped with --crawlpack BIN
#   3. audit SITE_DIR with scripts/ci-audit.sh (the audit step of action.yml and ci/gitlab.yml):
#      --format sarif,junit,json --out OUT --fail-on error [--baseline FILE], OUT/job-summary.md
#   4. check what CI would upload: OUT/findings.sarif (SARIF 2.1.0) and OUT/findings.junit.xml
#      (validated against the schemas in tests/conformance when they are there)
#   5. audit the base site (--base-site DIR; default SITE_DIR itself) into OUT-base and write
#      `crawlpack diff OUT-base OUT --format md` to OUT/diff.md, the pull-request comment
#   6. exit as the pipeline would: 1 when the audit found new errors
#
# Exit status: 0 the recipe passed, 1 the audit found new errors (the pipeline fails as intended),
# 2 usage error, 3 a step could not run (no audit command yet, build failed, outputs missing or
# invalid).
set -u

usage() {
    cat <<'EOF'
Usage: scripts/ci-recipe.sh [options] SITE_DIR

Run the CI recipe of docs/ci.md against a built static site folder.

  --site-url URL      the URL the site is served at (default: https://example.com/)
  --baseline FILE     a findings.json of accepted findings (default: none)
  --base-site DIR     the site as built from the base branch, for the diff (default: SITE_DIR)
  --out DIR           output folder (default: crawlpack-out; the base audit goes to DIR-base)
  --crawlpack BIN     use this crawlpack binary instead of building one
  --no-setup          do not run scripts/setup.sh (packages already installed)
  -h, --help          show this help

Exit status: 0 passed, 1 new errors found, 2 usage error, 3 a step could not run.
EOF
}

fail() {
    echo "ci-recipe: $*" >&2
    exit 3
}

source_dir=$(cd "$(dirname "$0")/.." && pwd)
site_url=https://example.com/
baseline=
base_site=
out="crawlpack-out"
crawlpack=
setup=1
site=
while [ $# -gt 0 ]; do
    case $1 in
    --site-url) site_url=${2:?--site-url needs a URL}; shift 2 ;;
    --baseline) baseline=${2:?--baseline needs a file}; shift 2 ;;
    --base-site) base_site=${2:?--base-site needs a folder}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --crawlpack) crawlpack=${2:?--crawlpack needs a binary}; shift 2 ;;
    --no-setup) setup=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "ci-recipe: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) [ -z "$site" ] || { echo "ci-recipe: one SITE_DIR only ('$1')" >&2; exit 2; }; site=$1; shift ;;
    esac
done
[ -n "$site" ] || { usage >&2; exit 2; }
[ -d "$site" ] || { echo "ci-recipe: $site: not a folder (give the site's build output, e.g. public/)" >&2; exit 2; }
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "ci-recipe: $baseline: no such baseline file" >&2; exit 2; }
[ -n "$base_site" ] || base_site=$site
[ -d "$base_site" ] || { echo "ci-recipe: $base_site: not a folder" >&2; exit 2; }

# 1. packages
if [ "$setup" = 1 ]; then
    echo "== 1. packages (scripts/setup.sh)"
    "$source_dir/scripts/setup.sh" || fail "scripts/setup.sh failed"
fi

# 2. crawlpack
if [ -z "$crawlpack" ]; then
    echo "== 2. build (cmake --preset release)"
    (cd "$source_dir" && cmake --preset release >/dev/null && cmake --build build/release -j2 --target crawlpack) ||
        fail "building crawlpack failed"
    crawlpack=$source_dir/build/release/crawlpack
fi
[ -x "$crawlpack" ] || fail "$crawlpack: not an executable"
if ! "$crawlpack" help audit >/dev/null 2>&1; then
    fail "$crawlpack has no 'audit' command yet ('crawlpack help audit' failed): the recipe needs" \
         "crawlpack audit --root DIR --site-url URL --format ... --out DIR --baseline FILE --fail-on SEVERITY"
fi

# 3. audit
echo "== 3. audit $site"
# Stale outputs of an earlier run must not pass the checks below: remove exactly those files.
rm -f "$out/findings.sarif" "$out/findings.junit.xml" "$out/findings.json" "$out/pages.csv" "$out/diff.md" \
      "$out-base/findings.json" "$out-base/pages.csv"
# The audit step of action.yml and ci/gitlab.yml: scripts/ci-audit.sh, with a job summary.
set -- --crawlpack "$crawlpack" --root "$site" --site-url "$site_url" --format sarif,junit,json --out "$out" \
       --fail-on error --summary "$out/job-summary.md"
[ -z "$baseline" ] || set -- "$@" --baseline "$baseline"
rm -f "$out/job-summary.md"
sh "$source_dir/scripts/ci-audit.sh" "$@"
audit_status=$?
[ "$audit_status" -le 1 ] || fail "crawlpack audit could not run (exit $audit_status)"

# 4. what CI uploads
echo "== 4. check $out/findings.sarif and $out/findings.junit.xml"
sarif=$out/findings.sarif
junit=$out/findings.junit.xml
[ -s "$sarif" ] || fail "$sarif: missing or empty (CI uploads it to code scanning)"
[ -s "$junit" ] || fail "$junit: missing or empty (CI publishes it as the test report)"
[ -s "$out/findings.json" ] || fail "$out/findings.json: missing or empty (the diff and the baseline need it)"
[ -s "$out/pages.csv" ] || fail "$out/pages.csv: missing or empty (the diff needs it)"
[ -s "$out/job-summary.md" ] || fail "$out/job-summary.md: missing or empty (the job summary CI shows)"
conformance=${CRAWLPACK_CONFORMANCE_DIR:-$source_dir/tests/conformance}
if [ -f "$conformance/sarif/sarif-schema-2.1.0.json" ] && python3 -c 'import jsonschema' 2>/dev/null; then
    python3 "$source_dir/tests/reports/validate_sarif.py" "$conformance/sarif/sarif-schema-2.1.0.json" "$sarif" ||
        fail "$sarif does not validate against the SARIF 2.1.0 schema"
    echo "$sarif: valid SARIF 2.1.0"
else
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d.get("version") != "2.1.0")' "$sarif" ||
        fail "$sarif: not a SARIF 2.1.0 document"
    echo "$sarif: SARIF 2.1.0 (schema not available: not validated)"
fi
if [ -f "$conformance/junit/JUnit.xsd" ]; then
    xmllint --noout --schema "$conformance/junit/JUnit.xsd" "$junit" || fail "$junit does not validate against JUnit.xsd"
else
    xmllint --noout "$junit" || fail "$junit: not well-formed XML"
    echo "$junit: well-formed (schema not available: not validated)"
fi

# 5. the pull-request comment
echo "== 5. diff against $base_site"
"$crawlpack" audit --root "$base_site" --site-url "$site_url" --format json --out "$out-base" --fail-on never ||
    fail "crawlpack audit of the base site $base_site failed"
"$crawlpack" diff "$out-base" "$out" --format md -o "$out/diff.md" || fail "crawlpack diff failed"
echo "-- $out/diff.md (the comment CI posts):"
cat "$out/diff.md"

# 6. the verdict
if [ "$audit_status" -eq 1 ]; then
    echo "== ci-recipe: the audit found new errors: the pipeline fails here" >&2
    exit 1
fi
echo "== ci-recipe: passed"
exit 0
