/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff_render: the reports of a struct diff (reports/diff.h).
 *
 *   text  for people in a terminal or CI log: a summary, then every list in full
 *   json  for scripts: the whole comparison (shape in docs/diff.md)
 *   md    for a pull-request comment: a summary table, then collapsible lists of at most
 *         DIFF_MARKDOWN_MAX_ROWS rows each ("and N more")
 *
 * Renderers only present the diff; they compute nothing. Pure functions of their input; any
 * thread. Each returns CP_OK, CP_ERR_IO when writing to out failed (errno tells why), or
 * CP_ERR_NOMEM. */
#ifndef CRAWLPACK_REPORTS_DIFF_RENDER_H
#define CRAWLPACK_REPORTS_DIFF_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/diff.h"

/* Rows per list in the Markdown report: keeps a comment far below GitHub's 65,536-character limit
 * even with long URLs; the text and JSON reports always list everything. */
#define DIFF_MARKDOWN_MAX_ROWS 25
/* A Markdown table cell longer than this (bytes) is cut at a character boundary and ends in "…". */
#define DIFF_MARKDOWN_MAX_CELL 200

#define DIFF_JSON_SCHEMA 1

int diff_render_text(FILE *out, const struct diff *diff);
int diff_render_json(FILE *out, const struct diff *diff);
int diff_render_markdown(FILE *out, const struct diff *diff);

/* Render in format ("text", "json" or "md"); CP_ERR_INVALID for another name (nothing written). */
int diff_render(const char *format, FILE *out, const struct diff *diff);

/* Whether diff_render knows format. */
bool diff_format_known(const char *format);

#endif
