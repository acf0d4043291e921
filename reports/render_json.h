/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_json: findings.json, the machine-readable findings of one run.
 *
 *   {"schema":1,"tool":{"name","version"},"run":{"inputs","started_at","duration_seconds",
 *    "options"},"summary":{"pages","indexable","by_rule","by_severity","by_cause"[,"baseline"]},
 *    "findings":[{"rule","severity","url","related":[],"message","source"[,"line"[,"column"]],
 *                 "cause","fingerprint"[,"baseline_state"]}][,"fixed":[...]]}
 *
 * The exact shape, with an example, is in docs/formats.md; the file is also what --baseline reads
 * back (reports/baseline.h). Findings are written in list order (sort first). Pure function of its
 * input, streaming: any thread, memory does not grow with the list. */
#ifndef CRAWLPACK_REPORTS_RENDER_JSON_H
#define CRAWLPACK_REPORTS_RENDER_JSON_H

#include <stdio.h>

#include "common/json_write.h"

#include "findings/cause.h"
#include "findings/findings.h"
#include "reports/report_context.h"

#define FINDINGS_JSON_SCHEMA 1

/* Returns CP_OK, or CP_ERR_IO when writing to out failed (errno tells why). */
/* One finding object as findings.json writes it (rule, severity, url, related, message, source,
 * line, column, cause, fingerprint), plus "baseline_state" when state is not NULL. For other documents
 * that embed findings (crawlpack diff), so a finding has one JSON shape everywhere. */
void render_finding_json(struct json_writer *w, const struct finding *finding, const char *state);

/* The "by_cause" array: one object per cause group, in the groups' order (most severe, then most
 * findings first): {"cause", "rule", "severity", "findings", "related", "summary"}. SARIF's run
 * properties carry the same array. */
void render_causes_json(struct json_writer *w, const struct finding_causes *causes);

int render_findings_json(FILE *out, const struct finding_list *list, const struct report_context *ctx);

#endif
