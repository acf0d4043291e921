/* SPDX-License-Identifier: Apache-2.0 */
/* findings/cause: cause keys and their grouping (see cause.h). */
#include "findings/cause.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/array_grow.h"
#include "common/error.h"

/* How deep a target's folder goes in its cause: deep enough to tell /usr/share/doc/python3-doc/
 * from /usr/share/doc/python3-django/, shallow enough that a missing tree is one cause. */
#define TARGET_SEGMENTS 4
/* Page rules group by the site section, the first path segment. */
#define SECTION_SEGMENTS 1

enum reason_kind {
    REASON_NONE,    /* the rule alone */
    REASON_SCHEME,  /* a canonical with a non-http(s) scheme */
    REASON_ORIGIN,  /* a canonical on another origin */
    REASON_TARGET,  /* targets under a folder (answer first, when known) */
    REASON_FILE,    /* entries or lines of one file */
    REASON_SECTION, /* pages of one site section */
    REASON_LINKED,  /* pages linking to one origin (the first development host a page names) */
};

/* ---- URL pieces (plain string work: findings/ sits below web/url) ---- */

/* Length of "scheme" in "scheme:...", 0 when text has none. */
static size_t scheme_length(const char *text)
{
    if (!text || !isalpha((unsigned char)text[0]))
        return 0;
    size_t n = 1;
    while (isalnum((unsigned char)text[n]) || text[n] == '+' || text[n] == '-' || text[n] == '.')
        n++;
    return text[n] == ':' ? n : 0;
}

static bool is_http(const char *url)
{
    size_t n = scheme_length(url);
    return (n == 4 && strncasecmp(url, "http", 4) == 0) || (n == 5 && strncasecmp(url, "https", 5) == 0);
}

size_t finding_url_origin_length(const char *url)
{
    if (!is_http(url))
        return 0;
    size_t n = scheme_length(url) + 1;
    if (strncmp(url + n, "//", 2) != 0)
        return 0;
    n += 2;
    n += strcspn(url + n, "/?#");
    return n;
}

static size_t origin_length(const char *url)
{
    return finding_url_origin_length(url);
}

static bool same_origin(const char *a, const char *b)
{
    size_t na = origin_length(a), nb = origin_length(b);
    return na && na == nb && strncasecmp(a, b, na) == 0;
}

/* origin + the folder of url's path, at most `segments` folders deep: "http://h/a/b/" */
static int append_folder(struct buf *out, const char *url, int segments)
{
    size_t origin = origin_length(url);
    if (!origin)
        return buf_append_str(out, url ? url : "");
    const char *path = url + origin;
    size_t path_length = strcspn(path, "?#");
    size_t folder = 0; /* up to and including the last '/' before the file name */
    for (size_t i = 0; i < path_length; i++)
        if (path[i] == '/')
            folder = i + 1;
    size_t kept = folder;
    int seen = 0;
    for (size_t i = 1; i < folder; i++) {
        if (path[i] == '/' && ++seen == segments) {
            kept = i + 1;
            break;
        }
    }
    int rc = buf_append(out, url, origin);
    if (rc == CP_OK)
        rc = kept ? buf_append(out, path, kept) : buf_append_char(out, '/');
    return rc;
}

/* The answer in a link finding's message, "... answers 404 (linked from ...)": "404",
 * "fetch-error"; NULL when the message says none. */
static const char *answer_word(const char *message, char word[24])
{
    const char *at = message ? strstr(message, " answers ") : NULL;
    if (!at)
        return NULL;
    at += strlen(" answers ");
    if (strncmp(at, "fetch error", 11) == 0)
        return strcpy(word, "fetch-error");
    size_t n = 0;
    while (n < 23 && at[n] && at[n] != ' ' && at[n] != '(')
        word[n] = at[n], n++;
    word[n] = '\0';
    return n ? word : NULL;
}

/* ---- the reasons ---- */

static bool is_canonical_family(enum rule_id rule)
{
    return finding_identity_key_kind(rule) == FINDING_KEY_FIRST_RELATED && rule != RULE_HREFLANG_NO_RETURN &&
           rule != RULE_HREFLANG_TO_ERROR;
}

static bool is_target_rule(enum rule_id rule)
{
    return rule == RULE_BROKEN_LINK || rule == RULE_LINK_TO_REDIRECT;
}

static bool is_site_rule(enum rule_id rule)
{
    return rule == RULE_CANONICAL_MISSING || rule == RULE_CRAWL_HOST_PAUSED || rule == RULE_SITEMAP_MISSING ||
           rule == RULE_ROBOTS_MISSING || rule == RULE_SITE_BUILT_FOR_ANOTHER_ORIGIN;
}

