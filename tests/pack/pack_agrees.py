#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The pack agrees with the audit: every count section 6.1 of pack.md states that findings.json also
states must be the same number.

Usage: pack_agrees.py SITE...   (crawlpack from $CRAWLPACK_BIN, sources from $CRAWLPACK_SOURCE_DIR)

Each fixture site (fixtures/sites/SITE) is audited from disk with --format json,md; then, for each
row of the pack's "Measured state" table below, the pack's number must equal the one computed from
findings.json (the findings of the rules named, counted once per URL, or the summary's count). A
row missing from the pack is a failure too: the pack must keep stating it. The health table's
"invalid canonical" row must count the pages findings.json's canonical-invalid names (but not
those that also declare a usable one: canonical-multiple). Every wait is bounded.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("CRAWLPACK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
BOUND = 300  # seconds one audit of a small site may take

# pack row label (its start) -> how findings.json states the same fact
ROWS = [
    ("indexable pages |", ("summary", "indexable")),
    ("orphan pages", ("rules", ["orphan-url", "unreachable-by-follow"])),
    ("indexable pages missing from every sitemap", ("rules", ["missing-from-sitemap"])),
    ("non-indexable URLs listed in sitemaps", ("rules", ["sitemap-url-redirect", "sitemap-url-client-error",
                                                         "sitemap-url-server-error", "sitemap-url-noindex",
                                                         "sitemap-url-canonicalized", "sitemap-url-blocked"])),
    ("indexable pages deeper than", ("rules", ["deep-page"])),
    ("broken link targets", ("rules", ["broken-link"])),
    ("broken external links", ("rules", ["broken-link (external)"])),
    ("redirect chains and loops", ("rules", ["redirect-chain", "redirect-loop"])),
]


def pack_rows(text):
    """The | label | value | rows of section 6.1, label -> first number of the value."""
    section = text.split("### 6.1", 1)
    if len(section) < 2:
        return None
    rows = {}
    for line in section[1].split("\n###", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2:
            number = re.match(r"[\d,]+", cells[1])
            if number:
                rows[cells[0] + " |"] = int(number.group(0).replace(",", ""))
    return rows


def invalid_canonicals(text):
    """The pages the health table of section 6.1 counts as having an invalid canonical (its row is
    there only when one has)."""
    for line in text.splitlines():
        if line.startswith("| invalid canonical"):
            return int(line.strip().strip("|").split("|")[1].strip().replace(",", ""))
    return 0


def audit_numbers(findings):
    """rule -> the URLs its findings name; a broken link to another site (its message says
    "(external)") is counted apart, as "broken-link (external)": it is no crawl failure."""
    urls = {}
    for f in findings["findings"]:
        rule = f["rule"]
        if rule == "broken-link" and "(external)" in f.get("message", ""):
            rule = "broken-link (external)"
        urls.setdefault(rule, set()).add(f.get("url") or f.get("source"))
    return urls


def check_site(site, work):
    out = os.path.join(work, site)
    args = [CRAWLPACK, "audit", "--root", os.path.join(SOURCE, "fixtures", "sites", site), "--site-url",
            "http://%s.test/" % site, "--quiet", "--format", "json,md", "--out", out]
    result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND)
    if result.returncode not in (0, 1):
        return ["%s: audit exited %d: %s" % (site, result.returncode, result.stderr.strip())]
    with open(os.path.join(out, "findings.json")) as f:
        findings = json.load(f)
    with open(os.path.join(out, "pack.md")) as f:
        text = f.read()
    rows = pack_rows(text)
    if rows is None:
        return ["%s: pack.md has no section 6.1" % site]
    urls = audit_numbers(findings)
    problems = []
    for label, (kind, what) in ROWS:
        found = [v for k, v in rows.items() if k.startswith(label)]
        if not found and label == "broken external links" and not urls.get("broken-link (external)"):
            continue  # the row is there only when such a link is
        if not found:
            problems.append("%s: pack.md section 6.1 has no row '%s'" % (site, label))
            continue
        if kind == "summary":
            want = findings["summary"][what]
            said = "findings.json summary.%s" % what
        else:
            want = len(set().union(*[urls.get(rule, set()) for rule in what]))
            said = "findings.json's %s (distinct URLs)" % " + ".join(what)
        if found[0] != want:
            problems.append("%s: pack.md says %d for '%s', %s says %d" % (site, found[0], label, said, want))
    # A canonical that is no usable URL is shown as invalid, not as "no canonical". A page declaring
    # several canonicals (canonical-multiple) keeps a usable one: the invalid one is not its canonical.
    want = len(urls.get("canonical-invalid", set()) - urls.get("canonical-multiple", set()))
    if invalid_canonicals(text) != want:
        problems.append("%s: pack.md counts %d invalid canonical(s), findings.json's canonical-invalid names %d"
                        % (site, invalid_canonicals(text), want))
    return problems


def main():
    sites = sys.argv[1:]
    if not sites:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    with tempfile.TemporaryDirectory(prefix="pack-agrees.") as work:
        for site in sites:
            problems += check_site(site, work)
    for p in problems:
        print(p, file=sys.stderr)
    print("ok: the pack agrees with the audit on %d sites" % len(sites) if not problems else
          "FAIL: %d disagreements" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
