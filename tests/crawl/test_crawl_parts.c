/* SPDX-License-Identifier: Apache-2.0 */
/* tests/crawl/test_crawl_parts: the crawl engine's parts on their own — frontier ordering and
 * politeness, the hand-off queue between threads, the build-folder mapping, CSV quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/error.h"
#include "crawler/crawl.h"
#include "crawler/crawl_output.h"
#include "web/content_type.h"
#include "web/extract.h"
#include "linkgraph/graph.h"
#include "reports/render_csv.h"
#include "crawler/frontier.h"
#include "crawler/handoff.h"
#include "crawler/link_index.h"
#include "crawler/link_rows.h"
#include "web/local_root.h"
#include "web/url.h"

static void push(struct frontier *f, uint32_t node, const char *href, uint32_t depth, int expect)
{
    struct url u;
    assert_int_equal(url_parse_str(href, NULL, &u), URL_OK);
    assert_int_equal(frontier_push(f, node, &u, depth), expect);
    url_free(&u);
}

/* Claim the next URL, answering the robots.txt step first when the origin asks for it. */
static struct frontier_claim claim_url(struct frontier *f, double now)
{
    struct frontier_claim c = frontier_claim(f, now);
    if (c.kind == FRONTIER_ROBOTS) {
        frontier_set_robots_state(c.origin, FRONTIER_ROBOTS_READY);
        c = frontier_claim(f, now);
    }
    return c;
}

static void test_frontier_breadth_first(void **state)
{
    (void)state;
    struct frontier_options o = {.per_host = 100};
    struct frontier *f = frontier_new(&o);
    push(f, 1, "http://a.test/deep", 3, CP_OK);
    push(f, 2, "http://a.test/one", 1, CP_OK);
    push(f, 3, "http://a.test/two", 2, CP_OK);
    push(f, 4, "http://a.test/one-b", 1, CP_OK);
    uint32_t expected[] = {2, 4, 3, 1};
    for (int i = 0; i < 4; i++) {
        struct frontier_claim c = claim_url(f, 0);
        assert_int_equal(c.kind, FRONTIER_URL);
        assert_int_equal(c.node, expected[i]);
    }
    assert_int_equal(frontier_claim(f, 0).kind, FRONTIER_NONE);
    frontier_free(f);
}

static void test_frontier_per_host_and_rate(void **state)
{
    (void)state;
    struct frontier_options o = {.per_host = 2, .rate = 10};
    struct frontier *f = frontier_new(&o);
    for (uint32_t i = 0; i < 5; i++) {
        char href[64];
        snprintf(href, sizeof(href), "http://a.test/p%u", i);
        push(f, i, href, 1, CP_OK);
    }
    struct frontier_claim first = claim_url(f, 0);
    assert_int_equal(first.kind, FRONTIER_URL);
    struct frontier_claim early = frontier_claim(f, 50); /* 10/s: next start at 100 ms */
    assert_int_equal(early.kind, FRONTIER_NONE);
    assert_true(early.wait_ms > 0 && early.wait_ms <= 51);
    assert_int_equal(frontier_claim(f, 100).kind, FRONTIER_URL);
    assert_int_equal(frontier_claim(f, 300).kind, FRONTIER_NONE); /* two in flight: per-host cap */
    frontier_finish(f, first.origin, 300, false, false, -1);
    assert_int_equal(frontier_claim(f, 300).kind, FRONTIER_URL);
    frontier_free(f);
}

static void test_frontier_retry_after(void **state)
{
    (void)state;
    struct frontier_options o = {.per_host = 4};
    struct frontier *f = frontier_new(&o);
    push(f, 1, "http://a.test/busy", 1, CP_OK);
    push(f, 2, "http://b.test/other", 1, CP_OK);
    struct frontier_claim c = claim_url(f, 0);
    assert_int_equal(c.node, 1);
    frontier_finish(f, c.origin, 0, true, true, 2000);
    assert_int_equal(frontier_retry(f, &c), CP_OK);
    struct frontier_claim other = claim_url(f, 10); /* the other host is not paused */
    assert_int_equal(other.node, 2);
    assert_int_equal(frontier_claim(f, 1999).kind, FRONTIER_NONE);
    struct frontier_claim again = frontier_claim(f, 2000);
    assert_int_equal(again.kind, FRONTIER_URL);
    assert_int_equal(again.node, 1);
    assert_int_equal(again.attempt, 1);
    assert_int_equal(frontier_origin_stats(again.origin).throttled, 1);
    frontier_free(f);
}

