/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots: robots.txt as RFC 9309 defines it and as Google's reference matcher reads it.
 *
 * Parsing: robots_parse() reads a body into an immutable compiled object and reports every line it
 * skipped or read only through a tolerance as a finding (source = the robots.txt URL or file,
 * line = its line number). Google's tolerances are applied because Googlebot is what users audit
 * for: misspelt keys (disalow, useragent, "user agent"), a missing colon, a user-agent value read
 * up to its first non-token character, an `index.html`/`index.htm` Allow also allowing its
 * directory, lines cut at 16,663 bytes, and only the first 500 KiB of the body read.
 *
 * Matching: robots_check() takes a user-agent product token and the request target (path and
 * query as sent in the HTTP request line, fragment dropped, e.g. "/a/b?x"). Patterns are
 * normalised as Google does (bytes >= 0x80 percent-encoded, %xx escapes upper-cased); the path is
 * compared byte-wise as given, so the caller passes it percent-encoded, as url_path_and_query()
 * returns it. The longest matching pattern (in octets) wins; on equal length Allow wins. Groups
 * naming the agent are merged; the `*` group applies only when no group names the agent; no
 * matching group allows everything; "/robots.txt" itself is always allowed.
 *
 * Memory: robots_parse() allocates the compiled object; robots_free() releases it. Strings the
 * queries return (rule text, sitemap URLs) point into it and live as long as it does.
 * Threads: parse on one thread, then any number of threads may call the query functions
 * (robots_check, robots_crawl_delay, robots_sitemaps, ...) on the same object at once: they only
 * read it and never allocate. robots_free() must not race with queries.
 * Errors: robots_parse() fails only for lack of memory; a malformed body is never an error, only
 * findings. */
#ifndef CRAWLPACK_WEB_ROBOTS_H
#define CRAWLPACK_WEB_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "findings/findings.h"

/* Google reads the first 500 KiB of a robots.txt and ignores the rest. */
#define ROBOTS_MAX_BYTES (500u * 1024u)
/* Google keeps the first 16,663 bytes of a line (a buffer of 8 x 2083, the longest URL browsers
 * accept, minus its terminator). */
#define ROBOTS_MAX_LINE_BYTES (2083u * 8u - 1u)
/* RFC 9309: follow at least five consecutive redirects for /robots.txt. */
#define ROBOTS_MAX_REDIRECTS 5

struct robots;

/* Parse length bytes of body (any bytes; need not be NUL-terminated). source names the file or
 * URL in findings (copied; may be NULL). findings may be NULL when the caller wants none.
 * Returns CP_OK and *out, or CP_ERR_NOMEM (then *out is NULL). */
int robots_parse(const char *body, size_t length, const char *source, struct robots **out,
                 struct finding_list *findings);

/* A compiled object that allows everything (404 robots.txt) or disallows everything (5xx,
 * network error): see robots_fetch_policy(). reason is shown as the deciding rule (copied).
 * Returns NULL when out of memory. */
struct robots *robots_new_allow_all(const char *reason);
struct robots *robots_new_disallow_all(const char *reason);

void robots_free(struct robots *robots);

/* For an object from robots_new_allow_all/robots_new_disallow_all: its reason ("no robots.txt
 * (HTTP 404): everything allowed"); NULL for a parsed file. */
const char *robots_policy_reason(const struct robots *robots);

/* Why a URL is allowed or not. */
struct robots_decision {
    bool allowed;
    unsigned line;         /* line of the deciding rule; 0 when no rule decided */
    const char *rule_text; /* the deciding line as written (comment and outer blanks removed),
                              e.g. "Disallow: /private/"; or why no rule decided ("no matching
                              rule", "robots.txt unreachable ..."); never NULL */
};

/* Decide whether the agent (a product token such as "Googlebot", compared case-insensitively with
 * the product tokens of the user-agent lines; NULL names no group, so only `*` applies) may fetch
 * path (path_length bytes, path and query; an empty path is read as "/"). Never allocates; safe
 * from any number of threads at once.
 * Returns decision->allowed. */
