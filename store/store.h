/* SPDX-License-Identifier: Apache-2.0 */
/* store/store: the crawl store — one SQLite database (WAL mode) that every `crawl` and `audit`
 * writes as it goes: runs, every page response with its validators and its signals
 * (store/page_record), and at the end of a run the page facts (pages.csv's columns, from the same
 * row pages.csv is written from), the link graph, sitemap entries, robots.txt outcomes and the
 * run's findings with their fingerprints. docs/store.md documents the schema and example queries.
 *
 * Life cycle: store_open (creates or upgrades the file, takes the lock: one crawlpack process per
 * database), store_run_begin (a new run, state "running") or store_run_resume (the last unfinished
 * one), page rows while crawling (committed in batches: STORE_BATCH_PAGES pages or
 * STORE_BATCH_MS, whichever comes first, so a kill -9 loses at most that), the end-of-run rows,
 * store_run_end (state "complete" or "interrupted"), store_close. A run killed before
 * store_run_end stays "running" in the file; the lock died with its process.
 *
 * Threads: a store has one owner thread (the crawl's fetch loop thread, which is the caller's):
 * nothing is locked. Between store_pages_start and store_pages_stop, page rows are written by a
 * thread of the store's own on a second connection (store_put_page queues them); from the first
 * store_results_commit to store_close another checkpoints on a connection of its own. Memory: every
 * string argument is copied before the call returns; strings returned in structs below are valid
 * until the next call on the store.
 * Errors: functions return CP_OK or a CP_ERR_* status (common/error.h) with the reason in
 * store_error(): CP_ERR_BUSY for a database another process holds, CP_ERR_INVALID for a file that
 * is not a crawlpack store, is damaged, or was written by a newer crawlpack (never changed then),
 * CP_ERR_IO for a write that failed (a full disk: the transaction is rolled back, what was
 * committed before stays). After a failed write every later write is refused with the same error,
 * so the caller reports it once, at the end. */
#ifndef CRAWLPACK_STORE_STORE_H
#define CRAWLPACK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkgraph/graph.h"
#include "web/extract.h"

/* PRAGMA user_version of the schema this build writes (docs/store.md); a newer file is refused. */
#define STORE_SCHEMA_VERSION 6
/* The store's name in an output folder: OUT/crawl.db, the default --db. */
#define STORE_FILE "crawl.db"
/* PRAGMA application_id: 'cpk1'. */
#define STORE_APPLICATION_ID 0x63706b31
#define STORE_BATCH_PAGES 256
#define STORE_BATCH_MS 1000.0

/* pages.csv's columns, in order: the page_facts table has these columns after run (docs/store.md).
 * crawler/crawl_output writes its header from this list and each row to both. */
#define STORE_PAGE_FACT_COLUMNS 23
extern const char *const store_page_fact_columns[STORE_PAGE_FACT_COLUMNS];

struct store;

int store_open(const char *path, struct store **out, char *error, size_t error_size);
void store_close(struct store *store);
const char *store_error(const struct store *store);
const char *store_path(const struct store *store);

/* A run: what it is and how to run it again (argv as a JSON array of strings, for --resume). */
struct store_run {
    const char *run_id;     /* the output folder's run id (audit/run_files) */
    const char *command;    /* "crawl", "audit" */
    const char *site;       /* the start URL */
    const char *argv_json;  /* the command's arguments after its name */
    const char *out_dir;    /* the output folder, or NULL */
    const char *started_at; /* "YYYY-MM-DDTHH:MM:SSZ" */
    int64_t resume_id;      /* crawl_output_open_store: continue this run (store_run_resume); 0: a new one */
};

int store_run_begin(struct store *store, const struct store_run *run);
/* Continue run `id` (--resume): it is "running" again under this process, with run->run_id (the
 * output folder's new run id) and its pages kept. CP_ERR_INVALID when there is no such run. */
int store_run_resume(struct store *store, int64_t id, const struct store_run *run);

/* The last run that did not complete (killed: "running" with no process, or "interrupted"):
 * its id, command and arguments (JSON array), valid until the next call on the store.
 * CP_ERR_INVALID (with store_error) when every run completed or there is none. */
struct store_unfinished {
    int64_t id;
    const char *command;
    const char *argv_json;
    const char *started_at;
};
int store_last_unfinished(struct store *store, struct store_unfinished *out);

/* The id of the run being written (0 before store_run_begin). */
int64_t store_run_id(const struct store *store);

/* One response as the crawl recorded it (strings may be NULL). */
struct store_response {
    const char *url; /* the crawl identity requested */
    long status;
    const char *content_type, *content_encoding, *location, *x_robots_tag, *link_header;
    const char *etag, *last_modified;
    const char *error; /* the fetch error text, or NULL */
    int http_version;
    bool hsts, truncated;
    uint64_t size;         /* body bytes */
    uint64_t content_hash; /* FNV-1a 64 of the body; 0: no body */
    double ttfb_ms, total_ms;
    const char *change; /* against the previous run: "new", "changed", "unchanged"; NULL: none */
    /* Non-zero, with no signals given: the page's signals are the ones the row of this earlier run
     * holds (an unchanged page refers to them instead of storing a second copy). */
    int64_t signals_run;
};

