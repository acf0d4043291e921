/* SPDX-License-Identifier: Apache-2.0 */
/* tests/diff/test_diff: unit tests of the diff — --map parsing and prefix boundaries, the lists a
 * comparison produces on the fixture pairs, the depth threshold, URL collisions after mapping,
 * and the Markdown cell escaping seen through the renderer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "reports/diff.h"
#include "reports/diff_render.h"

static char *source_path(const char *relative)
{
    const char *root = getenv("CRAWLPACK_SOURCE_DIR");
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s/%s", root ? root : ".", relative);
    return buf_detach(&b);
}

/* ---- --map ---- */

static void map_parse_accepts_absolute_prefixes(void **state)
{
    (void)state;
    char text[] = "https://staging.example.com=https://www.example.com/";
    struct diff_url_map map;
    struct buf error = BUF_INIT;
    assert_int_equal(diff_url_map_parse(text, &map, &error), CP_OK);
    assert_string_equal(map.from, "https://staging.example.com");
    assert_string_equal(map.to, "https://www.example.com/");
    buf_free(&error);
}

static void map_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"https://a.example",  "staging.example.com=www.example.com", "=https://b.example",
                         "https://a.example=", "https://a.example=//b.example",       "1http://a=http://b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = strdup(bad[i]);
        struct diff_url_map map;
        struct buf error = BUF_INIT;
        assert_int_equal(diff_url_map_parse(text, &map, &error), CP_ERR_INVALID);
        assert_true(error.len > 0);
        assert_non_null(strstr(buf_str(&error), bad[i])); /* the message quotes the value as given */
        buf_free(&error);
        free(text);
    }
}

static void expect_mapped(const struct diff_url_map *maps, size_t count, const char *url, const char *expected)
{
    struct buf out = BUF_INIT;
    assert_int_equal(diff_map_url(maps, count, url, &out), CP_OK);
    assert_string_equal(buf_str(&out), expected);
    buf_free(&out);
}

static void map_respects_url_boundaries(void **state)
{
    (void)state;
    const struct diff_url_map maps[] = {
        {"https://staging.example.com", "https://www.example.com"},
        {"https://a.example/old/", "https://a.example/new/"},
        {"https://a.example/", "https://b.example/"},
    };
    expect_mapped(maps, 3, "https://staging.example.com", "https://www.example.com");
    expect_mapped(maps, 3, "https://staging.example.com/", "https://www.example.com/");
    expect_mapped(maps, 3, "https://staging.example.com/a?b#c", "https://www.example.com/a?b#c");
    expect_mapped(maps, 3, "https://staging.example.com?x", "https://www.example.com?x");
    /* not at a boundary: another host, a port, a longer label */
    expect_mapped(maps, 3, "https://staging.example.community/", "https://staging.example.community/");
    expect_mapped(maps, 3, "https://staging.example.com:8443/", "https://staging.example.com:8443/");
    expect_mapped(maps, 3, "https://staging.example.com.evil/", "https://staging.example.com.evil/");
    /* FROM ending in '/' is a plain prefix; the first matching map wins and is applied once */
    expect_mapped(maps, 3, "https://a.example/old/page", "https://a.example/new/page");
    expect_mapped(maps, 3, "https://a.example/other", "https://b.example/other");
    expect_mapped(maps, 3, "http://staging.example.com/", "http://staging.example.com/");
    expect_mapped(maps, 0, "https://staging.example.com/", "https://staging.example.com/");
}

/* ---- comparisons on the fixture pairs ---- */

static void run_diff(const char *old_relative, const char *new_relative, const struct diff_options *options,
                     struct diff *diff)
{
    char *old_dir = source_path(old_relative), *new_dir = source_path(new_relative);
    assert_int_equal(diff_run(old_dir, new_dir, options, diff), CP_OK);
    /* the diff keeps pointers to the folder names: keep them alive with the diff */
    diff->old_dir = old_relative;
    diff->new_dir = new_relative;
    free(old_dir);
    free(new_dir);
}

static void expect_urls(const struct diff_page_list *list, const char *const *urls, size_t count)
{
    assert_int_equal(list->count, count);
    for (size_t i = 0; i < count; i++)
        assert_string_equal(list->items[i].url, urls[i]);
}

