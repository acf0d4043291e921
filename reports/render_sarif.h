/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_sarif: findings as SARIF 2.1.0, for code-scanning UIs (GitHub, GitLab, Azure).
 *
 * One run. tool.driver lists the whole rule catalog as rules (id, PascalCase name, title as
 * shortDescription, why as fullDescription, why + fix as help, severity as
 * defaultConfiguration.level: error / warning / note), so result.ruleIndex is the rule's enum value.
 * One result per finding: its primary location is the file and line region when the finding has a
 * source with a line (a sitemap entry, a robots.txt line, a tag in a page), otherwise the URL as
 * an artifactLocation; the URL (when not primary), the related URLs and a differing source are
 * relatedLocations. partialFingerprints["crawlpackIdentity/v1"] is finding_fingerprint, so a
 * finding keeps its identity across runs. With a baseline, each result has baselineState "new" or
 * "unchanged"; fixed findings are not written as results (code-scanning UIs would show them as open
 * alerts) but counted in the run's properties.
 *
 * Paths become URI references: absolute paths file:///..., other paths relative references, and
 * bytes a URI may not hold are percent-encoded. Pure function of its input; any thread. */
#ifndef CRAWLPACK_REPORTS_RENDER_SARIF_H
#define CRAWLPACK_REPORTS_RENDER_SARIF_H

#include <stdio.h>

#include "common/buf.h"
#include "findings/findings.h"
#include "reports/report_context.h"

#define SARIF_FINGERPRINT_KEY "crawlpackIdentity/v1"

/* Returns CP_OK, CP_ERR_NOMEM, or CP_ERR_IO when writing to out failed. */
int render_findings_sarif(FILE *out, const struct finding_list *list, const struct report_context *ctx);

/* A URL or file path as a URI reference for artifactLocation.uri (appended to out). Returns 0 or
 * CP_ERR_NOMEM. */
int sarif_artifact_uri(const char *location, struct buf *out);

#endif