/* A stored response and its signals, as store_put_page wrote them, for a replay (strings and
 * signals bytes valid until the next call on the store). */
struct store_page {
    struct store_response response;
    const void *signals; /* the page record (store/page_record.h), or NULL */
    size_t signals_length;
    int64_t signals_run; /* the run whose row holds those signals: this one, or the earlier one referred to */
};
/* The page `url` of run `run` (its signals too when with_signals): CP_OK, or CP_ERR_INVALID when
 * the run has no such page. */
int store_find_page(struct store *store, int64_t run, const char *url, bool with_signals, struct store_page *out);

/* The last complete run of the same site (start URL) before the current one, or 0: what an
 * incremental re-audit compares with and takes its validators from. */
int64_t store_previous_run(struct store *store, const char *site);
/* The pages of run `run` that answered 2xx (from the pages_status index alone); 0 when it cannot
 * be read. */
uint64_t store_count_ok(struct store *store, int64_t run);

/* Each sitemap entry of run `run` (sitemaps.csv's rows): the page URL and its lastmod as written
 * there (W3C Datetime in UTC, "" or NULL when none), in no order. Stops at the first status other
 * than CP_OK that each returns and returns it; CP_ERR_IO when the rows cannot be read (the store
 * stays writable). */
typedef int (*store_entry_fn)(const char *url, const char *lastmod, void *context);
int store_each_sitemap_entry(struct store *store, int64_t run, store_entry_fn each, void *context);

/* A page of the current run, with its signals when it was parsed (NULL otherwise). Replaces an
 * earlier row for the same URL in this run. Commits when the batch is full. */
int store_put_page(struct store *store, const struct store_response *response, const struct page_signals *signals);
/* Commit the open batch when it is older than STORE_BATCH_MS (call it from the crawl loop; while
 * the page writer runs the owner has no batch open: the writer commits its own). */
int store_tick(struct store *store);
/* Page rows on a thread of their own while a crawl runs (the fetch loop only queues them): start
 * commits the owner's open batch and starts the writer (when it cannot, rows are written inline, as
 * before: CP_OK either way, or the store's sticky failure); stop writes what is queued, commits,
 * joins and returns the store's status, the writer's failure included. The batches keep their
 * bounds (STORE_BATCH_PAGES rows or STORE_BATCH_MS); at most STORE_BATCH_PAGES more rows wait in
 * the queue. store_close stops a writer still running. */
int store_pages_start(struct store *store);
int store_pages_stop(struct store *store);

/* The end-of-run rows, in one transaction that store_run_end commits (or store_results_commit,
 * earlier): store_results_begin opens it and removes what an earlier end of the same run wrote (a
 * resumed run's). fields are the pages.csv row. */
int store_results_begin(struct store *store);
/* Commit the end-of-run rows written so far (callable more than once: an audit commits the crawl's
 * rows, then its findings). The run stays "running" until store_run_end, so a run killed in between
 * is resumed and writes them again. The commit leaves the rows in the write-ahead log: a thread of
 * the store's own, started by the first call, copies them into the file while the caller goes on,
 * and store_close waits for it (store.c, "the end-of-run checkpoint"). */
int store_results_commit(struct store *store);
int store_put_page_facts(struct store *store, const char *const *fields);
int store_put_node(struct store *store, uint32_t id, const char *url);
/* Node `source`'s out-edges (the graph's targets and meta bytes), as one row of edge_lists: a
 * million edge rows, each with its index entry, were a tenth of a re-audit's CPU. */
int store_put_edges(struct store *store, uint32_t source, struct graph_edges edges);
int store_put_sitemap_entry(struct store *store, const char *sitemap, const char *url, const char *lastmod);
int store_put_sitemap(struct store *store, const char *url, const char *origin, long status, bool read, size_t urls,
                      const char *error);
int store_put_robots(struct store *store, const char *origin, const char *url, long status, const char *outcome,
                     const char *reason, size_t bytes);
struct store_finding {
    const char *fingerprint; /* 16 hex digits (findings/findings.h) */
    const char *rule, *severity, *url, *source, *message;
    unsigned line;
    const char *related_json; /* JSON array of strings, or NULL */
};
int store_put_finding(struct store *store, const struct store_finding *finding);
/* Every finding of a run's list, each with its fingerprint (findings/findings.h's identity). */
struct finding_list;
int store_put_findings(struct store *store, const struct finding_list *list);

/* Close the run: state "complete" or "interrupted", with its page count; indexable is counted
 * from the run's page_facts. Commits. */
struct store_run_end {
    const char *state;
    const char *ended_at;
    uint64_t pages;
};
int store_run_end(struct store *store, const struct store_run_end *end);

#endif
