/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_output: the crawl's files — out/pages.csv, out/links.csv, out/sitemaps.csv,
 * out/clusters.csv and out/crawl.json.
 *
 * CSV follows RFC 4180 (fields quoted by common/csv's csv_write_field, which also guards cells a
 * spreadsheet would run as formulas; records end with CRLF as the RFC says). Columns are documented
 * in docs/crawl.md. Every file is written as NAME.tmp and renamed into place when complete
 * (links.csv by crawl_output_finish), so an interrupted or killed run never leaves half a file
 * under its name.
 *
 * Threads: links.csv rows are written by the crawl's links.csv writer (crawler/link_rows.h); the
 * other writers run after the crawl. Memory: nothing is kept. Errors: CP_OK, or CP_ERR_IO with a
 * message naming the file in error. */
#ifndef CRAWLPACK_CRAWLER_CRAWL_OUTPUT_H
#define CRAWLPACK_CRAWLER_CRAWL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "crawler/crawl.h"

struct graph_analysis;
struct clusters;
struct store;

/* crawl.json's record of the run. run_id names the run (docs/formats.md, "Output files"); files
 * are the names, relative to dir, of the run's files so far, listed in crawl.json with their sizes
 * so a reader can tell this run's files from another run's. */
struct crawl_output_record {
    const char *run_id;
    const char *started_at;
    const char *const *files;
    size_t file_count;
};

/* The crawl's files around crawl_run: crawl_output_begin creates DIR (and its parents) and opens
 * DIR/links.csv into options->links_out, which the crawl fills while it runs; crawl_output_finish
 * closes it and writes pages.csv, sitemaps.csv, clusters.csv and crawl.json. With options->store, the
 * same rows go to the store as they are written (page_facts, sitemap_entries), in a transaction that
 * crawl_output_store_graph adds to and store_run_end (or store_results_commit) commits: the caller
 * calls it next (an audit, once its report.html thread has started on the files). analysis is a complete
 * analysis of result->graph (graph_analyze), the one the audit rules read too, or NULL to have one
 * made here; clusters likewise (crawl_output_build_clusters), or NULL to have them made here.
 * options->links_out is NULL again after crawl_output_finish, whatever it returns. */
int crawl_output_begin(const char *dir, struct crawl_options *options, char *error, size_t error_size);
int crawl_output_finish(const char *dir, struct crawl_options *options, const struct crawl_result *result,
                        const struct graph_analysis *analysis, const struct clusters *clusters,
                        const struct crawl_output_record *record, char *error, size_t error_size);
/* The rest of the crawl's end-of-run rows: the link graph (nodes, edge lists), robots.txt and
 * sitemap outcomes. A failure is the store's (sticky, reported when the run ends). */
void crawl_output_store_graph(struct store *store, const struct crawl_result *result);

/* The duplicate clusters of a finished crawl (linkgraph/clusters.h) from the pages' fingerprints:
 * the one computation clusters.csv and the audit's cluster rules read. CP_OK, CP_ERR_NOMEM. */
int crawl_output_build_clusters(const struct crawl_result *result, const struct graph_analysis *analysis,
                                struct clusters *out);
/* clusters.csv: cluster,kind,url,role,votes,internal_links — one row per clustered page, clusters
 * in order of their first URL, members in URL order (docs/clusters.md). */
int crawl_output_clusters(const char *dir, const struct crawl_result *result, const struct graph_analysis *analysis,
                          const struct clusters *clusters, char *error, size_t error_size);

/* The crawl store around the crawl (store/store.h): crawl_output_open_store creates DIR, opens the
 * store at path (nothing when path is NULL: *store is then NULL) and begins the run, before
 * anything in DIR is touched (a store another process holds is refused first). Set the store in
 * options->store; crawl_output_finish writes the end-of-run rows; the caller adds its own (the
 * audit's findings); crawl_output_close_store ends the run (complete or interrupted) and closes
 * the store, whatever it returns. Errors as above, or CP_ERR_BUSY / CP_ERR_INVALID from store_open. */
struct store_run;
int crawl_output_open_store(const char *dir, const char *path, const struct store_run *run, struct store **store,
                            char *error, size_t error_size);
int crawl_output_close_store(struct store *store, const struct crawl_result *result, char *error, size_t error_size);

/* links.csv: crawl_output_begin opens DIR/links.csv.tmp and writes its header, crawl_output_finish
 * renames it. A --render crawl's file has a column `rendered` after followable: 1 for a reference
 * only the rendered DOM holds, 0 for one the raw HTML has. The last column, found_in, is `header`
 * for a reference an HTTP header made (the graph edge's GRAPH_EDGE_FROM_HEADER: a Link header's
 * canonical, hreflang, next or prev, a redirect's Location), else `html`. */
/* Close options->links_out (a crawl that failed: links.csv.tmp stays unnamed) and free its buffer;
 * false when the stream had a write error. */
bool crawl_output_close_links(struct crawl_options *options);
/* rendered: -1 when the file has no rendered column, else 0 or 1; from_header: found_in. */
void crawl_output_link_row(FILE *out, const char *source, const char *target, const char *kind, const char *rel,
                           const char *anchor, bool followable, int rendered, bool from_header);

/* pages.csv for a finished (or interrupted) crawl: every column that is a page fact (depth, inlinks,
 * outlinks, ...) is read from analysis, a complete analysis of the frozen graph. */
int crawl_output_pages(const char *dir, const struct crawl_result *result, const struct graph_analysis *analysis,
                       struct store *store, char *error, size_t error_size);
/* sitemaps.csv: sitemap,url,lastmod,line — one row per sitemap entry the crawl read (after index
 * recursion), url as crawl identity, lastmod as W3C Datetime in UTC or empty, line the line of the
 * entry's <loc> in the (uncompressed) file, as the sitemap findings give it. The pack reads it
 * for coverage, the sitemap diff and freshness. */
int crawl_output_sitemaps(const char *dir, const struct crawl_result *result, struct store *store, char *error,
                          size_t error_size);
/* crawl.json. It is written last: a caller that writes more files after crawl_output_finish (the
 * audit's findings) calls it again with those added to record->files. */
int crawl_output_run(const char *dir, const struct crawl_options *options, const struct crawl_result *result,
                     const struct crawl_output_record *record, char *error, size_t error_size);

#endif