static void test_frontier_circuit_breaker(void **state)
{
    (void)state;
    struct frontier_options o = {.per_host = 100, .breaker_window = 4, .breaker_ratio = 0.5, .breaker_pause_ms = 5000};
    struct frontier *f = frontier_new(&o);
    for (uint32_t i = 0; i < 10; i++) {
        char href[64];
        snprintf(href, sizeof(href), "http://a.test/p%u", i);
        push(f, i, href, 1, CP_OK);
    }
    for (int i = 0; i < 4; i++) {
        struct frontier_claim c = claim_url(f, 0);
        assert_int_equal(c.kind, FRONTIER_URL);
        /* only the outcome that fills the window opens the breaker, and says so */
        assert_int_equal(frontier_finish(f, c.origin, 0, i % 2 == 0, false, -1), i == 3);
    }
    struct frontier_claim paused = frontier_claim(f, 100);
    assert_int_equal(paused.kind, FRONTIER_NONE);
    struct frontier_claim later = frontier_claim(f, 5000);
    assert_int_equal(later.kind, FRONTIER_URL);
    struct frontier_origin_stats stats = frontier_origin_stats(later.origin);
    assert_int_equal(stats.breaker_pauses, 1);
    assert_int_equal(stats.breaker_errors, 2);
    assert_int_equal(stats.breaker_window, 4);
    assert_int_equal(stats.breaker_pause_ms, 5000);
    /* the window starts again empty: one more failure does not reopen it */
    assert_false(frontier_finish(f, later.origin, 5000, true, false, -1));
    frontier_free(f);
}

static void test_frontier_trap_cap(void **state)
{
    (void)state;
    struct frontier_options o = {.max_per_template = 3};
    struct frontier *f = frontier_new(&o);
    push(f, 1, "http://a.test/cal?month=1&y=2020", 1, CP_OK);
    push(f, 2, "http://a.test/cal?month=2&y=2021", 1, CP_OK);
    push(f, 3, "http://a.test/cal?month=3&y=2022", 1, CP_OK);
    push(f, 4, "http://a.test/cal?month=4&y=2023", 1, CP_ERR_LIMIT);
    push(f, 5, "http://a.test/cal?month=5&y=2023", 1, CP_ERR_LIMIT);
    push(f, 6, "http://a.test/page/7", 1, CP_OK);
    push(f, 7, "http://a.test/page/8", 1, CP_OK); /* distinct paths are distinct pages */
    push(f, 8, "http://a.test/page/9", 1, CP_OK);
    push(f, 9, "http://a.test/page/10", 1, CP_OK);
    assert_int_equal(frontier_trap_count(f), 1);
    size_t refused = 0;
    const char *example = NULL;
    assert_string_equal(frontier_trap_at(f, 0, &refused, &example), "http://a.test/cal?month&y");
    assert_int_equal(refused, 2);
    assert_string_equal(example, "http://a.test/cal?month=4&y=2023"); /* same length: byte order */
    frontier_free(f);
}

/* Traps in the path: number segments found ever deeper (a calendar) hit the cap, the same numbers
 * found at a few depths (a catalogue) never do, and a repeating path is refused at once. */
