/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_output: pages.csv, links.csv and crawl.json (see crawl_output.h). */
#include "crawler/crawl_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "web/extract.h"
#include "web/http_get.h"
#include "linkgraph/analysis.h"
#include "linkgraph/clusters.h"
#include "linkgraph/graph.h"
#include "common/csv.h"
#include "sitemap/datetime.h"
#include "store/store.h"

static FILE *open_in(const char *dir, const char *name, char *path, size_t path_size, char *error, size_t error_size)
{
    snprintf(path, path_size, "%s/%s", dir, name);
    FILE *file = fopen(path, "w");
    if (!file)
        snprintf(error, error_size, "cannot write %s: %s", path, strerror(errno));
    return file;
}

/* Files are written under a temporary name and renamed, so a reader never sees half a file. */
static int finish_file(FILE *file, const char *temporary, const char *dir, const char *name, char *error,
                       size_t error_size)
{
    char final_path[4096];
    snprintf(final_path, sizeof(final_path), "%s/%s", dir, name);
    bool failed = ferror(file) != 0;
    if (fclose(file) != 0 || failed || rename(temporary, final_path) != 0) {
        snprintf(error, error_size, "cannot write %s: %s", final_path, strerror(errno));
        remove(temporary);
        return CP_ERR_IO;
    }
    return CP_OK;
}

#define LINKS_BUFFER_SIZE (1 << 18)

static int open_links(const char *dir, struct crawl_options *options, char *error, size_t error_size)
{
    char path[4096];
    FILE *out = open_in(dir, "links.csv.tmp", path, sizeof(path), error, error_size); /* renamed by _finish */
    if (!out)
        return CP_ERR_IO;
    /* One thread writes it, a row per link (a million on a large site): without stdio's lock per
     * call and with a larger buffer, writing it costs half as much. glibc sizes a buffer it
     * allocates itself by the file system's block (4 KB): this one is ours, freed with the file. */
    __fsetlocking(out, FSETLOCKING_BYCALLER);
    options->links_buffer = malloc(LINKS_BUFFER_SIZE);
    if (options->links_buffer)
        setvbuf(out, options->links_buffer, _IOFBF, LINKS_BUFFER_SIZE);
    fputs(options->render ? "source,target,kind,rel,anchor,followable,rendered,found_in\r\n"
                          : "source,target,kind,rel,anchor,followable,found_in\r\n",
          out);
    options->links_out = out;
    return CP_OK;
}

bool crawl_output_close_links(struct crawl_options *options)
{
    bool ok = !options->links_out || fclose(options->links_out) == 0;
    free(options->links_buffer);
    options->links_out = NULL;
    options->links_buffer = NULL;
    return ok;
}

void crawl_output_link_row(FILE *out, const char *source, const char *target, const char *kind, const char *rel,
                           const char *anchor, bool followable, int rendered, bool from_header)
{
    const char *cells[] = {source, target, kind, rel, anchor};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (i)
            putc(',', out);
        csv_write_field(out, cells[i]);
    }
    fputs(followable ? ",1" : ",0", out);
    if (rendered >= 0)
        fputs(rendered ? ",1" : ",0", out);
    fputs(from_header ? ",header\r\n" : ",html\r\n", out);
}

static const char *version_text(uint8_t version)
{
    switch (version) {
    case 10: return "1.0";
    case 11: return "1.1";
    case 20: return "2";
    case 30: return "3";
    default: return "";
    }
}

static const char *why_not_fetched(const struct crawl_page *page, uint16_t node_flags)
{
    if (page->flags & CRAWL_PAGE_TRAPPED)
        return "not fetched: its path template passed --max-per-template (crawl trap)";
    if (page->flags & CRAWL_PAGE_ORIGIN_ABANDONED)
        return "not fetched: its origin was given up after repeated failures (origin-abandoned)";
    if (page->flags & CRAWL_PAGE_NOT_FETCHED_LIMIT)
        return "not fetched: the crawl stopped first (--max-pages, --max-duration or interrupted)";
    if (!(node_flags & GRAPH_NODE_IN_SCOPE))
        return "not fetched: out of scope";
    if (page->flags & CRAWL_PAGE_BEYOND_DEPTH)
        return "not fetched: beyond --max-depth";
    return "not fetched: beyond --max-depth, or only reached through links not followed";
}

