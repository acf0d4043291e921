#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Check the fixture sites' expectations against the rule catalog.

Usage: check_coverage.py CRAWLPACK SITES_DIR UNCOVERED_LIST

- every rule id of `crawlpack rules --json` fires in at least one expected-findings*.json, or is
  listed in UNCOVERED_LIST with its reason (and a listed rule must not fire anywhere: the list
  would be stale);
- every rule id in an expectation exists in the catalog (a typo would make a test unpassable);
- every expectation reads (either format of findings_pairs.py) and is sorted;
- the clean site (audit-clean) expects no finding at all, in every mode.
Prints a coverage table (rule, sites where it fires) and exits 1 on any problem.
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import findings_pairs  # noqa: E402 (beside this file)

CLEAN_SITE = "audit-clean"


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2])
        return 2
    crawlpack, sites_dir, uncovered_path = sys.argv[1:]
    problems = []
    catalog = [r["id"] for r in json.loads(subprocess.run([crawlpack, "rules", "--json"], check=True,
                                                           capture_output=True, text=True).stdout)]
    uncovered = {}
    with open(uncovered_path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rule, _, reason = line.strip().partition(" ")
                uncovered[rule] = reason.strip()
    fired = {}
    files = sorted(glob.glob(os.path.join(sites_dir, "*", "expected-findings*.json")))
    if not files:
        problems.append("no expected-findings*.json under %s" % sites_dir)
    for path in files:
        site = os.path.basename(os.path.dirname(path))
        name = os.path.relpath(path, sites_dir)
        try:
            keys = findings_pairs.read_expectation(path)[0]
        except findings_pairs.Unreadable as problem:
            problems.append("%s: %s" % (name, problem))
            continue
        for rule, _ in keys:
            if rule not in catalog:
                problems.append("%s: unknown rule id '%s'" % (name, rule))
            fired.setdefault(rule, set()).add(site)
        if site == CLEAN_SITE and keys:
            problems.append("%s: the clean site must expect no finding, found %d" % (name, len(keys)))
    if not glob.glob(os.path.join(sites_dir, CLEAN_SITE, "expected-findings.json")):
        problems.append("the clean site %s has no expected-findings.json" % CLEAN_SITE)
    for rule in catalog:
        if rule in fired and rule in uncovered:
            problems.append("%s is planted (%s) but still listed in %s" % (rule, ", ".join(sorted(fired[rule])),
                                                                          os.path.basename(uncovered_path)))
        elif rule not in fired and rule not in uncovered:
            problems.append("%s fires in no fixture site and is not listed in %s" % (rule,
                                                                                     os.path.basename(uncovered_path)))
    for rule in uncovered:
        if rule not in catalog:
            problems.append("%s lists '%s', which is not a rule" % (os.path.basename(uncovered_path), rule))
    width = max(len(r) for r in catalog)
    for rule in catalog:
        where = ", ".join(sorted(fired.get(rule, ()))) or "(not planted: %s)" % uncovered.get(rule, "?")
        print("%-*s  %s" % (width, rule, where))
    print("%d of %d rules planted in %d expectation files" % (sum(1 for r in catalog if r in fired), len(catalog),
                                                               len(files)))
    for problem in problems:
        print("problem: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
