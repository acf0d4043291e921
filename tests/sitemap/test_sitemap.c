/* SPDX-License-Identifier: Apache-2.0 */
/* test_sitemap: unit tests of the sitemap module's API as the crawler uses it — parsing from a
 * buffer (plain, gzip, text) with the entry callback, the duplicate set, W3C Datetime, the
 * discovery plan and fetching over HTTP from a local server, and the shipped schemas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/error.h"
#include "sitemap/datetime.h"
#include "sitemap/discover.h"
#include "sitemap/schema.h"
#include "sitemap/sitemap.h"
#include "sitemap/source.h"
#include "sitemap/url_set.h"
#include "tools/read_whole_file.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

struct collected {
    size_t count;
    char urls[8][128];
    char lastmods[8][64];
    unsigned lines[8];
    size_t alternates[8];
    char first_hreflang[8][16];
    unsigned images[8];
    double priorities[8];
    size_t stop_after; /* 0: never stop */
};

static int collect(const struct sitemap_entry *entry, void *context)
{
    struct collected *c = context;
    if (c->count < 8) {
        snprintf(c->urls[c->count], sizeof c->urls[0], "%s", entry->url);
        snprintf(c->lastmods[c->count], sizeof c->lastmods[0], "%s", entry->lastmod ? entry->lastmod : "-");
        c->lines[c->count] = entry->line;
        c->alternates[c->count] = entry->alternate_count;
        snprintf(c->first_hreflang[c->count], sizeof c->first_hreflang[0], "%s",
                 entry->alternate_count ? entry->alternates[0].hreflang : "-");
        c->images[c->count] = entry->image_count;
        c->priorities[c->count] = entry->priority;
    }
    c->count++;
    return c->stop_after && c->count >= c->stop_after;
}

static size_t count_rule(const struct finding_list *list, enum rule_id rule)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += list->items[i].rule == rule;
    return n;
}

static const char urlset[] =
    "<?xml version=\"1.0\"?>\n"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"\n"
    "        xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">\n"
    "<url><loc> https://example.com/a#top </loc><lastmod>2025-01-02</lastmod><priority>0.3</priority>\n"
    "  <xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\" https://example.com/fr/a \"/>\n"
    "  <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/a\"/></url>\n"
    "<url>\n  <loc>https://example.com/b</loc>\n"
    "  <image:image><image:loc>https://example.com/i.png</image:loc></image:image></url>\n"
    "<url><loc>relative</loc></url>\n"
    "</urlset>\n";

static void check_buffer(const void *data, size_t length, struct finding_list *findings, struct collected *c,
                         const struct sitemap_options *options)
{
    struct sitemap_options defaults = {.now = NOW};
    struct sitemap_checker checker;
    assert_int_equal(sitemap_checker_init(&checker, options ? options : &defaults, findings, collect, c), CP_OK);
    struct sitemap_result result;
    assert_int_equal(sitemap_check_buffer(&checker, "body", "https://example.com/sitemap.xml", data, length,
                                          SITEMAP_ORIGIN_ARGUMENT, &result),
                     CP_OK);
    assert_true(result.read);
    sitemap_checker_free(&checker);
}

static void test_buffer_entries(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    struct collected c = {0};
    check_buffer(urlset, sizeof urlset - 1, &findings, &c, NULL);
    assert_int_equal(c.count, 2);
    assert_string_equal(c.urls[0], "https://example.com/a"); /* identity: fragment dropped */
    assert_string_equal(c.lastmods[0], "2025-01-02");
    assert_int_equal(c.lines[0], 4);
    assert_int_equal(c.alternates[0], 2);
    assert_string_equal(c.first_hreflang[0], "fr");
    assert_true(c.priorities[0] > 0.29 && c.priorities[0] < 0.31);
    assert_string_equal(c.urls[1], "https://example.com/b");
    assert_int_equal(c.lines[1], 8);
    assert_int_equal(c.images[1], 1);
    assert_true(c.priorities[1] == 0.5);
    assert_int_equal(findings.count, 1);
    assert_int_equal(findings.items[0].rule, RULE_SITEMAP_LOC_INVALID);
    assert_int_equal(findings.items[0].line, 10);
    findings_free(&findings);
}

