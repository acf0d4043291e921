#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of what crawlpack leaves in its output folder and how it reads input.

Usage: outputs_e2e.py CASE [--server PATH]   (crawlpack comes from $CRAWLPACK_BIN)

  csv-injection   audit --root fixtures/sites/csv-injection: titles, anchors and sitemap <loc>s that
                  start with = + - @ reach pages.csv, links.csv, sitemaps.csv and findings.csv
                  guarded with a leading quote; the files equal tests/outputs/expected/csv-injection/
                  (timing columns blanked; UPDATE_GOLDEN=1 rewrites them) and no cell of any CSV
                  the run or the pack wrote starts a live formula.
  double-sigint   `timeout -s INT 3 crawlpack audit` against the hostile site while it waits for
                  /slow: GNU timeout signals crawlpack and then its process group, so two SIGINTs
                  arrive; the run must exit 130 with every output complete (no NAME.tmp left, every
                  CSV and JSON readable) and all of them naming one run.
  stale           an audit into a folder holding another run's files (and a user's file): the
                  earlier run's files are gone, the user's file is kept, every file names the new
                  run; a findings.json or pages.csv of another run copied in makes pack and diff
                  refuse the folder (exit 2, the file and both runs named).
  sarif-root      audit --root (relative and absolute folder): every SARIF location is a
                  repository-relative file path that exists (with its line where known), the URLs
                  are in result properties, and the document validates against the SARIF schema.
  binary          binary sitemaps and robots.txt in the one-off commands: one finding each, and
                  not one byte of the input echoed.
