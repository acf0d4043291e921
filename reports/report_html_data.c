/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html_data: the data report.html's script reads, as one JSON document inside
 * <script type="application/json" id="report-data"> (see report_html.h; the layout is in
 * docs/report.md). Written with common/json_write's script-safe mode, so no crawled string can
 * end the element. URLs of the site's origin are written from their path ("/a"; every stored URL
 * is absolute, so a leading / is unambiguous) and URLs that are pages.csv rows are written as the
 * row's index: together they keep a 100,000-page report under 25 MB. */
#define _GNU_SOURCE /* fopencookie: the JSON is compressed as it is written */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <zlib.h>

#include "common/array_grow.h"
#include "common/base64.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "linkgraph/graph.h"
#include "reports/report_html.h"
#include "reports/report_html_internal.h"

#define TITLE_MAX 300
#define TEXT_MAX 2048
#define RELATED_MAX 10
#define ANCHOR_MAX 120
/* Added to a link's kind number when links.csv says found_in=header: no byte more a link. */
#define LINK_FROM_HEADER_BIT 8
_Static_assert(LINK_OTHER < LINK_FROM_HEADER_BIT, "link kinds fit below the header bit");

/* A string's index, added when it is new: the link graph's interner (linkgraph/graph.h: one copy of
 * each string in an arena, ids dense in order), about half the memory of a hash entry and a copy
 * each (155,000 strings at 200,000 pages). */
static size_t intern_n(struct report_intern *t, const char *key, size_t length)
{
    if (!t->table && !(t->table = graph_create(0)))
        t->failed = true;
    uint32_t id = t->failed ? GRAPH_NO_NODE : graph_intern(t->table, key, length, NULL);
    if (id == GRAPH_NO_NODE) {
        t->failed = true;
        return 0;
    }
    return id;
}

static size_t intern(struct report_intern *t, const char *key)
{
    return intern_n(t, key, strlen(key));
}

/* The same for the first max bytes of key (a whole character: anchors are UTF-8). */
static size_t intern_cut(struct report_intern *t, const char *key, size_t max)
{
    size_t length = strlen(key);
    if (length > max) {
        length = max;
        while (length > 0 && ((unsigned char)key[length] & 0xC0) == 0x80)
            length--;
    }
    return intern_n(t, key, length);
}

static void intern_free(struct report_intern *t)
{
    graph_destroy(t->table);
    t->table = NULL;
}

struct writer {
    struct json_writer w;
    const struct report_facts *f;
    struct report_link_picker *links; /* the picked links; its extra and strings are the JSON's */
    struct report_intern sitemaps;
};

static void text(struct writer *x, const char *s, size_t max)
{
    size_t length = s ? strlen(s) : 0;
    json_string_n(&x->w, s ? s : "", length > max ? max : length);
}

/* A URL as its path when it is on the report's origin. */
static void url_text(struct writer *x, const char *url)
{
    size_t o = x->f->origin_length;
    if (o && strncmp(url, x->f->origin, o) == 0 && url[o] == '/')
        url += o;
    text(x, url, TEXT_MAX);
}

/* A URL as a pages.csv row index, or its text; null for none. */
static void url_ref(struct writer *x, const char *url)
{
    const struct crawl_page *p = url && *url ? crawl_data_find(x->f->data, url) : NULL;
    if (p)
        json_int(&x->w, p - x->f->data->pages);
    else if (url && *url)
        url_text(x, url);
    else
        json_null(&x->w);
}

/* [url, status, depth, indexable, reasons, why, title, canonical, redirect_to, robots, in_sitemap,
 *  inlinks, outlinks, link_score, total_ms, content_type, error, size, crawled]; robots and
 *  content_type (a handful of values on most sites) index "strings". */
