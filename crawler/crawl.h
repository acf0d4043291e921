/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl: the crawl pipeline — frontier -> fetch -> extract -> graph -> frontier.
 *
 * One fetch-loop thread (the thread that calls crawl_run) owns the frontier, the fetcher (or the
 * build folder of --root), the link graph and the per-page records; a pool of extraction workers
 * parses response bodies with web/extract and resolves each link's crawl identity. Hand-offs
 * are two queues: responses to the workers, page outcomes back. Bodies live from fetch to
 * extraction only. URLs are claimed breadth-first, so a page's depth is its click depth from the
 * start (redirect hops keep the depth of the page that redirected).
 *
 * Each URL is interned once (linkgraph/graph is the seen-set) and fetched at most once. robots.txt
 * is fetched per origin before that origin's first page, with RFC 9309's fetch semantics
 * (web/robots), and obeyed unless ignore_robots. Redirects are not followed by the transport:
 * each hop is a redirect edge and its target is queued like a link.
 *
 * Threads: crawl_run blocks its caller until the crawl ends. The only thing another thread (or a
 * signal handler) may touch is *options->stop_flag: setting it stops claiming new URLs, lets
 * transfers in flight end within 2 s, and returns what was learned with CP_ERR_INTERRUPTED.
 * Memory: the struct crawl_result (graph, page records, robots outcomes, findings) belongs to the
 * caller, released with crawl_result_free. links.csv is written while crawling (anchors are not
 * kept in memory) when options->links_out is set.
 * Errors: CP_OK; CP_ERR_INVALID for a bad start URL or option (message in error); CP_ERR_NOMEM;
 * CP_ERR_INTERRUPTED when stopped (by the flag or max_duration_ms: the result is complete up to
 * that point). A page that fails to fetch is a record with an error class, not an error; whether
 * the start page itself was reached is result->start_outcome (the caller decides what a failed
 * crawl means: `crawl` and `audit` exit with the runtime-failure code).
 * Blocked answers (web/bot_wall) are neither fetched pages nor errors: the page record says
 * CRAWL_PAGE_BLOCKED and one crawl-blocked finding per origin says how many and why. A 429/503
 * whose Retry-After passes CRAWL_RETRY_AFTER_CAP_MS is not waited for: that URL and every URL of
 * its origin still queued are reported blocked without another request. */
#ifndef CRAWLPACK_CRAWLER_CRAWL_H
#define CRAWLPACK_CRAWLER_CRAWL_H

#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crawler/link_index.h"
#include "crawler/frontier.h"
#include "web/fetch.h"
#include "findings/findings.h"

/* The longest Retry-After the crawl waits for (the frontier's longest pause): a server asking for
 * more is not waited for, and its origin is reported blocked. */
#define CRAWL_RETRY_AFTER_CAP_MS 60000L

struct graph;
struct crawl_result;
struct robots;
struct store;
struct page_signals;

/* Called on the fetch-loop thread for every page extracted, after its links are in the graph:
 * the audit reads the signals the graph does not keep (every canonical with its place, robots
 * statements, hreflang validity, titles). signals is valid during the call only. */
typedef void (*crawl_page_fn)(void *context, struct graph *graph, uint32_t node, const struct page_signals *signals);

/* What rendering one page (--render) gave, beside its two signal sets. */
struct crawl_render_info {
    int outcome;                 /* enum browser_outcome (web/browser.h): 0 rendered */
    const char *error;           /* why it failed ("not loaded within 10000 ms"); NULL when rendered */
    uint32_t exceptions;         /* uncaught script exceptions */
    const char *first_exception; /* the first one's message, or NULL */
    uint32_t console_errors;
    uint32_t blocked_documents; /* navigations or frames the browser was kept from (scope) */
    const char *first_blocked;
    double elapsed_ms;
    uint32_t internal_links;               /* distinct in-scope <a>/<area> targets of the rendered DOM */
    uint32_t internal_links_rendered_only; /* ... of which the raw HTML has no reference */
};

/* Called on the fetch-loop thread for a page the crawl rendered, after on_page (which then gets
 * the rendered signals, or the raw ones when rendering failed): raw and rendered (NULL when the
 * render failed) are valid during the call only. */
typedef void (*crawl_render_fn)(void *context, struct graph *graph, uint32_t node, const struct page_signals *raw,
                                const struct page_signals *rendered, const struct crawl_render_info *info);