bool robots_check(const struct robots *robots, const char *agent, const char *path, size_t path_length,
                  struct robots_decision *decision);

struct url;

/* robots_check() on what a crawler requests for url: its path and query as url_path_and_query()
 * gives them (percent-encoded by the URL parser, fragment dropped). The caller makes sure url
 * belongs to the origin this robots.txt was fetched for (see robots_txt_url). Same thread rules. */
bool robots_check_url(const struct robots *robots, const char *agent, const struct url *url,
                      struct robots_decision *decision);

/* The one robots.txt that governs url: "scheme://host[:port]/robots.txt" of its origin (scheme +
 * host + port), written into dst (size bytes). Returns the length, or -1 when url has no http(s)
 * origin or dst is too small. Use the origin part as the cache key: one robots.txt per origin. */
int robots_txt_url(const struct url *url, char *dst, size_t size);

/* Write "line N: TEXT" or the reason into dst (size bytes, NUL-terminated, cut if needed). */
void robots_decision_format(const struct robots_decision *decision, char *dst, size_t size);

/* The Crawl-delay (seconds) of the group(s) that apply to agent, merged as robots_check() merges
 * them (the first value in file order). Returns false when none applies. */
bool robots_crawl_delay(const struct robots *robots, const char *agent, double *seconds);

/* The absolute Sitemap: URLs in file order, duplicates removed (relative ones are findings).
 * *count receives how many. */
const char *const *robots_sitemaps(const struct robots *robots, size_t *count);

/* True when token is a product token crawlers may obey: one or more of [A-Za-z_-]
 * (RFC 9309 section 2.2.1). */
bool robots_is_valid_agent_token(const char *token);

/* The request target Google's matcher reads from a URL string as written, without percent-encoding
 * it: everything from the first '/', '?' or ';' after the authority, fragment dropped, "/" when
 * empty, a leading '/' added before a bare '?' or ';'. Used to check a URL exactly as Google's
 * reference matcher does (robots check, conformance). Writes into dst (size bytes, NUL-terminated);
 * returns the length, or -1 when it does not fit. */
long robots_path_of_url_text(const char *url, size_t url_length, char *dst, size_t size);

/* The pattern normalisation Google applies to Allow/Disallow values: bytes >= 0x80 become %XX and
 * %xx escapes are upper-cased. Writes into dst (size bytes, NUL-terminated); returns the length,
 * or -1 when it does not fit (3 x length + 1 always fits). */
long robots_normalize_pattern(const char *pattern, size_t length, char *dst, size_t size);

/* ---- fetch semantics (RFC 9309 section 2.3.1), a pure function of one HTTP outcome ---- */

/* One response (or failure) while fetching an origin's /robots.txt. */
struct robots_http_outcome {
    long status;          /* HTTP status; 0 when no response arrived */
    bool network_error;   /* DNS, connect, TLS, timeout ...: no usable response */
    const char *error;    /* why, when network_error (may be NULL) */
    const char *location; /* the absolute redirect target of a 3xx; NULL when absent */
    int hops;             /* redirects already followed to reach this response (0 first) */
};

enum robots_fetch_action {
    ROBOTS_FETCH_PARSE,        /* 2xx: parse the body */
    ROBOTS_FETCH_FOLLOW,       /* 3xx within the hop limit: fetch outcome->location next */
    ROBOTS_FETCH_ALLOW_ALL,    /* 4xx except 429, or no robots.txt within 5 redirects */
    ROBOTS_FETCH_DISALLOW_ALL, /* 429, 5xx, network error, or an unusable status */
};

/* What the crawler does with this outcome for the ORIGINAL origin of robots_url (redirects are
 * followed across hosts, but the rules found apply to the origin that was asked for). Adds a
 * finding (source robots_url) when the outcome is a problem the user should fix; findings may be
 * NULL. reason receives a one-line explanation for robots_new_*_all() (may be NULL). Pure: no
 * I/O, no global state; any thread. */
enum robots_fetch_action robots_fetch_policy(const char *robots_url, const struct robots_http_outcome *outcome,
                                             struct finding_list *findings, char *reason, size_t reason_size);

#endif
