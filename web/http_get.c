/* SPDX-License-Identifier: Apache-2.0 */
/* web/http_get: a single blocking GET through libcurl's easy interface (see http_get.h). */
#include "web/http_get.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_status = CURLE_FAILED_INIT;

static void global_init_once(void)
{
    global_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int http_global_init(void)
{
    pthread_once(&global_once, global_init_once);
    return global_status == CURLE_OK ? CP_OK : CP_ERR_NOMEM;
}

struct body_sink {
    struct buf body;
    size_t max_body;
    bool truncated;
};

static size_t write_body(char *data, size_t size, size_t count, void *userdata)
{
    struct body_sink *sink = userdata;
    size_t len = size * count;
    size_t room = sink->max_body - sink->body.len;
    if (len > room) {
        sink->truncated = true;
        if (room)
            buf_append(&sink->body, data, room);
        return 0; /* stop the transfer: we have all we keep */
    }
    return buf_append(&sink->body, data, len) == CP_OK ? len : 0;
}

static char *strdup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void set_options(CURL *curl, const char *url, const struct http_get_options *opts, struct body_sink *sink,
                        struct curl_slist *headers, char *error_buffer)
{
    struct http_handle_options common = {opts->user_agent, opts->connect_timeout_ms, opts->total_timeout_ms, opts->tls};
    http_handle_setup(curl, url, &common);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, opts->follow_redirects ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, (long)(opts->max_redirects ? opts->max_redirects : 10));
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)0);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    if (headers)
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
}

/* Every header of the last response, in arrival order (`extract URL` reads X-Robots-Tag and Link). */
static char *collect_headers(CURL *curl)
{
    struct buf lines = BUF_INIT;
    struct curl_header *previous = NULL, *h;
    while ((h = curl_easy_nextheader(curl, CURLH_HEADER, -1, previous))) {
        buf_printf(&lines, "%s: %s\n", h->name, h->value);
        previous = h;
    }
    return lines.len ? buf_detach(&lines) : (buf_free(&lines), NULL);
}

static void collect_response(CURL *curl, struct http_response *response)
{
    response->headers = collect_headers(curl);
    char *text = NULL;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &text);
    response->content_type = strdup_or_null(text);
    text = NULL;
    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &text);
    response->location = strdup_or_null(text);
    text = NULL;
    curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &text);
    response->effective_url = strdup_or_null(text);
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &response->total_seconds);
}

int http_get(const char *url, const struct http_get_options *opts, struct http_response *response)
{
    static const struct http_get_options defaults = {0};
    memset(response, 0, sizeof(*response));
    if (!opts)
        opts = &defaults;
    if (http_global_init() != CP_OK)
        return CP_ERR_NOMEM;
    CURL *curl = curl_easy_init();
    if (!curl)
        return CP_ERR_NOMEM;
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < opts->header_count; i++)
        headers = curl_slist_append(headers, opts->headers[i]);
    struct body_sink sink = {BUF_INIT, opts->max_body ? opts->max_body : 10u << 20, false};
    char error_buffer[CURL_ERROR_SIZE] = "";
    set_options(curl, url, opts, &sink, headers, error_buffer);
    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_WRITE_ERROR && sink.truncated)
        code = CURLE_OK; /* we stopped it ourselves at the cap */
    collect_response(curl, response);
    response->truncated = sink.truncated;
    response->body_length = sink.body.len;
    response->body = buf_detach(&sink.body);
    response->error_class = http_error_classify(code);
    if (code != CURLE_OK)
        http_error_describe(code, error_buffer, response->error, sizeof(response->error));
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (!response->body)
        return CP_ERR_NOMEM;
    return code == CURLE_OK ? CP_OK : CP_ERR_NETWORK;
}

void http_response_free(struct http_response *response)
{
    free(response->body);
    free(response->content_type);
    free(response->location);
    free(response->effective_url);
    free(response->headers);
    memset(response, 0, sizeof(*response));
}
