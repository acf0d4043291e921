/* SPDX-License-Identifier: Apache-2.0 */
/* web/link_header: the HTTP Link header (RFC 8288), as servers use it for rel="canonical",
 * rel="alternate"; hreflang="..." and rel="next"/"prev".
 *
 * One header value may hold several links separated by commas: <target>; param=value; param="v".
 * Parameter names are case-insensitive, values are tokens or quoted strings (backslash escapes
 * removed); only the first rel and hreflang of a link count (RFC 8288 section 3). A malformed link
 * is skipped up to the next comma outside a quoted string and counted; the rest still parse.
 *
 * Memory: entries point into the caller's value (target) or into the entry's own fixed buffers
 * (rel, hreflang), valid during the callback only. Reentrant, no allocation. */
#ifndef CRAWLPACK_WEB_LINK_HEADER_H
#define CRAWLPACK_WEB_LINK_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#define LINK_HEADER_PARAM_MAX 256

struct link_header_entry {
    const char *target; /* the URI-reference between < and >, not NUL-terminated */
    size_t target_length;
    char rel[LINK_HEADER_PARAM_MAX];      /* space-separated relation types, lower-cased; "" if none */
    char hreflang[LINK_HEADER_PARAM_MAX]; /* as written; "" if none */
};

/* Called once per well-formed link; return false to stop. */
typedef bool (*link_header_fn)(const struct link_header_entry *entry, void *context);

/* Parse one Link header value. Returns the number of malformed links skipped. */
size_t link_header_parse(const char *value, link_header_fn fn, void *context);

/* True when the space-separated list rel contains token (ASCII case-insensitive). */
bool link_header_rel_has(const char *rel, const char *token);

#endif
