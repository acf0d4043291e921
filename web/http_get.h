/* SPDX-License-Identifier: Apache-2.0 */
/* web/http_get: one blocking HTTP GET, for commands that fetch a single document
 * (`robots check --robots-url`, `sitemap URL`, a sitemap index's children).
 *
 * The crawl itself does not use this: it runs many transfers at once through web/fetch. This
 * is the simple path with the same guarantees: a connect timeout, a total timeout, a body cap, a
 * User-Agent naming crawlpack, only http/https, and redirects NOT followed unless asked (callers
 * such as robots.txt fetching apply their own redirect rules and need to see each hop).
 *
 * Memory: http_get fills a struct http_response the caller owns and releases with
 * http_response_free. Threads: any thread may call it (libcurl is initialised once, thread-safely).
 * Errors: the return value is CP_OK when an HTTP response arrived (whatever its status), or
 * CP_ERR_NETWORK with response->error_class and response->error saying what failed. */
#ifndef CRAWLPACK_WEB_HTTP_GET_H
#define CRAWLPACK_WEB_HTTP_GET_H

#include <stdbool.h>
#include <stddef.h>

#include "web/http_error.h"
#include "web/http_handle.h"

#define HTTP_GET_DEFAULT_USER_AGENT "crawlpack/" CRAWLPACK_VERSION " (+https://github.com/crawlpack/crawlpack)"

struct http_get_options {
    const char *user_agent;     /* NULL: HTTP_GET_DEFAULT_USER_AGENT */
    long connect_timeout_ms;    /* 0: 10 s */
    long total_timeout_ms;      /* 0: 30 s */
    size_t max_body;            /* 0: 10 MiB; a longer body is cut and marked truncated */
    bool follow_redirects;      /* false: a 3xx is returned as is, with its Location */
    int max_redirects;          /* when following; 0: 10 */
    const char *const *headers; /* extra "Name: value" request headers */
    size_t header_count;
    struct http_tls tls; /* --cacert, -k */
};

struct http_response {
    long status; /* 0 when no response arrived */
    char *body;  /* NUL-terminated for convenience; body_length may include NULs */
    size_t body_length;
    bool truncated;      /* the body hit max_body */
    char *content_type;  /* NULL when absent */
    char *location;      /* the Location header resolved against the URL; NULL when absent */
    char *effective_url; /* the URL finally fetched (differs when redirects were followed) */
    char *headers;       /* the last response's headers, one "Name: value\n" each; NULL when none */
    double total_seconds;
    enum http_error_class error_class;
    char error[256]; /* human message when error_class != HTTP_ERROR_NONE */
};

int http_get(const char *url, const struct http_get_options *opts, struct http_response *response);
void http_response_free(struct http_response *response);

/* Initialise libcurl once for the process (idempotent, thread-safe). Every module that uses
 * libcurl calls this first. Returns CP_OK or CP_ERR_NOMEM. */
int http_global_init(void);

#endif