/* One pages.csv row as text, the cells in store_page_fact_columns order: what pages.csv and the
 * store's page_facts table are both written from, in the same loop. */
struct page_row {
    const char *fields[STORE_PAGE_FACT_COLUMNS];
    char status[8], depth[16], size[16], ttfb[32], total[32], in_sitemap[4], inlinks[16], outlinks[16];
    char hsts[4], analytics[160], dropped[16], indexable[4], reasons[160], score[16];
};

/* The analysis's verdict and link score: indexable (1/0), the reasons a page is not
 * (graph_verdict_describe's names, comma-separated) and the 0-100 link score of an in-scope page
 * (empty out of scope, where the score means nothing). */
static void page_facts(struct page_row *row, const struct graph_analysis *analysis, const struct graph_node *node,
                       uint32_t id)
{
    graph_verdict_describe(analysis->verdict[id], row->reasons, sizeof row->reasons);
    snprintf(row->indexable, sizeof row->indexable, "%d", analysis->verdict[id] == 0 ? 1 : 0);
    if (node->flags & GRAPH_NODE_IN_SCOPE)
        snprintf(row->score, sizeof row->score, "%u", analysis->link_score[id]);
    row->fields[20] = row->indexable;
    row->fields[21] = row->reasons;
    row->fields[22] = row->score;
}

static void analytics_text(uint32_t analytics, char *dst, size_t size)
{
    size_t used = 0;
    for (uint32_t bit = 1; bit && bit <= analytics && used < size; bit <<= 1)
        if (analytics & bit)
            used += (size_t)snprintf(dst + used, size - used, "%s%s", used ? " " : "",
                                     extract_analytics_name((enum extract_analytics)bit));
}

static void page_row_fill(struct page_row *row, const struct crawl_result *r, const struct graph_analysis *links,
                          uint32_t id)
{
    memset(row, 0, sizeof *row);
    const struct graph *g = r->graph;
    const struct graph_node *node = graph_node(g, id);
    const struct crawl_page *page = &r->pages[id];
    bool fetched = page->flags & CRAWL_PAGE_FETCHED;
    if (fetched && page->status)
        snprintf(row->status, sizeof row->status, "%u", page->status);
    if (links->depth_followable[id] != GRAPH_UNREACHED)
        snprintf(row->depth, sizeof row->depth, "%u", links->depth_followable[id]);
    if (fetched) {
        snprintf(row->size, sizeof row->size, "%u", page->size);
        snprintf(row->ttfb, sizeof row->ttfb, "%.1f", page->ttfb_ms);
        snprintf(row->total, sizeof row->total, "%.1f", page->total_ms);
    }
    snprintf(row->in_sitemap, sizeof row->in_sitemap, "%d", node->sitemap_first != GRAPH_NO_NODE ? 1 : 0);
    snprintf(row->inlinks, sizeof row->inlinks, "%u", links->inlinks[id]);
    snprintf(row->outlinks, sizeof row->outlinks, "%u", links->outlinks[id]);
    snprintf(row->hsts, sizeof row->hsts, "%d", (page->flags & CRAWL_PAGE_HSTS) ? 1 : 0);
    analytics_text(page->analytics, row->analytics, sizeof row->analytics);
    if (fetched && page->links_dropped)
        snprintf(row->dropped, sizeof row->dropped, "%u", page->links_dropped);
    const char *error = crawl_page_text(page, CRAWL_TEXT_ERROR);
    const char *fields[] = {
        graph_url(g, id, NULL),
        row->status,
        crawl_page_text(page, CRAWL_TEXT_CONTENT_TYPE),
        row->depth,
        row->size,
        row->ttfb,
        row->total,
        node->redirect != GRAPH_NO_NODE ? graph_url(g, node->redirect, NULL) : NULL,
        node->canonical != GRAPH_NO_NODE ? graph_url(g, node->canonical, NULL)
                                         : crawl_page_text(page, CRAWL_TEXT_CANONICAL),
        crawl_page_text(page, CRAWL_TEXT_ROBOTS),
        row->in_sitemap,
        row->inlinks,
        row->outlinks,
        crawl_page_text(page, CRAWL_TEXT_TITLE),
        error[0] || fetched ? error : why_not_fetched(page, node->flags),
        version_text(page->http_version),
        crawl_page_text(page, CRAWL_TEXT_ENCODING),
        row->hsts,
        row->analytics,
        row->dropped,
    };
    memcpy(row->fields, fields, sizeof fields);
    page_facts(row, links, node, id);
}

