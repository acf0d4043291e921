#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The configuration file (docs/config.md) over fixtures/sites/audit-problems from disk: a rule
switched off, two raised, a threshold, a rule ignored and a URL pattern ignored give exactly the
expected findings with the raised severities (in findings.json and SARIF), the reasons are kept
in the output, an unknown key warns, and malformed files fail with FILE:LINE before any crawl.

Usage: e2e_config.py CASE   (crawlpack itself comes from $CRAWLPACK_BIN)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import CRAWLPACK, SOURCE, Failure, check, run_cases  # noqa: E402

HERE = os.path.join(SOURCE, "tests", "config")
SITE = os.path.join(SOURCE, "fixtures", "sites", "audit-problems")


def run(args, cwd, expect_rc=0):
    result = subprocess.run([CRAWLPACK] + args, capture_output=True, text=True, timeout=120, cwd=cwd)
    check(result.returncode == expect_rc, "crawlpack %s exited %d, want %d\nstderr: %s" % (
        " ".join(args), result.returncode, expect_rc, result.stderr))
    return result


def write_config(folder, name="site.crawlpack.yml", target=".crawlpack.yml"):
    with open(os.path.join(HERE, name)) as f:
        text = f.read().replace("{SITE}", SITE)
    path = os.path.join(folder, target)
    with open(path, "w") as f:
        f.write(text)
    return path


def case_applied(work):
    """.crawlpack.yml in the current folder is read without --config."""
    write_config(work)
    result = run(["audit", "--quiet", "--out", "out"], work)
    with open(os.path.join(work, "out", "findings.json")) as f:
        document = json.load(f)
    got = sorted([x["rule"], x["severity"], x.get("url")] for x in document["findings"])
    with open(os.path.join(HERE, "expected", "audit-problems-configured.json")) as f:
        want = sorted(json.load(f))
    missing = [x for x in want if x not in got]
    unexpected = [x for x in got if x not in want]
    check(not missing and not unexpected, "findings differ:\n  missing %s\n  unexpected %s" % (missing, unexpected))
    with open(os.path.join(work, "out", "findings.sarif")) as f:
        sarif = json.load(f)
    # A --root audit locates results by file; the finding's URL is kept in the result's properties.
    levels = {(r["ruleId"], r.get("properties", {}).get("url")): r["level"] for r in sarif["runs"][0]["results"]}
    check(levels.get(("missing-from-sitemap", "http://audit.test/unlisted")) == "error",
          "SARIF level of the raised rule: %s" % levels)
    recorded = json.dumps(document)
    for reason in ("the French section is being rebuilt (TICKET-12)", "the guide redirects are handled by the CDN"):
        check(reason in recorded, "findings.json does not keep the reason %r" % reason)
        check(reason in result.stdout, "the summary does not show the reason %r:\n%s" % (reason, result.stdout))
    check("ignored 1 finding: hreflang-no-return" in result.stdout, "summary:\n%s" % result.stdout)
    check("ignored 5 findings: ^http://audit" in result.stdout, "summary:\n%s" % result.stdout)
    check(".crawlpack.yml:7: unknown key 'unknown-option'" in result.stderr, "no warning: %s" % result.stderr)


def case_command_line_wins(work):
    """--config FILE elsewhere; a command-line option beats the file's (--fail-on error: the raised
    missing-from-sitemap errors fail the run); --no-config reads nothing."""
    path = write_config(work, target="ci.yml")
    run(["audit", "--quiet", "--config", path, "--out", "out", "--fail-on", "error"], work, expect_rc=1)
    write_config(work)
    run(["audit", "--quiet", "--no-config", "--root", SITE, "--site-url", "http://audit.test/", "--out", "plain",
         "--fail-on", "never"], work)
    with open(os.path.join(work, "plain", "findings.json")) as f:
        rules = [x["rule"] for x in json.load(f)["findings"]]
    check("single-inlink" in rules, "--no-config still applied the file")


MALFORMED = [
    ("rules:\n  deep-page: loud\n", 2, "'loud' is not off, error, warning or notice"),
    ("max-pages:\n  a: 1\n", 2, "'max-pages' must be a value or a list of values, not a mapping"),
    ("ignore:\n  - rule: deep-page\n", 2, "needs a reason"),
    ("ignore:\n  - url: '(['\n    reason: x\n", 2, "bad regular expression"),
    ("site-url: http://audit.test/\nmax-pages: lots\n", 2, "(set by"),
    ("rules: [deep-page]\n", 1, "'rules' must be a mapping"),
    ("format: json\n  bad: indent\n", 2, "not valid YAML"),
    ("ignore-robots: maybe\n", 1, "'ignore-robots' is a flag"),
]


def case_malformed(work):
    """Each wrong shape fails with exit 2 and FILE:LINE before anything is crawled or written."""
    for number, (text, line, words) in enumerate(MALFORMED):
        path = os.path.join(work, "bad-%d.yml" % number)
        with open(path, "w") as f:
            f.write(text)
        result = run(["audit", "--config", path, "--root", SITE, "--site-url", "http://audit.test/", "--out",
                      "out-%d" % number], work, expect_rc=2)
        check("%s:%d" % (path, line) in result.stderr, "no %s:%d in: %s" % (path, line, result.stderr))
        check(words in result.stderr, "no %r in: %s" % (words, result.stderr))
        check(not os.path.exists(os.path.join(work, "out-%d" % number)), "an output folder was written")


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_config.py", "config-e2e-", needs_server=False))
