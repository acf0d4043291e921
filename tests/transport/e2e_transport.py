#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of the transport options curl users expect: credentials from CRAWLPACK_USER and
from a .netrc file (--netrc-file), -x/--proxy and --noproxy, and --version.

Usage: e2e_transport.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

fixtures/sites/auth answers 401 unless a request carries basic auth alice:s3cret; the fixture
server logs the Authorization header of every request, and doubles as a forward proxy (a request
for an absolute URL is served from the site and logged with that URL).
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, Failure, Server, check, read_csv, run_cases  # noqa: E402

ALICE = "Basic YWxpY2U6czNjcmV0"  # base64("alice:s3cret")


def environment(**extra):
    """The test's environment without any proxy or credentials inherited from the machine."""
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "crawlpack_user")}
    env["HOME"] = tempfile.gettempdir()  # no ~/.netrc of the machine's user
    env.update(extra)
    return env


def crawl(args, out, env, expect_rc=0):
    result = subprocess.run([CRAWLPACK, "crawl", "--quiet", "--out", out] + args, capture_output=True, text=True,
                            timeout=BOUND, env=env)
    check(result.returncode == expect_rc, "crawlpack exited %d, want %d\nstderr: %s" % (result.returncode, expect_rc,
                                                                                      result.stderr))
    return result


def statuses(out, origin):
    return sorted((r["url"].replace(origin, ""), r["status"]) for r in read_csv(os.path.join(out, "pages.csv")))


ALL_200 = [("/", "200"), ("/a.html", "200"), ("/b.html", "200")]


def case_no_credentials(server, out):
    """Without credentials the start page is a 401 and nothing else is reached: the site needs them."""
    s = Server(server, "auth")
    try:
        crawl([s.origin + "/"], out, environment(), expect_rc=1)  # the start page answers 401: a problem found
        check(statuses(out, s.origin) == [("/", "401")], "pages %s" % statuses(out, s.origin))
        check(all(r[3] == "-" for r in s.requests()), "an Authorization header was sent: %s" % s.requests())
    finally:
        s.stop()


def case_environment_user(server, out):
    """CRAWLPACK_USER=alice:s3cret is -u without the secret on the command line: every page is a 200,
    every request carried the credentials, and neither crawl.json nor the output names the password."""
    s = Server(server, "auth")
    try:
        result = crawl([s.origin + "/"], out, environment(CRAWLPACK_USER="alice:s3cret"))
        check(statuses(out, s.origin) == ALL_200, "pages %s" % statuses(out, s.origin))
        check(all(r[3] == ALICE for r in s.requests()), "requests without the credentials: %s" % s.requests())
        with open(os.path.join(out, "crawl.json")) as f:
            check("s3cret" not in f.read(), "crawl.json holds the password")
        check("s3cret" not in result.stdout + result.stderr, "the output shows the password")
        # -u wins over the environment.
        crawl([s.origin + "/", "-u", "alice:wrong"], out, environment(CRAWLPACK_USER="alice:s3cret"), expect_rc=1)
        check(statuses(out, s.origin) == [("/", "401")], "-u did not win: %s" % statuses(out, s.origin))
        # A value without a colon is a usage error naming the variable.
        bad = crawl([s.origin + "/"], out, environment(CRAWLPACK_USER="alice"), expect_rc=2)
        check("CRAWLPACK_USER" in bad.stderr, "message: %s" % bad.stderr)
    finally:
        s.stop()


def case_netrc_file(server, out):
    """--netrc-file FILE: credentials for the host named by a `machine` line; another machine's
    entry sends nothing; a missing file is a usage error."""
    s = Server(server, "auth")
    try:
        netrc = os.path.join(out, "netrc")
        with open(netrc, "w") as f:
            f.write("machine other.example login bob password nope\nmachine 127.0.0.1 login alice password s3cret\n")
        crawl([s.origin + "/", "--netrc-file", netrc], out, environment())
        check(statuses(out, s.origin) == ALL_200, "pages %s" % statuses(out, s.origin))
        check(all(r[3] == ALICE for r in s.requests()), "requests without the credentials: %s" % s.requests())
        with open(netrc, "w") as f:
            f.write("machine other.example login alice password s3cret\n")
        crawl([s.origin + "/", "--netrc-file", netrc], out, environment(), expect_rc=1)
        check(statuses(out, s.origin) == [("/", "401")], "another machine's entry was used")
        missing = crawl([s.origin + "/", "--netrc-file", os.path.join(out, "no-such-netrc")], out, environment(),
                        expect_rc=2)
        check("--netrc-file" in missing.stderr, "message: %s" % missing.stderr)
        # --netrc reads $HOME/.netrc
        home = os.path.join(out, "home")
        os.mkdir(home)
        with open(os.path.join(home, ".netrc"), "w") as f:
            f.write("machine 127.0.0.1 login alice password s3cret\n")
        env = environment()
        env["HOME"] = home
        crawl([s.origin + "/", "--netrc"], os.path.join(out, "netrc-home"), env)
        check(statuses(os.path.join(out, "netrc-home"), s.origin) == ALL_200, "--netrc did not read ~/.netrc")
    finally:
        s.stop()


def case_proxy(server, out):
    """-x: a site whose name does not resolve is crawled through the proxy (the fixture server in
    proxy role logs absolute URLs); --noproxy sends a host directly even with a dead proxy."""
    s = Server(server, "basic")
    try:
        crawl(["http://proxied.test/", "-x", "http://127.0.0.1:%d" % s.port, "--max-pages", "3"], out, environment())
        rows = read_csv(os.path.join(out, "pages.csv"))
        home = [r for r in rows if r["url"] == "http://proxied.test/"]
        check(home and home[0]["status"] == "200", "the start page did not come through the proxy: %s" % rows)
        paths = [r[2] for r in s.requests()]
        check("http://proxied.test/" in paths, "the proxy did not see an absolute URL: %s" % paths)
        dead = "http://127.0.0.1:1"
        crawl([s.origin + "/", "-x", dead, "--noproxy", "127.0.0.1", "--max-pages", "2"], out, environment())
        rows = {r["url"]: r["status"] for r in read_csv(os.path.join(out, "pages.csv"))}
        check(rows.get(s.origin + "/") == "200", "--noproxy did not bypass the proxy: %s" % rows)
        crawl([s.origin + "/", "-x", dead, "--max-pages", "1"], out, environment(), expect_rc=3)  # start unreachable
        rows = read_csv(os.path.join(out, "pages.csv"))
        check(rows[0]["status"] == "" and rows[0]["error"], "the dead proxy was not used: %s" % rows)
        bad = crawl([s.origin + "/", "-x", "http://"], out, environment(), expect_rc=2)
        check("--proxy" in bad.stderr, "message: %s" % bad.stderr)
    finally:
        s.stop()


def case_version(server, out):
    """--version names crawlpack and the libraries it runs with, like curl -V."""
    del server, out
    result = subprocess.run([CRAWLPACK, "--version"], capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "exit %d" % result.returncode)
    for pattern in (r"^crawlpack \d+\.\d+\.\d+$", r"^libcurl \d+\.\d+", r"^TLS \S+", r"^libxml2 \d+\.\d+\.\d+$",
                    r"^gumbo \d+\.\d+", r"^libyaml \d+\.\d+", r"^sqlite \d+\.\d+", r"^jansson \d+\.\d+",
                    r"^malloc (jemalloc \d+\.\d+|system)", r"^Features: .*HTTP2"):
        check(re.search(pattern, result.stdout, re.M), "no line like %s in\n%s" % (pattern, result.stdout))


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_transport.py", "transport-e2e-"))
