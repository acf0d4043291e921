#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The CI templates users copy: action.yml (a composite GitHub Action) and ci/gitlab.yml are valid
YAML with the inputs, guards and reports docs/ci.md promises, and their audit step — the shell
they run — runs here against the demo site as it would on a runner.

Usage: check_templates.py {action,gitlab} OUT_DIR   (crawlpack from $CRAWLPACK_BIN)
"""
import os
import re
import subprocess
import sys

import yaml

SOURCE = os.environ.get("CRAWLPACK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CRAWLPACK = os.environ.get("CRAWLPACK_BIN", "crawlpack")
DEMO = os.path.join(SOURCE, "fixtures", "sites", "demo")
BASELINE = os.path.join(SOURCE, "fixtures", "ci", "demo-baseline.json")
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def path_env(out):
    """PATH with a `crawlpack` that is the binary under test, as the installed package would be."""
    bin_dir = os.path.join(out, "bin")
    os.makedirs(bin_dir, exist_ok=True)
    link = os.path.join(bin_dir, "crawlpack")
    if not os.path.exists(link):
        os.symlink(os.path.abspath(CRAWLPACK), link)
    return bin_dir + os.pathsep + os.environ.get("PATH", "")


def run_step(shell, script, env, cwd):
    return subprocess.run([shell, "-c", script], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def case_action(out):
    action = load(os.path.join(SOURCE, "action.yml"))
    check(action["runs"]["using"] == "composite", "not a composite action")
    for name in ("root", "site-url", "url", "baseline", "fail-on", "format"):
        check(name in action["inputs"], "input %s missing" % name)
    steps = action["runs"]["steps"]
    for step in steps:
        check("uses" in step or step.get("shell") in ("bash", "sh"), "step %r has no shell" % step.get("name"))
        if "uses" in step:
            check(re.search(r"@v\d+$|@[0-9a-f]{40}$", step["uses"]), "%s is not pinned" % step["uses"])
    by_name = {s["name"]: s for s in steps}
    sarif = [s for s in steps if "upload-sarif" in s.get("uses", "")]
    check(sarif and FORK_GUARD in sarif[0]["if"], "the SARIF upload has no fork guard")
    comment = [s for s in steps if "github-script" in s.get("uses", "")]
    check(comment and FORK_GUARD in comment[0]["if"], "the comment has no fork guard")
    check(any("actions/cache" in s.get("uses", "") for s in steps), "no actions/cache step")
    audit = by_name["Audit"]
    for accepted, baseline in ((0, BASELINE), (1, "")):
        work = os.path.join(out, "action-%d" % accepted)
        os.makedirs(work, exist_ok=True)
        output, summary = os.path.join(work, "output"), os.path.join(work, "summary.md")
        env = dict(os.environ, PATH=path_env(out), GITHUB_ACTION_PATH=SOURCE, GITHUB_OUTPUT=output,
                   GITHUB_STEP_SUMMARY=summary, INPUT_ROOT=DEMO, INPUT_SITE_URL="http://demo.example/",
                   INPUT_URL="", INPUT_BASELINE=baseline, INPUT_FAIL_ON="error", INPUT_FORMAT="sarif,junit",
                   INPUT_OUT="crawlpack-out")
        result = run_step("bash", audit["run"], env, work)
        check(result.returncode == 0, "the audit step failed (%d): %s" % (result.returncode, result.stderr))
        with open(output) as f:
            check("status=%d" % accepted in f.read(), "GITHUB_OUTPUT lacks status=%d" % accepted)
        with open(summary) as f:
            text = f.read()
        check(text.startswith("## crawlpack audit") and "audited " in text, "job summary:\n%s" % text)
        for name in ("findings.sarif", "findings.junit.xml", "findings.json"):
            check(os.path.getsize(os.path.join(work, "crawlpack-out", name)) > 0, "%s not written" % name)


def case_gitlab(out):
    template = load(os.path.join(SOURCE, "ci", "gitlab.yml"))
    job = template["crawlpack"]
    reports = job["artifacts"]["reports"]
    check(reports["junit"].endswith("findings.junit.xml"), "no JUnit report")
    check(reports["codequality"].endswith("findings.codequality.json"), "no code quality report")
    check(job["artifacts"]["when"] == "always", "reports are not kept when the job fails")
    check("cache" in job, "the package is not cached")
    audit = job["script"][-1]
    env = dict(os.environ, PATH=path_env(out), CI_PROJECT_DIR=out)
    env.update({k: str(v) for k, v in template["variables"].items()})
    env.update(CRAWLPACK_ROOT=DEMO, CRAWLPACK_SITE_URL="http://demo.example/", CRAWLPACK_BASELINE=BASELINE)
    script = audit.replace("/opt/crawlpack", SOURCE)
    work = os.path.join(out, "gitlab")
    os.makedirs(work, exist_ok=True)
    result = run_step("sh", script, env, work)
    check(result.returncode == 0, "the audit script failed (%d): %s%s" % (result.returncode, result.stdout,
                                                                       result.stderr))
    report = os.path.join(work, env["CRAWLPACK_OUT"], "findings.codequality.json")
    check(os.path.getsize(report) > 0, "no code quality report written")
    import json
    with open(report) as f:
        issues = json.load(f)
    check(isinstance(issues, list), "the code quality report is not a list")
    for issue in issues:
        check({"description", "check_name", "fingerprint", "severity", "location"} <= set(issue), "issue %s" % issue)
        check(issue["severity"] in ("info", "minor", "major", "critical", "blocker"), "severity %s" % issue)
    # the baseline accepts every demo finding: nothing new in the widget
    check(issues == [], "with the baseline the widget shows %d findings" % len(issues))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("action", "gitlab"):
        sys.stderr.write("usage: check_templates.py {action,gitlab} OUT_DIR\n")
        return 2
    try:
        globals()["case_" + sys.argv[1]](sys.argv[2])
    except Failure as failure:
        sys.stderr.write("FAIL %s: %s\n" % (sys.argv[1], failure))
        return 1
    print("ok %s" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
