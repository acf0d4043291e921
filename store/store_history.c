/* SPDX-License-Identifier: Apache-2.0 */
/* store/store_history: the read-only reader of a crawl store (see store_history.h). */
#include "store/store_history.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "findings/rules.h"
#include "web/url.h"

struct store_reader {
    sqlite3 *db;
    char *path;
    char error[512];
};

const char *store_reader_path(const struct store_reader *reader)
{
    return reader->path;
}

const char *store_reader_error(const struct store_reader *reader)
{
    return reader->error;
}

/* A failed query: damaged file (or not a database) is CP_ERR_INVALID, like store_open says. */
static int query_fail(struct store_reader *r, const char *what)
{
    int code = sqlite3_errcode(r->db);
    if (code == SQLITE_NOMEM) {
        snprintf(r->error, sizeof r->error, "%s: out of memory (%s)", r->path, what);
        return CP_ERR_NOMEM;
    }
    snprintf(r->error, sizeof r->error, "%s is damaged or not a crawlpack store (%s: %s)", r->path, what,
             sqlite3_errmsg(r->db));
    return code == SQLITE_IOERR || code == SQLITE_CANTOPEN ? CP_ERR_IO : CP_ERR_INVALID;
}

static int pragma_int(struct store_reader *r, const char *sql, int *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    *value = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? CP_OK : CP_ERR_INVALID;
}

/* The checks store_open makes on an existing file, without creating or upgrading anything. */
static int check_store(struct store_reader *r, char *error, size_t error_size)
{
    int version = 0, application = 0, tables = 0, runs = 0;
    if (pragma_int(r, "PRAGMA user_version", &version) != CP_OK ||
        pragma_int(r, "PRAGMA application_id", &application) != CP_OK ||
        pragma_int(r, "SELECT count(*) FROM sqlite_schema", &tables) != CP_OK) {
        snprintf(error, error_size, "%s is damaged or not a crawlpack store: %s", r->path, sqlite3_errmsg(r->db));
        return CP_ERR_INVALID;
    }
    if (application != STORE_APPLICATION_ID) {
        snprintf(error, error_size,
                 tables ? "%s is an SQLite database, but not a crawlpack store"
                        : "%s is empty: not a crawlpack store (no run was written into it)",
                 r->path);
        return CP_ERR_INVALID;
    }
    if (version > STORE_SCHEMA_VERSION) {
        snprintf(error, error_size,
                 "%s was written by a newer crawlpack (store schema %d; this one reads up to %d); it is left as it "
                 "is: use that crawlpack",
                 r->path, version, STORE_SCHEMA_VERSION);
        return CP_ERR_INVALID;
    }
    if (pragma_int(r, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'runs'", &runs) != CP_OK ||
        runs != 1) {
        snprintf(error, error_size, "%s is damaged or not a crawlpack store (it has no runs table)", r->path);
        return CP_ERR_INVALID;
    }
    return CP_OK;
}

int store_reader_open(const char *path, struct store_reader **out, char *error, size_t error_size)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(error, error_size, "cannot open %s: %s", path, strerror(errno));
        return CP_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(error, error_size, "%s is not a file (a crawl store is one file, such as OUT/crawl.db)", path);
        return CP_ERR_INVALID;
    }
    struct store_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        snprintf(error, error_size, "%s: %s", path, cp_strerror(CP_ERR_NOMEM));
        return CP_ERR_NOMEM;
    }
    int status = CP_OK;
    /* Read-only, no lock file: a crawl writing the store is neither blocked nor disturbed. */
    if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "cannot open %s: %s", path, r->db ? sqlite3_errmsg(r->db) : "out of memory");
        status = CP_ERR_IO;
    }
    if (status == CP_OK) {
        sqlite3_busy_timeout(r->db, 5000); /* a writer checkpointing: wait, bounded */
        status = check_store(r, error, error_size);
    }
    if (status != CP_OK) {
        store_reader_close(r);
        return status;
    }
    *out = r;
    return CP_OK;
}

void store_reader_close(struct store_reader *reader)
{
    if (!reader)
        return;
    if (reader->db)
        sqlite3_close_v2(reader->db);
    free(reader->path);
    free(reader);
}

/* ---- runs ---- */