static void test_frontier_path_traps(void **state)
{
    (void)state;
    struct frontier_options o = {.max_per_template = 3};
    struct frontier *f = frontier_new(&o);
    char url[128];
    for (uint32_t i = 0; i < 100; i++) {
        snprintf(url, sizeof url, "http://a.test/p/%u.html", i);
        push(f, i, url, 2 + i % 3, CP_OK);
    }
    uint32_t admitted = 0;
    for (uint32_t i = 0; i < 40; i++) {
        snprintf(url, sizeof url, "http://a.test/calp/%04u/%02u/", 2024 + i / 12, 1 + i % 12);
        struct url u;
        assert_int_equal(url_parse_str(url, NULL, &u), URL_OK);
        admitted += frontier_push(f, 1000 + i, &u, 1 + i) == CP_OK;
        url_free(&u);
    }
    assert_int_equal(admitted, 22); /* until the depths span more than 20 clicks */
    push(f, 2000, "http://a.test/x/a/b/a/b/", 3, CP_OK);
    push(f, 2001, "http://a.test/x/a/b/a/b/a/b/", 4, CP_ERR_LIMIT);
    push(f, 2002, "http://a.test/y/y/y/", 4, CP_ERR_LIMIT);
    assert_int_equal(frontier_trap_count(f), 3);
    size_t refused = 0;
    assert_string_equal(frontier_trap_at(f, 0, &refused, NULL), "http://a.test/calp/{n}/{n}/");
    assert_int_equal(refused, 18);
    assert_string_equal(frontier_trap_at(f, 1, NULL, NULL), "http://a.test/x/a/b/{repeats}");
    frontier_free(f);
}

/* After max_origin_failures failures in a row the origin is given up: its queue is drained, later
 * URLs are refused, and the stats count what was not crawled. */
static void test_frontier_abandons_failing_origin(void **state)
{
    (void)state;
    struct frontier_options o = {.max_origin_failures = 3, .per_host = 8};
    struct frontier *f = frontier_new(&o);
    char url[64];
    for (uint32_t i = 0; i < 10; i++) {
        snprintf(url, sizeof url, "http://down.test/%u", i);
        push(f, i, url, 1, CP_OK);
    }
    struct frontier_claim robots = frontier_claim(f, 0);
    assert_int_equal(robots.kind, FRONTIER_ROBOTS);
    frontier_set_robots_state(robots.origin, FRONTIER_ROBOTS_READY);
    for (int i = 0; i < 3; i++) {
        struct frontier_claim claim = frontier_claim(f, 0);
        assert_int_equal(claim.kind, FRONTIER_URL);
        frontier_finish(f, claim.origin, 0, true, false, -1);
    }
    assert_true(frontier_origin_abandoned(robots.origin));
    assert_int_equal(frontier_claim(f, 0).kind, FRONTIER_NONE);
    uint32_t drained = 0;
    while (frontier_take_abandoned(f, robots.origin) != FRONTIER_NO_NODE)
        drained++;
    assert_int_equal(drained, 7);
    push(f, 20, "http://down.test/later", 1, FRONTIER_ABANDONED);
    struct frontier_origin_stats stats = frontier_origin_stats(robots.origin);
    assert_int_equal(stats.not_crawled, 8);
    assert_int_equal(stats.abandoned_after, FRONTIER_ABANDONED_FAILURES);
    frontier_free(f);
}

struct producer {
    struct handoff *queue;
    int base;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (int i = 0; i < 1000; i++) {
        int *item = malloc(sizeof(*item));
        *item = p->base + i;
        handoff_push(p->queue, item);
    }
    return NULL;
}

