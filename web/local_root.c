/* SPDX-License-Identifier: Apache-2.0 */
/* web/local_root: map site URLs to files in a build folder (see local_root.h). */
#include "web/local_root.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/url.h"

struct local_root {
    char *dir;
    struct url site;
    char *prefix; /* origin + the site URL's path: the part every mapped URL starts with */
};

int local_root_new(const char *dir, const char *site_url, struct local_root **out, char *error, size_t error_size)
{
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(error, error_size, "--root %s: not a folder", dir);
        return CP_ERR_INVALID;
    }
    struct local_root *root = calloc(1, sizeof(*root));
    if (!root)
        return CP_ERR_NOMEM;
    enum url_error parsed = url_parse_str(site_url, NULL, &root->site);
    if (parsed != URL_OK || !url_is_crawlable(&root->site)) {
        snprintf(error, error_size, "--site-url %s: %s", site_url,
                 parsed != URL_OK ? url_error_string(parsed) : "not an http(s) URL");
        local_root_free(root);
        return CP_ERR_INVALID;
    }
    root->dir = strdup(dir);
    size_t prefix_length = root->site.pathname.offset + root->site.pathname.length;
    root->prefix = strndup(root->site.href, prefix_length);
    if (!root->dir || !root->prefix) {
        local_root_free(root);
        return CP_ERR_NOMEM;
    }
    /* The prefix is a folder: "https://h/docs" serves "https://h/docs/..." too. */
    if (prefix_length && root->prefix[prefix_length - 1] == '/')
        root->prefix[prefix_length - 1] = '\0';
    *out = root;
    return CP_OK;
}

void local_root_free(struct local_root *root)
{
    if (!root)
        return;
    free(root->dir);
    free(root->prefix);
    url_free(&root->site);
    free(root);
}

const char *local_root_site_url(const struct local_root *root)
{
    return root->site.href;
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
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".svg", "image/svg+xml"},
        {".webp", "image/webp"},
        {".css", "text/css"},
        {".js", "text/javascript"},
        {".json", "application/json"},
        {".gz", "application/gzip"},
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
            if (strcasecmp(dot, table[i][0]) == 0)
                return table[i][1];
    return "application/octet-stream";
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode the URL path into a relative file path; false when it could escape the folder. */
static bool decode_path(const char *path, size_t length, struct buf *out)
{
    for (size_t i = 0; i < length; i++) {
        char c = path[i];
        if (c == '%' && i + 2 < length && hex_value(path[i + 1]) >= 0 && hex_value(path[i + 2]) >= 0) {
            c = (char)(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
            i += 2;
        }
        if (c == '\0')
            return false;
        buf_append_char(out, c);
    }
    const char *p = buf_str(out);
    return !strstr(p, "/../") && strcmp(p, "..") != 0 && strncmp(p, "../", 3) != 0 &&
           !(out->len >= 3 && strcmp(p + out->len - 3, "/..") == 0);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The file for a URL path relative to the site ("" or "/..."), or false when there is none. */
static bool find_file(const struct local_root *root, const char *relative, struct buf *file)
{
    size_t length = strlen(relative);
    buf_reset(file);
    buf_printf(file, "%s%s%s", root->dir, relative[0] == '/' ? "" : "/", relative);
    if (length == 0 || relative[length - 1] == '/') {
        buf_append_str(file, length == 0 ? "/index.html" : "index.html");
        return is_file(buf_str(file));
    }
    if (is_file(buf_str(file)))
        return true;
    size_t base = file->len;
    buf_append_str(file, ".html");
    if (is_file(buf_str(file)))
        return true;
    file->len = base;
    buf_append_str(file, "/index.html");
    return is_file(buf_str(file));
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1000.0 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static int read_body(const char *path, size_t max_body, struct fetch_result *r)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        r->error_class = HTTP_ERROR_OTHER;
        snprintf(r->error, sizeof(r->error), "cannot read %s: %s", path, strerror(errno));
        return CP_OK;
    }
    struct buf body = BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), file)) > 0) {
        size_t room = max_body - body.len;
        if (got > room) {
            got = room;
            r->truncated = true;
        }
        if (buf_append(&body, chunk, got) != CP_OK) {
            fclose(file);
            buf_free(&body);
            return CP_ERR_NOMEM;
        }
        if (r->truncated)
            break;
    }
    fclose(file);
    r->body_length = body.len;
    r->body = buf_detach(&body);
    return r->body ? CP_OK : CP_ERR_NOMEM;
}

