#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/fleet/run.py [ORIGINS] [WORKERS]: fleet throughput and scheduling overhead.

Starts a 3-node NATS JetStream cluster on loopback (the test's setup, tests/fleet/fleet_e2e.py)
and ORIGINS fixture servers (default 200, each serving fixtures/sites/basic on its own port, so
each is its own origin), then for each worker count in WORKERS (default 1,2,4): starts that many
`crawlpack fleet worker` processes, submits every origin as a new run, waits until all are done,
and prints
  - jobs/min from the submit to the last job done;
  - per job, from the workers' own timings: the audit (audit_run) and the fleet's overhead around
    it (lock, status records, packing and publishing the result, ack), mean / p50 / p95;
  - the submit's cost per job.
After the last count it collects that run and checks every origin was collected exactly once and
its finding fingerprints equal a single-machine `crawlpack audit` of the same origin.
Prints the load average before and after. Build first: cmake --preset release && cmake --build
--preset release -j2 (CRAWLPACK_BUILD_DIR overrides build/release). Figures are printed, never
asserted; the machine should be quiet.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("CRAWLPACK_BUILD_DIR", os.path.join(ROOT, "build", "release"))
os.environ["CRAWLPACK_BIN"] = os.path.join(BUILD, "crawlpack")
os.environ.setdefault("CRAWLPACK_SOURCE_DIR", ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "fleet"))
sys.path.insert(0, os.path.join(ROOT, "tests", "crawl"))
from e2e import CRAWLPACK, Server  # noqa: E402
from fleet_e2e import Cluster, stop_process, fingerprints  # noqa: E402

FIXTURE_SERVER = os.path.join(BUILD, "tests", "fixture_server", "fixture_server")
AUDIT_ARGS = ["--max-pages", "100"]
BOUND = 3600  # the longest any one run may take
TIMING = re.compile(r"done (\S+) .*audit (\d+) ms, fleet (\d+) ms")


def fleet(cluster, *args, check=True):
    result = subprocess.run([CRAWLPACK, "fleet"] + list(args) + ["--nats", cluster.url], capture_output=True,
                            text=True, timeout=600)
    if check and result.returncode != 0:
        raise SystemExit("fleet %s exited %d: %s" % (args[0], result.returncode, result.stderr))
    return result.stdout


def finished(cluster, run, total):
    out = fleet(cluster, "status", "--run", run, check=False)
    match = re.search(r"(\d+)/(\d+) finished", out)
    return match and int(match.group(1)) == total and int(match.group(2)) == total


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0


def one_count(cluster, work, origins, count):
    run = "bench-w%d-%d" % (count, int(time.time()))
    logs = [os.path.join(work, "%s-%d.log" % (run, i)) for i in range(count)]
    workers = [subprocess.Popen([CRAWLPACK, "fleet", "worker", "--nats", cluster.url, "--name", "w%d" % i],
                                stdout=subprocess.DEVNULL, stderr=open(log, "w")) for i, log in enumerate(logs)]
    try:
        started = time.monotonic()
        fleet(cluster, "submit", "--run", run, *origins, *AUDIT_ARGS)
        submitted = time.monotonic()
        while not finished(cluster, run, len(origins)):
            if time.monotonic() - started > BOUND:
                raise SystemExit("run %s did not finish within %d s" % (run, BOUND))
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        for process in workers:
            stop_process(process)
    audits, overheads = [], []
    for log in logs:
        with open(log) as f:
            for match in TIMING.finditer(f.read()):
                audits.append(int(match.group(2)))
                overheads.append(int(match.group(3)))
    print("%d worker%s: %d jobs in %.1f s = %.0f jobs/min; audit per job mean %.0f ms; fleet overhead per job "
          "mean %.1f ms, p50 %d ms, p95 %d ms; submit %.1f ms/job"
          % (count, "" if count == 1 else "s", len(origins), elapsed, 60 * len(origins) / elapsed,
             statistics.mean(audits) if audits else 0, statistics.mean(overheads) if overheads else 0,
             percentile(overheads, 0.5), percentile(overheads, 0.95),
             1000 * (submitted - started) / len(origins)), flush=True)
    return run


def verify(cluster, work, run, origins):
    out = os.path.join(work, "collected")
    fleet(cluster, "collect", "--run", run, "--out", out)
    with open(os.path.join(out, "fleet.json")) as f:
        summary = json.load(f)
    rows = summary["results"]
    once = len(rows) == len(origins) and len({r["origin"] for r in rows}) == len(origins) and all(
        r["state"] == "done" and r["folder"] for r in rows)
    equal = 0
    for row in rows:
        local = os.path.join(work, "local")
        subprocess.run([CRAWLPACK, "audit", "--no-config", "--quiet", "--out", local] + AUDIT_ARGS
                       + [row["origin"] + "/"], capture_output=True, timeout=600)
        equal += fingerprints(os.path.join(out, row["folder"])) == fingerprints(local)
    print("collect %s: %d of %d origins collected exactly once: %s; %d of %d equal to a single-machine audit"
          % (run, summary["collected"], len(origins), "yes" if once else "NO", equal, len(rows)))


def main():
    origins_count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    counts = [int(c) for c in (sys.argv[2] if len(sys.argv) > 2 else "1,2,4").split(",")]
    for tool in (CRAWLPACK, FIXTURE_SERVER):
        if not os.access(tool, os.X_OK):
            raise SystemExit("missing %s: build the release preset first" % tool)
    print("load average before: %.2f %.2f %.2f; %d CPUs" % (os.getloadavg() + (os.cpu_count(),)), flush=True)
    servers, cluster = [], None
    with tempfile.TemporaryDirectory(prefix="crawlpack-bench-fleet-") as work:
        try:
            cluster = Cluster(work, max_payload=1048576)
            servers = [Server(FIXTURE_SERVER, "basic") for _ in range(origins_count)]
            origins = [s.origin + "/" for s in servers]
            run = None
            for count in counts:
                run = one_count(cluster, work, origins, count)
            verify(cluster, work, run, origins)
        finally:
            for s in servers:
                s.stop()
            if cluster:
                cluster.stop()
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    main()
