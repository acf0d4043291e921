/* SPDX-License-Identifier: Apache-2.0 */
/* web/http_handle: the settings every libcurl easy handle gets (see http_handle.h). */
#include "web/http_handle.h"

#include "web/http_get.h"

void http_handle_setup(CURL *e, const char *url, const struct http_handle_options *o)
{
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : HTTP_GET_DEFAULT_USER_AGENT);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->total_timeout_ms > 0 ? o->total_timeout_ms : 30000L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (o->tls.ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, o->tls.ca_file);
    if (o->tls.insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}
