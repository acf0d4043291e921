/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for common/ (buffer, JSON writer) and reports/ (catalog, findings model). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/batch_queue.h"
#include "common/base64.h"
#include "common/buf.h"
#include "common/csv.h"
#include "common/error.h"
#include "common/html_escape.h"
#include "common/json_write.h"
#include "findings/finding_cap.h"
#include "findings/findings.h"
#include "reports/render_text.h"

static void test_buf_appends_and_stays_terminated(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_string_equal(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_append_str(&b, "ab"), 0);
    assert_int_equal(b.len, 2000);
    assert_int_equal(b.data[2000], '\0');
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_string_equal(buf_str(&b), "42-x");
    char *s = buf_detach(&b);
    assert_string_equal(s, "42-x");
    assert_null(b.data);
    free(s);
    buf_free(&b);
}

static char *render_json(void (*fill)(struct json_writer *), bool pretty, int *rc)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    struct json_writer w;
    json_writer_init(&w, out, pretty);
    fill(&w);
    *rc = json_writer_finish(&w);
    fclose(out);
    return text;
}

static void fill_document(struct json_writer *w)
{
    json_begin_object(w);
    json_key(w, "s"), json_string(w, "a\"b\\c\n\x01\xff\xc3\xa9");
    json_key(w, "n"), json_int(w, -3);
    json_key(w, "list"), json_begin_array(w);
    json_bool(w, true), json_null(w), json_double(w, 0.5);
    json_end_array(w);
    json_key(w, "empty"), json_begin_object(w), json_end_object(w);
    json_end_object(w);
}

static void test_json_writer_escapes_and_separates(void **state)
{
    (void)state;
    int rc;
    char *text = render_json(fill_document, false, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\",\"n\":-3,"
                              "\"list\":[true,null,0.5],\"empty\":{}}\n");
    free(text);
}

static void fill_unbalanced(struct json_writer *w)
{
    json_begin_object(w);
    json_key(w, "k");
}

/* Site text in any bytes comes out as valid UTF-8: invalid bytes become U+FFFD in CSV and JSON. */
static void test_writers_emit_valid_utf8(void **state)
{
    (void)state;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_non_null(out);
    csv_write_field(out, "caf\xC3\xA9 \xFF\xC3(");
    fputc('|', out);
    csv_write_field(out, "a,\"\xED\xA0\x80\"");
    fputc('|', out);
    json_write_escaped(out, "\xF0\x9F\x98\x80\xF5\x80", 6);
    fclose(out);
    assert_string_equal(text,
                        "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD(|\"a,\"\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"\"\"|"
                        "\"\xF0\x9F\x98\x80\\ufffd\\ufffd\"");
    free(text);
}

/* report.html embeds JSON in <script>: the script-safe writer leaves nothing that ends the element,
 * opens a comment or breaks a line for old parsers, and the value stays the same JSON. */
static void test_json_writer_script_safe(void **state)
{
    (void)state;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_non_null(out);
    struct json_writer w;
    json_writer_init_script(&w, out);
    json_begin_object(&w);
    json_key(&w, "</script>");
    json_string(&w, "</script><!--<img src=x onerror=a()>&amp;\xE2\x80\xA8|\xE2\x80\xA9|\xE2\x80\xAA\xFF");
    json_end_object(&w);
    assert_int_equal(json_writer_finish(&w), 0);
    fclose(out);
    assert_string_equal(text, "{\"\\u003c/script\\u003e\":\"\\u003c/script\\u003e\\u003c!--\\u003cimg src=x "
                              "onerror=a()\\u003e\\u0026amp;\\u2028|\\u2029|\xE2\x80\xAA\\ufffd\"}\n");
    free(text);
}

/* One escaper for HTML text and attributes; a cut keeps whole characters and says so. */
static void test_html_escape(void **state)
{
    (void)state;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_non_null(out);
    html_escape(out, "<a href=\"x\" title='y'>&\x01\xFF</a>");
    fputc('|', out);
    html_escape_n(out, "ab\xC3\xA9", 4, 3);
    html_escape(out, NULL);
    fclose(out);
    assert_string_equal(text, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;\xEF\xBF\xBD\xEF\xBF\xBD&lt;/a&gt;|"
                              "ab\xE2\x80\xA6");
    free(text);
}

/* A capped list keeps max findings per cause and counts the rest in one findings-capped finding,
 * also across findings_move_all, and leaves findings of other causes alone. */
