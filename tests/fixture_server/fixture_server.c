/* SPDX-License-Identifier: Apache-2.0 */
/* tests/fixture_server: a loopback HTTP server for the crawl tests and the demo.
 *
 * `fixture_server --root fixtures/sites/NAME [--port N] [--log FILE]` serves the site's files on
 * 127.0.0.1, prints "PORT N" as its first stdout line once it is listening, and runs until SIGINT
 * or SIGTERM. The site's `routes` file overrides individual paths (status codes, headers, redirects,
 * Retry-After, delays, slow or endless bodies, headers that never end, oversized headers, gzip/br bodies, virtual hosts);
 * its format is documented in docs/fixture-server.md. --log appends one line per request
 * ("METHOD HOST PATH[?QUERY] AUTHORIZATION|-") so tests can check what a crawler asked for. */
#include <brotli/encode.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "routes.h"

#define MAX_FILE_BYTES (64u << 20)
#define ENDLESS_LIMIT ((uint64_t)1 << 30)
#define TRICKLE_LIMIT_MS (10L * 60 * 1000) /* a trickle ends after this even if the client stays */

struct server {
    const char *root;
    struct routes routes;
    FILE *log;
    pthread_mutex_t log_lock;
    _Atomic unsigned port; /* the bound port, substituted for "{port}" in Location values */
};

struct body {
    unsigned char *data;
    size_t length;
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int read_file(const char *path, struct body *out)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_FILE_BYTES)
        return -1;
    FILE *file = fopen(path, "rb");
    if (!file)
        return -1;
    out->length = (size_t)st.st_size;
    out->data = malloc(out->length + 1);
    size_t got = out->data ? fread(out->data, 1, out->length, file) : 0;
    fclose(file);
    if (!out->data || got != out->length) {
        free(out->data);
        return -1;
    }
    return 0;
}

static const char *type_for(const char *path)
{
    static const char *const table[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".xml", "application/xml"},
        {".txt", "text/plain; charset=utf-8"},
        {".pdf", "application/pdf"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".css", "text/css"},
        {".js", "text/javascript"},
        {".json", "application/json"},
        {".gz", "application/gzip"},
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
            if (strcmp(dot, table[i][0]) == 0)
                return table[i][1];
    return "application/octet-stream";
}

/* The directory a request's files come from: ROOT/@HOST for a virtual host that has one. */
static void site_dir(const struct server *s, const char *host, char *dst, size_t size)
{
    snprintf(dst, size, "%s", s->root);
    if (!host)
        return;
    size_t name_length = strcspn(host, ":");
    char candidate[4096];
    snprintf(candidate, sizeof(candidate), "%s/@%.*s", s->root, (int)name_length, host);
    struct stat st;
    if (stat(candidate, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(dst, size, "%s", candidate);
}

/* Map a URL path to a file as `crawlpack crawl --root` does: "/a/" -> a/index.html; "/a" -> the file a,
 * else a.html, else a/index.html. */
static int load_static(const char *dir, const char *path, struct body *out, const char **type)
{
    if (strstr(path, ".."))
        return -1;
    char file[4096];
    size_t length = strlen(path);
    if (length && path[length - 1] == '/')
        snprintf(file, sizeof(file), "%.2000s%.2000sindex.html", dir, path);
    else
        snprintf(file, sizeof(file), "%.2000s%.2000s", dir, path);
    struct stat st;
    if (stat(file, &st) != 0 || S_ISDIR(st.st_mode)) { /* not a file: a.html, else a/index.html */
        char html[4096];
        if (snprintf(html, sizeof(html), "%.4000s.html", file) < 0)
            html[0] = 0;
        if (stat(html, &st) == 0 && S_ISREG(st.st_mode))
            snprintf(file, sizeof(file), "%s", html);
        else
            snprintf(file, sizeof(file), "%.2000s%.2000s/index.html", dir, path);
    }
    *type = type_for(file);
    return read_file(file, out);
}

static int compress_gzip(struct body *b)
{
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong bound = deflateBound(&z, b->length) + 32;
    unsigned char *out = malloc(bound);
    if (!out) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = b->data;
    z.avail_in = (uInt)b->length;
    z.next_out = out;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t produced = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return -1;
    }
    free(b->data);
    b->data = out;
    b->length = produced;
    return 0;
}

static int compress_brotli(struct body *b)
{
    size_t bound = BrotliEncoderMaxCompressedSize(b->length);
    if (!bound)
        bound = b->length + 1024;
    unsigned char *out = malloc(bound);
    size_t produced = bound;
    if (!out ||
        !BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, b->length, b->data, &produced, out)) {
        free(out);
        return -1;
    }
    free(b->data);
    b->data = out;
    b->length = produced;
    return 0;
}

