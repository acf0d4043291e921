/* SPDX-License-Identifier: Apache-2.0 */
/* tests/fixture_server/routes: parse and match the routes file (see routes.h). */
#include "routes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split the next token off *cursor: whitespace-separated, a double-quoted part may hold spaces. */
static char *next_token(char **cursor)
{
    char *p = *cursor;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (!*p)
        return NULL;
    char *start = p, *out = p;
    bool quoted = false;
    while (*p && (quoted || !isspace((unsigned char)*p))) {
        if (*p == '"')
            quoted = !quoted;
        else
            *out++ = *p;
        p++;
    }
    if (*p)
        p++;
    *out = '\0';
    *cursor = p;
    return start;
}

static int parse_long(const char *text, long *out)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (!*text || *end || value < 0)
        return -1;
    *out = value;
    return 0;
}

/* A copy of a body text with "\\n" as a line break (a route is one line). */
static char *unescape(const char *value)
{
    char *out = malloc(strlen(value) + 1), *p = out;
    if (!out)
        return NULL;
    for (; *value; value++)
        if (value[0] == '\\' && value[1] == 'n') {
            *p++ = '\n';
            value++;
        } else {
            *p++ = *value;
        }
    *p = '\0';
    return out;
}

static int set_directive(struct route *r, const char *token)
{
    const char *eq = strchr(token, '=');
    size_t name_length = eq ? (size_t)(eq - token) : strlen(token);
    const char *value = eq ? eq + 1 : "";
#define IS(name) (name_length == strlen(name) && strncmp(token, name, name_length) == 0)
    long number;
    if (IS("endless"))
        r->endless = true;
    else if (IS("calendar"))
        r->calendar = true;
    else if (IS("trap"))
        r->trap = true;
    else if (IS("expand"))
        r->expand = true;
    else if (!eq)
        return -1;
    else if (IS("status")) {
        if (parse_long(value, &number) || number < 100 || number > 999)
            return -1;
        r->status = (int)number;
    } else if (IS("location"))
        r->location = strdup(value);
    else if (IS("header")) {
        if (r->header_count == ROUTE_MAX_HEADERS || !strchr(value, ':'))
            return -1;
        r->headers[r->header_count++] = strdup(value);
    } else if (IS("retry-after"))
        return parse_long(value, &r->retry_after);
    else if (IS("delay"))
        return parse_long(value, &r->delay_ms);
    else if (IS("drip"))
        return parse_long(value, &r->drip_ms);
    else if (IS("trickle-headers")) {
        if (parse_long(value, &number) || number == 0)
            return -1;
        r->trickle_headers_ms = number;
    } else if (IS("header-bytes"))
        return parse_long(value, &r->header_bytes);
    else if (IS("times"))
        return parse_long(value, &r->times);
    else if (IS("encoding")) {
        if (strcmp(value, "gzip") == 0)
            r->encoding = ROUTE_ENCODING_GZIP;
        else if (strcmp(value, "br") == 0)
            r->encoding = ROUTE_ENCODING_BR;
        else
            return -1;
    } else if (IS("file"))
        r->file = strdup(value);
    else if (IS("body"))
        r->body = unescape(value);
    else if (IS("repeat"))
        r->repeat = unescape(value);
    else if (IS("tail"))
        r->tail = unescape(value);
    else if (IS("count"))
        return parse_long(value, &r->count);
    else if (IS("cut"))
        return parse_long(value, &r->cut);
    else if (IS("type"))
        r->content_type = strdup(value);
    else if (IS("auth")) {
        if (!strchr(value, ':'))
            return -1;
        r->auth = strdup(value);
    } else
        return -1;
#undef IS
    return 0;
}

static void route_free(struct route *r)
{
    free(r->host);
    free(r->path);
    free(r->location);
    for (size_t i = 0; i < r->header_count; i++)
        free(r->headers[i]);
    free(r->file);
    free(r->body);
    free(r->repeat);
    free(r->tail);
    free(r->content_type);
    free(r->auth);
}

static int parse_line(char *line, struct route *r, const char **problem)
{
    memset(r, 0, sizeof(*r));
    r->retry_after = -1;
    r->times = -1;
    r->cut = -1;
    char *cursor = line;
    char *token = next_token(&cursor);
    if (token && strncmp(token, "host=", 5) == 0) {
        r->host = strdup(token + 5);
        token = next_token(&cursor);
    }
    if (!token || token[0] != '/') {
        *problem = "expected a path starting with '/'";
        return -1;
    }
    size_t length = strlen(token);
    r->prefix = token[length - 1] == '*';
    if (r->prefix)
        token[length - 1] = '\0';
    r->path = strdup(token);
    while ((token = next_token(&cursor)))
        if (set_directive(r, token) != 0) {
            *problem = token;
            return -1;
        }
    return 0;
}

int routes_load(struct routes *routes, const char *path)
{
    memset(routes, 0, sizeof(*routes));
    pthread_mutex_init(&routes->lock, NULL);
    FILE *file = fopen(path, "r");
    if (!file)
        return 0;
    char *line = NULL; /* any length: generated hostile routes may hold 100 KB bodies */
    size_t line_size = 0;
    int line_number = 0;
    while (getline(&line, &line_size, file) > 0) {
        line_number++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        struct route r;
        const char *problem = "";
        if (parse_line(p, &r, &problem) != 0) {
            fprintf(stderr, "fixture_server: %s:%d: bad route (%s)\n", path, line_number, problem);
            route_free(&r);
            free(line);
            fclose(file);
            routes_free(routes);
            return -1;
        }
        struct route *grown = realloc(routes->items, (routes->count + 1) * sizeof(*grown));
        if (!grown) {
            route_free(&r);
            break;
        }
        routes->items = grown;
        routes->items[routes->count++] = r;
    }
    free(line);
    fclose(file);
    return 0;
}

void routes_free(struct routes *routes)
{
    for (size_t i = 0; i < routes->count; i++)
        route_free(&routes->items[i]);
    free(routes->items);
    routes->items = NULL;
    routes->count = 0;
    pthread_mutex_destroy(&routes->lock);
}

static bool host_matches(const struct route *r, const char *host)
{
    if (!r->host)
        return true;
    if (!host)
        return false;
    size_t length = strcspn(host, ":");
    return strlen(r->host) == length && strncasecmp(r->host, host, length) == 0;
}

const struct route *routes_match(struct routes *routes, const char *host, const char *path)
{
    const struct route *found = NULL;
    pthread_mutex_lock(&routes->lock);
    for (size_t i = 0; i < routes->count && !found; i++) {
        struct route *r = &routes->items[i];
        if (!host_matches(r, host))
            continue;
        bool path_ok = r->prefix ? strncmp(path, r->path, strlen(r->path)) == 0 : strcmp(path, r->path) == 0;
        if (!path_ok || (r->times >= 0 && r->used >= r->times))
            continue;
        r->used++;
        found = r;
    }
    pthread_mutex_unlock(&routes->lock);
    return found;
}
