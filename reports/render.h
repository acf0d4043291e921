/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render: one entry point for every findings format, for --format and --out.
 *
 *   text   compiler-style lines (render_text.h)     findings.txt
 *   json   findings.json (render_json.h)             findings.json
 *   csv    findings.csv (render_csv.h)               findings.csv
 *   junit  JUnit XML, grouped by ctx->junit_grouping findings.junit.xml
 *   sarif  SARIF 2.1.0 (render_sarif.h)              findings.sarif
 *
 * The Markdown pack ("md") is not a findings rendering and lives elsewhere. Pure functions of their
 * input; any thread. */
#ifndef CRAWLPACK_REPORTS_RENDER_H
#define CRAWLPACK_REPORTS_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "findings/findings.h"
#include "reports/report_context.h"

/* Write list in format to out. Returns CP_OK; CP_ERR_INVALID for an unknown format name (nothing
 * written); CP_ERR_IO when writing failed; CP_ERR_NOMEM. */
int render_findings(const char *format, FILE *out, const struct finding_list *list, const struct report_context *ctx);

/* Whether format is one render_findings knows. */
bool render_format_known(const char *format);

/* The file a format is written to inside --out DIR ("findings.sarif"); NULL when unknown. */
const char *render_format_file_name(const char *format);

/* The known format names, comma-separated, for usage and error messages. */
const char *render_format_names(void);

#endif
