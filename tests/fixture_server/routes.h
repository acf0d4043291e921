/* SPDX-License-Identifier: Apache-2.0 */
/* tests/fixture_server/routes: the `routes` file of a fixture site (format in docs/fixture-server.md).
 *
 * Each non-comment line is one rule: an optional `host=NAME`, a path pattern, then directives.
 * The server asks routes_match() for the first rule whose host and path match a request and whose
 * `times=` budget is not spent; the budget counter is the only mutable state and is updated under
 * a lock, so any connection thread may call routes_match(). Memory: the table owns every string. */
#ifndef CRAWLPACK_FIXTURE_ROUTES_H
#define CRAWLPACK_FIXTURE_ROUTES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define ROUTE_MAX_HEADERS 8

enum route_encoding { ROUTE_ENCODING_NONE, ROUTE_ENCODING_GZIP, ROUTE_ENCODING_BR };

struct route {
    char *host; /* NULL: any host; else the Host header's name, without port */
    char *path; /* exact path, or a prefix when it ends in '*' */
    bool prefix;
    int status;                       /* 0: 200, or 404 when no body source exists */
    char *location;                   /* Location header value */
    char *headers[ROUTE_MAX_HEADERS]; /* "Name: value" */
    size_t header_count;
    long retry_after;        /* -1: none */
    long delay_ms;           /* wait before answering */
    long drip_ms;            /* wait between body bytes */
    long trickle_headers_ms; /* wait between header bytes; the headers never end */
    bool endless;            /* a body that never ends (bounded at 1 GiB) */
    bool trap;               /* a generated page linking to path?n=N+1 (crawl trap) */
    bool expand;             /* replace "{port}" in the body with the server's port */
    long header_bytes;       /* add an X-Padding header of this many bytes */
    enum route_encoding encoding;
    char *file;   /* body from this file (relative to the site root) */
    char *body;   /* literal body */
    char *repeat; /* appended `count` times after body, "{i}" the repetition's number */
    long count;
    char *tail;    /* appended after the repetitions */
    long cut;      /* -1: whole body; else send this many bytes, then break the connection */
    bool calendar; /* a generated page at PREFIX/YYYY/MM/ linking to the next month */
    char *content_type;
    char *auth; /* "user:password": 401 unless the request's basic auth is exactly this */
    long times; /* -1: always; else the rule applies to this many requests */
    long used;
};

struct routes {
    struct route *items;
    size_t count;
    pthread_mutex_t lock;
};

/* Load path (a missing file is an empty table). Returns 0, or -1 with a message on stderr naming
 * the file and line. */
int routes_load(struct routes *routes, const char *path);
void routes_free(struct routes *routes);

/* The rule for host (may be NULL) and url path, consuming one use of a `times=` budget; NULL when
 * none applies. The returned rule stays valid until routes_free. */
const struct route *routes_match(struct routes *routes, const char *host, const char *path);

#endif
