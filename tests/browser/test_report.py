#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tests/browser/test_report.py: report.html in a real browser (headless Chromium over the DevTools
protocol, tests/browser/cdp.py), loaded from file:// as a person opens it.

    test_report.py overview    audit fixtures/sites/demo from disk; the overview's numbers equal
                               findings.json's; the severity and rule filters and the URL search
                               show exactly the findings they should; a URL opens in the explorer
                               (from the search box and from a finding) with its pages.csv facts
    test_report.py injection   audit fixtures/sites/report-injection, whose titles, anchors, rel
                               values, robots.txt lines and sitemap <loc>s carry markup and script:
                               every section and every URL's explorer is shown, nothing runs (no
                               window.pwned, no dialog, no element or on* attribute from the data),
                               the strings show literally
    test_report.py rebuild     `crawlpack report OUT -o FILE` writes the file the audit wrote
    test_report.py explorer --server PATH
                               audit fixtures/sites/audit-canonical over HTTP (the fixture server:
                               /size-guide's HTML names itself canonical, its Link header the home
                               page): links.csv's found_in tells the two apart, and the explorer
                               shows both with their values and says they disagree; each sitemap
                               entry shows as FILE:LINE, the line of its <loc> in the fixture file
    test_report.py trends      a store (OUT/crawl.db, docs/store.md's tables) with two earlier
                               audits of the site: the trends charts show them and this run, in
                               order; an SQLite file that is no crawlpack store shows no trends

Every case also asserts that the page made no request but the file itself, and keeps screenshots in
$CRAWLPACK_BUILD_DIR/tests/browser/artifacts (not committed). Exit 77 (skipped) without Chromium.
Chromium and crawlpack are stopped by PID; every wait is bounded."""
import base64
import csv
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
import cdp  # noqa: E402
from e2e import Server  # noqa: E402

SOURCE_DIR = os.environ.get("CRAWLPACK_SOURCE_DIR",
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
BUILD_DIR = os.environ.get("CRAWLPACK_BUILD_DIR", tempfile.gettempdir())
ARTIFACTS = os.path.join(BUILD_DIR, "tests", "browser", "artifacts")
BOUND = 120


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def audit(site, out):
    args = [CRAWLPACK, "audit", "--quiet", "--no-config", "--fail-on", "never", "--root",
            os.path.join(SOURCE_DIR, "fixtures", "sites", site), "--site-url", "http://%s.test/" % site, "--out", out]
    result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "audit of %s exited %d: %s" % (site, result.returncode, result.stderr))
    check(os.path.exists(os.path.join(out, "report.html")), "audit wrote no report.html by default")
    with open(os.path.join(out, "findings.json"), encoding="utf-8") as f:
        findings = json.load(f)
    with open(os.path.join(out, "pages.csv"), newline="", encoding="utf-8") as f:
        pages = list(csv.DictReader(f))
    return findings, pages


def open_report(browser, path):
    page = browser.new_page()
    page.send("Network.enable")
    page.send("Runtime.enable")
    url = "file://" + urllib.parse.quote(os.path.abspath(path))
    page.navigate(url)
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    return page, url


def assert_offline(browser, page, url):
    browser.drain(0.5)
    requests = [e["params"]["request"]["url"] for e in browser.events_of("Network.requestWillBeSent", page.session)]
    check(requests == [url], "the report made requests besides loading itself: %r" % requests)
    dialogs = browser.events_of("Page.javascriptDialogOpening", page.session)
    check(not dialogs, "a dialog opened: %r" % dialogs)


def show(page, tab):
    page.evaluate("location.hash = %s" % json.dumps(tab))
    page.wait_for("!document.getElementById(%s).hidden" % json.dumps(tab.lstrip("#").split("=")[0]
                                                                        if not tab.startswith("#url=") else "explorer"))


def shoot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(os.path.join(ARTIFACTS, name + ".png"))


def shown_count(page):
    """The findings the findings tab shows after a filter: the sum of its rule groups' counts."""
    return page.evaluate("Array.from(document.querySelectorAll('#f-groups section.rule'))"
                         ".reduce((n, s) => n + Number(s.dataset.count), 0)")


def set_control(page, control, value, event):
    page.evaluate("(() => { const e = document.getElementById(%s); e.value = %s; e.dispatchEvent(new Event(%s)); })()"
                  % (json.dumps(control), json.dumps(value), json.dumps(event)))


def wait_count(page, expected):
    """The shown count once the (debounced) filter has run: bounded."""
    try:
        page.wait_for("Array.from(document.querySelectorAll('#f-groups section.rule'))"
                      ".reduce((n, s) => n + Number(s.dataset.count), 0) === %d" % expected, timeout=5)
    except cdp.ProtocolError:
        pass
    return shown_count(page)


# ---------- overview ----------

def check_overview_numbers(page, findings):
    stats = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('[data-stat]'),"
                          " e => [e.dataset.stat, Number(e.textContent)]))")
    summary = findings["summary"]
    want = {"pages": summary["pages"], "indexable": summary["indexable"],
            "not-indexable": summary["pages"] - summary["indexable"], "findings": len(findings["findings"])}
    want.update(summary["by_severity"])
    for key, value in want.items():
        check(stats.get(key) == value, "overview %s shows %r, findings.json says %r" % (key, stats.get(key), value))
    bars = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('#chart-rules g.bar'),"
                         " g => [g.dataset.label, Number(g.dataset.value)]))")
    check(bars == summary["by_rule"], "findings by rule chart %r, findings.json %r" % (bars, summary["by_rule"]))
    bars = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('#chart-severity g.bar'),"
                         " g => [g.dataset.label, Number(g.dataset.value)]))")
    check(bars == summary["by_severity"], "severity chart %r, findings.json %r" % (bars, summary["by_severity"]))
    depth = page.evaluate("Array.from(document.querySelectorAll('#chart-depth g.bar'))"
                          ".reduce((n, g) => n + Number(g.dataset.value), 0)")
    check(depth == summary["pages"], "the click-depth histogram counts %d pages, not %d" % (depth, summary["pages"]))


