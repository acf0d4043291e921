/* SPDX-License-Identifier: Apache-2.0 */
/* reports/history: the runs of a crawl store, compared run by run (see history.h). */
#include "reports/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/csv.h"
#include "common/error.h"
#include "common/json_write.h"
#include "findings/rules.h"

/* ---- reading ---- */

static bool is_counted(const struct store_run_row *run)
{
    return store_run_row_complete(run) && strcmp(run->command, "audit") == 0;
}

/* The latest earlier complete audit of the same site, or NULL. */
static const struct store_run_row *run_before(const struct store_run_rows *runs, size_t index)
{
    for (size_t i = index; i-- > 0;)
        if (is_counted(&runs->items[i]) && store_same_site(runs->items[i].site, runs->items[index].site))
            return &runs->items[i];
    return NULL;
}

/* The fingerprints of the last run read, kept for the next run's comparison (usually the run
 * before of the next audit of the site). */
struct fingerprints {
    int64_t run;
    uint64_t *items;
    size_t count;
};

static int fingerprints_of(struct store_reader *reader, int64_t run, struct fingerprints *out)
{
    free(out->items);
    memset(out, 0, sizeof *out);
    int status = store_reader_fingerprints(reader, run, &out->items, &out->count);
    if (status == CP_OK)
        out->run = run;
    return status;
}

/* Multiset difference of two ascending lists: new = in now beyond then, fixed = in then beyond now. */
static void count_changes(const struct fingerprints *then, const struct fingerprints *now, struct history_row *row)
{
    size_t i = 0, j = 0;
    while (i < then->count || j < now->count) {
        if (j == now->count || (i < then->count && then->items[i] < now->items[j]))
            row->fixed_count++, i++;
        else if (i == then->count || now->items[j] < then->items[i])
            row->new_count++, j++;
        else
            i++, j++;
    }
}

static int compare_with_before(struct store_reader *reader, const struct store_run_rows *runs, size_t index,
                               struct history_row *row, struct fingerprints *cache)
{
    const struct store_run_row *before = run_before(runs, index);
    if (!before)
        return CP_OK;
    struct fingerprints then = {0}, now = {0};
    int status = cache->run == before->id ? CP_OK : fingerprints_of(reader, before->id, cache);
    if (status == CP_OK) {
        then = *cache;
        status = fingerprints_of(reader, row->run->id, &now);
    }
    if (status == CP_OK) {
        row->compared_with = before->id;
        count_changes(&then, &now, row);
        free(cache->items);
        *cache = now; /* this run is the likeliest run before of the next one */
    } else {
        free(now.items);
    }
    return status;
}

static int read_row(struct store_reader *reader, const struct store_run_rows *runs, size_t index,
                    struct history_row *row, struct fingerprints *cache)
{
    memset(row, 0, sizeof *row);
    row->run = &runs->items[index];
    if (!is_counted(row->run))
        return CP_OK;
    size_t counts[4];
    int status = store_reader_severity_counts(reader, row->run->id, counts);
    if (status != CP_OK)
        return status;
    row->counted = true;
    row->errors = counts[SEVERITY_ERROR];
    row->warnings = counts[SEVERITY_WARNING];
    row->notices = counts[SEVERITY_NOTICE];
    return compare_with_before(reader, runs, index, row, cache);
}

/* --site matched nothing: say which sites the store holds. */
static void no_such_site(const struct history *h, const char *site, struct buf *error)
{
    buf_printf(error, "%s holds no run of %s", h->path, site);
    size_t listed = 0;
    for (size_t i = 0; i < h->runs.count && listed < 10; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(h->runs.items[j].site, h->runs.items[i].site) == 0;
        if (!seen)
            buf_printf(error, "%s%s", listed++ ? ", " : " (its sites: ", h->runs.items[i].site);
    }
    buf_append_str(error, listed ? ")" : " (it holds no run)");
}

