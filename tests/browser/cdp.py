# SPDX-License-Identifier: Apache-2.0
"""tests/browser/cdp.py: a small client of the Chrome DevTools protocol for tests that drive Debian's
headless Chromium (report.html's browser tests, the link-parity recording).

Chromium is started with --remote-debugging-pipe: it reads commands on fd 3 and writes replies and
events on fd 4, each message one JSON object followed by a NUL byte. No port, no npm, no websocket:
the Python standard library is enough.

    with Browser(profile_dir, extra_args) as browser:
        page = browser.new_page()                 # a target and its flat session
        page.send("Page.enable")
        page.navigate("file:///...")              # waits for the load event
        page.evaluate("document.title")           # the value, or raises on an exception
        page.screenshot("out.png")

Every wait is bounded (TIMEOUT seconds, or the caller's); events that arrive while waiting for a
reply are kept in Browser.events so a test can read them afterwards (Network.requestWillBeSent,
Page.javascriptDialogOpening, ...). Chromium is stopped by its PID: Browser.close first, then
SIGTERM and SIGKILL after a grace period."""
import base64
import json
import os
import signal
import select
import subprocess
import time

CHROMIUM = os.environ.get("CRAWLPACK_CHROMIUM", "/usr/bin/chromium")
TIMEOUT = 30.0
SKIP = 77  # the exit status CTest reports as skipped (SKIP_RETURN_CODE) when Chromium is missing

BASE_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
             "--disable-features=Translate,OptimizationHints,MediaRouter", "--lang=en-US"]


def available():
    return os.access(CHROMIUM, os.X_OK)


def stop(proc, grace=10.0):
    """Stop a process the test started, by its PID: SIGTERM, then SIGKILL after grace seconds."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


class ProtocolError(RuntimeError):
    pass


class Browser:
    def __init__(self, profile, extra_args=(), headless="--headless=new"):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        args = [CHROMIUM] + [headless if a == "--headless=new" else a for a in BASE_ARGS]
        args += ["--user-data-dir=" + profile] + list(extra_args) + ["about:blank"]
        # fd 3 and fd 4 in the child, whatever numbers the pipes have here; exec keeps the PID
        shell = 'exec "$@" 3<&%d 4>&%d' % (to_browser_r, from_browser_w)
        self.proc = subprocess.Popen(["sh", "-c", shell, "sh"] + args, pass_fds=(to_browser_r, from_browser_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.next_id = 0
        self.pending = b""
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except (ProtocolError, OSError):
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        stop(self.proc)
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_message(self, deadline):
        while b"\0" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError("Chromium did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if ready:
                chunk = os.read(self.from_browser, 1 << 20)
                if not chunk:
                    raise ProtocolError("Chromium closed the DevTools pipe")
                self.pending += chunk
        message, self.pending = self.pending.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=TIMEOUT):
        """Send one command and return its result; events read meanwhile go to self.events."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.to_browser, data):]
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise ProtocolError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method, session=None, timeout=TIMEOUT):
        """The first event named method (of session, when given), removed from self.events."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method and (session is None or event.get("sessionId") == session):
                    del self.events[i]
                    return event
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append(reply)

    def drain(self, seconds):
        """Read events for a while (bounded), e.g. to catch late requests."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                reply = self._read_message(deadline)
                if "method" in reply:
                    self.events.append(reply)
        except ProtocolError as e:
            if "in time" not in str(e):
                raise

    def new_page(self, url="about:blank"):
        target = self.send("Target.createTarget", {"url": url})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, target, session)

    def events_of(self, method, session=None):
        return [e for e in self.events if e["method"] == method and (session is None or e.get("sessionId") == session)]


class Page:
    def __init__(self, browser, target, session):
        self.browser = browser
        self.target = target
        self.session = session

    def send(self, method, params=None, timeout=TIMEOUT):
        return self.browser.send(method, params, self.session, timeout)

    def navigate(self, url, timeout=TIMEOUT):
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        return self.browser.wait_event("Page.loadEventFired", self.session, timeout)

    def evaluate(self, expression, timeout=TIMEOUT):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, timeout)
        if "exceptionDetails" in result:
            raise ProtocolError("evaluation of %r failed: %s" % (expression[:80], result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression, timeout=TIMEOUT, interval=0.05):
        """Evaluate expression until it is truthy in Python (bounded; a DOM node comes back as {}, so
        compare with null in the expression); return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise ProtocolError("%r still false after %.0f s" % (expression[:80], timeout))
            time.sleep(interval)

    def screenshot(self, path, full_page=True):
        params = {"format": "png", "captureBeyondViewport": full_page}
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        self.browser.send("Target.closeTarget", {"targetId": self.target})
