/* SPDX-License-Identifier: Apache-2.0 */
/* reports/crawl_data: the reader of a crawl output folder (see crawl_data.h for the contract). */
#include "reports/crawl_data.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#include "crawler/link_index.h"
#include "linkgraph/graph.h"
#include "store/store.h"
#include "web/content_type.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/arena.h"
#include "common/array_grow.h"
#include "common/log.h"
#include "reports/baseline.h"
#include "reports/crawl_data_rows.h"
#include "reports/report_context.h"
#include "common/csv.h"

static char *path_join(const char *dir, const char *name)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return buf_detach(&b);
}

static char *copy_or_empty(const char *text)
{
    return strdup(text ? text : "");
}

/* Grow an array of element_size items by one; returns the new zeroed element or NULL. */
static void *array_push(void **items, size_t *count, size_t element_size)
{
    char *grown = array_grow(*items, *count, element_size);
    if (!grown)
        return NULL;
    *items = grown;
    char *element = grown + *count * element_size;
    memset(element, 0, element_size);
    (*count)++;
    return element;
}

static long parse_long(const char *text, long missing)
{
    if (!text || !*text)
        return missing;
    char *end;
    long value = strtol(text, &end, 10);
    return *end ? missing : value;
}

static double parse_double(const char *text, double missing)
{
    if (!text || !*text)
        return missing;
    char *end;
    double value = strtod(text, &end);
    return *end ? missing : value;
}

/* ---- pages.csv ---- */

/* pages.csv's columns in the order crawler/crawl_output writes them (store_page_fact_columns, the
 * one list of their names); an older folder may lack some: their index is then -1. */
enum page_column {
    COL_URL,
    COL_STATUS,
    COL_CONTENT_TYPE,
    COL_DEPTH,
    COL_SIZE,
    COL_TTFB,
    COL_TOTAL,
    COL_REDIRECT_TO,
    COL_CANONICAL,
    COL_ROBOTS,
    COL_IN_SITEMAP,
    COL_INLINKS,
    COL_OUTLINKS,
    COL_TITLE,
    COL_ERROR,
    COL_HTTP_VERSION,
    COL_CONTENT_ENCODING,
    COL_HSTS,
    COL_ANALYTICS,
    COL_LINKS_DROPPED,
    COL_INDEXABLE,
    COL_NOT_INDEXABLE_REASONS,
    COL_LINK_SCORE,
    COL_COUNT
};
_Static_assert(COL_COUNT == STORE_PAGE_FACT_COLUMNS, "pages.csv's columns are store_page_fact_columns");

struct csv_context {
    struct crawl_data *data;
    const char *path;
    int columns[COL_COUNT];
    bool have_header;
    int status;
    bool refused;                         /* links.csv: the filter's wants refused the last row */
    const struct link_index_row *ranks;   /* links.csv read through its index: the row's ranks */
    const struct crawl_page *last_source; /* links.csv: the page the last row looked up was from */
    bool unknown_url;                     /* pages.csv: a URL the borrowed crawl graph lacks */
};

static const char *column_value(const struct csv_context *ctx, char **fields, size_t count, int column)
{
    int index = ctx->columns[column];
    return index >= 0 && (size_t)index < count ? fields[index] : "";
}

static int read_header(struct csv_context *ctx, char **fields, size_t count, const char *const *names, int name_count)
{
    for (int i = 0; i < name_count; i++)
        ctx->columns[i] = csv_column(fields, count, names[i]);
    ctx->have_header = true;
    if (ctx->columns[0] < 0) {
        log_error("%s:1: the header row has no '%s' column", ctx->path, names[0]);
        return CP_ERR_PARSE;
    }
    return CP_OK;
}

/* A new zeroed row at the end of data's pages, or NULL when out of memory (load_files reserves
 * rows for pages.csv's lines first, so a folder's pages are allocated once). */
static struct crawl_page *push_page(struct crawl_data *data)
{
    if (!array_reserve((void **)&data->pages, &data->page_capacity, data->page_count, data->page_count + 1,
                       sizeof *data->pages))
        return NULL;
    struct crawl_page *p = &data->pages[data->page_count++];
    memset(p, 0, sizeof *p);
    return p;
}

/* Index url as the next page row: its node in the data's own index (a page row per new node), or
 * in the crawl's borrowed graph (node_rows maps it to the row). *own_url is the index's copy.
 * Returns CP_OK, PAGE_SEEN (already a row), PAGE_UNKNOWN (the borrowed graph lacks it) or
 * CP_ERR_NOMEM. */
enum { PAGE_SEEN = 1, PAGE_UNKNOWN = 2 };
static int index_page(struct crawl_data *data, const char *url, const char **own_url)
{
    size_t length = strlen(url);
    if (data->crawl_graph) {
        uint32_t node = graph_find(data->crawl_graph, url, length);
        if (node == GRAPH_NO_NODE || data->page_count >= UINT32_MAX)
            return PAGE_UNKNOWN;
        if (data->node_rows[node] != UINT32_MAX)
            return PAGE_SEEN;
        data->node_rows[node] = (uint32_t)data->page_count;
        *own_url = graph_url(data->crawl_graph, node, NULL);
        return CP_OK;
    }
    if (!data->index && !(data->index = graph_create(0)))
        return CP_ERR_NOMEM;
    bool is_new = false;
    uint32_t node = graph_intern(data->index, url, length, &is_new);
    if (node == GRAPH_NO_NODE)
        return CP_ERR_NOMEM;
    *own_url = graph_url(data->index, node, NULL);
    return is_new ? CP_OK : PAGE_SEEN;
}

