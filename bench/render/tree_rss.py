#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tree_rss.py PID: sample, every 100 ms until PID exits, the summed RSS of PID's descendants
(not PID itself: for `crawlpack --render`, the Chromium process tree) and print the peak in KiB.
Processes are found through /proc (ppid links); a process that exits between reads is skipped."""
import os
import sys
import time


def children_map():
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(name))
        except (OSError, IndexError, ValueError):
            pass
    return parents


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    root = int(sys.argv[1])
    peak = 0
    deadline = time.monotonic() + 3600  # a bound, not a timing
    while os.path.exists("/proc/%d" % root) and time.monotonic() < deadline:
        parents = children_map()
        total, stack = 0, list(parents.get(root, []))
        while stack:
            pid = stack.pop()
            total += rss_kb(pid)
            stack.extend(parents.get(pid, []))
        peak = max(peak, total)
        time.sleep(0.1)
    print(peak)


if __name__ == "__main__":
    main()
