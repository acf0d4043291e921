/* SPDX-License-Identifier: Apache-2.0 */
/* reports/history: `crawlpack history DB` — one line per run of a crawl store (oldest first): its
 * date, command, site, state, pages, indexable pages, findings by severity, and the findings new
 * and fixed since the run before of the same site.
 *
 * "The run before" of a run is the latest earlier complete audit of the same site
 * (store_same_site): a run that is still running, was killed or interrupted is listed with its
 * state but never compared with, and a `crawl` run, which has no findings, is not compared with
 * either. New and fixed are counted by finding fingerprint as a multiset, exactly as --baseline and
 * `diff` match findings (reports/baseline.h): an identity twice before and three times now is one
 * new. A run with no run before (the site's first audit) has no new/fixed counts (not zero), and
 * only a complete audit has counts at all: a crawl's findings were never measured, an unfinished
 * run's are not final.
 *
 * Formats (docs/store.md): "text" (an aligned table, "-" for what is not known), "json" (schema 1,
 * null for what is not known) and "csv" (a header row, empty cells for what is not known).
 *
 * Memory: struct history owns its rows; history_free releases it (also after a failed load).
 * One owner; no global state. Errors: CP_OK, CP_ERR_INVALID (a damaged store, or --site matches no
 * run: the reason, naming the file, appended to the caller's error buffer), CP_ERR_NOMEM; render
 * returns CP_ERR_IO when the stream fails. */
#ifndef CRAWLPACK_REPORTS_HISTORY_H
#define CRAWLPACK_REPORTS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "store/store_history.h"

#define HISTORY_JSON_SCHEMA 1

struct history_row {
    const struct store_run_row *run; /* into history.runs */
    bool counted;                    /* a complete audit: severity counts below are its findings */
    size_t errors, warnings, notices;
    int64_t compared_with; /* the store id of the run before; 0: none (new/fixed not known) */
    size_t new_count, fixed_count;
};

struct history {
    char *path;                 /* the store file, as given */
    struct store_run_rows runs; /* every run of the store */
    struct history_row *rows;   /* the runs listed (of --site when given), oldest first */
    size_t count;
};

/* Read the history of the store reader has open; site NULL lists every run, else the runs of that
 * site only (CP_ERR_INVALID with the sites the store holds when none matches). */
int history_load(struct store_reader *reader, const char *site, struct history *history, struct buf *error);

bool history_format_known(const char *format);
int history_render(const char *format, FILE *out, const struct history *history);

void history_free(struct history *history);

#endif
