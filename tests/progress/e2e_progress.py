#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The progress line and the summaries count HTTP outcomes people act on: 2xx, 3xx, 4xx, 5xx,
disallowed by robots.txt, blocked by a rate limit or bot wall, network errors (no response). The
counts must agree with pages.csv.

Usage: e2e_progress.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, Failure, Server, check, read_csv, run_cases  # noqa: E402

OUTCOMES = re.compile(r"2xx (\d+), 3xx (\d+), 4xx (\d+), 5xx (\d+), disallowed (\d+), blocked (\d+), "
                      r"network errors (\d+)")


def counted(out):
    """The outcome counts from pages.csv, as the crawl should have counted them."""
    counts = [0] * 7
    for row in read_csv(os.path.join(out, "pages.csv")):
        status, error = row["status"], row["error"]
        if error.startswith("blocked:"):  # the status is the protection layer's, not the page's
            counts[5] += 1
        elif status:
            klass = int(status) // 100
            if 2 <= klass <= 5:
                counts[klass - 2] += 1
        elif error.startswith("blocked by robots.txt"):
            counts[4] += 1
        elif error and not error.startswith(("not fetched", "refused")) and "stopped first" not in error:
            counts[6] += 1
    return counts


def run(command, args):
    result = subprocess.run([CRAWLPACK, command] + args, capture_output=True, text=True, timeout=BOUND)
    check(result.returncode in (0, 1), "crawlpack %s exited %d: %s" % (command, result.returncode, result.stderr))
    return result


def outcome_lines(text, prefix):
    return [list(map(int, OUTCOMES.search(line).groups())) for line in text.splitlines()
            if line.startswith(prefix) and OUTCOMES.search(line)]


def check_counts(result, out, want_nonzero):
    expected = counted(out)
    progress = outcome_lines(result.stderr, "crawlpack: ")
    check(progress, "no progress line with outcomes on stderr:\n%s" % result.stderr)
    check(progress[-1] == expected, "final progress line %s, pages.csv says %s" % (progress[-1], expected))
    for index in want_nonzero:
        check(expected[index] > 0, "the fixture gave no outcome of kind %d: %s" % (index, expected))
    return expected


def case_crawl_basic(server, out):
    """crawl prints a summary with the outcomes (2xx, a 404, a robots.txt-blocked page)."""
    s = Server(server, "basic")
    try:
        result = run("crawl", [s.origin + "/", "--out", out])
        expected = check_counts(result, out, [0, 2, 4])
        summary = outcome_lines(result.stdout, "crawled ")
        check(summary == [expected], "crawl summary %s, want %s\n%s" % (summary, expected, result.stdout))
        check("files in %s/" % out in result.stdout, "the summary does not name the folder:\n%s" % result.stdout)
    finally:
        s.stop()


def case_audit_hostile(server, out):
    """audit over the hostile site: redirects (3xx) and transfers without a response (timeouts, caps)
    are counted as such, in the live line and in the audit's summary."""
    s = Server(server, "hostile")
    try:
        result = run("audit", [s.origin + "/", "--out", out, "--max-time", "3", "--max-per-template", "5"])
        expected = check_counts(result, out, [0, 1, 6])
        summary = outcome_lines(result.stdout, "responses: ")
        check(summary == [expected], "audit summary %s, want %s\n%s" % (summary, expected, result.stdout))
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_progress.py", "progress-e2e-"))
