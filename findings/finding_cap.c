/* SPDX-License-Identifier: Apache-2.0 */
/* findings/finding_cap: per-cause bounds on a finding list (see finding_cap.h). */
#include "findings/finding_cap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/buf.h"
#include "common/error.h"
#include "findings/cause.h"

#define COMPACT_EVERY_MIN 4096

struct cap_entry {
    char *key;
    enum rule_id rule;
    size_t kept, dropped;
    UT_hash_handle hh;
};

struct finding_cap {
    size_t max;                /* per cause */
    struct cap_entry *entries; /* by key */
    size_t next_compaction;    /* compact when the list reaches this count */
    size_t rule_kept[RULE_COUNT];
    size_t rule_dropped[RULE_COUNT]; /* over the rule's own cap (no per-cause entry) */
};

/* What the cap counts by: the cause key (rule + underlying reason). */
static int cap_key(const struct finding *f, struct buf *out)
{
    return finding_cause_key(f, out);
}

int finding_cap_set(struct finding_list *list, size_t max_per_cause)
{
    if (!list->cap) {
        list->cap = calloc(1, sizeof *list->cap);
        if (!list->cap)
            return CP_ERR_NOMEM;
    }
    list->cap->max = max_per_cause ? max_per_cause : FINDING_CAP_DEFAULT;
    list->cap->next_compaction = 0; /* at the next add */
    return CP_OK;
}

static struct cap_entry *entry_for(struct finding_cap *cap, const struct buf *key, enum rule_id rule)
{
    struct cap_entry *e = NULL;
    HASH_FIND(hh, cap->entries, key->data, key->len, e);
    if (e)
        return e;
    e = calloc(1, sizeof *e);
    if (!e || !(e->key = malloc(key->len + 1))) {
        free(e);
        return NULL;
    }
    memcpy(e->key, key->data, key->len);
    e->key[key->len] = '\0';
    e->rule = rule;
    HASH_ADD_KEYPTR(hh, cap->entries, e->key, key->len, e);
    return e;
}

/* Whether f stays, counting it either way. */
static int admit(struct finding_cap *cap, const struct finding *f, struct buf *key, bool *keep)
{
    *keep = true;
    if (f->rule == RULE_FINDINGS_CAPPED)
        return CP_OK;
    if (cap->rule_kept[f->rule] >= cap->max * FINDING_CAP_RULE_FACTOR) {
        cap->rule_dropped[f->rule]++;
        *keep = false;
        return CP_OK;
    }
    buf_reset(key);
    if (cap_key(f, key) != CP_OK || !key->data)
        return CP_ERR_NOMEM;
    struct cap_entry *e = entry_for(cap, key, f->rule);
    if (!e)
        return CP_ERR_NOMEM;
    *keep = e->kept < cap->max;
    if (*keep) {
        e->kept++;
        cap->rule_kept[f->rule]++;
    } else {
        e->dropped++;
    }
    return CP_OK;
}

static int compare_pointed(const void *a, const void *b)
{
    return findings_compare(*(const struct finding *const *)a, *(const struct finding *const *)b);
}

/* Keep, of the whole list taken in report order (findings_compare), the first max findings of each
 * cause and the first max * FINDING_CAP_RULE_FACTOR of each rule, and count what is dropped (each
 * finding is dropped once: it leaves the list, whose order is kept). The report order, not the
 * arrival, decides, so the kept findings are the same however they arrived (extraction threads, a
 * resumed or incremental crawl): a dropped finding had max findings of its cause (or of its rule)
 * before it, and a kept one is only ever replaced by one that comes earlier, so it stays out of
 * every larger list too. */
