/* SPDX-License-Identifier: Apache-2.0 */
/* findings/rules: the catalog table built from rules.def, and severity names. */
#include "findings/rules.h"

#include <string.h>

static struct rule catalog[RULE_COUNT] = {
#define RULE(symbol, id, severity, title, why, fix) {symbol, id, severity, title, why, fix},
#include "findings/rules.def"
#undef RULE
};

const struct rule *rule_get(enum rule_id rule)
{
    if ((unsigned)rule >= RULE_COUNT)
        return NULL;
    return &catalog[rule];
}

void rule_set_severity(enum rule_id rule, enum severity severity)
{
    if ((unsigned)rule < RULE_COUNT && severity >= SEVERITY_NOTICE && severity <= SEVERITY_ERROR)
        catalog[rule].severity = severity;
}

const struct rule *rule_find(const char *id)
{
    for (size_t i = 0; i < RULE_COUNT; i++)
        if (strcmp(catalog[i].id, id) == 0)
            return &catalog[i];
    return NULL;
}

const char *severity_name(enum severity severity)
{
    switch (severity) {
    case SEVERITY_NOTICE: return "notice";
    case SEVERITY_WARNING: return "warning";
    case SEVERITY_ERROR: return "error";
    case SEVERITY_NEVER: return "never";
    }
    return "unknown";
}

int severity_parse(const char *text, enum severity *out)
{
    static const enum severity all[] = {SEVERITY_NOTICE, SEVERITY_WARNING, SEVERITY_ERROR, SEVERITY_NEVER};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(text, severity_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}