static void test_findings_cap(void **state)
{
    (void)state;
    struct finding_list a = FINDING_LIST_INIT, b = FINDING_LIST_INIT;
    assert_int_equal(finding_cap_set(&a, 5), CP_OK);
    assert_int_equal(finding_cap_set(&b, 5), CP_OK);
    char url[64];
    for (int i = 0; i < 10000; i++) {
        snprintf(url, sizeof url, "https://s.test/shop/%d", i);
        assert_non_null(findings_add(i % 2 ? &a : &b, RULE_DEAD_END, url, url, 0, "no links"));
    }
    assert_non_null(findings_add(&a, RULE_ORPHAN_URL, "https://s.test/blog/1", NULL, 0, "orphan"));
    assert_true(a.count < 5000); /* compacted while adding */
    assert_int_equal(findings_move_all(&a, &b), CP_OK);
    assert_int_equal(finding_cap_finish(&a), CP_OK);
    size_t dead_ends = 0, orphans = 0, capped = 0;
    for (size_t i = 0; i < a.count; i++) {
        dead_ends += a.items[i].rule == RULE_DEAD_END;
        orphans += a.items[i].rule == RULE_ORPHAN_URL;
        if (a.items[i].rule == RULE_FINDINGS_CAPPED) {
            capped++;
            assert_non_null(strstr(a.items[i].message, "9995 more dead-end findings"));
        }
    }
    assert_int_equal(dead_ends, 5);
    assert_int_equal(orphans, 1);
    assert_int_equal(capped, 1);
    findings_free(&a);
    findings_free(&b);
}

/* The findings a capped list keeps do not depend on the order they arrive in (extraction threads,
 * a resumed crawl): the first max of each cause in report order, and the list keeps its own order. */
static void test_findings_cap_any_arrival_order(void **state)
{
    (void)state;
    struct finding_list forward = FINDING_LIST_INIT, backward = FINDING_LIST_INIT;
    assert_int_equal(finding_cap_set(&forward, 3), CP_OK);
    assert_int_equal(finding_cap_set(&backward, 3), CP_OK);
    char url[64];
    for (int i = 0; i < 9000; i++) { /* past two compactions */
        snprintf(url, sizeof url, "https://s.test/shop/%05d", i);
        assert_non_null(findings_add(&forward, RULE_DEAD_END, url, url, 0, "no links"));
        snprintf(url, sizeof url, "https://s.test/shop/%05d", 8999 - i);
        assert_non_null(findings_add(&backward, RULE_DEAD_END, url, url, 0, "no links"));
    }
    assert_int_equal(finding_cap_finish(&forward), CP_OK);
    assert_int_equal(finding_cap_finish(&backward), CP_OK);
    assert_int_equal(forward.count, 4); /* three kept, one findings-capped */
    assert_int_equal(backward.count, 4);
    for (size_t i = 0; i < 3; i++) {
        snprintf(url, sizeof url, "https://s.test/shop/%05zu", i);
        assert_string_equal(forward.items[i].url, url);
        snprintf(url, sizeof url, "https://s.test/shop/%05zu", 2 - i); /* arrival order kept */
        assert_string_equal(backward.items[i].url, url);
    }
    assert_string_equal(forward.items[3].message, backward.items[3].message);
    findings_free(&forward);
    findings_free(&backward);
}

/* Findings moved out of a capped list (findings_move_rule) do not come back at its next compaction:
 * each finding is owned by one list and freed once (ASan checks). */
static void test_findings_cap_after_move_rule(void **state)
{
    (void)state;
    struct finding_list all = FINDING_LIST_INIT, moved = FINDING_LIST_INIT;
    assert_int_equal(finding_cap_set(&all, 10000), CP_OK);
    char url[64];
    for (int i = 0; i < 5000; i++) { /* past the first compaction, so the cap has checked them */
        snprintf(url, sizeof url, "https://s.test/p/%d", i);
        assert_non_null(findings_add(&all, i % 2 ? RULE_CANONICAL_MISSING : RULE_DEAD_END, url, NULL, 0, "x"));
    }
    assert_int_equal(findings_move_rule(&moved, &all, RULE_CANONICAL_MISSING), CP_OK);
    for (int i = 0; i < 5000; i++) { /* the next compaction runs over a shorter list */
        snprintf(url, sizeof url, "https://s.test/q/%d", i);
        assert_non_null(findings_add(&all, RULE_ORPHAN_URL, url, NULL, 0, "y"));
    }
    assert_int_equal(finding_cap_finish(&all), CP_OK);
    assert_int_equal(moved.count, 2500);
    assert_int_equal(all.count, 7500);
    for (size_t i = 0; i < all.count; i++)
        assert_int_not_equal(all.items[i].rule, RULE_CANONICAL_MISSING);
    findings_free(&all);
    findings_free(&moved);
}