static int page_record(void *context, char **fields, size_t count, unsigned line)
{
    struct csv_context *ctx = context;
    if (!ctx->have_header)
        return read_header(ctx, fields, count, store_page_fact_columns, COL_COUNT);
    struct crawl_data *data = ctx->data;
    const char *url = column_value(ctx, fields, count, COL_URL);
    if (!*url) {
        log_warn("%s:%u: row without a url (ignored)", ctx->path, line);
        return CP_OK;
    }
    const char *own_url = NULL;
    int status = index_page(data, url, &own_url);
    if (status == PAGE_SEEN) {
        log_warn("%s:%u: %s appears twice (the first row is used)", ctx->path, line, url);
        return CP_OK;
    }
    ctx->unknown_url = status == PAGE_UNKNOWN;
    if (status != CP_OK)
        return ctx->unknown_url ? CP_ERR_INVALID : status;
    struct crawl_page *p = push_page(data);
    if (!p)
        return CP_ERR_NOMEM;
#define TEXT(col) arena_strndup(&data->page_text, column_value(ctx, fields, count, col), SIZE_MAX)
    p->url = (char *)own_url; /* the index's copy */
    p->status = (int)parse_long(column_value(ctx, fields, count, COL_STATUS), 0);
    p->content_type = TEXT(COL_CONTENT_TYPE);
    p->depth = (int)parse_long(column_value(ctx, fields, count, COL_DEPTH), -1);
    p->size = parse_long(column_value(ctx, fields, count, COL_SIZE), -1);
    p->ttfb_ms = parse_double(column_value(ctx, fields, count, COL_TTFB), -1);
    p->total_ms = parse_double(column_value(ctx, fields, count, COL_TOTAL), -1);
    p->redirect_to = TEXT(COL_REDIRECT_TO);
    p->canonical = TEXT(COL_CANONICAL);
    p->robots_directives = TEXT(COL_ROBOTS);
    const char *in_sitemap = column_value(ctx, fields, count, COL_IN_SITEMAP);
    p->in_sitemap = strcmp(in_sitemap, "1") == 0 || strcmp(in_sitemap, "true") == 0;
    p->inlinks = (int)parse_long(column_value(ctx, fields, count, COL_INLINKS), -1);
    p->outlinks = (int)parse_long(column_value(ctx, fields, count, COL_OUTLINKS), -1);
    p->title = TEXT(COL_TITLE);
    p->error = TEXT(COL_ERROR);
    p->http_version = TEXT(COL_HTTP_VERSION);
    p->content_encoding = TEXT(COL_CONTENT_ENCODING);
    p->hsts = (int)parse_long(column_value(ctx, fields, count, COL_HSTS), -1);
    p->analytics = TEXT(COL_ANALYTICS);
    p->link_score = parse_double(column_value(ctx, fields, count, COL_LINK_SCORE), -1);
    p->indexable = (int)parse_long(column_value(ctx, fields, count, COL_INDEXABLE), -1);
    p->not_indexable_reasons = ctx->columns[COL_NOT_INDEXABLE_REASONS] >= 0 ? TEXT(COL_NOT_INDEXABLE_REASONS)
                                                                            : NULL; /* NULL: not measured */
#undef TEXT
    if (!p->content_type || !p->redirect_to || !p->canonical || !p->robots_directives || !p->title || !p->error ||
        !p->http_version || !p->content_encoding || !p->analytics ||
        (ctx->columns[COL_NOT_INDEXABLE_REASONS] >= 0 && !p->not_indexable_reasons))
        return CP_ERR_NOMEM;
    return CP_OK;
}

/* Which optional pages.csv columns the header had. */
static void take_page_columns(const struct csv_context *ctx)
{
    struct crawl_data *data = ctx->data;
    data->has_link_score = ctx->columns[COL_LINK_SCORE] >= 0;
    data->has_timing = ctx->columns[COL_TTFB] >= 0 || ctx->columns[COL_TOTAL] >= 0;
    data->has_encoding = ctx->columns[COL_CONTENT_ENCODING] >= 0;
    data->has_hsts = ctx->columns[COL_HSTS] >= 0;
    data->has_analytics = ctx->columns[COL_ANALYTICS] >= 0;
}

/* ---- links.csv and sitemaps.csv ---- */

static const char *const link_column_names[] = {"source", "target", "kind", "rel", "followable", "anchor", "found_in"};
static const char *const entry_column_names[] = {"url", "sitemap", "lastmod", "line"};
static const char *const cluster_column_names[] = {"cluster", "kind", "url", "role", "votes", "internal_links"};

static enum crawl_link_kind link_kind(const char *text)
{
    static const char *const names[] = {"a", "redirect", "canonical", "hreflang", "refresh", "iframe"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(text, names[i]) == 0)
            return (enum crawl_link_kind)i;
    return *text ? LINK_OTHER : LINK_A;
}

/* The row's url: the crawled page's own string when it is one (no copy), else a copy in the links'
 * arena. */