static char *column_copy(sqlite3_stmt *st, int column, bool *failed)
{
    const char *text = (const char *)sqlite3_column_text(st, column);
    if (!text)
        return NULL;
    char *copy = strdup(text);
    *failed |= copy == NULL;
    return copy;
}

static int64_t column_count(sqlite3_stmt *st, int column)
{
    return sqlite3_column_type(st, column) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, column);
}

static int read_run(sqlite3_stmt *st, struct store_run_rows *rows)
{
    struct store_run_row *grown = array_grow(rows->items, rows->count, sizeof *grown);
    if (!grown)
        return CP_ERR_NOMEM;
    rows->items = grown;
    struct store_run_row *run = &grown[rows->count++];
    memset(run, 0, sizeof *run);
    bool failed = false;
    run->id = sqlite3_column_int64(st, 0);
    run->run_id = column_copy(st, 1, &failed);
    run->command = column_copy(st, 2, &failed);
    run->site = column_copy(st, 3, &failed);
    run->started_at = column_copy(st, 4, &failed);
    run->ended_at = column_copy(st, 5, &failed);
    run->state = column_copy(st, 6, &failed);
    run->pages = column_count(st, 7);
    run->indexable = column_count(st, 8);
    if (!failed && (!run->command || !run->site || !run->started_at || !run->state))
        return CP_ERR_INVALID; /* NOT NULL columns: the file was changed by hand */
    return failed ? CP_ERR_NOMEM : CP_OK;
}

int store_reader_runs(struct store_reader *r, struct store_run_rows *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT id, run_id, command, site, started_at, ended_at, state, pages, indexable"
                           " FROM runs ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return query_fail(r, "reading the runs");
    int rc = SQLITE_DONE, status = CP_OK;
    while (status == CP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        status = read_run(st, out);
    if (status == CP_OK && rc != SQLITE_DONE)
        status = query_fail(r, "reading the runs");
    else if (status == CP_ERR_INVALID)
        snprintf(r->error, sizeof r->error, "%s is damaged: a run without its command, site, start or state", r->path);
    sqlite3_finalize(st);
    if (status != CP_OK)
        store_run_rows_free(out);
    return status;
}

void store_run_rows_free(struct store_run_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        struct store_run_row *run = &rows->items[i];
        free(run->run_id), free(run->command), free(run->site), free(run->started_at), free(run->ended_at);
        free(run->state);
    }
    free(rows->items);
    memset(rows, 0, sizeof *rows);
}

bool store_run_row_complete(const struct store_run_row *run)
{
    return strcmp(run->state, "complete") == 0;
}

bool store_same_site(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    struct url ua, ub;
    if (url_parse_str(a, NULL, &ua) != URL_OK)
        return false;
    bool same = false;
    if (url_parse_str(b, NULL, &ub) == URL_OK) {
        same = strcmp(ua.href, ub.href) == 0;
        url_free(&ub);
    }
    url_free(&ua);
    return same;
}

/* ---- one run's rows ---- */

static int prepare_run(struct store_reader *r, const char *sql, int64_t run, sqlite3_stmt **st, const char *what)
{
    if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK)
        return query_fail(r, what);
    sqlite3_bind_int64(*st, 1, run);
    return CP_OK;
}

/* Step st to its end, handing each row's columns to fn as text ("" for NULL). */
static int walk_rows(struct store_reader *r, sqlite3_stmt *st, int columns, store_row_fn fn, void *context,
                     const char *what)
{
    const char *fields[STORE_PAGE_FACT_COLUMNS];
    int rc = SQLITE_DONE, status = CP_OK;
    while (status == CP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < columns; i++) {
            const char *text = (const char *)sqlite3_column_text(st, i);
            fields[i] = text ? text : "";
        }
        status = fn(context, fields, (size_t)columns);
    }
    if (status == CP_OK && rc != SQLITE_DONE)
        status = query_fail(r, what);
    sqlite3_finalize(st);
    return status;
}

