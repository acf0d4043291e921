#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Incremental re-audits end to end over the fixture server: a second audit into the same store
asks with If-None-Match, the fixture server answers 304 (and logs it), and the stored signals are
reused without a parse; pages are counted new / changed / unchanged / gone in crawl.json, the
summary and the store.

Usage: e2e_incremental.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

unchanged: nothing changed: every HTML page is a 304, the findings and the page facts are the first
           run's, crawl.json says so; the second and third runs' rows refer to the first run's
           signals instead of storing them again.
edited:    a temporary copy of the site with one page edited, one deleted and one added to the
           sitemap between the runs: 1 new, 2 changed (the edited page, the deleted one now a 404),
           1 gone; the edited page is fetched in full and parsed again.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, SITES, Server, check, read_csv, run_cases  # noqa: E402

HOST = "store.test"
FACT_COLUMNS = ["url", "status", "content_type", "depth", "size", "redirect_to", "canonical", "robots_directives",
                "in_sitemap", "inlinks", "outlinks", "title", "error", "indexable", "not_indexable_reasons",
                "link_score"]


def audit(server, out):
    args = [CRAWLPACK, "audit", "http://%s/" % HOST, "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, server.port),
            "--out", out, "--fail-on", "never"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "audit exited %d: %s" % (result.returncode, result.stderr))
    return result.stdout


def fingerprints(out):
    with open(os.path.join(out, "findings.json")) as f:
        return sorted((x["fingerprint"], x["rule"], x["url"] or "") for x in json.load(f)["findings"])


def links(out):
    """links.csv's rows, in any order: a re-audit resolves a replayed page's links itself (a stored
    URL that is a known page's URL is that page, any other is parsed), and must find the same."""
    return sorted(tuple(r.values()) for r in read_csv(os.path.join(out, "links.csv")))


def facts(out):
    return sorted(tuple(r[c] for c in FACT_COLUMNS) for r in read_csv(os.path.join(out, "pages.csv")))


def changes(out):
    with open(os.path.join(out, "crawl.json")) as f:
        return json.load(f).get("changes")


def stored_changes(out, run):
    connection = sqlite3.connect("file:%s?mode=ro" % os.path.join(out, "crawl.db"), uri=True)
    try:
        return dict(connection.execute("SELECT url, change FROM pages WHERE run = ?", (run,)).fetchall())
    finally:
        connection.close()


def stored_signals(out, run):
    """url -> (whether the row holds its own signals, the run holding them) for run's parsed pages."""
    connection = sqlite3.connect("file:%s?mode=ro" % os.path.join(out, "crawl.db"), uri=True)
    try:
        rows = connection.execute(
            "SELECT p.url, p.signals IS NOT NULL, coalesce(p.signals_run, p.run) FROM pages p"
            " LEFT JOIN pages h ON h.run = p.signals_run AND h.url = p.url"
            " WHERE p.run = ? AND coalesce(p.signals, h.signals) IS NOT NULL", (run,)).fetchall()
        return {url: (bool(own), holder) for url, own, holder in rows}
    finally:
        connection.close()