static int write_page(struct writer *x, size_t i)
{
    const struct crawl_page *p = &x->f->data->pages[i];
    struct json_writer *w = &x->w;
    json_begin_array(w);
    url_text(x, p->url);
    json_int(w, p->status);
    json_int(w, p->depth);
    bool indexable = crawl_page_is_indexable(p);
    json_int(w, indexable);
    text(x, p->not_indexable_reasons, TEXT_MAX);
    if (!indexable && x->f->crawled[i]) {
        struct buf why = BUF_INIT;
        if (crawl_page_explain_not_indexable(p, &why) != CP_OK) {
            buf_free(&why);
            return CP_ERR_NOMEM;
        }
        text(x, buf_str(&why), TEXT_MAX);
        buf_free(&why);
    } else
        json_null(w);
    text(x, p->title, TITLE_MAX);
    url_ref(x, p->canonical);
    url_ref(x, p->redirect_to);
    json_uint(w, intern(&x->links->strings, p->robots_directives));
    json_int(w, p->in_sitemap);
    json_int(w, p->inlinks);
    json_int(w, p->outlinks);
    json_double(w, p->link_score);
    json_double(w, p->total_ms);
    json_uint(w, intern(&x->links->strings, p->content_type));
    text(x, p->error, TEXT_MAX);
    json_int(w, p->size);
    json_int(w, x->f->crawled[i]);
    json_end_array(w);
    return CP_OK;
}

/* An index into data's page rows (page is url's row, or NULL), or into the extra URLs after them. */
static size_t url_index(struct report_intern *extra, const struct crawl_data *data, const char *url,
                        const struct crawl_page *page)
{
    return page ? (size_t)(page - data->pages) : data->page_count + intern(extra, url);
}

/* Which links are embedded: REPORT_HTML_LINK_BUDGET shared out so every page lists some of its
 * outlinks and inlinks (at least 1 and at most 800 each way), and each page's canonical references
 * (at most 8), by the rule crawler/link_index.h states, which lets an audit's links.csv writer list
 * the rows that may be picked. */
const struct link_index_limits report_html_link_limits = {REPORT_HTML_LINK_BUDGET, 1, 800, 8};

static unsigned links_per_page(size_t page_count)
{
    return link_index_share(&report_html_link_limits, page_count);
}

/* The report's marks for the next link in links.csv's order (see report_html_internal.h). A row
 * read through links.csv's index comes with its ranks; any other is ranked here, by counting the
 * rows before it (all of them: the budget spent, only canonical references are still read). */
static uint8_t pick_link(struct report_link_picker *p, const struct crawl_data *d, const struct crawl_link *l)
{
    const struct link_index_limits *limits = p->limits ? p->limits : &report_html_link_limits;
    if (!p->out && !p->failed) { /* the first link: the pages are read, their count is known */
        p->pages = d->page_count;
        p->share = link_index_share(limits, d->page_count);
        p->out = calloc(p->pages + 1, sizeof *p->out);
        p->in = calloc(p->pages + 1, sizeof *p->in);
        p->canonical = calloc(p->pages + 1, 1);
        p->failed = !p->out || !p->in || !p->canonical;
    }
    if (p->failed)
        return 0;
    const struct crawl_page *sp = l->source_page, *tp = l->target_page;
    size_t s = sp ? (size_t)(sp - d->pages) : p->pages, t = tp ? (size_t)(tp - d->pages) : p->pages;
    bool canonical = l->kind == LINK_CANONICAL;
    unsigned source_rank = l->ranked ? l->source_rank : link_rank_next(&p->out[s]);
    unsigned target_rank = l->ranked ? l->target_rank : link_rank_next(&p->in[t]);
    unsigned canonical_rank = l->ranked   ? l->canonical_rank
                              : canonical ? link_canonical_rank_next(&p->canonical[s])
                                          : LINK_RANK_NONE;
    uint8_t marks = 0;
    if (p->shown < limits->budget && ((sp && source_rank < p->share) || (tp && target_rank < p->share))) {
        p->shown++;
        marks |= REPORT_LINK_SHOWN;
    }
    /* canonical references are outside the budget (the explorer shows the HTML's and the Link
     * header's apart, so none may be cut away) */
    if (canonical && sp && canonical_rank < limits->canonicals)
        marks |= REPORT_LINK_CANONICAL;
    return marks;
}