/* Rows in click-depth order (unreached pages last), then by URL: stable across runs. */
static const struct crawl_result *sort_result;
static const uint32_t *sort_depth;

static int compare_rows(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t dx = sort_depth[x], dy = sort_depth[y];
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return strcmp(graph_url(sort_result->graph, x, NULL), graph_url(sort_result->graph, y, NULL));
}

int crawl_output_pages(const char *dir, const struct crawl_result *r, const struct graph_analysis *analysis,
                       struct store *store, char *error, size_t error_size)
{
    char path[4096];
    uint32_t count = graph_node_count(r->graph);
    if (analysis->node_count != count) {
        snprintf(error, error_size, "cannot write %s/pages.csv: the analysis is not this crawl's", dir);
        return CP_ERR_INVALID;
    }
    uint32_t *order = malloc((count ? count : 1) * sizeof(*order));
    if (!order) {
        snprintf(error, error_size, "cannot write %s/pages.csv: %s", dir, cp_strerror(CP_ERR_NOMEM));
        return CP_ERR_NOMEM;
    }
    FILE *out = open_in(dir, "pages.csv.tmp", path, sizeof(path), error, error_size);
    if (!out) {
        free(order);
        return CP_ERR_IO;
    }
    csv_write_record(out, store_page_fact_columns, STORE_PAGE_FACT_COLUMNS);
    for (uint32_t i = 0; i < count; i++)
        order[i] = i;
    sort_result = r; /* output runs on one thread after the crawl */
    sort_depth = analysis->depth_followable;
    qsort(order, count, sizeof(*order), compare_rows);
    struct page_row row;
    for (uint32_t i = 0; i < count; i++) {
        page_row_fill(&row, r, analysis, order[i]);
        csv_write_record(out, row.fields, STORE_PAGE_FACT_COLUMNS);
        if (store)
            store_put_page_facts(store, row.fields);
    }
    free(order);
    return finish_file(out, path, dir, "pages.csv", error, error_size);
}

static void write_options(struct json_writer *w, const struct crawl_options *o, const struct crawl_result *r)
{
    json_key(w, "options");
    json_begin_object(w);
    json_key(w, "start_url"), json_string(w, o->start_url);
    json_key(w, "root"), json_string(w, o->root_dir);
    json_key(w, "site_url"), json_string(w, o->site_url);
    json_key(w, "concurrency"), json_int(w, r->concurrency);
    json_key(w, "per_host"), json_int(w, r->per_host);
    json_key(w, "rate"), json_double(w, r->rate); /* 0: unlimited */
    json_key(w, "threads"), json_int(w, r->threads);
    json_key(w, "ignore_robots"), json_bool(w, o->ignore_robots);
    json_key(w, "respect_crawl_delay"), json_bool(w, o->respect_crawl_delay);
    json_key(w, "subdomains"), json_bool(w, o->subdomains);
    json_key(w, "check_external"), json_bool(w, o->check_external);
    json_key(w, "max_depth"), json_int(w, o->max_depth);
    json_key(w, "max_pages"), json_int(w, o->max_pages);
    json_key(w, "max_per_template"),
        json_uint(w, o->max_per_template ? o->max_per_template : FRONTIER_DEFAULT_MAX_PER_TEMPLATE);
    json_key(w, "max_url_length"), json_uint(w, o->max_url_length ? o->max_url_length : URL_DEFAULT_MAX_LENGTH);
    json_key(w, "max_links_per_page"),
        json_uint(w, o->max_links_per_page ? o->max_links_per_page : EXTRACT_DEFAULT_MAX_LINKS);
    json_key(w, "max_parse_ms"), json_uint(w, o->max_parse_ms ? o->max_parse_ms : EXTRACT_DEFAULT_MAX_PARSE_MS);
    json_key(w, "max_body"), json_uint(w, o->fetch.max_body ? o->fetch.max_body : FETCH_DEFAULT_MAX_BODY);
    json_key(w, "connect_timeout_ms"),
        json_int(w, o->fetch.connect_timeout_ms ? o->fetch.connect_timeout_ms : FETCH_DEFAULT_CONNECT_TIMEOUT_MS);
    json_key(w, "max_time_ms"),
        json_int(w, o->fetch.total_timeout_ms ? o->fetch.total_timeout_ms : FETCH_DEFAULT_TOTAL_TIMEOUT_MS);
    json_key(w, "max_duration_ms"), json_int(w, o->max_duration_ms);
    json_key(w, "user_agent"), json_string(w, o->fetch.user_agent ? o->fetch.user_agent : HTTP_GET_DEFAULT_USER_AGENT);
    json_key(w, "cacert"), json_string(w, o->fetch.tls.ca_file);
    json_key(w, "insecure"), json_bool(w, o->fetch.tls.insecure); /* -k: certificates were not verified */
    json_end_object(w);
}