static char *link_url(struct crawl_data *data, const char *text, const struct crawl_page *page)
{
    return page ? page->url : arena_strndup(&data->link_text, text, SIZE_MAX);
}

static int link_record(void *context, char **fields, size_t count, unsigned line)
{
    struct csv_context *ctx = context;
    (void)line;
    if (!ctx->have_header)
        return read_header(ctx, fields, count, link_column_names, 7);
    struct crawl_data *data = ctx->data;
    data->links_read++;
    const struct crawl_link_filter *filter = data->link_filter;
    struct crawl_link row = {.kind = link_kind(column_value(ctx, fields, count, 2))};
    if (ctx->ranks) {
        row.ranked = true;
        row.source_rank = ctx->ranks->source_rank;
        row.target_rank = ctx->ranks->target_rank;
        row.canonical_rank = ctx->ranks->canonical_rank;
    }
    ctx->refused = filter && filter->wants && !filter->wants(filter->context, row.kind);
    if (ctx->refused)
        return CP_OK;
    const char *source = column_value(ctx, fields, count, 0), *target = column_value(ctx, fields, count, 1);
    const char *rel = column_value(ctx, fields, count, 3);
    /* a page's links are adjacent rows: the previous row's source is this one's, mostly */
    bool same_source = ctx->last_source && strcmp(ctx->last_source->url, source) == 0;
    row.source_page = same_source ? ctx->last_source : crawl_data_find(data, source);
    ctx->last_source = row.source_page;
    row.target_page = crawl_data_find(data, target);
    row.nofollow = strstr(rel, "nofollow") != NULL;
    /* The crawl's verdict (linkgraph/analysis.h's followable edge) when links.csv has it; a folder
     * without it falls back to: a link or iframe without nofollow. */
    if (ctx->columns[4] >= 0)
        row.followable = strcmp(column_value(ctx, fields, count, 4), "1") == 0;
    else
        row.followable = (row.kind == LINK_A || row.kind == LINK_IFRAME) && !row.nofollow;
    /* found_in: an older folder has no such column, and its references read as the HTML's */
    row.from_header = strcmp(column_value(ctx, fields, count, 6), "header") == 0;
    if (filter) { /* the strings as they are, for the filter's look only */
        row.source = (char *)source, row.target = (char *)target, row.rel = (char *)rel;
        row.anchor = (char *)column_value(ctx, fields, count, 5);
        if (!filter->keep(filter->context, data, &row))
            return CP_OK;
    }
    row.source = link_url(data, source, row.source_page);
    row.target = link_url(data, target, row.target_page);
    row.rel = arena_strndup(&data->link_text, rel, SIZE_MAX);
    row.anchor = arena_strndup(&data->link_text, column_value(ctx, fields, count, 5), CRAWL_ANCHOR_MAX);
    if (!row.source || !row.target || !row.rel || !row.anchor)
        return CP_ERR_NOMEM;
    struct crawl_link *l = array_push((void **)&data->links, &data->link_count, sizeof(*l));
    if (!l)
        return CP_ERR_NOMEM;
    *l = row;
    return CP_OK;
}

static int entry_record(void *context, char **fields, size_t count, unsigned line)
{
    struct csv_context *ctx = context;
    (void)line;
    if (!ctx->have_header)
        return read_header(ctx, fields, count, entry_column_names, 4);
    struct crawl_sitemap_entry *e = array_push((void **)&ctx->data->entries, &ctx->data->entry_count, sizeof(*e));
    if (!e)
        return CP_ERR_NOMEM;
    e->url = copy_or_empty(column_value(ctx, fields, count, 0));
    e->sitemap = copy_or_empty(column_value(ctx, fields, count, 1));
    e->lastmod = copy_or_empty(column_value(ctx, fields, count, 2));
    long at = parse_long(column_value(ctx, fields, count, 3), 0); /* no column (older folder, store): 0 */
    e->line = at > 0 && at <= UINT32_MAX ? (unsigned)at : 0;
    return e->url && e->sitemap && e->lastmod ? CP_OK : CP_ERR_NOMEM;
}

static int cluster_record(void *context, char **fields, size_t count, unsigned line)
{
    struct csv_context *ctx = context;
    (void)line;
    if (!ctx->have_header)
        return read_header(ctx, fields, count, cluster_column_names, 6);
    struct crawl_cluster_row *c = array_push((void **)&ctx->data->cluster_rows, &ctx->data->cluster_row_count,
                                             sizeof(*c));
    if (!c)
        return CP_ERR_NOMEM;
    c->cluster = atol(column_value(ctx, fields, count, 0));
    c->kind = copy_or_empty(column_value(ctx, fields, count, 1));
    c->url = copy_or_empty(column_value(ctx, fields, count, 2));
    c->preferred = strcmp(column_value(ctx, fields, count, 3), "preferred") == 0;
    c->votes = copy_or_empty(column_value(ctx, fields, count, 4));
    c->internal_links = atol(column_value(ctx, fields, count, 5));
    return c->kind && c->url && c->votes ? CP_OK : CP_ERR_NOMEM;
}

/* ---- links.csv with its writer's index of the rows report.html may show ---- */

/* The header, then each row the index lists, read where it starts (with its ranks); every row the
 * file has is counted in links_read, read or not. CP_ERR_IO with errno set when path cannot be
 * opened, as csv_read_file. */