int history_load(struct store_reader *reader, const char *site, struct history *h, struct buf *error)
{
    memset(h, 0, sizeof *h);
    h->path = strdup(store_reader_path(reader));
    if (!h->path)
        return CP_ERR_NOMEM;
    int status = store_reader_runs(reader, &h->runs);
    if (status == CP_OK && !(h->rows = calloc(h->runs.count + 1, sizeof *h->rows)))
        status = CP_ERR_NOMEM;
    struct fingerprints cache = {0};
    for (size_t i = 0; status == CP_OK && i < h->runs.count; i++)
        if (!site || store_same_site(h->runs.items[i].site, site))
            status = read_row(reader, &h->runs, i, &h->rows[h->count++], &cache);
    free(cache.items);
    if (status != CP_OK && status != CP_ERR_NOMEM)
        buf_append_str(error, store_reader_error(reader));
    else if (status == CP_OK && site && h->count == 0) {
        no_such_site(h, site, error);
        status = CP_ERR_INVALID;
    }
    return status;
}

void history_free(struct history *h)
{
    store_run_rows_free(&h->runs);
    free(h->rows);
    free(h->path);
    memset(h, 0, sizeof *h);
}

/* ---- rendering ---- */

/* The cells of a row as text ("" for what is not known), in the JSON and CSV order. */
enum column {
    C_ID,
    C_RUN_ID,
    C_STARTED,
    C_COMMAND,
    C_SITE,
    C_STATE,
    C_PAGES,
    C_INDEXABLE,
    C_ERRORS,
    C_WARNINGS,
    C_NOTICES,
    C_COMPARED,
    C_NEW,
    C_FIXED,
    C_COUNT
};

static const char *const column_names[C_COUNT] = {
    "id",        "run_id", "started_at", "command", "site",          "state", "pages",
    "indexable", "errors", "warnings",   "notices", "compared_with", "new",   "fixed",
};

struct cells {
    char numbers[C_COUNT][24];
    const char *text[C_COUNT];
};

static void number_cell(struct cells *c, enum column column, bool known, int64_t value)
{
    if (known)
        snprintf(c->numbers[column], sizeof c->numbers[column], "%" PRId64, value);
    else
        c->numbers[column][0] = '\0';
    c->text[column] = c->numbers[column];
}

static void row_cells(const struct history_row *row, struct cells *c)
{
    const struct store_run_row *run = row->run;
    number_cell(c, C_ID, true, run->id);
    c->text[C_RUN_ID] = run->run_id ? run->run_id : "";
    c->text[C_STARTED] = run->started_at;
    c->text[C_COMMAND] = run->command;
    c->text[C_SITE] = run->site;
    c->text[C_STATE] = run->state;
    number_cell(c, C_PAGES, run->pages >= 0, run->pages);
    number_cell(c, C_INDEXABLE, run->indexable >= 0, run->indexable);
    number_cell(c, C_ERRORS, row->counted, (int64_t)row->errors);
    number_cell(c, C_WARNINGS, row->counted, (int64_t)row->warnings);
    number_cell(c, C_NOTICES, row->counted, (int64_t)row->notices);
    number_cell(c, C_COMPARED, row->compared_with > 0, row->compared_with);
    number_cell(c, C_NEW, row->compared_with > 0, (int64_t)row->new_count);
    number_cell(c, C_FIXED, row->compared_with > 0, (int64_t)row->fixed_count);
}

/* The text table's columns, in its order: the site last, since URLs are long. */
static const struct {
    enum column column;
    const char *title;
    bool right;
} text_columns[] = {
    {C_ID, "run", true},        {C_STARTED, "started", false},  {C_COMMAND, "command", false},
    {C_STATE, "state", false},  {C_PAGES, "pages", true},       {C_INDEXABLE, "indexable", true},
    {C_ERRORS, "errors", true}, {C_WARNINGS, "warnings", true}, {C_NOTICES, "notices", true},
    {C_NEW, "new", true},       {C_FIXED, "fixed", true},       {C_SITE, "site", false},
};
#define TEXT_COLUMNS (sizeof text_columns / sizeof text_columns[0])

static const char *text_cell(const struct cells *c, enum column column)
{
    return c->text[column][0] ? c->text[column] : "-";
}

static void text_line(FILE *out, const char *const *cells, const size_t *widths)
{
    for (size_t i = 0; i < TEXT_COLUMNS; i++) {
        bool last = i + 1 == TEXT_COLUMNS;
        int width = last ? 0 : (int)widths[i];
        fprintf(out, "%s", i ? "  " : "");
        fprintf(out, text_columns[i].right ? "%*s" : "%-*s", width, cells[i]);
    }
    fputc('\n', out);
}

