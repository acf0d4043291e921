#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end crawl tests over the loopback fixture server.

Usage: e2e.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

Each case starts tests/fixture_server on an ephemeral port (waiting a bounded time for its PORT
line), runs `crawlpack crawl`, checks out/pages.csv, links.csv and crawl.json, and stops the
server. Expected files live in tests/crawl/expected/ with the origin written as http://SITE;
UPDATE_GOLDEN=1 rewrites them (review the diff by hand). Waits are bounds, never timing checks.
"""
import csv
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("CRAWLPACK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
EXPECTED = os.path.join(SOURCE, "tests", "crawl", "expected")
SITES = os.path.join(SOURCE, "fixtures", "sites")
BOUND = 120  # seconds any single wait may take before the test fails


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Server:
    def __init__(self, server, site):
        self.log = tempfile.NamedTemporaryFile(prefix="fixture-log-", delete=False).name
        self.process = subprocess.Popen([server, "--root", os.path.join(SITES, site), "--log", self.log],
                                        stdout=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 10)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            self.stop()
            raise Failure("fixture server gave no PORT line (got %r)" % line)
        self.port = int(line.split()[1])
        self.origin = "http://127.0.0.1:%d" % self.port

    def requests(self):
        with open(self.log, errors="replace") as f:
            return [line.split(" ", 3) for line in f.read().splitlines() if not line.startswith("304 ")]

    def not_modified(self):
        """The paths answered 304 to a conditional GET (the server logs them on a line of their own)."""
        with open(self.log, errors="replace") as f:
            return [line.split(" ")[2] for line in f.read().splitlines() if line.startswith("304 ")]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log)


def interrupt_at_slow(s, args):
    """Runs crawlpack with args against fixture server s and sends SIGINT once the crawl has asked s for
    /slow: the run must stop within BOUND and exit 130. Returns its stdout."""
    process = subprocess.Popen([CRAWLPACK] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline and not any(r[2] == "/slow" for r in s.requests()):
        time.sleep(0.05)
    check(any(r[2] == "/slow" for r in s.requests()), "the crawl never reached /slow")
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=BOUND)
    except subprocess.TimeoutExpired:
        process.kill()
        raise Failure("crawlpack %s did not stop after SIGINT" % args[0])
    check(process.returncode == 130, "exit %d after SIGINT, want 130; stderr %s" % (process.returncode, stderr))
    return stdout


def crawl(args, out, expect_rc=0):
    result = subprocess.run([CRAWLPACK, "crawl", "--quiet", "--out", out] + args, capture_output=True, text=True,
                            timeout=BOUND)
    check(result.returncode == expect_rc, "crawlpack exited %d, want %d\nstderr: %s" % (result.returncode, expect_rc,
                                                                                      result.stderr))
    return result


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def normalize(value, origins):
    for origin, name in origins:
        value = value.replace(origin, name)
    return value


PAGE_COLUMNS = ["url", "status", "content_type", "depth", "size", "redirect_to", "canonical", "robots_directives",
                "in_sitemap", "inlinks", "outlinks", "title", "error", "http_version", "content_encoding", "hsts",
                "analytics", "indexable", "not_indexable_reasons", "link_score"]


def page_rows(out, origins, columns=PAGE_COLUMNS):
    rows = []
    for row in read_csv(os.path.join(out, "pages.csv")):
        row = {k: normalize(v, origins) for k, v in row.items()}
        if row["error"].startswith(("timeout:", "connect:", "dns:", "too-large:")):
            row["error"] = row["error"].split(":")[0]  # keep the class, not curl's wording
            row["size"] = ""
        rows.append([row[c] for c in columns])
    return [columns] + sorted(rows[0:])


def link_rows(out, origins):
    """links.csv's header as written (the golden checks it) and its rows, sorted (threads decide the order)."""
    rows = read_csv(os.path.join(out, "links.csv"))
    check(rows, "links.csv has no rows")
    return [list(rows[0].keys())] + sorted([normalize(v, origins) for v in r.values()] for r in rows)


