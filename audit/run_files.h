/* SPDX-License-Identifier: Apache-2.0 */
/* audit/run_files: the files one crawlpack run owns in its output folder, and the run's id.
 *
 * A run into --out first removes every file an earlier run of crawlpack may have written there
 * (pages.csv, links.csv, sitemaps.csv, crawl.json, findings.{txt,json,csv,junit.xml,sarif},
 * pack.md and the pack's CSV lists, and any NAME.tmp left by a killed run) — only those names,
 * never another file — so the folder never holds one run's findings beside another run's pages.
 * The run id ("20260101T120000Z-1a2b3c4d": the start time and 32 random bits) is written into
 * crawl.json, findings.json, findings.sarif and findings.junit.xml; crawl.json lists the run's
 * files with their sizes, which is how the CSV files are tied to the run (docs/formats.md).
 *
 * Used by `crawl` and `audit` (cli/crawl_options, audit/audit_run). One thread. Errors: CP_OK or CP_ERR_IO with a message naming the file in error. */
#ifndef CRAWLPACK_AUDIT_RUN_FILES_H
#define CRAWLPACK_AUDIT_RUN_FILES_H

#include <stddef.h>
#include <time.h>

#define RUN_ID_SIZE 40
/* More than every name run_files_clear knows. */
#define RUN_FILES_MAX 32

/* A new run id for a run started at `started`. */
void run_files_new_id(time_t started, char id[RUN_ID_SIZE]);

/* Remove every file (and NAME.tmp) a crawlpack run writes from dir. A missing file is fine. */
int run_files_clear(const char *dir, char *error, size_t error_size);

/* The names of the crawl's data files (pages.csv, links.csv, sitemaps.csv) into names; returns how
 * many (at most max). */
size_t run_files_crawl_names(const char **names, size_t max);

#endif
