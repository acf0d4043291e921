#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`crawlpack audit --resume` after a kill -9, end to end over the fixture server (fixtures/sites/store).

Usage: e2e_resume.py CASE --server PATH   (crawlpack itself comes from $CRAWLPACK_BIN)

Each case runs an uninterrupted audit, then an audit into another folder that is killed with
SIGKILL at one point of the crawl, then `audit --resume --out DIR`: the resumed run's findings
(fingerprints) and pages.csv facts are those of the uninterrupted run, the store says the run is
complete, and no page the killed run had stored is fetched again (the fixture server's log).

kill_early:  at the first page request (little or nothing stored yet);
kill_middle: while /slow is in flight, after the pages before it were committed;
kill_late:   while /g3, the second slow response behind /slow, is in flight;
interrupted: a Ctrl-C'd audit (state "interrupted") is resumed the same way;
reaudit:     a re-audit (a previous run in the store, one of its pages deleted since) killed while
             /slow is in flight and resumed counts new / changed / unchanged / gone as the same
             re-audit uninterrupted does (its resumed pages keep the change their first part
             recorded), and lists the same findings;
rate:        as kill_late at --rate 4: the resumed part replays its stored pages without waiting;
no_run:      --resume with no store, or a store whose last run completed: exit 2 with a message.
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, SITES, Failure, Server, check, read_csv, run_cases  # noqa: E402

SITE = "store"
HOST = "store.test"
# pages.csv columns that are facts of the site, not of the run (timings are the run's)
FACT_COLUMNS = ["url", "status", "content_type", "depth", "size", "redirect_to", "canonical", "robots_directives",
                "in_sitemap", "inlinks", "outlinks", "title", "error", "indexable", "not_indexable_reasons",
                "link_score"]


def audit_args(server, out, extra=()):
    return ["audit", "http://%s/" % HOST, "--connect-to", "%s:80:127.0.0.1:%d" % (HOST, server.port), "--out", out,
            "--quiet", "--fail-on", "never", "--concurrency", "2"] + list(extra)


def run(args, expect_rc):
    result = subprocess.run([CRAWLPACK] + args, capture_output=True, text=True, timeout=BOUND)
    check(result.returncode == expect_rc, "crawlpack %s exited %d, want %d\nstderr: %s" % (
        " ".join(args), result.returncode, expect_rc, result.stderr))
    return result


def fingerprints(out):
    with open(os.path.join(out, "findings.json")) as f:
        return sorted((x["fingerprint"], x["rule"], x["url"] or "") for x in json.load(f)["findings"])


def facts(out):
    return sorted(tuple(r[c] for c in FACT_COLUMNS) for r in read_csv(os.path.join(out, "pages.csv")))


def stored_urls(db, run=None):
    """The URLs the store holds pages for: of every run, or of run `run`."""
    connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        if run is None:
            return {r[0] for r in connection.execute("SELECT url FROM pages")}
        return {r[0] for r in connection.execute("SELECT url FROM pages WHERE run = ?", (run,))}
    finally:
        connection.close()


def run_state(db):
    connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return connection.execute("SELECT count(*), max(state) FROM runs").fetchone()
    finally:
        connection.close()


def paths(server, since=0):
    return [r[2] for r in server.requests()[since:]]


def is_page(path):
    """A request for a page of the site: not robots.txt, the sitemap, or the request for a missing
    path each run makes to learn the site's 404 (soft-404), which a resumed run makes again."""
    return path not in ("/robots.txt", "/sitemap.xml") and not path.startswith("/crawlpack-not-found-")


def wait_for(condition, what):
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline and not condition():
        time.sleep(0.02)
    check(condition(), "the crawl never got to %s" % what)


def settled_count(server):
    """The server's request count once its log stops growing: a request the killed process had in
    flight is logged when the server is done with it, which may be after the kill."""
    count, deadline = len(server.requests()), time.monotonic() + BOUND
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = len(server.requests())
        if now == count:
            return count
        count = now
    return count


def stop_audit(server, out, kill_when, settle_s, sig=signal.SIGKILL, extra=()):
    """Start an audit into out, send it sig settle_s after kill_when(the paths it requested) holds,
    and return its exit status and stderr."""
    start = len(server.requests())
    process = subprocess.Popen([CRAWLPACK] + audit_args(server, out, extra), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        wait_for(lambda: kill_when(paths(server, start)), "the kill point")
        time.sleep(settle_s)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=BOUND)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, stderr


def killed_then_resumed(server_path, work, kill_when, settle_s, sig=signal.SIGKILL, expect_rc=None, extra=(),
                        resume=None):
    """resume: a dict that gets the resumed part's wall time in seconds and its requests."""
    s = Server(server_path, SITE)
    try:
        full = os.path.join(work, "full")
        run(audit_args(s, full, extra), 0)
        want_findings, want_facts = fingerprints(full), facts(full)
        page_gets = [p for p in paths(s) if is_page(p)]
        out = os.path.join(work, "resumed")
        start = len(s.requests())
        returncode, stderr = stop_audit(s, out, kill_when, settle_s, sig, extra)
        if expect_rc is not None:
            check(returncode == expect_rc, "the stopped audit exited %d: %s" % (returncode, stderr))
        db = os.path.join(out, "crawl.db")
        stored = stored_urls(db)
        resumed_at = settled_count(s)
        began = time.monotonic()
        result = run(audit_args(s, out)[:1] + ["--resume", "--out", out], 0)
        if resume is not None:
            resume.update(seconds=time.monotonic() - began, requests=len(paths(s, resumed_at)))
        check("resuming run 1 of" in result.stderr, "stderr %s" % result.stderr)
        check(fingerprints(out) == want_findings, "resumed findings differ:\n%s\n%s" % (
            fingerprints(out), want_findings))
        check(facts(out) == want_facts, "resumed pages.csv differs:\n%s" % (
            [r for r in facts(out) if r not in want_facts] + ["--- want"] + [r for r in want_facts if r not in facts(out)]))
        again = paths(s, resumed_at)
        refetched = [p for p in again if "http://%s%s" % (HOST, p) in stored]
        check(not refetched, "stored pages fetched again: %s (stored %s)" % (refetched, sorted(stored)))
        # What the killed part fetched but had not committed (in flight, or in the last batch of at
        # most a second) is fetched again; nothing else is. How much that is depends on the machine's
        # load at the kill, so the bound is that set, not a fixed number.
        killed_part = [p for p in paths(s, start)[:resumed_at - start] if is_page(p)]
        unstored = [p for p in killed_part if "http://%s%s" % (HOST, p) not in stored]
        total = len([p for p in paths(s, start) if is_page(p)])
        check(total <= len(page_gets) + len(unstored), "the two parts made %d page requests, an uninterrupted run %d "
              "and the killed part left %d uncommitted" % (total, len(page_gets), len(unstored)))
        check(run_state(db) == (1, "complete"), "runs after the resume: %s" % (run_state(db),))
        return stored
    finally:
        s.stop()


def case_kill_early(server, work):
    killed_then_resumed(server, work, lambda p: len(p) >= 2, 0)


def case_kill_middle(server, work):
    stored = killed_then_resumed(server, work, lambda p: "/slow" in p, 1.5)
    check(len(stored) >= 10, "only %d pages were stored before the kill" % len(stored))


def case_kill_late(server, work):
    stored = killed_then_resumed(server, work, lambda p: "/g3" in p, 1.2)
    check("http://%s/slow" % HOST in stored, "/slow was not stored before the kill: %s" % sorted(stored))


def case_rate(server, work):
    """--rate spaces a run's requests; the resumed part replays its stored pages without requests,
    so they are not spaced: its time is that of its own requests at the rate, not of every page."""
    rate = 4.0
    resume = {}
    stored = killed_then_resumed(server, work, lambda p: "/g3" in p, 1.2, extra=["--rate", "%g" % rate],
                                 resume=resume)
    check(len(stored) >= 8, "only %d pages were stored before the kill" % len(stored))
    # Spacing the replays too would take at least (requests + len(stored)) / rate; the bound leaves
    # the run's own work (start, the outputs) 0.9 of the replays' spacing, >= 1.8 s, so a loaded
    # machine does not fail it and a spaced replay always does.
    bound = (resume["requests"] + 0.9 * len(stored)) / rate
    check(resume["seconds"] < bound, "the resumed part took %.2f s for %d requests at --rate %g (bound %.2f s): "
          "the %d stored pages were replayed at the rate" % (resume["seconds"], resume["requests"], rate, bound,
                                                             len(stored)))


def case_interrupted(server, work):
    killed_then_resumed(server, work, lambda p: "/slow" in p, 1.5, signal.SIGINT, 130)


def changes(out):
    with open(os.path.join(out, "crawl.json")) as f:
        return json.load(f).get("changes")


def site_changes(changes):
    """crawl.json's changes but replayed, which counts the run's work rather than the site's facts."""
    return {k: v for k, v in (changes or {}).items() if k != "replayed"}


def case_reaudit(server, work):
    site = os.path.join(work, "site")
    shutil.copytree(os.path.join(SITES, SITE), site)
    s = Server(server, site)
    try:
        first = os.path.join(work, "first")
        run(audit_args(s, first), 0)
        os.unlink(os.path.join(site, "fe.html"))  # 2xx in the first run, 404 now: gone
        full, out = os.path.join(work, "full"), os.path.join(work, "resumed")
        shutil.copytree(first, full)
        shutil.copytree(first, out)
        run(audit_args(s, full), 0)
        want = changes(full)
        check(want and want["previous_run"] == 1 and want["gone"] == 1, "the uninterrupted re-audit's changes %s" % want)
        stop_audit(s, out, lambda p: "/slow" in p, 1.5)
        check(stored_urls(os.path.join(out, "crawl.db"), 2), "the killed re-audit stored nothing: nothing is resumed")
        result = run(audit_args(s, out)[:1] + ["--resume", "--out", out], 0)
        check("resuming run 2 of" in result.stderr, "stderr %s" % result.stderr)
        # replayed counts the work (pages answered from the store): the resumed part answers its
        # first part's pages from there too; the rest are facts of the site and must agree
        got = changes(out)
        check(site_changes(got) == site_changes(want), "resumed changes %s, uninterrupted %s" % (got, want))
        check(fingerprints(out) == fingerprints(full), "resumed findings differ:\n%s\n%s" % (
            fingerprints(out), fingerprints(full)))
    finally:
        s.stop()


def case_no_run(server, work):
    s = Server(server, SITE)
    try:
        out = os.path.join(work, "out")
        result = run(["audit", "--resume", "--out", out], 2)
        check("there is no crawl store at %s/crawl.db" % out in result.stderr, "stderr %s" % result.stderr)
        run(audit_args(s, out), 0)
        result = run(["audit", "--resume", "--out", out], 2)
        check("no unfinished run to resume" in result.stderr, "stderr %s" % result.stderr)
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_resume.py", "store-resume-"))