static void write_counts(struct json_writer *w, const struct crawl_result *r)
{
    uint32_t nodes = graph_node_count(r->graph);
    uint64_t by_class[6] = {0}; /* 2xx..5xx by hundreds, then not fetched, then failed */
    for (uint32_t i = 0; i < nodes; i++) {
        const struct crawl_page *p = &r->pages[i];
        if (p->flags & CRAWL_PAGE_BLOCKED)
            continue; /* counted as blocked: the status is the protection layer's, not the page's */
        if (!(p->flags & CRAWL_PAGE_FETCHED))
            by_class[4]++;
        else if (p->status >= 200 && p->status < 600)
            by_class[p->status / 100 - 2]++;
        else
            by_class[5]++;
    }
    json_key(w, "counts");
    json_begin_object(w);
    json_key(w, "urls"), json_uint(w, nodes);
    json_key(w, "edges"), json_uint(w, graph_edge_count(r->graph));
    json_key(w, "pages_fetched"), json_uint(w, r->pages_fetched);
    json_key(w, "status_2xx"), json_uint(w, by_class[0]);
    json_key(w, "status_3xx"), json_uint(w, by_class[1]);
    json_key(w, "status_4xx"), json_uint(w, by_class[2]);
    json_key(w, "status_5xx"), json_uint(w, by_class[3]);
    json_key(w, "not_fetched"), json_uint(w, by_class[4]);
    json_key(w, "fetch_errors"), json_uint(w, r->fetch_errors);
    json_key(w, "blocked"), json_uint(w, r->pages_blocked);
    json_key(w, "throttled"), json_uint(w, r->throttled);
    json_key(w, "links"), json_uint(w, r->links_found);
    json_key(w, "bytes"), json_uint(w, r->bytes_downloaded);
    json_key(w, "sitemap_urls"), json_uint(w, r->sitemap_urls);
    json_key(w, "not_found_probes"), json_uint(w, r->not_found_probes);
    json_key(w, "findings"), json_uint(w, r->findings.count);
    json_end_object(w);
}

static void write_robots(struct json_writer *w, const struct crawl_result *r)
{
    json_key(w, "robots");
    json_begin_array(w);
    for (size_t i = 0; i < r->robots_count; i++) {
        const struct crawl_robots_outcome *o = &r->robots[i];
        json_begin_object(w);
        json_key(w, "origin"), json_string(w, o->origin);
        json_key(w, "url"), json_string(w, o->robots_url);
        json_key(w, "status"), json_int(w, o->status);
        json_key(w, "outcome"), json_string(w, o->action ? o->action : "not-fetched");
        json_key(w, "reason"), json_string(w, o->reason);
        json_key(w, "transport_error"), json_string(w, o->transport_error);
        json_key(w, "bytes"), json_uint(w, o->bytes);
        json_key(w, "crawl_delay");
        if (o->has_crawl_delay)
            json_double(w, o->crawl_delay_s);
        else
            json_null(w);
        json_key(w, "crawl_delay_applied"), json_bool(w, o->crawl_delay_applied);
        json_key(w, "not_found_probe");
        if (o->not_found_url) {
            json_begin_object(w);
            json_key(w, "url"), json_string(w, o->not_found_url);
            json_key(w, "status"), json_int(w, o->not_found_status);
            json_key(w, "main_words"), json_uint(w, o->not_found_words);
            json_end_object(w);
        } else {
            json_null(w);
        }
        json_end_object(w);
    }
    json_end_array(w);
}