static int trap_page(const char *path, const char *n_text, struct body *out)
{
    long n = n_text ? strtol(n_text, NULL, 10) : 0;
    char *text = malloc(strlen(path) * 2 + 256);
    if (!text)
        return -1;
    int length = sprintf(text,
                         "<!doctype html><html><head><title>Calendar %ld</title></head><body>"
                         "<a href=\"%s?n=%ld\">next</a> <a href=\"/\">home</a></body></html>\n",
                         n, path, n + 1);
    if (length < 0) {
        free(text);
        return -1;
    }
    out->data = (unsigned char *)text;
    out->length = (size_t)length;
    return 0;
}

/* A page of an endless calendar in the path: PREFIX/YYYY/MM/ links to the next month (a path
 * trap: no query, every URL a new path). */
static int calendar_page(const char *path, struct body *out)
{
    size_t length = strlen(path);
    long year = 2024, month = 1;
    const char *end = length && path[length - 1] == '/' ? path + length - 1 : path + length;
    const char *slash = end;
    while (slash > path && slash[-1] != '/')
        slash--;
    const char *month_at = slash;
    if (slash > path) {
        const char *year_end = slash - 1, *year_at = year_end;
        while (year_at > path && year_at[-1] != '/')
            year_at--;
        if (year_end - year_at == 4 && end - month_at == 2) {
            year = strtol(year_at, NULL, 10);
            month = strtol(month_at, NULL, 10);
            length = (size_t)(year_at - path);
        }
    }
    long next_year = month == 12 ? year + 1 : year, next_month = month == 12 ? 1 : month + 1;
    char *text = malloc(length + 256);
    if (!text)
        return -1;
    int n = sprintf(text,
                    "<!doctype html><title>%04ld-%02ld</title><a href=\"%.*s%04ld/%02ld/\">next month</a> "
                    "<a href=\"/\">home</a>\n",
                    year, month, (int)length, path, next_year, next_month);
    out->data = (unsigned char *)text;
    out->length = n > 0 ? (size_t)n : 0;
    return 0;
}

/* body, then repeat `count` times with "{i}" as the repetition's number, then tail: hostile pages,
 * sitemaps and robots.txt files generated at request time instead of committed. */
static int repeated_body(const struct route *r, struct body *out)
{
    struct {
        char *data;
        size_t length;
    } text = {NULL, 0};
    FILE *stream = open_memstream(&text.data, &text.length);
    if (!stream)
        return -1;
    fputs(r->body ? r->body : "", stream);
    for (long i = 0; i < r->count; i++)
        for (const char *p = r->repeat; *p; p++) {
            if (strncmp(p, "{i}", 3) == 0) {
                fprintf(stream, "%ld", i);
                p += 2;
            } else {
                fputc(*p, stream);
            }
        }
    fputs(r->tail ? r->tail : "", stream);
    if (fclose(stream) != 0) {
        free(text.data);
        return -1;
    }
    out->data = (unsigned char *)text.data;
    out->length = text.length;
    return 0;
}