/* Keep a picked link as the JSON will write it. */
static void keep_row(struct report_link_picker *p, const struct crawl_data *d, const struct crawl_link *l,
                     uint8_t marks)
{
    /* the rows links.csv's index lists, at once: the report's are most of them */
    size_t wanted = p->link_count + 1 > p->expected_links ? p->link_count + 1 : p->expected_links;
    if (!array_reserve((void **)&p->links, &p->link_capacity, p->link_count, wanted, sizeof *p->links)) {
        p->failed = true;
        return;
    }
    struct report_link *row = &p->links[p->link_count++];
    row->source = (uint32_t)url_index(&p->extra, d, l->source, l->source_page);
    row->target = (uint32_t)url_index(&p->extra, d, l->target, l->target_page);
    row->kind = (uint8_t)(l->kind | (l->from_header ? LINK_FROM_HEADER_BIT : 0));
    row->rel = (uint32_t)intern(&p->strings, l->rel);
    row->anchor = (uint32_t)intern_cut(&p->strings, l->anchor, ANCHOR_MAX);
    row->marks = marks;
    p->failed |= p->extra.failed || p->strings.failed;
}

static void pick(struct report_link_picker *p, const struct crawl_data *d, const struct crawl_link *l)
{
    uint8_t marks = pick_link(p, d, l);
    if (marks)
        keep_row(p, d, l, marks);
}

/* The row is kept by the picker, never by crawl_data. */
static bool keep_link(void *context, const struct crawl_data *data, struct crawl_link *link)
{
    pick(context, data, link);
    return false;
}

/* Once the budget is spent only canonical references can still be picked: the other rows are
 * counted without being looked up (most of a large site's links.csv). */
static bool wants_link(void *context, enum crawl_link_kind kind)
{
    const struct report_link_picker *p = context;
    const struct link_index_limits *limits = p->limits ? p->limits : &report_html_link_limits;
    return !p->failed && (p->shown < limits->budget || kind == LINK_CANONICAL);
}

struct crawl_link_filter report_link_filter(struct report_link_picker *picker)
{
    return (struct crawl_link_filter){keep_link, wants_link, picker};
}

void report_link_picker_free(struct report_link_picker *picker)
{
    free(picker->out);
    free(picker->in);
    free(picker->canonical);
    free(picker->links);
    intern_free(&picker->extra);
    intern_free(&picker->strings);
    memset(picker, 0, sizeof *picker);
}

static void write_links(struct writer *x)
{
    const struct report_link_picker *p = x->links;
    size_t shown = 0;
    json_key(&x->w, "links");
    json_begin_array(&x->w);
    for (size_t i = 0; i < p->link_count; i++) {
        const struct report_link *l = &p->links[i];
        if (!(l->marks & REPORT_LINK_SHOWN))
            continue;
        json_uint(&x->w, l->source);
        json_uint(&x->w, l->target);
        json_uint(&x->w, l->kind);
        json_uint(&x->w, l->rel);
        json_uint(&x->w, l->anchor);
        shown++;
    }
    json_end_array(&x->w);
    const struct crawl_data *d = x->f->data;
    json_key(&x->w, "links_total"), json_uint(&x->w, d->links_read);
    json_key(&x->w, "links_shown"), json_uint(&x->w, shown);
    json_key(&x->w, "links_per_page"), json_uint(&x->w, links_per_page(d->page_count));
}

/* Every page's canonical references as links.csv's rows name them: three numbers a reference
 * (page row, target, 1 when found in a header). */
static void write_canonicals(struct writer *x)
{
    const struct report_link_picker *p = x->links;
    json_key(&x->w, "canonicals");
    json_begin_array(&x->w);
    for (size_t i = 0; i < p->link_count; i++) {
        const struct report_link *l = &p->links[i];
        if (!(l->marks & REPORT_LINK_CANONICAL))
            continue;
        json_uint(&x->w, l->source);
        json_uint(&x->w, l->target);
        json_int(&x->w, (l->kind & LINK_FROM_HEADER_BIT) != 0);
    }
    json_end_array(&x->w);
}

static void write_strings(struct writer *x, const char *key, const struct report_intern *t, bool urls)
{
    json_key(&x->w, key);
    json_begin_array(&x->w);
    uint32_t count = t->table ? graph_node_count(t->table) : 0;
    for (uint32_t i = 0; i < count; i++)
        urls ? url_text(x, graph_url(t->table, i, NULL)) : text(x, graph_url(t->table, i, NULL), TEXT_MAX);
    json_end_array(&x->w);
}