static int render_text(FILE *out, const struct history *h)
{
    size_t widths[TEXT_COLUMNS];
    const char *titles[TEXT_COLUMNS];
    for (size_t i = 0; i < TEXT_COLUMNS; i++)
        widths[i] = strlen(titles[i] = text_columns[i].title);
    struct cells c;
    for (size_t r = 0; r < h->count; r++) {
        row_cells(&h->rows[r], &c);
        for (size_t i = 0; i < TEXT_COLUMNS; i++) {
            size_t n = strlen(text_cell(&c, text_columns[i].column));
            widths[i] = n > widths[i] ? n : widths[i];
        }
    }
    fprintf(out, "crawlpack history: %s (%zu run%s)\n\n", h->path, h->count, h->count == 1 ? "" : "s");
    text_line(out, titles, widths);
    for (size_t r = 0; r < h->count; r++) {
        const char *cells[TEXT_COLUMNS];
        row_cells(&h->rows[r], &c);
        for (size_t i = 0; i < TEXT_COLUMNS; i++)
            cells[i] = text_cell(&c, text_columns[i].column);
        text_line(out, cells, widths);
    }
    fputs("\nnew and fixed: findings (by fingerprint) since the run before of the same site, the latest earlier "
          "complete audit; \"-\": not known (a crawl, an unfinished run, or a site's first audit).\n",
          out);
    return fflush(out) == 0 && !ferror(out) ? CP_OK : CP_ERR_IO;
}

static void json_cell(struct json_writer *w, const struct cells *c, enum column column, bool number)
{
    json_key(w, column_names[column]);
    if (!c->text[column][0])
        json_null(w);
    else if (number)
        json_int(w, strtoll(c->text[column], NULL, 10));
    else
        json_string(w, c->text[column]);
}

static void json_row(struct json_writer *w, const struct history_row *row)
{
    struct cells c;
    row_cells(row, &c);
    json_begin_object(w);
    for (int i = 0; i < C_COUNT; i++) {
        bool number = i == C_ID || i >= C_PAGES;
        if (i == C_ERRORS) {
            /* findings by severity as one object, null when not counted */
            json_key(w, "findings");
            if (!row->counted) {
                json_null(w);
            } else {
                json_begin_object(w);
                json_cell(w, &c, C_ERRORS, true);
                json_cell(w, &c, C_WARNINGS, true);
                json_cell(w, &c, C_NOTICES, true);
                json_end_object(w);
            }
            i = C_NOTICES;
            continue;
        }
        json_cell(w, &c, (enum column)i, number);
    }
    json_end_object(w);
}

static int render_json(FILE *out, const struct history *h)
{
    struct json_writer w;
    json_writer_init(&w, out, true);
    json_begin_object(&w);
    json_key(&w, "schema");
    json_int(&w, HISTORY_JSON_SCHEMA);
    json_key(&w, "store");
    json_string(&w, h->path);
    json_key(&w, "runs");
    json_begin_array(&w);
    for (size_t r = 0; r < h->count; r++)
        json_row(&w, &h->rows[r]);
    json_end_array(&w);
    json_end_object(&w);
    return json_writer_finish(&w) == 0 ? CP_OK : CP_ERR_IO;
}

static int render_csv(FILE *out, const struct history *h)
{
    csv_write_record(out, column_names, C_COUNT);
    struct cells c;
    for (size_t r = 0; r < h->count; r++) {
        row_cells(&h->rows[r], &c);
        csv_write_record(out, c.text, C_COUNT);
    }
    return fflush(out) == 0 && !ferror(out) ? CP_OK : CP_ERR_IO;
}

static const struct {
    const char *name;
    int (*render)(FILE *out, const struct history *h);
} formats[] = {
    {"text", render_text},
    {"json", render_json},
    {"csv", render_csv},
};

bool history_format_known(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, format) == 0)
            return true;
    return false;
}

int history_render(const char *format, FILE *out, const struct history *h)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, format) == 0)
            return formats[i].render(out, h);
    return CP_ERR_INVALID;
}
