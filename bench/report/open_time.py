#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/report/open_time.py REPORT [RUNS]: how long report.html takes to open and become
interactive in headless Chromium (tests/browser/cdp.py), RUNS times (default 3), each in a fresh
tab of one browser: from Page.navigate to the script's data-ready mark (the data parsed, the
findings drawn, the handlers set), then a severity filter of the findings and a URL opened in the
explorer, each timed in the page with performance.now(). Prints every run and the median; asserts
nothing."""
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "tests", "browser"))
import cdp  # noqa: E402

INTERACT = """(() => {
  let t = performance.now();
  const s = document.getElementById('f-severity');
  s.value = 'warning'; s.dispatchEvent(new Event('change'));
  const filter = performance.now() - t;
  t = performance.now();
  location.hash = 'url=' + encodeURIComponent(document.getElementById('start-url').textContent);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  const explorer = performance.now() - t;
  return JSON.stringify({filter, explorer});
})()"""


def one_run(browser, url):
    page = browser.new_page()
    start = time.monotonic()
    page.navigate(url, timeout=120)
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'", timeout=120, interval=0.01)
    ready = time.monotonic() - start
    in_page = float(page.evaluate("document.body.getAttribute('data-ready-ms')")) / 1000
    steps = json.loads(page.evaluate(INTERACT, timeout=120))
    page.close()
    return ready, in_page, steps["filter"] / 1000, steps["explorer"] / 1000


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    if not cdp.available():
        print("open_time: %s not installed" % cdp.CHROMIUM, file=sys.stderr)
        return 1
    runs = int(argv[2]) if len(argv) == 3 else 3
    url = "file://" + urllib.parse.quote(os.path.abspath(argv[1]))
    profile = tempfile.mkdtemp(prefix="crawlpack-bench-chromium-")
    try:
        with cdp.Browser(profile) as browser:
            results = [one_run(browser, url) for _ in range(runs)]
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for i, (ready, in_page, filt, explorer) in enumerate(results, 1):
        print("open run %d: interactive after %.2f s (the page's own clock: %.2f s from navigation start);"
              " severity filter %.3f s; explorer %.3f s" % (i, ready, in_page, filt, explorer))
    print("median: open to interactive %.2f s (target < 2 s; page clock %.2f s), filter %.3f s, explorer %.3f s"
          % tuple(statistics.median(r[k] for r in results) for k in range(4)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
