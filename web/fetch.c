/* SPDX-License-Identifier: Apache-2.0 */
/* web/fetch: the libcurl multi loop behind the crawl (see fetch.h). */
#include "web/fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/bot_wall.h"
#include "web/http_get.h"

struct fetcher {
    CURLM *multi;
    CURLSH *share;
    struct fetch_options options;
    char *user_agent;
    char *cookie;
    char *credentials;
    char *ca_file;
    struct curl_slist *headers;
    struct curl_slist *resolve;
    struct curl_slist *connect_to;
    char *proxy, *noproxy, *netrc_file;
    struct transfer *transfers; /* in flight, doubly linked, so fetcher_free can abort them */
    size_t in_flight;
    /* Easy handles of finished transfers, reset and kept for the next ones (at most idle_max): a
     * new handle per request, made and freed, was about 3% of the fetch loop's time on a re-audit
     * of 304s. */
    CURL **idle;
    size_t idle_count, idle_max;
};

/* One transfer in flight: its easy handle's private data. */
struct transfer {
    struct transfer *prev, *next;
    CURL *easy;
    struct fetch_result *result;
    struct buf body;
    struct buf x_robots_tag;
    struct buf link_header;
    size_t header_bytes;
    size_t max_body;
    size_t max_header;
    long total_timeout_ms;
    struct curl_slist *request_headers; /* this request's own header list (conditional GET), or NULL */
    bool header_overflow;
    bool headers_done;  /* a final (non-1xx) header block ended */
    bool requested;     /* the request was about to be sent on a connection */
    double deadline_ms; /* total timeout, set when requested; 0: no clock yet */
    char error_buffer[CURL_ERROR_SIZE];
};

static double monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static long total_timeout_ms(const struct fetcher *f)
{
    return f->options.total_timeout_ms > 0 ? f->options.total_timeout_ms : FETCH_DEFAULT_TOTAL_TIMEOUT_MS;
}

static char *copy_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

/* The proxy and netrc strings, owned by the fetcher (the options' pointers are not kept). */
static int copy_proxy_and_netrc(struct fetcher *f, const struct fetch_options *options)
{
    f->proxy = copy_or_null(options->proxy);
    f->noproxy = copy_or_null(options->noproxy);
    f->netrc_file = copy_or_null(options->netrc_file);
    f->options.proxy = f->options.noproxy = f->options.netrc_file = NULL;
    if ((options->proxy && !f->proxy) || (options->noproxy && !f->noproxy) || (options->netrc_file && !f->netrc_file))
        return CP_ERR_NOMEM;
    return CP_OK;
}

struct fetcher *fetcher_new(const struct fetch_options *options)
{
    if (http_global_init() != CP_OK)
        return NULL;
    struct fetcher *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->options = *options;
    f->multi = curl_multi_init();
    f->share = curl_share_init();
    f->user_agent = strdup(options->user_agent ? options->user_agent : HTTP_GET_DEFAULT_USER_AGENT);
    f->cookie = copy_or_null(options->cookie);
    f->credentials = copy_or_null(options->credentials);
    f->ca_file = copy_or_null(options->tls.ca_file);
    f->options.tls.ca_file = f->ca_file;
    for (size_t i = 0; i < options->header_count; i++)
        f->headers = curl_slist_append(f->headers, options->headers[i]);
    for (size_t i = 0; i < options->resolve_count; i++)
        f->resolve = curl_slist_append(f->resolve, options->resolve[i]);
    for (size_t i = 0; i < options->connect_to_count; i++)
        f->connect_to = curl_slist_append(f->connect_to, options->connect_to[i]);
    if (!f->multi || !f->share || !f->user_agent || (options->cookie && !f->cookie) ||
        (options->credentials && !f->credentials) || copy_proxy_and_netrc(f, options) != CP_OK ||
        (options->tls.ca_file && !f->ca_file)) {
        fetcher_free(f);
        return NULL;
    }
    f->options.headers = NULL;
    f->options.resolve = NULL;
    f->options.connect_to = NULL;
    curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    long total = options->max_connections > 0 ? options->max_connections : 16;
    long per_host = options->max_per_host > 0 ? options->max_per_host : 4;
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, total);
    f->idle_max = (size_t)total;
    f->idle = calloc(f->idle_max, sizeof *f->idle);
    if (!f->idle)
        f->idle_max = 0; /* every transfer gets a new handle */
    curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    return f;
}