"""
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("CRAWLPACK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
CONFORMANCE = os.environ.get("CRAWLPACK_CONFORMANCE_DIR", os.path.join(SOURCE, "tests", "conformance"))
SITES = os.path.join(SOURCE, "fixtures", "sites")
EXPECTED = os.path.join(SOURCE, "tests", "outputs", "expected")
BOUND = 120  # seconds any single run may take before the test fails
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

sys.path.insert(0, os.path.join(SOURCE, "tests", "crawl"))
import e2e as crawl_e2e  # noqa: E402  (the fixture server and its bounded start-up)

Failure, check, Server = crawl_e2e.Failure, crawl_e2e.check, crawl_e2e.Server


def run(args, expect=None, cwd=None):
    result = subprocess.run([CRAWLPACK] + args, capture_output=True, text=True, timeout=BOUND, cwd=cwd)
    if expect is not None:
        check(result.returncode == expect, "crawlpack %s exited %d, want %d\nstdout: %s\nstderr: %s" %
              (" ".join(args), result.returncode, expect, result.stdout[-2000:], result.stderr[-2000:]))
    return result


def is_number(cell):
    try:
        float(cell)
        return cell.strip() == cell and "e" not in cell.lower() and cell.lower() not in ("nan", "inf", "-inf", "+inf")
    except ValueError:
        return False


def check_no_formula(path):
    with open(path, newline="") as f:
        for line, row in enumerate(csv.reader(f), 1):
            for cell in row:
                check(not (cell.startswith(FORMULA_START) and not is_number(cell)),
                      "%s:%d: cell %r would run as a spreadsheet formula" % (path, line, cell))


def blank_columns(path, names):
    """The CSV's text, byte for byte, with the named columns emptied (timings differ from run to run).
    The columns before them hold no comma in this fixture, so they are found by position."""
    with open(path, newline="") as f:
        lines = f.read().split("\r\n")
    drop = [i for i, name in enumerate(lines[0].split(",")) if name in names]
    for n in range(1, len(lines)):
        parts = lines[n].split(",")
        for i in drop:
            if i < len(parts):
                parts[i] = ""
        lines[n] = ",".join(parts)
    return "\r\n".join(lines)


def compare_golden(name, actual_text):
    path = os.path.join(EXPECTED, "csv-injection", name)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="") as f:
            f.write(actual_text)
        print("updated", path)
        return
    with open(path, newline="") as f:
        expected = f.read()
    check(actual_text == expected, "%s differs from %s:\n%s" % (name, path, actual_text))


def case_csv_injection(out):
    site = os.path.join(SITES, "csv-injection")
    run(["audit", "--quiet", "--root", site, "--site-url", "http://csv-injection.test/", "--out", out,
         "--format", "csv,json", "--fail-on", "never"], expect=0)
    for name in ("pages.csv", "links.csv", "sitemaps.csv", "findings.csv"):
        check_no_formula(os.path.join(out, name))
        text = blank_columns(os.path.join(out, name), ("ttfb_ms", "total_ms")) if name == "pages.csv" else \
            open(os.path.join(out, name), newline="").read()
        if name in ("links.csv", "sitemaps.csv"):  # rows in crawl order, which threads decide
            lines = [line for line in text.split("\r\n") if line]
            text = "\r\n".join(lines[:1] + sorted(lines[1:])) + "\r\n"
        compare_golden(name, text)
    # The pack reads the folder back (the guard comes off exactly) and writes its own lists.
    run(["pack", "--crawl", out, "-o", os.path.join(out, "pack.md"), "--date", "2026-01-01"], expect=0)
    lists = glob.glob(os.path.join(out, "*.csv"))
    check(len(lists) > 4, "the pack wrote no CSV list")
    for path in lists:
        check_no_formula(path)


def check_complete(out, formats):
    """Every output exists, none is half written, and all name one run. Returns the run id."""
    left = glob.glob(os.path.join(out, "*.tmp"))
    check(not left, "temporary files left behind: %s" % left)
    names = ["pages.csv", "links.csv", "sitemaps.csv", "crawl.json"] + ["findings." + f for f in formats]
    for name in names:
        check(os.path.isfile(os.path.join(out, name)), "%s missing from %s: %s" % (name, out, os.listdir(out)))
    for name in ("pages.csv", "links.csv", "sitemaps.csv"):
        with open(os.path.join(out, name), "rb") as f:
            data = f.read()
        check(data.endswith(b"\r\n"), "%s does not end with a complete record" % name)
        with open(os.path.join(out, name), newline="") as f:
            rows = list(csv.reader(f))
        check(len(rows) >= 1 and all(len(r) == len(rows[0]) for r in rows), "%s has ragged rows" % name)
    with open(os.path.join(out, "crawl.json")) as f:
        crawl = json.load(f)
    run_id = crawl["run_id"]
    listed = {item["name"]: item["bytes"] for item in crawl["files"]}
    for name in names:
        if name != "crawl.json":
            check(listed.get(name) == os.path.getsize(os.path.join(out, name)),
                  "crawl.json lists %s as %r bytes, the file has %d" % (name, listed.get(name),
                                                                        os.path.getsize(os.path.join(out, name))))
    if "json" in formats:
        with open(os.path.join(out, "findings.json")) as f:
            check(json.load(f)["run"]["run_id"] == run_id, "findings.json names another run")
    if "sarif" in formats:
        with open(os.path.join(out, "findings.sarif")) as f:
            check(json.load(f)["runs"][0]["properties"]["run_id"] == run_id, "findings.sarif names another run")
    if "junit.xml" in formats:
        with open(os.path.join(out, "findings.junit.xml")) as f:
            check('name="run_id" value="%s"' % run_id in f.read(), "findings.junit.xml names another run")
    return run_id


def case_double_sigint(out, server):
    s = Server(server, "hostile")
    try:
        args = ["timeout", "--preserve-status", "-s", "INT", "3", CRAWLPACK, "audit", "--quiet", "--out", out,
                "--format", "json,csv,sarif,junit", "--max-time", "60", s.origin + "/"]
        started = time.monotonic()
        result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND)
        check(any(r[2] == "/slow" for r in s.requests()), "the crawl never reached /slow before the signals")
        check(result.returncode == 130, "exit %d after timeout's two SIGINTs, want 130\nstderr: %s" %
              (result.returncode, result.stderr))
        check(time.monotonic() - started < 60, "the interrupted audit did not stop promptly")
        check(", interrupted:" in result.stdout, "the summary does not say interrupted: %s" % result.stdout)
        check_complete(out, ["json", "csv", "sarif", "junit.xml"])
    finally:
        s.stop()


def case_stale(out):
    user_file = os.path.join(out, "notes.txt")
    os.makedirs(out, exist_ok=True)
    with open(user_file, "w") as f:
        f.write("mine\n")
    first = os.path.join(SITES, "audit-problems")
    run(["audit", "--quiet", "--root", first, "--site-url", "http://audit.test/", "--out", out,
         "--format", "json,csv,sarif,junit,text", "--fail-on", "never"], expect=0)
    first_run = check_complete(out, ["json", "csv", "sarif", "junit.xml", "txt"])
    keep = os.path.join(tempfile.mkdtemp(prefix="outputs-first-"), "first")
    shutil.copytree(out, keep)
    with open(os.path.join(out, "broken-links.csv"), "w") as f:  # a list an earlier pack left
        f.write("stale\n")
    with open(os.path.join(out, "findings.json.tmp"), "w") as f:  # a file a killed run left
        f.write("{")

    second = os.path.join(SITES, "audit-clean")
    run(["audit", "--quiet", "--root", second, "--site-url", "http://audit-clean.test/", "--out", out,
         "--format", "json", "--fail-on", "never"], expect=0)
    names = sorted(os.listdir(out))
    # the crawl store keeps every run (docs/store.md): it stays, with its lock file
    check(names == ["clusters.csv", "crawl.db", "crawl.db.lock", "crawl.json", "findings.json", "links.csv",
                    "notes.txt", "pages.csv",
                    "sitemaps.csv"],
          "after the second audit the folder holds %s" % names)
    check(open(user_file).read() == "mine\n", "the user's file was changed")
    second_run = check_complete(out, ["json"])
    check(second_run != first_run, "two runs got the same id %s" % second_run)
    run(["pack", "--crawl", out, "-o", os.path.join(out, "pack.md")], expect=0)
    run(["diff", keep, out], expect=0)

    # Files of two runs in one folder: refused by pack and diff, naming the file and both runs.
    mixed = os.path.join(tempfile.mkdtemp(prefix="outputs-mixed-"), "mixed")
    shutil.copytree(out, mixed)
    shutil.copy(os.path.join(keep, "findings.json"), os.path.join(mixed, "findings.json"))
    for args in (["pack", "--crawl", mixed], ["diff", keep, mixed]):
        result = run(args, expect=2)
        check("findings.json" in result.stderr and first_run in result.stderr and second_run in result.stderr,
              "%s: the refusal does not name the file and both runs: %s" % (args[0], result.stderr))
    shutil.copy(os.path.join(out, "findings.json"), os.path.join(mixed, "findings.json"))
    shutil.copy(os.path.join(keep, "pages.csv"), os.path.join(mixed, "pages.csv"))
    result = run(["pack", "--crawl", mixed], expect=2)
    check("pages.csv" in result.stderr and second_run in result.stderr, "pages.csv of another run not refused: %s" %
          result.stderr)
    shutil.rmtree(os.path.dirname(keep))
    shutil.rmtree(os.path.dirname(mixed))


def check_sarif_files(sarif_path, cwd):
    subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "reports", "validate_sarif.py"),
                    os.path.join(CONFORMANCE, "sarif", "sarif-schema-2.1.0.json"), sarif_path], check=True,
                   timeout=BOUND)
    with open(sarif_path) as f:
        results = json.load(f)["runs"][0]["results"]
    check(results, "no results")
    with_line = 0
    for r in results:
        locations = r["locations"] + r.get("relatedLocations", [])
        check(r["locations"], "%s: no location" % r["ruleId"])
        for loc in locations:
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            check("://" not in uri and not uri.startswith("/"), "%s: location %s is not repository-relative" %
                  (r["ruleId"], uri))
            check(os.path.exists(os.path.join(cwd, uri)), "%s: %s does not exist" % (r["ruleId"], uri))
        with_line += "region" in r["locations"][0]["physicalLocation"]
        props = r.get("properties", {})
        check(props.get("url") or props.get("source"), "%s: the URL is not kept in properties" % r["ruleId"])
    check(with_line > 0, "no location carries a line")


def case_sarif_root(out):
    site = os.path.join(SITES, "audit-problems")
    # Relative --root, run from the source folder (the checkout, as in CI).
    run(["audit", "--quiet", "--root", "fixtures/sites/audit-problems", "--site-url", "http://audit.test/",
         "--out", out, "--format", "sarif", "--fail-on", "never"], expect=0, cwd=SOURCE)
    check_sarif_files(os.path.join(out, "findings.sarif"), SOURCE)
    with open(os.path.join(out, "findings.sarif")) as f:
        sarif = json.load(f)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
            for loc in r["locations"]}
    check("fixtures/sites/audit-problems/sitemap.xml" in uris, "no finding located in the sitemap file: %s" % uris)
    # Absolute --root under the current folder: still relative to it.
    run(["audit", "--quiet", "--root", os.path.abspath(site), "--site-url", "http://audit.test/",
         "--out", out, "--format", "sarif", "--fail-on", "never"], expect=0, cwd=SOURCE)
    check_sarif_files(os.path.join(out, "findings.sarif"), SOURCE)


def check_not_echoed(result, data):
    shown = result.stdout + result.stderr
    check(all(c == "\n" or c == "\t" or 32 <= ord(c) < 127 for c in shown),
          "output holds bytes of the input: %r" % shown[:400])
    for i in range(0, len(data) - 8, 97):
        chunk = data[i:i + 8]
        if all(32 < b < 127 for b in chunk):
            check(chunk.decode() not in shown, "input bytes %r echoed" % chunk)


def case_binary(out):
    data = os.urandom(100 * 1024)
    path = os.path.join(out, "sitemap.xml")
    with open(path, "wb") as f:
        f.write(data)
    result = run(["sitemap", path], expect=1)
    check(result.stdout.count("sitemap-binary") == 1 and "0 URLs: 1 error" in result.stdout,
          "random bytes were not one sitemap-binary finding: %s" % result.stdout[:2000])
    check_not_echoed(result, data)
    elf = open("/bin/true", "rb").read()
    robots = os.path.join(out, "robots.txt")
    with open(robots, "wb") as f:
        f.write(elf)
    result = run(["robots", "lint", robots], expect=1)
    check(result.stdout.count("robots-binary") == 1 and len(result.stdout.strip().splitlines()) == 1,
          "an ELF robots.txt was linted: %s" % result.stdout[:2000])
    check("ELF" in result.stdout, "the finding does not say what the file is: %s" % result.stdout)
    check_not_echoed(result, elf)
    result = run(["robots", "check", "--robots-file", robots, "https://example.com/a"])
    check("robots-binary" in result.stderr, "robots check does not say the file is binary: %s" % result.stderr)
    check_not_echoed(result, elf)
    result = run(["sitemap", "--site-url", "https://example.com/", "--robots", robots, path], expect=1)
    check_not_echoed(result, data + elf)


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    case = sys.argv[1]
    server = sys.argv[3] if len(sys.argv) == 4 and sys.argv[2] == "--server" else None
    cases = {"csv-injection": case_csv_injection, "stale": case_stale, "sarif-root": case_sarif_root,
             "binary": case_binary}
    with tempfile.TemporaryDirectory(prefix="outputs-e2e-") as out:
        try:
            if case == "double-sigint":
                case_double_sigint(out, server)
            elif case in cases:
                cases[case](out)
            else:
                sys.stderr.write("unknown case %s\n" % case)
                return 2
        except Failure as failure:
            sys.stderr.write("FAIL %s: %s\n" % (case, failure))
            return 1
    print("ok", case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
