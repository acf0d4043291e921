#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fleet mode end to end: a 3-node NATS JetStream cluster on loopback, fixture servers as origins,
several `crawlpack fleet worker` processes.

Usage: fleet_e2e.py CASE --server PATH   (crawlpack from $CRAWLPACK_BIN, nats-server from PATH)

Case `cluster`, in one run: a worker is killed with SIGKILL in the middle of an audit (its job is
completed by another worker, once); a NATS node is killed while jobs run (the fleet finishes,
nothing is lost); an unreachable origin is marked failed after its attempts with the error class;
collect run twice (and again into the same folder) gives the same bytes; every collected
findings.json has the finding fingerprints of a single-machine `crawlpack audit` of that origin.
The servers' max_payload is small, so results travel in several chunks. Every process started is
stopped by its PID; every wait is bounded.
"""
import filecmp
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import CRAWLPACK, Failure, Server, check, free_port, read_csv, run_cases  # noqa: E402

BOUND = 60          # seconds any single wait may take
MAX_PAYLOAD = 4096  # small: a result is split into chunks
ACK_WAIT = 4        # seconds without a heartbeat before a job goes to another worker
AUDIT_ARGS = ["--max-pages", "200", "--format", "json,csv"]


def wait_for(what, condition, bound=BOUND):
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise Failure("timed out after %d s waiting for %s" % (bound, what))


def stop_process(process, sig=signal.SIGTERM, bound=20):
    """Stop one process we started, by its PID; returns its exit code."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(bound)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Cluster:
    """Three nats-server processes with JetStream, routed to each other on ephemeral ports."""

    def __init__(self, work, max_payload=MAX_PAYLOAD):
        self.nodes = []
        ports = [(free_port(), free_port(), free_port()) for _ in range(3)]
        for i, (client, route, monitor) in enumerate(ports):
            routes = ", ".join("nats-route://127.0.0.1:%d" % p[1] for j, p in enumerate(ports) if j != i)
            store = os.path.join(work, "n%d" % i)
            config = os.path.join(work, "n%d.conf" % i)
            with open(config, "w") as f:
                f.write("server_name: n%d\nlisten: 127.0.0.1:%d\nhttp: 127.0.0.1:%d\nmax_payload: %d\n"
                        "jetstream { store_dir: \"%s\", max_memory_store: 64MB, max_file_store: 512MB }\n"
                        "cluster { name: fleet-test, listen: 127.0.0.1:%d, routes: [%s] }\n"
                        % (i, client, monitor, max_payload, store, route, routes))
            log = open(os.path.join(work, "n%d.log" % i), "w")
            process = subprocess.Popen(["nats-server", "-c", config], stdout=log, stderr=subprocess.STDOUT)
            self.nodes.append({"process": process, "client": client, "monitor": monitor, "log": log})
        self.url = ",".join("nats://127.0.0.1:%d" % n["client"] for n in self.nodes)
        wait_for("the JetStream cluster to elect its meta leader", self.ready)

    def ready(self):
        for node in self.nodes:
            check(node["process"].poll() is None, "nats-server exited: see its log")
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/jsz" % node["monitor"], timeout=2) as r:
                    meta = json.load(r).get("meta_cluster", {})
            except OSError:
                return False
            if not meta.get("leader") or meta.get("cluster_size", 0) < 3:
                return False
        return True

    def kill(self, index):
        stop_process(self.nodes[index]["process"], signal.SIGKILL)

    def stop(self):
        for node in self.nodes:
            stop_process(node["process"])
            node["log"].close()