static size_t gzip_bytes(const void *data, size_t length, unsigned char *out, size_t size)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)length;
    z.next_out = out;
    z.avail_out = (uInt)size;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = size - z.avail_out;
    deflateEnd(&z);
    return n;
}

static void test_buffer_gzip(void **state)
{
    (void)state;
    unsigned char packed[4096];
    size_t n = gzip_bytes(urlset, sizeof urlset - 1, packed, sizeof packed);
    struct finding_list findings = FINDING_LIST_INIT;
    struct collected c = {0};
    check_buffer(packed, n, &findings, &c, NULL);
    assert_int_equal(c.count, 2);
    assert_int_equal(findings.count, 1);
    findings_free(&findings);

    /* The inflation cap: reading stops with CP_ERR_LIMIT past cap bytes. */
    struct sitemap_source *source;
    assert_int_equal(sitemap_source_open_memory(packed, n, 100, &source), CP_OK);
    char buffer[4096];
    ssize_t total = 0, got;
    while ((got = sitemap_source_read(source, buffer, sizeof buffer)) > 0)
        total += got;
    assert_int_equal(got, CP_ERR_LIMIT);
    assert_int_equal(total, 100);
    assert_true(sitemap_source_is_gzip(source));
    sitemap_source_close(source);
}

static void test_buffer_text_and_stop(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBFhttps://example.com/1\r\n\nhttps://example.com/2\nhttps://example.com/3";
    struct finding_list findings = FINDING_LIST_INIT;
    struct collected c = {0};
    check_buffer(text, sizeof text - 1, &findings, &c, NULL);
    assert_int_equal(c.count, 3);
    assert_string_equal(c.urls[0], "https://example.com/1");
    assert_int_equal(c.lines[2], 4);
    assert_int_equal(findings.count, 0);

    struct collected stopping = {.stop_after = 1};
    check_buffer(text, sizeof text - 1, &findings, &stopping, NULL);
    assert_int_equal(stopping.count, 1);
    findings_free(&findings);
}

static void test_duplicates_across_buffers_and_scope(void **state)
{
    (void)state;
    static const char *const declared[] = {"https://example.com/sitemap.xml", "https://example.com/sitemap-2.xml"};
    static const struct sitemap_robots_declaration robots[] = {{"https://partner.example", declared, 2}};
    struct sitemap_options options = {.now = NOW, .robots = robots, .robots_count = 1};
    static const char body[] = "https://example.com/x\nhttps://partner.example/y\nhttps://other.example/z\n";
    struct finding_list findings = FINDING_LIST_INIT;
    struct collected c = {0};
    struct sitemap_checker checker;
    sitemap_checker_init(&checker, &options, &findings, collect, &c);
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            sitemap_check_buffer(&checker, "b", declared[i], body, sizeof body - 1, SITEMAP_ORIGIN_ROBOTS, NULL),
            CP_OK);
    assert_int_equal(checker.files, 2);
    assert_int_equal(checker.urls, 6);
    sitemap_checker_free(&checker);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_DUPLICATE_URL), 3);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_LOC_OTHER_ORIGIN), 2); /* other.example, twice */
    findings_free(&findings);
}

struct handed_out {
    size_t count;
    char children[4][128];
};

static void remember_child(void *context, const char *child_url, const char *parent, unsigned line)
{
    (void)parent, (void)line;
    struct handed_out *h = context;
    if (h->count < 4)
        snprintf(h->children[h->count++], sizeof h->children[0], "%s", child_url);
}

/* A robots.txt-declared index passes its authority to the children it hands out (the crawler's
 * path), two levels down: the grandchild may list any URL of the declaring origins, including a
 * cross-submitting partner's; an undeclared index's child keeps the directory rule, as a warning. */