/* lastmod as sitemaps.csv writes it (sitemap/datetime); "" when there is none. */
static void lastmod_text(int64_t lastmod, char text[32])
{
    text[0] = '\0';
    if (lastmod != GRAPH_NO_LASTMOD)
        w3c_datetime_format((time_t)lastmod, text);
}

int crawl_output_sitemaps(const char *dir, const struct crawl_result *r, struct store *store, char *error,
                          size_t error_size)
{
    char path[4096];
    FILE *out = open_in(dir, "sitemaps.csv.tmp", path, sizeof(path), error, error_size);
    if (!out)
        return CP_ERR_IO;
    fputs("sitemap,url,lastmod,line\r\n", out);
    uint32_t count = graph_node_count(r->graph);
    for (uint32_t id = 0; id < count; id++) {
        for (uint32_t at = graph_node(r->graph, id)->sitemap_first; at != GRAPH_NO_NODE;) {
            const struct graph_sitemap_entry *entry = graph_sitemap_entry(r->graph, at);
            char lastmod[32], line[16];
            lastmod_text(entry->lastmod, lastmod);
            line[0] = '\0'; /* 0: not known (an entry made without a file behind it) */
            if (entry->line)
                snprintf(line, sizeof line, "%u", entry->line);
            const char *fields[] = {graph_url(r->graph, entry->sitemap, NULL), graph_url(r->graph, id, NULL), lastmod,
                                    line};
            csv_write_record(out, fields, 4);
            /* the store's sitemap_entries table has no line column: its schema stays as it is */
            if (store)
                store_put_sitemap_entry(store, fields[0], fields[1], fields[2]);
            at = entry->next;
        }
    }
    return finish_file(out, path, dir, "sitemaps.csv", error, error_size);
}

/* The run's files as they are now on disk: name and size. A reader compares these with the folder
 * (reports/crawl_data), so a file another run left or replaced is found out. */
static void write_files(struct json_writer *w, const char *dir, const char *const *files, size_t file_count)
{
    json_key(w, "files");
    json_begin_array(w);
    for (size_t i = 0; i < file_count; i++) {
        struct buf path = BUF_INIT;
        struct stat st;
        buf_printf(&path, "%s/%s", dir, files[i]);
        if (stat(buf_str(&path), &st) == 0 && S_ISREG(st.st_mode)) {
            json_begin_object(w);
            json_key(w, "name"), json_string(w, files[i]);
            json_key(w, "bytes"), json_uint(w, (uint64_t)st.st_size);
            json_end_object(w);
        }
        buf_free(&path);
    }
    json_end_array(w);
}

