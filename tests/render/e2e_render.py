#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of --render over the loopback fixture server (fixtures/sites/spa).

Usage: e2e_render.py CASE --server PATH   (crawlpack from $CRAWLPACK_BIN; Debian's chromium)

The findings of the spa site with and without --render are tests/audit_e2e's (expected-findings*.json);
these cases check what the findings cannot show: which requests the browser made and with which
credentials, links.csv's rendered column, that the browser leaves nothing behind, and that a run
without --render neither needs nor starts a browser. tab_crash and browser_restart kill (-9) a
tab's renderer or the browser itself while a page of fixtures/sites/render-crash loads and check what
web/browser.h promises: the page is reported crashed, the tab recycled, the browser restarted (at most
BROWSER_MAX_RESTARTS times, then the rest is reported not rendered), nothing left running. Every wait
is bounded; every process this test starts is stopped by its PID (the browser's processes by theirs,
should crawlpack leave any).
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from e2e import BOUND, CRAWLPACK, SOURCE, Failure, Server, check, read_csv, run_cases  # noqa: E402

SITE = "spa"
CRASH_SITE = "render-crash"  # pages rendered one at a time; each /hang-N/ never finishes loading
HANGS = ["/hang-%d/" % n for n in range(1, 5)]
DAYS = ["/p-%d/" % n for n in range(1, 10)]


def audit(server, out, extra, env=None):
    args = [CRAWLPACK, "audit", "http://spa.test/", "--quiet", "--out", out,
            "--connect-to", "spa.test:80:127.0.0.1:%d" % server.port,
            "--connect-to", "cdn.spa.test:80:127.0.0.1:%d" % server.port] + extra
    return subprocess.run(args, capture_output=True, text=True, timeout=BOUND * 2, env=env)


def case_credentials(server_path, work):
    """The crawl's credentials go to the audited origin only; the browser opens no page but the one
    it renders (a script's navigation and robots.txt-disallowed links are not requested)."""
    tmp = os.path.join(work, "tmp")
    os.mkdir(tmp)
    env = dict(os.environ, TMPDIR=tmp)
    s = Server(server_path, SITE)
    try:
        result = audit(s, os.path.join(work, "out"), ["--render", "-u", "user:secret"], env)
        requests = s.requests()
    finally:
        s.stop()
    check(result.returncode in (0, 1), "audit exited %d: %s" % (result.returncode, result.stderr))
    by_path = {}
    for method, host, path, auth in requests:
        by_path.setdefault((host.split(":")[0], path), []).append(auth)
    check(by_path.get(("cdn.spa.test", "/assets/lib.js")), "the browser never loaded the other host's script")
    check(all(a == "-" for a in by_path[("cdn.spa.test", "/assets/lib.js")]),
          "credentials sent to another host: %s" % by_path[("cdn.spa.test", "/assets/lib.js")])
    check(by_path.get(("spa.test", "/assets/app.js")), "the browser never loaded the page's own script")
    check(all(a != "-" for a in by_path[("spa.test", "/assets/app.js")]),
          "the audited origin's subresources lack the credentials")
    check(("spa.test", "/about/?from=script") not in by_path, "the browser followed a script's navigation")
    check(not any(p.startswith("/private/") for _, p in by_path), "a robots.txt-disallowed page was requested")
    check(not os.listdir(tmp), "the browser left %s in its temporary folder (its profile, or Chromium's own "
          "org.chromium.Chromium.* folder)" % os.listdir(tmp))
    rows = read_csv(os.path.join(work, "out", "links.csv"))
    check(rows and list(rows[0])[-2:] == ["rendered", "found_in"], "links.csv's last columns are %r, want rendered, "
          "found_in" % (list(rows[0])[-2:] if rows else None))
    rendered = {(r["source"], r["target"]) for r in rows if r["rendered"] == "1"}
    check(("http://spa.test/", "http://spa.test/js-only/") in rendered, "the script's link is not marked rendered")
    check(not any(r["rendered"] == "1" and r["source"] == "http://spa.test/about/" for r in rows),
          "a page whose HTML holds every link has rendered rows")
    pages = {r["url"]: r for r in read_csv(os.path.join(work, "out", "pages.csv"))}
    check(pages["http://spa.test/"]["title"] == "Spa Outfitters", "pages.csv keeps the raw title")
    check(pages["http://spa.test/noindexed/"]["indexable"] == "0", "the rendered noindex does not decide")


def case_without_render(server_path, work):
    """Without --render no browser is needed (a missing one changes nothing) and links.csv is as before."""
    s = Server(server_path, SITE)
    try:
        env = dict(os.environ, CRAWLPACK_CHROMIUM="/nonexistent/chromium")
        result = audit(s, os.path.join(work, "out"), [], env)
    finally:
        s.stop()
    check(result.returncode in (0, 1), "audit exited %d: %s" % (result.returncode, result.stderr))
    with open(os.path.join(work, "out", "links.csv")) as f:
        header = f.readline().strip()
    check(header == "source,target,kind,rel,anchor,followable,found_in", "links.csv header %r" % header)


def case_no_browser(server_path, work):
    """--render without a browser fails before crawling, saying how to get one."""
    s = Server(server_path, SITE)
    try:
        env = dict(os.environ, CRAWLPACK_CHROMIUM="/nonexistent/chromium")
        result = audit(s, os.path.join(work, "out"), ["--render"], env)
    finally:
        s.stop()
    check(result.returncode == 3, "audit exited %d, want 3: %s" % (result.returncode, result.stderr))
    check("chromium" in result.stderr, "no hint about chromium: %s" % result.stderr)


# ---- crashes: a tab's renderer or the whole browser killed while a page loads ----

def max_restarts():
    """BROWSER_MAX_RESTARTS, read from web/browser.h (the one place it is set)."""
    with open(os.path.join(SOURCE, "web", "browser.h")) as f:
        found = re.search(r"#define BROWSER_MAX_RESTARTS (\d+)", f.read())
    check(found, "web/browser.h defines no BROWSER_MAX_RESTARTS")
    return int(found.group(1))


def process_tree(root):
    """{pid: command line} of root's descendants (read from /proc; processes may vanish meanwhile)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
            parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                try:
                    with open("/proc/%d/cmdline" % pid, "rb") as f:
                        tree[pid] = f.read().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                frontier.append(pid)
    return tree


def browser_main(crawl_pid):
    """The browser's main process: crawlpack's child driven over the DevTools pipe."""
    for pid, command in process_tree(crawl_pid).items():
        if "--remote-debugging-pipe" in command and "--type=" not in command:
            return pid
    return None


def renderers(crawl_pid):
    """The browser's renderer processes (but its own user-interface one), largest first."""
    found = []
    for pid, command in process_tree(crawl_pid).items():
        if "--type=renderer" in command and "--top-chrome-webui" not in command:
            try:
                with open("/proc/%d/statm" % pid) as f:
                    found.append((int(f.read().split()[1]), pid))
            except (OSError, ValueError, IndexError):
                continue
    return [pid for _, pid in sorted(found, reverse=True)]


def browser_loads(server):
    """How many page loads the browser made: requests for a page after the crawl's own one."""
    counts = {}
    for r in server.requests():
        counts[r[2]] = counts.get(r[2], 0) + 1
    return sum(n - 1 for path, n in counts.items() if path.startswith("/p-") or path == "/")


def wait_for(what, condition, process):
    """Poll condition (bounded by BOUND) while the crawl runs; its value, or a failure."""
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        check(process.poll() is None, "the crawl ended while waiting for %s" % what)
        time.sleep(0.05)
    raise Failure("timed out waiting for %s" % what)


def held_photos(server):
    """The /hold/ images requested so far: only the browser asks for them (a script adds them)."""
    return [r[2] for r in server.requests() if r[2].startswith("/hold/")]


def crash_audit(server_path, work, hangs, on_hang):
    """Audits the render-crash site with one tab and calls on_hang(process, server, seen) each time
    the browser starts loading one of the first hangs /hang-N/ pages (its held image was requested).
    Returns (findings by rule, crawl.json, the paths the server was asked for, in order). Every
    process the audit left is killed by its PID and is a failure; so is a profile folder left behind."""
    tmp = os.path.join(work, "tmp")
    os.mkdir(tmp)
    out = os.path.join(work, "out")
    s = Server(server_path, CRASH_SITE)
    process, seen = None, {}
    try:
        args = [CRAWLPACK, "audit", "http://render-crash.test/", "--quiet", "--out", out, "--concurrency", "1",
                "--connect-to", "render-crash.test:80:127.0.0.1:%d" % s.port, "--render", "--render-concurrency", "1",
                "--render-timeout", "30000"]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   env=dict(os.environ, TMPDIR=tmp))
        for hang in range(1, hangs + 1):
            wait_for("the browser to load /hang-%d/" % hang, lambda: len(held_photos(s)) >= hang, process)
            seen.update(process_tree(process.pid))
            on_hang(process, s, seen)
        _, stderr = process.communicate(timeout=BOUND)
        requests = [r[2] for r in s.requests()]
    finally:
        if process and process.poll() is None:
            process.kill()
            process.wait()
        s.stop()
    check(process.returncode in (0, 1), "audit exited %d: %s" % (process.returncode, stderr))
    left = [pid for pid in seen if os.path.exists("/proc/%d" % pid) and process_alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    check(not left, "browser processes outlived the crawl: %s" % [seen[pid][:80] for pid in left])
    check(not os.listdir(tmp), "the browsers left %s in their temporary folder" % os.listdir(tmp))
    with open(os.path.join(out, "crawl.json")) as f:
        crawl_json = json.load(f)
    return findings_by_rule(out, "http://render-crash.test"), crawl_json, requests


def findings_by_rule(out, origin):
    """findings.json of the audit in out: {rule: {path: message}}, paths relative to origin."""
    with open(os.path.join(out, "findings.json")) as f:
        findings = json.load(f)
    by_rule = {}
    for finding in findings if isinstance(findings, list) else findings["findings"]:
        path = finding.get("url", "").replace(origin, "")
        by_rule.setdefault(finding["rule"], {})[path] = finding.get("message", "")
    return by_rule


def browser_loads_in_order(requests):
    """The pages the browser loaded, in order: every request for a page after the crawl's own."""
    asked, loads = set(), []
    for path in requests:
        if path in asked and path in ["/"] + HANGS + DAYS:
            loads.append(path)
        asked.add(path)
    return loads


def process_alive(pid):
    """True unless pid is gone or a zombie (waiting for a parent that already ended)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def case_tab_crash(server_path, work):
    """Each /hang-N/ page's renderer is killed (-9) while it loads: the page gets render-failed
    saying its tab crashed, the tab is recycled, the same browser renders every later page."""
    mains = set()

    def kill_renderer(process, server, seen):
        """Kills the page's renderer. Which one it is the browser does not say (a tab may share
        its process, a spare may be waiting): try the renderers one at a time, largest first,
        until the browser moves on to the next page; an innocent one killed first has long been
        noticed dead by then, so the browser gives no tab a process that is dying. The wait for the
        next page is generous: under ThreadSanitizer on a loaded machine the crawl takes seconds
        to hear of the crash and start the next page."""
        mains.add(browser_main(process.pid))
        loads = browser_loads(server)
        for victim in renderers(process.pid):
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and browser_loads(server) == loads and process.poll() is None:
                time.sleep(0.05)
            if browser_loads(server) > loads or process.poll() is not None:
                return  # the next page is loading, or this was the last page
        raise Failure("killing every renderer did not end the page's load")

    by_rule, crawl_json, _ = crash_audit(server_path, work, len(HANGS), kill_renderer)
    failed = by_rule.get("render-failed", {})
    check(set(HANGS) <= set(failed), "render-failed on %s, want at least %s" % (failed, HANGS))
    # A day page can lose its renderer too: Chromium may hand a killed renderer's process to the
    # next page of the same site before the kill lands (seen in CI: two day pages crashed with a
    # hang page's renderer), and when the crawl outlasts the wait above the next renderer killed
    # may be the one the next page is committing into, whose navigation the browser then answers
    # with net::ERR_ABORTED (seen in CI under ThreadSanitizer). Such a page is reported with what
    # the browser said; a hang page, whose renderer died while it loaded, must say it crashed.
    for path, message in failed.items():
        collateral = path not in HANGS and "net::ERR_ABORTED" in message
        check("crash" in message or collateral, "render-failed on %s does not say it crashed: %s" % (path, message))
    rendered = sorted(by_rule.get("render-title-changed", {}))
    # Every page is either rendered or reported failed, and the crawl went on rendering after the
    # crashes.
    check(sorted(set(rendered) | set(failed)) == sorted(["/"] + DAYS + HANGS) and not set(rendered) & set(failed),
          "pages rendered %s and reported failed %s: want each page once" % (rendered, sorted(failed)))
    check("/" in rendered and len(rendered) >= 1 + len(DAYS) // 2,
          "pages rendered (retitled by their script): %s" % rendered)
    check(len(mains) == 1 and None not in mains, "the browser was replaced (main processes %s)" % mains)
    render = crawl_json.get("render", {})
    check(render.get("pages_rendered") == len(rendered) and render.get("failures") == len(failed),
          "crawl.json render counts %s" % render)


def case_browser_restart(server_path, work):
    """The browser's main process is killed (-9) while each /hang-N/ page loads: the page gets
    render-failed, a new browser renders the pages after it, and once the browser died
    1 + BROWSER_MAX_RESTARTS times the crawl ends cleanly with the rest reported as not rendered."""
    deaths = 1 + max_restarts()
    check(deaths <= len(HANGS), "the render-crash site has fewer hang pages than browser deaths to cause")
    mains = []

    def kill_browser(process, server, seen):
        main = browser_main(process.pid)
        check(main and main not in mains, "no new browser for /hang-%d/ (main processes so far %s)" %
              (len(mains) + 1, mains))
        mains.append(main)
        os.kill(main, signal.SIGKILL)

    by_rule, crawl_json, requests = crash_audit(server_path, work, deaths, kill_browser)
    # The order pages reach the tab is nearly the home page's link order (pages are extracted on
    # several threads), so what is expected is read from the server's log: every page the browsers
    # loaded but the hang pages killed is rendered, and every page no browser loaded (those after
    # the last death) is reported as not rendered.
    loads = browser_loads_in_order(requests)
    killed = [p for p in loads if p in HANGS]
    check(len(killed) == deaths, "the browsers loaded hang pages %s, want %d" % (killed, deaths))
    after_first_death = loads[loads.index(killed[0]) + 1:]
    check(any(p in DAYS for p in after_first_death), "no page was rendered after the first browser died: %s" % loads)
    want_rendered = sorted(p for p in loads if p not in HANGS)
    rendered = sorted(by_rule.get("render-title-changed", {}))
    check(rendered == want_rendered, "rendered: %s, want %s (browser loads %s)" % (rendered, want_rendered, loads))
    never_loaded = sorted(set(["/"] + HANGS + DAYS) - set(loads))
    check(never_loaded, "every page was loaded: the browser was restarted more than %d times" % (deaths - 1))
    failed = by_rule.get("render-failed", {})
    want_failed = sorted(killed + never_loaded)
    check(sorted(failed) == want_failed, "render-failed on %s, want %s" % (sorted(failed), want_failed))
    for path in killed:
        check("crashed" in failed[path] and "browser" in failed[path], "%s: %s" % (path, failed[path]))
    for path in never_loaded:
        check("could not be started again" in failed[path], "%s: %s" % (path, failed[path]))
    render = crawl_json.get("render", {})
    check(render.get("pages_rendered") == len(want_rendered) and render.get("failures") == len(want_failed),
          "crawl.json render counts %s" % render)


# ---- the crawl's proxy is the browser's ----

def proxied_audit(server_path, work, extra, env):
    """Audits http://spa.test/, a name that does not resolve, through the fixture server as a forward
    proxy (docs/fixture-server.md): every page and asset must come through it. Returns the server's
    log (absolute URLs for what went through the proxy) and pages.csv by URL. The page that never
    finishes loading is left out, so the render timeout can be generous for a slow (sanitized) build
    without every run waiting it out."""
    s = Server(server_path, SITE)
    try:
        proxy = "http://127.0.0.1:%d" % s.port
        args = [CRAWLPACK, "audit", "http://spa.test/", "--quiet", "--out", os.path.join(work, "out"), "--render",
                "--render-timeout", "30000", "--exclude", "/hangs/"] + [proxy if a == "PROXY" else a for a in extra]
        proxy_variables = ("http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY")
        env = dict({k: v for k, v in os.environ.items() if k not in proxy_variables},
                   **{k: proxy if v == "PROXY" else v for k, v in env.items()})
        result = subprocess.run(args, capture_output=True, text=True, timeout=BOUND * 2, env=env)
        requests = [r[2] for r in s.requests()]
    finally:
        s.stop()
    check(result.returncode in (0, 1), "audit exited %d: %s" % (result.returncode, result.stderr))
    pages = {r["url"]: r for r in read_csv(os.path.join(work, "out", "pages.csv"))}
    check(pages.get("http://spa.test/", {}).get("title") == "Spa Outfitters",
          "the home page was not rendered through the proxy: %s; render-failed: %s" %
          (pages.get("http://spa.test/"), findings_by_rule(os.path.join(work, "out"), "http://spa.test").get("render-failed")))
    check(requests.count("http://spa.test/") >= 2, "the browser did not load the page through the proxy: %s" % requests)
    check("http://spa.test/assets/app.js" in requests, "the page's script did not come through the proxy")
    return requests


def case_proxy(server_path, work):
    """-x: the browser uses the crawl's proxy, for the page's own host and another one."""
    requests = proxied_audit(server_path, work, ["-x", "PROXY"], {})
    check("http://cdn.spa.test/assets/lib.js" in requests, "the other host's script did not come through the proxy")


def case_proxy_environment(server_path, work):
    """http_proxy and no_proxy, which libcurl reads for the crawl: the browser follows both (the
    host no_proxy names is reached directly, where its name does not resolve)."""
    requests = proxied_audit(server_path, work, [], {"http_proxy": "PROXY", "no_proxy": "cdn.spa.test"})
    check(not any("cdn.spa.test" in r for r in requests), "a host no_proxy names went through the proxy")


if __name__ == "__main__":
    sys.exit(run_cases(globals(), "e2e_render.py", "render-e2e-"))
