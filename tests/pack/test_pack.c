/* SPDX-License-Identifier: Apache-2.0 */
/* tests/pack/test_pack: unit tests of the pack's readers (CSV, intake, crawl folder), its
 * measurements (percentiles, sections, dates), the quality gate on each anti-pattern intake, and
 * the shape of a pack written from an empty intake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "reports/crawl_data.h"
#include "common/csv.h"
#include "crawler/link_index.h"
#include "linkgraph/graph.h"
#include "reports/intake.h"
#include "reports/pack.h"
#include "reports/pack_gate.h"
#include "reports/pack_internal.h"
#include "reports/report_html.h"
#include "reports/report_html_internal.h"
#include "tools/read_whole_file.h"

static char *source_path(const char *relative)
{
    const char *root = getenv("CRAWLPACK_SOURCE_DIR");
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s/%s", root ? root : ".", relative);
    return buf_detach(&b);
}

static char *temp_file(const char *content)
{
    char *path = strdup("/tmp/crawlpack-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

/* ---- CSV ---- */

struct records {
    struct buf text; /* fields joined by '|', records by '\n' */
    unsigned lines[16];
    size_t count;
};

static int collect(void *context, char **fields, size_t count, unsigned line)
{
    struct records *r = context;
    for (size_t i = 0; i < count; i++)
        buf_printf(&r->text, "%s%s", i ? "|" : "", fields[i]);
    buf_append_char(&r->text, '\n');
    if (r->count < 16)
        r->lines[r->count] = line;
    r->count++;
    return CP_OK;
}

static void test_csv_reader(void **state)
{
    (void)state;
    char *path = temp_file("a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\r\n\n\"multi\nline\",2,3\nlast,,");
    struct records r = {BUF_INIT, {0}, 0};
    assert_int_equal(csv_read_file(path, collect, &r), CP_OK);
    assert_string_equal(buf_str(&r.text), "a|b|c\nx, y|he said \"hi\"|\nmulti\nline|2|3\nlast||\n");
    assert_int_equal(r.count, 4);
    assert_int_equal(r.lines[0], 1);
    assert_int_equal(r.lines[2], 4);
    assert_int_equal(r.lines[3], 6);
    unlink(path);
    free(path);
    buf_free(&r.text);
}

static void test_csv_unterminated_quote(void **state)
{
    (void)state;
    char *path = temp_file("url\n\"open,\n");
    struct records r = {BUF_INIT, {0}, 0};
    assert_int_equal(csv_read_file(path, collect, &r), CP_ERR_PARSE);
    unlink(path);
    free(path);
    buf_free(&r.text);
}

/* ---- intake ---- */

static void test_intake_example(void **state)
{
    (void)state;
    char *path = source_path("fixtures/intake/example.yaml");
    struct intake in;
    size_t warnings = 99;
    assert_int_equal(intake_load(path, &in, &warnings), CP_OK);
    assert_int_equal(warnings, 0);
    assert_non_null(in.decision);
    assert_string_equal(in.horizon, "Q1 2027");
    assert_int_equal(in.pains.count, 3);
    assert_string_equal(in.pains.items[0], "discoverability");
    assert_int_equal(in.stakeholders.count, 3);
    assert_string_equal(in.runtime, "Node.js 20 (Next.js 14)");
    assert_int_equal(in.candidate_count, 3);
    assert_int_equal(in.candidates[0].consumers.count, 3);
    assert_non_null(in.candidates[0].rollback);
    assert_int_equal(in.slo_count, 2);
    assert_string_equal(in.slos[1].owner, "Dana Ortiz");
    assert_int_equal(in.limit_count, 3);
    assert_true(in.limits[0].current.set);
    assert_true(in.limits[0].current.value == 410);
    assert_true(in.limits[0].growth_per_month.value == 12);
    assert_false(in.limits[2].growth_per_month.set);
    assert_int_equal(in.event_count, 2);
    assert_true(in.events[0].server_side && in.events[0].server_side_set);
    assert_int_equal(in.events[0].properties.count, 4);
    assert_int_equal(in.milestone_count, 3);
    assert_int_equal(in.milestones[0].dependencies.count, 0);
    assert_string_equal(in.milestones[1].dependencies.items[0], "M1");
    assert_int_equal(in.question_count, 2);
    assert_string_equal(in.questions[0].owner, "Sam Lee");
    assert_int_equal(in.observability_gaps.count, 2);
    assert_string_equal(in.residency, "EU only (eu-west-1)");
    intake_free(&in);
    free(path);
}

static void test_intake_errors(void **state)
{
    (void)state;
    struct intake in;
    size_t warnings = 0;
    char *path = source_path("fixtures/intake/wrong-shape.yaml");
    assert_int_equal(intake_load(path, &in, &warnings), CP_ERR_INVALID);
    assert_int_equal(warnings, 1);
    intake_free(&in);
    free(path);
    path = source_path("fixtures/intake/malformed.yaml");
    assert_int_equal(intake_load(path, &in, NULL), CP_ERR_PARSE);
    intake_free(&in);
    free(path);
    assert_int_equal(intake_load("/nonexistent/intake.yaml", &in, NULL), CP_ERR_IO);
    intake_free(&in);
    path = source_path("fixtures/intake/empty.yaml");
    assert_int_equal(intake_load(path, &in, NULL), CP_OK);
    assert_null(in.decision);
    assert_int_equal(in.candidate_count + in.slo_count + in.limit_count + in.event_count, 0);
    intake_free(&in);
    free(path);
}