/* Slow, endless and cut bodies are produced by a reader callback on the connection's own thread. */
struct stream {
    struct body body;
    long drip_ms;
    bool endless;
    long cut; /* -1: the whole body; else this many bytes, then the connection breaks */
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *st = cls;
    if (st->drip_ms)
        sleep_ms(st->drip_ms);
    if (st->endless) {
        if (pos >= ENDLESS_LIMIT)
            return MHD_CONTENT_READER_END_OF_STREAM;
        size_t n = st->drip_ms ? 1 : (max < 16384 ? max : 16384);
        memset(buf, 'x', n);
        return (ssize_t)n;
    }
    if (st->cut >= 0 && pos >= (uint64_t)st->cut)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (pos >= st->body.length)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = st->drip_ms ? 1 : st->body.length - (size_t)pos;
    if (st->cut >= 0 && n > (size_t)st->cut - (size_t)pos)
        n = (size_t)st->cut - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, st->body.data + pos, n);
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    free(st->body.data);
    free(st);
}

/* A status line, then one header byte every interval_ms, never ending the headers: the response a
 * crawler cannot finish however long it waits. libmicrohttpd writes whole header blocks, so the
 * bytes go straight to the connection's socket from its own thread; the connection is then
 * closed (MHD_NO). Ends when the client goes away or after TRICKLE_LIMIT_MS. */
static enum MHD_Result trickle_headers(struct MHD_Connection *c, long interval_ms)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info)
        return MHD_NO;
    int fd = info->connect_fd;
    static const char start[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Trickle: ";
    if (send(fd, start, sizeof(start) - 1, MSG_NOSIGNAL) < 0)
        return MHD_NO;
    for (long waited = 0; waited < TRICKLE_LIMIT_MS; waited += interval_ms) {
        sleep_ms(interval_ms);
        if (send(fd, "x", 1, MSG_NOSIGNAL) < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
    }
    return MHD_NO;
}

struct query_log {
    FILE *out;
    int count;
};

static enum MHD_Result append_argument(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct query_log *q = cls;
    fprintf(q->out, "%s%s%s%s", q->count++ ? "&" : "", key, value ? "=" : "", value ? value : "");
    return MHD_YES;
}

static void log_request(struct server *s, struct MHD_Connection *c, const char *method, const char *host,
                        const char *url)
{
    if (!s->log)
        return;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    pthread_mutex_lock(&s->log_lock);
    fprintf(s->log, "%s %s %s", method, host ? host : "-", url);
    if (MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL) > 0) {
        fputc('?', s->log);
        struct query_log q = {s->log, 0};
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, append_argument, &q);
    }
    fprintf(s->log, " %s\n", auth ? auth : "-");
    fflush(s->log);
    pthread_mutex_unlock(&s->log_lock);
}

static int load_body(struct server *s, const struct route *r, struct MHD_Connection *c, const char *host,
                     const char *url, struct body *body, const char **type)
{
    char dir[4096];
    site_dir(s, host, dir, sizeof(dir));
    if (r && r->repeat) {
        *type = "text/html; charset=utf-8";
        return repeated_body(r, body);
    }
    if (r && r->calendar) {
        *type = "text/html; charset=utf-8";
        return calendar_page(url, body);
    }
    if (r && r->body) {
        body->data = (unsigned char *)strdup(r->body);
        body->length = strlen(r->body);
        *type = "text/html; charset=utf-8";
        return body->data ? 0 : -1;
    }
    if (r && r->trap) {
        *type = "text/html; charset=utf-8";
        return trap_page(url, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "n"), body);
    }
    if (r && r->file) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", s->root, r->file);
        *type = type_for(path);
        return read_file(path, body);
    }
    return load_static(dir, url, body, type);
}

/* Copy text into dst, replacing each "{port}" with the server's port (cross-host redirects). */
static void expand_port(const char *text, unsigned port, char *dst, size_t size)
{
    size_t used = 0;
    dst[0] = '\0';
    while (*text && used + 1 < size) {
        if (strncmp(text, "{port}", 6) == 0) {
            int n = snprintf(dst + used, size - used, "%u", port);
            used += n > 0 ? (size_t)n : 0;
            text += 6;
        } else {
            dst[used++] = *text++;
            dst[used] = '\0';
        }
    }
}