/* An easy handle for the next transfer: a kept one (its options reset), else a new one. */
static CURL *easy_take(struct fetcher *f)
{
    return f->idle_count ? f->idle[--f->idle_count] : curl_easy_init();
}

/* A finished transfer's handle, no longer in the multi: kept while there is room, with every
 * option reset (curl_easy_reset keeps no request's headers, credentials or callbacks). */
static void easy_give_back(struct fetcher *f, CURL *easy)
{
    if (f->idle_count < f->idle_max) {
        curl_easy_reset(easy);
        f->idle[f->idle_count++] = easy;
    } else
        curl_easy_cleanup(easy);
}

static void transfer_free(struct fetcher *f, struct transfer *t)
{
    if (!t)
        return;
    if (t->easy)
        easy_give_back(f, t->easy);
    buf_free(&t->body);
    buf_free(&t->x_robots_tag);
    buf_free(&t->link_header);
    curl_slist_free_all(t->request_headers);
    fetch_result_free(t->result);
    free(t);
}

void fetcher_free(struct fetcher *f)
{
    if (!f)
        return;
    if (f->multi) {
        while (f->transfers) {
            struct transfer *t = f->transfers;
            f->transfers = t->next;
            curl_multi_remove_handle(f->multi, t->easy);
            transfer_free(f, t);
        }
        curl_multi_cleanup(f->multi);
    }
    for (size_t i = 0; i < f->idle_count; i++)
        curl_easy_cleanup(f->idle[i]);
    free(f->idle);
    if (f->share)
        curl_share_cleanup(f->share);
    curl_slist_free_all(f->headers);
    curl_slist_free_all(f->resolve);
    curl_slist_free_all(f->connect_to);
    free(f->user_agent);
    free(f->cookie);
    free(f->credentials);
    free(f->proxy);
    free(f->noproxy);
    free(f->netrc_file);
    free(f->ca_file);
    free(f);
}

void fetcher_cancel_all(struct fetcher *f, void (*cancelled)(void *user_data, void *context), void *context)
{
    while (f->transfers) {
        struct transfer *t = f->transfers;
        f->transfers = t->next;
        if (f->transfers)
            f->transfers->prev = NULL;
        curl_multi_remove_handle(f->multi, t->easy);
        f->in_flight--;
        if (cancelled)
            cancelled(t->result->user_data, context);
        transfer_free(f, t);
    }
}

static size_t write_body(char *data, size_t size, size_t count, void *userdata)
{
    struct transfer *t = userdata;
    size_t length = size * count;
    size_t room = t->max_body - t->body.len;
    if (length > room) {
        t->result->truncated = true;
        if (room)
            buf_append(&t->body, data, room);
        return 0; /* we keep no more: stop the transfer */
    }
    return buf_append(&t->body, data, length) == CP_OK ? length : 0;
}

static bool header_is(const char *line, size_t length, const char *name, const char **value, size_t *value_length)
{
    size_t name_length = strlen(name);
    if (length <= name_length || line[name_length] != ':' || strncasecmp(line, name, name_length) != 0)
        return false;
    const char *v = line + name_length + 1;
    const char *end = line + length;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *value = v;
    *value_length = (size_t)(end - v);
    return true;
}

static void append_joined(struct buf *b, const char *value, size_t length)
{
    if (b->len)
        buf_append_str(b, ", ");
    buf_append(b, value, length);
}

#define RETRY_AFTER_MAX_S (365L * 86400L)

int64_t fetch_http_date(const char *text)
{
    if (!text)
        return -1;
    time_t when = curl_getdate(text, NULL);
    return when < 0 ? -1 : (int64_t)when;
}

static long parse_retry_after(const char *value, size_t length)
{
    char text[128];
    if (length == 0 || length >= sizeof(text))
        return -1;
    memcpy(text, value, length);
    text[length] = '\0';
    char *end;
    long seconds = strtol(text, &end, 10);
    /* Kept as the server said it, up to a year, so a report can quote it (the crawl caps its waits). */
    if (end != text && *end == '\0')
        return seconds < 0 ? -1 : (seconds > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S * 1000L : seconds * 1000L);
    int64_t when = fetch_http_date(text);
    if (when < 0)
        return -1;
    double delta = difftime((time_t)when, time(NULL));
    return delta <= 0 ? 0 : (delta > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S * 1000L : (long)(delta * 1000));
}

/* A header line (not NUL-terminated) that only protection layers send (web/bot_wall). */
static bool is_bot_wall_header(const char *line, size_t length)
{
    const char *colon = memchr(line, ':', length);
    return colon && bot_wall_header_name(line, (size_t)(colon - line));
}

