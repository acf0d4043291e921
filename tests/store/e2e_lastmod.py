#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Whether sitemap lastmods tell the truth, across two audits into one store (docs/rules.md:
sitemap-lastmod-stale, -unreliable, -header-mismatch), over the fixture server and a temporary copy
of fixtures/sites/audit-lastmod that the test edits between the runs.

Usage: e2e_lastmod.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

edited:    between the runs /edited gets a new paragraph (its lastmod stays: stale), /bumped a new
           lastmod only (unreliable), /both both (silent), /nonce a new build comment outside its
           main text (its body changed, its content did not: silent), /same nothing (silent), and
           every entry of generated.xml moves a month on unchanged pages (one unreliable finding
           about the file, none per page). /header's Last-Modified is 81 days after its lastmod in
           both runs (header-mismatch), /header-ok's the same day (silent).
unchanged: nothing changes between the runs: only header-mismatch, as in the first run.
no_store:  the second run with --no-db has no previous run to compare with: only header-mismatch.
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, SITES, Server, check, run_cases  # noqa: E402

HOST = "audit-lastmod.test"
SITE = "http://%s" % HOST
RULES = ("sitemap-lastmod-stale", "sitemap-lastmod-unreliable", "sitemap-lastmod-header-mismatch")
HEADER_ONLY = [("sitemap-lastmod-header-mismatch", SITE + "/header", SITE + "/sitemap.xml")]


def audit(server, out, *extra):
    args = [CRAWLPACK, "audit", SITE + "/", "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, server.port),
            "--out", out, "--fail-on", "never"] + list(extra)
    result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "audit exited %d: %s" % (result.returncode, result.stderr))


def lastmod_findings(out):
    with open(os.path.join(out, "findings.json")) as f:
        found = json.load(f)["findings"]
    return sorted((x["rule"], x["url"], x["source"]) for x in found if x["rule"] in RULES), found


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    check(old in text, "%s has no %r" % (path, old))
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def copy_site(work):
    site = os.path.join(work, "site")
    shutil.copytree(os.path.join(SITES, "audit-lastmod"), site)
    return site


def first_run(server, work):
    """The first audit of a fresh copy of the site: only header-mismatch (there is nothing to
    compare with yet). Returns the running server, the copy and the output folder."""
    site = copy_site(work)
    s = Server(server, site)
    out = os.path.join(work, "out")
    audit(s, out)
    got, _ = lastmod_findings(out)
    check(got == HEADER_ONLY, "first run: %s" % got)
    return s, site, out


def case_edited(server, work):
    s, site, out = first_run(server, work)
    try:
        edit(os.path.join(site, "edited.html"), "</main>", "<p>Spring tides reach the quay steps twice a month.</p>\n</main>")
        edit(os.path.join(site, "both.html"), "</main>", "<p>A new deputy harbour master starts in May.</p>\n</main>")
        edit(os.path.join(site, "nonce.html"), "<!-- build 1 -->", "<!-- build 2 -->")
        sitemap = os.path.join(site, "sitemap.xml")
        edit(sitemap, "/bumped</loc><lastmod>2026-01-11<", "/bumped</loc><lastmod>2026-02-01<")
        edit(sitemap, "/both</loc><lastmod>2026-01-09<", "/both</loc><lastmod>2026-02-02<")
        generated = os.path.join(site, "generated.xml")
        with open(generated) as f:
            text = f.read()
        with open(generated, "w") as f:
            f.write(text.replace("2026-01-1", "2026-02-1"))
        audit(s, out)
        got, found = lastmod_findings(out)
        want = sorted(HEADER_ONLY + [
            ("sitemap-lastmod-stale", SITE + "/edited", SITE + "/sitemap.xml"),
            ("sitemap-lastmod-unreliable", SITE + "/bumped", SITE + "/sitemap.xml"),
            ("sitemap-lastmod-unreliable", SITE + "/generated.xml", SITE + "/generated.xml"),
        ])
        check(got == want, "second run:\n  got  %s\n  want %s" % (got, want))
        messages = {(x["rule"], x["url"]): x["message"] for x in found}
        check("lastmod stayed 2026-01-10" in messages[("sitemap-lastmod-stale", SITE + "/edited")],
              "stale message: %s" % messages)
        check("from 2026-01-11 to 2026-02-01" in messages[("sitemap-lastmod-unreliable", SITE + "/bumped")],
              "unreliable message: %s" % messages)
        check(re.search(r"all 5 pages", messages[("sitemap-lastmod-unreliable", SITE + "/generated.xml")]),
              "generation-time message: %s" % messages)
        check("81 days older" in messages[("sitemap-lastmod-header-mismatch", SITE + "/header")],
              "header message: %s" % messages)
        with open(os.path.join(out, "crawl.json")) as f:
            changes = json.load(f)["changes"]
        check(changes["changed"] >= 3, "edited, both and nonce changed their bodies: %s" % changes)
    finally:
        s.stop()


def case_unchanged(server, work):
    s, site, out = first_run(server, work)
    try:
        audit(s, out)
        got, _ = lastmod_findings(out)
        check(got == HEADER_ONLY, "second run of an unchanged site: %s" % got)
    finally:
        s.stop()


def case_no_store(server, work):
    s, site, out = first_run(server, work)
    try:
        edit(os.path.join(site, "edited.html"), "</main>", "<p>Spring tides reach the quay steps twice a month.</p>\n</main>")
        audit(s, os.path.join(work, "out2"), "--no-db")
        got, _ = lastmod_findings(os.path.join(work, "out2"))
        check(got == HEADER_ONLY, "a run without a store: %s" % got)
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_lastmod.py", "store-lastmod-"))
