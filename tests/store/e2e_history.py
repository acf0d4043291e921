#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A store's history end to end over the fixture server: `crawlpack history`, `crawlpack diff` over
stores, and the pack's URL growth line through the stored runs.

Usage: e2e_history.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

runs:       three audits of a copy of fixtures/sites/store into one store (out3/crawl.db), each
            into its own folder, the site changed between them so findings appear and get fixed:
            `history` as text, JSON and CSV (golden files in tests/store/expected, dates and run ids
            masked; the new and fixed counts also checked against the folders' findings.json);
            `diff A.db B.db` and `diff one.db` say what `diff DIR_A DIR_B` of the same runs says;
            the pack's growth line is the least-squares line through the runs (their dates moved
            apart in the store), citing them, with the crawl folder's store and with --previous.
errors:     history and diff refuse a missing file, a file that is not SQLite, another program's
            SQLite database, a store from a newer crawlpack (exit 2, the file named, left as it
            was); `diff one.db` with one complete run; `history --site` of a site it does not hold;
            a crawl run: no counts in history, its pages compared by diff with a warning.
concurrent: `history` reads a store an audit is writing (no lock taken): the run is listed as
            running, and the audit is neither refused nor disturbed.
"""
import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, SITES, SOURCE, Server, check, run_cases  # noqa: E402

HOST = "store.test"
EXPECTED = os.path.join(SOURCE, "tests", "store", "expected")


def run(args, cwd, expect_rc=0):
    result = subprocess.run([CRAWLPACK] + args, capture_output=True, text=True, timeout=BOUND, cwd=cwd)
    check(result.returncode == expect_rc, "crawlpack %s exited %d, want %d\nstdout: %s\nstderr: %s" % (
        " ".join(args), result.returncode, expect_rc, result.stdout, result.stderr))
    return result


def audit(server, work, out, db):
    return run(["audit", "http://%s/" % HOST, "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, server.port), "--out",
                out, "--db", db, "--quiet", "--fail-on", "never"], work)


def copy_site(work):
    """The store fixture site without its sitemap's lastmod values: what this test checks must not move
    with the lastmod rules, which compare runs too."""
    site = os.path.join(work, "site")
    shutil.copytree(os.path.join(SITES, "store"), site)
    sitemap = os.path.join(site, "sitemap.xml")
    text = re.sub(r"<lastmod>[^<]*</lastmod>", "", open(sitemap).read())
    with open(sitemap, "w") as f:
        f.write(text)
    return site


def edit(site, name, old, new):
    path = os.path.join(site, name)
    text = open(path).read()
    check(old in text, "%s has no %r" % (name, old))
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def fingerprints(out):
    with open(os.path.join(out, "findings.json")) as f:
        return sorted(x["fingerprint"] for x in json.load(f)["findings"])


def multiset_changes(before, now):
    """(new, fixed) as a multiset difference, as --baseline counts them."""
    rest = list(before)
    new = 0
    for fingerprint in now:
        if fingerprint in rest:
            rest.remove(fingerprint)
        else:
            new += 1
    return new, len(rest)


def mask(text):
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "YYYY-MM-DDTHH:MM:SSZ", text)
    return re.sub(r"\b\d{8}T\d{6}Z-[0-9a-f]{8}\b", "RUN-ID", text)


def compare_golden(name, text):
    path = os.path.join(EXPECTED, name)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(path, "w") as f:
            f.write(text)
        return
    with open(path) as f:
        expected = f.read()
    check(expected == text, "%s differs:\n--- expected\n%s\n--- got\n%s" % (name, expected, text))


def add_page(site, name):
    """A new indexable page, linked from the home page: the site grows."""
    with open(os.path.join(site, name + ".html"), "w") as f:
        f.write('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title>'
                '<link rel="canonical" href="http://store.test/%s"></head><body><a href="/">Home</a></body></html>\n'
                % (name, name))
    edit(site, "index.html", "</body>", '<p><a href="/%s">/%s</a></p>\n</body>' % (name, name))


def three_runs(server, work):
    """Three audits into out1..out3, one store out3/crawl.db; A.db and B.db are copies of the store
    after the second and the third run."""
    site = copy_site(work)
    s = Server(server, site)
    db = os.path.join("out3", "crawl.db")
    os.makedirs(os.path.join(work, "out3"))
    try:
        audit(s, work, "out1", db)
        # run 2: two broken links on /b, /c canonicalised to a 404, two new pages
        edit(site, "b.html", '<p><a href="/fb">/fb</a></p>',
             '<p><a href="/fb">/fb</a></p>\n<p><a href="/gone-1">1</a> <a href="/gone-2">2</a></p>')
        edit(site, "c.html", 'href="http://store.test/c"', 'href="http://store.test/missing-c"')
        add_page(site, "new-1")
        add_page(site, "new-2")
        audit(s, work, "out2", db)
        shutil.copyfile(os.path.join(work, db), os.path.join(work, "A.db"))
        # run 3: /b's broken links fixed, a new one on /d, one more page; /c's canonical stays wrong
        edit(site, "b.html", '\n<p><a href="/gone-1">1</a> <a href="/gone-2">2</a></p>', "")
        edit(site, "d.html", '<p><a href="/fd">/fd</a></p>', '<p><a href="/fd">/fd</a> <a href="/gone-3">3</a></p>')
        add_page(site, "new-3")
        audit(s, work, "out3", db)
        shutil.copyfile(os.path.join(work, db), os.path.join(work, "B.db"))
    finally:
        s.stop()
    return db


def check_history(work, db):
    runs = json.loads(run(["history", db, "--format", "json"], work).stdout)["runs"]
    check([r["id"] for r in runs] == [1, 2, 3], "runs %s" % runs)
    check(runs[0]["new"] is None and runs[0]["fixed"] is None and runs[0]["compared_with"] is None,
          "the first run has new/fixed: %s" % runs[0])
    prints = [fingerprints(os.path.join(work, "out%d" % i)) for i in (1, 2, 3)]
    for i in (1, 2):
        new, fixed = multiset_changes(prints[i - 1], prints[i])
        check((runs[i]["new"], runs[i]["fixed"], runs[i]["compared_with"]) == (new, fixed, i),
              "run %d: new/fixed %s/%s, findings.json says %d/%d" % (i + 1, runs[i]["new"], runs[i]["fixed"], new,
                                                                     fixed))
        check(new > 0 and fixed > 0 if i == 2 else new > 0, "run %d: the edits changed no finding" % (i + 1))
    for i, r in enumerate(runs):
        with open(os.path.join(work, "out%d" % (i + 1), "findings.json")) as f:
            summary = json.load(f)
        by = {}
        for finding in summary["findings"]:
            by[finding["severity"]] = by.get(finding["severity"], 0) + 1
        want = {k + "s": by.get(k, 0) for k in ("error", "warning", "notice")}
        check(r["findings"] == want, "run %d findings %s, findings.json %s" % (i + 1, r["findings"], want))
    for fmt, name in (("text", "history.txt"), ("json", "history.json"), ("csv", "history.csv")):
        compare_golden(name, mask(run(["history", db, "--format", fmt], work).stdout))
    # --site (spelled without the trailing slash: the same site) and -o FILE
    run(["history", db, "--site", "http://%s" % HOST, "-o", "listed.txt"], work)
    check(open(os.path.join(work, "listed.txt")).read() == run(["history", db], work).stdout, "-o FILE differs")


def diff_json(work, args, names):
    report = json.loads(run(["diff"] + args + ["--format", "json"], work).stdout)
    check((report["old"]["dir"], report["new"]["dir"]) == names, "sides %s %s" % (report["old"], report["new"]))
    report["old"]["dir"], report["new"]["dir"] = "OLD", "NEW"
    return report


def diff_text(work, args, names):
    text = run(["diff"] + args, work).stdout
    return text.replace(names[0], "OLD").replace(names[1], "NEW")


def check_diffs(work, db):
    for args, names, folders in (
            ([db], ("%s (run 2)" % db, "%s (run 3)" % db), ["out2", "out3"]),
            (["A.db", "B.db"], ("A.db (run 2)", "B.db (run 3)"), ["out2", "out3"]),
            (["A.db"], ("A.db (run 1)", "A.db (run 2)"), ["out1", "out2"])):
        want = diff_json(work, folders, tuple(folders))
        got = diff_json(work, args, names)
        check(got == want, "diff %s differs from diff %s:\n%s\n%s" % (args, folders, got, want))
        check(want["summary"]["findings_compared"] and want["new_findings"], "no new finding between %s" % folders)
        check(diff_text(work, args, names) == diff_text(work, folders, tuple(folders)), "diff %s text differs" % args)


def iso_days_before(text, days):
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ") - datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def least_squares(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def check_pack(work, db):
    """Runs 1 and 2 moved 20 and 9 days back in the store: the growth line goes through them and run 3."""
    connection = sqlite3.connect(os.path.join(work, db))
    (third,) = connection.execute("SELECT started_at FROM runs WHERE id = 3").fetchone()
    for run_number, days in ((1, 20), (2, 9)):
        connection.execute("UPDATE runs SET started_at = ? WHERE id = ?", (iso_days_before(third, days), run_number))
    connection.commit()
    counts = dict(connection.execute("SELECT id, indexable FROM runs").fetchall())
    connection.close()
    rate = least_squares([(-20, counts[1]), (-9, counts[2]), (0, counts[3])])
    day = third[:10]
    pack = run(["pack", "--crawl", "out3", "--date", day], work).stdout
    want = "through 3 points: run 1 of out3/crawl.db (%s, %d indexable), run 2 of out3/crawl.db (%s, %d indexable)" % (
        iso_days_before(third, 20)[:10], counts[1], iso_days_before(third, 9)[:10], counts[2])
    check(want in pack, "the pack does not cite the runs (%r):\n%s" % (want, pack))
    check("and this crawl (%d indexable): %+.1f URLs/day" % (counts[3], rate) in pack, "rate %+.1f not in the pack" % rate)
    check(rate > 0 and "URLs/day over 3 runs (least squares) (%d → %d)" % (counts[2], counts[3]) in pack,
          "the clock's row does not name the runs (rate %+.1f):\n%s" % (rate, pack))
    # --previous DIR reads DIR/crawl.db: run 2's folder against the store, whose run 1 is its history
    pack = run(["pack", "--crawl", "out2", "--previous", "out3", "--date", day], work).stdout
    check("through 2 points: run 1 of out3/crawl.db (%s, %d indexable), and this crawl (%d indexable)" % (
        iso_days_before(third, 20)[:10], counts[1], counts[2]) in pack, "--previous with a store:\n%s" % pack)
    # a folder without a store: the two-point slope against its pages.csv, as before
    pack = run(["pack", "--crawl", "out2", "--previous", "out1", "--date", day], work).stdout
    check("least-squares" not in pack, "--previous without a store used a line:\n%s" % pack)


def case_runs(server, work):
    db = three_runs(server, work)
    check_history(work, db)
    check_diffs(work, db)
    check_pack(work, db)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def refused(work, path, message, pair=True):
    """history DB, diff DB and (pair) diff DB DB exit 2 with message; the file is left as it was."""
    before = digest(os.path.join(work, path)) if os.path.exists(os.path.join(work, path)) else None
    for args in (["history", path], ["diff", path]) + ((["diff", path, path],) if pair else ()):
        result = run(args, work, expect_rc=2)
        check(message in result.stderr, "crawlpack %s: stderr %r, want %r" % (" ".join(args), result.stderr, message))
    if before:
        check(digest(os.path.join(work, path)) == before, "%s was changed" % path)


def case_errors(server, work):
    # two arguments that are not files are folders, read as before (a missing folder's message)
    refused(work, "missing.db", "cannot open missing.db: No such file or directory", pair=False)
    with open(os.path.join(work, "junk.db"), "wb") as f:
        f.write(b"this is not a database " * 400)
    refused(work, "junk.db", "junk.db is damaged or not a crawlpack store")
    connection = sqlite3.connect(os.path.join(work, "other.db"))
    connection.execute("CREATE TABLE t(x)")
    connection.commit()
    connection.close()
    refused(work, "other.db", "other.db is an SQLite database, but not a crawlpack store")
    site = copy_site(work)
    s = Server(server, site)
    try:
        audit(s, work, "out", os.path.join("out", "crawl.db"))
    finally:
        s.stop()
    db = os.path.join("out", "crawl.db")
    result = run(["diff", db], work, expect_rc=2)
    check("%s holds one complete run of http://%s/ (run 1): diff of one store compares its last two" % (db, HOST)
          in result.stderr, "stderr %s" % result.stderr)
    result = run(["history", db, "--site", "http://other.test/"], work, expect_rc=2)
    check("holds no run of http://other.test/ (its sites: http://%s/)" % HOST in result.stderr,
          "stderr %s" % result.stderr)
    shutil.copyfile(os.path.join(work, db), os.path.join(work, "future.db"))
    connection = sqlite3.connect(os.path.join(work, "future.db"))
    connection.execute("PRAGMA user_version=99")
    connection.commit()
    connection.close()
    refused(work, "future.db", "future.db was written by a newer crawlpack (store schema 99")
    result = run(["diff", "out"], work, expect_rc=2)
    check("OLD_DIR and NEW_DIR are required" in result.stderr, "one folder: %s" % result.stderr)
    # a crawl run has no findings: history counts nothing for it, diff compares its pages only
    s = Server(server, site)
    try:
        run(["crawl", "http://%s/" % HOST, "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, s.port), "--out", "crawled",
             "--db", db, "--quiet"], work)
    finally:
        s.stop()
    runs = json.loads(run(["history", db, "--format", "json"], work).stdout)["runs"]
    check([(r["command"], r["findings"], r["new"]) for r in runs][1] == ("crawl", None, None), "runs %s" % runs)
    result = run(["diff", db], work)
    check("%s (run 2) has no findings (a crawl run): findings are not compared" % db in result.stderr,
          "stderr %s" % result.stderr)


def case_concurrent(server, work):
    site = copy_site(work)
    s = Server(server, site)
    db = os.path.join(work, "out", "crawl.db")
    try:
        audit(s, work, "out", db)
        args = ["audit", "http://%s/" % HOST, "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, s.port), "--out", "out",
                "--quiet", "--fail-on", "never"]
        before = len(s.requests())
        second = subprocess.Popen([CRAWLPACK] + args, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            deadline = time.monotonic() + BOUND
            while time.monotonic() < deadline and not any(r[2] == "/slow" for r in s.requests()[before:]):
                time.sleep(0.05)
            check(any(r[2] == "/slow" for r in s.requests()[before:]), "the second audit never reached /slow")
            listed = run(["history", db, "--format", "csv"], work).stdout.splitlines()
            check(second.poll() is None, "the audit ended before history read the store")
            check(len(listed) == 3 and ",running," in listed[2] and ",complete," in listed[1], "listed %s" % listed)
        finally:
            _, stderr = second.communicate(timeout=BOUND)
        check(second.returncode == 0, "the audit exited %d: %s" % (second.returncode, stderr))
    finally:
        s.stop()
    runs = json.loads(run(["history", db, "--format", "json"], work).stdout)["runs"]
    check([r["state"] for r in runs] == ["complete", "complete"] and runs[1]["compared_with"] == 1, "runs %s" % runs)


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_history.py", "store-history-"))
