#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tests/parity/record.py: what Chromium reports as document.links, JavaScript off, for every page
of the browser-parity corpus (fixtures/parity/pages).

Each page is served over HTTP from a loopback server this script starts (so a Content-Type charset
in NAME.headers applies) and opened by headless Chromium as http://parity.test/pages/NAME.html
(--host-resolver-rules maps the name to the server, so recorded URLs never hold a port). Chromium
is driven over the DevTools protocol on --remote-debugging-pipe (fd 3 commands, fd 4 replies,
NUL-delimited JSON); script execution is disabled per page with Emulation.setScriptExecutionDisabled
before it loads, so <noscript> content is parsed as markup, as a browser with JavaScript off does.
Runtime.evaluate still runs protocol-side expressions while page scripts are disabled.

    record.py --check     record and compare with fixtures/parity/expected.json (exit 1 on change;
                          77 when /usr/bin/chromium is missing: CTest reports the test skipped)
    record.py --update    record and rewrite fixtures/parity/expected.json
    record.py --serve DIR the loopback page server (started by the modes above; prints PORT N)

Every process started here (the page server, Chromium) is stopped by its PID before exit."""
import http.server
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "browser"))
import cdp  # noqa: E402  (tests/browser/cdp.py: the one DevTools client)

CHROMIUM = cdp.CHROMIUM
HOST = "parity.test"
SKIP = 77
TIMEOUT = 30.0

SOURCE_DIR = os.environ.get("CRAWLPACK_SOURCE_DIR",
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.path.join(SOURCE_DIR, "fixtures", "parity")
PAGES = os.path.join(CORPUS, "pages")
EXPECTED = os.path.join(CORPUS, "expected.json")


# ---------- the page server ----------

def read_headers(name):
    """NAME.headers: one 'Name: value' per line; Content-Type text/html when none is given."""
    headers = []
    path = os.path.join(PAGES, name + ".headers")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if line and not line.startswith("#") and ":" in line:
                    key, value = line.split(":", 1)
                    headers.append((key.strip(), value.strip()))
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "text/html"))
    return headers


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        path = os.path.join(PAGES, name)
        if not name.endswith(".html") or "/" in name or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        for key, value in read_headers(name[:-5]):
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


def start_server():
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve"],
                            stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
    line = proc.stdout.readline() if ready else ""
    if not line.startswith("PORT "):
        stop(proc)
        raise RuntimeError("page server did not start")
    return proc, int(line.split()[1])


stop = cdp.stop  # by PID: SIGTERM, then SIGKILL after a grace period


# ---------- the DevTools pipe (tests/browser/cdp.py) ----------

def DevTools(port, profile):
    return cdp.Browser(profile, ["--host-resolver-rules=MAP %s 127.0.0.1:%d" % (HOST, port)], headless="--headless")


def page_links(tools, name):
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        tools.send("Emulation.setScriptExecutionDisabled", {"value": True}, session)
        tools.send("Page.enable", {}, session)
        tools.send("Page.navigate", {"url": "http://%s/pages/%s.html" % (HOST, name)}, session)
        tools.wait_event("Page.loadEventFired", session)
        result = tools.send("Runtime.evaluate", {
            "expression": "JSON.stringify({url: document.URL, charset: document.characterSet,"
                          " links: Array.from(document.links, l => l.href)})",
            "returnByValue": True}, session)
        if "exceptionDetails" in result:
            raise RuntimeError("%s: evaluation failed: %s" % (name, result["exceptionDetails"]))
        return json.loads(result["result"]["value"])
    finally:
        tools.events = [e for e in tools.events if e.get("sessionId") != session]
        tools.send("Target.closeTarget", {"targetId": target})


def record():
    names = sorted(f[:-5] for f in os.listdir(PAGES) if f.endswith(".html"))
    server, port = start_server()
    profile = tempfile.mkdtemp(prefix="crawlpack-parity-")
    tools = None
    try:
        tools = DevTools(port, profile)
        version = tools.send("Browser.getVersion")["product"]
        pages = {}
        for name in names:
            seen = page_links(tools, name)
            pages[name] = {"charset": seen["charset"], "links": seen["links"]}
        return {"browser": version, "url": "http://%s/pages/NAME.html" % HOST, "pages": pages}
    finally:
        if tools:
            tools.close()
        stop(server)
        shutil.rmtree(profile, ignore_errors=True)


def dump(recording):
    return json.dumps(recording, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv):
    if len(argv) >= 2 and argv[1] == "--serve":
        serve()
        return 0
    if len(argv) != 2 or argv[1] not in ("--check", "--update"):
        print(__doc__, file=sys.stderr)
        return 2
    if not os.access(CHROMIUM, os.X_OK):
        print("parity: %s not installed, recording skipped" % CHROMIUM)
        return SKIP
    recording = record()
    if argv[1] == "--update":
        with open(EXPECTED, "w", encoding="utf-8") as f:
            f.write(dump(recording))
        print("parity: recorded %d pages with %s" % (len(recording["pages"]), recording["browser"]))
        return 0
    with open(EXPECTED, encoding="utf-8") as f:
        expected = json.load(f)
    changed = [name for name in sorted(set(expected["pages"]) | set(recording["pages"]))
               if expected["pages"].get(name) != recording["pages"].get(name)]
    for name in changed:
        print("parity: %s: recorded with %s:\n  %s\nnow with %s:\n  %s" % (
            name, expected.get("browser"), json.dumps(expected["pages"].get(name), ensure_ascii=False),
            recording["browser"], json.dumps(recording["pages"].get(name), ensure_ascii=False)))
    if changed:
        print("parity: %d of %d pages changed; if the browser is right, run %s --update and look "
              "at the diff" % (len(changed), len(recording["pages"]), argv[0]))
        return 1
    print("parity: %d pages as recorded (%s)" % (len(recording["pages"]), recording["browser"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