/* The file for an absolute URL under the site, or false (outside the site, escaping the folder, or
 * no such file). file holds the path tried last either way. */
static bool file_of_url(const struct local_root *root, const char *url, struct buf *file)
{
    struct url parsed;
    struct buf relative = BUF_INIT;
    size_t prefix_length = strlen(root->prefix);
    bool found = false;
    if (url_parse_str(url, NULL, &parsed) != URL_OK)
        return false;
    size_t end = parsed.pathname.offset + parsed.pathname.length;
    if (end >= prefix_length && strncmp(parsed.href, root->prefix, prefix_length) == 0 &&
        (end == prefix_length || parsed.href[prefix_length] == '/') &&
        decode_path(parsed.href + prefix_length, end - prefix_length, &relative))
        found = find_file(root, buf_str(&relative), file);
    url_free(&parsed);
    buf_free(&relative);
    return found;
}

/* "./public//a/../b" style joins come out as "public/a/b": repeated slashes and "./" segments go. */
static void tidy_path(struct buf *path)
{
    char *p = path->data;
    size_t out = 0;
    for (size_t i = 0; i < path->len; i++) {
        if (p[i] == '/' && out > 0 && p[out - 1] == '/')
            continue;
        if (p[i] == '.' && (out == 0 || p[out - 1] == '/') && (p[i + 1] == '/' || p[i + 1] == '\0')) {
            i += p[i + 1] == '/';
            continue;
        }
        p[out++] = p[i];
    }
    p[out] = '\0';
    path->len = out;
}

bool local_root_file(const struct local_root *root, const char *url, struct buf *path)
{
    buf_reset(path);
    struct buf file = BUF_INIT;
    bool found = file_of_url(root, url, &file);
    if (found) {
        buf_append_str(path, buf_str(&file));
        tidy_path(path);
    }
    buf_free(&file);
    return found;
}

int local_root_fetch(const struct local_root *root, const char *url, size_t max_body, void *user_data,
                     struct fetch_result **out)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct fetch_result *r = calloc(1, sizeof(*r));
    if (!r || !(r->url = strdup(url))) {
        free(r);
        return CP_ERR_NOMEM;
    }
    r->user_data = user_data;
    r->retry_after_ms = -1;
    r->http_version = 0;
    struct buf file = BUF_INIT;
    int status = CP_OK;
    r->status = 404;
    if (file_of_url(root, url, &file)) {
        r->status = 200;
        r->content_type = strdup(type_for(buf_str(&file)));
        status = read_body(buf_str(&file), max_body ? max_body : FETCH_DEFAULT_MAX_BODY, r);
    } else {
        /* GitHub Pages, Netlify, Cloudflare Pages and most static hosts answer a missing path with
         * the build's 404.html: so does --root, for the soft-404 reference (an empty 404 without) */
        buf_reset(&file);
        buf_printf(&file, "%s/404.html", root->dir);
        struct stat st;
        if (stat(buf_str(&file), &st) == 0 && S_ISREG(st.st_mode)) {
            r->content_type = strdup(type_for(buf_str(&file)));
            status = read_body(buf_str(&file), max_body ? max_body : FETCH_DEFAULT_MAX_BODY, r);
        }
    }
    buf_free(&file);
    if (status != CP_OK) {
        fetch_result_free(r);
        return status;
    }
    r->total_ms = r->ttfb_ms = elapsed_ms(&start);
    *out = r;
    return CP_OK;
}