/* Pages rendered per crawl unless --render-max says otherwise. */
#define CRAWL_DEFAULT_RENDER_MAX 1000

struct crawl_options {
    const char *start_url;      /* the crawl's start (with --root: defaults to site_url) */
    const char *root_dir;       /* --root: answer from this folder instead of the network */
    const char *site_url;       /* --site-url, with --root */
    struct fetch_options fetch; /* transport: timeouts, caps, headers, auth, --resolve */
    int concurrency;            /* transfers in flight; 0: 16 */
    int per_host;               /* 0: 4, or concurrency on loopback and --root */
    double rate;                /* per origin; <0: unlimited; 0: 10 elsewhere, unlimited on loopback */
    int threads;                /* extraction workers; 0: number of cores */
    bool ignore_robots;
    bool respect_crawl_delay;
    bool subdomains;
    bool check_external;     /* one HEAD per out-of-scope http(s) target */
    const regex_t *includes; /* compiled POSIX ERE, any must match (none: all) */
    size_t include_count;
    const regex_t *excludes; /* none may match */
    size_t exclude_count;
    const char *const *strip_params; /* query parameters dropped from the crawl identity ("utm_*") */
    size_t strip_param_count;
    const char *const *sitemaps; /* --sitemap URLs, read besides robots.txt's Sitemap: lines */
    size_t sitemap_count;
    bool no_sitemaps; /* do not discover or read sitemaps */
    /* Exact modes: no link, redirect target or canonical is followed. List mode fetches exactly
     * list_urls (start_url is their first; every listed origin is in scope; no sitemap is read);
     * sitemap_only fetches exactly the URLs the start origin's sitemaps list (start_url names the
     * site and is fetched only when a sitemap lists it). robots.txt is fetched and obeyed in both. */
    const char *const *list_urls;
    size_t list_count;
    bool sitemap_only;
    long max_depth;                   /* <0: unlimited */
    long max_pages;                   /* 0: unlimited */
    size_t max_url_length;            /* 0: URL_DEFAULT_MAX_LENGTH */
    uint32_t max_links_per_page;      /* links read per page; 0: EXTRACT_DEFAULT_MAX_LINKS */
    uint32_t max_parse_ms;            /* CPU time for one page's HTML parse; 0: EXTRACT_DEFAULT_MAX_PARSE_MS */
    size_t max_per_template;          /* 0: FRONTIER_DEFAULT_MAX_PER_TEMPLATE (500) */
    int max_redirects;                /* hops per chain; 0: 10 */
    long max_duration_ms;             /* 0: unlimited */
    int max_origin_failures;          /* failures in a row that abandon an origin; 0: 25 */
    long max_origin_backoff_ms;       /* accumulated back-off that abandons an origin; 0: 10 min */
    size_t max_sitemap_urls;          /* sitemap entries read per run; 0: SITEMAP_DEFAULT_MAX_URLS */
    size_t max_findings_per_cause;    /* findings kept per cause (findings/finding_cap.h); 0: its default */
    volatile sig_atomic_t *stop_flag; /* may be NULL */
    FILE *links_out;                  /* links.csv stream (header written by the caller), or NULL */
    /* Which of links.csv's rows to list in the result's links_index (crawler/link_index.h): an
     * audit writing report.html passes the report's; NULL lists none. */
    const struct link_index_limits *links_index_limits;
    char *links_buffer;        /* links_out's stdio buffer when crawl_output_begin opened it */
    crawl_page_fn on_page;     /* may be NULL */
    crawl_render_fn on_render; /* may be NULL; called with on_page_context */
    void *on_page_context;
    /* --render: every in-scope HTML page that answered 200 and whose raw HTML has no noindex is
     * also loaded in a headless browser (web/browser); its rendered DOM is extracted like a body,
     * links only it holds are crawled (links.csv's rendered column), and on_page sees the rendered
     * signals (what search engines index). Not with root_dir. */
    bool render;
    long render_max;        /* pages rendered; 0: CRAWL_DEFAULT_RENDER_MAX */
    long render_timeout_ms; /* per page; 0: BROWSER_DEFAULT_TIMEOUT_MS */
    int render_concurrency; /* tabs in flight; 0: BROWSER_DEFAULT_TABS */
    int progress;           /* 0 none, 1 a status line on stderr (TTY: updating; else every 10 s) */
    /* The crawl store (store/store.h), with a run begun, or NULL: every page's response and signals
     * are written to it from the fetch loop as the crawl goes, in batches; crawl_output_finish
     * adds the end-of-run rows. The caller opens, ends and closes it. */
    struct store *store;
    /* With a store: a URL this run of the store holds is answered from it (its stored response and
     * signals, replayed as if fetched) instead of being fetched: --resume gives the run being
     * resumed. 0: none. */
    int64_t replay_run;
    /* With a store, every run is compared with the store's last complete run of the same start URL:
     * its pages are asked for with If-None-Match / If-Modified-Since from their stored validators,
     * and a 304 or an unchanged body reuses the stored signals instead of parsing the page
     * (result->changes). no_previous turns that off. */
    bool no_previous;
    bool progress_tty;
};