def compare_golden(name, rows):
    path = os.path.join(EXPECTED, name)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(path, "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        return
    with open(path, newline="") as f:
        expected = list(csv.reader(f))
    if expected != rows:
        lines = ["%s differs:" % name]
        for row in expected:
            if row not in rows:
                lines.append("  missing: %s" % row)
        for row in rows:
            if row not in expected:
                lines.append("  unexpected: %s" % row)
        raise Failure("\n".join(lines))


def load_json(out):
    with open(os.path.join(out, "crawl.json")) as f:
        return json.load(f)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- cases ----

def case_basic(server, out):
    """A small site: link depths, canonicals, noindex, 404, robots.txt obeyed with its line reported."""
    s = Server(server, "basic")
    try:
        crawl([s.origin + "/"], out)
        origins = [(s.origin, "http://SITE")]
        compare_golden("basic-pages.csv", page_rows(out, origins))
        compare_golden("basic-links.csv", link_rows(out, origins))
        paths = [r[2] for r in s.requests()]
        check(not any(p.startswith("/private/") for p in paths), "a robots.txt-disallowed path was fetched")
        check(paths.count("/robots.txt") == 1, "robots.txt fetched %d times" % paths.count("/robots.txt"))
        check(len(paths) == len(set(paths)), "a URL was fetched twice: %s" % paths)
        robots = load_json(out)["robots"]
        check(robots[0]["outcome"] == "parse" and robots[0]["status"] == 200, "robots outcome %s" % robots)
    finally:
        s.stop()


def case_page_nofollow(server, out):
    """Page-level nofollow as the audited engine (googlebot) reads it — meta robots, none, meta
    googlebot, X-Robots-Tag with and without googlebot: — makes every <a> link of the page a nofollow
    edge (links.csv rel, no click depth), but not its iframe; a nofollow said only to our own token
    or to another engine marks nothing. Every target is still fetched, once."""
    s = Server(server, "nofollow")
    try:
        crawl([s.origin + "/"], out)
        origins = [(s.origin, "http://SITE")]
        compare_golden("nofollow-pages.csv", page_rows(out, origins))
        compare_golden("nofollow-links.csv", link_rows(out, origins))
        paths = [r[2] for r in s.requests()]
        targets = sorted(p for p in paths if p.startswith("/target-"))
        check(len(targets) == 8 and len(set(targets)) == 8, "targets fetched: %s" % targets)
        check(paths.count("/embed") == 1, "the iframe of a nofollow page was not fetched once: %s" % paths)
    finally:
        s.stop()


def case_ignore_robots(server, out):
    """--ignore-robots: robots.txt is still fetched and reported, the disallowed page is fetched."""
    s = Server(server, "basic")
    try:
        crawl([s.origin + "/", "--ignore-robots"], out)
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        secret = rows[s.origin + "/private/secret.html"]
        check(secret["status"] == "200" and secret["error"] == "", "secret row %s" % secret)
        check(any(r[2] == "/robots.txt" for r in s.requests()), "robots.txt not fetched")
        check(load_json(out)["robots"][0]["outcome"] == "parse", "robots.txt outcome not reported")
    finally:
        s.stop()


def case_sitemaps(server, out):
    """Sitemaps from robots.txt's Sitemap: line, through an index to its child: entries are rows with
    in_sitemap=1, fetched after the pages links reach (an orphan has no depth), robots.txt still
    obeyed for them, and a 404 entry is fetched like any page."""
    s = Server(server, "sitemaps")
    try:
        crawl([s.origin + "/"], out)
        compare_golden("sitemaps-pages.csv", page_rows(out, [(s.origin, "http://SITE")]))
        run = load_json(out)
        read = [(x["origin"], x["read"], x["urls"]) for x in run["sitemaps"]]
        check(read == [("robots.txt", True, 1), ("index", True, 5)], "sitemaps %s" % run["sitemaps"])
        check(run["counts"]["sitemap_urls"] == 5, "sitemap_urls %s" % run["counts"]["sitemap_urls"])
        check(not any(r[2].startswith("/blocked/") for r in s.requests()), "a blocked sitemap URL was fetched")
    finally:
        s.stop()


def case_hostile(server, out):
    """Redirect chain and loop hop by hop, 429 back-off, timeout, body cap, header cap, gzip/br, crawl
    trap, non-HTTP redirect, cross-host redirect checked without the credentials."""
    s = Server(server, "hostile")
    try:
        crawl([s.origin + "/", "--max-time", "3", "--max-body", "100000", "--max-per-template", "5",
               "--check-external", "--resolve", "other.test:%d:127.0.0.1" % s.port, "-u", "alice:secret",
               "-H", "Authorization: Bearer from-header"], out)
        origins = [(s.origin, "http://SITE"), ("other.test:%d" % s.port, "other.test:PORT")]
        compare_golden("hostile-pages.csv", page_rows(out, origins))
        compare_golden("hostile-links.csv", link_rows(out, origins))
        requests = s.requests()
        for method, host, path, auth in requests:
            if host.startswith("other.test"):
                check(auth == "-", "credentials or headers sent to %s%s" % (host, path))
            else:
                check(auth.startswith(("Basic ", "Bearer ")), "no credentials on %s" % path)
        check(any(h.startswith("other.test") for _, h, _, _ in requests), "the other host was never checked")
        busy = [r for r in requests if r[2] == "/busy"]
        check(len(busy) == 2, "/busy asked %d times, want 2 (429 then retry)" % len(busy))
        run = load_json(out)
        check(run["counts"]["throttled"] == 1, "throttled count %s" % run["counts"]["throttled"])
        check([t["template"] for t in run["crawl_traps"]] == [s.origin + "/cal?n"], "traps %s" % run["crawl_traps"])
    finally:
        s.stop()


def case_crawl_delay(server, out):
    """robots.txt gives * a Crawl-delay of 1 s on a 3-page site. With --respect-crawl-delay crawl.json
    records it as applied, robots.txt comes before every page and each page is asked once; and the
    spacing is real: the third page cannot start before 2 s, so a 1 s --max-duration stops the crawl
    before it (a lower bound the delay guarantees, not a timing measurement). Without the flag the
    delay is recorded but not applied."""
    s = Server(server, "crawl-delay")
    try:
        def pages():
            return [r[2] for r in s.requests() if r[2] in ("/", "/a", "/b")]

        crawl([s.origin + "/", "--respect-crawl-delay", "--no-sitemaps"], out)
        robots = load_json(out)["robots"]
        check(len(robots) == 1 and robots[0]["crawl_delay"] == 1 and robots[0]["crawl_delay_applied"] is True,
              "robots %s" % robots)
        paths = [r[2] for r in s.requests()]
        check(paths[0] == "/robots.txt" and sorted(pages()) == ["/", "/a", "/b"] and pages()[0] == "/",
              "requests %s" % paths)
        open(s.log, "w").close()

        crawl([s.origin + "/", "--respect-crawl-delay", "--no-sitemaps", "--max-duration", "1"], out)
        run = load_json(out)
        check(run["stopped_by_limit"] is True, "stopped_by_limit %s" % run["stopped_by_limit"])
        check(run["partial"]["reason"].startswith("stopped by --max-duration"), "partial %s" % run["partial"])
        check(len(pages()) <= 2, "three pages started within 1 s of a 1 s Crawl-delay: %s" % pages())
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        unfetched = [u for u, r in rows.items() if not r["status"]]
        check(unfetched and all("stopped first" in rows[u]["error"] for u in unfetched), "rows %s" % rows)
        open(s.log, "w").close()

        crawl([s.origin + "/", "--no-sitemaps"], out)
        robots = load_json(out)["robots"]
        check(robots[0]["crawl_delay"] == 1 and robots[0]["crawl_delay_applied"] is False, "robots %s" % robots)
        check(load_json(out)["options"]["respect_crawl_delay"] is False, "options say the delay is respected")
        check(sorted(pages()) == ["/", "/a", "/b"], "requests %s" % s.requests())
    finally:
        s.stop()


def external_site(s):
    """The external site's start URL and the --connect-to options that serve both its hosts."""
    return ["http://external.test/", "--connect-to", "external.test:80:127.0.0.1:%d" % s.port,
            "--connect-to", "partner.test:80:127.0.0.1:%d" % s.port]


def case_check_external(server, out):
    """--check-external: an out-of-scope target on another host is asked once with HEAD, and once
    with GET when the HEAD is refused (405); its answer is its row in pages.csv; it is never crawled
    (its links, to its own host and back to ours, are not followed). A 404 is asked with HEAD only."""
    s = Server(server, "external")
    try:
        crawl(external_site(s) + ["--check-external"], out)
        partner = [(r[0], r[2]) for r in s.requests() if r[1].startswith("partner.test")]
        check(sorted(partner) == [("GET", "/tools"), ("HEAD", "/gone"), ("HEAD", "/tools")],
              "partner.test requests %s" % partner)
        check(partner.index(("HEAD", "/tools")) < partner.index(("GET", "/tools")), "GET before HEAD: %s" % partner)
        check(not any(r[2] == "/hidden" for r in s.requests()), "a link of the external page was followed")
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        check(rows["http://partner.test/tools"]["status"] == "200", "tools row %s" % rows["http://partner.test/tools"])
        check(rows["http://partner.test/gone"]["status"] == "404", "gone row %s" % rows["http://partner.test/gone"])
        check("http://partner.test/deeper" not in rows and "http://external.test/hidden" not in rows,
              "the external page was parsed: %s" % sorted(rows))
        open(s.log, "w").close()

        crawl(external_site(s), out)
        check(not any(r[1].startswith("partner.test") for r in s.requests()), "external checked without the flag")
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        check(rows["http://partner.test/gone"]["status"] == "", "gone row %s" % rows["http://partner.test/gone"])
    finally:
        s.stop()


def audit(args, out, expect_rc):
    """crawlpack audit --quiet --out OUT ARGS; the exit code must be one of expect_rc."""
    result = subprocess.run([CRAWLPACK, "audit", "--quiet", "--out", out] + args, capture_output=True, text=True,
                            timeout=BOUND)
    check(result.returncode in expect_rc, "audit exited %d, want %s\nstderr: %s" % (
        result.returncode, expect_rc, result.stderr))
    return result


def load_findings(out):
    with open(os.path.join(out, "findings.json")) as f:
        return json.load(f)


def broken_links(out):
    with open(os.path.join(out, "findings.json")) as f:
        findings = json.load(f)["findings"]
    return sorted((x["url"], tuple(x["related"])) for x in findings if x["rule"] == "broken-link")


def case_check_external_audit(server, out):
    """docs/audit.md: broken-link covers an external URL checked with --check-external that answers
    4xx/5xx. The partner's 404 is one finding naming both linking pages; the 405-then-200 target is
    not broken; without the flag nothing external is judged."""
    s = Server(server, "external")
    try:
        audit(external_site(s) + ["--check-external"], out, (1,))  # broken-link is an error
        found = broken_links(out)
        want = [("http://partner.test/gone", ("http://external.test/", "http://external.test/about"))]
        check(found == want, "broken-link findings %s, want %s" % (found, want))
        audit(external_site(s), out, (0, 1))
        check(broken_links(out) == [], "broken-link without --check-external: %s" % broken_links(out))
    finally:
        s.stop()


def case_check_external_pack(server, out):
    """The pack's analytics tag coverage counts the site's own pages only: the partner's page that
    --check-external fetched (an HTML 200 without any tag) is another site's, so it is neither among
    the pages measured nor among the pages without a tag."""
    s = Server(server, "external")
    try:
        audit(external_site(s) + ["--check-external", "--format", "json,md"], out, (1,))
        rows = read_csv(os.path.join(out, "pages.csv"))
        tools = [r for r in rows if r["url"] == "http://partner.test/tools"]
        check(tools and tools[0]["status"] == "200" and tools[0]["content_type"].startswith("text/html")
              and not tools[0]["analytics"], "the untagged external page was not fetched as HTML: %s" % tools)
        own = [r for r in rows if r["url"].startswith("http://external.test/") and r["status"] == "200"
               and r["content_type"].startswith("text/html")]
        check(len(own) == 2, "in-scope HTML pages %s" % [r["url"] for r in own])
        with open(os.path.join(out, "pack.md")) as f:
            text = f.read()
        tags = text.split("### Analytics tags seen by the crawl", 1)[-1].split("\n## ", 1)[0]
        check("Over %d HTML pages answering 200:" % len(own) in tags, "tag coverage measured over: %s" % tags)
        check("| (none) | %d |" % len(own) in tags, "pages with no tag: %s" % tags)
        check("partner.test" not in tags, "an external page is listed as missing a tag: %s" % tags)
        missing = os.path.join(out, "analytics-missing.csv")
        if os.path.exists(missing):
            listed = [r["url"] for r in read_csv(missing)]
            check(sorted(listed) == sorted(r["url"] for r in own), "analytics-missing.csv lists %s" % listed)
    finally:
        s.stop()


def case_connect_error(server, out):
    """A refused connection is a page not fetched, with the connect error class (its request never
    left: nothing is known about it), and the crawl still writes its files; a crawl that never reached
    its start page fails (exit 3) with one sentence saying why.
    (--ignore-robots: otherwise the unreachable robots.txt is requested first and fails the same way.)"""
    origin = "http://127.0.0.1:%d" % free_port()
    result = crawl([origin + "/", "--connect-timeout", "5", "--ignore-robots"], out, expect_rc=3)
    check(result.stderr.startswith("crawlpack crawl: cannot crawl %s/: connect: " % origin), result.stderr)
    rows = read_csv(os.path.join(out, "pages.csv"))
    check(len(rows) == 1 and rows[0]["status"] == "" and
          rows[0]["error"].startswith("not fetched: no connection (connect:"), "rows %s" % rows)
    check(load_json(out)["partial"]["no_connection"] == 1, "partial %s" % load_json(out)["partial"])


def case_max_pages(server, out):
    """--max-pages stops fetching; the URLs left are listed as not fetched; crawl.json says why."""
    s = Server(server, "basic")
    try:
        crawl([s.origin + "/", "--max-pages", "3"], out)
        rows = read_csv(os.path.join(out, "pages.csv"))
        fetched = [r for r in rows if r["status"]]
        check(len(fetched) == 3, "%d pages fetched, want 3" % len(fetched))
        check(any("the crawl stopped first" in r["error"] for r in rows), "no row says the crawl stopped")
        check(load_json(out)["stopped_by_limit"] is True, "stopped_by_limit not set")
        probes = [r for r in s.requests() if r[2].startswith("/crawlpack-not-found-")]
        pages = [r for r in s.requests()
                 if r[2] != "/robots.txt" and not r[2].startswith("/sitemap") and r not in probes]
        check(len(pages) == 3, "server saw %d page requests, want 3" % len(pages))
        # soft-404's reference: one missing path per origin, counted in crawl.json, never a page
        check(len(probes) == 1, "server saw %d not-found probes, want 1" % len(probes))
        check(load_json(out)["counts"]["not_found_probes"] == 1, "crawl.json does not count the probe")
        check(not any("crawlpack-not-found" in r["url"] for r in rows), "the probe became a page row")
    finally:
        s.stop()


def case_scope(server, out):
    """--exclude and --max-depth keep URLs out of the fetch (they stay rows, saying why); --strip-param
    merges URLs that differ only by a tracking parameter."""
    s = Server(server, "basic")
    try:
        crawl([s.origin + "/?utm_source=x", "--exclude", "/about/", "--max-depth", "1", "--strip-param", "utm_*"],
              out)
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        check(s.origin + "/" in rows and rows[s.origin + "/"]["status"] == "200", "start URL not stripped: %s" % list(rows))
        about = rows[s.origin + "/about/"]
        check(not about["status"] and about["error"] == "not fetched: out of scope", "about row %s" % about)
        post2 = rows[s.origin + "/blog/post-2.html"]
        check(not post2["status"] and "beyond --max-depth" in post2["error"], "post-2 row %s" % post2)
        paths = [r[2] for r in s.requests()]
        check("/about/" not in paths and "/blog/post-2.html" not in paths, "excluded URLs fetched: %s" % paths)
    finally:
        s.stop()


def case_resolve(server, out):
    """--resolve audits a site under its production name: same pages as by address."""
    s = Server(server, "basic")
    try:
        name = "www.basic.test:%d" % s.port
        crawl(["http://%s/" % name, "--resolve", "%s:127.0.0.1" % name], out)
        compare_golden("basic-pages.csv", page_rows(out, [("http://" + name, "http://SITE")]))
        check(all(r[1] == name for r in s.requests()), "a request went out without the Host name")
    finally:
        s.stop()


def case_root(server, out):
    """--root gives the same pages.csv as HTTP mode (transport-only columns aside: a 404's body and
    content type come from the server, and a folder has no HTTP version)."""
    crawl(["--root", os.path.join(SITES, "basic"), "--site-url", "https://basic.example/"], out)
    columns = [c for c in PAGE_COLUMNS if c != "http_version"]
    rows = page_rows(out, [("https://basic.example", "http://SITE")], columns)
    with open(os.path.join(EXPECTED, "basic-pages.csv"), newline="") as f:
        expected_all = list(csv.reader(f))
    keep = [PAGE_COLUMNS.index(c) for c in columns]
    expected = [[r[i] for i in keep] for r in expected_all]

    def mask(table):
        masked = []
        for r in table:
            r = list(r)
            if r[1] not in ("status", "200", ""):
                r[columns.index("content_type")] = r[columns.index("size")] = "*"
            masked.append(r)
        return masked

    check(mask(expected) == mask(rows), "root mode differs from HTTP mode:\n%s\n---\n%s" % (mask(expected), mask(rows)))


def case_link_kinds(server, out):
    """links.csv names <link rel=next|prev> by its own kind, not "a" (audit-doc-links' paginated blog),
    and keeps <a> links "a"."""
    crawl(["--root", os.path.join(SITES, "audit-doc-links"), "--site-url", "http://audit-doc-links.test/"], out)
    kinds = {(r["source"], r["target"], r["kind"], r["rel"]) for r in read_csv(os.path.join(out, "links.csv"))}
    base = "http://audit-doc-links.test"
    for row in [(base + "/blog/", base + "/blog/page/2/", "next", ""),
                (base + "/blog/page/2/", base + "/blog/", "prev", ""),
                (base + "/blog/page/2/", base + "/blog/page/3/", "next", ""),
                (base + "/blog/", base + "/blog/page/2/", "a", "")]:
        check(row in kinds, "links.csv lacks %s; has %s" % (row, sorted(k for k in kinds if "/blog/" in k[0])))


def case_interrupt(server, out):
    """SIGINT during a crawl: transfers in flight get a bounded grace period, every file is complete,
    and the exit code is 130."""
    s = Server(server, "hostile")
    try:
        interrupt_at_slow(s, ["crawl", "--quiet", "--out", out, s.origin + "/", "--max-time", "60"])
        run = load_json(out)
        check(run["interrupted"] is True, "crawl.json does not say interrupted")
        rows = read_csv(os.path.join(out, "pages.csv"))
        home = [r for r in rows if r["url"] == s.origin + "/"]
        check(home and home[0]["status"] == "200", "the home page row is missing")
        slow = [r for r in rows if r["url"] == s.origin + "/slow"]
        check(slow and not slow[0]["status"] and "stopped first" in slow[0]["error"], "/slow row %s" % slow)
        with open(os.path.join(out, "links.csv"), "rb") as f:
            data = f.read()
        check(data.endswith(b"\r\n") and len(read_csv(os.path.join(out, "links.csv"))) >= 12, "links.csv incomplete")
    finally:
        s.stop()


def case_trickle(server, out):
    """One response whose headers trickle past --max-time, linked beside six fast pages on the same
    host, requested when no open connection is known to speak HTTP/1.1: the six are requested and
    answer 200; only /slow is a broken link, for its own timeout, and it has no status (its header
    block never ended). Waiting for a connection does not count against --max-time (web/fetch.h)."""
    s = Server(server, "trickle")
    try:
        audit([s.origin + "/", "--max-time", "3", "--no-sitemaps"], out, (1,))
        paths = [r[2] for r in s.requests()]
        fast = ["/p%d" % i for i in range(1, 7)]
        check(all(p in paths for p in fast), "fast pages never requested: %s" % paths)
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        for p in fast:
            check(rows[s.origin + p]["status"] == "200", "%s row %s" % (p, rows[s.origin + p]))
        slow = rows[s.origin + "/slow"]
        check(slow["status"] == "" and slow["error"].startswith("timeout: no complete response within 3000 ms"),
              "/slow row %s" % slow)
        check(broken_links(out) == [(s.origin + "/slow", (s.origin + "/",))], "broken links %s" % broken_links(out))
    finally:
        s.stop()


def case_never_requested(server, out):
    """A URL whose request never left (its host refuses connections) is not a broken link: nothing
    is known about it. Its row says "not fetched: no connection (connect: ...)" and the run is a
    partial crawl that says so. (--ignore-robots: the dead host's robots.txt is unreachable too.)"""
    s = Server(server, "trickle")
    dead = free_port()
    try:
        audit(["http://trickle.test/", "--connect-to", "trickle.test:80:127.0.0.1:%d" % s.port,
               "--connect-to", "dead.trickle.test:80:127.0.0.1:%d" % dead, "--subdomains", "--ignore-robots",
               "--no-sitemaps", "--max-time", "3", "--connect-timeout", "5"], out, (1,))
        rows = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
        gone = rows["http://dead.trickle.test/gone"]
        check(gone["status"] == "" and gone["error"].startswith("not fetched: no connection (connect:"),
              "dead row %s" % gone)
        check(all(r["url"] != "http://dead.trickle.test/gone" for r in load_findings(out)["findings"]
                  if r["rule"] == "broken-link"), "an unrequested URL is a broken link: %s" % broken_links(out))
        check(broken_links(out) == [("http://trickle.test/slow", ("http://trickle.test/",))],
              "broken links %s" % broken_links(out))
        partial = load_findings(out)["run"]["partial"]
        check(partial and "1 with no connection" in partial, "run.partial %r" % partial)
        check(load_json(out)["partial"]["no_connection"] == 1, "crawl.json partial %s" % load_json(out)["partial"])
    finally:
        s.stop()


WHOLE_GRAPH_RULES = {"orphan-url", "missing-from-sitemap", "unreachable-by-follow", "single-inlink"}


def check_partial_marks(out, words):
    """Every output of the audit in out says the crawl was partial (words in the reason), or, with
    words None, that it was complete."""
    findings = load_findings(out)
    partial = findings["run"]["partial"]
    with open(os.path.join(out, "findings.txt")) as f:
        first = f.readline()
    csv_rows = read_csv(os.path.join(out, "findings.csv"))
    with open(os.path.join(out, "findings.junit.xml")) as f:
        junit = f.read()
    with open(os.path.join(out, "findings.sarif")) as f:
        sarif = json.load(f)["runs"][0]
    crawl_partial = load_json(out)["partial"]
    if words is None:
        check(partial is None and crawl_partial is None, "a complete crawl called partial: %r" % partial)
        check(not first.startswith("# partial crawl"), "findings.txt: %r" % first)
        check(not csv_rows or csv_rows[-1]["rule"] != "(partial crawl)", "findings.csv ends with a partial row")
        check('name="partial"' not in junit and "partial" not in sarif.get("properties", {}), "junit/sarif partial")
        return
    check(partial and words in partial, "findings.json run.partial %r, want %r" % (partial, words))
    check(crawl_partial and words in crawl_partial["reason"], "crawl.json partial %s" % crawl_partial)
    check(first.startswith("# partial crawl: ") and words in first, "findings.txt first line %r" % first)
    check(csv_rows[-1]["rule"] == "(partial crawl)" and words in csv_rows[-1]["message"], "csv %s" % csv_rows[-1])
    check('<property name="partial" value="' in junit and words in junit, "junit has no partial property")
    check(words in sarif["properties"]["partial"], "sarif properties %s" % sarif["properties"])
    notes = sarif["invocations"][0].get("toolExecutionNotifications", [])
    check(notes and words in notes[0]["message"]["text"] and notes[0]["level"] == "warning", "sarif %s" % notes)
    rules = {x["rule"] for x in findings["findings"]}
    check(not rules & WHOLE_GRAPH_RULES, "whole-graph rules on a partial crawl: %s" % (rules & WHOLE_GRAPH_RULES))


def case_partial(server, out):
    """--max-depth 0 and --max-pages leave in-scope pages unfetched: the whole-graph rules (orphan-url,
    single-inlink, ...) are not concluded from them (audit-partial's /guides/setup and /tuning are
    linked only from the unfetched /guides/), and the summary, crawl.json and every format say the
    crawl was partial. The complete audit of the same site says nothing of the kind."""
    del server  # --root: no server needed
    root = ["--root", os.path.join(SITES, "audit-partial"), "--site-url", "http://audit-partial.test/",
            "--format", "json,csv,text,junit,sarif"]
    audit(root, out, (0,))
    check_partial_marks(out, None)
    for args, words in ((["--max-depth", "0"], "limited by --max-depth"), (["--max-pages", "2"], "stopped by --max-pages")):
        result = audit(root + args, out, (0,))
        check("partial crawl: " + words in result.stdout, "summary: %s" % result.stdout)
        check_partial_marks(out, words)


def case_partial_diff(server, out):
    """diff against a partial crawl (--max-pages 3) of the same site: no page removed or added, no
    status change, no finding fixed or new for what the partial side did not read; the report says
    the comparison is partial and counts what it left out — in both directions."""
    del server  # --root: no server needed
    site = ["--root", os.path.join(SITES, "audit-links"), "--site-url", "http://audit-links.test/"]
    full, part = os.path.join(out, "full"), os.path.join(out, "part")
    audit(site, full, (0, 1))
    audit(site + ["--max-pages", "3"], part, (0, 1))
    for old, new, side in ((full, part, "new"), (part, full, "old")):
        result = subprocess.run([CRAWLPACK, "diff", old, new, "--format", "json"], capture_output=True, text=True,
                                timeout=BOUND)
        check(result.returncode in (0, 1), "diff exited %d: %s" % (result.returncode, result.stderr))
        summary = json.loads(result.stdout)["summary"]
        partial = summary["partial"]
        check(partial and partial[side] and "stopped by --max-pages" in partial[side], "partial %s" % partial)
        check(partial["pages_not_compared"] > 0, "nothing left out: %s" % partial)
        for key in ("pages_added", "pages_removed", "status_changes", "fixed_findings", "new_findings"):
            check(summary[key] == 0, "%s -> %s: %s = %d, want 0" % (old, new, key, summary[key]))
        text = subprocess.run([CRAWLPACK, "diff", old, new], capture_output=True, text=True, timeout=BOUND).stdout
        check("partial comparison: %s is a partial crawl" % part in text, "text diff: %s" % text)


def case_max_url_length(server, work):
    """--max-url-length 64 on a page with an href over the cap (counted too long), one under it that
    resolves over it (counted invalid), one that resolves to exactly 64 bytes and one short link:
    both dropped links are counted in links_dropped, the two others are in links.csv and requested.
    A second crawl into the same store is answered 304 and replays the stored page, whose links are
    identified from their stored strings rather than from the extraction's parse: links.csv and
    links_dropped are the same both times."""
    host = "maxurl.test"
    at_cap = "http://%s/%s" % (host, "c" * (64 - len("http://%s/" % host)))
    site = os.path.join(work, "site")
    os.mkdir(site)
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write('<!doctype html><title>cap</title><a href="/a.html">short</a><a href="/%s">too long</a>'
                '<a href="b/%s">resolves too long</a><a href="%s">at the cap</a>\n' % ("t" * 70, "r" * 50, at_cap))
    with open(os.path.join(site, "a.html"), "w") as f:
        f.write('<!doctype html><title>a</title><a href="/">home</a>\n')
    s = Server(server, site)
    try:
        out = os.path.join(work, "out")
        args = ["http://%s/" % host, "--connect-to", "%s:80:127.0.0.1:%d" % (host, s.port), "--max-url-length", "64",
                "--no-sitemaps", "--ignore-robots"]
        runs = []
        for _ in range(2):
            crawl(args, out)
            pages = {r["url"]: r for r in read_csv(os.path.join(out, "pages.csv"))}
            links = sorted((r["source"], r["target"]) for r in read_csv(os.path.join(out, "links.csv")))
            runs.append((pages["http://%s/" % host]["links_dropped"], links))
        home = "http://%s/" % host
        want = sorted([(home, home + "a.html"), (home, at_cap), (home + "a.html", home)])
        check(runs[0] == ("2", want), "first crawl: links_dropped %r, links %s; want 2 and %s" % (runs[0] + (want,)))
        check(runs[1] == runs[0], "the replayed crawl differs: %s, first %s" % (runs[1], runs[0]))
        check(s.not_modified(), "the second crawl replayed nothing (no 304)")
        requested = [r[2] for r in s.requests()]
        check("/" + at_cap.split("/", 3)[3] in requested, "the 64-byte URL was not requested: %s" % requested)
    finally:
        s.stop()

def run_cases(namespace, program, prefix, needs_server=True):
    """The one command line of the end-to-end case scripts: PROGRAM CASE --server PATH runs the
    module's case_CASE(server_path, work_dir) in a fresh temporary folder (PROGRAM CASE runs
    case_CASE(work_dir) when the cases need no fixture server). Exit 0 ok, 1 failed, 2 usage."""
    cases = {name[5:]: fn for name, fn in namespace.items() if name.startswith("case_")}
    arguments = 4 if needs_server else 2
    if len(sys.argv) != arguments or sys.argv[1] not in cases or (needs_server and sys.argv[2] != "--server"):
        sys.stderr.write("usage: %s {%s}%s\n" % (program, ",".join(sorted(cases)),
                                                   " --server PATH" if needs_server else ""))
        return 2
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        try:
            if needs_server:
                cases[sys.argv[1]](sys.argv[3], work)
            else:
                cases[sys.argv[1]](work)
        except Failure as failure:
            sys.stderr.write("FAIL %s: %s\n" % (sys.argv[1], failure))
            return 1
    print("ok %s" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e.py", "crawl-e2e-"))
