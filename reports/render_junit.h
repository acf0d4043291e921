/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_junit: findings as JUnit XML, so CI systems (GitLab, Jenkins, GitHub test
 * reporters) list them as tests.
 *
 * The document is a <testsuites> aggregate as the Ant JUnit schema describes it (each testsuite
 * carries package and id, properties, system-out and system-err), in one of two groupings:
 *
 *   JUNIT_BY_RULE (audit): one testsuite per checked rule, one testcase per finding. A rule that
 *     found nothing is one passing testcase, so the report shows what was checked and is never
 *     empty (Jenkins refuses an empty report).
 *   JUNIT_BY_SOURCE_FILE (sitemap command): one testsuite per input file (plus any other file a
 *     finding names), one testcase per checked rule; a rule's findings in that file are listed in
 *     its failure.
 *
 * A finding that makes the run fail (report_finding_fails: severity at or above --fail-on and, with
 * a baseline, new) is a <failure>; any other finding is <skipped> with the reason and the message,
 * because both GitLab and Jenkins show a skipped test's message without failing the pipeline, while
 * a passing test's output would be hidden. So the failures are exactly what sets exit status 1.
 *
 * Written with libxml2's xmlTextWriter; every string is first made valid XML 1.0 (invalid UTF-8 and
 * forbidden control characters become U+FFFD). Pure function of its input; any thread, once
 * libxml2 is initialised (xmlInitParser on the main thread before threads start, as for every
 * libxml2 user). */
#ifndef CRAWLPACK_REPORTS_RENDER_JUNIT_H
#define CRAWLPACK_REPORTS_RENDER_JUNIT_H

#include <stdio.h>

#include "common/buf.h"
#include "findings/findings.h"
#include "reports/report_context.h"

/* Returns CP_OK, CP_ERR_NOMEM, or CP_ERR_IO when writing failed. */
int render_findings_junit(FILE *out, const struct finding_list *list, const struct report_context *ctx,
                          enum junit_grouping grouping);

/* Copy text into out (reset first) as valid XML 1.0 character data: invalid UTF-8 sequences and
 * characters XML forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) become U+FFFD.
 * Returns 0 or CP_ERR_NOMEM. */
int xml_clean_text(const char *text, struct buf *out);

#endif
