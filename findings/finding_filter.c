/* SPDX-License-Identifier: Apache-2.0 */
/* findings/finding_filter: rules switched off and ignore entries (see finding_filter.h). */
#include "findings/finding_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/error.h"

void finding_filter_init(struct finding_filter *filter)
{
    memset(filter, 0, sizeof(*filter));
}

void finding_filter_free(struct finding_filter *filter)
{
    for (size_t i = 0; i < filter->ignore_count; i++)
        if (filter->ignores[i].has_pattern)
            regfree(&filter->ignores[i].pattern);
    free(filter->ignores);
    memset(filter, 0, sizeof(*filter));
}

void finding_filter_rule_off(struct finding_filter *filter, enum rule_id rule, const char *reason)
{
    if ((unsigned)rule < RULE_COUNT && !filter->off_reason[rule])
        filter->off_reason[rule] = reason;
}

int finding_filter_ignore(struct finding_filter *filter, const char *rule, const char *pattern, const char *reason,
                          const char *origin, char *error, size_t error_size)
{
    struct finding_ignore entry = {
        .any_rule = !rule, .pattern_text = pattern, .reason = reason ? reason : "", .origin = origin};
    if (rule) {
        const struct rule *known = rule_find(rule);
        if (!known) {
            snprintf(error, error_size, "unknown rule '%s' (crawlpack rules lists them)", rule);
            return CP_ERR_INVALID;
        }
        entry.rule = known->symbol;
    }
    if (pattern) {
        int rc = regcomp(&entry.pattern, pattern, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char message[200];
            regerror(rc, &entry.pattern, message, sizeof(message));
            snprintf(error, error_size, "bad regular expression '%s': %s", pattern, message);
            return CP_ERR_INVALID;
        }
        entry.has_pattern = true;
    }
    struct finding_ignore *grown = array_grow(filter->ignores, filter->ignore_count, sizeof(*grown));
    if (!grown) {
        if (entry.has_pattern)
            regfree(&entry.pattern);
        return CP_ERR_NOMEM;
    }
    filter->ignores = grown;
    filter->ignores[filter->ignore_count++] = entry;
    return CP_OK;
}

static bool entry_matches(const struct finding_ignore *entry, const struct finding *finding)
{
    if (!entry->any_rule && entry->rule != finding->rule)
        return false;
    if (!entry->has_pattern)
        return true;
    const char *subject = finding->url ? finding->url : finding->source;
    return subject && regexec(&entry->pattern, subject, 0, NULL, 0) == 0;
}

void finding_filter_apply(struct finding_filter *filter, struct finding_list *list)
{
    filter->removed_by_rule_off = 0;
    for (size_t e = 0; e < filter->ignore_count; e++)
        filter->ignores[e].matched = 0;
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++) {
        struct finding *finding = &list->items[i];
        bool drop = filter->off_reason[finding->rule] != NULL;
        filter->removed_by_rule_off += drop;
        for (size_t e = 0; !drop && e < filter->ignore_count; e++)
            if (entry_matches(&filter->ignores[e], finding)) {
                filter->ignores[e].matched++;
                drop = true;
            }
        if (drop)
            finding_free(finding);
        else
            list->items[kept++] = *finding;
    }
    list->count = kept;
}