/* Headers of every response in the transfer arrive here (1xx interim ones too: a status line
 * resets what was collected). */
static size_t read_header(char *data, size_t size, size_t count, void *userdata)
{
    struct transfer *t = userdata;
    size_t length = size * count;
    t->header_bytes += length;
    if (t->header_bytes > t->max_header) {
        t->header_overflow = true;
        return 0;
    }
    struct fetch_result *r = t->result;
    const char *value;
    size_t value_length;
    if ((length == 2 && data[0] == '\r') || (length == 1 && data[0] == '\n')) {
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        t->headers_done = status >= 200; /* a 1xx block is followed by the real one */
    } else if (length > 5 && strncmp(data, "HTTP/", 5) == 0) {
        t->headers_done = false;
        buf_reset(&t->x_robots_tag);
        buf_reset(&t->link_header);
        free(r->content_encoding);
        r->content_encoding = NULL;
        r->hsts = false;
        r->retry_after_ms = -1;
        free(r->server);
        free(r->bot_header);
        free(r->etag);
        free(r->last_modified);
        r->server = r->bot_header = r->etag = r->last_modified = NULL;
    } else if (header_is(data, length, "etag", &value, &value_length)) {
        free(r->etag);
        r->etag = strndup(value, value_length);
    } else if (header_is(data, length, "last-modified", &value, &value_length)) {
        free(r->last_modified);
        r->last_modified = strndup(value, value_length);
    } else if (header_is(data, length, "server", &value, &value_length)) {
        free(r->server);
        r->server = strndup(value, value_length);
    } else if (!r->bot_header && is_bot_wall_header(data, length)) {
        size_t line = length;
        while (line > 0 && (data[line - 1] == '\r' || data[line - 1] == '\n'))
            line--;
        r->bot_header = strndup(data, line);
    } else if (header_is(data, length, "content-encoding", &value, &value_length)) {
        free(r->content_encoding);
        r->content_encoding = strndup(value, value_length);
    } else if (header_is(data, length, "strict-transport-security", &value, &value_length)) {
        r->hsts = true;
    } else if (header_is(data, length, "retry-after", &value, &value_length)) {
        r->retry_after_ms = parse_retry_after(value, value_length);
    } else if (header_is(data, length, "x-robots-tag", &value, &value_length)) {
        append_joined(&t->x_robots_tag, value, value_length);
    } else if (header_is(data, length, "link", &value, &value_length)) {
        append_joined(&t->link_header, value, value_length);
    }
    return length;
}

/* -x, --noproxy, --netrc: for every request, like curl. A .netrc entry names its host, so its
 * credentials go only where the file says (not limited to the start origin as -u is). */
static void set_proxy_and_netrc(const struct fetcher *f, CURL *e)
{
    if (f->proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, f->proxy);
    if (f->noproxy)
        curl_easy_setopt(e, CURLOPT_NOPROXY, f->noproxy);
    if (f->options.netrc) {
        curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
        if (f->netrc_file)
            curl_easy_setopt(e, CURLOPT_NETRC_FILE, f->netrc_file);
    }
}

/* libcurl calls this when a connection is ready and the request is about to go out (a reused
 * connection included): the transfer's own clock starts here, not when it was queued. */
static int request_starts(void *clientp, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
    (void)primary_ip, (void)local_ip, (void)primary_port, (void)local_port;
    struct transfer *t = clientp;
    t->requested = true;
    t->deadline_ms = monotonic_ms() + (double)t->total_timeout_ms;
    return CURL_PREREQFUNC_OK;
}

static bool is_https(const char *url)
{
    return strncasecmp(url, "https:", 6) == 0;
}

/* -H headers (start origin only) and a conditional GET's validators. A validator with a line
 * break is not sent (it would be a header injection). Out of memory: the request goes without. */
static void set_request_headers(struct fetcher *f, struct transfer *t, const struct fetch_request *request)
{
    const struct curl_slist *global = request->send_credentials ? f->headers : NULL;
    bool conditional = request->if_none_match || request->if_modified_since;
    if (!conditional) {
        if (global)
            curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, global);
        return;
    }
    struct curl_slist *list = NULL;
    for (const struct curl_slist *h = global; h; h = h->next)
        list = curl_slist_append(list, h->data);
    const char *names[] = {"If-None-Match", "If-Modified-Since"};
    const char *values[] = {request->if_none_match, request->if_modified_since};
    for (int i = 0; i < 2; i++) {
        if (!values[i] || strpbrk(values[i], "\r\n"))
            continue;
        struct buf line = BUF_INIT;
        buf_printf(&line, "%s: %s", names[i], values[i]);
        struct curl_slist *grown = curl_slist_append(list, buf_str(&line));
        buf_free(&line);
        if (grown)
            list = grown;
    }
    t->request_headers = list;
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, list);
}

