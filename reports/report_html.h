/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html: report.html, the one file a person opens after an audit.
 *
 * A rendering of an output folder read back with reports/crawl_data (pages.csv, links.csv,
 * sitemaps.csv, findings.json, crawl.json): the audit writes it from the folder it just wrote and
 * `crawlpack report OUT` rebuilds it, so both show the same numbers. One self-contained file that
 * works offline from file://: inline CSS and JS, the data embedded as JSON in a
 * <script type="application/json"> element (common/json_write's script-safe mode), charts as
 * inline SVG (reports/svg_chart), and a Content-Security-Policy that allows nothing external.
 * Sections: overview (counts and charts), findings by rule (filters, search, paging), the URL
 * explorer (verdict, status and redirect hops, canonical, robots, sitemap entries, depth, link
 * score, inlinks and outlinks) and trends (the runs of the site a store beside the folder holds).
 * Every crawled string is escaped for its context: common/html_escape in HTML, the script-safe
 * JSON inside <script>; the script builds its DOM with textContent only. docs/report.md has the
 * layout and the size budget (REPORT_HTML_LINK_BUDGET).
 *
 * Threads: one call per thread; no global state. Memory: the functions borrow their input.
 * Errors: CP_OK; CP_ERR_IO (the output could not be written, with error naming the file),
 * CP_ERR_NOMEM; report_html_from_folder also returns CP_ERR_INVALID when the folder cannot be read
 * as an output folder (no pages.csv, a file that is not its format, files of different runs; the
 * problems are logged with file and line by crawl_data_load). */
#ifndef CRAWLPACK_REPORTS_REPORT_HTML_H
#define CRAWLPACK_REPORTS_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "crawler/link_index.h"

struct crawl_data; /* reports/crawl_data.h (not included: its struct crawl_page is not the crawler's) */

#define REPORT_HTML_FILE "report.html"

/* Links embedded for the URL explorer, in all: each page gets an equal share of inlinks and
 * outlinks (at least 1, at most 800 of each); the rest stay in links.csv and the explorer says how
 * many it shows. About 15 bytes a link plus its anchor: with the pages this keeps a 100,000-page
 * report under 25 MB. */
#define REPORT_HTML_LINK_BUDGET 300000
/* The budget with the shares it is given out in (crawler/link_index.h): an audit that writes the
 * report hands them to its crawl, whose links.csv writer lists the rows the report may pick. */
extern const struct link_index_limits report_html_link_limits;
/* Findings embedded (the findings cap per cause usually keeps far fewer); the report says when it
 * cut, and findings.json keeps them all. */
#define REPORT_HTML_MAX_FINDINGS 200000

/* Write the report of data to out: data read whole (links NULL: the links are picked now), or
 * read with report_link_filter(links) (the links the report embeds were picked, and kept by the
 * picker, as they were read). */
struct report_link_picker;
int report_html_write(FILE *out, const struct crawl_data *data, struct report_link_picker *links);

/* Read the output folder dir and write its report to out_path (under a temporary name, renamed
 * when complete). */
int report_html_from_folder(const char *dir, const char *out_path, char *error, size_t error_size);
/* The audit's report.html, written on a thread of its own while the audit goes on. Start it once
 * the crawl's files are in dir (pages.csv, links.csv, sitemaps.csv, clusters.csv, crawl.json: the
 * thread reads them at once); hand it the audit's findings when they are final (the list and
 * context findings.json is rendered from, read by the thread until finish: crawl_data_take_findings,
 * so the report is the one report_html_from_folder writes once findings.json is there); finish
 * joins it and returns its status (CP_ERR_INTERRUPTED when finished before any findings were handed
 * over: cancelled, nothing written), removing the report it wrote unless keep (the audit failed
 * after handing the findings over: a failed run lists no report.html, so it leaves none). Start
 * returns CP_OK or CP_ERR_NOMEM (no thread). One owner thread calls all three; the job is freed by
 * finish. links_index is the crawl's index of the links.csv rows the report may pick, listed with
 * report_html_link_limits (NULL: none; links.csv is then read whole): the job takes it (*links_index
 * is left empty) and frees it once it has read links.csv (crawl_data_load_files). crawl_graph
 * (NULL: none) is the crawl's graph, frozen, borrowed until finish as the index of pages.csv's URLs
 * (crawl_data_load_files says how). */
struct report_findings;
struct report_html_job;
struct graph;
int report_html_job_start(const char *dir, const char *out_path, struct link_index *links_index,
                          const struct graph *crawl_graph, struct report_html_job **job);
void report_html_job_hand(struct report_html_job *job, const struct report_findings *findings);
int report_html_job_finish(struct report_html_job *job, bool keep, char *error, size_t error_size);

/* The same from a run of the crawl store at store_path (docs/store.md): run `run` (its number in
 * the store), or with run 0 the last complete audit. out_path NULL writes report-run-N.html beside
 * the store; the path written is put in written (at least PATH_MAX bytes: written_size). Returns
 * CP_ERR_INVALID with error saying why when the file is no crawl store or holds no such run. */
int report_html_from_store(const char *store_path, long long run, const char *out_path, char *written,
                           size_t written_size, char *error, size_t error_size);

#endif