static int compact(struct finding_list *list)
{
    struct finding_cap *cap = list->cap;
    struct finding **order = malloc((list->count + 1) * sizeof *order);
    bool *keep = malloc(list->count + 1);
    if (!order || !keep) {
        free(order);
        free(keep);
        return CP_ERR_NOMEM;
    }
    for (size_t i = 0; i < list->count; i++)
        order[i] = &list->items[i];
    qsort(order, list->count, sizeof *order, compare_pointed);
    struct cap_entry *e, *next;
    HASH_ITER(hh, cap->entries, e, next)
    {
        e->kept = 0;
    }
    memset(cap->rule_kept, 0, sizeof cap->rule_kept);
    struct buf key = BUF_INIT;
    int status = CP_OK;
    for (size_t i = 0; i < list->count; i++) {
        size_t at = (size_t)(order[i] - list->items);
        keep[at] = true;
        if (status == CP_OK)
            status = admit(cap, order[i], &key, &keep[at]);
    }
    buf_free(&key);
    size_t write = 0;
    for (size_t i = 0; i < list->count; i++) {
        if (keep[i])
            list->items[write++] = list->items[i];
        else
            finding_free(&list->items[i]);
    }
    free(order);
    free(keep);
    list->count = write;
    size_t every = write > COMPACT_EVERY_MIN ? write : COMPACT_EVERY_MIN;
    cap->next_compaction = write + every;
    return status;
}

int finding_cap_before_add(struct finding_list *list)
{
    if (!list->cap || list->count < list->cap->next_compaction)
        return CP_OK;
    return compact(list);
}

int finding_cap_merge(struct finding_list *to, struct finding_cap *from)
{
    if (!from)
        return CP_OK;
    if (!to->cap && finding_cap_set(to, from->max) != CP_OK)
        return CP_ERR_NOMEM;
    struct finding_cap *cap = to->cap;
    for (int r = 0; r < RULE_COUNT; r++)
        cap->rule_dropped[r] += from->rule_dropped[r];
    struct buf key = BUF_INIT;
    struct cap_entry *e, *next;
    int status = CP_OK;
    HASH_ITER(hh, from->entries, e, next)
    {
        if (!e->dropped || status != CP_OK)
            continue;
        buf_reset(&key);
        struct cap_entry *mine = buf_append_str(&key, e->key) == CP_OK ? entry_for(cap, &key, e->rule) : NULL;
        if (mine)
            mine->dropped += e->dropped;
        else
            status = CP_ERR_NOMEM;
    }
    buf_free(&key);
    return status;
}

int finding_cap_finish(struct finding_list *list)
{
    struct finding_cap *cap = list->cap;
    if (!cap)
        return CP_OK;
    int status = compact(list);
    cap->next_compaction = SIZE_MAX; /* the summaries are not capped */
    struct cap_entry *e, *next;
    HASH_ITER(hh, cap->entries, e, next)
    {
        if (!e->dropped || status != CP_OK)
            continue;
        if (!findings_add(list, RULE_FINDINGS_CAPPED, NULL, NULL, 0,
                          "%zu more %s findings with cause %s were not listed (--max-findings-per-rule %zu)",
                          e->dropped, rule_get(e->rule)->id, e->key, cap->max))
            status = CP_ERR_NOMEM;
        e->dropped = 0;
    }
    for (int r = 0; r < RULE_COUNT && status == CP_OK; r++) {
        if (!cap->rule_dropped[r])
            continue;
        if (!findings_add(list, RULE_FINDINGS_CAPPED, NULL, NULL, 0,
                          "%zu more %s findings were not listed: the rule is over %zu findings (%d times "
                          "--max-findings-per-rule)",
                          cap->rule_dropped[r], rule_get((enum rule_id)r)->id, cap->max * FINDING_CAP_RULE_FACTOR,
                          FINDING_CAP_RULE_FACTOR))
            status = CP_ERR_NOMEM;
        cap->rule_dropped[r] = 0;
    }
    return status;
}

void finding_cap_free(struct finding_cap *cap)
{
    if (!cap)
        return;
    struct cap_entry *e, *next;
    HASH_ITER(hh, cap->entries, e, next)
    {
        HASH_DEL(cap->entries, e);
        free(e->key);
        free(e);
    }
    free(cap);
}
