/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/audit_expectations: see the header. */
#include "audit_expectations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int audit_expectations_compare(const char **actual, size_t actual_count, const char **expected, size_t expected_count)
{
    qsort(actual, actual_count, sizeof *actual, compare_text);
    qsort(expected, expected_count, sizeof *expected, compare_text);
    int mismatches = 0;
    size_t a = 0, e = 0;
    while (a < actual_count || e < expected_count) {
        int order = a == actual_count ? 1 : e == expected_count ? -1 : strcmp(actual[a], expected[e]);
        if (order < 0)
            fprintf(stderr, "unexpected finding: %s\n", actual[a++]), mismatches++;
        else if (order > 0)
            fprintf(stderr, "missing finding:    %s\n", expected[e++]), mismatches++;
        else
            a++, e++;
    }
    return mismatches;
}

int audit_expectations_missing_rules(const struct fixture_files *files, const enum rule_id *rules, size_t rule_count,
                                     audit_fixture_expects expects, const char *fixture_kind)
{
    int missing = 0;
    for (size_t r = 0; r < rule_count; r++) {
        const char *rule = rule_get(rules[r])->id;
        bool seen = false;
        for (size_t i = 0; i < files->count && !seen; i++)
            seen = expects(files, files->names[i], rule);
        if (!seen) {
            fprintf(stderr, "no %s expects %s\n", fixture_kind, rule);
            missing++;
        }
    }
    return missing;
}
