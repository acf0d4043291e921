/* SPDX-License-Identifier: Apache-2.0 */
/* reports/crawl_data_store: a run of the crawl store read into struct crawl_data, the structure the
 * folder reader fills (see crawl_data_load_run in crawl_data.h). Rows go through the folder
 * reader's own row functions (crawl_data_rows.h), so a page means the same from either source. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "reports/crawl_data.h"
#include "reports/crawl_data_rows.h"
#include "linkgraph/graph.h"
#include "store/store_history.h"

static int add_row(void *context, const char *const *fields, size_t count)
{
    return crawl_rows_add(context, fields, count);
}

/* One table's rows through the matching folder reader, header first. */
static int read_rows(struct store_reader *reader, int64_t run, struct crawl_data *data, enum crawl_rows_file file,
                     const char *name)
{
    static const char *const entry_header[] = {"url", "sitemap", "lastmod"};
    struct crawl_rows *rows = crawl_rows_open(data, name, file);
    if (!rows)
        return CP_ERR_NOMEM;
    int status;
    if (file == CRAWL_ROWS_PAGES) {
        status = crawl_rows_add(rows, store_page_fact_columns, STORE_PAGE_FACT_COLUMNS);
        if (status == CP_OK)
            status = store_reader_page_facts(reader, run, add_row, rows);
    } else {
        status = crawl_rows_add(rows, entry_header, 3);
        if (status == CP_OK)
            status = store_reader_sitemap_entries(reader, run, add_row, rows);
    }
    int closed = crawl_rows_close(rows);
    return status != CP_OK ? status : closed;
}

/* ---- links ---- */

/* A stored edge as a links.csv row. The store keeps what the graph keeps: no anchor, and of rel
 * only the tokens search engines read (nofollow, ugc, sponsored, from the edge's bits); no
 * followable column, so the reader's rule for folders without one applies. */
static int add_link(void *context, const char *const *fields, size_t count)
{
    if (count != 4)
        return CP_ERR_INVALID;
    unsigned meta = (unsigned)strtoul(fields[3], NULL, 10);
    char rel[GRAPH_REL_TEXT_SIZE];
    graph_edge_rel_text((uint8_t)meta, rel, sizeof rel);
    const char *row[] = {fields[0], fields[1], fields[2], rel, "", meta & GRAPH_EDGE_FROM_HEADER ? "header" : "html"};
    return crawl_rows_add(context, row, 6);
}

static int read_links(struct store_reader *reader, int64_t run, struct crawl_data *data, const char *name)
{
    static const char *const header[] = {"source", "target", "kind", "rel", "anchor", "found_in"};
    struct crawl_rows *rows = crawl_rows_open(data, name, CRAWL_ROWS_LINKS);
    if (!rows)
        return CP_ERR_NOMEM;
    int status = crawl_rows_add(rows, header, 6);
    if (status == CP_OK)
        status = store_reader_links(reader, run, add_link, rows);
    int closed = crawl_rows_close(rows);
    return status != CP_OK ? status : closed;
}

/* ---- findings ---- */

struct finding_reader {
    struct crawl_data *data;
    size_t index;
};

static int add_related(struct finding *f, const char *related, bool *valid)
{
    json_error_t error;
    json_t *array = json_loads(related, 0, &error);
    *valid = json_is_array(array);
    size_t i;
    json_t *value;
    int status = CP_OK;
    json_array_foreach(array, i, value)
    {
        if (!json_is_string(value))
            *valid = false;
        else if (status == CP_OK)
            status = finding_add_related(f, json_string_value(value));
    }
    json_decref(array);
    return status;
}

static int add_finding(void *context, const struct store_finding *stored)
{
    struct finding_reader *reader = context;
    size_t index = reader->index++;
    const struct rule *rule = rule_find(stored->rule);
    if (!rule) {
        log_warn("%s: finding %zu: rule \"%s\" is unknown to this version; ignored", reader->data->dir, index,
                 stored->rule);
        reader->data->unknown_rule_findings++;
        return CP_OK;
    }
    struct finding *f = findings_add(&reader->data->findings, rule->symbol, stored->url, stored->source, stored->line,
                                     "%s", stored->message);
    if (!f)
        return CP_ERR_NOMEM;
    bool valid = true;
    if (stored->related_json && add_related(f, stored->related_json, &valid) != CP_OK)
        return CP_ERR_NOMEM;
    if (!valid) {
        log_error("%s: finding %zu: related is not a JSON array of strings: the store is damaged", reader->data->dir,
                  index);
        return CP_ERR_INVALID;
    }
    return CP_OK;
}

/* ---- the run ---- */

static int take_run(const struct store_reader *reader, const struct store_run_row *run, struct crawl_data *data)
{
    struct buf dir = BUF_INIT;
    buf_printf(&dir, "%s (run %lld)", store_reader_path(reader), (long long)run->id);
    data->dir = buf_detach(&dir);
    data->store_path = strdup(store_reader_path(reader));
    data->start_url = strdup(run->site);
    data->started_at = strdup(run->started_at);
    data->run_id = run->run_id ? strdup(run->run_id) : NULL;
    data->pages_reported = run->pages >= 0 ? (long)run->pages : -1;
    data->indexable_reported = run->indexable >= 0 ? (long)run->indexable : -1;
    data->has_findings = strcmp(run->command, "audit") == 0; /* a crawl's findings were never measured */
    if (data->has_findings && run->run_id)
        data->findings_run_id = strdup(run->run_id);
    if (!store_run_row_complete(run))
        data->partial = strdup(strcmp(run->state, "interrupted") == 0 ? "interrupted" : "not finished");
    bool missing = !data->dir || !data->store_path || !data->start_url || !data->started_at ||
                   (run->run_id && !data->run_id) || (data->has_findings && run->run_id && !data->findings_run_id) ||
                   (!store_run_row_complete(run) && !data->partial);
    return missing ? CP_ERR_NOMEM : CP_OK;
}

int crawl_data_load_run(struct store_reader *reader, const struct store_run_row *run,
                        const struct crawl_link_filter *filter, struct crawl_data *data)
{
    memset(data, 0, sizeof *data);
    data->link_filter = filter;
    int status = take_run(reader, run, data);
    struct buf pages = BUF_INIT, entries = BUF_INIT, links = BUF_INIT;
    if (status == CP_OK && (buf_printf(&pages, "%s page_facts", data->dir) != CP_OK ||
                            buf_printf(&entries, "%s sitemap_entries", data->dir) != CP_OK ||
                            buf_printf(&links, "%s links", data->dir) != CP_OK))
        status = CP_ERR_NOMEM;
    if (status == CP_OK)
        status = read_rows(reader, run->id, data, CRAWL_ROWS_PAGES, buf_str(&pages));
    if (status == CP_OK)
        status = read_rows(reader, run->id, data, CRAWL_ROWS_SITEMAP_ENTRIES, buf_str(&entries));
    if (status == CP_OK) /* after the pages: a link's ends are looked up among them */
        status = read_links(reader, run->id, data, buf_str(&links));
    if (status == CP_OK && data->has_findings) {
        struct finding_reader findings = {data, 0};
        status = store_reader_findings(reader, run->id, add_finding, &findings);
    }
    if (status != CP_OK && status != CP_ERR_NOMEM && store_reader_error(reader)[0])
        log_error("%s", store_reader_error(reader));
    buf_free(&pages);
    buf_free(&entries);
    buf_free(&links);
    return status;
}