static int read_listed_rows(struct csv_context *ctx, const struct link_index *index)
{
    struct crawl_data *data = ctx->data;
    struct csv_reader *reader = csv_reader_open(ctx->path);
    if (!reader)
        return errno == ENOMEM ? CP_ERR_NOMEM : CP_ERR_IO;
    int status = csv_reader_record_at(reader, 0, link_record, ctx);
    for (size_t i = 0; status == CP_OK && ctx->have_header && i < index->count; i++) {
        size_t read_before = data->links_read;
        ctx->ranks = &index->rows[i];
        status = csv_reader_record_at(reader, index->rows[i].offset, link_record, ctx);
        if (status == CP_OK && data->links_read == read_before) {
            log_error("%s: no row at offset %llu: the file is not the one its index was made for", ctx->path,
                      (unsigned long long)index->rows[i].offset);
            status = CP_ERR_PARSE;
        }
    }
    ctx->ranks = NULL;
    data->links_read = (size_t)index->records;
    csv_reader_close(reader);
    return status;
}

/* The folder's file name, every record to callback; or with index (links.csv only) its header and
 * the rows the index lists (crawler/link_index.h): the others are rows the filter would not keep.
 * A missing file is no error (*present false). */
static int read_csv(struct crawl_data *data, const char *name, csv_record_fn callback, const struct link_index *index,
                    bool *present)
{
    char *path = path_join(data->dir, name);
    if (!path)
        return CP_ERR_NOMEM;
    struct csv_context ctx = {data, path, {0}, false, CP_OK, false, NULL};
    int status = index ? read_listed_rows(&ctx, index) : csv_read_file(path, callback, &ctx);
    if (status == CP_ERR_IO && errno == ENOENT) {
        *present = false;
        status = CP_OK;
    } else if (status == CP_ERR_IO) {
        log_error("%s: cannot read: %s", path, strerror(errno));
    } else {
        *present = ctx.have_header;
    }
    free(path);
    return status;
}

/* ---- the same rows from another source (crawl_data_rows.h) ---- */

struct crawl_rows {
    struct csv_context ctx;
    csv_record_fn record;
    enum crawl_rows_file file;
    unsigned line;
};

struct crawl_rows *crawl_rows_open(struct crawl_data *data, const char *name, enum crawl_rows_file file)
{
    struct crawl_rows *rows = calloc(1, sizeof *rows);
    if (!rows)
        return NULL;
    rows->ctx = (struct csv_context){data, name, {0}, false, CP_OK};
    rows->record = file == CRAWL_ROWS_PAGES ? page_record : file == CRAWL_ROWS_LINKS ? link_record : entry_record;
    rows->file = file;
    return rows;
}

int crawl_rows_add(struct crawl_rows *rows, const char *const *fields, size_t count)
{
    /* the record functions read the cells only (their signature is the CSV reader's) */
    return rows->record(&rows->ctx, (char **)fields, count, ++rows->line);
}

int crawl_rows_close(struct crawl_rows *rows)
{
    int status = rows->ctx.have_header ? CP_OK : CP_ERR_PARSE;
    if (status == CP_OK && rows->file == CRAWL_ROWS_PAGES)
        take_page_columns(&rows->ctx);
    if (rows->file == CRAWL_ROWS_SITEMAP_ENTRIES)
        rows->ctx.data->has_sitemaps_csv = rows->ctx.have_header;
    if (rows->file == CRAWL_ROWS_LINKS)
        rows->ctx.data->has_links = rows->ctx.have_header;
    free(rows);
    return status;
}

/* ---- findings.json and crawl.json ---- */

static char *json_text_copy(json_t *value)
{
    return json_is_string(value) ? strdup(json_string_value(value)) : NULL;
}

static long json_long(json_t *value, long missing)
{
    return json_is_integer(value) ? (long)json_integer_value(value)
           : json_is_real(value)  ? (long)json_real_value(value)
                                  : missing;
}

static json_t *load_json(const char *dir, const char *name, bool *present, int *status)
{
    char *path = path_join(dir, name);
    if (!path) {
        *status = CP_ERR_NOMEM;
        return NULL;
    }
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    *present = false;
    if (!root) {
        FILE *probe = fopen(path, "rb");
        if (probe) {
            fclose(probe);
            log_error("%s:%d:%d: not valid JSON: %s", path, error.line, error.column, error.text);
            *status = CP_ERR_PARSE;
        }
    } else if (!json_is_object(root)) {
        log_error("%s:1: expected a JSON object at the top level", path);
        json_decref(root);
        root = NULL;
        *status = CP_ERR_PARSE;
    } else {
        *present = true;
    }
    free(path);
    return root;
}

static void take_run_metadata(struct crawl_data *data, json_t *object)
{
    if (!json_is_object(object))
        return;
    if (!data->start_url)
        data->start_url = json_text_copy(json_object_get(object, "start_url"));
    if (!data->start_url) /* findings.json: run.inputs, the start URL(s) in command-line order */
        data->start_url = json_text_copy(json_array_get(json_object_get(object, "inputs"), 0));
    if (!data->started_at)
        data->started_at = json_text_copy(json_object_get(object, "started_at"));
}

/* findings.json's run.options item as the report shows it: "name=value", comma-separated */
static void append_option(struct buf *b, const char *name, const char *value)
{
    if (name)
        buf_printf(b, "%s%s=%s", b->len ? ", " : "", name, value ? value : "");
}

