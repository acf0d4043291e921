/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/frontier: what to fetch next, and when, politely.
 *
 * The frontier holds the URLs waiting to be fetched, one queue per origin (scheme://host:port),
 * each ordered by click depth (breadth-first; ties in discovery order). It decides when an origin
 * may receive its next request: at most per_host requests in flight, at most `rate` request starts
 * per second, a pause after a 429/503 (its Retry-After, or an exponential back-off), and a pause
 * when the origin's error rate over its last responses passes a threshold (circuit breaker). It
 * also stops crawl traps: URLs are grouped by template (the path, plus the query's parameter names
 * without their values), and a template that has produced max_per_template URLs admits no more;
 * traps in the path itself are caught by path templates: a path whose last 1-3 segments repeat
 * three times (/a/b/a/b/a/b/, relative links resolving deeper and deeper) is refused at once, and
 * number and date segments are grouped (/calp/{n}/{n}/), a group that has produced
 * max_per_template URLs found ever deeper (a calendar's next-month chain; a catalogue's /p/{n},
 * linked from a few listing depths, is not) admits no more. An origin that keeps failing is
 * abandoned (see frontier_finish).
 *
 * The seen-set is not here: the caller interns URLs (linkgraph/graph) and pushes each node id once.
 *
 * Threads: one owner thread (the crawl's fetch loop); nothing is locked.
 * Memory: the frontier copies origin names and templates; it owns everything it allocates.
 * Errors: functions returning int give CP_OK, CP_ERR_NOMEM, or CP_ERR_LIMIT (trap cap reached). */
#ifndef CRAWLPACK_CRAWLER_FRONTIER_H
#define CRAWLPACK_CRAWLER_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/url.h"

/* URLs crawled per path template (--max-per-template) when the options say 0: against crawl traps. */
#define FRONTIER_DEFAULT_MAX_PER_TEMPLATE 500

struct frontier_options {
    int per_host;               /* requests in flight per origin; 0: 4 */
    double rate;                /* request starts per second per origin; 0: unlimited */
    size_t max_per_template;    /* 0: FRONTIER_DEFAULT_MAX_PER_TEMPLATE */
    int breaker_window;         /* responses looked at; 0: 20 */
    double breaker_ratio;       /* error share that opens the breaker; 0: 0.5 */
    long breaker_pause_ms;      /* 0: 30 s */
    long default_backoff_ms;    /* a 429/503 without Retry-After; 0: 2 s, doubled per repeat */
    long max_backoff_ms;        /* cap on any pause (a longer Retry-After included); 0: 60 s */
    int max_origin_failures;    /* failures in a row (network, 5xx, 429) that abandon an origin; 0: 25 */
    long max_origin_backoff_ms; /* accumulated pauses that abandon an origin; 0: 10 min */
};

#define FRONTIER_DEFAULT_MAX_ORIGIN_FAILURES 25
#define FRONTIER_DEFAULT_MAX_ORIGIN_BACKOFF_MS (10L * 60 * 1000)
#define FRONTIER_NO_NODE UINT32_MAX
/* Depths at or above this are "not reached by a link" (a sitemap-only URL's queue priority). */
#define FRONTIER_UNREACHED_DEPTH 0x7FFFFFFFu
/* frontier_push and frontier_retry: the URL's origin was abandoned (not an error: a status > 0). */
#define FRONTIER_ABANDONED 1

/* An origin's robots.txt state, set by the crawl: an origin's URLs are claimed only when READY. */
enum frontier_robots_state {
    FRONTIER_ROBOTS_UNKNOWN = 0, /* nobody asked yet: the next claim returns the origin itself */
    FRONTIER_ROBOTS_PENDING,     /* robots.txt is being fetched */
    FRONTIER_ROBOTS_READY,
};

struct frontier_origin; /* opaque; valid until frontier_free */

struct frontier_claim {
    enum { FRONTIER_NONE, FRONTIER_URL, FRONTIER_ROBOTS } kind;
    uint32_t node;
    uint32_t depth;
    uint32_t attempt; /* 0 for the first try */
    struct frontier_origin *origin;
    long wait_ms; /* FRONTIER_NONE: how long until something may be ready, -1: nothing queued */
};

struct frontier;

struct frontier *frontier_new(const struct frontier_options *options);
void frontier_free(struct frontier *frontier);

/* Queue node (whose parsed URL is url) at depth. CP_ERR_LIMIT when its template is over the cap
 * (the template is then flagged, see frontier_trap_count); FRONTIER_ABANDONED when its origin was
 * given up (counted in the origin's not_crawled). */
int frontier_push(struct frontier *frontier, uint32_t node, const struct url *url, uint32_t depth);
/* Put a claimed URL back (after a 429/503), to be tried again after the origin's pause. */
int frontier_retry(struct frontier *frontier, const struct frontier_claim *claim);

/* The next URL to fetch at time now_ms, or FRONTIER_ROBOTS when an origin first needs its
 * robots.txt (the caller fetches it and calls frontier_set_robots_state), or FRONTIER_NONE. */
struct frontier_claim frontier_claim(struct frontier *frontier, double now_ms);

/* A claimed request finished. error: a network failure or a 5xx/429 (counts for the breaker);
 * throttled: a 429/503, which pauses the origin for retry_after_ms (-1: back off by default; any
 * pause is capped at max_backoff_ms). Returns true when this outcome opened the circuit breaker
 * (the origin's stats say why). When the origin's failure budget is spent (max_origin_failures in
 * a row, or max_origin_backoff_ms of pauses in total), the origin is abandoned: nothing more of it
 * is claimed, and the caller drains its queue with frontier_take_abandoned. */
bool frontier_finish(struct frontier *frontier, struct frontier_origin *origin, double now_ms, bool error,
                     bool throttled, long retry_after_ms);

/* The URL just claimed from origin is answered without a request (a resumed run replays it from the
 * store): it is no request in the origin's stats and does not delay the origin's next one, so a
 * resume replays its stored pages at once instead of at --rate. Call it before the next claim,
 * and still call frontier_finish. */
void frontier_claim_not_sent(struct frontier_origin *origin);

/* Space this origin's request starts at least interval_ms apart (robots.txt Crawl-delay). */
void frontier_set_min_interval(struct frontier_origin *origin, double interval_ms);
void frontier_set_robots_state(struct frontier_origin *origin, enum frontier_robots_state state);
void frontier_set_robots(struct frontier_origin *origin, void *robots); /* caller-owned pointer */
void *frontier_robots(const struct frontier_origin *origin);
const char *frontier_origin_name(const struct frontier_origin *origin);

size_t frontier_queued(const struct frontier *frontier);
size_t frontier_in_flight(const struct frontier *frontier);

/* Origins, for the run report (in first-seen order). */
size_t frontier_origin_count(const struct frontier *frontier);
struct frontier_origin *frontier_origin_at(const struct frontier *frontier, size_t index);

struct frontier_origin_stats {
    uint64_t requests, errors, throttled;
    uint32_t breaker_pauses; /* times the circuit breaker opened */
    double paused_ms;        /* total time paused (back-off and breaker) */
    /* The window that last opened the breaker: failed responses among the last breaker_window,
     * and the pause it caused. */
    uint32_t breaker_errors, breaker_window;
    long breaker_pause_ms;
    /* Why the origin was abandoned (0: it was not), the failures in a row then, and the URLs not
     * crawled because of it (queued then, or found later). */
    enum { FRONTIER_ABANDONED_NOT = 0, FRONTIER_ABANDONED_FAILURES, FRONTIER_ABANDONED_BACKOFF } abandoned_after;
    uint32_t failures_in_a_row;
    uint64_t not_crawled;
};
struct frontier_origin_stats frontier_origin_stats(const struct frontier_origin *origin);

bool frontier_origin_abandoned(const struct frontier_origin *origin);
/* The next queued node of an abandoned origin (counted as not crawled), or FRONTIER_NO_NODE. */
uint32_t frontier_take_abandoned(struct frontier *frontier, struct frontier_origin *origin);

/* Crawl-trap templates that hit the cap: count, and each as "origin/path-template?names", with
 * the URLs refused and one of them as *example (the shortest, then the first in byte order, so
 * that reruns name the same one; owned by the frontier). */
size_t frontier_trap_count(const struct frontier *frontier);
const char *frontier_trap_at(const struct frontier *frontier, size_t index, size_t *urls_refused, const char **example);

/* Bytes the frontier holds (queues, origins, templates), for the memory-per-URL figure. */
size_t frontier_memory_usage(const struct frontier *frontier);

#endif