def check_filters(page, findings):
    items = findings["findings"]
    show(page, "#findings")
    check(wait_count(page, len(items)) == len(items), "the findings tab does not show every finding")
    set_control(page, "f-severity", "error", "change")
    errors = sum(1 for f in items if f["severity"] == "error")
    check(wait_count(page, errors) == errors, "severity error shows %d findings, want %d" % (shown_count(page), errors))
    check(page.evaluate("Array.from(document.querySelectorAll('#f-groups section.rule'))"
                        ".every(s => s.classList.contains('sev-error'))"), "severity filter shows other severities")
    shoot(page, "findings-errors")
    set_control(page, "f-severity", "", "change")
    by_rule = findings["summary"]["by_rule"]
    rule = max(sorted(by_rule), key=lambda r: by_rule[r])
    option = page.evaluate("Array.from(document.getElementById('f-rule').options)"
                           ".find(o => o.text.startsWith(%s + ' (')).value" % json.dumps(rule))
    set_control(page, "f-rule", option, "change")
    check(wait_count(page, by_rule[rule]) == by_rule[rule], "rule filter %s shows %d findings, want %d"
          % (rule, shown_count(page), by_rule[rule]))
    check(page.evaluate("Array.from(document.querySelectorAll('#f-groups section.rule'), s => s.dataset.rule)")
          == [rule], "rule filter shows other rules")
    set_control(page, "f-rule", "", "change")
    query = "journal"
    want = sum(1 for f in items if any(query in (u or "").lower()
                                       for u in [f.get("url"), f.get("source")] + f.get("related", [])))
    check(want > 0, "the demo site has no finding about a %s URL: pick another query" % query)
    set_control(page, "f-search", query, "input")
    check(wait_count(page, want) == want, "search %r shows %d findings, want %d" % (query, shown_count(page), want))
    shoot(page, "findings-search")
    set_control(page, "f-search", "", "input")
    wait_count(page, len(items))