/* options as an object {"name": value} (crawl.json) or an array of {"name", "value"}
 * (findings.json's run.options), shown as "name=value, ...". */
static void format_options(struct crawl_data *data, json_t *options)
{
    if (data->options || !(json_is_object(options) || json_is_array(options)) ||
        (json_is_object(options) ? json_object_size(options) : json_array_size(options)) == 0)
        return;
    struct buf b = BUF_INIT;
    const char *key;
    json_t *value;
    size_t i;
    if (json_is_object(options)) {
        json_object_foreach(options, key, value)
        {
            char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
            buf_printf(&b, "%s%s=%s", b.len ? ", " : "", key, text ? text : "?");
            free(text);
        }
    } else {
        json_array_foreach(options, i, value)
        {
            const char *name = json_string_value(json_object_get(value, "name"));
            append_option(&b, name, json_string_value(json_object_get(value, "value")));
        }
    }
    data->options = buf_detach(&b);
}

static void take_partial(struct crawl_data *data, json_t *root)
{
    json_t *partial = json_object_get(root, "partial");
    const char *reason = json_is_string(partial) ? json_string_value(partial)
                                                 : json_string_value(json_object_get(partial, "reason"));
    if (!reason && json_is_true(json_object_get(root, "interrupted")))
        reason = "interrupted";
    if (!reason && json_is_true(json_object_get(root, "stopped_by_limit")))
        reason = "stopped by --max-pages or --max-duration";
    if (reason && !data->partial)
        data->partial = strdup(reason);
}

/* findings.json parsed on a second thread while the CSVs are read: on a large audit it is a
 * quarter of the folder's reading time, and the two do not share anything until it is joined. */
struct findings_preload {
    const char *dir;
    json_t *root;
    bool present, started;
    int status;
    pthread_t thread;
};

static void *preload_findings(void *arg)
{
    struct findings_preload *p = arg;
    p->root = load_json(p->dir, "findings.json", &p->present, &p->status);
    return NULL;
}

static void findings_preload_start(struct findings_preload *p, const char *dir)
{
    *p = (struct findings_preload){.dir = dir, .status = CP_OK};
    p->started = pthread_create(&p->thread, NULL, preload_findings, p) == 0;
}

/* The parsed findings.json (or NULL, with *status and *present set); the caller owns the root. */
static json_t *findings_preload_take(struct findings_preload *p, bool *present, int *status)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    else
        preload_findings(p);
    p->started = false;
    *present = p->present;
    *status = p->status;
    json_t *root = p->root;
    p->root = NULL;
    return root;
}

static int read_findings(struct crawl_data *data, struct findings_preload *preload)
{
    int status = CP_OK;
    json_t *root = findings_preload_take(preload, &data->has_findings, &status);
    if (!root)
        return status;
    take_run_metadata(data, json_object_get(root, "run"));
    take_partial(data, json_object_get(root, "run"));
    data->findings_run_id = json_text_copy(json_object_get(json_object_get(root, "run"), "run_id"));
    format_options(data, json_object_get(json_object_get(root, "run"), "options"));
    json_t *summary = json_object_get(root, "summary");
    data->indexable_reported = json_long(json_object_get(summary, "indexable"), -1);
    data->pages_reported = json_long(json_object_get(summary, "pages"), -1);
    char *path = path_join(data->dir, "findings.json");
    struct buf error = BUF_INIT;
    status = path ? findings_json_read(path, root, &data->findings, &data->unknown_rule_findings, &error)
                  : CP_ERR_NOMEM;
    if (status != CP_OK && status != CP_ERR_NOMEM)
        log_error("%s", buf_str(&error));
    buf_free(&error);
    free(path);
    json_decref(root);
    return status;
}

/* What read_findings takes from findings.json, from the list and context it was rendered from. */
static int take_findings(struct crawl_data *data, const struct report_findings *given)
{
    const struct report_context *ctx = given->context;
    char started[32];
    data->has_findings = true;
    if (!data->start_url && ctx->input_count)
        data->start_url = strdup(ctx->inputs[0]);
    if (!data->started_at && ctx->started_at)
        data->started_at = strdup(report_format_time(ctx, 0, true, started));
    if (!data->partial && ctx->partial)
        data->partial = strdup(ctx->partial);
    data->findings_run_id = ctx->run_id ? strdup(ctx->run_id) : NULL;
    if (!data->options && ctx->option_count) {
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < ctx->option_count; i++)
            append_option(&b, ctx->options[i].name, ctx->options[i].value);
        data->options = buf_detach(&b);
    }
    data->indexable_reported = ctx->has_page_counts ? (long)ctx->indexable : -1;
    data->pages_reported = ctx->has_page_counts ? (long)ctx->pages : -1;
    /* The findings as they are: their strings are read in place (the audit keeps its list until
     * the report is written), only the items are copied. */
    size_t count = given->list->count;
    struct finding *items = malloc((count ? count : 1) * sizeof *items);
    if (!items)
        return CP_ERR_NOMEM;
    if (count)
        memcpy(items, given->list->items, count * sizeof *items);
    findings_free(&data->findings);
    data->findings = (struct finding_list){items, count, count, NULL};
    data->findings_borrowed = true;
    return CP_OK;
}

