#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Exact modes over the fixture server: `--list FILE` (and `--list -`) fetches exactly the listed
URLs, `--sitemap-only` exactly the URLs the sitemaps list, no link or redirect followed (each
origin's robots.txt is still read and obeyed); `extract URL` fetches one page.

Usage: e2e_list.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, SITES, Failure, Server, check, read_csv, run_cases  # noqa: E402


def run(args, expect_rc=0, stdin=None):
    result = subprocess.run([CRAWLPACK] + args, capture_output=True, text=True, timeout=BOUND, input=stdin)
    check(result.returncode == expect_rc, "crawlpack %s exited %d, want %d\nstderr: %s" % (
        " ".join(args), result.returncode, expect_rc, result.stderr))
    return result


def requested(server):
    return sorted(r[2] for r in server.requests())


def fetched_rows(out, origin):
    return sorted((r["url"].replace(origin, ""), r["status"]) for r in read_csv(os.path.join(out, "pages.csv"))
                  if r["status"])


def case_list_file(server, out):
    """crawl --list FILE: the listed pages (a 404 among them) and robots.txt are all that is asked
    for; a listed URL robots.txt disallows is not fetched; links found are not followed."""
    s = Server(server, "basic")
    try:
        listing = os.path.join(out, "urls.txt")
        with open(listing, "w") as f:
            f.write("# pages to check\n%s/about\n\n  %s/blog/post-1.html  \n%s/no-such-page\n%s/private/secret.html\n"
                    "%s/about\n" % ((s.origin,) * 5))
        run(["crawl", "--quiet", "--out", out, "--list", listing])
        check(requested(s) == ["/about", "/blog/post-1.html", "/no-such-page", "/robots.txt"],
              "requests %s" % requested(s))
        check(fetched_rows(out, s.origin) == [("/about", "200"), ("/blog/post-1.html", "200"),
                                               ("/no-such-page", "404")], "rows %s" % fetched_rows(out, s.origin))
        blocked = [r for r in read_csv(os.path.join(out, "pages.csv")) if r["url"] == s.origin + "/private/secret.html"]
        check(blocked and blocked[0]["error"].startswith("blocked by robots.txt"), "blocked row %s" % blocked)
    finally:
        s.stop()


def case_list_stdin_audit(server, out):
    """audit --list -: URLs from standard input; the graph-wide rules are not run and the summary
    names them; no graph-wide finding appears."""
    s = Server(server, "basic")
    try:
        result = run(["audit", "--out", out, "--list", "-", "--fail-on", "never"],
                     stdin="%s/\n%s/blog/\n" % (s.origin, s.origin))
        check(requested(s) == ["/", "/blog/", "/robots.txt"], "requests %s" % requested(s))
        check("--list: rules that need the whole link graph were not run: orphan-url" in result.stdout,
              "the summary does not name the skipped rules:\n%s" % result.stdout)
        with open(os.path.join(out, "findings.json")) as f:
            rules = {x["rule"] for x in json.load(f)["findings"]}
        skipped = {"orphan-url", "missing-from-sitemap", "deep-page", "unreachable-by-follow", "single-inlink",
                   "dead-end", "hreflang-no-return"}
        check(not rules & skipped, "graph-wide findings in list mode: %s" % (rules & skipped))
    finally:
        s.stop()


def case_list_errors(server, out):
    """A bad line names FILE:LINE; an empty list and a URL argument beside --list are usage errors."""
    del server
    listing = os.path.join(out, "urls.txt")
    with open(listing, "w") as f:
        f.write("http://127.0.0.1:1/\n# fine\nmailto:someone@example.com\n")
    bad = run(["crawl", "--out", out, "--list", listing], expect_rc=2)
    check("%s:3: mailto:someone@example.com" % listing in bad.stderr, "message: %s" % bad.stderr)
    with open(listing, "w") as f:
        f.write("# nothing\n\n")
    empty = run(["audit", "--out", out, "--list", listing], expect_rc=2)
    check("no URL in it" in empty.stderr, "message: %s" % empty.stderr)
    both = run(["crawl", "--out", out, "--list", listing, "http://127.0.0.1:1/"], expect_rc=2)
    check("give no URL argument" in both.stderr, "message: %s" % both.stderr)
    mixed = run(["crawl", "--out", out, "--sitemap-only", "--no-sitemaps", "http://127.0.0.1:1/"], expect_rc=2)
    check("--sitemap-only" in mixed.stderr, "message: %s" % mixed.stderr)


def case_sitemap_only(server, out):
    """--sitemap-only: robots.txt, the sitemap index and its child, then exactly the listed pages
    (the start URL, not listed, is not fetched; the blocked entry is not fetched; the page only an
    orphan links to is not fetched)."""
    s = Server(server, "sitemaps")
    try:
        result = run(["audit", "--out", out, "--sitemap-only", s.origin + "/index.html", "--fail-on", "never"])
        check(requested(s) == ["/", "/gone.html", "/linked.html", "/orphan.html", "/robots.txt",
                               "/sitemap-pages.xml", "/sitemap_index.xml"], "requests %s" % requested(s))
        check("--sitemap-only: rules that need the whole link graph were not run" in result.stdout, result.stdout)
    finally:
        s.stop()


def case_extract_url(server, out):
    """extract URL fetches the page once and reports what extract FILE --url URL reports for the
    same bytes; a 404 is said on stderr."""
    s = Server(server, "basic")
    try:
        url = s.origin + "/about"
        fetched = run(["extract", url, "--json"])
        saved = run(["extract", os.path.join(SITES, "basic", "about", "index.html"), "--url", url, "--json",
                     "--header", "Content-Type: text/html; charset=utf-8"])
        check(json.loads(fetched.stdout) == json.loads(saved.stdout),
              "extract URL differs from extract FILE:\n%s\n%s" % (fetched.stdout, saved.stdout))
        check(requested(s) == ["/about"], "requests %s" % requested(s))
        missing = run(["extract", s.origin + "/no-such-page"])
        check("answered 404" in missing.stderr, "stderr: %s" % missing.stderr)
        down = run(["extract", "http://127.0.0.1:1/"], expect_rc=3)
        check("cannot fetch" in down.stderr, "stderr: %s" % down.stderr)
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_list.py", "list-e2e-"))