static void release_pair(void **state)
{
    (void)state;
    struct diff_options options = {NULL, 0, 1};
    struct diff diff;
    run_diff("fixtures/diff/release/old", "fixtures/diff/release/new", &options, &diff);
    assert_true(diff.findings_compared);
    assert_int_equal(diff.new_findings.count, 7);
    assert_int_equal(diff.fixed_findings.count, 4);
    assert_int_equal(diff.unchanged_finding_count, 3);
    assert_int_equal(diff_new_at_least(&diff, SEVERITY_ERROR), 4);
    assert_int_equal(diff_new_at_least(&diff, SEVERITY_NOTICE), 7);
    assert_int_equal(diff_new_at_least(&diff, SEVERITY_NEVER), 0);
    /* the canonical target is part of canonical-to-error's identity: a new target is new + fixed */
    size_t canonical = 0;
    for (size_t i = 0; i < diff.rule_count; i++)
        if (diff.rules[i].rule == RULE_CANONICAL_TO_ERROR) {
            assert_int_equal(diff.rules[i].new_count, 1);
            assert_int_equal(diff.rules[i].fixed_count, 1);
            canonical++;
        }
    assert_int_equal(canonical, 1);
    static const char *const added[] = {"https://demo.example/blog/2nd", "https://demo.example/blog/third-post",
                                        "https://demo.example/docs/install", "https://demo.example/products/sled"};
    static const char *const removed[] = {"https://demo.example/blog/second-post-v1",
                                          "https://demo.example/docs/old-guide"};
    static const char *const status[] = {"https://demo.example/products/anvil", "https://demo.example/products/rocket"};
    static const char *const indexability[] = {"https://demo.example/press", "https://demo.example/products/anvil",
                                               "https://demo.example/products/rocket"};
    static const char *const depth[] = {"https://demo.example/blog/first-post", "https://demo.example/blog/second-post",
                                        "https://demo.example/careers"};
    expect_urls(&diff.added, added, 4);
    expect_urls(&diff.removed, removed, 2);
    expect_urls(&diff.status_changed, status, 2);
    expect_urls(&diff.indexability_changed, indexability, 3);
    expect_urls(&diff.depth_changed, depth, 3);
    assert_int_equal(diff.old_side.indexable, 11);
    assert_int_equal(diff.new_side.indexable, 11);
    diff_free(&diff);
}

static void depth_threshold_keeps_reachability_changes(void **state)
{
    (void)state;
    struct diff_options options = {NULL, 0, 2};
    struct diff diff;
    run_diff("fixtures/diff/release/old", "fixtures/diff/release/new", &options, &diff);
    /* 2 -> 3 is below the threshold; 2 -> 4 is not; not reached -> 2 always counts */
    static const char *const depth[] = {"https://demo.example/blog/first-post", "https://demo.example/careers"};
    expect_urls(&diff.depth_changed, depth, 2);
    diff_free(&diff);
}

static void same_folder_has_no_changes(void **state)
{
    (void)state;
    struct diff_options options = {NULL, 0, 1};
    struct diff diff;
    run_diff("fixtures/diff/release/new", "fixtures/diff/release/new", &options, &diff);
    assert_int_equal(diff.new_findings.count, 0);
    assert_int_equal(diff.fixed_findings.count, 0);
    assert_int_equal(diff.unchanged_finding_count, 10);
    assert_int_equal(diff.added.count + diff.removed.count + diff.status_changed.count +
                         diff.indexability_changed.count + diff.depth_changed.count,
                     0);
    diff_free(&diff);
}

static void staging_without_map_shares_nothing(void **state)
{
    (void)state;
    struct diff_options options = {NULL, 0, 1};
    struct diff diff;
    run_diff("fixtures/diff/production", "fixtures/diff/staging", &options, &diff);
    assert_int_equal(diff.added.count, 37);
    assert_int_equal(diff.removed.count, 8);
    assert_int_equal(diff.unchanged_finding_count, 0);
    /* staging pages canonicalised to production are not indexable as crawled */
    assert_int_equal(diff.new_side.indexable, 33);
    diff_free(&diff);
}

static void staging_with_map(void **state)
{
    (void)state;
    const struct diff_url_map maps[] = {{"https://staging.example.com", "https://www.example.com"}};
    struct diff_options options = {maps, 1, 1};
    struct diff diff;
    run_diff("fixtures/diff/production", "fixtures/diff/staging", &options, &diff);
    assert_int_equal(diff.added.count, 29);
    assert_int_equal(diff.removed.count, 0);
    assert_int_equal(diff.unchanged_finding_count, 2); /* broken-link and canonical-missing */
    assert_int_equal(diff.new_findings.count, 30);
    assert_int_equal(diff.fixed_findings.count, 1);
    assert_int_equal(diff_new_at_least(&diff, SEVERITY_ERROR), 0);
    /* the canonical to the production URL is self-canonical once mapped */
    assert_int_equal(diff.new_side.indexable, 35);
    static const char *const indexability[] = {"https://www.example.com/contact"};
    expect_urls(&diff.indexability_changed, indexability, 1);
    /* related URLs are mapped too */
    assert_string_equal(diff.new_findings.items[2].url, "https://www.example.com/guides/guide-01");
    assert_string_equal(diff.new_findings.items[2].related[0], "https://www.example.com/guides/");
    diff_free(&diff);
}