int crawl_output_run(const char *dir, const struct crawl_options *options, const struct crawl_result *r,
                     const struct crawl_output_record *record, char *error, size_t error_size)
{
    char path[4096];
    FILE *out = open_in(dir, "crawl.json.tmp", path, sizeof(path), error, error_size);
    if (!out)
        return CP_ERR_IO;
    struct json_writer w;
    json_writer_init(&w, out, true);
    json_begin_object(&w);
    json_key(&w, "schema"), json_int(&w, 1);
    json_key(&w, "tool");
    json_begin_object(&w);
    json_key(&w, "name"), json_string(&w, "crawlpack");
    json_key(&w, "version"), json_string(&w, CRAWLPACK_VERSION);
    json_end_object(&w);
    json_key(&w, "run_id"), json_string(&w, record->run_id);
    json_key(&w, "started_at"), json_string(&w, record->started_at);
    json_key(&w, "start_url"), json_string(&w, graph_url(r->graph, r->start_node, NULL));
    json_key(&w, "interrupted"), json_bool(&w, r->interrupted);
    json_key(&w, "stopped_by_limit"), json_bool(&w, r->truncated_by_limit);
    char partial_reason[512];
    json_key(&w, "partial");
    if (crawl_result_partial(r, partial_reason, sizeof(partial_reason))) {
        json_begin_object(&w);
        json_key(&w, "reason"), json_string(&w, partial_reason);
        json_key(&w, "still_queued"), json_uint(&w, r->partial.stopped);
        json_key(&w, "beyond_max_depth"), json_uint(&w, r->partial.beyond_depth);
        json_key(&w, "no_connection"), json_uint(&w, r->partial.unreachable);
        json_key(&w, "sitemaps_unread"), json_uint(&w, r->partial.sitemaps_unread);
        json_end_object(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "start");
    json_begin_object(&w);
    json_key(&w, "outcome"), json_string(&w, crawl_start_outcome_name(r->start_outcome));
    json_key(&w, "problem"), json_string(&w, r->start_problem);
    json_end_object(&w);
    write_options(&w, options, r);
    write_counts(&w, r);
    if (r->changes.previous_run) { /* an incremental re-audit: against the store's previous run */
        json_key(&w, "changes");
        json_begin_object(&w);
        json_key(&w, "previous_run"), json_int(&w, r->changes.previous_run);
        json_key(&w, "new"), json_uint(&w, r->changes.new_pages);
        json_key(&w, "changed"), json_uint(&w, r->changes.changed);
        json_key(&w, "unchanged"), json_uint(&w, r->changes.unchanged);
        json_key(&w, "gone"), json_uint(&w, r->changes.gone);
        json_key(&w, "replayed"), json_uint(&w, r->pages_replayed);
        json_end_object(&w);
    }
    json_key(&w, "timings");
    json_begin_object(&w);
    json_key(&w, "elapsed_ms"), json_double(&w, r->elapsed_ms);
    json_key(&w, "cpu_seconds"), json_double(&w, r->cpu_seconds);
    json_key(&w, "pages_per_second"),
        json_double(&w, r->elapsed_ms > 0 ? r->pages_fetched * 1000.0 / r->elapsed_ms : 0);
    json_end_object(&w);
    if (options->render) { /* only with --render: a crawl without it writes what it always wrote */
        json_key(&w, "render");
        json_begin_object(&w);
        json_key(&w, "pages_rendered"), json_uint(&w, r->pages_rendered);
        json_key(&w, "failures"), json_uint(&w, r->render_failures);
        json_key(&w, "render_ms"), json_double(&w, r->render_ms);
        json_key(&w, "pages_per_second"),
            json_double(&w, r->elapsed_ms > 0 ? r->pages_rendered * 1000.0 / r->elapsed_ms : 0);
        json_end_object(&w);
    }
    uint32_t nodes = graph_node_count(r->graph);
    json_key(&w, "memory");
    json_begin_object(&w);
    json_key(&w, "peak_rss_kb"), json_int(&w, r->peak_rss_kb);
    json_key(&w, "crawl_state_bytes"), json_uint(&w, r->memory_bytes);
    json_key(&w, "bytes_per_url"), json_double(&w, nodes ? (double)r->memory_bytes / nodes : 0);
    json_end_object(&w);
    write_robots(&w, r);
    json_key(&w, "sitemaps");
    json_begin_array(&w);
    for (size_t i = 0; i < r->sitemap_count; i++) {
        const struct crawl_sitemap_outcome *s = &r->sitemaps[i];
        json_begin_object(&w);
        json_key(&w, "url"), json_string(&w, s->url);
        json_key(&w, "origin"), json_string(&w, s->origin);
        json_key(&w, "status"), json_int(&w, s->status);
        json_key(&w, "read"), json_bool(&w, s->read);
        json_key(&w, "urls"), json_uint(&w, s->urls);
        json_key(&w, "error"), json_string(&w, s->error);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "crawl_traps");
    json_begin_array(&w);
    for (size_t i = 0; i < r->trap_count; i++) {
        json_begin_object(&w);
        json_key(&w, "template"), json_string(&w, r->traps[i]);
        json_key(&w, "urls_refused"), json_uint(&w, r->trap_refused[i]);
        json_key(&w, "example");
        if (r->trap_examples && r->trap_examples[i])
            json_string(&w, r->trap_examples[i]);
        else
            json_null(&w);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "politeness_pauses");
    json_begin_array(&w);
    for (size_t i = 0; i < r->breaker_count; i++)
        json_string(&w, r->breaker_events[i]);
    json_end_array(&w);
    write_files(&w, dir, record->files, record->file_count);
    json_end_object(&w);
    if (json_writer_finish(&w) != 0) {
        fclose(out);
        remove(path);
        snprintf(error, error_size, "cannot write %s", path);
        return CP_ERR_IO;
    }
    return finish_file(out, path, dir, "crawl.json", error, error_size);
}

/* The graph (nodes and edges), robots.txt and sitemap outcomes: the rest of the run's rows. */
void crawl_output_store_graph(struct store *store, const struct crawl_result *r)
{
    uint32_t nodes = graph_node_count(r->graph);
    for (uint32_t id = 0; id < nodes; id++)
        store_put_node(store, id, graph_url(r->graph, id, NULL));
    for (uint32_t id = 0; id < nodes; id++)
        store_put_edges(store, id, graph_out_edges(r->graph, id));
    for (size_t i = 0; i < r->robots_count; i++) {
        const struct crawl_robots_outcome *o = &r->robots[i];
        store_put_robots(store, o->origin, o->robots_url, o->status, o->action ? o->action : "not-fetched", o->reason,
                         o->bytes);
    }
    for (size_t i = 0; i < r->sitemap_count; i++) {
        const struct crawl_sitemap_outcome *s = &r->sitemaps[i];
        store_put_sitemap(store, s->url, s->origin, s->status, s->read, s->urls, s->error);
    }
}

static int make_dir(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int crawl_output_open_store(const char *dir, const char *path, const struct store_run *run, struct store **store,
                            char *error, size_t error_size)
{
    *store = NULL;
    if (!path)
        return CP_OK;
    if (make_dir(dir) != 0) {
        snprintf(error, error_size, "cannot create %s: %s", dir, strerror(errno));
        return CP_ERR_IO;
    }
    int status = store_open(path, store, error, error_size);
    if (status == CP_OK && (status = run->resume_id ? store_run_resume(*store, run->resume_id, run)
                                                    : store_run_begin(*store, run)) != CP_OK) {
        snprintf(error, error_size, "%s", store_error(*store));
        store_close(*store);
        *store = NULL;
    }
    return status;
}

int crawl_output_close_store(struct store *store, const struct crawl_result *result, char *error, size_t error_size)
{
    char ended_at[32];
    time_t now = time(NULL);
    strftime(ended_at, sizeof ended_at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    struct store_run_end end = {result->interrupted ? "interrupted" : "complete", ended_at, crawl_result_pages(result)};
    int status = store_run_end(store, &end);
    if (status != CP_OK)
        snprintf(error, error_size, "%s", store_error(store));
    store_close(store);
    return status;
}

int crawl_output_begin(const char *dir, struct crawl_options *options, char *error, size_t error_size)
{
    if (make_dir(dir) != 0) {
        snprintf(error, error_size, "cannot create %s: %s", dir, strerror(errno));
        return CP_ERR_IO;
    }
    return open_links(dir, options, error, error_size);
}

int crawl_output_build_clusters(const struct crawl_result *r, const struct graph_analysis *analysis,
                                struct clusters *out)
{
    uint32_t count = graph_node_count(r->graph);
    struct cluster_input *inputs = malloc(((size_t)count + 1) * sizeof *inputs);
    if (!inputs) {
        memset(out, 0, sizeof *out);
        return CP_ERR_NOMEM;
    }
    for (uint32_t id = 0; id < count; id++)
        inputs[id] = (struct cluster_input){r->pages[id].content_hash, r->pages[id].simhash, r->pages[id].main_words};
    int status = clusters_build(r->graph, analysis, inputs, out);
    free(inputs);
    return status;
}

static void write_cluster_row(FILE *out, const struct crawl_result *r, const struct graph_analysis *analysis,
                              size_t number, const struct cluster *c, uint32_t node)
{
    fprintf(out, "%zu,%s,", number, cluster_kind_name((enum cluster_kind)c->kind));
    csv_write_field(out, graph_url(r->graph, node, NULL));
    fputs(node == c->preferred ? ",preferred," : ",duplicate,", out);
    bool first = true;
    for (int s = 0; s < CLUSTER_SIGNAL_COUNT; s++)
        if (c->vote[s] == node) {
            fprintf(out, "%s%s", first ? "" : " ", cluster_signal_name((enum cluster_signal)s));
            first = false;
        }
    fprintf(out, ",%u\r\n", analysis->inlinks_followable[node]);
}

int crawl_output_clusters(const char *dir, const struct crawl_result *r, const struct graph_analysis *analysis,
                          const struct clusters *clusters, char *error, size_t error_size)
{
    char path[4096];
    FILE *out = open_in(dir, "clusters.csv.tmp", path, sizeof(path), error, error_size);
    if (!out)
        return CP_ERR_IO;
    fputs("cluster,kind,url,role,votes,internal_links\r\n", out);
    for (size_t i = 0; i < clusters->count; i++) {
        const struct cluster *c = &clusters->list[i];
        for (uint32_t m = 0; m < c->count; m++)
            write_cluster_row(out, r, analysis, i + 1, c, clusters->members[c->first + m]);
    }
    return finish_file(out, path, dir, "clusters.csv", error, error_size);
}

/* pages.csv and clusters.csv from one analysis (clusters made here when the caller has none). */
static int finish_tables(const char *dir, const struct crawl_result *result, const struct graph_analysis *analysis,
                         const struct clusters *clusters, struct store *store, char *error, size_t error_size)
{
    int status = crawl_output_pages(dir, result, analysis, store, error, error_size);
    if (status != CP_OK || clusters)
        return status == CP_OK ? crawl_output_clusters(dir, result, analysis, clusters, error, error_size) : status;
    struct clusters own;
    status = crawl_output_build_clusters(result, analysis, &own);
    if (status == CP_OK)
        status = crawl_output_clusters(dir, result, analysis, &own, error, error_size);
    else
        snprintf(error, error_size, "cannot cluster the pages: %s", cp_strerror(status));
    clusters_free(&own);
    return status;
}

int crawl_output_finish(const char *dir, struct crawl_options *options, const struct crawl_result *result,
                        const struct graph_analysis *analysis, const struct clusters *clusters,
                        const struct crawl_output_record *record, char *error, size_t error_size)
{
    bool had_links = options->links_out != NULL;
    bool links_ok = crawl_output_close_links(options) && !result->links_incomplete;
    if (had_links && links_ok) {
        char temporary[4096], path[4096];
        snprintf(temporary, sizeof temporary, "%s/links.csv.tmp", dir);
        snprintf(path, sizeof path, "%s/links.csv", dir);
        links_ok = rename(temporary, path) == 0;
    }
    struct graph_analysis own;
    int status = CP_OK;
    struct store *store = options->store;
    if (store)
        store_results_begin(store); /* a failure is sticky: the caller reports it */
    if (analysis)
        status = finish_tables(dir, result, analysis, clusters, store, error, error_size);
    else if ((status = graph_analyze(&own, result->graph, NULL)) == CP_OK) { /* freed on error */
        status = finish_tables(dir, result, &own, clusters, store, error, error_size);
        graph_analysis_free(&own);
    } else
        snprintf(error, error_size, "cannot analyse the link graph: %s", cp_strerror(status));
    if (status == CP_OK)
        status = crawl_output_sitemaps(dir, result, store, error, error_size);
    if (status == CP_OK)
        status = crawl_output_run(dir, options, result, record, error, error_size);
    if (status == CP_OK && !links_ok) {
        snprintf(error, error_size, "cannot write %s/links.csv", dir);
        status = CP_ERR_IO;
    }
    return status;
}
