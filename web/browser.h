/* SPDX-License-Identifier: Apache-2.0 */
/* web/browser: one headless Chromium, kept running, that loads pages in tabs and hands back the
 * DOM a browser built from them (--render).
 *
 * The browser is Debian's `chromium`, started with posix_spawn in its own process group and
 * driven over the DevTools protocol on --remote-debugging-pipe: fd 3 carries commands to it, fd 4
 * its answers and events, each JSON message (jansson) ended by a NUL byte. No WebSocket, no port.
 * A page is a tab: Target.createTarget, attached as a flat session, Fetch / Network / Runtime /
 * Page enabled, Page.navigate; the page is done when its load event fired and none of its
 * requests has been in flight for a short quiet period (or a second after load; browser.c says
 * why), then, after a short timer in the page, document.documentElement.outerHTML is read (cut at
 * max_html bytes) and the tab closed. A page not done within timeout_ms, a tab that crashes and a
 * browser that dies are results, not errors: the tab is closed (the browser restarted at the next
 * page, at most BROWSER_MAX_RESTARTS times in a run).
 *
 * Scope (every request of every tab is intercepted with Fetch.enable): the page's own document
 * loads; any other document (a JavaScript navigation, an iframe) is answered 204 No Content (the
 * frame keeps what it has) and counted, so the
 * browser never visits a page the crawl did not choose (the crawl fetched the page first, after
 * asking robots.txt). Subresources (scripts, styles, images, XHR/fetch, fonts) load from any
 * origin, but only requests to credential_origin carry the crawl's extra headers, cookie and basic
 * auth; every other host gets the browser's own headers only. Host names go where the crawl's
 * --connect-to and --resolve send them (Chromium's --host-resolver-rules), requests through the
 * crawl's proxy: -x or libcurl's proxy environment variables, --noproxy or no_proxy
 * (--proxy-server, --proxy-bypass-list; browser_proxy.c).
 *
 * Threads: a browser belongs to the thread that created it; none of its functions may be called
 * from another thread. Memory: browser_new copies what it keeps of the options; a result is owned
 * by the done callback (browser_page_free). Errors: browser_new returns NULL with a message when
 * the browser cannot start (not installed, no pipe); browser_submit returns CP_OK, CP_ERR_LIMIT
 * when every tab is busy, CP_ERR_NOMEM, or CP_ERR_IO when the browser cannot be (re)started: the
 * caller then reports the page as not rendered. browser_free kills the process group by its PID
 * and waits for it, always, and removes the profile folder. */
#ifndef CRAWLPACK_WEB_BROWSER_H
#define CRAWLPACK_WEB_BROWSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "web/fetch.h"

#define BROWSER_DEFAULT_TIMEOUT_MS 10000L
#define BROWSER_DEFAULT_MAX_HTML ((size_t)4 << 20)
#define BROWSER_MAX_RESTARTS 3
#define BROWSER_START_TIMEOUT_MS 30000L /* the first answer of a starting browser */
/* Tabs when none is asked for: two per online CPU, 2 to 8. A tab spends part of each page waiting
 * (the network, the quiet period before the DOM is read, the pipe), so one per CPU leaves CPUs idle;
 * on a 2-core box 4 tabs rendered a generated site faster than 2 (bench/render). */
#define BROWSER_DEFAULT_TABS ((size_t)browser_default_tabs())
int browser_default_tabs(void);

struct browser_options {
    const char *executable;            /* NULL: $CRAWLPACK_CHROMIUM, else "chromium" on PATH */
    const struct fetch_options *fetch; /* headers, cookie, credentials, user agent, --resolve, --connect-to */
    const char *credential_origin;     /* "http://host:port": the one origin given the crawl's headers */
    long timeout_ms;                   /* per page; 0: BROWSER_DEFAULT_TIMEOUT_MS */
    int tabs;                          /* pages in flight; 0: BROWSER_DEFAULT_TABS */
    size_t max_html;                   /* DOM bytes kept per page; 0: BROWSER_DEFAULT_MAX_HTML */
};

enum browser_outcome {
    BROWSER_RENDERED = 0, /* the DOM was read after load */
    BROWSER_TIMEOUT,      /* not done within timeout_ms (a hung tab): closed */
    BROWSER_CRASHED,      /* the tab's renderer or the whole browser died */
    BROWSER_FAILED,       /* the navigation failed (network error, refused) or the browser could not start */
};

struct browser_page {
    char *url; /* as submitted */
    void *user_data;
    enum browser_outcome outcome;
    char *html; /* BROWSER_RENDERED: the DOM, NUL-terminated; else NULL */
    size_t html_length;
    bool html_truncated;        /* the DOM was longer than max_html */
    char *error;                /* what went wrong (outcome != BROWSER_RENDERED); else NULL */
    uint32_t exceptions;        /* uncaught script exceptions */
    char *first_exception;      /* the first one's text, or NULL */
    uint32_t console_errors;    /* console.error calls */
    uint32_t blocked_documents; /* navigations and frames refused (see Scope above) */
    char *first_blocked;        /* the first refused document's URL, or NULL */
    double elapsed_ms;
};

struct browser;

typedef void (*browser_done_fn)(struct browser_page *page, void *context);

struct browser *browser_new(const struct browser_options *options, char *error, size_t error_size);
/* Kill the process group, wait for it, remove the profile; pages in flight are dropped silently. */
void browser_free(struct browser *browser);

/* Start loading url (absolute http(s)) in a new tab. */
int browser_submit(struct browser *browser, const char *url, void *user_data);
size_t browser_in_flight(const struct browser *browser);
size_t browser_free_tabs(const struct browser *browser);

/* Read the browser's messages for at most wait_ms and call done for every page that finished
 * (rendered, timed out, crashed). Returns the pages still in flight. */
size_t browser_run(struct browser *browser, long wait_ms, browser_done_fn done, void *context);

/* Finish every page in flight now as BROWSER_FAILED ("the crawl stopped"), through done. */
void browser_cancel_all(struct browser *browser, browser_done_fn done, void *context);

/* The browser's process id (its process group), 0 when none runs: for measuring its memory. */
pid_t browser_pid(const struct browser *browser);

void browser_page_free(struct browser_page *page);

/* "rendered", "timeout", "crashed", "failed". */
const char *browser_outcome_name(enum browser_outcome outcome);

#endif