static void test_json_writer_reports_bad_nesting(void **state)
{
    (void)state;
    int rc;
    free(render_json(fill_unbalanced, true, &rc));
    assert_int_equal(rc, -1);
}

/* RFC 4648 section 10's test vectors. */
static void test_base64_vectors(void **state)
{
    (void)state;
    static const char *const vectors[][2] = {{"", ""},
                                             {"f", "Zg=="},
                                             {"fo", "Zm8="},
                                             {"foo", "Zm9v"},
                                             {"foob", "Zm9vYg=="},
                                             {"fooba", "Zm9vYmE="},
                                             {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        struct buf out = BUF_INIT;
        assert_int_equal(base64_append(&out, vectors[i][0], strlen(vectors[i][0])), CP_OK);
        assert_string_equal(buf_str(&out), vectors[i][1]);
        assert_int_equal(out.len, base64_length(strlen(vectors[i][0])));
        buf_free(&out);
    }
}

static void test_rule_catalog_is_consistent(void **state)
{
    (void)state;
    for (int i = 0; i < RULE_COUNT; i++) {
        const struct rule *r = rule_get(i);
        assert_int_equal(r->symbol, i);
        assert_ptr_equal(rule_find(r->id), r);
        for (const char *p = r->id; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
        assert_true(strlen(r->why) > 20 && strlen(r->fix) > 10);
    }
    assert_null(rule_find("no-such-rule"));
    enum severity s;
    assert_int_equal(severity_parse("warning", &s), 0);
    assert_int_equal(s, SEVERITY_WARNING);
    assert_int_equal(severity_parse("fatal", &s), -1);
}

static void test_findings_sort_count_and_render(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    assert_non_null(findings_add(&list, RULE_SITEMAP_EMPTY, NULL, "b.xml", 0, "no URLs"));
    struct finding *f = findings_add(&list, RULE_BROKEN_LINK, "http://x/404", NULL, 0, "%d", 404);
    assert_non_null(f);
    assert_int_equal(finding_add_related(f, "http://x/"), 0);
    assert_non_null(findings_add(&list, RULE_SITEMAP_LOC_INVALID, "ftp://x/", "a.xml", 7, "not http(s)"));
    findings_sort(&list);
    assert_int_equal(list.items[0].rule, RULE_BROKEN_LINK);
    assert_int_equal(list.items[1].rule, RULE_SITEMAP_LOC_INVALID);
    assert_int_equal(findings_count_at_least(&list, SEVERITY_ERROR), 2);
    assert_int_equal(findings_count_at_least(&list, SEVERITY_NOTICE), 3);
    assert_int_equal(findings_count_at_least(&list, SEVERITY_NEVER), 0);

    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    render_findings_text(out, &list);
    fclose(out);
    assert_string_equal(text, "http://x/404: error: broken-link: 404\n"
                              "a.xml:7: error: sitemap-loc-invalid: not http(s)\n"
                              "b.xml: warning: sitemap-empty: no URLs\n");
    free(text);

    struct finding_list other = FINDING_LIST_INIT;
    assert_non_null(findings_add(&other, RULE_DEAD_END, "http://x/a", NULL, 0, "no links"));
    assert_int_equal(findings_move_all(&list, &other), 0);
    assert_int_equal(list.count, 4);
    assert_int_equal(other.count, 0);
    findings_free(&list);
}

/* finding_file: the robots.txt or sitemap file of a finding about one (its subject, a line of it, or
 * an entry it lists), whether or not the finding has a URL; nothing for page, graph and site-level
 * findings. The file is the finding's source, so identities (which key these rules on the source)
 * are unchanged by it. */
static void test_finding_file(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    const char *robots = "https://s.test/robots.txt", *sitemap = "https://s.test/sitemap.xml";
    assert_non_null(findings_add(&list, RULE_ROBOTS_INVALID_LINE, NULL, robots, 4, "line 4"));
    assert_non_null(findings_add(&list, RULE_SITEMAP_UNREACHABLE, sitemap, sitemap, 0, "404"));
    assert_non_null(findings_add(&list, RULE_SITEMAP_URL_REDIRECT, "https://s.test/old", sitemap, 12, "301"));
    assert_non_null(findings_add(&list, RULE_ORPHAN_URL, "https://s.test/lost", sitemap, 3, "only listed"));
    assert_non_null(findings_add(&list, RULE_BROKEN_LINK, "https://s.test/404", "https://s.test/", 0, "404"));
    assert_non_null(findings_add(&list, RULE_ROBOTS_MISSING, "https://s.test/", NULL, 0, "404"));
    assert_non_null(findings_add(&list, RULE_SITEMAP_MISSING, "https://s.test/", NULL, 0, "none"));
    const char *want[] = {robots, sitemap, sitemap, sitemap, NULL, NULL, NULL};
    for (size_t i = 0; i < list.count; i++) {
        if (want[i])
            assert_string_equal(finding_file(&list.items[i]), want[i]);
        else
            assert_null(finding_file(&list.items[i]));
    }
    findings_free(&list);
}

/* Strings stay valid and intact across chunks, a string larger than a chunk gets its own, n cuts. */
static void test_arena_strings(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *kept[5000];
    char text[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(text, sizeof text, "http://a.test/%d", i);
        assert_non_null(kept[i] = arena_strndup(&a, text, SIZE_MAX));
    }
    char *large = malloc(200000);
    assert_non_null(large);
    memset(large, 'x', 199999);
    large[199999] = '\0';
    char *big = arena_strndup(&a, large, SIZE_MAX), *after = arena_strndup(&a, "after", SIZE_MAX);
    assert_non_null(big);
    assert_int_equal(strlen(big), 199999);
    assert_string_equal(after, "after");
    assert_string_equal(arena_strndup(&a, "anchor text", 6), "anchor");
    assert_string_equal(arena_strndup(&a, "", SIZE_MAX), "");
    for (int i = 0; i < 5000; i++) {
        snprintf(text, sizeof text, "http://a.test/%d", i);
        assert_string_equal(kept[i], text);
    }
    free(large);
    arena_free(&a);
    assert_null(a.chunks);
    arena_free(&a); /* twice is harmless */
}

/* The writer's queue: a take before wake_at items waits out its time and hands over what there is;
 * items come out in order, a second thread past the bound waits for done; close ends the takes. */
struct counted_item {
    struct batch_queue_node node;
    int value;
};

struct producer_args {
    struct batch_queue *queue;
    struct counted_item *items;
    int count;
};

static void *produce_items(void *arg)
{
    struct producer_args *p = arg;
    for (int i = 0; i < p->count; i++)
        batch_queue_push(p->queue, &p->items[i].node);
    return NULL;
}

static void test_batch_queue(void **state)
{
    (void)state;
    struct batch_queue q;
    batch_queue_init(&q, 4, 8);
    struct counted_item items[100];
    for (int i = 0; i < 100; i++)
        items[i].value = i;
    struct batch_queue_node *taken = NULL;
    batch_queue_push(&q, &items[0].node);
    assert_true(batch_queue_take(&q, 20, &taken)); /* one item, fewer than wake_at: after 20 ms */
    assert_ptr_equal(taken, &items[0].node);
    assert_null(taken->next);
    batch_queue_done(&q, 1);
    struct producer_args args = {&q, items + 1, 99};
    pthread_t producer;
    assert_int_equal(pthread_create(&producer, NULL, produce_items, &args), 0);
    int next = 1;
    while (next < 100) {
        assert_true(batch_queue_take(&q, 1000, &taken));
        size_t count = 0;
        for (; taken; taken = taken->next, count++)
            assert_int_equal(((struct counted_item *)taken)->value, next++);
        assert_true(count <= 8); /* never more than the bound in flight */
        batch_queue_done(&q, count);
    }
    pthread_join(producer, NULL);
    batch_queue_close(&q);
    assert_false(batch_queue_take(&q, -1, &taken));
    assert_null(taken);
    batch_queue_destroy(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_appends_and_stays_terminated),
        cmocka_unit_test(test_batch_queue),
        cmocka_unit_test(test_base64_vectors),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_json_writer_escapes_and_separates),
        cmocka_unit_test(test_json_writer_script_safe),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_json_writer_reports_bad_nesting),
        cmocka_unit_test(test_writers_emit_valid_utf8),
        cmocka_unit_test(test_findings_cap),
        cmocka_unit_test(test_findings_cap_after_move_rule),
        cmocka_unit_test(test_findings_cap_any_arrival_order),
        cmocka_unit_test(test_rule_catalog_is_consistent),
        cmocka_unit_test(test_findings_sort_count_and_render),
        cmocka_unit_test(test_finding_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
