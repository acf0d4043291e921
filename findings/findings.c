/* SPDX-License-Identifier: Apache-2.0 */
/* findings/findings: storage, ordering and counting of findings (see findings.h). */
#include "findings/findings.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "findings/finding_cap.h"

static char *strdup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int list_reserve(struct finding_list *list, size_t extra)
{
    if (list->count + extra <= list->capacity)
        return CP_OK;
    size_t capacity = list->capacity ? list->capacity : 16;
    while (capacity < list->count + extra)
        capacity *= 2;
    struct finding *items = realloc(list->items, capacity * sizeof(*items));
    if (!items)
        return CP_ERR_NOMEM;
    list->items = items;
    list->capacity = capacity;
    return CP_OK;
}

void finding_free(struct finding *f)
{
    free(f->url);
    free(f->message);
    free(f->source);
    for (size_t i = 0; i < f->related_count; i++)
        free(f->related[i]);
    free(f->related);
}

struct finding *findings_add(struct finding_list *list, enum rule_id rule, const char *url, const char *source,
                             unsigned line, const char *fmt, ...)
{
    if (list->cap && finding_cap_before_add(list) != CP_OK) /* a bounded list drops what is over */
        return NULL;
    if (list_reserve(list, 1) != CP_OK)
        return NULL;
    struct buf message = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(&message, fmt, ap);
    va_end(ap);
    struct finding f = {
        .rule = rule,
        .url = strdup_or_null(url),
        .message = buf_detach(&message),
        .source = strdup_or_null(source),
        .line = line,
    };
    if (rc != CP_OK || !f.message || (url && !f.url) || (source && !f.source)) {
        finding_free(&f);
        return NULL;
    }
    list->items[list->count] = f;
    return &list->items[list->count++];
}

int finding_add_related(struct finding *finding, const char *url)
{
    char **related = array_grow(finding->related, finding->related_count, sizeof(*related));
    if (!related)
        return CP_ERR_NOMEM;
    finding->related = related;
    related[finding->related_count] = strdup(url);
    if (!related[finding->related_count])
        return CP_ERR_NOMEM;
    finding->related_count++;
    return CP_OK;
}

int findings_add_copy(struct finding_list *list, const struct finding *f)
{
    struct finding *copy = findings_add(list, f->rule, f->url, f->source, f->line, "%s", f->message);
    if (!copy)
        return CP_ERR_NOMEM;
    copy->column = f->column;
    for (size_t i = 0; i < f->related_count; i++)
        if (finding_add_related(copy, f->related[i]) != CP_OK)
            return CP_ERR_NOMEM;
    return CP_OK;
}

int findings_move_all(struct finding_list *to, struct finding_list *from)
{
    if (list_reserve(to, from->count) != CP_OK || finding_cap_merge(to, from->cap) != CP_OK)
        return CP_ERR_NOMEM;
    finding_cap_free(from->cap);
    if (from->count)
        memcpy(to->items + to->count, from->items, from->count * sizeof(*from->items));
    to->count += from->count;
    free(from->items);
    *from = (struct finding_list)FINDING_LIST_INIT;
    return CP_OK;
}

int findings_move_rule(struct finding_list *to, struct finding_list *from, enum rule_id rule)
{
    size_t moving = 0;
    for (size_t i = 0; i < from->count; i++)
        moving += from->items[i].rule == rule;
    if (list_reserve(to, moving) != CP_OK)
        return CP_ERR_NOMEM;
    size_t kept = 0;
    for (size_t i = 0; i < from->count; i++) {
        if (from->items[i].rule == rule)
            to->items[to->count++] = from->items[i];
        else
            from->items[kept++] = from->items[i];
    }
    from->count = kept;
    return CP_OK;
}

