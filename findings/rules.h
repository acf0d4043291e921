/* SPDX-License-Identifier: Apache-2.0 */
/* findings/rules: the rule catalog (id, severity, title, why it matters, how to fix).
 *
 * The table itself is findings/rules.def; this header turns it into an enum and lookup functions.
 * The table is read-only once a run starts: any thread may call the lookups then. The one writer,
 * rule_set_severity (a configuration's `rules:`), runs on the main thread before any other starts. */
#ifndef CRAWLPACK_FINDINGS_RULES_H
#define CRAWLPACK_FINDINGS_RULES_H

#include <stddef.h>

/* Ordered: a higher value is more severe. SEVERITY_NEVER is only a --fail-on threshold that no
 * finding reaches. */
enum severity {
    SEVERITY_NOTICE = 1,
    SEVERITY_WARNING = 2,
    SEVERITY_ERROR = 3,
    SEVERITY_NEVER = 4,
};

enum rule_id {
#define RULE(symbol, id, severity, title, why, fix) symbol,
#include "findings/rules.def"
#undef RULE
    RULE_COUNT
};

struct rule {
    enum rule_id symbol;
    const char *id; /* stable kebab-case id, e.g. "sitemap-loc-invalid" */
    enum severity severity;
    const char *title;
    const char *why;
    const char *fix;
};

/* The catalog entry of a rule; never NULL for a valid enum value. */
const struct rule *rule_get(enum rule_id rule);
/* A run's severity for a rule (a configuration's `rules: {RULE: error}`): every later rule_get
 * reports it, so outputs, --fail-on and the summary agree. Main thread, before any other starts. */
void rule_set_severity(enum rule_id rule, enum severity severity);
/* Look a rule up by its id string; NULL when unknown. */
const struct rule *rule_find(const char *id);

/* "error", "warning", "notice" (and "never" for the threshold). */
const char *severity_name(enum severity severity);
/* Parse a --fail-on value: error|warning|notice|never. Returns 0, or -1 when unknown. */
int severity_parse(const char *text, enum severity *out);

#endif