static void test_index_authority_passes_down(void **state)
{
    (void)state;
    static const char *const own[] = {"https://example.com/sitemap.xml"};
    static const char *const partner[] = {"https://example.com/sitemap.xml"};
    static const struct sitemap_robots_declaration robots[] = {{"https://example.com", own, 1},
                                                               {"https://partner.example", partner, 1}};
    struct sitemap_options options = {.now = NOW, .robots = robots, .robots_count = 2};
    static const char top[] = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                              "<sitemap><loc>https://example.com/en/index.xml</loc></sitemap></sitemapindex>";
    static const char middle[] =
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        "<sitemap><loc>https://example.com/en/pages/sitemap.xml</loc></sitemap></sitemapindex>";
    static const char leaf[] = "https://example.com/about\nhttps://partner.example/shared\nhttps://other.example/z\n";
    struct finding_list findings = FINDING_LIST_INIT;
    struct handed_out h = {0};
    struct sitemap_checker checker;
    sitemap_checker_init(&checker, &options, &findings, NULL, NULL);
    checker.on_child = remember_child;
    checker.context = &h;
    assert_int_equal(sitemap_check_buffer(&checker, own[0], own[0], top, sizeof top - 1, SITEMAP_ORIGIN_ROBOTS, NULL),
                     CP_OK);
    assert_int_equal(h.count, 1);
    assert_int_equal(sitemap_check_buffer(&checker, h.children[0], h.children[0], middle, sizeof middle - 1,
                                          SITEMAP_ORIGIN_INDEX, NULL),
                     CP_OK);
    assert_int_equal(h.count, 2);
    assert_int_equal(
        sitemap_check_buffer(&checker, h.children[1], h.children[1], leaf, sizeof leaf - 1, SITEMAP_ORIGIN_INDEX, NULL),
        CP_OK);
    sitemap_checker_free(&checker);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_LOC_OUT_OF_SCOPE), 0);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_LOC_OTHER_ORIGIN), 1); /* other.example vouches for nothing */
    findings_free(&findings);

    /* The same leaf under an index nothing declares: the directory rule applies. */
    struct sitemap_options bare = {.now = NOW};
    memset(&h, 0, sizeof h);
    sitemap_checker_init(&checker, &bare, &findings, NULL, NULL);
    checker.on_child = remember_child;
    checker.context = &h;
    assert_int_equal(
        sitemap_check_buffer(&checker, own[0], own[0], middle, sizeof middle - 1, SITEMAP_ORIGIN_DEFAULT, NULL), CP_OK);
    assert_int_equal(
        sitemap_check_buffer(&checker, h.children[0], h.children[0], leaf, sizeof leaf - 1, SITEMAP_ORIGIN_INDEX, NULL),
        CP_OK);
    sitemap_checker_free(&checker);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_LOC_OUT_OF_SCOPE), 1); /* /about, outside /en/pages/ */
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_LOC_OTHER_ORIGIN), 2); /* partner and other */
    findings_free(&findings);
}

static void test_hostile_input(void **state)
{
    (void)state;
    static const char laughs[] = "<?xml version=\"1.0\"?><!-- a comment --><!DOCTYPE l [<!ENTITY a \"aaaa\">"
                                 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><urlset><url><loc>&b;</loc></url></urlset>";
    struct finding_list findings = FINDING_LIST_INIT;
    struct collected c = {0};
    check_buffer(laughs, sizeof laughs - 1, &findings, &c, NULL);
    assert_int_equal(c.count, 0);
    assert_int_equal(findings.count, 1);
    assert_int_equal(findings.items[0].rule, RULE_SITEMAP_ENTITY_BLOCKED);
    findings_free(&findings);
    /* Binary junk is a text sitemap of invalid lines, never a crash. */
    static const unsigned char junk[] = {0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x41};
    check_buffer(junk, sizeof junk, &findings, &c, NULL);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_UNREACHABLE), 1);
    findings_free(&findings);
}