def check_explorer(page, pages):
    candidates = [p for p in pages if p["indexable"] == "0" and p["status"] == "200" and int(p["inlinks"] or 0) > 0]
    check(candidates, "the demo site has no linked, not indexable page")
    target = candidates[0]
    show(page, "#explorer")
    set_control(page, "x-search", target["url"], "input")
    page.wait_for("document.querySelector('#x-matches button.url') !== null", timeout=5)
    page.evaluate("document.querySelector('#x-matches button.url').click()")
    page.wait_for("document.getElementById('x-url') && document.getElementById('x-url').textContent === %s"
                  % json.dumps(target["url"]), timeout=5)
    verdict = page.evaluate("document.getElementById('x-verdict').textContent")
    check(verdict.startswith("Not indexable") and target["not_indexable_reasons"] in verdict,
          "explorer verdict %r for %s (pages.csv: %s)" % (verdict, target["url"], target["not_indexable_reasons"]))
    fact = page.evaluate("document.querySelector('[data-fact=\"click depth\"] td').textContent")
    check(fact == (target["depth"] or "not reached by followable links"),
          "explorer click depth %r, pages.csv %r" % (fact, target["depth"]))
    inlinks = page.evaluate("document.querySelectorAll('#x-page .links')[0].querySelectorAll('tbody tr').length")
    check(inlinks > 0, "the explorer lists no inlinks of %s (pages.csv: %s)" % (target["url"], target["inlinks"]))
    shoot(page, "explorer")
    # a finding's URL opens the explorer
    show(page, "#findings")
    first = page.evaluate("document.querySelector('#f-groups button.url').textContent")
    page.evaluate("document.querySelector('#f-groups button.url').click()")
    page.wait_for("!document.getElementById('explorer').hidden && document.getElementById('x-url').textContent === %s"
                  % json.dumps(first), timeout=5)


def case_overview(browser, work):
    findings, pages = audit("demo", work)
    page, url = open_report(browser, os.path.join(work, "report.html"))
    shoot(page, "overview")
    check_overview_numbers(page, findings)
    check_filters(page, findings)
    check_explorer(page, pages)
    assert_offline(browser, page, url)


# ---------- injection ----------

INERT = """(() => {
  const own = new Set(['report-data']);
  const scripts = Array.from(document.scripts);
  const attrs = Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes, a => a.name))
      .filter(n => n.startsWith('on'));
  return JSON.stringify({pwned: typeof window.pwned, scripts: scripts.length,
      foreign: document.querySelectorAll('main img, main iframe, main object, main embed, main a[href^="javascript"], main script').length,
      on: attrs, links: Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))
      .filter(h => !h.startsWith('#'))});
})()"""


def check_inert(page, where):
    state = json.loads(page.evaluate(INERT))
    check(state["pwned"] == "undefined", "%s: a crawled string ran (window.pwned is set)" % where)
    check(state["scripts"] == 2, "%s: %d script elements, want the report's 2" % (where, state["scripts"]))
    check(state["foreign"] == 0, "%s: crawled markup became elements" % where)
    check(not state["on"], "%s: event-handler attributes in the page: %r" % (where, state["on"]))
    check(not state["links"], "%s: links out of the report: %r" % (where, state["links"]))


def embedded_data(raw):
    """The JSON inside #report-data: gzip, base64-encoded (reports/report_html_data.c)."""
    match = re.search(rb'<script type="application/octet-stream" id="report-data" data-encoding="gzip\+base64">'
                      rb'([A-Za-z0-9+/=]*)</script>', raw)
    check(match is not None, "report.html has no gzip+base64 #report-data element made of base64 letters only")
    return gzip.decompress(base64.b64decode(match.group(1)))