/* The body with every "{port}" replaced (sitemaps and robots.txt need absolute URLs). */
static int expand_body(struct body *b, unsigned port)
{
    size_t count = 0;
    for (size_t i = 0; i + 6 <= b->length; i++)
        if (memcmp(b->data + i, "{port}", 6) == 0)
            count++;
    unsigned char *out = malloc(b->length + count * 5 + 1);
    if (!out)
        return -1;
    size_t used = 0;
    for (size_t i = 0; i < b->length;) {
        if (i + 6 <= b->length && memcmp(b->data + i, "{port}", 6) == 0) {
            used += (size_t)sprintf((char *)out + used, "%u", port);
            i += 6;
        } else {
            out[used++] = b->data[i++];
        }
    }
    free(b->data);
    b->data = out;
    b->length = used;
    return 0;
}

static void add_route_headers(const struct server *s, struct MHD_Response *response, const struct route *r)
{
    char text[64];
    if (r->location) {
        char location[4096];
        expand_port(r->location, s->port, location, sizeof(location));
        MHD_add_response_header(response, "Location", location);
    }
    if (r->retry_after >= 0) {
        snprintf(text, sizeof(text), "%ld", r->retry_after);
        MHD_add_response_header(response, "Retry-After", text);
    }
    for (size_t i = 0; i < r->header_count; i++) {
        char name[256];
        const char *colon = strchr(r->headers[i], ':');
        snprintf(name, sizeof(name), "%.*s", (int)(colon - r->headers[i]), r->headers[i]);
        const char *value = colon + 1;
        while (*value == ' ')
            value++;
        MHD_add_response_header(response, name, value);
    }
    if (r->header_bytes > 0) {
        size_t n = r->header_bytes > (1 << 20) ? (1 << 20) : (size_t)r->header_bytes;
        char *padding = malloc(n + 1);
        if (padding) {
            memset(padding, 'p', n);
            padding[n] = '\0';
            MHD_add_response_header(response, "X-Padding", padding);
            free(padding);
        }
    }
}

/* "Basic " + base64(credentials), the Authorization header a client sends for them. */
static void basic_authorization(const char *credentials, char *dst, size_t size)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *in = (const unsigned char *)credentials;
    size_t length = strlen(credentials), used = (size_t)snprintf(dst, size, "Basic ");
    for (size_t i = 0; i < length && used + 5 < size; i += 3) {
        unsigned long bits = (unsigned long)in[i] << 16 | (i + 1 < length ? (unsigned long)in[i + 1] << 8 : 0) |
                             (i + 2 < length ? in[i + 2] : 0);
        dst[used++] = alphabet[bits >> 18 & 63];
        dst[used++] = alphabet[bits >> 12 & 63];
        dst[used++] = i + 1 < length ? alphabet[bits >> 6 & 63] : '=';
        dst[used++] = i + 2 < length ? alphabet[bits & 63] : '=';
    }
    dst[used] = '\0';
}

/* A route with auth= answers 401 (with a challenge) unless the request carries those credentials. */
static enum MHD_Result refuse_unauthorized(struct MHD_Connection *c, const struct route *r, bool *refused)
{
    char expected[1024];
    basic_authorization(r->auth, expected, sizeof(expected));
    const char *sent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    *refused = !sent || strcmp(sent, expected) != 0;
    if (!*refused)
        return MHD_YES;
    static const char page[] = "<!doctype html><title>Unauthorized</title><p>Unauthorized</p>\n";
    struct MHD_Response *response = MHD_create_response_from_buffer(sizeof(page) - 1, (void *)page,
                                                                    MHD_RESPMEM_PERSISTENT);
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "Content-Type", "text/html; charset=utf-8");
    MHD_add_response_header(response, "WWW-Authenticate", "Basic realm=\"fixture\"");
    enum MHD_Result result = MHD_queue_response(c, 401, response);
    MHD_destroy_response(response);
    return result;
}