static void test_intake_scalar_question_and_nulls(void **state)
{
    (void)state;
    char *path = temp_file("decision: ~\nopen_questions:\n  - plain question?\nslos:\nsystem:\n");
    struct intake in;
    assert_int_equal(intake_load(path, &in, NULL), CP_OK);
    assert_null(in.decision);
    assert_int_equal(in.question_count, 1);
    assert_string_equal(in.questions[0].question, "plain question?");
    assert_null(in.questions[0].owner);
    assert_int_equal(in.slo_count, 0);
    intake_free(&in);
    unlink(path);
    free(path);
}

/* ---- crawl folder ---- */

static void test_crawl_shop(void **state)
{
    (void)state;
    char *dir = source_path("fixtures/crawls/shop");
    struct crawl_data data;
    assert_int_equal(crawl_data_load(dir, &data), CP_OK);
    assert_int_equal(data.page_count, 30);
    assert_int_equal(data.link_count, 37);
    assert_int_equal(data.entry_count, 22);
    assert_int_equal(data.findings.count, 18);
    assert_int_equal(data.sitemap_file_count, 3);
    assert_int_equal(data.robots_count, 1);
    assert_int_equal(data.robots[0].bytes, 412);
    assert_true(data.has_links && data.has_sitemaps_csv && data.has_findings && data.has_crawl_json);
    assert_true(data.has_link_score && data.has_timing && data.has_hsts && data.has_analytics);
    assert_string_equal(data.started_at, "2026-11-20T09:00:00Z");
    const struct crawl_page *orphan = crawl_data_find(&data, "https://shop.example/blog/old-announcement");
    assert_non_null(orphan);
    assert_int_equal(orphan->depth, -1);
    assert_true(orphan->in_sitemap);
    const struct crawl_page *timeout = crawl_data_find(&data, "https://shop.example/docs/api");
    assert_int_equal(timeout->status, 0);
    assert_int_equal(strncmp(timeout->error, "timeout: ", 9), 0);
    assert_true(timeout->ttfb_ms < 0);
    assert_int_equal(timeout->hsts, -1);
    assert_null(crawl_data_find(&data, "https://shop.example/nope"));
    crawl_data_free(&data);
    free(dir);
}

static bool keep_canonicals(void *context, const struct crawl_data *data, struct crawl_link *link)
{
    (void)data;
    ++*(size_t *)context;
    return link->kind == LINK_CANONICAL;
}

static bool wants_canonicals(void *context, enum crawl_link_kind kind)
{
    (void)context;
    return kind == LINK_CANONICAL;
}

/* A link filter sees every row in order and keeps what it keeps, the same rows as a whole read;
 * one that says which kinds it wants sees only those, and every row is still counted. */
static void test_crawl_link_filter(void **state)
{
    (void)state;
    char *dir = source_path("fixtures/crawls/shop");
    struct crawl_data whole, some, asked;
    size_t seen = 0, seen_asked = 0;
    struct crawl_link_filter filter = {.keep = keep_canonicals, .context = &seen};
    struct crawl_link_filter choosy = {.keep = keep_canonicals, .wants = wants_canonicals, .context = &seen_asked};
    assert_int_equal(crawl_data_load(dir, &whole), CP_OK);
    assert_int_equal(crawl_data_load_filtered(dir, &filter, &some), CP_OK);
    assert_int_equal(seen, 37);
    assert_int_equal(some.links_read, 37);
    assert_int_equal(whole.links_read, whole.link_count);
    size_t kept = 0;
    for (size_t i = 0; i < whole.link_count; i++) {
        const struct crawl_link *w = &whole.links[i];
        if (w->kind != LINK_CANONICAL)
            continue;
        assert_true(kept < some.link_count);
        const struct crawl_link *k = &some.links[kept++];
        assert_string_equal(k->source, w->source);
        assert_string_equal(k->target, w->target);
        assert_string_equal(k->anchor, w->anchor);
        assert_true(k->source_page == crawl_data_find(&some, k->source));
    }
    assert_true(kept > 0);
    assert_int_equal(kept, some.link_count);
    assert_int_equal(crawl_data_load_filtered(dir, &choosy, &asked), CP_OK);
    assert_int_equal(seen_asked, kept); /* keep saw the canonical rows only */
    assert_int_equal(asked.links_read, 37);
    assert_int_equal(asked.link_count, kept);
    for (size_t i = 0; i < kept; i++) {
        assert_string_equal(asked.links[i].source, some.links[i].source);
        assert_string_equal(asked.links[i].target, some.links[i].target);
        assert_true(asked.links[i].source_page == crawl_data_find(&asked, asked.links[i].source));
    }
    crawl_data_free(&whole);
    crawl_data_free(&some);
    crawl_data_free(&asked);
    free(dir);
}

