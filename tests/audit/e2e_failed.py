#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end: a crawl that failed, was refused or was blocked never looks clean (docs/audit.md,
"When the crawl fails"), option typos stop before any request, and staging over TLS works with
--cacert or -k and fails cleanly without them.

Usage: e2e_failed.py CASE --server PATH   (crawlpack comes from $CRAWLPACK_BIN)

Every case starts its own fixture server (tests/crawl/e2e.py's Server, stopped by its PID) and
checks the exit code, the one sentence on stderr, and what the server was asked. Waits are bounds.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import importlib.util

SOURCE = os.environ.get("CRAWLPACK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
BOUND = 120

_spec = importlib.util.spec_from_file_location("crawl_e2e", os.path.join(SOURCE, "tests", "crawl", "e2e.py"))
crawl_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crawl_e2e)
Failure, check, Server, free_port = crawl_e2e.Failure, crawl_e2e.check, crawl_e2e.Server, crawl_e2e.free_port


def run(command, args, out, expect):
    result = subprocess.run([CRAWLPACK, command, "--quiet", "--out", out] + args, capture_output=True, text=True,
                            timeout=BOUND)
    check(result.returncode == expect, "crawlpack %s %s exited %d, want %d\nstdout: %s\nstderr: %s" %
          (command, " ".join(args), result.returncode, expect, result.stdout, result.stderr))
    return result


def findings(out):
    with open(os.path.join(out, "findings.json")) as f:
        return [(x["rule"], x["url"], x["message"]) for x in json.load(f)["findings"]]


def crawl_json(out):
    with open(os.path.join(out, "crawl.json")) as f:
        return json.load(f)


def page_requests(server, path):
    return [r for r in server.requests() if r[2] == path]


def case_start_retry_after_over_cap(server, out):
    """429 with Retry-After: 1000000 on the start page: not waited for, reported blocked, exit 3."""
    s = Server(server, "audit-blocked")
    try:
        url = s.origin + "/gone-for-days"
        started = time.monotonic()
        result = run("audit", [url, "--fail-on", "never"], out, 3)
        elapsed = time.monotonic() - started
        check(elapsed < 30, "the audit waited %.0f s for a Retry-After past the cap" % elapsed)
        check(("crawlpack audit: cannot crawl %s: blocked: rate limited (HTTP 429, Retry-After 1000000 s), over the "
               "60 s cap" % url) in result.stderr, "stderr: %s" % result.stderr)
        check(len(page_requests(s, "/gone-for-days")) == 1, "the blocked start page was requested again")
        check(crawl_json(out)["start"]["outcome"] == "blocked", "crawl.json start: %s" % crawl_json(out)["start"])
        check(not os.path.exists(os.path.join(out, "findings.json")), "a failed crawl wrote findings.json")
    finally:
        s.stop()


def case_start_bot_wall(server, out):
    """403 with cf-mitigated: challenge on the start page: blocked, exit 3 (crawl and audit)."""
    s = Server(server, "audit-blocked")
    try:
        url = s.origin + "/walled"
        result = run("audit", [url], out, 3)
        check("cannot crawl %s: blocked: bot protection (HTTP 403, cf-mitigated: challenge)" % url in result.stderr,
              "stderr: %s" % result.stderr)
        result = run("crawl", [url], out, 3)
        check("crawlpack crawl: cannot crawl %s: blocked:" % url in result.stderr, "stderr: %s" % result.stderr)
    finally:
        s.stop()


def case_start_http_error(server, out):
    """A start page answering a plain 503 (no protection signal) is the site's error: a finding, exit 1."""
    s = Server(server, "audit-blocked")
    try:
        url = s.origin + "/down"
        run("audit", [url], out, 1)
        check([f[:2] for f in findings(out)] == [("start-url-error", url)], "findings %s" % findings(out))
        check("answered HTTP 503" in findings(out)[0][2], "message %s" % findings(out)[0][2])
        result = run("crawl", [url], out, 1)
        check("the start URL %s answered HTTP 503" % url in result.stderr, "stderr: %s" % result.stderr)
    finally:
        s.stop()


def case_refused(server, out):
    """Connection refused: one sentence and the runtime-failure code, also with --fail-on never and
    --ignore-robots; the crawl files still say what happened."""
    url = "http://127.0.0.1:%d/" % free_port()
    for extra in ([], ["--fail-on", "never"], ["--ignore-robots"]):
        result = run("audit", [url, "--connect-timeout", "5"] + extra, out, 3)
        lines = result.stderr.strip().splitlines()
        check(len(lines) == 1 and lines[0].startswith("crawlpack audit: cannot crawl %s: connect: " % url),
              "stderr (%s): %s" % (extra, result.stderr))
        check(crawl_json(out)["start"]["outcome"] == "unreachable", "crawl.json start %s" % crawl_json(out)["start"])
    result = run("crawl", [url, "--connect-timeout", "5"], out, 3)
    check("crawlpack crawl: cannot crawl %s: connect: " % url in result.stderr, "stderr: %s" % result.stderr)


def case_empty_root(server, out):
    """An empty --root folder (a failed site build) fails the audit with start-url-error."""
    empty = tempfile.mkdtemp(prefix="empty-build-")
    try:
        run("audit", ["--root", empty, "--site-url", "https://example.com/"], out, 1)
        found = findings(out)
        check([f[:2] for f in found] == [("start-url-error", "https://example.com/")], "findings %s" % found)
        check("the --root folder is empty" in found[0][2], "message %s" % found[0][2])
    finally:
        os.rmdir(empty)


def case_option_typo(server, out):
    """A --resolve without its port, or a --connect-to missing a field, exits 2 naming the option before
    any request: the credentials go nowhere."""
    s = Server(server, "audit-blocked")
    try:
        for option, value in (("--resolve", "audit-blocked.test:127.0.0.1"),
                              ("--connect-to", "audit-blocked.test:%d:127.0.0.1" % s.port)):
            result = run("audit", ["-u", "user:secret", option, value, "http://audit-blocked.test:%d/" % s.port],
                         out, 2)
            check(result.stderr.startswith("crawlpack audit: %s needs" % option), "stderr: %s" % result.stderr)
        check(s.requests() == [], "requests were sent: %s" % s.requests())
    finally:
        s.stop()


def make_certificate(folder):
    """A self-signed certificate for 127.0.0.1 and tls.test, made now (nothing secret is committed)."""
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=tls.test",
                    "-addext", "subjectAltName=DNS:tls.test,IP:127.0.0.1",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True, timeout=BOUND)
    return cert, key