/* A request through a proxy names the absolute URL ("GET http://host/path"): serve its path, so
 * the server doubles as a forward proxy for sites it holds (the log keeps the absolute form). */
static const char *request_path(const char *url)
{
    if (strncmp(url, "http://", 7) != 0)
        return url;
    const char *path = strchr(url + 7, '/');
    return path ? path : "/";
}

static bool answer_not_modified(struct server *s, struct MHD_Connection *c, const char *host, const char *url,
                                const struct body *body, char etag[24], enum MHD_Result *result);

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    static int first_call_marker;
    struct server *s = cls;
    if (!*state) {
        *state = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    log_request(s, c, method, host, url);
    url = request_path(url);
    const struct route *r = routes_match(&s->routes, host, url);
    bool refused = false;
    if (r && r->auth) {
        enum MHD_Result result = refuse_unauthorized(c, r, &refused);
        if (refused || result != MHD_YES)
            return result;
    }
    if (r && r->delay_ms)
        sleep_ms(r->delay_ms);
    if (r && r->trickle_headers_ms)
        return trickle_headers(c, r->trickle_headers_ms);
    struct body body = {0};
    const char *type = "text/html; charset=utf-8";
    int status = r && r->status ? r->status : 200;
    bool have_body = (r && r->endless) || load_body(s, r, c, host, url, &body, &type) == 0;
    if (!have_body) {
        if (!r || !r->status)
            status = 404;
        /* the site's 404.html when it has one, as static hosts (and crawlpack --root) answer */
        char dir[4096], path[4200];
        site_dir(s, host, dir, sizeof(dir));
        snprintf(path, sizeof(path), "%s/404.html", dir);
        if (status != 404 || read_file(path, &body) != 0) {
            body.data = (unsigned char *)strdup("<!doctype html><title>Not found</title><p>Not found</p>\n");
            body.length = body.data ? strlen((char *)body.data) : 0;
        }
        type = "text/html; charset=utf-8";
    }
    if (r && r->content_type)
        type = r->content_type;
    if (r && r->expand && body.data && expand_body(&body, s->port) != 0)
        return MHD_NO;
    const char *encoding = NULL;
    if (r && r->encoding == ROUTE_ENCODING_GZIP && compress_gzip(&body) == 0)
        encoding = "gzip";
    else if (r && r->encoding == ROUTE_ENCODING_BR && compress_brotli(&body) == 0)
        encoding = "br";
    char etag[24] = "";
    bool plain = have_body && status == 200 && !(r && (r->drip_ms || r->endless || r->cut >= 0));
    enum MHD_Result not_modified;
    if (plain && answer_not_modified(s, c, host, url, &body, etag, &not_modified)) {
        free(body.data);
        return not_modified;
    }
    struct MHD_Response *response;
    if (r && (r->drip_ms || r->endless || r->cut >= 0)) {
        struct stream *st = calloc(1, sizeof(*st));
        if (!st) {
            free(body.data);
            return MHD_NO;
        }
        st->body = body;
        st->drip_ms = r->drip_ms;
        st->endless = r->endless;
        st->cut = r->cut;
        response = MHD_create_response_from_callback(r->endless ? MHD_SIZE_UNKNOWN : body.length, 4096, stream_read, st,
                                                     stream_free);
    } else {
        response = MHD_create_response_from_buffer(body.length, body.data, MHD_RESPMEM_MUST_FREE);
    }
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "Content-Type", type);
    if (encoding)
        MHD_add_response_header(response, "Content-Encoding", encoding);
    if (etag[0])
        MHD_add_response_header(response, "ETag", etag);
    if (r)
        add_route_headers(s, response, r);
    enum MHD_Result result = MHD_queue_response(c, (unsigned)status, response);
    MHD_destroy_response(response);
    return result;
}

