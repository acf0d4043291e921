/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_csv: findings.csv, one finding per row for spreadsheets.
 *
 *   rule,severity,url,message,source,line,related[,baseline_state]
 *
 * RFC 4180: CRLF line ends, a header row, fields holding a comma, quote, CR or LF quoted with
 * quotes doubled. related joins the related URLs with one space (URLs hold no raw spaces); line is
 * empty when unknown. With a baseline the baseline_state column is added and the baseline's fixed
 * findings follow as rows whose state is "fixed". Bytes are written as they are (UTF-8 in, UTF-8
 * out). Pure function of its input; any thread. */
#ifndef CRAWLPACK_REPORTS_RENDER_CSV_H
#define CRAWLPACK_REPORTS_RENDER_CSV_H

#include <stdio.h>

#include "findings/findings.h"
#include "reports/report_context.h"

/* Returns CP_OK, CP_ERR_NOMEM, or CP_ERR_IO when writing to out failed. */
int render_findings_csv(FILE *out, const struct finding_list *list, const struct report_context *ctx);

#endif
