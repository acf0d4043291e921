#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tree_rss.py PID: sample, every 100 ms until PID exits (or is a zombie), the summed RSS and the summed PSS
of PID's descendants (not PID itself: for `crawlpack --render`, the Chromium process tree) and
print both peaks in KiB ("RSS PSS"). RSS counts the pages Chromium's processes share once per
process; PSS divides them among the sharers, so it is the tree's real footprint.
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


def field_kb(path, name):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def running(pid):
    """Alive and not a zombie (the shell that started it reaps it only after this script ends)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def main():
    root = int(sys.argv[1])
    peak_rss = peak_pss = 0
    deadline = time.monotonic() + 3600  # a bound, not a timing
    while running(root) and time.monotonic() < deadline:
        parents = children_map()
        rss, pss, stack = 0, 0, list(parents.get(root, []))
        while stack:
            pid = stack.pop()
            rss += field_kb("/proc/%d/status" % pid, "VmRSS:")
            pss += field_kb("/proc/%d/smaps_rollup" % pid, "Pss:")
            stack.extend(parents.get(pid, []))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    print(peak_rss, peak_pss)


if __name__ == "__main__":
    main()
