/* SPDX-License-Identifier: Apache-2.0 */
/* web/http_handle: the settings every libcurl easy handle of crawlpack gets, in one place, so the
 * crawl's transfers (web/fetch) and the one-off GETs (web/http_get: `sitemap URL`, `robots check
 * --robots-url`) speak HTTP the same way: http and https only, the User-Agent, the connect and
 * total timeouts, compressed bodies, no signals, and the same TLS trust (--cacert, -k).
 *
 * Threads: http_handle_setup touches only the handle it is given (the caller's thread).
 * Memory: the strings are not copied (libcurl copies string options itself). No errors: an option
 * libcurl refuses surfaces as the transfer's error. */
#ifndef CRAWLPACK_WEB_HTTP_HANDLE_H
#define CRAWLPACK_WEB_HTTP_HANDLE_H

#include <curl/curl.h>
#include <stdbool.h>

/* Which certificates a TLS transfer trusts. */
struct http_tls {
    const char *ca_file; /* --cacert: a PEM bundle trusted instead of the system's; NULL: the system's */
    bool insecure;       /* -k: verify neither the certificate chain nor the host name */
};

struct http_handle_options {
    const char *user_agent;  /* NULL: HTTP_GET_DEFAULT_USER_AGENT */
    long connect_timeout_ms; /* 0: 10 s */
    long total_timeout_ms;   /* 0: 30 s */
    struct http_tls tls;
};

void http_handle_setup(CURL *handle, const char *url, const struct http_handle_options *options);

#endif