static void set_transfer_options(struct fetcher *f, struct transfer *t, const struct fetch_request *request)
{
    CURL *e = t->easy;
    const struct fetch_options *o = &f->options;
    struct http_handle_options common = {f->user_agent, o->connect_timeout_ms, o->total_timeout_ms, o->tls};
    http_handle_setup(e, request->url, &common);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_SHARE, f->share);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     o->connect_timeout_ms > 0 ? o->connect_timeout_ms : FETCH_DEFAULT_CONNECT_TIMEOUT_MS);
    /* No CURLOPT_TIMEOUT_MS (http_handle_setup's is taken back): libcurl counts it from
     * curl_multi_add_handle, so a transfer queued behind a slow one would expire before it was
     * ever sent. fetcher_run enforces the total timeout from request_starts instead. */
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 0L);
    t->total_timeout_ms = total_timeout_ms(f);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, request_starts);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* Waiting for a connection to show whether it multiplexes pays only where HTTP/2 can be
     * negotiated (TLS): over plain http the answer comes with the first response's headers, so a
     * response whose headers never end would hold every request queued behind it. */
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, is_https(request->url) ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer);
    if (request->head)
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    if (f->resolve)
        curl_easy_setopt(e, CURLOPT_RESOLVE, f->resolve);
    if (f->connect_to)
        curl_easy_setopt(e, CURLOPT_CONNECT_TO, f->connect_to);
    set_proxy_and_netrc(f, e);
    set_request_headers(f, t, request);
    if (!request->send_credentials)
        return; /* headers and cookies may carry secrets too: only for the origin they were meant for */
    if (f->cookie)
        curl_easy_setopt(e, CURLOPT_COOKIE, f->cookie);
    if (f->credentials) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERPWD, f->credentials);
    }
}

int fetcher_add(struct fetcher *f, const struct fetch_request *request)
{
    struct transfer *t = calloc(1, sizeof(*t));
    if (!t)
        return CP_ERR_NOMEM;
    t->result = calloc(1, sizeof(*t->result));
    t->easy = easy_take(f);
    if (!t->result || !t->easy || !(t->result->url = strdup(request->url))) {
        transfer_free(f, t);
        return CP_ERR_NOMEM;
    }
    t->result->user_data = request->user_data;
    t->result->retry_after_ms = -1;
    t->max_body = request->max_body     ? request->max_body
                  : f->options.max_body ? f->options.max_body
                                        : FETCH_DEFAULT_MAX_BODY;
    t->max_header = f->options.max_header ? f->options.max_header : FETCH_DEFAULT_MAX_HEADER;
    set_transfer_options(f, t, request);
    if (curl_multi_add_handle(f->multi, t->easy) != CURLM_OK) {
        transfer_free(f, t);
        return CP_ERR_NOMEM;
    }
    t->next = f->transfers;
    if (t->next)
        t->next->prev = t;
    f->transfers = t;
    f->in_flight++;
    return CP_OK;
}

static int version_number(long curl_version)
{
    switch (curl_version) {
    case CURL_HTTP_VERSION_1_0: return 10;
    case CURL_HTTP_VERSION_1_1: return 11;
    case CURL_HTTP_VERSION_2_0: return 20;
    case CURL_HTTP_VERSION_3: return 30;
    default: return 0;
    }
}

static char *detach_or_null(struct buf *b)
{
    return b->len ? buf_detach(b) : NULL;
}