static int compare_strings(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

int findings_compare(const struct finding *a, const struct finding *b)
{
    const struct rule *ra = rule_get(a->rule), *rb = rule_get(b->rule);
    if (ra->severity != rb->severity)
        return ra->severity > rb->severity ? -1 : 1;
    int c = strcmp(ra->id, rb->id);
    if (c == 0)
        c = compare_strings(a->source, b->source);
    if (c == 0 && a->line != b->line)
        c = a->line < b->line ? -1 : 1;
    if (c == 0)
        c = compare_strings(a->url, b->url);
    if (c == 0)
        c = compare_strings(a->message, b->message);
    return c;
}

static int compare_findings(const void *a, const void *b)
{
    return findings_compare(a, b);
}

void findings_sort(struct finding_list *list)
{
    if (list->count > 1)
        qsort(list->items, list->count, sizeof(*list->items), compare_findings);
}

size_t findings_count_at_least(const struct finding_list *list, enum severity threshold)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        if (rule_get(list->items[i].rule)->severity >= threshold)
            n++;
    return n;
}

void findings_free(struct finding_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        finding_free(&list->items[i]);
    free(list->items);
    finding_cap_free(list->cap);
    *list = (struct finding_list)FINDING_LIST_INIT;
}

/* The rules whose findings belong to a robots.txt or sitemap file, by the catalog's section prefix so
 * rules added to those sections later follow without a change here. */
static bool rule_of_file_section(enum rule_id rule)
{
    const char *id = rule_get(rule)->id;
    return strncmp(id, "sitemap-", 8) == 0 || strncmp(id, "robots-", 7) == 0;
}

const char *finding_file(const struct finding *f)
{
    return rule_of_file_section(f->rule) || f->rule == RULE_ORPHAN_URL ? f->source : NULL;
}

enum finding_identity_key finding_identity_key_kind(enum rule_id rule)
{
    switch (rule) {
    /* A page's canonical or hreflang problem is about one target: a new target is a new finding. */
    case RULE_CANONICAL_INVALID:
    case RULE_CANONICAL_RELATIVE:
    case RULE_CANONICAL_OUTSIDE_HEAD:
    case RULE_CANONICAL_TO_REDIRECT:
    case RULE_CANONICAL_TO_ERROR:
    case RULE_CANONICAL_TO_NOINDEX:
    case RULE_CANONICAL_TO_BLOCKED:
    case RULE_CANONICAL_CROSS_HOST:
    case RULE_CANONICAL_CHAIN:
    case RULE_CANONICAL_LOOP:
    case RULE_NOINDEX_AND_CANONICAL:
    case RULE_HREFLANG_NO_RETURN:
    case RULE_HREFLANG_TO_ERROR: return FINDING_KEY_FIRST_RELATED;
    default: break;
    }
    /* Sitemap and robots.txt findings belong to the file that holds the entry (the same URL listed
     * in two sitemaps is two findings). */
    if (rule_of_file_section(rule))
        return FINDING_KEY_SOURCE;
    /* Page and graph findings (broken-link, redirect-*, deep-page, ...): the URL alone. The sources
     * of a broken link or the hops of a chain are evidence that may change. */
    return FINDING_KEY_NONE;
}

int finding_identity(const struct finding *f, struct buf *out)
{
    const char *key = NULL;
    switch (finding_identity_key_kind(f->rule)) {
    case FINDING_KEY_FIRST_RELATED: key = f->related_count ? f->related[0] : NULL; break;
    case FINDING_KEY_SOURCE: key = f->source; break;
    case FINDING_KEY_NONE: key = f->url ? NULL : f->source; break;
    }
    int rc = buf_append_str(out, rule_get(f->rule)->id);
    if (rc == CP_OK)
        rc = buf_append_char(out, '\x1f');
    if (rc == CP_OK)
        rc = buf_append_str(out, f->url ? f->url : "");
    if (rc == CP_OK)
        rc = buf_append_char(out, '\x1f');
    if (rc == CP_OK)
        rc = buf_append_str(out, key ? key : "");
    return rc;
}

uint64_t finding_fingerprint(const struct finding *f)
{
    struct buf identity = BUF_INIT;
    if (finding_identity(f, &identity) != CP_OK) {
        buf_free(&identity);
        return 0;
    }
    uint64_t hash = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */
    for (size_t i = 0; i < identity.len; i++) {
        hash ^= (unsigned char)identity.data[i];
        hash *= 0x100000001b3ULL; /* FNV 64 prime */
    }
    buf_free(&identity);
    return hash;
}

void finding_fingerprint_hex(const struct finding *f, char text[17])
{
    snprintf(text, 17, "%016" PRIx64, finding_fingerprint(f));
}