static char *temp_folder(const char *pages_csv)
{
    char *dir = strdup("/tmp/crawlpack-diff-XXXXXX");
    assert_non_null(mkdtemp(dir));
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/pages.csv", dir);
    FILE *f = fopen(buf_str(&path), "w");
    assert_non_null(f);
    fputs(pages_csv, f);
    fclose(f);
    buf_free(&path);
    return dir;
}

static void remove_temp_folder(char *dir)
{
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/pages.csv", dir);
    unlink(buf_str(&path));
    rmdir(dir);
    buf_free(&path);
    free(dir);
}

static void map_collision_keeps_first(void **state)
{
    (void)state;
    /* A folder holding both a staging and a production URL of one page: after mapping they are
     * one URL, and the first row is the one compared (a warning names both). */
    char *both = temp_folder(
        "url,status,depth\nhttps://staging.example.com/a,404,1\nhttps://www.example.com/a,200,1\n");
    char *production = temp_folder("url,status,depth\nhttps://www.example.com/a,200,1\n");
    const struct diff_url_map maps[] = {{"https://staging.example.com", "https://www.example.com"}};
    struct diff_options options = {maps, 1, 1};
    struct diff diff;
    assert_int_equal(diff_run(both, production, &options, &diff), CP_OK);
    assert_int_equal(diff.added.count + diff.removed.count, 0);
    assert_int_equal(diff.status_changed.count, 1);
    assert_int_equal(diff.status_changed.items[0].old_page->status, 404);
    assert_string_equal(diff.status_changed.items[0].url, "https://www.example.com/a");
    diff_free(&diff);
    remove_temp_folder(both);
    remove_temp_folder(production);
}

/* ---- rendering ---- */

static char *render_to_text(const char *format, const struct diff *diff)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    assert_int_equal(diff_render(format, out, diff), CP_OK);
    fclose(out);
    return text;
}

static void markdown_caps_rows_and_escapes(void **state)
{
    (void)state;
    const struct diff_url_map maps[] = {{"https://staging.example.com", "https://www.example.com"}};
    struct diff_options options = {maps, 1, 1};
    struct diff diff;
    run_diff("fixtures/diff/production", "fixtures/diff/staging", &options, &diff);
    char *md = render_to_text("md", &diff);
    assert_non_null(strstr(md, "and 4 more (the text and JSON reports list all).")); /* 29 pages added */
    assert_non_null(strstr(md, "and 5 more (the text and JSON reports list all).")); /* 30 new findings */
    assert_null(strstr(md, "guide-26`")); /* row 26 of the added pages is not shown */
    free(md);
    diff_free(&diff);

    struct diff_options plain = {NULL, 0, 1};
    run_diff("fixtures/diff/release/old", "fixtures/diff/release/new", &plain, &diff);
    md = render_to_text("md", &diff);
    assert_non_null(strstr(md, "&lt;meta name=\"robots\" content=\"noindex\"&gt; \\| \\*draft\\_2\\* \\`x\\`"));
    assert_null(strstr(md, "<meta"));
    free(md);
    assert_int_equal(diff_render("yaml", stdout, &diff), CP_ERR_INVALID);
    diff_free(&diff);
}

/* ---- bad folders ---- */

static void missing_and_malformed_folders(void **state)
{
    (void)state;
    struct diff_options options = {NULL, 0, 1};
    struct diff diff;
    char *good = source_path("fixtures/diff/release/new");
    char *missing = source_path("fixtures/diff/no-such-folder");
    char *corrupt = source_path("tests/diff/folders/corrupt-findings");
    char *wrong = source_path("tests/diff/folders/not-findings");
    assert_int_equal(diff_run(missing, good, &options, &diff), CP_ERR_IO);
    diff_free(&diff);
    assert_int_equal(diff_run(good, corrupt, &options, &diff), CP_ERR_PARSE);
    diff_free(&diff);
    assert_int_equal(diff_run(good, wrong, &options, &diff), CP_ERR_INVALID);
    diff_free(&diff);
    free(good), free(missing), free(corrupt), free(wrong);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(map_parse_accepts_absolute_prefixes),
        cmocka_unit_test(map_parse_rejects),
        cmocka_unit_test(map_respects_url_boundaries),
        cmocka_unit_test(release_pair),
        cmocka_unit_test(depth_threshold_keeps_reachability_changes),
        cmocka_unit_test(same_folder_has_no_changes),
        cmocka_unit_test(staging_without_map_shares_nothing),
        cmocka_unit_test(staging_with_map),
        cmocka_unit_test(map_collision_keeps_first),
        cmocka_unit_test(markdown_caps_rows_and_escapes),
        cmocka_unit_test(missing_and_malformed_folders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