/* A strong validator of a whole body: FNV-1a 64 of its bytes, so an edited file gets another. */
static void body_etag(const struct body *body, char etag[24])
{
    uint64_t hash = 0xcbf29ce484222325u;
    for (size_t i = 0; i < body->length; i++)
        hash = (hash ^ body->data[i]) * 0x100000001b3u;
    snprintf(etag, 24, "\"%016llx\"", (unsigned long long)hash);
}

/* Conditional GET, as nginx answers it: a 200 file body gets an ETag, and a request whose
 * If-None-Match names it gets 304 without a body (logged as a second line "304 HOST PATH -", so a
 * test can count what was answered from its cache). */
static bool answer_not_modified(struct server *s, struct MHD_Connection *c, const char *host, const char *url,
                                const struct body *body, char etag[24], enum MHD_Result *result)
{
    body_etag(body, etag);
    const char *match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (!match || !strstr(match, etag))
        return false;
    struct MHD_Response *response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!response) {
        *result = MHD_NO;
        return true;
    }
    MHD_add_response_header(response, "ETag", etag);
    if (s->log) {
        pthread_mutex_lock(&s->log_lock);
        fprintf(s->log, "304 %s %s -\n", host ? host : "-", url);
        fflush(s->log);
        pthread_mutex_unlock(&s->log_lock);
    }
    *result = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, response);
    MHD_destroy_response(response);
    return true;
}

static int usage(void)
{
    fputs("usage: fixture_server --root DIR [--port N] [--log FILE] [--tls-cert PEM --tls-key PEM]\n", stderr);
    return 2;
}

/* A whole PEM file, NUL-terminated (libmicrohttpd takes the certificate and key as strings). */
static char *read_pem(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "fixture_server: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *text = calloc(1, 1 << 16);
    size_t length = text ? fread(text, 1, (1 << 16) - 1, file) : 0;
    fclose(file);
    if (text && length == 0) {
        free(text);
        text = NULL;
    }
    return text;
}

int main(int argc, char **argv)
{
    struct server s = {0};
    const char *log_path = NULL, *tls_cert = NULL, *tls_key = NULL;
    long port = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            s.root = argv[++i];
        else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
            log_path = argv[++i];
        else if (strcmp(argv[i], "--tls-cert") == 0 && i + 1 < argc)
            tls_cert = argv[++i];
        else if (strcmp(argv[i], "--tls-key") == 0 && i + 1 < argc)
            tls_key = argv[++i];
        else
            return usage();
    }
    if (!s.root || port < 0 || port > 65535 || !tls_cert != !tls_key)
        return usage();
    /* HTTPS (libmicrohttpd with GnuTLS) with a certificate the test generated. */
    char *cert_pem = NULL, *key_pem = NULL;
    if (tls_cert && (!(cert_pem = read_pem(tls_cert)) || !(key_pem = read_pem(tls_key))))
        return 1;
    if (tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        fputs("fixture_server: this libmicrohttpd has no TLS support\n", stderr);
        return 1;
    }
    char routes_path[4096];
    snprintf(routes_path, sizeof(routes_path), "%s/routes", s.root);
    if (routes_load(&s.routes, routes_path) != 0)
        return 1;
    pthread_mutex_init(&s.log_lock, NULL);
    if (log_path && !(s.log = fopen(log_path, "a"))) {
        fprintf(stderr, "fixture_server: cannot open %s: %s\n", log_path, strerror(errno));
        return 1;
    }
    /* Block the stop signals in every thread; main waits for them with sigwait. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_OptionItem tls_options[] = {
        {cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG |
            (cert_pem ? MHD_USE_TLS : 0),
        (uint16_t)port, NULL, NULL, answer, &s, MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(4u << 20), MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_ARRAY, tls_options, MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "fixture_server: cannot listen on 127.0.0.1:%ld\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    s.port = info ? (unsigned)info->port : (unsigned)port;
    printf("PORT %u\n", s.port);
    fflush(stdout);
    int signal_number = 0;
    sigwait(&stop, &signal_number);
    /* Connections may sit in a slow or endless body for a long time: do not wait for them. */
    if (s.log)
        fflush(s.log);
    _exit(0);
}
