# SPDX-License-Identifier: Apache-2.0
"""normalize_sarif.py FILE...: rewrite SARIF files in place into their catalog-independent form.

tool.driver.rules holds the whole rule catalog and ruleIndex points into it, so both change
whenever a rule is added to findings/rules.def. The golden comparison must not break then: this
checks that every result's ruleIndex names its ruleId, that the catalog has no duplicate ids, then
keeps only the rules the results use and drops ruleIndex."""
import json
import sys


def normalize(path):
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    for run in document["runs"]:
        rules = run["tool"]["driver"]["rules"]
        ids = [rule["id"] for rule in rules]
        if len(set(ids)) != len(ids):
            sys.exit(f"{path}: duplicate rule ids in tool.driver.rules")
        used = set()
        for result in run["results"]:
            index = result.pop("ruleIndex")
            if ids[index] != result["ruleId"]:
                sys.exit(f"{path}: ruleIndex {index} is {ids[index]}, not {result['ruleId']}")
            used.add(result["ruleId"])
        run["tool"]["driver"]["rules"] = [rule for rule in rules if rule["id"] in used]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, ensure_ascii=False)
        f.write("\n")


for name in sys.argv[1:]:
    normalize(name)
