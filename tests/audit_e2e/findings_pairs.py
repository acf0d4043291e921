#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Read a fixture site's expected findings and compare them with an audit's findings.json.

Usage: findings_pairs.py settings EXPECTED
       findings_pairs.py compare EXPECTED FINDINGS_JSON [--exit STATUS]

Two expectation formats are read:
- a sorted JSON array of {"rule", "url"} objects (fixtures/sites/README.md). A finding's pair is
  its rule and its URL, or its source when it has no URL (robots.txt lines and sitemap files are
  named by the robots.txt or sitemap URL, as finding identities are);
- an object {"site_url", "args", "exit", "findings": [[rule, url or null], ...]}, where a
  finding's pair is its rule and its URL as written (null for none), audited at site_url with the
  extra args, and the audit must exit with "exit".
Pairs are compared as multisets: a rule that fires twice for one URL is expected twice.

compare also checks every finding's `file` (docs/formats.md): the robots.txt or sitemap file of a
finding about one (every sitemap-* and robots-* rule, and orphan-url, whose evidence is a sitemap
entry), which is the file the finding was seen in, its source; null for every other finding.

settings prints shell assignments for run.sh: site_url, args (quoted for eval) and exit (empty
when the expectation does not say). compare prints both sides' differences and exits 1 when there
are any (or the exit status differs), 2 when a file cannot be read.
"""
import collections
import json
import shlex
import sys


class Unreadable(Exception):
    pass


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        raise Unreadable("cannot read %s %s: %s" % (what, path, error))


def sort_key(pair):
    return (str(pair[0]), "" if pair[1] is None else str(pair[1]))


def read_expectation(path):
    """(pairs, settings, use_source): the expected pairs, the object format's settings ({} for the
    array format) and whether a finding without URL is named by its source."""
    data = load_json(path, "expectation")
    if isinstance(data, list):
        if not all(isinstance(p, dict) and set(p) == {"rule", "url"} for p in data):
            raise Unreadable("%s: expected an array of {\"rule\", \"url\"} objects" % path)
        pairs, settings, use_source = [(p["rule"], p["url"]) for p in data], {}, True
    elif isinstance(data, dict) and isinstance(data.get("findings"), list):
        if not all(isinstance(p, list) and len(p) == 2 for p in data["findings"]):
            raise Unreadable("%s: \"findings\" must hold [rule, url] pairs" % path)
        pairs, settings, use_source = [tuple(p) for p in data["findings"]], data, False
    else:
        raise Unreadable("%s: neither an array of pairs nor an object with \"findings\"" % path)
    if pairs != sorted(pairs, key=sort_key):
        raise Unreadable("%s: pairs are not sorted by rule, then URL" % path)
    return pairs, settings, use_source


def produced_pairs(path, use_source):
    data = load_json(path, "audit output")
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        raise Unreadable("%s: no \"findings\" array" % path)
    return [(f.get("rule"), f.get("url") or (f.get("source") if use_source else None)) for f in findings]


def file_problems(path):
    """The findings whose `file` is not the one docs/formats.md says."""
    problems = []
    for f in load_json(path, "audit output")["findings"]:
        rule = f.get("rule") or ""
        about_file = rule.startswith(("sitemap-", "robots-")) or rule == "orphan-url"
        want = f.get("source") if about_file else None
        if "file" not in f or f["file"] != want:
            problems.append("  %-28s %s: file %r, want %r" % (rule, f.get("url"), f.get("file", "(absent)"), want))
    return problems


def settings(path):
    _, data, _ = read_expectation(path)
    args = data.get("args", [])
    print("site_url=%s" % shlex.quote(data.get("site_url", "")))
    print("args=%s" % shlex.quote(" ".join(shlex.quote(str(a)) for a in args)))
    print("exit=%s" % shlex.quote(str(data["exit"]) if "exit" in data else ""))
    return 0


def compare(path, findings_path, exit_status):
    want, data, use_source = read_expectation(path)
    expected = collections.Counter(want)
    produced = collections.Counter(produced_pairs(findings_path, use_source))
    missing = sorted((expected - produced).elements(), key=sort_key)
    unexpected = sorted((produced - expected).elements(), key=sort_key)
    wrong_exit = "exit" in data and exit_status is not None and exit_status != data["exit"]
    wrong_files = file_problems(findings_path)
    if not missing and not unexpected and not wrong_exit and not wrong_files:
        print("ok: %d findings as expected" % sum(expected.values()))
        return 0
    if wrong_exit:
        print("the audit exited with %d, expected %d" % (exit_status, data["exit"]))
    if missing:
        print("expected but not produced (%d):" % len(missing))
        for rule, url in missing:
            print("  - %-28s %s" % (rule, url))
    if unexpected:
        print("produced but not expected (%d):" % len(unexpected))
        for rule, url in unexpected:
            print("  + %-28s %s" % (rule, url))
    if wrong_files:
        print("findings with the wrong file (%d):" % len(wrong_files))
        print("\n".join(wrong_files))
    return 1


def main(argv):
    try:
        if len(argv) == 3 and argv[1] == "settings":
            return settings(argv[2])
        if len(argv) in (4, 6) and argv[1] == "compare":
            exit_status = int(argv[5]) if len(argv) == 6 and argv[4] == "--exit" else None
            return compare(argv[2], argv[3], exit_status)
    except Unreadable as problem:
        print(problem)
        return 2
    print(__doc__.strip().splitlines()[2])
    print(__doc__.strip().splitlines()[3])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
