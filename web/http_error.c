/* SPDX-License-Identifier: Apache-2.0 */
/* web/http_error: map libcurl result codes to error classes (see http_error.h). */
#include "web/http_error.h"

#include <curl/curl.h>
#include <stdio.h>

const char *http_error_class_name(enum http_error_class error_class)
{
    switch (error_class) {
    case HTTP_ERROR_NONE: return "none";
    case HTTP_ERROR_DNS: return "dns";
    case HTTP_ERROR_CONNECT: return "connect";
    case HTTP_ERROR_TLS: return "tls";
    case HTTP_ERROR_TIMEOUT: return "timeout";
    case HTTP_ERROR_TOO_LARGE: return "too-large";
    case HTTP_ERROR_PROTOCOL: return "protocol";
    case HTTP_ERROR_OTHER: return "other";
    }
    return "other";
}

enum http_error_class http_error_classify(int curl_code)
{
    switch ((CURLcode)curl_code) {
    case CURLE_OK: return HTTP_ERROR_NONE;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return HTTP_ERROR_DNS;
    case CURLE_COULDNT_CONNECT: return HTTP_ERROR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return HTTP_ERROR_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return HTTP_ERROR_TLS;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_BAD_CONTENT_ENCODING: return HTTP_ERROR_PROTOCOL;
    default: return HTTP_ERROR_OTHER;
    }
}

void http_error_describe(int curl_code, const char *curl_message, char *out, size_t size)
{
    const char *message = curl_message && curl_message[0] ? curl_message : curl_easy_strerror((CURLcode)curl_code);
    switch ((CURLcode)curl_code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        snprintf(out, size, "certificate not trusted: pass --cacert FILE or -k (%s)", message);
        return;
    case CURLE_SSL_CACERT_BADFILE: snprintf(out, size, "the --cacert file cannot be used (%s)", message); return;
    case CURLE_SSL_CONNECT_ERROR: snprintf(out, size, "TLS handshake failed (%s)", message); return;
    default: snprintf(out, size, "%s", message); return;
    }
}