def check_raw_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    check(raw.count(b"<script") == 2 and raw.count(b"</script") == 2,
          "report.html has %d <script and %d </script (want 2 each)" % (raw.count(b"<script"), raw.count(b"</script")))
    check("\u2028".encode() not in raw and "\u2029".encode() not in raw, "a raw U+2028/U+2029 in report.html")
    data = embedded_data(raw)
    check(b"window.pwned" in data, "the fixture's strings are not in the report's data at all")
    check(b"</script" not in data.lower() and "\u2028".encode() not in data,
          "the data would end its element or a line if it were not packed")


def case_injection(browser, work):
    findings, pages = audit("report-injection", work)
    path = os.path.join(work, "report.html")
    check_raw_file(path)
    page, url = open_report(browser, path)
    check_inert(page, "overview")
    show(page, "#findings")
    page.evaluate("document.querySelectorAll('#f-groups button.more').forEach(b => b.hidden || b.click())")
    check(shown_count(page) == len(findings["findings"]), "not every finding shown")
    check_inert(page, "findings")
    shoot(page, "injection-findings")
    for row in pages:
        show(page, "#url=" + urllib.parse.quote(row["url"], safe=""))
        page.wait_for("document.getElementById('x-url').textContent === %s" % json.dumps(row["url"]), timeout=5)
        check_inert(page, "explorer of " + row["url"])
        if row["title"]:
            shown = page.evaluate("document.querySelector('[data-fact=\"title\"] td').textContent")
            check(shown == row["title"], "title of %s shows %r, pages.csv has %r" % (row["url"], shown, row["title"]))
    home = pages[0]["url"]
    show(page, "#url=" + urllib.parse.quote(home, safe=""))
    page.wait_for("document.getElementById('x-url').textContent === %s" % json.dumps(home), timeout=5)
    anchors = page.evaluate("Array.from(document.querySelectorAll('#x-page .links')[1]"
                            ".querySelectorAll('tbody tr td:nth-child(2)'), td => td.textContent)")
    check("<img src=x onerror=window.pwned=3>" in anchors, "anchor text not shown literally: %r" % anchors)
    shoot(page, "injection-explorer")
    assert_offline(browser, page, url)


# ---------- rebuild ----------

def case_rebuild(browser, work):
    audit("demo", work)
    again = os.path.join(work, "again.html")
    result = subprocess.run([CRAWLPACK, "report", work, "-o", again], capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "crawlpack report exited %d: %s" % (result.returncode, result.stderr))
    with open(os.path.join(work, "report.html"), "rb") as a, open(again, "rb") as b:
        check(a.read() == b.read(), "crawlpack report wrote another file than the audit")
    result = subprocess.run([CRAWLPACK, "report", os.path.join(work, "no-such-folder")], capture_output=True,
                            text=True, timeout=BOUND)
    check(result.returncode == 2, "report of a missing folder exited %d, want 2" % result.returncode)


# ---------- explorer: canonicals by where they were found, sitemap lines ----------

def fact_text(page, name):
    return page.evaluate("(() => { const td = document.querySelector('[data-fact=%s] td');"
                         " return td ? td.textContent : null; })()" % json.dumps(name))


def fact_urls(page, name):
    return page.evaluate("Array.from(document.querySelectorAll('[data-fact=%s] td button.url'), b => b.textContent)"
                         % json.dumps(name))


def open_url(page, url):
    show(page, "#url=" + urllib.parse.quote(url, safe=""))
    page.wait_for("document.getElementById('x-url').textContent === %s" % json.dumps(url), timeout=5)