static bool is_file_rule(enum rule_id rule)
{
    return finding_identity_key_kind(rule) == FINDING_KEY_SOURCE;
}

/* The reason of f, its text appended to text (without the "rule:" prefix). */
static enum reason_kind reason_of(const struct finding *f, struct buf *text, int *rc)
{
    if (is_site_rule(f->rule))
        return REASON_NONE;
    if (is_canonical_family(f->rule)) {
        const char *target = f->related_count ? f->related[0] : NULL;
        size_t scheme = scheme_length(target);
        if (scheme && !is_http(target)) {
            *rc = buf_append(text, target, scheme);
            for (size_t i = 0; i < text->len; i++)
                text->data[i] = (char)tolower((unsigned char)text->data[i]);
            return REASON_SCHEME;
        }
        if (!target || !scheme)
            return REASON_NONE;
        if (f->url && !same_origin(f->url, target)) {
            *rc = buf_append(text, target, origin_length(target));
            return REASON_ORIGIN;
        }
        *rc = append_folder(text, target, TARGET_SEGMENTS);
        return REASON_TARGET;
    }
    if (is_target_rule(f->rule)) {
        char word[24];
        const char *answer = answer_word(f->message, word);
        if (answer)
            *rc = buf_printf(text, "%s ", answer);
        if (*rc == CP_OK)
            *rc = append_folder(text, f->url, TARGET_SEGMENTS);
        return REASON_TARGET;
    }
    if (is_file_rule(f->rule)) {
        *rc = buf_append_str(text, f->source ? f->source : f->url ? f->url : "");
        /* Out-of-scope <loc>s of one file name one other origin, usually: the build's. */
        if (*rc == CP_OK && (f->rule == RULE_SITEMAP_LOC_OUT_OF_SCOPE || f->rule == RULE_SITEMAP_LOC_OTHER_ORIGIN) &&
            origin_length(f->url)) {
            *rc = buf_append_char(text, ' ');
            if (*rc == CP_OK)
                *rc = buf_append(text, f->url, origin_length(f->url));
        }
        return REASON_FILE;
    }
    if (f->rule == RULE_LINK_TO_DEV_HOST && f->related_count && origin_length(f->related[0])) {
        *rc = buf_append(text, f->related[0], origin_length(f->related[0]));
        return REASON_LINKED;
    }
    if (!f->url)
        return REASON_NONE;
    *rc = append_folder(text, f->url, SECTION_SEGMENTS);
    return REASON_SECTION;
}

int finding_cause_key(const struct finding *f, struct buf *out)
{
    struct buf text = BUF_INIT;
    int rc = CP_OK;
    enum reason_kind kind = reason_of(f, &text, &rc);
    if (rc == CP_OK)
        rc = buf_append_str(out, rule_get(f->rule)->id);
    if (rc == CP_OK && kind != REASON_NONE) {
        rc = buf_append_str(out, kind == REASON_SCHEME   ? ":scheme="
                                 : kind == REASON_ORIGIN ? ":origin="
                                 : kind == REASON_LINKED ? ":links-to="
                                                         : ":");
        if (rc == CP_OK)
            rc = buf_append_str(out, buf_str(&text));
    }
    buf_free(&text);
    return rc;
}

/* ---- grouping ---- */

struct key_entry {
    const char *key; /* the group's key */
    size_t group;
    UT_hash_handle hh;
};

struct related_entry {
    const char *url; /* a finding's related URL (the list owns it) */
    UT_hash_handle hh;
};

/* A rule title as the rest of a sentence: "Canonical points to ..." -> "canonical points to ...".
 * Titles that open with an acronym or a code word keep their case. */
