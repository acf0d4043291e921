/* SPDX-License-Identifier: Apache-2.0 */
/* web/link_header: RFC 8288 Link header parsing. */
#include "web/link_header.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Skip to just after the next comma that is not inside <...> or a quoted string. */
static const char *skip_to_next_link(const char *p)
{
    bool quoted = false;
    bool bracketed = false;
    for (; *p; p++) {
        if (quoted) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                quoted = false;
        } else if (bracketed) {
            if (*p == '>')
                bracketed = false;
        } else if (*p == '"') {
            quoted = true;
        } else if (*p == '<') {
            bracketed = true;
        } else if (*p == ',') {
            return p + 1;
        }
    }
    return p;
}

/* Read a token or quoted string into dst (truncated to size-1 bytes); returns the position after. */
static const char *read_value(const char *p, char *dst, size_t size, bool lower)
{
    size_t n = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < size)
                dst[n++] = lower ? (char)tolower((unsigned char)*p) : *p;
            p++;
        }
        if (*p == '"')
            p++;
    } else {
        while (*p && *p != ';' && *p != ',' && !is_space(*p)) {
            if (n + 1 < size)
                dst[n++] = lower ? (char)tolower((unsigned char)*p) : *p;
            p++;
        }
    }
    dst[n] = '\0';
    return p;
}

/* Parse the parameters after a target, filling entry; returns the position at the ',' or end, or
 * NULL when the syntax is broken. */
static const char *parse_parameters(const char *p, struct link_header_entry *entry)
{
    bool have_rel = false, have_hreflang = false;
    for (;;) {
        while (is_space(*p))
            p++;
        if (*p == '\0' || *p == ',')
            return p;
        if (*p != ';')
            return NULL;
        p++;
        while (is_space(*p))
            p++;
        const char *name = p;
        while (*p && *p != '=' && *p != ';' && *p != ',' && !is_space(*p))
            p++;
        size_t name_length = (size_t)(p - name);
        if (name_length == 0)
            return NULL;
        while (is_space(*p))
            p++;
        char value[LINK_HEADER_PARAM_MAX];
        value[0] = '\0';
        bool is_rel = name_length == 3 && strncasecmp(name, "rel", 3) == 0;
        bool is_hreflang = name_length == 8 && strncasecmp(name, "hreflang", 8) == 0;
        if (*p == '=') {
            p++;
            while (is_space(*p))
                p++;
            p = read_value(p, value, sizeof value, is_rel);
        }
        if (is_rel && !have_rel) {
            memcpy(entry->rel, value, sizeof value);
            have_rel = true;
        } else if (is_hreflang && !have_hreflang) {
            memcpy(entry->hreflang, value, sizeof value);
            have_hreflang = true;
        }
    }
}

size_t link_header_parse(const char *value, link_header_fn fn, void *context)
{
    size_t malformed = 0;
    const char *p = value ? value : "";
    /* the next '>' at or after p, found once per stretch so a header of many broken links stays
     * linear; NULL once none is left */
    const char *next_close = strchr(p, '>');
    while (*p) {
        while (is_space(*p) || *p == ',')
            p++;
        if (*p == '\0')
            break;
        struct link_header_entry entry;
        entry.rel[0] = entry.hreflang[0] = '\0';
        if (next_close && next_close < p)
            next_close = strchr(p, '>');
        const char *close = *p == '<' ? next_close : NULL;
        const char *end = close ? parse_parameters(close + 1, &entry) : NULL;
        if (!end) {
            malformed++;
            p = skip_to_next_link(p);
            continue;
        }
        entry.target = p + 1;
        entry.target_length = (size_t)(close - p - 1);
        while (entry.target_length > 0 && is_space(*entry.target))
            entry.target++, entry.target_length--;
        while (entry.target_length > 0 && is_space(entry.target[entry.target_length - 1]))
            entry.target_length--;
        if (!fn(&entry, context))
            break;
        p = *end ? end + 1 : end;
    }
    return malformed;
}

bool link_header_rel_has(const char *rel, const char *token)
{
    size_t want = strlen(token);
    const char *p = rel;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if ((size_t)(p - start) == want && strncasecmp(start, token, want) == 0)
            return true;
    }
    return false;
}