def loc_line(site, sitemap_url, url):
    """The line of <loc>url</loc> in the fixture's sitemap file: what sitemaps.csv's line must say."""
    path = os.path.join(SOURCE_DIR, "fixtures", "sites", site, urllib.parse.urlsplit(sitemap_url).path.lstrip("/"))
    with open(path, encoding="utf-8") as f:
        lines = [n for n, text in enumerate(f, 1) if "<loc>%s</loc>" % url in text]
    check(len(lines) == 1, "%s lists %s on lines %r" % (path, url, lines))
    return lines[0]


def case_explorer(browser, work, server_path):
    site, host = "audit-canonical", "audit-canonical.test"
    server = Server(server_path, site)
    try:
        args = [CRAWLPACK, "audit", "--quiet", "--no-config", "--fail-on", "never", "http://%s/" % host,
                "--connect-to", "%s:80:127.0.0.1:%d" % (host, server.port), "--out", work]
        result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND)
    finally:
        server.stop()
    check(result.returncode == 0, "audit of %s exited %d: %s" % (site, result.returncode, result.stderr))
    with open(os.path.join(work, "links.csv"), newline="", encoding="utf-8") as f:
        links = list(csv.DictReader(f))
    with open(os.path.join(work, "sitemaps.csv"), newline="", encoding="utf-8") as f:
        entries = list(csv.DictReader(f))
    home, guide, shoes = "http://%s/" % host, "http://%s/size-guide" % host, "http://%s/shoes/" % host
    found = sorted((r["target"], r["found_in"]) for r in links if r["source"] == guide and r["kind"] == "canonical")
    check(found == [(home, "header"), (guide, "html")], "links.csv's canonicals of %s: %r" % (guide, found))
    page, url = open_report(browser, os.path.join(work, "report.html"))
    open_url(page, guide)
    check(fact_urls(page, "canonical (HTML)") == [guide], "canonical (HTML) of %s shows %r, want %s"
          % (guide, fact_text(page, "canonical (HTML)"), guide))
    check(fact_urls(page, "canonical (Link header)") == [home], "canonical (Link header) of %s shows %r, want %s"
          % (guide, fact_text(page, "canonical (Link header)"), home))
    conflict = fact_text(page, "canonical conflict") or ""
    check(guide in conflict and home in conflict, "the explorer does not say the canonicals disagree: %r" % conflict)
    check(fact_text(page, "canonical") is not None, "the effective canonical row is gone")
    row = [e for e in entries if e["url"] == guide]
    check(len(row) == 1 and row[0]["line"] == str(loc_line(site, row[0]["sitemap"], guide)),
          "sitemaps.csv's entry of %s: %r" % (guide, row))
    shown = page.evaluate("Array.from(document.querySelectorAll('[data-fact=\"sitemap entries\"] .entry'),"
                          " e => e.textContent)")
    check(shown == ["%s:%s" % (row[0]["sitemap"], row[0]["line"])], "sitemap entries of %s show %r, sitemaps.csv "
          "has %s line %s" % (guide, shown, row[0]["sitemap"], row[0]["line"]))
    outlinks = page.evaluate("Array.from(document.querySelectorAll('#x-page .links')[1].querySelectorAll('tbody tr'),"
                             " tr => [tr.cells[0].textContent, tr.cells[2].textContent])")
    canonical_rows = sorted(r for r in outlinks if r[1].startswith("canonical"))
    check(canonical_rows == [[home, "canonical (HTTP header)"], [guide, "canonical"]],
          "the outlinks of %s show the canonicals as %r" % (guide, canonical_rows))
    shoot(page, "explorer-canonicals")
    open_url(page, shoes)  # one canonical, in the HTML: no header row value, no conflict
    check(fact_urls(page, "canonical (HTML)") == [shoes] and fact_text(page, "canonical (Link header)") == "none",
          "canonicals of %s: HTML %r, header %r" % (shoes, fact_text(page, "canonical (HTML)"),
                                                    fact_text(page, "canonical (Link header)")))
    check(fact_text(page, "canonical conflict") is None, "%s has one canonical, yet a conflict is shown" % shoes)
    assert_offline(browser, page, url)


