#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of --render over the loopback fixture server (fixtures/sites/spa).

Usage: e2e_render.py CASE --server PATH   (crawlpack from $CRAWLPACK_BIN; Debian's chromium)

The findings of the spa site with and without --render are tests/audit_e2e's (expected-findings*.json);
these cases check what the findings cannot show: which requests the browser made and with which
credentials, links.csv's rendered column, that the browser leaves nothing behind, and that a run
without --render neither needs nor starts a browser. Every wait is bounded; every process this
test starts is stopped by its PID.
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, Failure, Server, check, read_csv, run_cases  # noqa: E402

SITE = "spa"


def audit(server, out, extra, env=None):
    args = [CRAWLPACK, "audit", "http://spa.test/", "--quiet", "--out", out,
            "--connect-to", "spa.test:80:127.0.0.1:%d" % server.port,
            "--connect-to", "cdn.spa.test:80:127.0.0.1:%d" % server.port] + extra
    return subprocess.run(args, capture_output=True, text=True, timeout=BOUND * 2, env=env)


def case_credentials(server_path, work):
    """The crawl's credentials go to the audited origin only; the browser opens no page but the one
    it renders (a script's navigation and robots.txt-disallowed links are not requested)."""
    tmp = os.path.join(work, "tmp")
    os.mkdir(tmp)
    env = dict(os.environ, TMPDIR=tmp)
    s = Server(server_path, SITE)
    try:
        result = audit(s, os.path.join(work, "out"), ["--render", "-u", "user:secret"], env)
        requests = s.requests()
    finally:
        s.stop()
    check(result.returncode in (0, 1), "audit exited %d: %s" % (result.returncode, result.stderr))
    by_path = {}
    for method, host, path, auth in requests:
        by_path.setdefault((host.split(":")[0], path), []).append(auth)
    check(by_path.get(("cdn.spa.test", "/assets/lib.js")), "the browser never loaded the other host's script")
    check(all(a == "-" for a in by_path[("cdn.spa.test", "/assets/lib.js")]),
          "credentials sent to another host: %s" % by_path[("cdn.spa.test", "/assets/lib.js")])
    check(by_path.get(("spa.test", "/assets/app.js")), "the browser never loaded the page's own script")
    check(all(a != "-" for a in by_path[("spa.test", "/assets/app.js")]),
          "the audited origin's subresources lack the credentials")
    check(("spa.test", "/about/?from=script") not in by_path, "the browser followed a script's navigation")
    check(not any(p.startswith("/private/") for _, p in by_path), "a robots.txt-disallowed page was requested")
    check(not glob.glob(os.path.join(tmp, "crawlpack-browser-*")), "the browser's profile folder was left behind")
    rows = read_csv(os.path.join(work, "out", "links.csv"))
    check(rows and "rendered" in rows[0], "links.csv has no rendered column")
    rendered = {(r["source"], r["target"]) for r in rows if r["rendered"] == "1"}
    check(("http://spa.test/", "http://spa.test/js-only/") in rendered, "the script's link is not marked rendered")
    check(not any(r["rendered"] == "1" and r["source"] == "http://spa.test/about/" for r in rows),
          "a page whose HTML holds every link has rendered rows")
    pages = {r["url"]: r for r in read_csv(os.path.join(work, "out", "pages.csv"))}
    check(pages["http://spa.test/"]["title"] == "Spa Outfitters", "pages.csv keeps the raw title")
    check(pages["http://spa.test/noindexed/"]["indexable"] == "0", "the rendered noindex does not decide")


def case_without_render(server_path, work):
    """Without --render no browser is needed (a missing one changes nothing) and links.csv is as before."""
    s = Server(server_path, SITE)
    try:
        env = dict(os.environ, CRAWLPACK_CHROMIUM="/nonexistent/chromium")
        result = audit(s, os.path.join(work, "out"), [], env)
    finally:
        s.stop()
    check(result.returncode in (0, 1), "audit exited %d: %s" % (result.returncode, result.stderr))
    with open(os.path.join(work, "out", "links.csv")) as f:
        header = f.readline().strip()
    check(header == "source,target,kind,rel,anchor,followable", "links.csv header %r" % header)


def case_no_browser(server_path, work):
    """--render without a browser fails before crawling, saying how to get one."""
    s = Server(server_path, SITE)
    try:
        env = dict(os.environ, CRAWLPACK_CHROMIUM="/nonexistent/chromium")
        result = audit(s, os.path.join(work, "out"), ["--render"], env)
    finally:
        s.stop()
    check(result.returncode == 3, "audit exited %d, want 3: %s" % (result.returncode, result.stderr))
    check("chromium" in result.stderr, "no hint about chromium: %s" % result.stderr)


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_render.py", "render-e2e-"))
