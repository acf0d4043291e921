/* SPDX-License-Identifier: Apache-2.0 */
/* web/fetch: many HTTP transfers at once over one libcurl multi handle.
 *
 * A fetcher keeps connections alive, multiplexes HTTP/2 where the server offers it, asks for
 * gzip/deflate/br bodies, and shares the DNS cache, connections and TLS sessions of all its
 * transfers through one CURLSH. Redirects are never followed: a 3xx comes back with its Location
 * so the crawl can record each hop. Every transfer has a connect timeout, a total timeout, a body
 * cap (the body is cut and marked truncated) and a header cap (the transfer fails as too-large).
 *
 * Timeouts count from when a transfer really starts, never from when it was added: a transfer
 * waiting in libcurl's queue for a free connection (the per-host cap, or a connection being
 * checked for HTTP/2 multiplexing) has no clock running. The connect timeout runs from its
 * connection attempt; the total timeout (total_timeout_ms) from the moment its request is about to
 * be sent. So one slow response cannot expire the transfers queued behind it.
 *
 * Threads: a fetcher belongs to the one thread that created it (the crawl's fetch loop); none of
 * its functions may be called from another thread. The share handle needs no locks for that reason.
 * Memory: fetcher_new copies every option string. A finished transfer is handed to the done
 * callback as a struct fetch_result the callback owns (release with fetch_result_free). Its easy
 * handle is reset (curl_easy_reset: no option of one request reaches the next) and kept for a later
 * transfer, at most max_connections of them, until fetcher_free.
 * Errors: fetcher_new returns NULL when out of memory; fetcher_add returns CP_OK or CP_ERR_NOMEM;
 * a failed transfer is a result with error_class != HTTP_ERROR_NONE, never an error return. */
#ifndef CRAWLPACK_WEB_FETCH_H
#define CRAWLPACK_WEB_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/http_error.h"
#include "web/http_handle.h"

#define FETCH_DEFAULT_MAX_BODY (10u << 20)
#define FETCH_DEFAULT_MAX_HEADER (256u << 10)
#define FETCH_DEFAULT_CONNECT_TIMEOUT_MS 10000L /* --connect-timeout */
#define FETCH_DEFAULT_TOTAL_TIMEOUT_MS 30000L   /* --max-time */

struct fetch_options {
    const char *user_agent;  /* NULL: crawlpack's default, naming its version and project URL */
    long connect_timeout_ms; /* 0: 10 s */
    long total_timeout_ms;   /* 0: 30 s, from the request being sent (see above) */
    size_t max_body;         /* 0: FETCH_DEFAULT_MAX_BODY (decoded bytes) */
    size_t max_header;       /* 0: FETCH_DEFAULT_MAX_HEADER (all response header bytes) */
    int max_connections;     /* 0: 16 */
    int max_per_host;        /* 0: 4 */
    /* Sent only with requests that set send_credentials (the origin they were given for): */
    const char *const *headers; /* extra "Name: value" request headers */
    size_t header_count;
    const char *cookie;         /* Cookie header value, or NULL */
    const char *credentials;    /* "user:password" for basic auth */
    const char *const *resolve; /* curl --resolve entries "host:port:address" */
    size_t resolve_count;
    const char *const *connect_to; /* curl --connect-to entries "host:port:connect-host:connect-port" */
    size_t connect_to_count;
    /* Proxy and .netrc, as curl's -x, --noproxy, --netrc and --netrc-file (every request): */
    const char *proxy;   /* "[scheme://][user:password@]host[:port]"; NULL: libcurl's default,
                                   the http_proxy / https_proxy / no_proxy environment variables */
    const char *noproxy; /* comma list of hosts (and their subdomains) reached directly; "*": all */
    bool netrc;          /* credentials per host from netrc_file, or ~/.netrc when NULL */
    const char *netrc_file;
    struct http_tls tls; /* --cacert, -k (every transfer, whichever origin) */
};

struct fetch_request {
    const char *url;       /* absolute http(s) URL (copied) */
    bool head;             /* HEAD instead of GET (external link checks) */
    bool send_credentials; /* url is on the start origin: send credentials, headers, cookie */
    void *user_data;       /* handed back in the result */
    size_t max_body;       /* 0: the fetcher's max_body (sitemaps may be larger than pages) */
    /* A conditional GET (an incremental re-audit, docs/store.md): the validators a previous run
     * stored, sent as If-None-Match / If-Modified-Since (copied); NULL: not sent. A server that
     * agrees answers 304 without a body. */
    const char *if_none_match;
    const char *if_modified_since;
};

struct fetch_result {
    char *url; /* as requested */
    void *user_data;
    long status;            /* 0 when no complete response header block arrived */
    char *content_type;     /* NULL when absent */
    char *location;         /* the raw Location header of a 3xx, NULL otherwise */
    char *content_encoding; /* as sent by the server, NULL when absent */
    char *x_robots_tag;     /* every X-Robots-Tag header, joined with ", "; NULL when absent */
    char *link_header;      /* every Link header, joined with ", "; NULL when absent */
    bool hsts;              /* a Strict-Transport-Security header was sent */
    long retry_after_ms;    /* from Retry-After (seconds or HTTP date); -1 when absent */
    char *server;           /* the Server header, NULL when absent */
    char *etag;             /* the ETag header as sent, NULL when absent */
    char *last_modified;    /* the Last-Modified header as sent, NULL when absent */
    char *bot_header;       /* the first header only protection layers send (web/bot_wall), as
                                   "name: value"; NULL when none */
    char *body;             /* decoded, NUL-terminated; body_length may include NULs */
    size_t body_length;
    bool truncated; /* the body hit max_body */
    double ttfb_ms; /* time to the first response byte */
    double total_ms;
    int http_version; /* 10, 11, 20, 30; 0 when unknown */
    enum http_error_class error_class;
    char error[256]; /* what failed, when error_class != HTTP_ERROR_NONE */
    /* The transfer failed before its request was sent (no connection: DNS, connect, TLS): the
     * server never saw the URL, so nothing is known about it. */
    bool not_requested;
};

struct fetcher;

/* Called once per finished transfer, on the fetcher's thread; takes ownership of result. */
typedef void (*fetch_done_fn)(struct fetch_result *result, void *context);

struct fetcher *fetcher_new(const struct fetch_options *options);
void fetcher_free(struct fetcher *fetcher); /* aborts transfers still in flight, silently */

/* Abort every transfer in flight, handing each one's user_data to cancelled (no result). */
void fetcher_cancel_all(struct fetcher *fetcher, void (*cancelled)(void *user_data, void *context), void *context);

/* Start a transfer. It makes progress inside fetcher_run. */
int fetcher_add(struct fetcher *fetcher, const struct fetch_request *request);

/* Drive transfers for at most wait_ms (returns early when one finishes) and call done for each
 * finished one. Returns the number of transfers still in flight. */
size_t fetcher_run(struct fetcher *fetcher, long wait_ms, fetch_done_fn done, void *context);

size_t fetcher_in_flight(const struct fetcher *fetcher);

/* Make a fetcher_run waiting on another thread return now. The one call any thread may make. */
void fetcher_wakeup(struct fetcher *fetcher);

void fetch_result_free(struct fetch_result *result);

/* An HTTP-date (Last-Modified, Retry-After: IMF-fixdate and the two obsolete forms RFC 9110
 * accepts) in seconds since the epoch, or -1 when text is NULL or not a date. Any thread. */
int64_t fetch_http_date(const char *text);

#endif