/* Per-page facts beyond what the graph keeps (indexed by graph node id). */
#define CRAWL_PAGE_FETCHED 0x01u
#define CRAWL_PAGE_HSTS 0x02u
#define CRAWL_PAGE_TRUNCATED 0x04u
#define CRAWL_PAGE_ROBOTS_BLOCKED 0x08u
#define CRAWL_PAGE_QUEUED 0x10u
#define CRAWL_PAGE_TRAPPED 0x20u           /* refused: its path template hit --max-per-template */
#define CRAWL_PAGE_NOT_FETCHED_LIMIT 0x40u /* queued, but a limit (pages, time, Ctrl-C) stopped the crawl */
#define CRAWL_PAGE_UNREACHABLE 0x80u       /* its request never left: no connection (DNS, connect, TLS) */
#define CRAWL_PAGE_BEYOND_DEPTH 0x100u     /* in scope, linked, not queued: deeper than --max-depth */
#define CRAWL_PAGE_ORIGIN_ABANDONED 0x200u /* not fetched: its origin's failure budget was spent */
#define CRAWL_PAGE_SAME_TEXT 0x800u        /* CRAWL_CHANGE_CHANGED, but the main text is the previous run's */
#define CRAWL_PAGE_WAS_OK 0x1000u /* the previous run (a re-audit's) answered it 2xx: gone unless 2xx/3xx now */
#define CRAWL_PAGE_BLOCKED \
    0x400u /* a rate limit or bot wall answered instead of the page (web/bot_wall),
                                         or its origin had asked to wait past the cap: not crawled,
                                         not broken. The graph does not mark it fetched. */

struct crawl_page {
    uint32_t depth; /* UINT32_MAX: not reached by a followed link */
    uint32_t size;  /* body bytes (decoded) */
    float ttfb_ms, total_ms;
    uint32_t analytics; /* extract_analytics bits */
    uint16_t status;
    uint16_t flags;         /* CRAWL_PAGE_* */
    uint8_t http_version;   /* 10, 11, 20, 30 */
    uint8_t error_class;    /* enum http_error_class */
    uint8_t redirect_hops;  /* hops from the first page of its redirect chain */
    uint8_t change;         /* enum crawl_change: against the store's previous run */
    uint32_t links_dropped; /* references not followed: over the link cap, too long, not URLs */
    uint32_t last_modified; /* the Last-Modified header, seconds since the epoch; 0: none or not a date */
    uint64_t body_hash;     /* FNV-1a 64 of the body as read; 0: no body (duplicate-url-variants) */
    uint64_t content_hash;  /* the main text's fingerprints (web/fingerprint.h); 0: none */
    uint64_t simhash;
    uint32_t main_words;
    char *text; /* packed strings, see crawl_page_text */
};

/* A page against the store's previous complete run of the site (an incremental re-audit). */
enum crawl_change {
    CRAWL_CHANGE_NONE = 0,  /* no previous run, or not fetched */
    CRAWL_CHANGE_NEW,       /* the previous run did not store it */
    CRAWL_CHANGE_CHANGED,   /* another body (or status) than the previous run's */
    CRAWL_CHANGE_UNCHANGED, /* a 304, or the same body: its stored signals were reused */
};
/* "new", "changed", "unchanged"; NULL for CRAWL_CHANGE_NONE. */
const char *crawl_change_name(enum crawl_change change);
/* Whether the page's content changed since the previous run, as a sitemap's <lastmod> should
 * tell: its main text (web/fingerprint) when both runs have one, else its body. 1 changed, 0 not,
 * -1 unknown (no previous run, new, not fetched). */
int crawl_text_changed(const struct crawl_page *page);