def case_tls(server, out):
    """HTTPS staging with its own certificate: without --cacert the audit fails cleanly with the fix
    in the message; --cacert and -k both pass; -k is said in the summary and crawl.json."""
    folder = tempfile.mkdtemp(prefix="tls-")
    cert, key = make_certificate(folder)
    log = tempfile.NamedTemporaryFile(prefix="fixture-log-", delete=False).name
    process = subprocess.Popen([server, "--root", os.path.join(SOURCE, "fixtures", "sites", "tls"), "--log", log,
                                "--tls-cert", cert, "--tls-key", key], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        check(line.startswith("PORT "), "fixture server gave no PORT line (got %r)" % line)
        url = "https://127.0.0.1:%s/" % line.split()[1]
        result = run("audit", [url], out, 3)
        check(("cannot crawl %s: tls: certificate not trusted: pass --cacert FILE or -k" % url) in result.stderr,
              "stderr: %s" % result.stderr)
        result = run("audit", [url, "--cacert", cert], out, 0)
        check(crawl_json(out)["counts"]["status_2xx"] == 2, "counts %s" % crawl_json(out)["counts"])
        check("insecure" not in result.stdout, "summary warns without -k: %s" % result.stdout)
        result = subprocess.run([CRAWLPACK, "audit", "--out", out, url, "-k"], capture_output=True, text=True,
                                timeout=BOUND)
        check(result.returncode == 0, "audit -k exited %d: %s" % (result.returncode, result.stderr))
        check("warning: -k/--insecure: TLS certificates were not verified" in result.stdout,
              "summary: %s" % result.stdout)
        check(crawl_json(out)["options"]["insecure"] is True, "crawl.json options %s" % crawl_json(out)["options"])
        # the one-off GETs share the transport: `sitemap URL` and `robots check --robots-url`
        result = subprocess.run([CRAWLPACK, "robots", "check", "--robots-url", url + "robots.txt", url + "about"],
                                capture_output=True, text=True, timeout=BOUND)
        check(result.returncode == 3 and "certificate not trusted" in result.stderr,
              "robots check without --cacert: %d %s" % (result.returncode, result.stderr))
        result = subprocess.run([CRAWLPACK, "robots", "check", "--cacert", cert, "--robots-url", url + "robots.txt",
                                 url + "about"], capture_output=True, text=True, timeout=BOUND)
        check(result.returncode == 0, "robots check --cacert: %d %s" % (result.returncode, result.stderr))
        result = subprocess.run([CRAWLPACK, "sitemap", url + "about"], capture_output=True, text=True, timeout=BOUND)
        check(result.returncode == 3 and "certificate not trusted: pass --cacert FILE or -k" in result.stderr,
              "sitemap without --cacert: %d %s" % (result.returncode, result.stderr))
        # with the CA the page is fetched, and it is not a sitemap: a finding (exit 1), not a failed run
        result = subprocess.run([CRAWLPACK, "sitemap", "--cacert", cert, url + "about"], capture_output=True, text=True,
                                timeout=BOUND)
        check(result.returncode == 1 and "certificate" not in result.stderr + result.stdout,
              "sitemap --cacert: %d %s %s" % (result.returncode, result.stdout, result.stderr))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.unlink(log)
        shutil.rmtree(folder)


def main():
    if len(sys.argv) != 4 or sys.argv[2] != "--server":
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    case = globals().get("case_" + sys.argv[1])
    if not case:
        print("unknown case %s" % sys.argv[1], file=sys.stderr)
        return 2
    out = tempfile.mkdtemp(prefix="e2e-failed-")
    try:
        case(sys.argv[3], out)
    except Failure as failure:
        print("FAIL %s: %s" % (sys.argv[1], failure), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("ok %s" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
