/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_text: findings as compiler-style lines, the format editors and CI annotate.
 *
 *   SOURCE:LINE: SEVERITY: RULE-ID: MESSAGE
 *
 * SOURCE is the finding's source (file, robots.txt URL, page URL), or its URL when it has no
 * source; ":LINE" is left out when the line is unknown, ":LINE:COLUMN" used when the column is
 * known. Control characters from the input (a line break inside a URL) are written escaped as \n,
 * \r or \xHH, so every finding is exactly one line. Pure function of its input; any thread. */
#ifndef CRAWLPACK_REPORTS_RENDER_TEXT_H
#define CRAWLPACK_REPORTS_RENDER_TEXT_H

#include <stdio.h>

#include "findings/findings.h"

void render_finding_text(FILE *out, const struct finding *finding);
void render_findings_text(FILE *out, const struct finding_list *list);

/* findings.txt: the same lines grouped by cause (findings/cause.h), each group opened by a line
 *
 *   # SEVERITY RULE-ID (N findings): SUMMARY [cause KEY]
 *
 * in the causes' order (most severe, then largest first); lines within a group keep list order.
 * The '#' lines match no SOURCE:LINE: pattern, so tools that read the finding lines skip them.
 * Returns CP_OK or CP_ERR_NOMEM. */
int render_findings_text_by_cause(FILE *out, const struct finding_list *list);

#endif