static void test_datetime(void **state)
{
    (void)state;
    static const char *const valid[] = {"2025",
                                        "2025-02",
                                        "2024-02-29",
                                        "2025-01-02T03:04Z",
                                        "2025-01-02T03:04:05+01:00",
                                        "2025-01-02T03:04:05.678-10:30"};
    static const char *const invalid[] = {"",
                                          "25",
                                          "2025-13",
                                          "2025-02-29",
                                          "2025-01-02T03:04",
                                          "2025-01-02T24:00Z",
                                          "2025-01-02 03:04Z",
                                          "2025-1-2",
                                          "2025-01-02T03:04:05.Z",
                                          "2025-01T03:04Z",
                                          "2025-01-02T03:04+0100",
                                          "2025-01-02Z"};
    struct w3c_datetime when;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        assert_true(w3c_datetime_parse(valid[i], strlen(valid[i]), &when));
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        assert_false(w3c_datetime_parse(invalid[i], strlen(invalid[i]), &when));
    assert_true(w3c_datetime_parse("2026-01-01T00:00:00Z", 20, &when));
    assert_int_equal(when.start, NOW);
    assert_true(w3c_datetime_parse("2026-01-01T01:00:00+01:00", 25, &when));
    assert_int_equal(when.start, NOW);
    assert_true(w3c_datetime_parse("1969-12-31", 10, &when));
    assert_int_equal(when.start, -86400);
}

static void test_url_set(void **state)
{
    (void)state;
    struct url_hash_set set = {0};
    for (uint64_t i = 1; i <= 5000; i++)
        assert_int_equal(url_hash_set_insert(&set, sitemap_url_hash((const char *)&i, sizeof i)), 1);
    for (uint64_t i = 1; i <= 5000; i++)
        assert_int_equal(url_hash_set_insert(&set, sitemap_url_hash((const char *)&i, sizeof i)), 0);
    assert_int_equal(set.count, 5000);
    assert_true(set.count * 5 <= set.capacity * 4);
    url_hash_set_free(&set);
}

static void test_shipped_schemas_match_files(void **state)
{
    (void)state;
    const char *root = getenv("CRAWLPACK_SOURCE_DIR");
    assert_non_null(root);
    const char *names[] = {"sitemap.xsd", "siteindex.xsd"};
    const char *texts[] = {sitemap_schema_urlset, sitemap_schema_index};
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/sitemap/schemas/%s", root, names[i]);
        struct buf content = BUF_INIT;
        assert_int_equal(read_whole_file(path, &content), 0);
        assert_string_equal(texts[i], buf_str(&content));
        buf_free(&content);
    }
}

static void test_discovery_plan(void **state)
{
    (void)state;
    struct sitemap_discovery plan;
    const char *robots[] = {"https://example.com/s1.xml", "https://example.com/s2.xml"};
    const char *flags[] = {"https://example.com/s2.xml", "https://example.com/s3.xml"};
    assert_int_equal(sitemap_discovery_plan("https://example.com/start", robots, 2, flags, 2, &plan), CP_OK);
    assert_int_equal(plan.count, 3);
    assert_string_equal(plan.sources[1].url, "https://example.com/s2.xml");
    assert_int_equal(plan.sources[1].origin, SITEMAP_ORIGIN_ROBOTS);
    assert_int_equal(plan.sources[2].origin, SITEMAP_ORIGIN_ARGUMENT);
    sitemap_discovery_free(&plan);
    assert_int_equal(sitemap_discovery_plan("https://example.com:8080/a/b?c", NULL, 0, NULL, 0, &plan), CP_OK);
    assert_int_equal(plan.count, 2);
    assert_string_equal(plan.sources[0].url, "https://example.com:8080/sitemap.xml");
    assert_string_equal(plan.sources[1].url, "https://example.com:8080/sitemap_index.xml");
    assert_int_equal(plan.sources[1].origin, SITEMAP_ORIGIN_DEFAULT);
    sitemap_discovery_free(&plan);
    assert_int_equal(sitemap_discovery_plan(NULL, NULL, 0, NULL, 0, &plan), CP_ERR_INVALID);
}

struct children {
    size_t count;
    char urls[4][64];
};

static void defer_child(void *context, const char *child_url, const char *parent, unsigned line)
{
    struct children *c = context;
    (void)parent;
    assert_true(line > 0);
    if (c->count < 4)
        snprintf(c->urls[c->count], sizeof c->urls[0], "%s", child_url);
    c->count++;
}