/* [rule index into "rules", url, message, source, line, [related...], related count] */
static void write_findings(struct writer *x)
{
    const struct finding_list *list = &x->f->data->findings;
    struct json_writer *w = &x->w;
    json_key(w, "rules");
    json_begin_array(w);
    for (int r = 0; r < RULE_COUNT; r++) {
        const struct rule *rule = rule_get((enum rule_id)r);
        json_begin_array(w);
        json_string(w, rule->id), json_string(w, severity_name(rule->severity));
        json_string(w, rule->title), json_string(w, rule->why), json_string(w, rule->fix);
        json_end_array(w);
    }
    json_end_array(w);
    json_key(w, "findings");
    json_begin_array(w);
    for (size_t i = 0; i < list->count && i < REPORT_HTML_MAX_FINDINGS; i++) {
        const struct finding *f = &list->items[i];
        json_begin_array(w);
        json_int(w, f->rule);
        f->url ? url_text(x, f->url) : json_null(w);
        text(x, f->message, TEXT_MAX);
        f->source ? url_text(x, f->source) : json_null(w);
        json_uint(w, f->line);
        json_begin_array(w);
        for (size_t r = 0; r < f->related_count && r < RELATED_MAX; r++)
            url_text(x, f->related[r]);
        json_end_array(w);
        json_uint(w, f->related_count);
        json_end_array(w);
    }
    json_end_array(w);
    json_key(w, "findings_total"), json_uint(w, list->count);
}

/* [url ref, sitemap index into "sitemaps", lastmod, line (0: unknown)] */
static void write_entries(struct writer *x)
{
    const struct crawl_data *d = x->f->data;
    json_key(&x->w, "entries");
    json_begin_array(&x->w);
    for (size_t i = 0; i < d->entry_count; i++) {
        json_begin_array(&x->w);
        json_uint(&x->w, url_index(&x->links->extra, d, d->entries[i].url, crawl_data_find(d, d->entries[i].url)));
        json_int(&x->w, (int64_t)intern(&x->sitemaps, d->entries[i].sitemap));
        text(x, d->entries[i].lastmod, 64);
        json_uint(&x->w, d->entries[i].line);
        json_end_array(&x->w);
    }
    json_end_array(&x->w);
}

static void write_meta(struct writer *x)
{
    const struct crawl_data *d = x->f->data;
    static const char *const kinds[] = {"a", "redirect", "canonical", "hreflang", "refresh", "iframe", "other"};
    struct json_writer *w = &x->w;
    json_key(w, "schema"), json_int(w, 1);
    json_key(w, "origin"), json_string_n(w, x->f->origin, x->f->origin_length);
    json_key(w, "start_url"), json_string(w, d->start_url);
    json_key(w, "has_links"), json_bool(w, d->has_links);
    json_key(w, "has_sitemaps"), json_bool(w, d->has_sitemaps_csv);
    json_key(w, "kinds");
    json_begin_array(w);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        json_string(w, kinds[i]);
    json_end_array(w);
}

/* The JSON, gzip-compressed and base64-encoded, into the element: at most about a third of the JSON's
 * size (a 100,000-page report stays under 25 MB), and only base64 letters inside the script element.
 * The page inflates it with the browser's own DecompressionStream. The JSON is compressed as it is
 * written (a stdio stream whose writes go to deflate), so it never exists whole: 13 MB at 20,000
 * pages, twice that while a memory stream grew. Z_BEST_SPEED: four times as fast as the default
 * level, for output 16% larger (20,000 pages: 0.09 s and 2.9 MB against 0.37 s and 2.5 MB).
 * Compressed output is encoded a whole number of 3-byte groups at a time, so the base64 is one
 * unbroken run. */
struct packer {
    FILE *out;
    z_stream z;
    unsigned char chunk[3 * 16384];
    size_t pending; /* compressed bytes in chunk not yet encoded (fewer than 3 between calls) */
    struct buf text;
    int status;
};

/* Deflate what z holds with flush, encoding the output into the report as it comes. */
static int packer_deflate(struct packer *p, int flush)
{
    int result;
    do {
        p->z.next_out = p->chunk + p->pending;
        p->z.avail_out = (uInt)(sizeof p->chunk - p->pending);
        result = deflate(&p->z, flush);
        if (result == Z_STREAM_ERROR)
            return p->status = CP_ERR_NOMEM;
        p->pending = sizeof p->chunk - p->z.avail_out;
        size_t whole = result == Z_STREAM_END ? p->pending : p->pending / 3 * 3;
        buf_reset(&p->text);
        if (base64_append(&p->text, p->chunk, whole) != CP_OK)
            return p->status = CP_ERR_NOMEM;
        if (fwrite(p->text.data, 1, p->text.len, p->out) != p->text.len)
            return p->status = CP_ERR_IO;
        memmove(p->chunk, p->chunk + whole, p->pending - whole);
        p->pending -= whole;
    } while (flush == Z_FINISH ? result != Z_STREAM_END : p->z.avail_in > 0 || p->z.avail_out == 0);
    return CP_OK;
}