/* Move what the transfer learned into its result; the transfer keeps nothing afterwards. */
static struct fetch_result *finish_transfer(struct transfer *t, CURLcode code)
{
    struct fetch_result *r = t->result;
    char *text = NULL;
    curl_off_t ttfb = 0, total = 0;
    long version = 0;
    if (code == CURLE_WRITE_ERROR && r->truncated)
        code = CURLE_OK; /* we stopped it ourselves at the body cap */
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
    /* A status line whose header block never ended (headers trickled until a timeout) is no
     * answer: the status is not kept. A header cap hit keeps it (too-large says why). */
    if (code != CURLE_OK && !t->headers_done && !t->header_overflow && code != CURLE_OUT_OF_MEMORY)
        r->status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &text);
    r->content_type = copy_or_null(text);
    if (r->status >= 300 && r->status < 400) {
        text = NULL;
        struct curl_header *h = NULL;
        if (curl_easy_header(t->easy, "Location", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h)
            r->location = strdup(h->value);
    }
    curl_easy_getinfo(t->easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &total);
    curl_easy_getinfo(t->easy, CURLINFO_HTTP_VERSION, &version);
    r->ttfb_ms = (double)ttfb / 1000.0;
    r->total_ms = (double)total / 1000.0;
    r->http_version = version_number(version);
    r->x_robots_tag = detach_or_null(&t->x_robots_tag);
    r->link_header = detach_or_null(&t->link_header);
    r->body_length = t->body.len;
    r->body = buf_detach(&t->body);
    if (code == CURLE_OUT_OF_MEMORY && r->status > 0 && t->body.len == 0) {
        /* libcurl refuses a single header line over its own 100 KB limit with this code */
        t->header_overflow = true;
    }
    if (t->header_overflow) {
        r->error_class = HTTP_ERROR_TOO_LARGE;
        snprintf(r->error, sizeof(r->error), "response headers exceed %zu bytes (or one header line exceeds 100 KB)",
                 t->max_header);
    } else if (code != CURLE_OK) {
        r->error_class = http_error_classify(code);
        http_error_describe(code, t->error_buffer, r->error, sizeof(r->error));
        r->not_requested = !t->requested;
    }
    t->result = NULL;
    return r;
}

static void unlink_transfer(struct fetcher *f, struct transfer *t)
{
    curl_multi_remove_handle(f->multi, t->easy);
    if (t->prev)
        t->prev->next = t->next;
    else
        f->transfers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    f->in_flight--;
}

/* End the transfers whose total timeout (counted from their request) has passed; returns how many,
 * and in *next_ms the nearest deadline still to come (0: none). */
static size_t expire_transfers(struct fetcher *f, fetch_done_fn done, void *context, double *next_ms)
{
    double now = monotonic_ms();
    size_t expired = 0;
    *next_ms = 0;
    for (struct transfer *t = f->transfers, *next; t; t = next) {
        next = t->next;
        if (t->deadline_ms <= 0)
            continue;
        if (t->deadline_ms > now) {
            if (*next_ms == 0 || t->deadline_ms < *next_ms)
                *next_ms = t->deadline_ms;
            continue;
        }
        unlink_transfer(f, t);
        struct fetch_result *result = finish_transfer(t, CURLE_OPERATION_TIMEDOUT);
        snprintf(result->error, sizeof(result->error),
                 "no complete response within %ld ms of sending the request (%zu body bytes received)",
                 t->total_timeout_ms, result->body_length);
        transfer_free(f, t);
        expired++;
        done(result, context);
    }
    return expired;
}

size_t fetcher_run(struct fetcher *f, long wait_ms, fetch_done_fn done, void *context)
{
    int running = 0;
    curl_multi_perform(f->multi, &running);
    CURLMsg *message;
    int queued;
    bool finished_any = false;
    while ((message = curl_multi_info_read(f->multi, &queued))) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL *easy = message->easy_handle;
        CURLcode code = message->data.result;
        struct transfer *t = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
        unlink_transfer(f, t);
        struct fetch_result *result = finish_transfer(t, code);
        transfer_free(f, t);
        finished_any = true;
        done(result, context);
    }
    double next_deadline;
    finished_any |= expire_transfers(f, done, context, &next_deadline) > 0;
    if (!finished_any && wait_ms > 0) {
        if (next_deadline > 0) { /* wake for the nearest deadline */
            double until = next_deadline - monotonic_ms() + 1;
            if (until < wait_ms)
                wait_ms = until < 1 ? 1 : (long)until;
        }
        curl_multi_poll(f->multi, NULL, 0, (int)wait_ms, NULL);
    }
    return f->in_flight;
}

void fetcher_wakeup(struct fetcher *f)
{
    curl_multi_wakeup(f->multi);
}

size_t fetcher_in_flight(const struct fetcher *f)
{
    return f->in_flight;
}

void fetch_result_free(struct fetch_result *r)
{
    if (!r)
        return;
    free(r->url);
    free(r->content_type);
    free(r->location);
    free(r->content_encoding);
    free(r->etag);
    free(r->last_modified);
    free(r->x_robots_tag);
    free(r->link_header);
    free(r->server);
    free(r->bot_header);
    free(r->body);
    free(r);
}