static void test_deferred_children(void **state)
{
    (void)state;
    static const char index[] = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                                "<sitemap><loc>https://example.com/a.xml</loc></sitemap>"
                                "<sitemap><loc>https://example.com/a.xml</loc></sitemap>"
                                "<sitemap><loc>https://example.com/sitemap.xml</loc></sitemap>"
                                "<sitemap><loc>https://example.com/b.xml</loc></sitemap></sitemapindex>";
    struct sitemap_options options = {.now = NOW};
    struct finding_list findings = FINDING_LIST_INIT;
    struct children children = {0};
    struct sitemap_checker checker;
    sitemap_checker_init(&checker, &options, &findings, NULL, &children);
    checker.on_child = defer_child;
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/sitemap.xml",
                                          "https://example.com/sitemap.xml", index, sizeof index - 1,
                                          SITEMAP_ORIGIN_ROBOTS, NULL),
                     CP_OK);
    assert_int_equal(children.count, 2);
    assert_string_equal(children.urls[0], "https://example.com/a.xml");
    assert_string_equal(children.urls[1], "https://example.com/b.xml");
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_DUPLICATE_URL), 1); /* a.xml twice */
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_INDEX_CYCLE), 1);   /* it lists itself */
    /* The crawler hands a child back; it is an index itself. */
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/a.xml", "https://example.com/a.xml", index,
                                          sizeof index - 1, SITEMAP_ORIGIN_INDEX, NULL),
                     CP_OK);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_INDEX_NESTED), 1);
    assert_int_equal(children.count, 2); /* nothing new handed out: every child was seen */
    sitemap_checker_free(&checker);
    findings_free(&findings);
}

/* One file reached twice (robots.txt names it and an index lists it; a guess and an index) is read
 * once: a file read twice lists nothing twice. Before, every entry was sitemap-duplicate-url. */
static void test_same_file_twice_is_read_once(void **state)
{
    (void)state;
    static const char body[] = "https://example.com/x\nhttps://example.com/y\n";
    static const char index[] = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                                "<sitemap><loc>https://example.com/pages.txt</loc></sitemap></sitemapindex>";
    struct sitemap_options options = {.now = NOW};
    struct finding_list findings = FINDING_LIST_INIT;
    struct children children = {0};
    struct sitemap_checker checker;
    sitemap_checker_init(&checker, &options, &findings, NULL, &children);
    checker.on_child = defer_child;
    struct sitemap_result result;
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/pages.txt", "https://example.com/pages.txt",
                                          body, sizeof body - 1, SITEMAP_ORIGIN_ROBOTS, &result),
                     CP_OK);
    assert_false(result.repeat);
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/index.xml", "https://example.com/index.xml",
                                          index, sizeof index - 1, SITEMAP_ORIGIN_ROBOTS, NULL),
                     CP_OK);
    assert_int_equal(children.count, 0); /* read already: not handed out */
    /* The same body again, from another name that redirected to it. */
    assert_true(sitemap_checker_has_read(&checker, "https://example.com/pages.txt"));
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/old-pages.txt",
                                          "https://example.com/pages.txt", body, sizeof body - 1, SITEMAP_ORIGIN_INDEX,
                                          &result),
                     CP_OK);
    assert_true(result.repeat);
    assert_true(result.read);
    assert_int_equal(checker.files, 2);
    assert_int_equal(checker.urls, 2);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_DUPLICATE_URL), 0);
    sitemap_checker_free(&checker);
    findings_free(&findings);
}

