/* SPDX-License-Identifier: Apache-2.0 */
/* findings/finding_filter: which findings a run keeps — rules switched off (by configuration, or
 * because the run cannot judge them, such as graph rules in list mode) and ignore entries (a rule
 * and/or a URL pattern, each with the reason a person gave for it).
 *
 * A filter is built once on the main thread before the audit, then only read. Memory: the filter
 * keeps pointers to the caller's reason strings and owns its compiled patterns (finding_filter_free).
 * Errors: CP_OK; CP_ERR_NOMEM; CP_ERR_INVALID for a URL pattern that does not compile (message in
 * error). */
#ifndef CRAWLPACK_FINDINGS_FINDING_FILTER_H
#define CRAWLPACK_FINDINGS_FINDING_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "findings/findings.h"
#include "findings/rules.h"

struct finding_ignore {
    bool any_rule; /* no rule given: every rule */
    enum rule_id rule;
    bool has_pattern; /* no pattern: every URL */
    regex_t pattern;  /* POSIX ERE against the finding's URL (its source when it has none) */
    const char *pattern_text;
    const char *reason; /* never NULL */
    const char *origin; /* where the entry came from ("crawlpack.yml:12"), for the report */
    size_t matched;     /* findings this entry removed in the last finding_filter_apply */
};

struct finding_filter {
    const char *off_reason[RULE_COUNT]; /* non-NULL: the rule is off, for this reason */
    struct finding_ignore *ignores;
    size_t ignore_count;
    size_t removed_by_rule_off; /* in the last finding_filter_apply */
};

void finding_filter_init(struct finding_filter *filter);
void finding_filter_free(struct finding_filter *filter);
void finding_filter_rule_off(struct finding_filter *filter, enum rule_id rule, const char *reason);
/* Add an ignore entry; rule NULL: any rule; pattern NULL: any URL. */
int finding_filter_ignore(struct finding_filter *filter, const char *rule, const char *pattern, const char *reason,
                          const char *origin, char *error, size_t error_size);
/* Remove from list every finding of a rule that is off or that an ignore entry matches (counting
 * them per entry). The order of what stays is kept. */
void finding_filter_apply(struct finding_filter *filter, struct finding_list *list);

#endif