/* One links.csv row's ends and kind, as the index's writer knows them. */
struct row_ends {
    const struct crawl_data *pages;
    int64_t source, target;
    bool canonical, seen;
};

static int take_row_ends(void *context, char **fields, size_t count, unsigned line)
{
    (void)line;
    struct row_ends *ends = context;
    assert_true(count >= 3);
    const struct crawl_page *source = crawl_data_find(ends->pages, fields[0]);
    const struct crawl_page *target = crawl_data_find(ends->pages, fields[1]);
    ends->source = source ? source - ends->pages->pages : -1;
    ends->target = target ? target - ends->pages->pages : -1;
    ends->canonical = strcmp(fields[2], "canonical") == 0;
    ends->seen = true;
    return CP_OK;
}

/* The index links.csv's writer makes (crawler/link_index), from the fixture's rows: a row's ends
 * are graph nodes there, here their pages.csv rows (every URL of a crawl is one, as every URL of
 * this fixture is). The fixture has one row a line: each line's start is a row's. */
static void index_links(const char *dir, const struct crawl_data *pages, const struct link_index_limits *limits,
                        struct link_index *index)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/links.csv", dir);
    FILE *lines = fopen(path, "rb");
    struct csv_reader *reader = csv_reader_open(path);
    assert_non_null(lines);
    assert_non_null(reader);
    link_index_start(index, limits);
    char *line = NULL;
    size_t capacity = 0;
    assert_true(getline(&line, &capacity, lines) > 0); /* the header */
    for (off_t at = ftello(lines); getline(&line, &capacity, lines) > 0; at = ftello(lines)) {
        struct row_ends ends = {pages, 0, 0, false, false};
        assert_int_equal(csv_reader_record_at(reader, (uint64_t)at, take_row_ends, &ends), CP_OK);
        assert_true(ends.seen && ends.source >= 0 && ends.target >= 0);
        link_index_add(index, at, (uint32_t)ends.source, (uint32_t)ends.target, ends.canonical);
    }
    free(line);
    csv_reader_close(reader);
    fclose(lines);
}

static bool same_keys(const struct report_intern *a, const struct report_intern *b)
{
    uint32_t count = a->table ? graph_node_count(a->table) : 0;
    if (count != (b->table ? graph_node_count(b->table) : 0))
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (strcmp(graph_url(a->table, i, NULL), graph_url(b->table, i, NULL)) != 0)
            return false;
    return true;
}

/* The crawl's graph borrowed as the pages' index (an audit's report): the same rows, links and
 * lookups as with an index of their own, whatever the graph's node order and its extra nodes; a
 * graph that lacks a pages.csv URL is dropped and the pages read again. */
static void test_pages_indexed_by_crawl_graph(void **state)
{
    (void)state;
    char *dir = source_path("fixtures/crawls/shop");
    struct crawl_data own;
    assert_int_equal(crawl_data_load_files(dir, NULL, NULL, NULL, &own), CP_OK);
    assert_true(own.page_count > 2);
    struct graph *crawl = graph_create(0), *lacking = graph_create(0);
    assert_non_null(crawl);
    assert_non_null(lacking);
    assert_int_not_equal(graph_intern(crawl, "https://shop.example/not-a-row", 30, NULL), GRAPH_NO_NODE);
    for (size_t i = own.page_count; i-- > 0;) { /* backwards: node order is not row order */
        assert_int_not_equal(graph_intern(crawl, own.pages[i].url, strlen(own.pages[i].url), NULL), GRAPH_NO_NODE);
        if (i != 1)
            assert_int_not_equal(graph_intern(lacking, own.pages[i].url, strlen(own.pages[i].url), NULL),
                                 GRAPH_NO_NODE);
    }
    assert_int_equal(graph_freeze(crawl), CP_OK);
    const struct graph *graphs[] = {crawl, lacking};
    for (size_t g = 0; g < 2; g++) {
        struct crawl_data borrowed;
        assert_int_equal(crawl_data_load_files(dir, NULL, NULL, graphs[g], &borrowed), CP_OK);
        assert_true(borrowed.crawl_graph == (g == 0 ? crawl : NULL)); /* dropped when it lacks a URL */
        assert_int_equal(borrowed.page_count, own.page_count);
        for (size_t i = 0; i < own.page_count; i++) {
            assert_string_equal(borrowed.pages[i].url, own.pages[i].url);
            assert_string_equal(borrowed.pages[i].title, own.pages[i].title);
            assert_true(crawl_data_find(&borrowed, own.pages[i].url) == &borrowed.pages[i]);
        }
        assert_null(crawl_data_find(&borrowed, "https://shop.example/not-a-row"));
        assert_int_equal(borrowed.link_count, own.link_count);
        for (size_t i = 0; i < own.link_count; i++) {
            const struct crawl_link *a = &own.links[i], *b = &borrowed.links[i];
            assert_string_equal(a->target, b->target);
            assert_int_equal(a->source_page ? a->source_page - own.pages : -1,
                             b->source_page ? b->source_page - borrowed.pages : -1);
            assert_int_equal(a->target_page ? a->target_page - own.pages : -1,
                             b->target_page ? b->target_page - borrowed.pages : -1);
        }
        crawl_data_free(&borrowed);
    }
    graph_destroy(crawl);
    graph_destroy(lacking);
    crawl_data_free(&own);
    free(dir);
}

