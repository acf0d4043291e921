#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tests/audit/generated_site.py: site-level findings on a site generated at test time.

    generated_site.py CRAWLPACK

Writes a 1,000-page documentation site without a single canonical (no robots.txt, no sitemap) into
a temporary folder, audits it with --root, and checks that the facts about the site are each one
finding, not one per page: one canonical-missing about the site (the 1,000 per-page rows are in
canonical-missing.csv instead), one sitemap-missing, one robots-missing. Nothing large is committed;
the folder is removed afterwards.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

PAGES = 1000
SITE = "http://generated.test/"


def page(i):
    nav = ['<a href="/">Contents</a>']
    if i > 0:
        nav.append('<a href="/p%d.html">Previous</a>' % (i - 1))
    if i + 1 < PAGES:
        nav.append('<a href="/p%d.html">Next</a>' % (i + 1))
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Chapter %d</title></head>"
            "<body><nav>%s</nav><p>Chapter %d of the manual.</p></body></html>\n" % (i, " ".join(nav), i))


def main():
    crawlpack = sys.argv[1]
    work = tempfile.mkdtemp(prefix="crawlpack-generated-")
    try:
        root = os.path.join(work, "site")
        os.mkdir(root)
        links = "".join('<li><a href="/p%d.html">Chapter %d</a></li>' % (i, i) for i in range(PAGES))
        with open(os.path.join(root, "index.html"), "w") as f:
            f.write("<!doctype html><html lang=en><head><meta charset=utf-8><title>Manual</title></head>"
                    "<body><ul>%s</ul></body></html>\n" % links)
        for i in range(PAGES):
            with open(os.path.join(root, "p%d.html" % i), "w") as f:
                f.write(page(i))
        out = os.path.join(work, "out")
        run = subprocess.run([crawlpack, "audit", "--root", root, "--site-url", SITE, "--quiet", "--out", out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
        if run.returncode not in (0, 1):
            sys.exit("audit exited %d: %s" % (run.returncode, run.stderr))
        findings = json.load(open(os.path.join(out, "findings.json")))["findings"]
        by_rule = {}
        for f in findings:
            by_rule.setdefault(f["rule"], []).append(f)
        problems = []
        for rule in ("canonical-missing", "sitemap-missing", "robots-missing"):
            got = by_rule.get(rule, [])
            if len(got) != 1 or got[0]["url"] != SITE:
                problems.append("%s: want one finding about %s, got %s" % (rule, SITE, [g["url"] for g in got]))
        site_level = by_rule.get("canonical-missing", [{}])[0].get("message", "")
        if "%d of %d indexable pages have no canonical" % (PAGES + 1, PAGES + 1) not in site_level:
            problems.append("canonical-missing message: %r" % site_level)
        with open(os.path.join(out, "canonical-missing.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        if len(rows) != PAGES + 1 or any(r["rule"] != "canonical-missing" for r in rows):
            problems.append("canonical-missing.csv has %d rows, want %d" % (len(rows), PAGES + 1))
        if "canonical-missing" not in run.stdout or "have no canonical" not in run.stdout:
            problems.append("the summary does not state the site-level fact:\n" + run.stdout)
        if problems:
            sys.exit("\n".join(problems))
        print("ok: %d findings, %d per-page rows in canonical-missing.csv" % (len(findings), len(rows)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