def case_unchanged(server, work):
    s = Server(server, "store")
    try:
        out = os.path.join(work, "out")
        audit(s, out)
        first_findings, first_facts, first_links = fingerprints(out), facts(out), links(out)
        check(("http://%s/guides/one" % HOST, "http://%s/guides/two" % HOST, "a", "", "Guide two, its steps", "1",
               "html") in first_links, "the link with a fragment is not in links.csv: %s" % first_links)
        html = [r["url"] for r in read_csv(os.path.join(out, "pages.csv"))
                if r["status"] == "200" and r["content_type"].startswith("text/html")]
        check(changes(out) is None, "a first run has changes: %s" % changes(out))
        before = len(s.not_modified())
        summary = audit(s, out)
        not_modified = sorted("http://%s%s" % (HOST, p) for p in s.not_modified()[before:])
        check(not_modified == sorted(html), "304 for %s, want every HTML page %s" % (not_modified, sorted(html)))
        got = changes(out)
        pages = len(read_csv(os.path.join(out, "pages.csv")))
        fetched = len([r for r in read_csv(os.path.join(out, "pages.csv")) if r["status"] and r["url"] in
                       stored_changes(out, 2)])
        check(got and got["previous_run"] == 1 and got["new"] == 0 and got["changed"] == 0 and got["gone"] == 0 and
              got["unchanged"] == fetched and got["replayed"] >= len(html), "changes %s (%d pages)" % (got, pages))
        check("changes since run 1: 0 new, 0 changed, %d unchanged, 0 gone" % fetched in summary,
              "summary: %s" % summary)
        check(set(stored_changes(out, 2).values()) == {"unchanged"}, "stored changes %s" % stored_changes(out, 2))
        check(fingerprints(out) == first_findings, "the re-audit's findings differ")
        check(facts(out) == first_facts, "the re-audit's pages.csv differs")
        check(links(out) == first_links, "the re-audit's links.csv differs: %s" %
              sorted(set(links(out)) ^ set(first_links)))
        # an unchanged page's row refers to the run that holds its signals: no second copy, and a
        # third run names run 1 (the holder), not run 2
        audit(s, out)
        check(fingerprints(out) == first_findings, "the third audit's findings differ")
        first_signals = stored_signals(out, 1)
        check(set(html) <= set(first_signals) and all(own for own, _ in first_signals.values()),
              "run 1 holds signals for %s" % first_signals)
        for run in (2, 3):
            got = stored_signals(out, run)
            check(got == {url: (False, 1) for url in first_signals}, "run %d's signals %s" % (run, got))
    finally:
        s.stop()


def case_edited(server, work):
    site = os.path.join(work, "site")
    shutil.copytree(os.path.join(SITES, "store"), site)
    s = Server(server, site)
    try:
        out = os.path.join(work, "out")
        audit(s, out)
        with open(os.path.join(site, "a.html"), "a") as f:
            f.write("<p>An edit: this paragraph is new.</p>\n")
        os.unlink(os.path.join(site, "fe.html"))
        with open(os.path.join(site, "new-page.html"), "w") as f:
            f.write('<!doctype html><html lang="en"><head><title>New</title>'
                    '<link rel="canonical" href="http://store.test/new-page"></head><body><a href="/">Home</a>'
                    '</body></html>\n')
        sitemap = os.path.join(site, "sitemap.xml")
        text = open(sitemap).read().replace("</urlset>", "  <url><loc>http://store.test/new-page</loc></url>\n</urlset>")
        with open(sitemap, "w") as f:
            f.write(text)
        before = len(s.not_modified())
        audit(s, out)
        answered_304 = s.not_modified()[before:]
        got = changes(out)
        check(got and (got["new"], got["changed"], got["gone"]) == (1, 2, 1), "changes %s" % got)
        stored = stored_changes(out, 2)
        check(stored["http://%s/a" % HOST] == "changed" and stored["http://%s/fe" % HOST] == "changed" and
              stored["http://%s/new-page" % HOST] == "new" and stored["http://%s/b" % HOST] == "unchanged",
              "stored changes %s" % stored)
        check("/a" not in answered_304 and "/b" in answered_304, "answered 304: %s" % answered_304)
        # the edited page was parsed again: its new text is counted
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        check(rows["http://%s/fe" % HOST]["status"] == "404", "/fe row %s" % rows["http://%s/fe" % HOST])
        # the edited page holds its new signals; an unchanged one refers to run 1's
        signals = stored_signals(out, 2)
        check(signals["http://%s/a" % HOST] == (True, 2) and signals["http://%s/b" % HOST] == (False, 1),
              "run 2's signals %s" % signals)
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_incremental.py", "store-incremental-"))