/* report.html's links read through links.csv's index (only the rows it lists, with their ranks)
 * are the links it picks reading every row, the same marks each, for budgets and shares small
 * enough that the fixture's 37 rows overrun them; an incomplete index is not used. */
static void test_links_read_with_index(void **state)
{
    (void)state;
    char *dir = source_path("fixtures/crawls/shop");
    struct crawl_data pages;
    assert_int_equal(crawl_data_load(dir, &pages), CP_OK);
    assert_int_equal(pages.page_count, 30);
    static const struct link_index_limits limits[] = {
        {0, 1, 800, 0},  {0, 0, 800, 1},   {0, 0, 800, 0}, {10, 2, 800, 1},
        {60, 1, 800, 1}, {120, 1, 800, 8}, {180, 1, 2, 2}, {300000, 1, 800, 8},
    };
    size_t fewer = 0;
    for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
        struct link_index index;
        index_links(dir, &pages, &limits[l], &index);
        assert_true(index.complete);
        assert_int_equal(index.records, 37);
        fewer += index.count < 37;
        struct report_link_picker whole_picker = {.limits = &limits[l]}, listed_picker = {.limits = &limits[l]};
        struct crawl_link_filter whole = report_link_filter(&whole_picker);
        struct crawl_link_filter listed = report_link_filter(&listed_picker);
        struct crawl_data a, b;
        assert_int_equal(crawl_data_load_files(dir, &whole, NULL, NULL, &a), CP_OK);
        assert_int_equal(crawl_data_load_files(dir, &listed, &index, NULL, &b), CP_OK);
        assert_int_equal(a.links_read, 37);
        assert_int_equal(b.links_read, 37);
        assert_true(b.has_links);
        assert_int_equal(a.link_count, 0); /* the picker keeps what it picked, crawl_data nothing */
        assert_int_equal(b.link_count, 0);
        assert_int_equal(whole_picker.link_count, listed_picker.link_count);
        assert_int_equal(whole_picker.shown, listed_picker.shown);
        for (size_t i = 0; i < whole_picker.link_count; i++) {
            const struct report_link *x = &whole_picker.links[i], *y = &listed_picker.links[i];
            assert_true(x->source == y->source && x->target == y->target && x->kind == y->kind);
            assert_true(x->rel == y->rel && x->anchor == y->anchor && x->marks == y->marks);
        }
        assert_true(same_keys(&whole_picker.extra, &listed_picker.extra));
        assert_true(same_keys(&whole_picker.strings, &listed_picker.strings));
        size_t picked = whole_picker.link_count;
        if (l == 0) /* no budget, no canonicals: nothing is picked */
            assert_int_equal(picked, 0);
        report_link_picker_free(&whole_picker);
        report_link_picker_free(&listed_picker);
        crawl_data_free(&a);
        crawl_data_free(&b);
        /* an index that lost an offset is not used: every row is read */
        index.complete = false;
        struct report_link_picker picker = {.limits = &limits[l]};
        struct crawl_link_filter filter = report_link_filter(&picker);
        struct crawl_data c;
        assert_int_equal(crawl_data_load_files(dir, &filter, &index, NULL, &c), CP_OK);
        assert_int_equal(picker.link_count, picked);
        assert_int_equal(c.links_read, 37);
        report_link_picker_free(&picker);
        crawl_data_free(&c);
        link_index_free(&index);
    }
    assert_true(fewer >= 3); /* the tight limits leave rows out of the index (see test_crawl_parts) */
    crawl_data_free(&pages);
    free(dir);
}

/* report.html is the same whether its links were picked while reading or from a whole read. */
static char *report_of(const struct crawl_data *data, struct report_link_picker *links)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_non_null(out);
    assert_int_equal(report_html_write(out, data, links), CP_OK);
    assert_int_equal(fclose(out), 0);
    return text;
}

static void test_report_links_picked_while_reading(void **state)
{
    (void)state;
    char *dir = source_path("fixtures/crawls/shop");
    struct crawl_data whole, picked;
    struct report_link_picker picker = {0};
    struct crawl_link_filter filter = report_link_filter(&picker);
    assert_int_equal(crawl_data_load(dir, &whole), CP_OK);
    assert_int_equal(crawl_data_load_filtered(dir, &filter, &picked), CP_OK);
    assert_false(picker.failed);
    char *a = report_of(&whole, NULL), *b = report_of(&picked, &picker);
    assert_string_equal(a, b);
    free(a), free(b);
    report_link_picker_free(&picker);
    crawl_data_free(&whole);
    crawl_data_free(&picked);
    free(dir);
}

