#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The crawl store end to end, over the loopback fixture server (fixtures/sites/store).

Usage: e2e_store.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

agree:        an audit's OUT/crawl.db holds what pages.csv, sitemaps.csv, findings.json and
              crawl.json say, read back with SQL (docs/store.md's queries).
crawl_agrees: the same for `crawlpack crawl`, and a second run is a second run in the same store.
refused:      a damaged store and one from a newer crawlpack are refused with exit 3 and a message
              naming the file; the file is left as it was and the folder's files are not touched.
busy:         a second crawlpack on a store a running crawl holds is refused at once, naming it.
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, Failure, Server, check, read_csv, run_cases  # noqa: E402

SITE = "store"
HOST = "store.test"


def site_args(server, out, extra=()):
    return ["http://%s/" % HOST, "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, server.port), "--out", out,
            "--quiet"] + list(extra)


def run(args, expect_rc=None):
    result = subprocess.run([CRAWLPACK] + args, capture_output=True, text=True, timeout=BOUND)
    if expect_rc is not None:
        check(result.returncode == expect_rc, "crawlpack %s exited %d, want %d\nstderr: %s" % (
            " ".join(args), result.returncode, expect_rc, result.stderr))
    return result


def query(db, sql, *params):
    connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def last_run(db):
    return query(db, "SELECT max(id) FROM runs")[0][0]


def text(value):
    """A store value as pages.csv writes it: NULL is an empty cell, REAL has one decimal."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "%.1f" % value
    return str(value)


def check_pages_agree(out, db, run_id):
    columns = list(read_csv(os.path.join(out, "pages.csv"))[0].keys())
    csv_rows = sorted(tuple(r[c] for c in columns) for r in read_csv(os.path.join(out, "pages.csv")))
    sql = "SELECT %s FROM page_facts WHERE run = ?" % ", ".join(columns)
    db_rows = sorted(tuple(text(v) for v in row) for row in query(db, sql, run_id))
    check(len(csv_rows) > 10, "pages.csv has %d rows" % len(csv_rows))
    check(csv_rows == db_rows, "pages.csv and page_facts differ:\n%s\n%s" % (
        [r for r in csv_rows if r not in db_rows], [r for r in db_rows if r not in csv_rows]))
    # every fetched page has its response row (sitemap files are not pages: the sitemaps table)
    sitemaps = {r[0] for r in query(db, "SELECT url FROM sitemaps WHERE run = ?", run_id)}
    fetched = sorted(r["url"] for r in read_csv(os.path.join(out, "pages.csv")) if r["status"] and
                     r["url"] not in sitemaps)
    stored = sorted(r[0] for r in query(db, "SELECT url FROM pages WHERE run = ?", run_id))
    check(fetched == stored, "fetched pages %s, stored responses %s" % (fetched, stored))
    # an unchanged page's row refers to the earlier run's row that holds its signals
    parsed = query(db, "SELECT count(*) FROM pages p LEFT JOIN pages h ON h.run = p.signals_run AND h.url = p.url"
                   " WHERE p.run = ? AND coalesce(p.signals, h.signals) IS NOT NULL AND p.content_hash IS NOT NULL",
                   run_id)[0][0]
    check(parsed >= 10, "%d pages stored with signals" % parsed)


def check_sitemaps_agree(out, db, run_id):
    csv_rows = sorted((r["sitemap"], r["url"], r["lastmod"]) for r in read_csv(os.path.join(out, "sitemaps.csv")))
    db_rows = sorted((s, u, text(m)) for s, u, m in
                     query(db, "SELECT sitemap, url, lastmod FROM sitemap_entries WHERE run = ?", run_id))
    check(csv_rows and csv_rows == db_rows, "sitemaps.csv %s, sitemap_entries %s" % (csv_rows, db_rows))


def check_graph_agrees(out, db, run_id):
    with open(os.path.join(out, "crawl.json")) as f:
        crawl = json.load(f)
    edges = query(db, "SELECT count(*) FROM edges WHERE run = ?", run_id)[0][0]
    nodes = query(db, "SELECT count(*) FROM nodes WHERE run = ?", run_id)[0][0]
    check(edges == crawl["counts"]["edges"] and nodes == crawl["counts"]["urls"],
          "store has %d nodes, %d edges; crawl.json %s" % (nodes, edges, crawl["counts"]))
    links = sorted((r["source"], r["target"], r["kind"]) for r in read_csv(os.path.join(out, "links.csv")))
    stored = sorted(query(db, "SELECT source, target, kind FROM links WHERE run = ?", run_id))
    check(links == stored, "links.csv and the links view differ")
    robots = query(db, "SELECT url, status, outcome FROM robots WHERE run = ?", run_id)
    check([(r["url"], r["status"], r["outcome"]) for r in crawl["robots"]] == robots, "robots %s" % robots)


def check_run(db, run_id, command, state="complete"):
    row = query(db, "SELECT command, state, argv, pages, ended_at FROM runs WHERE id = ?", run_id)[0]
    check(row[0] == command and row[1] == state and row[4], "run row %s" % (row,))
    argv = json.loads(row[2])
    check("http://%s/" % HOST in argv, "argv %s" % argv)
    check(query(db, "PRAGMA journal_mode")[0][0] == "wal", "the store is not in WAL mode")
    check(query(db, "PRAGMA user_version")[0][0] == 6, "user_version is not 6")


def case_agree(server, work):
    s = Server(server, SITE)
    try:
        out = os.path.join(work, "out")
        run(["audit"] + site_args(s, out, ["--fail-on", "never"]), expect_rc=0)
        db = os.path.join(out, "crawl.db")
        run_id = last_run(db)
        check_run(db, run_id, "audit")
        check_pages_agree(out, db, run_id)
        check_sitemaps_agree(out, db, run_id)
        check_graph_agrees(out, db, run_id)
        with open(os.path.join(out, "findings.json")) as f:
            findings = json.load(f)["findings"]
        want = sorted((x["fingerprint"], x["rule"], x["severity"], x["url"], x["message"]) for x in findings)
        got = sorted(query(db, "SELECT fingerprint, rule, severity, url, message FROM findings WHERE run = ?",
                           run_id))
        check(want and want == got, "findings.json and the findings table differ:\n%s\n%s" % (want, got))
        pages = query(db, "SELECT pages, indexable FROM runs WHERE id = ?", run_id)[0]
        summary = sum(1 for r in read_csv(os.path.join(out, "pages.csv")) if r["indexable"] == "1")
        check(pages[1] == summary, "runs.indexable %d, pages.csv %d" % (pages[1], summary))
    finally:
        s.stop()


def case_crawl_agrees(server, work):
    s = Server(server, SITE)
    try:
        out = os.path.join(work, "out")
        db = os.path.join(work, "elsewhere.db")
        run(["crawl"] + site_args(s, out, ["--db", db]), expect_rc=0)
        check(not os.path.exists(os.path.join(out, "crawl.db")), "--db FILE still wrote OUT/crawl.db")
        first = last_run(db)
        check_run(db, first, "crawl")
        check_pages_agree(out, db, first)
        check_sitemaps_agree(out, db, first)
        check_graph_agrees(out, db, first)
        run(["crawl"] + site_args(s, out, ["--db", db]), expect_rc=0)
        second = last_run(db)
        check(second == first + 1, "the second crawl is run %s, the first %s" % (second, first))
        check_pages_agree(out, db, second)
        counts = query(db, "SELECT run, count(*) FROM page_facts GROUP BY run ORDER BY run")
        check(len(counts) == 2 and counts[0][1] == counts[1][1], "page_facts per run %s" % counts)
        run(["crawl"] + site_args(s, os.path.join(work, "none"), ["--no-db"]), expect_rc=0)
        check(not os.path.exists(os.path.join(work, "none", "crawl.db")), "--no-db wrote a store")
    finally:
        s.stop()


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def case_refused(server, work):
    s = Server(server, SITE)
    try:
        out = os.path.join(work, "out")
        os.makedirs(out)
        db = os.path.join(out, "crawl.db")
        marker = os.path.join(out, "pages.csv")
        with open(marker, "w") as f:
            f.write("an earlier run's file\n")
        with open(db, "wb") as f:
            f.write(b"this is not a database " * 400)
        before = digest(db)
        result = run(["audit"] + site_args(s, out), expect_rc=3)
        check("crawl.db is damaged or not a crawlpack store" in result.stderr, "stderr %s" % result.stderr)
        check(digest(db) == before, "the damaged store was changed")
        check(open(marker).read() == "an earlier run's file\n", "the folder's files were touched")
        check(not s.requests(), "a request was made: %s" % s.requests())
        os.unlink(db)
        run(["crawl"] + site_args(s, out), expect_rc=0)
        connection = sqlite3.connect(db)
        connection.execute("PRAGMA user_version=7")
        connection.commit()
        connection.close()
        before = digest(db)
        result = run(["audit"] + site_args(s, out), expect_rc=3)
        check("written by a newer crawlpack (store schema 7" in result.stderr, "stderr %s" % result.stderr)
        check(digest(db) == before, "the newer store was changed")
        result = run(["crawl"] + site_args(s, out, ["--db", db, "--no-db"]), expect_rc=2)
        check("--db and --no-db" in result.stderr, "stderr %s" % result.stderr)
    finally:
        s.stop()


def case_busy(server, work):
    s = Server(server, SITE)
    try:
        out = os.path.join(work, "out")
        first = subprocess.Popen([CRAWLPACK, "audit"] + site_args(s, out), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + BOUND
            while time.monotonic() < deadline and not any(r[2] == "/slow" for r in s.requests()):
                time.sleep(0.05)
            check(any(r[2] == "/slow" for r in s.requests()), "the first crawl never reached /slow")
            result = run(["crawl"] + site_args(s, os.path.join(work, "other"), ["--db", os.path.join(out, "crawl.db")]),
                         expect_rc=3)
            check("is in use by another crawlpack process (pid %d)" % first.pid in result.stderr,
                  "stderr %s" % result.stderr)
            check(first.poll() is None, "the first crawl ended before the second was refused")
            check(not os.path.exists(os.path.join(work, "other", "pages.csv")), "the refused run wrote pages.csv")
        finally:
            _, stderr = first.communicate(timeout=BOUND)
        check(first.returncode in (0, 1), "the first audit exited %d: %s" % (first.returncode, stderr))
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_store.py", "store-e2e-"))