enum crawl_page_field {
    CRAWL_TEXT_CONTENT_TYPE,
    CRAWL_TEXT_TITLE,
    CRAWL_TEXT_ROBOTS,
    CRAWL_TEXT_ENCODING,
    CRAWL_TEXT_ERROR,
    CRAWL_TEXT_ROBOTS_RULE, /* for a page robots.txt disallows: the deciding line ("line 4: Disallow: /x/"),
                               worked out once when the crawl asked robots.txt, kept with --ignore-robots too */
    CRAWL_TEXT_DESCRIPTION,
    CRAWL_TEXT_H1,        /* meta description, first <h1> (duplicate and soft-404 rules) */
    CRAWL_TEXT_CANONICAL, /* the page's canonical when the graph cannot hold it (not http(s): file:///...,
                               or not a URL at all), as resolved or else as written: pages.csv keeps the evidence */
    CRAWL_TEXT_COUNT
};
/* One of the page's strings ("" when absent). */
const char *crawl_page_text(const struct crawl_page *page, enum crawl_page_field field);

/* One sitemap tried, for crawl.json. */
struct crawl_sitemap_outcome {
    char *url;
    const char *origin; /* "robots.txt", "argument", "default", "index" */
    long status;        /* HTTP status; 0 when none */
    bool read;
    size_t urls;
    char *error; /* why it was not read; NULL when read */
};

/* robots.txt outcome per origin, for crawl.json. */
struct crawl_robots_outcome {
    char *origin;
    char *robots_url;
    long status;
    char *action; /* "parse", "allow-all", "disallow-all" */
    char *reason;
    size_t bytes;
    struct robots *robots;    /* compiled; owned */
    bool has_crawl_delay;     /* robots.txt gives our product token a Crawl-delay ... */
    double crawl_delay_s;     /* ... of this many seconds */
    bool crawl_delay_applied; /* --respect-crawl-delay spaced this origin's requests by it */
    char *transport_error;    /* "dns: ...", "connect: ...", "tls: ...": the host itself could
                                       not be reached; NULL otherwise */
    /* The origin's answer to a path that does not exist, asked once after robots.txt (soft-404's
     * reference: a page answering 200 with this content is a soft 404). Never a page of the crawl:
     * no graph node, no row, never broken. Not asked in exact modes or where robots.txt forbids. */
    char *not_found_url;                        /* NULL: not asked */
    long not_found_status;                      /* 0: no answer */
    uint64_t not_found_hash, not_found_simhash; /* its main text's fingerprints; 0: none */
    uint32_t not_found_words;
};

/* What every URL with a row got, for the progress line and the summaries people read: a
 * response by status class, refused by robots.txt, or no response at all. */
struct crawl_outcomes {
    uint64_t status_2xx, status_3xx, status_4xx, status_5xx;
    uint64_t disallowed;     /* not fetched: robots.txt disallows it */
    uint64_t blocked;        /* a rate limit or bot wall answered (CRAWL_PAGE_BLOCKED) */
    uint64_t network_errors; /* no HTTP response: DNS, connect, TLS, timeout, too large */
};

/* "changes since run 3: 2 new, 5 changed, 110 unchanged, 1 gone" into dst, or "" when the crawl
 * had no previous run to compare with (always terminated). */
void crawl_changes_format(const struct crawl_result *result, char *dst, size_t size);

/* "2xx 120, 3xx 4, 4xx 2, 5xx 0, disallowed 3, blocked 1, network errors 1" into dst (always
 * terminated). */
void crawl_outcomes_format(const struct crawl_outcomes *outcomes, char *dst, size_t size);

/* A partial crawl: the in-scope URLs it found and did not fetch, by why. Any of them makes the
 * link graph incomplete: their links are unknown, so rules that need the whole graph (orphans,
 * inlink counts, pages missing from sitemaps) cannot conclude (docs/audit.md). URLs kept out on
 * purpose (robots.txt, --exclude, --max-per-template traps, nofollow-only) do not count. */
struct crawl_partial {
    size_t stopped;         /* queued when --max-pages, --max-duration or Ctrl-C stopped it */
    size_t beyond_depth;    /* deeper than --max-depth */
    size_t unreachable;     /* no connection could be made (DNS, connect, TLS) */
    size_t sitemaps_unread; /* sitemaps found but not fetched before the crawl stopped */
};

