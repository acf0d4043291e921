/* SPDX-License-Identifier: Apache-2.0 */
/* audit/store_rows: an audit's end-of-run rows in the crawl store — the link graph, robots.txt and
 * sitemap outcomes (crawl_output_store_graph), then the run's findings — written and committed on
 * a thread of their own while the audit collects its findings and writes its files. They were a
 * third of the run's end on the main thread, which the report's thread and this one now share.
 *
 * Life cycle: store_rows_start hands the store to the job (the caller does not touch it until
 * store_rows_finish returns: the store has one owner at a time, store/store.h); the graph's rows
 * are written at once. store_rows_hand gives it the final findings, which it reads until finish.
 * store_rows_finish waits for the job and hands the store back; a job never handed findings
 * writes none. When no thread can start, start and hand write inline.
 *
 * Threads: start, hand and finish on the caller's thread. The crawl result and the findings must
 * not change until finish (the audit only reads them meanwhile). Errors: store_rows_finish returns
 * CP_OK or CP_ERR_IO (a write failed: the store's error in error); CP_ERR_NOMEM from start. */
#ifndef CRAWLPACK_AUDIT_STORE_ROWS_H
#define CRAWLPACK_AUDIT_STORE_ROWS_H

#include <stdbool.h>
#include <stddef.h>

struct store;
struct crawl_result;
struct finding_list;
struct store_rows_job;

/* graph: write the graph's rows (an audit with an output folder); else only the findings. */
int store_rows_start(struct store *store, const struct crawl_result *crawl, bool graph, struct store_rows_job **job);
void store_rows_hand(struct store_rows_job *job, const struct finding_list *findings);
int store_rows_finish(struct store_rows_job *job, char *error, size_t error_size);

#endif