static ssize_t packer_write(void *cookie, const char *data, size_t size)
{
    struct packer *p = cookie;
    if (p->status != CP_OK || size > UINT_MAX)
        return -1;
    p->z.next_in = (Bytef *)data;
    p->z.avail_in = (uInt)size;
    return packer_deflate(p, Z_NO_FLUSH) == CP_OK ? (ssize_t)size : -1;
}

/* Data read whole: its links picked now, as report_link_filter would have picked them while reading. */
static int pick_links_now(const struct crawl_data *d, struct report_link_picker *picker)
{
    for (size_t i = 0; i < d->link_count && !picker->failed; i++)
        pick(picker, d, &d->links[i]);
    return picker->failed ? CP_ERR_NOMEM : CP_OK;
}

static int write_json(FILE *out, const struct report_facts *facts, struct report_link_picker *links)
{
    struct writer x = {.f = facts, .links = links};
    json_writer_init_script(&x.w, out);
    json_begin_object(&x.w);
    write_meta(&x);
    int status = CP_OK;
    json_key(&x.w, "pages");
    json_begin_array(&x.w);
    for (size_t i = 0; i < facts->data->page_count && status == CP_OK; i++)
        status = write_page(&x, i);
    json_end_array(&x.w);
    if (status == CP_OK) {
        write_links(&x);
        write_canonicals(&x);
        write_entries(&x);
        write_findings(&x);
        write_strings(&x, "extra", &links->extra, true);
        write_strings(&x, "strings", &links->strings, false);
        write_strings(&x, "sitemaps", &x.sitemaps, true);
        status = links->extra.failed || links->strings.failed || x.sitemaps.failed ? CP_ERR_NOMEM : CP_OK;
    }
    json_end_object(&x.w);
    if (status == CP_OK && (x.w.error || x.w.depth != 0))
        status = CP_ERR_IO;
    intern_free(&x.sitemaps);
    return status;
}

#define JSON_BUFFER_SIZE (1 << 16)

static int write_packed(FILE *out, const struct report_facts *facts, struct report_link_picker *links)
{
    struct packer *p = calloc(1, sizeof *p);
    if (!p || deflateInit2(&p->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(p);
        return CP_ERR_NOMEM;
    }
    p->out = out;
    FILE *json = fopencookie(p, "w", (cookie_io_functions_t){.write = packer_write});
    /* One thread writes it, a few bytes a call (a million calls for 20,000 pages): without
     * stdio's lock per call, and handed to zlib in large pieces. */
    char *buffer = json ? malloc(JSON_BUFFER_SIZE) : NULL;
    if (json) {
        __fsetlocking(json, FSETLOCKING_BYCALLER);
        if (buffer)
            setvbuf(json, buffer, _IOFBF, JSON_BUFFER_SIZE);
    }
    int status = json ? CP_OK : CP_ERR_NOMEM;
    if (status == CP_OK) {
        fputs("<script type=\"application/octet-stream\" id=\"report-data\" data-encoding=\"gzip+base64\">", out);
        status = write_json(json, facts, links);
        if (fclose(json) != 0 && status == CP_OK)
            status = p->status != CP_OK ? p->status : CP_ERR_IO;
    }
    free(buffer);
    if (status == CP_OK)
        status = packer_deflate(p, Z_FINISH);
    if (status == CP_OK)
        fputs("</script>\n", out);
    deflateEnd(&p->z);
    buf_free(&p->text);
    free(p);
    return status;
}

int report_html_data(FILE *out, const struct report_facts *facts, struct report_link_picker *links)
{
    if (links)
        return write_packed(out, facts, links);
    struct report_link_picker whole = {0};
    int status = pick_links_now(facts->data, &whole);
    if (status == CP_OK)
        status = write_packed(out, facts, &whole);
    report_link_picker_free(&whole);
    return status;
}