static void read_robots(struct crawl_data *data, json_t *robots)
{
    /* Either an array of {origin, ...} or an object keyed by origin. */
    size_t count = json_is_array(robots) ? json_array_size(robots) : json_object_size(robots);
    const char *key = NULL;
    void *iter = json_is_object(robots) ? json_object_iter(robots) : NULL;
    for (size_t i = 0; i < count; i++) {
        json_t *item;
        if (json_is_array(robots)) {
            item = json_array_get(robots, i);
            key = json_string_value(json_object_get(item, "origin"));
        } else {
            key = json_object_iter_key(iter);
            item = json_object_iter_value(iter);
            iter = json_object_iter_next(robots, iter);
        }
        struct crawl_robots *r = array_push((void **)&data->robots, &data->robots_count, sizeof(*r));
        if (!r)
            return;
        r->origin = copy_or_empty(key);
        r->status = (int)json_long(json_object_get(item, "status"), -1);
        r->bytes = json_long(json_object_get(item, "bytes"), -1);
        if (r->bytes < 0)
            r->bytes = json_long(json_object_get(item, "size"), -1);
        r->outcome = copy_or_empty(json_string_value(json_object_get(item, "outcome")));
    }
}

static void read_sitemap_files(struct crawl_data *data, json_t *sitemaps)
{
    size_t i;
    json_t *item;
    json_array_foreach(sitemaps, i, item)
    {
        const char *url = json_string_value(json_object_get(item, "url"));
        if (!url)
            continue;
        struct crawl_sitemap_file *s = array_push((void **)&data->sitemap_files, &data->sitemap_file_count, sizeof(*s));
        if (!s)
            return;
        s->url = strdup(url);
        s->urls = json_long(json_object_get(item, "urls"), -1);
        s->bytes = json_long(json_object_get(item, "bytes"), -1);
    }
}

/* The crawl's data files must be those crawl.json lists for its run, at the size it recorded: a
 * file another run wrote (or one copied in) then differs or is missing from the list. */
static int check_run_files(struct crawl_data *data, json_t *files)
{
    static const char *const names[] = {"pages.csv", "links.csv", "sitemaps.csv", "clusters.csv"};
    int status = CP_OK;
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        char *path = path_join(data->dir, names[n]);
        struct stat st;
        bool present = path && stat(path, &st) == 0;
        free(path);
        if (!present)
            continue;
        long recorded = -1;
        size_t i;
        json_t *item;
        json_array_foreach(files, i, item)
        {
            const char *name = json_string_value(json_object_get(item, "name"));
            if (name && strcmp(name, names[n]) == 0)
                recorded = json_long(json_object_get(item, "bytes"), -1);
        }
        if (recorded == (long)st.st_size)
            continue;
        if (recorded < 0)
            log_error("%s/%s: not a file of run %s (crawl.json does not list it): the folder mixes runs; "
                      "audit again into an empty folder",
                      data->dir, names[n], data->run_id);
        else
            log_error("%s/%s: %lld bytes, but run %s wrote %ld (crawl.json): the folder mixes runs; "
                      "audit again into an empty folder",
                      data->dir, names[n], (long long)st.st_size, data->run_id, recorded);
        status = CP_ERR_INVALID;
    }
    return status;
}

static int check_one_run(struct crawl_data *data)
{
    if (!data->run_id || !data->has_findings)
        return CP_OK;
    if (data->findings_run_id && strcmp(data->findings_run_id, data->run_id) == 0)
        return CP_OK;
    log_error("%s/findings.json: from run %s, but crawl.json is from run %s: the folder mixes runs; audit again "
              "into an empty folder",
              data->dir, data->findings_run_id ? data->findings_run_id : "(none recorded)", data->run_id);
    return CP_ERR_INVALID;
}

static int read_crawl_json(struct crawl_data *data)
{
    int status = CP_OK;
    json_t *root = load_json(data->dir, "crawl.json", &data->has_crawl_json, &status);
    if (!root)
        return status;
    take_run_metadata(data, root);
    take_run_metadata(data, json_object_get(root, "run"));
    take_partial(data, root);
    data->run_id = json_text_copy(json_object_get(root, "run_id"));
    if (data->run_id)
        status = check_run_files(data, json_object_get(root, "files"));
    format_options(data, json_object_get(root, "options"));
    read_robots(data, json_object_get(root, "robots"));
    read_sitemap_files(data, json_object_get(root, "sitemaps"));
    json_decref(root);
    return status;
}

int crawl_data_load(const char *dir, struct crawl_data *data)
{
    return crawl_data_load_filtered(dir, NULL, data);
}

/* At least the rows of the CSV file at path (0 when it cannot be read): its lines (a quoted field
 * may hold a line break, so a row may span lines), and no more than a row of empty columns each
 * would fill (a file of blank lines reserves nothing it could not hold). */
static size_t count_rows(const char *path, size_t columns)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buffer[1 << 16];
    size_t lines = 0, bytes = 0;
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
        const char *end = buffer + (n > 0 ? n : 0);
        bytes += (size_t)(end - buffer);
        for (const char *at = buffer; (at = memchr(at, '\n', (size_t)(end - at))); at++)
            lines++;
    }
    close(fd);
    return lines < bytes / columns ? lines : bytes / columns;
}

/* pages.csv (at pages_path, in the folder dir) into data, whose index is its own or the crawl's
 * graph it borrows (dropped, and the file read again, at a URL that graph lacks). */