static void test_handoff_threads(void **state)
{
    (void)state;
    struct handoff q;
    handoff_init(&q, NULL, NULL);
    pthread_t threads[4];
    struct producer producers[4];
    for (int i = 0; i < 4; i++) {
        producers[i] = (struct producer){&q, i * 1000};
        pthread_create(&threads[i], NULL, produce, &producers[i]);
    }
    static char seen[4000];
    for (int n = 0; n < 4000; n++) {
        int *item = handoff_pop(&q);
        assert_non_null(item);
        assert_false(seen[*item]);
        seen[*item] = 1;
        free(item);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    assert_null(handoff_pop_timed(&q, 10));
    handoff_close(&q);
    assert_null(handoff_pop(&q));
    handoff_free(&q);
}

/* links.csv's writer: every batch in the order handed (far more than its queue holds, so hands
 * wait for room), each owner freed once, and a batch handed without an owner keeps copies of its
 * strings (the caller reuses its buffer at once). */
static atomic_int owners_freed;

static void free_owner(void *owner)
{
    atomic_fetch_add(&owners_freed, 1);
    free(owner);
}

/* links.csv's index (crawler/link_index): on 20,000 rows among 300 URLs whose share shrinks as
 * they appear, it lists every row that the final share may show (the ranks counted here, row by
 * row, over every row), with those ranks and its offset, and leaves most of the others out. */
static void test_link_index_lists_what_may_be_shown(void **state)
{
    (void)state;
    enum { ROWS = 20000, URLS = 300 };
    static const struct link_index_limits limits = {3000, 1, 800, 2};
    static uint16_t sources[URLS], targets[URLS];
    static uint8_t canonicals[URLS];
    struct link_index index;
    link_index_start(&index, &limits);
    uint32_t seed = 7;
    uint32_t highest = 0;
    size_t may_show = 0, found = 0;
    for (uint32_t row = 0; row < ROWS; row++) {
        seed = seed * 1103515245u + 12345u;
        /* the URLs appear over the first half of the rows, as a crawl finds them */
        uint32_t known = 2 + (row < ROWS / 2 ? (URLS - 2) * row / (ROWS / 2) : URLS - 2);
        uint32_t source = (seed >> 8) % known, target = (seed >> 20) % known;
        bool canonical = (seed & 31) == 0;
        highest = source > highest ? source : target > highest ? target : highest;
        link_index_add(&index, (int64_t)row * 10, source, target, canonical);
    }
    assert_true(index.complete);
    assert_int_equal(index.records, ROWS);
    assert_int_equal(index.nodes, highest + 1);
    unsigned share = link_index_share(&limits, URLS);
    assert_int_equal(share, 5);
    seed = 7;
    for (uint32_t row = 0; row < ROWS; row++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t known = 2 + (row < ROWS / 2 ? (URLS - 2) * row / (ROWS / 2) : URLS - 2);
        uint32_t source = (seed >> 8) % known, target = (seed >> 20) % known;
        bool canonical = (seed & 31) == 0;
        unsigned source_rank = sources[source]++, target_rank = targets[target]++;
        unsigned canonical_rank = canonical ? canonicals[source]++ : LINK_RANK_NONE;
        while (found < index.count && index.rows[found].offset < (uint64_t)row * 10)
            found++;
        bool listed = found < index.count && index.rows[found].offset == (uint64_t)row * 10;
        if (source_rank < share || target_rank < share || canonical_rank < limits.canonicals) {
            may_show++;
            assert_true(listed);
            assert_int_equal(index.rows[found].source_rank, source_rank);
            assert_int_equal(index.rows[found].target_rank, target_rank);
            assert_int_equal(index.rows[found].canonical_rank, canonical_rank);
        }
    }
    for (size_t i = 1; i < index.count; i++)
        assert_true(index.rows[i - 1].offset < index.rows[i].offset);
    assert_true(may_show > 1000);
    assert_true(index.count < 2 * may_show); /* the rows listed with a larger share were dropped */
    link_index_free(&index);
    /* an unknown offset makes the index incomplete; rows are still counted */
    link_index_start(&index, &limits);
    link_index_add(&index, -1, 0, 1, false);
    link_index_add(&index, 40, 1, 0, false);
    assert_false(index.complete);
    assert_int_equal(index.records, 2);
    link_index_free(&index);
}

static void test_link_rows_order_and_owners(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    struct link_rows w;
    link_rows_start(&w, out, free_owner, NULL);
    enum { BATCHES = 3 * LINK_ROWS_MAX_QUEUED };
    atomic_store(&owners_freed, 0);
    for (int i = 0; i < BATCHES; i++) {
        struct link_batch *b = link_rows_batch(&w, "https://a.example/", 0);
        assert_non_null(b);
        char *anchor = malloc(16);
        assert_non_null(anchor);
        snprintf(anchor, 16, "a%d", i);
        struct link_row row = {.target = "https://a.example/t",
                               .target_node = 1,
                               .anchor = anchor,
                               .meta = GRAPH_EDGE_LINK,
                               .rendered = -1,
                               .followable = true};
        link_rows_add(b, &row);
        if (i % 2) {
            link_rows_hand(&w, b, anchor);
        } else {
            link_rows_hand(&w, b, NULL);
            memset(anchor, 'x', 15); /* the batch has its own copy */
            free(anchor);
        }
    }
    struct link_batch *next_rel = link_rows_batch(&w, "https://a.example/", 0);
    char rel[] = "next";
    struct link_row row = {.target = "https://a.example/2",
                           .target_node = 2,
                           .rel_extra = rel,
                           .anchor = "",
                           .meta = GRAPH_EDGE_LINK,
                           .rendered = 1,
                           .followable = false};
    link_rows_add(next_rel, &row);
    link_rows_hand(&w, next_rel, NULL);
    rel[0] = 'X';
    assert_int_equal(link_rows_stop(&w), 0);
    assert_int_equal(link_rows_stop(&w), 0); /* a second stop does nothing */
    assert_int_equal(atomic_load(&owners_freed), BATCHES / 2);
    fclose(out);
    char *line = text;
    for (int i = 0; i < BATCHES; i++) {
        char want[128];
        snprintf(want, sizeof want, "https://a.example/,https://a.example/t,a,,a%d,1,html\r\n", i);
        assert_memory_equal(line, want, strlen(want));
        line += strlen(want);
    }
    assert_string_equal(line, "https://a.example/,https://a.example/2,next,,,0,1,html\r\n");
    free(text);
}

static void expect_local(const struct local_root *root, const char *url, long status, const char *first_bytes)
{
    struct fetch_result *r = NULL;
    assert_int_equal(local_root_fetch(root, url, 0, NULL, &r), CP_OK);
    if (r->status != status)
        fail_msg("%s: status %ld, want %ld", url, r->status, status);
    if (first_bytes)
        assert_memory_equal(r->body, first_bytes, strlen(first_bytes));
    fetch_result_free(r);
}

static void test_local_root_mapping(void **state)
{
    (void)state;
    char dir[512], site[600];
    snprintf(dir, sizeof(dir), "%s/fixtures/sites/basic", getenv("CRAWLPACK_SOURCE_DIR"));
    snprintf(site, sizeof(site), "https://example.com/");
    struct local_root *root = NULL;
    char error[256];
    assert_int_equal(local_root_new(dir, site, &root, error, sizeof(error)), CP_OK);
    expect_local(root, "https://example.com/", 200, "<!doctype html>");
    expect_local(root, "https://example.com/about/", 200, "<!doctype html>");
    expect_local(root, "https://example.com/about", 200, "<!doctype html>");       /* a/index.html */
    expect_local(root, "https://example.com/blog/post-1", 200, "<!doctype html>"); /* a.html */
    expect_local(root, "https://example.com/blog/post-1.html?x=1", 200, NULL);     /* query ignored */
    expect_local(root, "https://example.com/%62log/", 200, NULL);                  /* percent-decoded */
    expect_local(root, "https://example.com/robots.txt", 200, "User-agent");
    expect_local(root, "https://example.com/missing.html", 404, NULL);
    expect_local(root, "https://example.com/%2e%2e/%2e%2e/etc/passwd", 404, NULL);
    expect_local(root, "https://example.com/blog/%2E%2E%2F..%2Fetc", 404, NULL);
    expect_local(root, "https://other.example/", 404, NULL);
    local_root_free(root);
    assert_int_equal(local_root_new("/no/such/folder", site, &root, error, sizeof(error)), CP_ERR_INVALID);
    assert_non_null(strstr(error, "/no/such/folder"));
    assert_int_equal(local_root_new(dir, "mailto:x@y", &root, error, sizeof(error)), CP_ERR_INVALID);
}

static void test_csv_quoting(void **state)
{
    (void)state;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    csv_write_field(out, "plain");
    fputc('|', out);
    csv_write_field(out, "a,b");
    fputc('|', out);
    csv_write_field(out, "say \"hi\"");
    fputc('|', out);
    csv_write_field(out, "two\nlines");
    fputc('|', out);
    csv_write_field(out, NULL);
    fclose(out);
    assert_string_equal(text, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
    free(text);
}

struct page_count {
    int pages;
    int titled;
};

static void count_page(void *context, struct graph *graph, uint32_t node, const struct page_signals *signals)
{
    struct page_count *count = context;
    assert_true(node < graph_node_count(graph));
    count->pages++;
    count->titled += signals->title != NULL;
}

/* The library entry point on a build folder: workers, hand-offs, robots.txt, the page hook. */
static void test_crawl_run_root(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/fixtures/sites/basic", getenv("CRAWLPACK_SOURCE_DIR"));
    struct page_count count = {0, 0};
    struct crawl_options options = {
        .root_dir = dir,
        .site_url = "https://basic.example/",
        .threads = 3,
        .max_depth = -1,
        .on_page = count_page,
        .on_page_context = &count,
    };
    struct crawl_result result;
    char error[256] = "";
    assert_int_equal(crawl_run(&options, &result, error, sizeof(error)), CP_OK);
    assert_int_equal(result.pages_fetched, 7); /* 5 HTML pages, the PDF, the 404; not the blocked one */
    assert_int_equal(count.pages, 5);
    assert_int_equal(count.titled, 5);
    assert_true(graph_is_frozen(result.graph));
    assert_int_equal(result.pages[result.start_node].depth, 0);
    assert_int_equal(result.robots_count, 1);
    assert_string_equal(result.robots[0].action, "parse");
    uint32_t secret = graph_find(result.graph, "https://basic.example/private/secret.html",
                                 strlen("https://basic.example/private/secret.html"));
    assert_int_not_equal(secret, GRAPH_NO_NODE);
    assert_true(graph_node(result.graph, secret)->flags & GRAPH_NODE_ROBOTS_BLOCKED);
    crawl_result_free(&result);
}

/* A site whose start page links to 19 pages that all answer 500: the 20th response fills the
 * breaker's window (19 failures of 20) and opens it, with nothing left to wait for. */
static enum MHD_Result serve_failing_site(void *cls, struct MHD_Connection *connection, const char *url,
                                          const char *method, const char *version, const char *data, size_t *size,
                                          void **context)
{
    (void)cls, (void)method, (void)version, (void)data, (void)size, (void)context;
    char body[2048] = "<!doctype html><title>start</title>";
    unsigned status = 200;
    if (strcmp(url, "/") == 0) {
        for (int i = 0; i < 19; i++)
            snprintf(body + strlen(body), sizeof(body) - strlen(body), "<a href=\"/p%d\">p%d</a>", i, i);
    } else if (strcmp(url, "/robots.txt") == 0 || strncmp(url, "/sitemap", 8) == 0) {
        status = 404;
    } else {
        status = 500;
    }
    struct MHD_Response *response = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(response, "Content-Type", "text/html");
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

static size_t count_findings(const struct finding_list *list, enum rule_id rule)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += list->items[i].rule == rule;
    return n;
}

/* The circuit breaker's pause is a crawl-host-paused finding, once, with its evidence. */
static void test_crawl_run_breaker_finding(void **state)
{
    (void)state;
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve_failing_site,
                                                 NULL, MHD_OPTION_END);
    assert_non_null(daemon);
    unsigned port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    char start[64], origin[64];
    snprintf(start, sizeof(start), "http://127.0.0.1:%u/", port);
    snprintf(origin, sizeof(origin), "http://127.0.0.1:%u", port);
    struct crawl_options options = {.start_url = start, .threads = 2, .max_depth = -1, .no_sitemaps = true};
    struct crawl_result result;
    char error[256] = "";
    assert_int_equal(crawl_run(&options, &result, error, sizeof(error)), CP_OK);
    MHD_stop_daemon(daemon);
    assert_int_equal(result.pages_fetched, 20);
    assert_int_equal(count_findings(&result.findings, RULE_CRAWL_HOST_PAUSED), 1);
    const struct finding *paused = NULL;
    for (size_t i = 0; i < result.findings.count; i++)
        if (result.findings.items[i].rule == RULE_CRAWL_HOST_PAUSED)
            paused = &result.findings.items[i];
    assert_non_null(paused);
    assert_string_equal(paused->url, origin);
    assert_non_null(strstr(paused->message, "19 of its last 20 responses failed (95% errors"));
    assert_non_null(strstr(paused->message, "paused for 30 s"));
    assert_int_equal(result.breaker_count, 1); /* and crawl.json's list */
    crawl_result_free(&result);
}

/* A chain: each page links only to the next, so each is found only once the one before is parsed. */
static enum MHD_Result serve_chain(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                                   const char *version, const char *data, size_t *size, void **context)
{
    (void)cls, (void)method, (void)version, (void)data, (void)size, (void)context;
    char body[256] = "";
    unsigned status = 404;
    int n = -1;
    if (strcmp(url, "/") == 0)
        n = 0;
    else if (sscanf(url, "/p%d", &n) != 1 || n < 1 || n > 5)
        n = -1;
    if (n >= 0) {
        status = 200;
        snprintf(body, sizeof(body), "<!doctype html><title>p%d</title>", n);
        if (n < 5)
            snprintf(body + strlen(body), sizeof(body) - strlen(body), "<a href=\"/p%d\">next</a>", n + 1);
    }
    struct MHD_Response *response = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(response, "Content-Type", "text/html");
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

/* A production host name sent to a local server with --connect-to or --resolve gets the loopback
 * politeness defaults (no rate limit, --per-host = --concurrency), as 127.0.0.1 itself does: the
 * default 10 requests/s would make every page of a link chain wait 100 ms for nothing. */
static void test_crawl_run_connect_to_loopback_is_local(void **state)
{
    (void)state;
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve_chain, NULL,
                                                 MHD_OPTION_END);
    assert_non_null(daemon);
    unsigned port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    char connect_to[96], resolve[96], start[64];
    snprintf(connect_to, sizeof(connect_to), "chain.test:80:127.0.0.1:%u", port);
    snprintf(resolve, sizeof(resolve), "chain.test:%u:127.0.0.1", port);
    const char *connect_tos[] = {"other.test:80:192.0.2.1:80", connect_to};
    struct crawl_options options = {
        .start_url = "http://chain.test/", .threads = 2, .max_depth = -1, .no_sitemaps = true};
    options.fetch.connect_to = connect_tos;
    options.fetch.connect_to_count = 2;
    struct crawl_result result;
    char error[256] = "";
    assert_int_equal(crawl_run(&options, &result, error, sizeof(error)), CP_OK);
    assert_int_equal(result.pages_fetched, 6);
    assert_true(result.rate == 0);
    assert_int_equal(result.per_host, result.concurrency);
    crawl_result_free(&result);

    snprintf(start, sizeof(start), "http://chain.test:%u/", port);
    const char *resolves[] = {resolve};
    struct crawl_options by_resolve = {.start_url = start, .threads = 2, .max_depth = -1, .no_sitemaps = true};
    by_resolve.fetch.resolve = resolves;
    by_resolve.fetch.resolve_count = 1;
    assert_int_equal(crawl_run(&by_resolve, &result, error, sizeof(error)), CP_OK);
    assert_int_equal(result.pages_fetched, 6);
    assert_true(result.rate == 0);
    crawl_result_free(&result);
    MHD_stop_daemon(daemon);

    /* Sent elsewhere, the production defaults stay (stopped before the first request: no network). */
    const char *elsewhere[] = {"chain.test:80:192.0.2.1:80"};
    volatile sig_atomic_t stop = 1;
    struct crawl_options remote = options;
    remote.fetch.connect_to = elsewhere;
    remote.fetch.connect_to_count = 1;
    remote.stop_flag = &stop;
    assert_int_equal(crawl_run(&remote, &result, error, sizeof(error)), CP_ERR_INTERRUPTED);
    assert_int_equal(result.pages_fetched, 0);
    assert_true(result.rate == 10);
    assert_int_equal(result.per_host, 4);
    crawl_result_free(&result);
}

/* "/" names its canonical in the HTML and another in a Link header, with a Link header's next;
 * "/moved" redirects to "/". */
static enum MHD_Result serve_header_references(void *cls, struct MHD_Connection *connection, const char *url,
                                               const char *method, const char *version, const char *data, size_t *size,
                                               void **context)
{
    (void)cls, (void)method, (void)version, (void)data, (void)size, (void)context;
    const char *body = "<!doctype html><head><title>home</title><link rel=canonical href=\"/\"></head>"
                       "<a href=\"/moved\">moved</a>";
    unsigned status = strcmp(url, "/") == 0 ? 200 : strcmp(url, "/moved") == 0 ? 301 : 404;
    if (status != 200)
        body = "";
    struct MHD_Response *response = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(response, "Content-Type", "text/html");
    if (status == 200)
        MHD_add_response_header(response, "Link", "</other>; rel=canonical, </page/2>; rel=next");
    if (status == 301)
        MHD_add_response_header(response, "Location", "/");
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

/* links.csv's found_in is the graph edge's: a Link header's canonical and next and a redirect's
 * Location are "header", the HTML's canonical and links "html". */
static void test_links_found_in(void **state)
{
    (void)state;
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
                                                 serve_header_references, NULL, MHD_OPTION_END);
    assert_non_null(daemon);
    unsigned port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    char start[64];
    snprintf(start, sizeof(start), "http://127.0.0.1:%u/", port);
    char *text = NULL;
    size_t length = 0;
    FILE *links = open_memstream(&text, &length);
    assert_non_null(links);
    struct crawl_options options = {
        .start_url = start, .threads = 1, .max_depth = -1, .no_sitemaps = true, .links_out = links};
    struct crawl_result result;
    char error[256] = "";
    assert_int_equal(crawl_run(&options, &result, error, sizeof(error)), CP_OK);
    MHD_stop_daemon(daemon);
    fclose(links);
    static const char *const rows[][4] = {
        {"/", "/", "canonical", "html"}, {"/", "/other", "canonical", "header"}, {"/", "/page/2", "next", "header"},
        {"/", "/moved", "a", "html"},    {"/moved", "/", "redirect", "header"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char row[256];
        snprintf(row, sizeof row, "http://127.0.0.1:%u%s,http://127.0.0.1:%u%s,%s,", port, rows[i][0], port, rows[i][1],
                 rows[i][2]);
        const char *at = strstr(text, row);
        assert_non_null(at);
        const char *end = strstr(at, "\r\n");
        assert_non_null(end);
        size_t n = strlen(rows[i][3]);
        assert_true((size_t)(end - at) > n && end[-(ptrdiff_t)n - 1] == ',');
        assert_memory_equal(end - n, rows[i][3], n);
    }
    crawl_result_free(&result);
    free(text);
}

/* The one "is this HTML" test: the media type alone decides, any case, any parameters. */
static void test_content_type_is_html(void **state)
{
    (void)state;
    assert_true(content_type_is_html("text/html"));
    assert_true(content_type_is_html("TEXT/HTML; charset=utf-8"));
    assert_true(content_type_is_html("text/html;charset=utf-8"));
    assert_true(content_type_is_html("application/xhtml+xml"));
    assert_false(content_type_is_html("text/htmlx"));
    assert_false(content_type_is_html("text/plain"));
    assert_false(content_type_is_html("application/xhtml+xml-ish"));
    assert_false(content_type_is_html(""));
    assert_false(content_type_is_html(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_type_is_html),
        cmocka_unit_test(test_frontier_breadth_first),
        cmocka_unit_test(test_frontier_per_host_and_rate),
        cmocka_unit_test(test_frontier_retry_after),
        cmocka_unit_test(test_frontier_circuit_breaker),
        cmocka_unit_test(test_frontier_trap_cap),
        cmocka_unit_test(test_frontier_path_traps),
        cmocka_unit_test(test_frontier_abandons_failing_origin),
        cmocka_unit_test(test_handoff_threads),
        cmocka_unit_test(test_link_index_lists_what_may_be_shown),
        cmocka_unit_test(test_link_rows_order_and_owners),
        cmocka_unit_test(test_local_root_mapping),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_crawl_run_root),
        cmocka_unit_test(test_crawl_run_breaker_finding),
        cmocka_unit_test(test_crawl_run_connect_to_loopback_is_local),
        cmocka_unit_test(test_links_found_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