/* Whether the crawl reached its start page (the end of the start URL's redirect chain). */
enum crawl_start_outcome {
    CRAWL_START_OK = 0,      /* an HTTP answer below 400 */
    CRAWL_START_HTTP_ERROR,  /* the site's own 4xx/5xx: the audit reports it as a finding */
    CRAWL_START_UNREACHABLE, /* no HTTP answer: DNS, connect, TLS or timeout, on the page or its
                                   origin's robots.txt (a failed crawl, not a finding) */
    CRAWL_START_BLOCKED,     /* a rate limit or bot wall answered (a failed crawl) */
    CRAWL_START_NOT_FETCHED, /* robots.txt disallows it, or a limit or Ctrl-C came first */
};

/* "ok", "http-error", "unreachable", "blocked", "not-fetched" (crawl.json). */
const char *crawl_start_outcome_name(enum crawl_start_outcome outcome);

struct crawl_result {
    struct graph *graph;
    struct crawl_page *pages; /* graph_node_count(graph) entries */
    uint32_t start_node;
    int concurrency, per_host, threads; /* the values in effect after defaults */
    double rate;                        /* requests per second per origin; 0: unlimited */
    struct crawl_robots_outcome *robots;
    size_t robots_count;
    struct crawl_sitemap_outcome *sitemaps;
    size_t sitemap_count;
    uint64_t sitemap_urls;        /* entries seen in sitemaps */
    uint64_t not_found_probes;    /* missing-path requests made (one per in-scope origin at most) */
    struct finding_list findings; /* robots.txt, sitemap and crawl-host-paused findings raised while crawling */
    char **traps;                 /* templates refused by --max-per-template, with counts */
    char **trap_examples;         /* per template, one URL it refused (see frontier_trap_at) */
    size_t *trap_refused;
    size_t trap_count;
    char **breaker_events; /* "origin: paused N times, M ms" */
    size_t breaker_count;
    /* counts and timings */
    uint64_t pages_fetched, fetch_errors, bytes_downloaded, links_found, throttled;
    uint64_t pages_replayed; /* of pages_fetched: answered from the store (options->replay_run) */
    /* Against the store's previous complete run of the same start URL (0: none): pages new,
     * changed and unchanged (304 or the same body: not parsed again), and gone (answered 2xx then,
     * not found answering 2xx/3xx now). */
    struct crawl_changes {
        int64_t previous_run;
        uint64_t new_pages, changed, unchanged, gone;
    } changes;
    /* With a previous run: per node, the <lastmod> its sitemaps gave the page then (the latest of
     * its entries, seconds since the epoch) or GRAPH_NO_LASTMOD; NULL without a previous run or when
     * the store could not be read. The sitemap-lastmod-stale and -unreliable rules read it with
     * crawl_text_changed. */
    int64_t *previous_lastmod;
    struct crawl_outcomes outcomes;
    double elapsed_ms, cpu_seconds;
    long peak_rss_kb;
    size_t memory_bytes; /* graph + page records + frontier at the end */
    bool interrupted;
    bool links_incomplete;                    /* links.csv lost rows (out of memory): not written */
    struct link_index links_index;            /* links.csv's rows report.html may show (crawler/link_index.h) */
    bool truncated_by_limit;                  /* --max-pages / --max-duration stopped it */
    const char *stopped_by;                   /* "--max-pages" or "--max-duration" (static), or NULL */
    struct crawl_partial partial;             /* in-scope URLs found but not fetched, by why */
    uint64_t pages_blocked;                   /* CRAWL_PAGE_BLOCKED pages (requested or not) */
    uint64_t pages_rendered, render_failures; /* --render: pages whose DOM was read, pages that failed */
    double render_ms;                         /* --render: wall time of the rendered pages, summed */
    enum crawl_start_outcome start_outcome;
    char *start_problem; /* what the start URL got when not CRAWL_START_OK, e.g.
                                       "dns: Could not resolve host: x", "answered HTTP 404" */
};

/* Whether the crawl is partial, and one line saying why ("--max-pages stopped the crawl: 12
 * in-scope URLs found were not fetched (9 queued, 3 beyond --max-depth)"), written to reason. */
bool crawl_result_partial(const struct crawl_result *result, char *reason, size_t size);

int crawl_run(const struct crawl_options *options, struct crawl_result *result, char *error, size_t error_size);
/* The crawl's pages: in-scope URLs fetched (the audit's page count; the store's runs.pages). */
size_t crawl_result_pages(const struct crawl_result *result);
void crawl_result_free(struct crawl_result *result);

/* The User-Agent's product token used for robots.txt ("crawlpack" by default). */
void crawl_robots_token(const char *user_agent, char *dst, size_t size);

#endif