class Fleet:
    def __init__(self, cluster, work):
        self.cluster, self.work, self.workers = cluster, work, {}

    def run(self, *args, expect_rc=0):
        result = subprocess.run([CRAWLPACK, "fleet"] + list(args) + ["--nats", self.cluster.url],
                                capture_output=True, text=True, timeout=BOUND)
        check(result.returncode == expect_rc, "fleet %s exited %d, want %d\nstdout: %s\nstderr: %s"
              % (args[0], result.returncode, expect_rc, result.stdout, result.stderr))
        return result.stdout

    def start_worker(self, name):
        log = open(os.path.join(self.work, "worker-%s.log" % name), "w")
        # the job folders a worker makes go under the test's folder: one killed with SIGKILL cannot
        # remove its own, and the test's clean-up removes them with everything else
        tmp = os.path.join(self.work, "tmp-" + name)
        os.makedirs(tmp, exist_ok=True)
        process = subprocess.Popen([CRAWLPACK, "fleet", "worker", "--nats", self.cluster.url, "--name", name],
                                   stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, TMPDIR=tmp))
        self.workers[name] = (process, log)

    def stop_workers(self):
        codes = {}
        for name, (process, log) in self.workers.items():
            codes[name] = stop_process(process)
            log.close()
        return codes

    def status(self, run):
        """origin -> {state, attempts, worker, error} from `fleet status` ({} when it failed: a
        node going away can make one call time out)."""
        jobs = {}
        result = subprocess.run([CRAWLPACK, "fleet", "status", "--run", run, "--nats", self.cluster.url],
                                capture_output=True, text=True, timeout=BOUND)
        for line in result.stdout.splitlines():
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[0] in ("queued", "running", "done", "failed"):
                origin, _, error = parts[5].partition("  (")
                jobs[origin] = {"state": parts[0], "attempts": parts[2], "worker": parts[4], "error": error}
        return jobs


def fingerprints(folder):
    with open(os.path.join(folder, "findings.json")) as f:
        return sorted((x["rule"], x["fingerprint"]) for x in json.load(f)["findings"])


def difference(fleet_folder, local_folder):
    """What a failed comparison shows: the findings only one side has (rule, URL, message) and the
    pages either side requested and could not fetch, so a flaky run names its cause."""
    def findings(folder):
        with open(os.path.join(folder, "findings.json")) as f:
            return {(x["rule"], x["fingerprint"]): (x.get("url"), x.get("message")) for x in json.load(f)["findings"]}

    def errors(folder):
        return [(r["url"], r["status"], r["error"]) for r in read_csv(os.path.join(folder, "pages.csv"))
                if r["error"] and not r["error"].startswith("not fetched")]

    got, want = findings(fleet_folder), findings(local_folder)
    return "only the fleet's: %s; only the single audit's: %s; pages with errors, fleet %s, single %s" % (
        [got[k] for k in sorted(set(got) - set(want))], [want[k] for k in sorted(set(want) - set(got))],
        errors(fleet_folder), errors(local_folder))


def same_tree(a, b):
    compare = filecmp.dircmp(a, b)
    if compare.left_only or compare.right_only or compare.diff_files or compare.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compare.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(os.path.join(a, d), os.path.join(b, d))
                                                 for d in compare.common_dirs)


