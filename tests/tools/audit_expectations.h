/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/audit_expectations: the checks the data-driven audit tests share — the rules a fixture
 * expects against those the audit reported, and every rule of a checker expected by some fixture.
 * Both print each difference to stderr and return how many there were (0: all agree). */
#ifndef CRAWLPACK_TESTS_TOOLS_AUDIT_EXPECTATIONS_H
#define CRAWLPACK_TESTS_TOOLS_AUDIT_EXPECTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "findings/rules.h"
#include "tools/fixture_files.h"

/* Compare two multisets of texts (sorted here, in place): each text reported but not expected is
 * "unexpected finding", each expected but not reported "missing finding". */
int audit_expectations_compare(const char **actual, size_t actual_count, const char **expected, size_t expected_count);

/* Whether the fixture file `name` of files expects a finding of rule id `rule`. */
typedef bool (*audit_fixture_expects)(const struct fixture_files *files, const char *name, const char *rule);

/* Each of the rule_count rules must be expected by some file of files; a rule that is not is
 * reported as "no <fixture_kind> expects RULE". */
int audit_expectations_missing_rules(const struct fixture_files *files, const enum rule_id *rules, size_t rule_count,
                                     audit_fixture_expects expects, const char *fixture_kind);

#endif