static void test_crawl_minimal_and_missing(void **state)
{
    (void)state;
    char *dir = source_path("fixtures/crawls/minimal");
    struct crawl_data data;
    assert_int_equal(crawl_data_load(dir, &data), CP_OK);
    assert_int_equal(data.page_count, 5);
    assert_false(data.has_links || data.has_sitemaps_csv || data.has_findings || data.has_crawl_json);
    assert_false(data.has_timing || data.has_link_score || data.has_analytics);
    assert_null(data.started_at);
    assert_int_equal(data.pages[1].size, -1);
    assert_string_equal(data.pages[2].title, "");
    crawl_data_free(&data);
    free(dir);
    dir = source_path("fixtures/intake");
    assert_int_equal(crawl_data_load(dir, &data), CP_ERR_IO);
    crawl_data_free(&data);
    free(dir);
    dir = source_path("tests/pack/crawls/bad-json");
    assert_int_equal(crawl_data_load(dir, &data), CP_ERR_PARSE);
    crawl_data_free(&data);
    free(dir);
}

/* ---- measurements ---- */

static void test_measurements(void **state)
{
    (void)state;
    double values[] = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    assert_true(pack_percentile(values, 10, 50) == 5);
    assert_true(pack_percentile(values, 10, 95) == 10);
    assert_true(pack_percentile(values, 10, 99) == 10);
    assert_true(pack_percentile(values, 1, 50) == 1);
    assert_true(pack_percentile(values, 0, 50) == -1);
    char *s = pack_url_section("https://a.example/blog/post?x=1");
    assert_string_equal(s, "blog");
    free(s);
    s = pack_url_section("https://a.example/about.html");
    assert_string_equal(s, "pages");
    free(s);
    s = pack_url_section("https://a.example");
    assert_string_equal(s, "pages");
    free(s);
    s = pack_url_section("https://a.example/we ird/x");
    assert_string_equal(s, "we-ird");
    free(s);
    assert_string_equal(pack_url_path("https://a.example?q=1"), "/");
    long day = pack_parse_date("2026-11-20T09:00:00Z");
    assert_int_equal(day, 20777);
    char text[16];
    pack_format_date(day + 365, text);
    assert_string_equal(text, "2027-11-20");
    pack_format_date(pack_parse_date("2028-02-28") + 1, text);
    assert_string_equal(text, "2028-02-29");
    assert_int_equal(pack_parse_date("20/11/2026"), -1);
    assert_int_equal(pack_parse_date("2026-13-01"), -1);
    assert_true(pack_is_html("text/html; charset=utf-8"));
    assert_false(pack_is_html("application/pdf"));
}

/* ---- the gate ---- */

static const char *gate_reasons(const char *fixture, int section, enum gate_verdict *verdict)
{
    static char reasons[2048];
    char *path = source_path(fixture);
    struct intake in;
    assert_int_equal(intake_load(path, &in, NULL), CP_OK);
    struct pack_facts facts = {0};
    facts.crawl_has_pages = true;
    facts.doomsday_rows = 5;
    facts.risks = 1;
    facts.next_steps = 1;
    struct pack_gate gate;
    pack_gate_evaluate(&in, &facts, &gate);
    *verdict = gate.sections[section].verdict;
    snprintf(reasons, sizeof(reasons), "%s", buf_str(&gate.sections[section].reasons));
    assert_true(pack_gate_failed(&gate) == (*verdict == GATE_FAIL) || pack_gate_failed(&gate));
    pack_gate_free(&gate);
    intake_free(&in);
    free(path);
    return reasons;
}