def case_cluster(server, work):
    cluster, fleet, sites = None, None, []
    try:
        cluster = Cluster(work)
        fleet = Fleet(cluster, work)
        slow = Server(server, "fleet-slow")
        sites.append(slow)
        for name in ("basic", "nofollow", "audit-links", "audit-clean"):
            sites.append(Server(server, name))
        dead = "http://127.0.0.1:%d/" % free_port()  # nothing listens there

        # A worker dies with SIGKILL in the middle of the slow origin's audit.
        fleet.start_worker("a")
        fleet.run("submit", "--run", "t", "--ack-wait", str(ACK_WAIT), "--attempts", "3", slow.origin + "/",
                  *AUDIT_ARGS)
        wait_for("worker a to reach the slow page", lambda: any(r[2] == "/slow" for r in slow.requests()))
        stop_process(fleet.workers["a"][0], signal.SIGKILL)
        check(fleet.status("t").get(slow.origin, {}).get("state") in ("running", None),
              "the killed worker's job is not running")

        # More workers, more origins; then a NATS node dies while they work.
        for name in ("b", "c", "d"):
            fleet.start_worker(name)
        others = [s.origin + "/" for s in sites[1:]]
        fleet.run("submit", "--run", "t", "--attempts", "2", *others, dead, *AUDIT_ARGS)
        fleet.run("submit", "--run", "t", *others, *AUDIT_ARGS)  # again: nothing queued twice
        wait_for("a first finished job", lambda: any(j["state"] == "done" for j in fleet.status("t").values()))
        cluster.kill(2)

        origins = [s.origin for s in sites] + [dead.rstrip("/")]
        jobs = wait_for("every job to finish", lambda: (lambda js: js if len(js) == len(origins) and all(
            j["state"] in ("done", "failed") for j in js.values()) else None)(fleet.status("t")), bound=120)

        job = jobs[slow.origin]
        # attempt 1 died with worker a; a node failing over may cost one more redelivery
        check(job["state"] == "done" and job["worker"] != "a" and job["attempts"] in ("2/3", "3/3"),
              "the killed worker's job: %s" % job)
        job = jobs[dead.rstrip("/")]
        check(job["state"] == "failed" and job["attempts"] == "2/2" and job["error"].startswith("connect:"),
              "the unreachable origin: %s" % job)
        for origin in origins[:-1]:
            check(jobs[origin]["state"] == "done", "%s: %s" % (origin, jobs[origin]))

        # collect: one folder per done origin, fleet.json, the same bytes every time.
        out1, out2 = os.path.join(work, "out1"), os.path.join(work, "out2")
        fleet.run("collect", "--run", "t", "--out", out1, expect_rc=1)  # 1: an origin failed
        fleet.run("collect", "--run", "t", "--out", out2, expect_rc=1)
        check(same_tree(out1, out2), "two collects differ")
        fleet.run("collect", "--run", "t", "--out", out1, expect_rc=1)
        check(same_tree(out1, out2), "collecting into the same folder again changed it")
        with open(os.path.join(out1, "fleet.json")) as f:
            summary = json.load(f)
        check(summary["origins"] == len(origins) and summary["collected"] == len(origins) - 1
              and summary["failed"] == 1, "fleet.json counts: %s" % summary)
        check(summary["results"][0]["state"] == "failed" and summary["results"][0]["error_class"] == "connect",
              "the failed origin is not listed first: %s" % summary["results"][0])
        folders = sorted(r["folder"] for r in summary["results"] if r["folder"])
        check(folders == sorted(d for d in os.listdir(out1) if os.path.isdir(os.path.join(out1, d))),
              "folders %s vs fleet.json %s" % (os.listdir(out1), folders))

        # Each result equals a single-machine audit of the same origin with the same options.
        for row in summary["results"]:
            if not row["folder"]:
                continue
            local = os.path.join(work, "local-" + row["folder"])
            subprocess.run([CRAWLPACK, "audit", "--no-config", "--quiet", "--out", local] + AUDIT_ARGS
                           + [row["origin"] + "/"], capture_output=True, timeout=BOUND)
            got, want = fingerprints(os.path.join(out1, row["folder"])), fingerprints(local)
            if got != want:
                raise Failure("%s: the fleet's findings are not the single audit's: %s" %
                              (row["origin"], difference(os.path.join(out1, row["folder"]), local)))
            for name in ("crawl.json", "pages.csv", "links.csv", "findings.csv"):
                check(os.path.isfile(os.path.join(out1, row["folder"], name)), "%s lacks %s" % (row["folder"], name))

        codes = fleet.stop_workers()
        check(all(code == 130 for name, code in codes.items() if name != "a"),
              "workers did not stop cleanly on SIGTERM: %s" % codes)
    except Failure:
        for name in sorted(os.listdir(work)):
            if name.endswith(".log"):
                with open(os.path.join(work, name)) as f:
                    sys.stderr.write("---- %s (last lines)\n%s" % (name, "".join(f.readlines()[-15:])))
        raise
    finally:
        if fleet:
            fleet.stop_workers()
        for s in sites:
            s.stop()
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "fleet_e2e.py", "fleet-e2e-"))
