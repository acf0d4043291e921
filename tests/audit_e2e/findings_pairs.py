#!/usr/bin/env python3
"""Compare the (rule, url) pairs of an audit's findings.json with a site's expected-findings.json.

Usage: findings_pairs.py EXPECTED FINDINGS_JSON

A finding's pair is its rule id and its URL; a file-level finding (robots.txt lines, sitemap files)
has no URL and is named by its source (the robots.txt or sitemap URL), as finding identities are
(docs/formats.md). Pairs are compared as multisets: a rule that fires twice for one URL (two bad
lines of one robots.txt) is expected twice. Prints both sides' differences and exits 1 when there
are any, 2 when a file cannot be read.
"""
import collections
import json
import sys


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        print("cannot read %s %s: %s" % (what, path, error))
        sys.exit(2)


def expected_pairs(path):
    data = load_json(path, "expectation")
    if not isinstance(data, list) or not all(isinstance(p, dict) and set(p) == {"rule", "url"} for p in data):
        print("%s: expected a JSON array of {\"rule\", \"url\"} objects" % path)
        sys.exit(2)
    pairs = [(p["rule"], p["url"]) for p in data]
    if pairs != sorted(pairs):
        print("%s: pairs are not sorted by rule, then URL" % path)
        sys.exit(2)
    return pairs


def produced_pairs(path):
    data = load_json(path, "audit output")
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        print("%s: no \"findings\" array" % path)
        sys.exit(2)
    pairs = []
    for f in findings:
        url = f.get("url") or f.get("source")
        pairs.append((f.get("rule"), url))
    return pairs


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2])
        return 2
    expected = collections.Counter(expected_pairs(sys.argv[1]))
    produced = collections.Counter(produced_pairs(sys.argv[2]))
    missing = sorted((expected - produced).elements())
    unexpected = sorted((produced - expected).elements(), key=lambda p: (str(p[0]), str(p[1])))
    if not missing and not unexpected:
        print("ok: %d findings as expected" % sum(expected.values()))
        return 0
    if missing:
        print("expected but not produced (%d):" % len(missing))
        for rule, url in missing:
            print("  - %-28s %s" % (rule, url))
    if unexpected:
        print("produced but not expected (%d):" % len(unexpected))
        for rule, url in unexpected:
            print("  + %-28s %s" % (rule, url))
    return 1


if __name__ == "__main__":
    sys.exit(main())