static void test_gate_anti_patterns(void **state)
{
    (void)state;
    static const struct {
        const char *fixture;
        int section;
        const char *reason;
    } cases[] = {
        {"fixtures/intake/antipattern-1-platform-for-its-own-sake.yaml", 1, "anti-pattern 1"},
        {"fixtures/intake/antipattern-2-slo-theater.yaml", 2, "anti-pattern 2"},
        {"fixtures/intake/antipattern-3-boil-the-ocean.yaml", 3, "anti-pattern 3"},
        {"fixtures/intake/antipattern-4-ignoring-migration-cost.yaml", 1, "anti-pattern 4"},
        {"fixtures/intake/antipattern-5-analytics-wish-list.yaml", 4, "anti-pattern 5"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum gate_verdict verdict;
        const char *reasons = gate_reasons(cases[i].fixture, cases[i].section, &verdict);
        assert_int_equal(verdict, GATE_FAIL);
        assert_non_null(strstr(reasons, cases[i].reason));
    }
    enum gate_verdict verdict;
    for (int section = 0; section < 5; section++) {
        gate_reasons("fixtures/intake/example.yaml", section, &verdict);
        assert_int_equal(verdict, GATE_PASS);
    }
    gate_reasons("fixtures/intake/empty.yaml", 0, &verdict);
    assert_int_equal(verdict, GATE_PARTIAL);
}

static void test_gate_roadmap_checks(void **state)
{
    (void)state;
    char *path = temp_file("milestones:\n"
                           "  - {id: A, name: first, dependencies: [B], acceptance: [done]}\n"
                           "  - {id: B, name: second, owner: x, dependencies: [Z]}\n");
    struct intake in;
    assert_int_equal(intake_load(path, &in, NULL), CP_OK);
    struct pack_facts facts = {0};
    struct pack_gate gate;
    pack_gate_evaluate(&in, &facts, &gate);
    const char *reasons = buf_str(&gate.sections[6].reasons);
    assert_int_equal(gate.sections[6].verdict, GATE_FAIL);
    assert_non_null(strstr(reasons, "'B' has no acceptance criteria"));
    assert_non_null(strstr(reasons, "depends on unknown milestone 'Z'"));
    assert_non_null(strstr(reasons, "no measurable number"));
    assert_non_null(strstr(reasons, "first milestone is not executable"));
    assert_int_equal(gate.sections[7].verdict, GATE_FAIL); /* no risks, no next steps */
    assert_int_equal(gate.sections[5].verdict, GATE_FAIL); /* no crawl pages */
    pack_gate_free(&gate);
    intake_free(&in);
    unlink(path);
    free(path);
}

/* ---- a whole pack from an empty intake ---- */

static char *read_all(const char *path)
{
    struct buf b = BUF_INIT;
    assert_int_equal(read_whole_file(path, &b), 0);
    return buf_detach(&b);
}

static void test_empty_intake_pack_shape(void **state)
{
    (void)state;
    char dir[] = "/tmp/crawlpack-pack-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char output[128];
    snprintf(output, sizeof(output), "%s/pack.md", dir);
    char *intake = source_path("fixtures/intake/empty.yaml");
    char *crawl = source_path("fixtures/crawls/shop");
    struct pack_options options = {intake, crawl, NULL, output, NULL};
    struct pack_gate gate;
    assert_int_equal(pack_run(&options, &gate), CP_OK);
    assert_false(pack_gate_failed(&gate));
    pack_gate_free(&gate);
    char *text = read_all(output);
    static const char *const headings[] = {
        "\n## 1. Context snapshot\n",
        "\n### Assumptions\n",
        "\n## 2. Shared capabilities",
        "\n## 3. Quality attributes spec\n",
        "\n## 4. Scaling doomsday clock",
        "\n## 5. Instrumentation plan\n",
        "\n## 6. Discoverability plan\n",
        "\n## 7. Execution roadmap\n",
        "\n## 8. Risks, open questions, next steps\n",
        "\n### Open questions\n",
        "\n### Next steps\n",
        "\n## Quality gate\n",
    };
    const char *at = text;
    for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
        const char *found = strstr(at, headings[i]);
        assert_non_null(found);
        at = found + 1;
    }
    assert_non_null(strstr(text, "1. **Assumption:**"));
    const char *questions = strstr(text, "\n### Open questions\n");
    const char *next = strstr(text, "\n### Next steps\n");
    size_t numbered = 0;
    for (const char *p = questions; p && p < next; p = strchr(p + 1, '\n'))
        if (p[1] >= '1' && p[1] <= '9' && p[2] == '.')
            numbered++;
    assert_true(numbered >= 1 && numbered <= 5);
    char csv[160];
    snprintf(csv, sizeof(csv), "%s/sitemap-remove.csv", dir);
    char *remove = read_all(csv);
    assert_non_null(strstr(remove, "https://shop.example/blog/draft,https://shop.example/sitemap-blog.xml,"));
    free(remove);
    free(text);
    free(intake);
    free(crawl);
    char command[200];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

/* A section of 50,010 pages is split at the protocol's 50,000 URLs, in URL order. */
static void test_pagination_split(void **state)
{
    (void)state;
    char dir[] = "/tmp/crawlpack-big-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[160];
    snprintf(path, sizeof(path), "%s/pages.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("url,status,content_type,depth,in_sitemap\nhttps://big.example/,200,text/html,0,1\n", f);
    for (int i = 0; i < 50010; i++)
        fprintf(f, "https://big.example/items/p%05d,200,text/html,1,1\n", i);
    fclose(f);
    char output[160];
    snprintf(output, sizeof(output), "%s/out/pack.md", dir);
    struct pack_options options = {NULL, dir, NULL, output, "2026-11-27"};
    struct pack_gate gate;
    assert_int_equal(pack_run(&options, &gate), CP_OK);
    pack_gate_free(&gate);
    char *text = read_all(output);
    assert_non_null(strstr(text,
                           "`https://big.example/sitemap-items-1.xml` from `https://big.example/items/p00000`"
                           "<br>`https://big.example/sitemap-items-2.xml` from `https://big.example/items/p50000` |"));
    assert_non_null(strstr(text, "Measured gap: 1 file(s) need splitting"));
    free(text);
    char command[200];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

/* ---- R1: the smallest sitemap change ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The pack of a crawl folder made of the given files (name, text, name, text, ..., NULL). */
static char *pack_of(const char *first_name, ...)
{
    char dir[] = "/tmp/crawlpack-r1-XXXXXX";
    assert_non_null(mkdtemp(dir));
    va_list args;
    va_start(args, first_name);
    for (const char *name = first_name; name; name = va_arg(args, const char *))
        write_text(dir, name, va_arg(args, const char *));
    va_end(args);
    char output[200];
    snprintf(output, sizeof(output), "%s/out/pack.md", dir);
    struct pack_options options = {NULL, dir, NULL, output, "2026-11-27"};
    struct pack_gate gate;
    assert_int_equal(pack_run(&options, &gate), CP_OK);
    pack_gate_free(&gate);
    char *text = read_all(output);
    char command[200];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
    return text;
}

/* links.csv's found_in and sitemaps.csv's line are read by name, in any column order; a folder
 * written before them (the shop fixture) reads as found in the HTML, line unknown. */
static void test_crawl_found_in_and_line(void **state)
{
    (void)state;
    char dir[] = "/tmp/crawlpack-found-in-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_text(dir, "pages.csv", "url,status\nhttps://f.example/,200\n");
    write_text(dir, "links.csv",
               "source,found_in,target,kind\n"
               "https://f.example/,header,https://f.example/a,canonical\n"
               "https://f.example/,html,https://f.example/,canonical\n"
               "https://f.example/,,https://f.example/b,a\n");
    write_text(dir, "sitemaps.csv",
               "line,sitemap,url,lastmod\n"
               "7,https://f.example/sitemap.xml,https://f.example/,\n"
               "x,https://f.example/sitemap.xml,https://f.example/b,\n");
    struct crawl_data data;
    assert_int_equal(crawl_data_load(dir, &data), CP_OK);
    assert_int_equal(data.link_count, 3);
    assert_true(data.links[0].from_header);
    assert_false(data.links[1].from_header || data.links[2].from_header);
    assert_int_equal(data.entry_count, 2);
    assert_int_equal(data.entries[0].line, 7);
    assert_int_equal(data.entries[1].line, 0);
    crawl_data_free(&data);
    char command[200];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
    char *shop = source_path("fixtures/crawls/shop");
    assert_int_equal(crawl_data_load(shop, &data), CP_OK);
    for (size_t i = 0; i < data.link_count; i++)
        assert_false(data.links[i].from_header);
    for (size_t i = 0; i < data.entry_count; i++)
        assert_int_equal(data.entries[i].line, 0);
    crawl_data_free(&data);
    free(shop);
}

/* Two language folders have their sitemap, the default language at the root has none: R1 emits
 * that one file (beside the root index), R4 adds the root pages to it, and nothing is re-split. */
static void test_sitemap_default_language_missing(void **state)
{
    (void)state;
    char *text = pack_of("pages.csv",
                         "url,status,content_type,depth,in_sitemap\n"
                         "https://l.example/,200,text/html,0,0\n"
                         "https://l.example/guide/,200,text/html,1,0\n"
                         "https://l.example/fr/,200,text/html,1,1\n"
                         "https://l.example/fr/guide/,200,text/html,2,1\n"
                         "https://l.example/de/,200,text/html,1,1\n",
                         "sitemaps.csv",
                         "sitemap,url,lastmod\n"
                         "https://l.example/fr/sitemap.xml,https://l.example/fr/,2026-11-01\n"
                         "https://l.example/fr/sitemap.xml,https://l.example/fr/guide/,2026-11-01\n"
                         "https://l.example/de/sitemap.xml,https://l.example/de/,2026-11-01\n",
                         "crawl.json",
                         "{\"start_url\": \"https://l.example/\", \"sitemaps\": ["
                         "{\"url\": \"https://l.example/sitemap.xml\", \"urls\": 2, \"bytes\": 200},"
                         "{\"url\": \"https://l.example/fr/sitemap.xml\", \"urls\": 2, \"bytes\": 300},"
                         "{\"url\": \"https://l.example/de/sitemap.xml\", \"urls\": 1, \"bytes\": 200}]}\n",
                         NULL);
    assert_non_null(strstr(text, "| Emit the default language's sitemap `https://l.example/sitemap-pages.xml` for "
                                 "those 2 page(s) and list it in the index `https://l.example/sitemap.xml` | 2 "
                                 "indexable page(s) in no sitemap lie outside the folders of the current sitemaps "
                                 "(`/de/`, `/fr/`): `/`, `/guide/` |"));
    assert_null(strstr(text, "Re-split"));
    assert_null(strstr(text, "Moves:"));
    assert_non_null(strstr(text, "| `https://l.example/guide/` | `https://l.example/sitemap-pages.xml` |"));
    free(text);
}

/* A file within 80% of 50,000 URLs: the re-split, with the fact that asks for it. */
static void test_sitemap_resplit_near_limit(void **state)
{
    (void)state;
    char *text = pack_of("pages.csv",
                         "url,status,content_type,depth,in_sitemap\n"
                         "https://b.example/,200,text/html,0,1\n"
                         "https://b.example/items/1,200,text/html,1,1\n",
                         "crawl.json",
                         "{\"start_url\": \"https://b.example/\", \"sitemaps\": ["
                         "{\"url\": \"https://b.example/sitemap.xml\", \"urls\": 45000, \"bytes\": 9000000}]}\n",
                         NULL);
    assert_non_null(strstr(text, "| Re-split: one child sitemap per top-level section (2)"));
    assert_non_null(strstr(text, "https://b.example/sitemap.xml lists 45000 URLs, 90.0% of the protocol's 50,000 "
                                 "(alert at 80%) |"));
    assert_non_null(strstr(text, "| items | `https://b.example/sitemap-items.xml` |"));
    free(text);
}

/* No sitemap at all: publish one at the root; a file well within the limits is not re-split. */
static void test_sitemap_none_and_no_resplit(void **state)
{
    (void)state;
    char *text = pack_of("pages.csv",
                         "url,status,content_type,depth,in_sitemap\n"
                         "https://n.example/,200,text/html,0,0\n"
                         "https://n.example/a/b,200,text/html,1,0\n",
                         NULL);
    assert_non_null(strstr(text, "| Publish one sitemap at the root, `https://n.example/sitemap.xml`, listing the 2 "
                                 "indexable page(s), and declare it in robots.txt"));
    assert_null(strstr(text, "Re-split"));
    assert_non_null(strstr(text, "Measured: no sitemap; 2 indexable page(s) to list;"));
    assert_non_null(strstr(text, "| `https://n.example/a/b` | `https://n.example/sitemap.xml` |"));
    free(text);
    text = pack_of("pages.csv",
                   "url,status,content_type,depth,in_sitemap\n"
                   "https://k.example/,200,text/html,0,1\n",
                   "crawl.json",
                   "{\"start_url\": \"https://k.example/\", \"sitemaps\": ["
                   "{\"url\": \"https://k.example/sitemap.xml\", \"urls\": 39999, \"bytes\": 900}]}\n",
                   NULL);
    assert_non_null(strstr(text, "No change to the sitemap files"));
    assert_non_null(strstr(text, "Not triggered: no file passes a limit or comes within 80% of one"));
    free(text);
}

/* The audit's facts about the files: a sitemap naming another origin is regenerated with the site's
 * URL, one robots.txt names but that does not answer is served; neither asks for a re-split. */
static void test_sitemap_files_that_do_not_work(void **state)
{
    (void)state;
    char *text = pack_of(
        "pages.csv", "url,status,content_type,depth,in_sitemap\nhttps://o.example/,200,text/html,0,0\n",
        "findings.json",
        "{\"schema\": 1, \"run\": {\"inputs\": [\"https://o.example/\"]}, \"findings\": ["
        "{\"rule\": \"sitemap-loc-other-origin\", \"severity\": \"error\", \"url\": \"http://localhost:8000/\", "
        "\"source\": \"https://o.example/sitemap.xml\", \"related\": [], \"message\": \"x\"},"
        "{\"rule\": \"sitemap-loc-other-origin\", \"severity\": \"error\", \"url\": \"http://localhost:8000/a\", "
        "\"source\": \"https://o.example/sitemap.xml\", \"related\": [], \"message\": \"x\"},"
        "{\"rule\": \"sitemap-unreachable\", \"severity\": \"error\", \"url\": \"https://o.example/news.xml\", "
        "\"source\": \"https://o.example/news.xml\", \"related\": [], "
        "\"message\": \"https://o.example/news.xml answered HTTP 404\"}]}\n",
        NULL);
    assert_non_null(strstr(text, "| Make `https://o.example/news.xml` answer with the sitemap, or correct the "
                                 "`Sitemap:` line (or the reference) that names it | `sitemap-unreachable`: "
                                 "https://o.example/news.xml answered HTTP 404 |"));
    assert_non_null(strstr(text, "| Regenerate `https://o.example/sitemap.xml` with the site's own URL, "
                                 "`https://o.example` (the build's site URL setting) | `sitemap-loc-other-origin`: 2 "
                                 "entries name another origin, e.g. http://localhost:8000/ |"));
    assert_null(strstr(text, "Re-split"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_csv_unterminated_quote),
        cmocka_unit_test(test_intake_example),
        cmocka_unit_test(test_intake_errors),
        cmocka_unit_test(test_intake_scalar_question_and_nulls),
        cmocka_unit_test(test_crawl_shop),
        cmocka_unit_test(test_crawl_minimal_and_missing),
        cmocka_unit_test(test_crawl_link_filter),
        cmocka_unit_test(test_links_read_with_index),
        cmocka_unit_test(test_pages_indexed_by_crawl_graph),
        cmocka_unit_test(test_report_links_picked_while_reading),
        cmocka_unit_test(test_crawl_found_in_and_line),
        cmocka_unit_test(test_measurements),
        cmocka_unit_test(test_gate_anti_patterns),
        cmocka_unit_test(test_gate_roadmap_checks),
        cmocka_unit_test(test_empty_intake_pack_shape),
        cmocka_unit_test(test_pagination_split),
        cmocka_unit_test(test_sitemap_default_language_missing),
        cmocka_unit_test(test_sitemap_resplit_near_limit),
        cmocka_unit_test(test_sitemap_none_and_no_resplit),
        cmocka_unit_test(test_sitemap_files_that_do_not_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
