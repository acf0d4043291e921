#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/audit_e2e/run.sh: audit one fixture site end to end and compare its findings with the
# site's expected (rule, url) pairs, and its clusters.csv with expected-clusters.csv when the site has one.
#
#   run.sh SITE http|root FIXTURE_SERVER
#
# http: serves fixtures/sites/SITE with the fixture server on an ephemeral loopback port and runs
#   crawlpack audit http://SITE.test/ --connect-to SITE.test:80:127.0.0.1:PORT
#   (plus one --connect-to per virtual host of the site: @HOST/ folders and host= routes).
# root: runs crawlpack audit --root fixtures/sites/SITE --site-url http://SITE.test/.
# render: as http, against expected-findings.render.json (which names --render in its args): the
#   same site as a browser renders it (needs Debian's chromium).
# Options in the site's audit-args file (one or more per line) are added in both modes. The
# expectation is expected-findings.root.json in root mode when the site has one (routes do not exist
# on disk), else expected-findings.json; an expectation in the object format (findings_pairs.py)
# may name another site URL, extra args and the exit status. The binary comes from $CRAWLPACK_BIN,
# the sources from $CRAWLPACK_SOURCE_DIR. Every wait is bounded.
set -u

site=${1:?usage: run.sh SITE http|root FIXTURE_SERVER}
mode=${2:?usage: run.sh SITE http|root FIXTURE_SERVER}
server=${3:-}
source_dir=${CRAWLPACK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
crawlpack=${CRAWLPACK_BIN:-crawlpack}
here=$(cd "$(dirname "$0")" && pwd)
site_dir="$source_dir/fixtures/sites/$site"
audit_timeout=300   # seconds for one audit of a small site: a bound, not a timing check
port_wait=100       # tenths of a second to wait for the server's PORT line

fail() {
    echo "audit_e2e $site ($mode): $*" >&2
    exit 1
}

[ -d "$site_dir" ] || fail "no site folder $site_dir"
expected="$site_dir/expected-findings.json"
if [ "$mode" = root ] && [ -f "$site_dir/expected-findings.root.json" ]; then
    expected="$site_dir/expected-findings.root.json"
fi
if [ "$mode" = render ]; then
    expected="$site_dir/expected-findings.render.json"
fi
[ -f "$expected" ] || fail "no expectation $expected"
settings=$(python3 "$here/findings_pairs.py" settings "$expected") || fail "$settings"
site_url= args= exit=
eval "$settings"
[ -n "$site_url" ] || site_url="http://$site.test/"
host=$(echo "$site_url" | sed 's|^[a-z]*://||; s|[/:].*||')

if ! "$crawlpack" audit --help >/dev/null 2>&1; then
    fail "crawlpack audit is not available in $crawlpack (the audit subcommand is missing or broken)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/audit-e2e-$site-$mode.XXXXXX") || fail "cannot create a temporary folder"
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

extra_args=$args
if [ -f "$site_dir/audit-args" ]; then
    extra_args="$extra_args $(grep -v '^[[:space:]]*#' "$site_dir/audit-args" | tr '\n' ' ')"
fi

case "$mode" in
http|render)
    [ -n "$server" ] && [ -x "$server" ] || fail "fixture server not found: '$server'"
    "$server" --root "$site_dir" >"$work/server.out" 2>"$work/server.err" &
    server_pid=$!
    port=
    tries=0
    while [ -z "$port" ] && [ "$tries" -lt "$port_wait" ]; do
        port=$(sed -n '1s/^PORT \([0-9][0-9]*\)$/\1/p' "$work/server.out" 2>/dev/null)
        if [ -z "$port" ]; then
            kill -0 "$server_pid" 2>/dev/null || fail "fixture server exited: $(cat "$work/server.err")"
            sleep 0.1
            tries=$((tries + 1))
        fi
    done
    [ -n "$port" ] || fail "fixture server printed no PORT line within $((port_wait / 10)) s"
    connect="--connect-to $host:80:127.0.0.1:$port"
    for other in $( (ls -d "$site_dir"/@* 2>/dev/null | sed 's|.*/@||'
                     [ -f "$site_dir/routes" ] && sed -n 's/^host=\([^ ]*\).*/\1/p' "$site_dir/routes") | sort -u); do
        [ "$other" = "$host" ] || connect="$connect --connect-to $other:80:127.0.0.1:$port"
    done
    # shellcheck disable=SC2086 # the option lists are meant to split into words
    eval "set -- audit \"\$site_url\" $connect $extra_args --quiet --out \"\$work/out\""
    ;;
root)
    eval "set -- audit --root \"\$site_dir\" --site-url \"\$site_url\" $extra_args --quiet --out \"\$work/out\""
    ;;
*)
    fail "mode must be http, root or render, not '$mode'"
    ;;
esac

timeout "$audit_timeout" "$crawlpack" "$@" >"$work/audit.out" 2>"$work/audit.err"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "crawlpack $*" >&2
    cat "$work/audit.err" >&2
    [ "$status" -eq 124 ] && fail "the audit did not finish within $audit_timeout s"
    fail "the audit exited with status $status"
fi
[ -f "$work/out/findings.json" ] || fail "the audit wrote no findings.json (crawlpack $*)"

echo "crawlpack $*"
echo "expectation: ${expected#"$source_dir"/}"
python3 "$here/findings_pairs.py" compare "$expected" "$work/out/findings.json" --exit "$status" || exit 1
# A site with expected-clusters.csv also pins OUT/clusters.csv byte for byte (docs/clusters.md).
if [ -f "$site_dir/expected-clusters.csv" ]; then
    if ! cmp -s "$site_dir/expected-clusters.csv" "$work/out/clusters.csv"; then
        diff "$site_dir/expected-clusters.csv" "$work/out/clusters.csv" >&2
        fail "clusters.csv differs from expected-clusters.csv"
    fi
    echo "clusters.csv matches expected-clusters.csv"
fi
