/* SPDX-License-Identifier: Apache-2.0 */
/* store/store_history: reading a crawl store (store/store.h, docs/store.md) without writing it —
 * the runs it holds, and one run's page facts, sitemap entries and findings — for `crawlpack
 * history`, `crawlpack diff` over stores and the pack's growth line.
 *
 * A reader opens the file read-only and takes no lock: a crawl may be writing the store at the
 * same time (WAL mode lets readers see the last committed state), and nothing a reader does can
 * change the file. The checks are those store_open makes, with the same wording: a file that is
 * missing, not SQLite, damaged, another program's SQLite database, or written by a newer
 * crawlpack (PRAGMA user_version above STORE_SCHEMA_VERSION) is refused; an empty file is not a
 * store either (a reader never creates a schema).
 *
 * Threads: a reader has one owner; different readers (of one file too) may be used on different
 * threads. Memory: the reader owns its SQLite handle; store_run_rows owns its strings (free them
 * with store_run_rows_free); the strings a row callback receives are valid during the call only.
 * Errors: CP_OK or a CP_ERR_* status (common/error.h): CP_ERR_IO for a file that cannot be opened,
 * CP_ERR_INVALID for a file that is not a store this build can read (also when a query finds it
 * damaged), CP_ERR_NOMEM; the reason, naming the file, is in the caller's error buffer
 * (store_reader_open) or in store_reader_error. A callback's non-zero return stops the walk and is
 * returned as it is. */
#ifndef CRAWLPACK_STORE_STORE_HISTORY_H
#define CRAWLPACK_STORE_STORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_reader;

int store_reader_open(const char *path, struct store_reader **out, char *error, size_t error_size);
void store_reader_close(struct store_reader *reader);
const char *store_reader_path(const struct store_reader *reader);
const char *store_reader_error(const struct store_reader *reader);

/* A row of the runs table (docs/store.md). */
struct store_run_row {
    int64_t id;
    char *run_id;
    char *command;    /* "crawl", "audit" */
    char *site;       /* the start URL as the command line gave it */
    char *started_at; /* "YYYY-MM-DDTHH:MM:SSZ" */
    char *ended_at;   /* NULL while running or after a kill */
    char *state;      /* "running", "interrupted", "complete" */
    int64_t pages;    /* -1: not recorded (the run never ended) */
    int64_t indexable;
};

struct store_run_rows {
    struct store_run_row *items;
    size_t count;
};

/* Every run of the store, oldest (lowest id) first. */
int store_reader_runs(struct store_reader *reader, struct store_run_rows *out);
void store_run_rows_free(struct store_run_rows *rows);

/* Whether a run is complete: the only runs history compares and diff reads. */
bool store_run_row_complete(const struct store_run_row *run);

/* Whether two start URLs name the same site: equal, or equal once serialised as browsers do
 * (web/url: "https://Example.com" and "https://example.com/" are one site). */
bool store_same_site(const char *a, const char *b);

/* The run's findings counted by severity: counts[SEVERITY_NOTICE..SEVERITY_ERROR] (findings/rules.h;
 * the array has SEVERITY_ERROR + 1 entries, [0] is unused). */
int store_reader_severity_counts(struct store_reader *reader, int64_t run, size_t counts[4]);

/* The run's finding fingerprints (findings.json's, 64-bit), ascending, duplicates kept: *out is
 * malloc'd (the caller frees it; NULL when the run has none). */
int store_reader_fingerprints(struct store_reader *reader, int64_t run, uint64_t **out, size_t *count);

/* One row: count cells, "" for an empty (NULL) cell. */
typedef int (*store_row_fn)(void *context, const char *const *fields, size_t count);

/* The run's page_facts rows (pages.csv's rows) in the order pages.csv has them, each with
 * STORE_PAGE_FACT_COLUMNS cells in store_page_fact_columns order. */
int store_reader_page_facts(struct store_reader *reader, int64_t run, store_row_fn fn, void *context);

/* The run's sitemap entries (sitemaps.csv's rows) as three cells: url, sitemap, lastmod. */
int store_reader_sitemap_entries(struct store_reader *reader, int64_t run, store_row_fn fn, void *context);

/* The run's links (the `links` view: every edge of its graph, per source in the graph's order) as
 * four cells: source URL, target URL, kind name, meta (the graph's edge byte, in decimal). */
int store_reader_links(struct store_reader *reader, int64_t run, store_row_fn fn, void *context);

/* The run's findings in the order findings.json has them (strings may be NULL except fingerprint,
 * rule, severity and message). */
typedef int (*store_finding_fn)(void *context, const struct store_finding *finding);
int store_reader_findings(struct store_reader *reader, int64_t run, store_finding_fn fn, void *context);

#endif
