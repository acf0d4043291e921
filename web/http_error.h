/* SPDX-License-Identifier: Apache-2.0 */
/* web/http_error: why a transfer failed, in classes a user can act on.
 *
 * Shared by web/http_get (one blocking GET) and web/fetch (the crawl's many transfers) so
 * both name failures the same way in every report. Pure functions; any thread may call them. */
#ifndef CRAWLPACK_WEB_HTTP_ERROR_H
#define CRAWLPACK_WEB_HTTP_ERROR_H

#include <stddef.h>

enum http_error_class {
    HTTP_ERROR_NONE = 0,
    HTTP_ERROR_DNS,       /* the host name did not resolve */
    HTTP_ERROR_CONNECT,   /* refused, unreachable, or connect timeout */
    HTTP_ERROR_TLS,       /* handshake or certificate failure */
    HTTP_ERROR_TIMEOUT,   /* the whole transfer took longer than allowed */
    HTTP_ERROR_TOO_LARGE, /* headers over the cap (bodies over the cap are truncated instead) */
    HTTP_ERROR_PROTOCOL,  /* malformed response, unsupported scheme, bad redirect */
    HTTP_ERROR_OTHER,
};

/* "dns", "connect", "tls", "timeout", "too-large", "protocol", "other" ("none" for NONE). */
const char *http_error_class_name(enum http_error_class error_class);

/* The class of a libcurl result code (a CURLcode passed as int, so this header needs no curl). */
enum http_error_class http_error_classify(int curl_code);

/* What failed, for a report: curl's own message (curl_message, may be empty), led for TLS failures
 * by what the user can do about them ("certificate not trusted: pass --cacert FILE or -k (...)"),
 * since a self-signed or internal-CA staging server is the usual cause. Writes at most size bytes. */
void http_error_describe(int curl_code, const char *curl_message, char *out, size_t size);

#endif
