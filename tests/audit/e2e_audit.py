#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end audits of fixture sites: the exact (rule, URL) pairs, no more, no fewer.

Usage: e2e_audit.py SITE MODE --server PATH   (MODE: root, http, baseline or interrupt; crawlpack comes
from $CRAWLPACK_BIN)

fixtures/sites/SITE/expected-findings.json holds
  {"site_url": "http://audit.test/",  the URL the site is audited at (--site-url in root mode; in
                                      http mode the fixture server's origin is written as it)
   "args": [...],                     extra audit options
   "exit": 1,                         the expected exit status
   "findings": [[RULE, URL], ...]}    every finding's rule and URL (null for none), sorted
In root mode the site is audited with --root; in http mode it is served by the fixture server (the
crawl tests' tool, started and stopped here) and audited at site_url with --connect-to sending every
request to the server's port — both must give exactly these findings. The run's
findings.json is also checked for the summary and fingerprint fields CI tools read. The baseline
mode audits with --root twice, the second time against the first run's findings.json: every finding
is then existing, so the run passes, unless --fail-on-existing. The interrupt mode sends SIGINT while
the crawl of SITE waits for its /slow page: the audit must still analyse and write what was crawled,
and exit 130.
UPDATE_GOLDEN=1 rewrites the "findings" list from a run (review the diff by hand).
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

SOURCE = os.environ.get("CRAWLPACK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
SITES = os.path.join(SOURCE, "fixtures", "sites")
BOUND = 120  # seconds any single run may take before the test fails

# The fixture server and its bounded start-up come from the crawl's end-to-end tests.
_spec = importlib.util.spec_from_file_location("crawl_e2e", os.path.join(SOURCE, "tests", "crawl", "e2e.py"))
crawl_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crawl_e2e)
Failure, check, Server = crawl_e2e.Failure, crawl_e2e.check, crawl_e2e.Server
interrupt_at_slow = crawl_e2e.interrupt_at_slow


def audit(target_args, extra, out, expect_exit):
    result = subprocess.run([CRAWLPACK, "audit", "--quiet", "--out", out] + target_args + extra,
                            capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == expect_exit, "crawlpack audit exited %d, want %d\nstdout: %s\nstderr: %s" %
          (result.returncode, expect_exit, result.stdout, result.stderr))
    with open(os.path.join(out, "findings.json")) as f:
        return json.load(f), result.stdout


def pairs(report, origin, site_url):
    base = site_url.rstrip("/")
    found = []
    for finding in report["findings"]:
        url = finding["url"]
        if url is not None and origin:
            url = url.replace(origin, base)
        found.append([finding["rule"], url])
    return sorted(found, key=lambda p: (p[0], p[1] or ""))


def check_shape(report, stdout):
    summary = report["summary"]
    check(isinstance(summary["pages"], int) and isinstance(summary["indexable"], int), "summary counts missing")
    by_rule = {}
    for finding in report["findings"]:
        by_rule[finding["rule"]] = by_rule.get(finding["rule"], 0) + 1
        check(len(finding.get("fingerprint", "")) == 16, "finding without a fingerprint: %s" % finding)
    check(summary["by_rule"] == by_rule, "summary.by_rule %s disagrees with the findings %s" %
          (summary["by_rule"], by_rule))
    by_cause_rule = {}
    for cause in summary["by_cause"]:
        by_cause_rule[cause["rule"]] = by_cause_rule.get(cause["rule"], 0) + cause["findings"]
        check(any(line.split()[1:3] == [cause["rule"], str(cause["findings"])] and line.endswith(cause["summary"])
                  for line in stdout.splitlines() if len(line.split()) > 2),
              "the summary table has no row for cause %s" % cause)
    check(by_cause_rule == by_rule, "summary.by_cause %s disagrees with the findings %s" % (by_cause_rule, by_rule))
    for finding in report["findings"]:
        check(finding.get("cause", "").split(":")[0] == finding["rule"], "finding without its cause: %s" % finding)


def compare(site, expected, found):
    if os.environ.get("UPDATE_GOLDEN") == "1":
        head = {k: v for k, v in expected.items() if k != "findings"}
        rows = ",\n".join("  " + json.dumps(pair) for pair in found)
        with open(os.path.join(SITES, site, "expected-findings.json"), "w") as f:
            f.write(json.dumps(head)[:-1] + ',\n "findings": [\n' + rows + "\n ]}\n")
        return
    want = sorted(expected["findings"], key=lambda p: (p[0], p[1] or ""))
    lines = []
    rest = list(found)
    for pair in want:
        if pair in rest:
            rest.remove(pair)
        else:
            lines.append("  missing:    %s %s" % tuple(pair))
    lines += ["  unexpected: %s %s" % tuple(pair) for pair in rest]
    check(not lines, "findings differ from expected-findings.json:\n" + "\n".join(lines))


def run(site, mode, server, out):
    with open(os.path.join(SITES, site, "expected-findings.json")) as f:
        expected = json.load(f)
    site_url = expected["site_url"]
    if mode == "root":
        report, stdout = audit(["--root", os.path.join(SITES, site), "--site-url", site_url], expected.get("args", []),
                               out, expected["exit"])
        found = pairs(report, None, site_url)
    else:
        # The site is audited at its own URL, every request going to the fixture server's port
        # (--connect-to): absolute links and sitemap entries keep working.
        host = urllib.parse.urlsplit(site_url)
        s = Server(server, site)
        try:
            route = "%s:%d:127.0.0.1:%d" % (host.hostname, host.port or 80, s.port)
            report, stdout = audit([site_url, "--connect-to", route], expected.get("args", []), out, expected["exit"])
        finally:
            s.stop()
        found = pairs(report, None, site_url)
    check_shape(report, stdout)
    compare(site, expected, found)


def run_baseline(site, out):
    with open(os.path.join(SITES, site, "expected-findings.json")) as f:
        expected = json.load(f)
    target = ["--root", os.path.join(SITES, site), "--site-url", expected["site_url"]] + expected.get("args", [])
    first, _ = audit(target, [], os.path.join(out, "first"), expected["exit"])
    baseline = os.path.join(out, "first", "findings.json")
    second, stdout = audit(target, ["--baseline", baseline], os.path.join(out, "second"), 0)
    states = {finding["baseline_state"] for finding in second["findings"]}
    check(states <= {"existing"}, "findings not all existing against their own run: %s" % states)
    counts = second["summary"]["baseline"]
    check(counts["new"] == 0 and counts["existing"] == len(first["findings"]) and counts["fixed"] == 0,
          "baseline counts %s" % counts)
    check("0 new, %d existing, 0 fixed" % len(first["findings"]) in stdout, "summary: %s" % stdout)
    audit(target, ["--baseline", baseline, "--fail-on-existing"], os.path.join(out, "third"), expected["exit"])


def run_interrupt(site, server, out):
    s = Server(server, site)
    try:
        stdout = interrupt_at_slow(s, ["audit", "--quiet", "--out", out, s.origin + "/", "--max-time", "60"])
        check(", interrupted:" in stdout, "the summary does not say interrupted: %s" % stdout)
        with open(os.path.join(out, "findings.json")) as f:
            report = json.load(f)
        check(report["summary"]["pages"] > 0, "no page in the interrupted audit's findings.json")
        check_shape(report, stdout)
    finally:
        s.stop()


def main():
    if len(sys.argv) != 5 or sys.argv[2] not in ("root", "http", "baseline", "interrupt") or sys.argv[3] != "--server":
        sys.stderr.write("usage: e2e_audit.py SITE root|http|baseline|interrupt --server PATH\n")
        return 2
    site, mode = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="audit-e2e-") as out:
        try:
            if mode == "baseline":
                run_baseline(site, out)
            elif mode == "interrupt":
                run_interrupt(site, sys.argv[4], out)
            else:
                run(site, mode, sys.argv[4], out)
        except Failure as failure:
            sys.stderr.write("FAIL %s %s: %s\n" % (site, mode, failure))
            return 1
    print("ok %s %s" % (site, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
