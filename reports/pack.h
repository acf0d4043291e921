/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack: the Platform & Infrastructure Improvement Pack (pack.md).
 *
 * pack_run reads an intake file (optional) and a crawl output folder (required; see
 * reports/crawl_data.h), optionally a previous crawl folder for growth, and writes the eight
 * sections of the source document in its order, then the quality gate table. With an output path
 * it also writes the full lists (sitemap diff, internal-link suggestions, broken links, ...) as CSV
 * files in the same folder; without one the pack goes to stdout and the CSV files are not written.
 *
 * Output is deterministic: "today" is options->today, else the crawl's started_at date; no clock
 * is read. Not thread-safe; call from one thread. */
#ifndef CRAWLPACK_REPORTS_PACK_H
#define CRAWLPACK_REPORTS_PACK_H

#include <stdio.h>

#include "reports/pack_gate.h"

struct pack_options {
    const char *intake_path;  /* NULL: no intake, everything from the crawl and assumptions */
    const char *crawl_dir;    /* required */
    const char *previous_dir; /* NULL: no growth measurement */
    const char *output_path;  /* NULL: stdout, no CSV files */
    const char *today;        /* "YYYY-MM-DD" or NULL */
};

/* Returns CP_OK (then *gate holds the quality gate's verdict, also printed at the end of the pack
 * and on stderr; free it with pack_gate_free), CP_ERR_INVALID when an input (intake file, crawl
 * folder) is unreadable or malformed (every problem logged with file:line), CP_ERR_IO when an
 * output could not be written (logged), or CP_ERR_NOMEM. */
int pack_run(const struct pack_options *options, struct pack_gate *gate);

/* The names of the CSV lists the pack may write beside pack.md, index 0 up; NULL past the last
 * (the audit removes them with an earlier run's other files). */
const char *pack_list_name(size_t index);

#endif
