/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html_trends: report.html's trends: pages and findings over the runs of the site
 * that the store beside the output folder holds (OUT/crawl.db, docs/store.md), read-only.
 *
 * The store's documented tables are read with SQL: `runs` (one row per run: site, state, pages,
 * indexable) and `findings` (run, severity). Earlier runs are the complete audits of the same start
 * URL; the folder's own run is drawn from the folder (findings.json's counts), so the last bar is
 * exactly what the overview shows even while the store is still writing that run. No store, an
 * SQLite file that is not a crawlpack store, or any error reading it: no trends, and the section
 * says there is one run. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/html_escape.h"
#include "reports/report_html_internal.h"
#include "reports/svg_chart.h"
#include "store/store.h"

#define TRENDS_MAX_RUNS 30 /* the latest runs; a chart of more bars reads no better */

struct trend_run {
    char label[48];
    double pages, indexable, severity[SEVERITY_NEVER + 1];
};

/* The store data was read from, or the one beside its folder. */
static sqlite3 *open_store(const struct crawl_data *d)
{
    struct buf path = BUF_INIT;
    sqlite3 *db = NULL;
    int status = d->store_path ? buf_append_str(&path, d->store_path) : buf_printf(&path, "%s/%s", d->dir, STORE_FILE);
    if (status != CP_OK || sqlite3_open_v2(buf_str(&path), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
    }
    buf_free(&path);
    sqlite3_stmt *q = NULL;
    bool ours = db && sqlite3_busy_timeout(db, 2000) == SQLITE_OK &&
                sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &q, NULL) == SQLITE_OK &&
                sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) == STORE_APPLICATION_ID;
    sqlite3_finalize(q);
    if (!ours) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void run_findings(sqlite3 *db, sqlite3_int64 run, struct trend_run *t)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT severity, count(*) FROM findings WHERE run = ? GROUP BY severity", -1, &q,
                           NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(q, 1, run);
    while (sqlite3_step(q) == SQLITE_ROW) {
        enum severity s;
        const char *name = (const char *)sqlite3_column_text(q, 0);
        if (name && severity_parse(name, &s) == 0 && s <= SEVERITY_ERROR)
            t->severity[s] = (double)sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
}

/* The earlier complete audits of the site, oldest first, at most TRENDS_MAX_RUNS - 1 of them: the
 * runs the store numbered before this one (a report of a stored run shows the runs before it).
 * Numbers, not start times: two audits can start within the same second. A folder whose run the
 * store does not hold falls back to the runs started no later than it. */
static size_t earlier_runs(sqlite3 *db, const struct crawl_data *d, struct trend_run *runs)
{
    sqlite3_stmt *q = NULL;
    const char *sql =
        "SELECT id, started_at, pages, indexable FROM (SELECT * FROM runs WHERE site = ?1 AND command = 'audit'"
        " AND state = 'complete' AND run_id IS NOT ?2 AND coalesce(id < (SELECT min(id) FROM runs WHERE run_id = ?2),"
        " started_at <= ?3) ORDER BY id DESC LIMIT ?4) ORDER BY id";
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(q, 1, d->start_url, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, d->run_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, d->started_at ? d->started_at : "9999", -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 4, TRENDS_MAX_RUNS - 1);
    size_t count = 0;
    while (count < TRENDS_MAX_RUNS - 1 && sqlite3_step(q) == SQLITE_ROW) {
        struct trend_run *t = &runs[count++];
        memset(t, 0, sizeof *t);
        const char *started = (const char *)sqlite3_column_text(q, 1);
        snprintf(t->label, sizeof t->label, "run %lld, %.16s", (long long)sqlite3_column_int64(q, 0),
                 started ? started : "?");
        t->pages = (double)sqlite3_column_int64(q, 2);
        t->indexable = (double)sqlite3_column_int64(q, 3);
        run_findings(db, sqlite3_column_int64(q, 0), t);
    }
    sqlite3_finalize(q);
    return count;
}

static void this_run(const struct report_facts *f, struct trend_run *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->label, sizeof t->label, "this run, %.16s", f->data->started_at ? f->data->started_at : "?");
    t->pages = (double)f->pages;
    t->indexable = (double)f->indexable;
    for (int s = SEVERITY_NOTICE; s <= SEVERITY_ERROR; s++)
        t->severity[s] = (double)f->by_severity[s];
}

static void write_charts(FILE *out, const struct trend_run *runs, size_t count)
{
    static const char *const finding_series[] = {"error", "warning", "notice"};
    static const char *const page_series[] = {"indexable", "not indexable"};
    static const char *const severity_colours[] = {"#d55e00", "#e69f00", "#0072b2"}; /* as the CSS's */
    static const char *const page_colours[] = {"#009e73", "#999999"};
    struct svg_bar findings[TRENDS_MAX_RUNS], pages[TRENDS_MAX_RUNS];
    for (size_t i = 0; i < count; i++) {
        const struct trend_run *t = &runs[i];
        findings[i] = (struct svg_bar){
            t->label, {t->severity[SEVERITY_ERROR], t->severity[SEVERITY_WARNING], t->severity[SEVERITY_NOTICE]}};
        pages[i] = (struct svg_bar){t->label, {t->indexable, t->pages > t->indexable ? t->pages - t->indexable : 0}};
    }
    struct svg_chart c = {"chart-trend-findings", "Findings per run", finding_series, 3, findings, count,
                          "No findings.",         severity_colours};
    svg_chart_write(out, &c);
    c = (struct svg_chart){"chart-trend-pages", "Pages crawled per run", page_series, 2, pages, count, "No pages.",
                           page_colours};
    svg_chart_write(out, &c);
}

int report_html_trends(FILE *out, const struct report_facts *f)
{
    fputs("<section id=\"trends\" class=\"tab\"><h2>Trends</h2>", out);
    sqlite3 *db = f->data->start_url ? open_store(f->data) : NULL;
    struct trend_run runs[TRENDS_MAX_RUNS];
    size_t count = db ? earlier_runs(db, f->data, runs) : 0;
    sqlite3_close(db);
    if (count == 0) {
        fputs("<p class=\"empty\" id=\"t-none\">One run of this site: trends show once the store (" STORE_FILE
              " in the output folder) holds several complete audits of it.</p></section>\n",
              out);
        return CP_OK;
    }
    this_run(f, &runs[count++]);
    fputs("<p class=\"note\">The complete audits of ", out);
    html_escape_n(out, f->data->start_url, strlen(f->data->start_url), 2048);
    fprintf(out, " in the store " STORE_FILE ", oldest first (%zu runs).</p><div class=\"charts\">", count);
    write_charts(out, runs, count);
    fputs("</div></section>\n", out);
    return CP_OK;
}