static int read_pages(struct crawl_data *data, const char *pages_path, const char *dir)
{
    struct csv_context ctx = {data, pages_path, {0}, false, CP_OK};
    /* The crawl's pages.csv has a row per node of its graph; another's rows are counted. */
    size_t rows = data->crawl_graph ? graph_node_count(data->crawl_graph) : count_rows(pages_path, COL_COUNT);
    if (data->crawl_graph) {
        if (!(data->node_rows = malloc((rows ? rows : 1) * sizeof *data->node_rows)))
            return CP_ERR_NOMEM;
        memset(data->node_rows, 0xFF, rows * sizeof *data->node_rows); /* UINT32_MAX: no row */
    }
    /* Allocated once where it can be (the rows then grow as they come): grown by doubling, 298,000
     * rows (a 200,000-page audit) took 88 MB where they need 50, and 132 MB while the array moved,
     * at the moment an audit's memory peaks (its report is read while its findings are made). */
    (void)array_reserve((void **)&data->pages, &data->page_capacity, 0, rows, sizeof *data->pages);
    int status = csv_read_file(pages_path, page_record, &ctx);
    if (ctx.unknown_url) {
        log_warn("%s: a URL the crawl that wrote it does not know: read with an index of its own", pages_path);
        data->crawl_graph = NULL;
        free(data->node_rows);
        data->node_rows = NULL;
        arena_free(&data->page_text);
        data->page_count = 0;
        return read_pages(data, pages_path, dir);
    }
    if (status == CP_ERR_IO)
        log_error("%s: cannot read: %s (is %s a crawl output folder?)", pages_path, strerror(errno), dir);
    else if (status == CP_OK && !ctx.have_header) {
        log_error("%s:1: empty file: expected a header row starting with url", pages_path);
        status = CP_ERR_PARSE;
    } else if (status == CP_OK) {
        take_page_columns(&ctx);
    }
    return status;
}

/* The folder's files; findings.json too unless with_findings_json is false (its parse is then not
 * started: the caller's findings come from crawl_data_take_findings). */
static int load_files(const char *dir, const struct crawl_link_filter *filter, const struct link_index *links_index,
                      const struct graph *crawl_graph, bool with_findings_json, struct crawl_data *data)
{
    memset(data, 0, sizeof(*data));
    data->link_filter = filter;
    data->crawl_graph = crawl_graph;
    data->indexable_reported = -1;
    data->pages_reported = -1;
    data->dir = strdup(dir);
    if (!data->dir)
        return CP_ERR_NOMEM;
    bool present = false;
    struct findings_preload preload = {0};
    if (with_findings_json)
        findings_preload_start(&preload, data->dir);
    char *pages_path = path_join(dir, "pages.csv");
    int status = pages_path ? read_pages(data, pages_path, dir) : CP_ERR_NOMEM;
    free(pages_path);
    if (status == CP_OK)
        status = read_csv(data, "links.csv", link_record,
                          filter && links_index && links_index->complete ? links_index : NULL, &present);
    data->has_links = present;
    if (status == CP_OK)
        status = read_csv(data, "sitemaps.csv", entry_record, NULL, &present);
    data->has_sitemaps_csv = present;
    if (status == CP_OK)
        status = read_csv(data, "clusters.csv", cluster_record, NULL, &present);
    data->has_clusters_csv = present;
    /* crawl.json first: its run metadata and options are the fuller ones */
    if (status == CP_OK)
        status = read_crawl_json(data);
    if (!with_findings_json)
        return status;
    if (status == CP_OK)
        status = read_findings(data, &preload);
    else /* joined, and its result dropped */
        json_decref(findings_preload_take(&preload, &present, &(int){0}));
    if (status == CP_OK)
        status = check_one_run(data);
    return status;
}

int crawl_data_load_filtered(const char *dir, const struct crawl_link_filter *filter, struct crawl_data *data)
{
    return load_files(dir, filter, NULL, NULL, true, data);
}

int crawl_data_load_files(const char *dir, const struct crawl_link_filter *filter, const struct link_index *links_index,
                          const struct graph *crawl_graph, struct crawl_data *data)
{
    return load_files(dir, filter, links_index, crawl_graph, false, data);
}

int crawl_data_take_findings(struct crawl_data *data, const struct report_findings *findings)
{
    int status = take_findings(data, findings);
    return status == CP_OK ? check_one_run(data) : status;
}

const struct crawl_page *crawl_data_find(const struct crawl_data *data, const char *url)
{
    if (data->crawl_graph) {
        uint32_t node = url && data->node_rows ? graph_find(data->crawl_graph, url, strlen(url)) : GRAPH_NO_NODE;
        uint32_t row = node != GRAPH_NO_NODE ? data->node_rows[node] : UINT32_MAX;
        return row < data->page_count ? &data->pages[row] : NULL;
    }
    uint32_t node = url && data->index ? graph_find(data->index, url, strlen(url)) : GRAPH_NO_NODE;
    return node != GRAPH_NO_NODE && node < data->page_count ? &data->pages[node] : NULL;
}

