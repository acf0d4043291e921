#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/docs_findings/run.sh [OLD_CRAWLPACK] [NEW_CRAWLPACK] [ROOT] [SITE_URL]: what a person has to
# read after auditing a large documentation build from disk — findings by rule and causes — for two
# crawlpack binaries (an older build and this one), so a change to the rules can be judged on a
# site nobody here wrote.
#
# Defaults: the Python documentation Debian ships (python3-doc: scripts/setup.sh --bench installs
# it) at /usr/share/doc/python3/html, audited as https://docs.python.org/3/, and build/release/crawlpack
# for NEW. OLD may be "-" to run NEW only. Each binary audits once (`audit --root ... --out DIR`);
# the script prints, per binary, the findings, the causes and the findings per rule, then the load
# average (the figures are counts, not timings, but the wall time is printed too). Numbers are
# printed, never asserted.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT_DIR=$(cd "$HERE/../.." && pwd)
OLD=${1:--}
NEW=${2:-$ROOT_DIR/build/release/crawlpack}
DOCS=${3:-/usr/share/doc/python3/html}
SITE=${4:-https://docs.python.org/3/}
[ -d "$DOCS" ] || { echo "no documentation build at $DOCS (apt-get install python3-doc)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/crawlpack-docs-findings.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

run() { # label binary
    label=$1
    bin=$2
    [ -x "$bin" ] || { echo "missing $bin" >&2; exit 1; }
    # every finding listed, where the build has a cap (older builds list them all anyway)
    cap=
    "$bin" audit --help 2>&1 | grep -q -- --max-findings-per-rule && cap="--max-findings-per-rule 1000000"
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$bin" audit --root "$DOCS" --site-url "$SITE" --quiet $cap \
        --out "$WORK/$label" >/dev/null 2>"$WORK/$label.err" || [ $? -eq 1 ]
    end=$(date +%s)
    python3 - "$WORK/$label/findings.json" "$label" "$((end - start))" <<'PY'
import collections, json, sys
data = json.load(open(sys.argv[1]))
findings = data.get("findings", [])
summary = data.get("summary", {})
causes = summary.get("by_cause")
rules = collections.Counter(f["rule"] for f in findings)
print(f"== {sys.argv[2]}: {len(findings)} findings, "
      f"{len(causes) if causes is not None else 'no'} causes"
      f"{'' if causes is not None else ' (this build groups nothing: each finding is a row to read)'}, "
      f"{sys.argv[3]} s wall")
for rule, count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"   {count:6d}  {rule}")
if causes:
    print("   causes:")
    for c in causes:
        print(f"   {c['findings']:6d}  {c['cause']}  {c.get('summary', '')[:110]}")
PY
}

[ "$OLD" = "-" ] || run old "$OLD"
run new "$NEW"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