# ---------- trends ----------

def make_store(path, site, runs, application_id=0x63706b31):
    """A store with docs/store.md's runs and findings tables (the columns the report reads) holding
    runs: [(id, run_id, started_at, pages, indexable, {severity: count})]."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = %d" % application_id)
    db.execute("PRAGMA user_version = 2")
    db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, run_id TEXT, command TEXT, site TEXT, started_at TEXT,"
               " state TEXT, pages INTEGER, indexable INTEGER)")
    db.execute("CREATE TABLE findings (run INTEGER, fingerprint TEXT, rule TEXT, severity TEXT, url TEXT)")
    for run_id, name, started, pages, indexable, severities in runs:
        db.execute("INSERT INTO runs VALUES (?, ?, 'audit', ?, ?, 'complete', ?, ?)",
                   (run_id, name, site, started, pages, indexable))
        for severity, count in severities.items():
            db.executemany("INSERT INTO findings VALUES (?, 'f', 'broken-link', ?, NULL)", [(run_id, severity)] * count)
    # another site's run and an interrupted run are no trend of this site
    db.execute("INSERT INTO runs VALUES (90, 'x', 'audit', 'http://other.test/', '2026-01-01T00:00:00Z', 'complete', 5, 5)")
    db.execute("INSERT INTO runs VALUES (91, 'y', 'audit', ?, '2026-01-01T00:00:00Z', 'interrupted', 5, 5)", (site,))
    db.commit()
    db.close()


def trend_bars(page, chart):
    return page.evaluate("Array.from(document.querySelectorAll('#%s g.bar'), g => [g.dataset.label,"
                         " Number(g.dataset.value)])" % chart)


def case_trends(browser, work):
    out = os.path.join(work, "out")
    findings, _ = audit("demo", out)
    folder = os.path.join(work, "stored")
    os.makedirs(folder)
    for name in ("pages.csv", "links.csv", "sitemaps.csv", "findings.json", "crawl.json"):
        shutil.copy(os.path.join(out, name), folder)
    site = findings["run"]["inputs"][0]
    make_store(os.path.join(folder, "crawl.db"), site,
               [(1, "r1", "2026-01-01T10:00:00Z", 30, 20, {"error": 7, "warning": 2}),
                (2, "r2", "2026-02-01T10:00:00Z", 25, 18, {"error": 1, "notice": 4})])
    result = subprocess.run([CRAWLPACK, "report", folder], capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "crawlpack report exited %d: %s" % (result.returncode, result.stderr))
    page, url = open_report(browser, os.path.join(folder, "report.html"))
    show(page, "#trends")
    summary = findings["summary"]
    want = [["run 1, 2026-01-01T10:00", 9], ["run 2, 2026-02-01T10:00", 5],
            ["this run, " + findings["run"]["started_at"][:16], len(findings["findings"])]]
    check(trend_bars(page, "chart-trend-findings") == want, "findings trend %r, want %r"
          % (trend_bars(page, "chart-trend-findings"), want))
    want = [[want[0][0], 30], [want[1][0], 25], [want[2][0], summary["pages"]]]
    check(trend_bars(page, "chart-trend-pages") == want, "pages trend %r, want %r"
          % (trend_bars(page, "chart-trend-pages"), want))
    shoot(page, "trends")
    assert_offline(browser, page, url)
    # an SQLite file of another program is no store: no trends, no error
    os.unlink(os.path.join(folder, "crawl.db"))
    make_store(os.path.join(folder, "crawl.db"), site, [(1, "r1", "2026-01-01T10:00:00Z", 30, 20, {})], 42)
    result = subprocess.run([CRAWLPACK, "report", folder], capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "crawlpack report with a foreign SQLite file exited %d" % result.returncode)
    with open(os.path.join(folder, "report.html"), encoding="utf-8") as f:
        check('id="t-none"' in f.read(), "a foreign SQLite file gave trends")


# ---------- a stored run ----------

def case_stored(browser, work):
    """`crawlpack report DB`: the last complete audit of a crawl store, with its links from the store
    (the explorer lists inlinks), the same overview numbers as the folder's report, and the runs
    before it as trends; --run N picks a run; a missing run or a file that is no store is exit 2."""
    out = os.path.join(work, "out")
    audit("demo", out)
    findings, pages = audit("demo", out)  # a second run in the same store
    db = os.path.join(out, "crawl.db")
    result = subprocess.run([CRAWLPACK, "report", db], capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == 0, "crawlpack report DB exited %d: %s" % (result.returncode, result.stderr))
    stored = os.path.join(out, "report-run-2.html")
    check(("wrote " + stored) in result.stderr, "report DB did not say it wrote %s: %r" % (stored, result.stderr))
    with open(stored, "rb") as f:
        data = json.loads(embedded_data(f.read()))
    with open(os.path.join(out, "links.csv"), newline="", encoding="utf-8") as f:
        links = list(csv.DictReader(f))
    check(data["has_links"] and data["links_total"] == len(links), "the stored run's report has %s links, links.csv %d"
          % (data.get("links_total"), len(links)))
    page, url = open_report(browser, stored)
    check_overview_numbers(page, findings)
    check_explorer(page, pages)
    show(page, "#trends")
    bars = trend_bars(page, "chart-trend-findings")
    check(len(bars) == 2 and bars[0][0].startswith("run 1,") and bars[1][1] == len(findings["findings"]),
          "trends of the stored run 2: %r" % bars)
    shoot(page, "stored-run")
    assert_offline(browser, page, url)
    first = os.path.join(work, "run1.html")
    result = subprocess.run([CRAWLPACK, "report", db, "--run", "1", "-o", first], capture_output=True, text=True,
                            timeout=BOUND)
    check(result.returncode == 0 and os.path.exists(first), "report --run 1 exited %d: %s" % (result.returncode,
                                                                                             result.stderr))
    with open(first, encoding="utf-8") as f:
        check('id="t-none"' in f.read(), "run 1, the first of the store, shows trends")
    for args, why in (([db, "--run", "9"], "has no run 9"), ([os.path.join(out, "pages.csv")], "")):
        result = subprocess.run([CRAWLPACK, "report"] + args, capture_output=True, text=True, timeout=BOUND)
        check(result.returncode == 2 and why in result.stderr, "report %s exited %d: %s" % (args, result.returncode,
                                                                                           result.stderr))


CASES = {"overview": case_overview, "injection": case_injection, "rebuild": case_rebuild, "trends": case_trends,
         "explorer": case_explorer, "stored": case_stored}
NEEDS_SERVER = ("explorer",)


def main(argv):
    server = argv[3] if len(argv) == 4 and argv[2] == "--server" else None
    if len(argv) not in (2, 4) or argv[1] not in CASES or (argv[1] in NEEDS_SERVER) != (server is not None):
        print("usage: test_report.py %s | explorer --server FIXTURE_SERVER"
              % "|".join(c for c in CASES if c not in NEEDS_SERVER), file=sys.stderr)
        return 2
    if argv[1] != "rebuild" and not cdp.available():
        print("report: %s not installed, skipped" % cdp.CHROMIUM)
        return cdp.SKIP
    work = tempfile.mkdtemp(prefix="crawlpack-report-")
    profile = tempfile.mkdtemp(prefix="crawlpack-chromium-")
    try:
        if argv[1] == "rebuild":
            CASES[argv[1]](None, work)
        else:
            with cdp.Browser(profile, ["--window-size=1280,1000"]) as browser:
                CASES[argv[1]](browser, work, *([server] if server else []))
    except (Failure, cdp.ProtocolError, subprocess.TimeoutExpired) as e:
        print("FAIL %s: %s" % (argv[1], e))
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)
    print("ok %s" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