void crawl_data_free(struct crawl_data *data)
{
    free(data->run_id);
    free(data->findings_run_id);
    graph_destroy(data->index);
    data->index = NULL;
    free(data->node_rows);
    data->node_rows = NULL;
    free(data->pages);
    arena_free(&data->page_text);
    free(data->links);
    arena_free(&data->link_text);
    for (size_t i = 0; i < data->entry_count; i++)
        free(data->entries[i].sitemap), free(data->entries[i].url), free(data->entries[i].lastmod);
    free(data->entries);
    for (size_t i = 0; i < data->cluster_row_count; i++)
        free(data->cluster_rows[i].kind), free(data->cluster_rows[i].url), free(data->cluster_rows[i].votes);
    free(data->cluster_rows);
    for (size_t i = 0; i < data->sitemap_file_count; i++)
        free(data->sitemap_files[i].url);
    free(data->sitemap_files);
    for (size_t i = 0; i < data->robots_count; i++)
        free(data->robots[i].origin), free(data->robots[i].outcome);
    free(data->robots);
    if (data->findings_borrowed)
        free(data->findings.items);
    else
        findings_free(&data->findings);
    free(data->dir), free(data->store_path), free(data->start_url), free(data->started_at), free(data->options),
        free(data->partial);
    memset(data, 0, sizeof(*data));
}

/* ---- page classification ---- */

bool crawl_content_type_is_html(const char *content_type)
{
    return content_type_is_html(content_type);
}

bool crawl_page_has_noindex(const struct crawl_page *page)
{
    /* robots_directives holds meta robots and X-Robots-Tag values; "none" means noindex,nofollow. */
    for (const char *p = page->robots_directives; *p;) {
        while (*p == ' ' || *p == ',' || *p == ';')
            p++;
        size_t n = strcspn(p, " ,;");
        if ((n == 7 && strncasecmp(p, "noindex", 7) == 0) || (n == 4 && strncasecmp(p, "none", 4) == 0))
            return true;
        p += n;
    }
    return false;
}

/* Whether the audit's verdict (pages.csv's not_indexable_reasons) names reason: 1 or 0, or -1 when
 * the folder does not carry the verdict (a hand-made or older folder: the caller derives it). */
static int verdict_says(const struct crawl_page *page, const char *reason)
{
    if (!page->not_indexable_reasons)
        return -1;
    size_t length = strlen(reason);
    for (const char *p = page->not_indexable_reasons; *p;) {
        size_t n = strcspn(p, ",");
        if (n == length && strncmp(p, reason, n) == 0)
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

bool crawl_page_is_blocked(const struct crawl_page *page)
{
    int said = verdict_says(page, "robots-blocked");
    if (said >= 0)
        return said;
    return strncmp(page->error, "robots", 6) == 0 || strncmp(page->error, "blocked", 7) == 0;
}

bool crawl_page_is_not_fetched(const struct crawl_page *page)
{
    /* An out-of-scope URL is not fetched unless --check-external fetched it: the row's error says. */
    return verdict_says(page, "not-crawled") == 1 || strncmp(page->error, "not fetched", 11) == 0;
}

bool crawl_page_canonical_elsewhere(const struct crawl_page *page)
{
    int said = verdict_says(page, "canonicalised");
    if (said >= 0)
        return said;
    return *page->canonical && strcmp(page->canonical, page->url) != 0;
}

bool crawl_page_is_indexable(const struct crawl_page *page)
{
    if (page->indexable >= 0)
        return page->indexable == 1;
    return page->status == 200 && crawl_content_type_is_html(page->content_type) && !crawl_page_has_noindex(page) &&
           !crawl_page_canonical_elsewhere(page) && !crawl_page_is_blocked(page);
}

/* Each test reads the audit's verdict when the folder has it, else the row's raw columns. */
static bool says_noindex(const struct crawl_page *p)
{
    int meta = verdict_says(p, "noindex-meta");
    return meta >= 0 ? meta || verdict_says(p, "noindex-header") : crawl_page_has_noindex(p);
}

static bool says_non_html(const struct crawl_page *p)
{
    int said = verdict_says(p, "non-html");
    return said >= 0 ? said : !crawl_content_type_is_html(p->content_type);
}

int crawl_page_explain_not_indexable(const struct crawl_page *p, struct buf *out)
{
    if (crawl_page_is_blocked(p))
        return buf_append_str(out, "blocked by robots.txt");
    if (crawl_page_is_not_fetched(p))
        return buf_append_str(out, *p->error ? p->error : "not fetched");
    if (p->status == 0)
        return buf_printf(out, "network error (%s)", *p->error ? p->error : "unknown");
    if (p->status >= 300 && p->status < 400)
        return buf_printf(out, "redirects (%d) to %s", p->status, *p->redirect_to ? p->redirect_to : "?");
    if (p->status != 200)
        return buf_printf(out, "returns %d", p->status);
    if (says_noindex(p)) /* the directives in brackets only when they say more */
        return strcmp(p->robots_directives, "noindex") == 0 || !*p->robots_directives
                   ? buf_append_str(out, "noindex")
                   : buf_printf(out, "noindex (%s)", p->robots_directives);
    if (crawl_page_canonical_elsewhere(p))
        return buf_printf(out, "canonicalised to %s", *p->canonical ? p->canonical : "another URL");
    if (says_non_html(p))
        return buf_printf(out, "not HTML (%s)", *p->content_type ? p->content_type : "no content type");
    return buf_append_str(out, "marked not indexable by the audit");
}