/* sitemap-not-in-robots says when robots.txt answered 404: there was no file to declare it in. */
static void test_not_in_robots_names_a_missing_robots(void **state)
{
    (void)state;
    static const char body[] = "https://example.com/x\n";
    for (int missing = 0; missing < 2; missing++) {
        struct sitemap_robots_declaration robots[] = {{"https://example.com", NULL, 0, missing ? 404 : 200}};
        struct sitemap_options options = {.now = NOW, .robots = robots, .robots_count = 1};
        struct finding_list findings = FINDING_LIST_INIT;
        struct sitemap_checker checker;
        sitemap_checker_init(&checker, &options, &findings, NULL, NULL);
        assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/sitemap.xml",
                                              "https://example.com/sitemap.xml", body, sizeof body - 1,
                                              SITEMAP_ORIGIN_DEFAULT, NULL),
                         CP_OK);
        sitemap_checker_free(&checker);
        assert_int_equal(count_rule(&findings, RULE_SITEMAP_NOT_IN_ROBOTS), 1);
        const char *message = findings.items[0].message;
        for (size_t i = 0; i < findings.count; i++)
            if (findings.items[i].rule == RULE_SITEMAP_NOT_IN_ROBOTS)
                message = findings.items[i].message;
        assert_true((strstr(message, "robots.txt answered 404") != NULL) == (missing == 1));
        findings_free(&findings);
    }
}

/* An index listing one sitemap, as a body. */
static size_t index_listing(char *body, size_t size, const char *child)
{
    return (size_t)snprintf(body, size,
                            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                            "<sitemap><loc>%s</loc></sitemap></sitemapindex>",
                            child);
}

/* Children handed back through on_child are checked inside their chain of indexes: an index that
 * lists one above it is a cycle (not a repeated sitemap), and the nesting bound applies. */
static void test_deferred_children_keep_their_chain(void **state)
{
    (void)state;
    struct sitemap_options options = {.now = NOW, .max_index_depth = 1};
    struct finding_list findings = FINDING_LIST_INIT;
    struct children children = {0};
    struct sitemap_checker checker;
    sitemap_checker_init(&checker, &options, &findings, NULL, &children);
    checker.on_child = defer_child;
    char body[512];
    size_t length = index_listing(body, sizeof body, "https://example.com/archive.xml");
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/top.xml", "https://example.com/top.xml", body,
                                          length, SITEMAP_ORIGIN_ROBOTS, NULL),
                     CP_OK);
    assert_int_equal(children.count, 1);
    /* archive.xml lists top.xml, the index it came from. */
    length = index_listing(body, sizeof body, "https://example.com/top.xml");
    assert_int_equal(sitemap_check_buffer(&checker, "https://example.com/archive.xml",
                                          "https://example.com/archive.xml", body, length, SITEMAP_ORIGIN_INDEX, NULL),
                     CP_OK);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_INDEX_CYCLE), 1);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_DUPLICATE_URL), 0);
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_INDEX_NESTED), 1);
    const struct finding *cycle = NULL;
    for (size_t i = 0; i < findings.count; i++)
        if (findings.items[i].rule == RULE_SITEMAP_INDEX_CYCLE)
            cycle = &findings.items[i];
    assert_non_null(cycle);
    assert_string_equal(cycle->url, "https://example.com/top.xml");
    assert_non_null(
        strstr(cycle->message,
               "https://example.com/top.xml -> https://example.com/archive.xml -> https://example.com/top.xml"));

    /* top.xml -> a.xml -> b.xml -> c.xml, one level allowed below the top: b.xml is too deep, so
     * c.xml is never handed out. */
    length = index_listing(body, sizeof body, "https://example.com/a.xml");
    sitemap_check_buffer(&checker, "https://example.com/deep.xml", "https://example.com/deep.xml", body, length,
                         SITEMAP_ORIGIN_ROBOTS, NULL);
    assert_int_equal(children.count, 2);
    length = index_listing(body, sizeof body, "https://example.com/b.xml");
    sitemap_check_buffer(&checker, "https://example.com/a.xml", "https://example.com/a.xml", body, length,
                         SITEMAP_ORIGIN_INDEX, NULL);
    assert_int_equal(children.count, 3);
    length = index_listing(body, sizeof body, "https://example.com/c.xml");
    sitemap_check_buffer(&checker, "https://example.com/b.xml", "https://example.com/b.xml", body, length,
                         SITEMAP_ORIGIN_INDEX, NULL);
    assert_int_equal(children.count, 3);
    /* archive.xml, a.xml and b.xml are nested; b.xml is also too deep */
    assert_int_equal(count_rule(&findings, RULE_SITEMAP_INDEX_NESTED), 4);
    sitemap_checker_free(&checker);
    findings_free(&findings);
}