int store_reader_page_facts(struct store_reader *r, int64_t run, store_row_fn fn, void *context)
{
    struct buf sql = BUF_INIT;
    buf_append_str(&sql, "SELECT ");
    for (int i = 0; i < STORE_PAGE_FACT_COLUMNS; i++)
        buf_printf(&sql, "%s%s", i ? ", " : "", store_page_fact_columns[i]);
    /* rowid order is insertion order: the order crawl_output wrote pages.csv in */
    buf_append_str(&sql, " FROM page_facts WHERE run = ? ORDER BY rowid");
    if (!buf_str(&sql)[0]) {
        buf_free(&sql);
        return CP_ERR_NOMEM;
    }
    sqlite3_stmt *st = NULL;
    int status = prepare_run(r, buf_str(&sql), run, &st, "reading page facts");
    buf_free(&sql);
    return status == CP_OK ? walk_rows(r, st, STORE_PAGE_FACT_COLUMNS, fn, context, "reading page facts") : status;
}

int store_reader_sitemap_entries(struct store_reader *r, int64_t run, store_row_fn fn, void *context)
{
    sqlite3_stmt *st = NULL;
    int status = prepare_run(r, "SELECT url, sitemap, lastmod FROM sitemap_entries WHERE run = ? ORDER BY rowid", run,
                             &st, "reading sitemap entries");
    return status == CP_OK ? walk_rows(r, st, 3, fn, context, "reading sitemap entries") : status;
}

int store_reader_links(struct store_reader *r, int64_t run, store_row_fn fn, void *context)
{
    sqlite3_stmt *st = NULL;
    int status = prepare_run(r, "SELECT source, target, kind, meta FROM links WHERE run = ?", run, &st,
                             "reading links");
    return status == CP_OK ? walk_rows(r, st, 4, fn, context, "reading links") : status;
}

int store_reader_findings(struct store_reader *r, int64_t run, store_finding_fn fn, void *context)
{
    sqlite3_stmt *st = NULL;
    int status = prepare_run(r,
                             "SELECT fingerprint, rule, severity, url, source, message, line, related FROM findings"
                             " WHERE run = ? ORDER BY rowid",
                             run, &st, "reading findings");
    int rc = SQLITE_DONE;
    while (status == CP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_finding f = {
            (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
            (unsigned)sqlite3_column_int64(st, 6),    (const char *)sqlite3_column_text(st, 7),
        };
        if (!f.fingerprint || !f.rule || !f.severity || !f.message) {
            snprintf(r->error, sizeof r->error, "%s is damaged: a finding of run %lld without its %s", r->path,
                     (long long)run, !f.rule ? "rule" : "fingerprint, severity or message");
            status = CP_ERR_INVALID;
        } else {
            status = fn(context, &f);
        }
    }
    if (status == CP_OK && rc != SQLITE_DONE)
        status = query_fail(r, "reading findings");
    sqlite3_finalize(st);
    return status;
}

int store_reader_severity_counts(struct store_reader *r, int64_t run, size_t counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    sqlite3_stmt *st = NULL;
    int status = prepare_run(r, "SELECT severity, count(*) FROM findings WHERE run = ? GROUP BY severity", run, &st,
                             "counting findings");
    int rc = SQLITE_DONE;
    while (status == CP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        enum severity severity;
        const char *name = (const char *)sqlite3_column_text(st, 0);
        /* a severity this build does not name is not counted under another one */
        if (name && severity_parse(name, &severity) == 0 && severity >= SEVERITY_NOTICE && severity <= SEVERITY_ERROR)
            counts[severity] += (size_t)sqlite3_column_int64(st, 1);
    }
    if (status == CP_OK && rc != SQLITE_DONE)
        status = query_fail(r, "counting findings");
    sqlite3_finalize(st);
    return status;
}

int store_reader_fingerprints(struct store_reader *r, int64_t run, uint64_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    sqlite3_stmt *st = NULL;
    /* 16 lower-case hex digits: text order is numeric order */
    int status = prepare_run(r, "SELECT fingerprint FROM findings WHERE run = ? ORDER BY fingerprint", run, &st,
                             "reading finding fingerprints");
    int rc = SQLITE_DONE;
    while (status == CP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t *grown = array_grow(*out, *count, sizeof *grown);
        if (!grown) {
            status = CP_ERR_NOMEM;
            break;
        }
        *out = grown;
        const char *text = (const char *)sqlite3_column_text(st, 0);
        grown[(*count)++] = text ? strtoull(text, NULL, 16) : 0;
    }
    if (status == CP_OK && rc != SQLITE_DONE)
        status = query_fail(r, "reading finding fingerprints");
    sqlite3_finalize(st);
    if (status != CP_OK) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return status;
}