static int append_title_phrase(struct buf *out, const struct rule *rule)
{
    const char *title = rule->title;
    if (isupper((unsigned char)title[0]) && islower((unsigned char)title[1])) {
        int rc = buf_append_char(out, (char)tolower((unsigned char)title[0]));
        return rc == CP_OK ? buf_append_str(out, title + 1) : rc;
    }
    return buf_append_str(out, title);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The sentence of a group whose first finding is f. */
static int summarize(const struct finding_cause_group *g, const struct finding *f, struct buf *out)
{
    const struct rule *rule = rule_get(g->rule);
    struct buf text = BUF_INIT;
    int rc = CP_OK;
    enum reason_kind kind = reason_of(f, &text, &rc);
    const char *reason = buf_str(&text);
    if (rc != CP_OK) {
        buf_free(&text);
        return rc;
    }
    if (g->count == 1) {
        rc = buf_append_str(out, f->message); /* one finding: its own evidence says it best */
    } else if (kind == REASON_SCHEME) {
        rc = buf_printf(out, "%zu %s: canonical uses the %s: scheme", g->count, plural(g->count, "page", "pages"),
                        reason);
        if (rc == CP_OK && strcmp(reason, "file") == 0)
            rc = buf_append_str(out, " (built without the site URL, e.g. Sphinx html_baseurl?)");
        if (rc == CP_OK && g->rule != RULE_CANONICAL_INVALID)
            rc = buf_printf(out, " [%s]", rule->id);
    } else if (kind == REASON_ORIGIN) {
        rc = buf_printf(out, "%zu %s: canonical points to another origin, %s", g->count,
                        plural(g->count, "page", "pages"), reason);
        if (rc == CP_OK && g->rule != RULE_CANONICAL_CROSS_HOST)
            rc = buf_printf(out, " [%s]", rule->id);
    } else if (kind == REASON_TARGET && is_target_rule(g->rule)) {
        const char *space = strchr(reason, ' ');
        const char *folder = space && !strstr(reason, "://") ? reason : space ? space + 1 : reason;
        char word[24];
        const char *answer = answer_word(f->message, word);
        const char *verb = g->rule == RULE_LINK_TO_REDIRECT ? "redirect" : NULL;
        rc = buf_printf(out, "%zu %s under %s ", g->count, plural(g->count, "target", "targets"), folder);
        if (rc == CP_OK)
            rc = verb ? buf_append_str(out, verb) : buf_printf(out, "answer %s", answer ? answer : "an error");
        if (rc == CP_OK)
            rc = buf_printf(out, " (linked from %zu %s)", g->related, plural(g->related, "page", "pages"));
    } else if (kind == REASON_TARGET) {
        rc = buf_printf(out, "%zu %s, canonicals under %s: ", g->count, plural(g->count, "page", "pages"), reason);
        if (rc == CP_OK)
            rc = append_title_phrase(out, rule);
    } else if (kind == REASON_FILE) {
        const char *unit = strncmp(rule->id, "robots-", 7) == 0 ? plural(g->count, "line", "lines")
                                                                : plural(g->count, "entry", "entries");
        const char *origin = strchr(reason, ' '); /* "FILE ORIGIN" for out-of-scope <loc>s */
        if (origin)
            rc = buf_printf(out, "%zu %s of %.*s on %s: ", g->count, unit, (int)(origin - reason), reason, origin + 1);
        else
            rc = buf_printf(out, "%zu %s of %s: ", g->count, unit, reason);
        if (rc == CP_OK)
            rc = append_title_phrase(out, rule);
    } else if (kind == REASON_LINKED) {
        rc = buf_printf(out, "%zu %s link to %s: ", g->count, plural(g->count, "page", "pages"), reason);
        if (rc == CP_OK)
            rc = append_title_phrase(out, rule);
    } else if (kind == REASON_SECTION) {
        rc = buf_printf(out, "%zu %s under %s: ", g->count, plural(g->count, "page", "pages"), reason);
        if (rc == CP_OK)
            rc = append_title_phrase(out, rule);
    } else {
        rc = buf_printf(out, "%zu %s: ", g->count, f->url ? "pages" : "findings");
        if (rc == CP_OK)
            rc = append_title_phrase(out, rule);
    }
    buf_free(&text);
    return rc;
}

static int compare_groups(const void *pa, const void *pb)
{
    const struct finding_cause_group *a = pa, *b = pb;
    enum severity sa = rule_get(a->rule)->severity, sb = rule_get(b->rule)->severity;
    if (sa != sb)
        return sa > sb ? -1 : 1;
    /* A fact about the whole site explains the rows below it: it comes first. */
    if (is_site_rule(a->rule) != is_site_rule(b->rule))
        return is_site_rule(a->rule) ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* Distinct related URLs of every group (each finding's related set, merged per group). */
static int count_related(const struct finding_list *list, struct finding_causes *causes)
{
    int rc = CP_OK;
    for (size_t g = 0; g < causes->count && rc == CP_OK; g++) {
        struct related_entry *seen = NULL, *entry, *next;
        size_t n = 0;
        const struct finding_cause_group *group = &causes->groups[g];
        for (size_t k = group->start; k < group->start + group->count && rc == CP_OK; k++) {
            const struct finding *f = &list->items[causes->order[k]];
            for (size_t r = 0; r < f->related_count; r++) {
                HASH_FIND_STR(seen, f->related[r], entry);
                if (entry)
                    continue;
                entry = malloc(sizeof(*entry));
                if (!entry) {
                    rc = CP_ERR_NOMEM;
                    break;
                }
                entry->url = f->related[r];
                HASH_ADD_KEYPTR(hh, seen, entry->url, strlen(entry->url), entry);
                n++;
            }
        }
        HASH_ITER(hh, seen, entry, next)
        {
            HASH_DEL(seen, entry);
            free(entry);
        }
        causes->groups[g].related = n;
    }
    return rc;
}

static int assign_groups(const struct finding_list *list, struct finding_causes *out, struct key_entry **index)
{
    struct buf key = BUF_INIT;
    int rc = CP_OK;
    for (size_t i = 0; i < list->count && rc == CP_OK; i++) {
        buf_reset(&key);
        rc = finding_cause_key(&list->items[i], &key);
        if (rc != CP_OK)
            break;
        struct key_entry *entry;
        HASH_FIND_STR(*index, buf_str(&key), entry);
        if (!entry) {
            struct finding_cause_group *groups = array_grow(out->groups, out->count, sizeof(*groups));
            entry = malloc(sizeof(*entry));
            if (groups)
                out->groups = groups;
            if (!groups || !entry) {
                free(entry);
                rc = CP_ERR_NOMEM;
                break;
            }
            struct finding_cause_group *g = &out->groups[out->count];
            *g = (struct finding_cause_group){.key = buf_detach(&key), .rule = list->items[i].rule, .first = i};
            if (!g->key) {
                free(entry);
                rc = CP_ERR_NOMEM;
                break;
            }
            entry->key = g->key;
            entry->group = out->count++;
            HASH_ADD_KEYPTR(hh, *index, entry->key, strlen(entry->key), entry);
        }
        out->groups[entry->group].count++;
        out->group_of[i] = entry->group;
    }
    buf_free(&key);
    return rc;
}

/* Sort the groups and renumber group_of to match. */
static int order_groups(const struct finding_list *list, struct finding_causes *out)
{
    for (size_t g = 0; g < out->count; g++)
        out->groups[g].related = g; /* the old index, carried through the sort */
    if (out->count > 1)
        qsort(out->groups, out->count, sizeof(*out->groups), compare_groups);
    size_t *renumber = malloc((out->count ? out->count : 1) * sizeof(*renumber));
    if (!renumber)
        return CP_ERR_NOMEM;
    for (size_t g = 0; g < out->count; g++)
        renumber[out->groups[g].related] = g;
    for (size_t i = 0; i < list->count; i++)
        out->group_of[i] = renumber[out->group_of[i]];
    /* Counting sort of the findings by group: each group's slice of order, in list order. */
    size_t start = 0;
    for (size_t g = 0; g < out->count; g++) {
        out->groups[g].start = renumber[g] = start;
        start += out->groups[g].count;
    }
    for (size_t i = 0; i < list->count; i++)
        out->order[renumber[out->group_of[i]]++] = i;
    free(renumber);
    return CP_OK;
}

int finding_causes_build(const struct finding_list *list, struct finding_causes *out)
{
    *out = (struct finding_causes)FINDING_CAUSES_INIT;
    out->group_of = calloc(list->count ? list->count : 1, sizeof(*out->group_of));
    out->order = calloc(list->count ? list->count : 1, sizeof(*out->order));
    if (!out->group_of || !out->order)
        return CP_ERR_NOMEM;
    struct key_entry *index = NULL, *entry, *next;
    int rc = assign_groups(list, out, &index);
    HASH_ITER(hh, index, entry, next)
    {
        HASH_DEL(index, entry);
        free(entry);
    }
    if (rc == CP_OK)
        rc = order_groups(list, out);
    if (rc == CP_OK)
        rc = count_related(list, out);
    struct buf sentence = BUF_INIT;
    for (size_t g = 0; g < out->count && rc == CP_OK; g++) {
        buf_reset(&sentence);
        rc = summarize(&out->groups[g], &list->items[out->groups[g].first], &sentence);
        if (rc == CP_OK && !(out->groups[g].summary = buf_detach(&sentence)))
            rc = CP_ERR_NOMEM;
    }
    buf_free(&sentence);
    return rc;
}

void finding_causes_free(struct finding_causes *causes)
{
    for (size_t g = 0; g < causes->count; g++) {
        free(causes->groups[g].key);
        free(causes->groups[g].summary);
    }
    free(causes->groups);
    free(causes->group_of);
    free(causes->order);
    *causes = (struct finding_causes)FINDING_CAUSES_INIT;
}