/* ---- fetching from a local server ---- */

static const char served_index[] = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                                   "<sitemap><loc>http://127.0.0.1:%u/child.xml</loc></sitemap>"
                                   "<sitemap><loc>http://127.0.0.1:%u/gone.xml</loc></sitemap></sitemapindex>";
static const char served_child[] =
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>http://127.0.0.1:%u/page</loc></url></urlset>";

static enum MHD_Result serve(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                             const char *version, const char *data, size_t *size, void **context)
{
    (void)method, (void)version, (void)data, (void)size, (void)context;
    unsigned port = *(unsigned *)cls;
    char body[1024];
    unsigned status = 200;
    if (strcmp(url, "/sitemap_index.xml") == 0)
        snprintf(body, sizeof body, served_index, port, port);
    else if (strcmp(url, "/child.xml") == 0)
        snprintf(body, sizeof body, served_child, port);
    else
        status = 404, snprintf(body, sizeof body, "not found");
    struct MHD_Response *response = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

struct attempts {
    size_t count;
    long statuses[4];
    bool read[4];
    enum sitemap_kind kinds[4];
};

static void record_attempt(const struct sitemap_attempt *attempt, void *context)
{
    struct attempts *a = context;
    if (a->count < 4) {
        a->statuses[a->count] = attempt->result->http_status;
        a->read[a->count] = attempt->result->read;
        a->kinds[a->count] = attempt->result->kind;
    }
    a->count++;
}

static void test_discover_over_http(void **state)
{
    (void)state;
    static unsigned port;
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve, &port,
                                                 MHD_OPTION_END);
    assert_non_null(daemon);
    port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    char start[64];
    snprintf(start, sizeof start, "http://127.0.0.1:%u/", port);
    struct sitemap_discovery plan;
    assert_int_equal(sitemap_discovery_plan(start, NULL, 0, NULL, 0, &plan), CP_OK);
    struct sitemap_options options = {.now = NOW, .allow_fetch = true, .fetch_timeout_ms = 5000};
    struct finding_list findings = FINDING_LIST_INIT;
    struct collected c = {0};
    struct attempts attempts = {0};
    struct sitemap_checker checker;
    sitemap_checker_init(&checker, &options, &findings, collect, &c);
    assert_int_equal(sitemap_discover_and_check(&checker, &plan, record_attempt, &attempts), CP_OK);
    sitemap_checker_free(&checker);
    sitemap_discovery_free(&plan);
    MHD_stop_daemon(daemon);
    assert_int_equal(attempts.count, 2);
    assert_int_equal(attempts.statuses[0], 404); /* /sitemap.xml: a guess, no finding */
    assert_false(attempts.read[0]);
    assert_int_equal(attempts.statuses[1], 200);
    assert_int_equal(attempts.kinds[1], SITEMAP_KIND_INDEX);
    assert_int_equal(c.count, 1);
    assert_int_equal(findings.count, 1); /* gone.xml, a child: unreachable */
    assert_int_equal(findings.items[0].rule, RULE_SITEMAP_UNREACHABLE);
    findings_free(&findings);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_entries),
        cmocka_unit_test(test_buffer_gzip),
        cmocka_unit_test(test_buffer_text_and_stop),
        cmocka_unit_test(test_duplicates_across_buffers_and_scope),
        cmocka_unit_test(test_same_file_twice_is_read_once),
        cmocka_unit_test(test_not_in_robots_names_a_missing_robots),
        cmocka_unit_test(test_index_authority_passes_down),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_url_set),
        cmocka_unit_test(test_shipped_schemas_match_files),
        cmocka_unit_test(test_discovery_plan),
        cmocka_unit_test(test_deferred_children),
        cmocka_unit_test(test_deferred_children_keep_their_chain),
        cmocka_unit_test(test_discover_over_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
