/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_codequality: findings.codequality.json, GitLab's code quality report (the
 * Code Climate subset GitLab reads), so merge requests show crawlpack's findings in their code
 * quality widget.
 *
 *   [{"description", "check_name", "fingerprint", "severity", "location": {"path", "lines": {"begin"}}}]
 *
 * check_name is the rule id; fingerprint the finding's stable identity (findings/findings.h), so
 * GitLab tells new from resolved across pipelines; severity maps error -> critical, warning ->
 * major, notice -> info; path is the finding's URL (its source file when it has none) and begin
 * its line (1 when unknown). With a baseline, only new findings are listed: the widget then shows
 * what the merge request brings. Pure function of its input; any thread. */
#ifndef CRAWLPACK_REPORTS_RENDER_CODEQUALITY_H
#define CRAWLPACK_REPORTS_RENDER_CODEQUALITY_H

#include <stdio.h>

#include "findings/findings.h"
#include "reports/report_context.h"

/* Returns CP_OK, or CP_ERR_IO when writing to out failed. */
int render_findings_codequality(FILE *out, const struct finding_list *list, const struct report_context *ctx);

#endif
