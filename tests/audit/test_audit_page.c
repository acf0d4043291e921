/* SPDX-License-Identifier: Apache-2.0 */
/* tests/audit/test_audit_page: the page-local audit rules, through web/extract as the crawl
 * runs them.
 *
 * Each fixtures/audit/pages/NAME.page is one test: '# ' lines before a line "---" describe the
 * response and the expectations ('## ' lines are comments), the rest is the body.
 *   # url URL                 the page (default https://s.test/page)
 *   # status N                default 200
 *   # type html|other         default html (other: the body is not parsed)
 *   # header NAME: VALUE      a response header (X-Robots-Tag, Link)
 *   # truncated BYTES         the body was cut at --max-body after BYTES
 *   # strip-param NAME        a crawl identity option
 *   # expect RULE             audit_page must report exactly these rules (a multiset)
 *   # expect-message RULE TEXT    ... the first finding of RULE has exactly this message
 *   # expect-related RULE URL...  ... and exactly these related URLs
 * A page without "expect" lines must produce no finding. The findings' URL and source are always
 * the page's URL (checked for every finding). A last test runs many pages on several threads at
 * once, each with its own list, and compares with the single-threaded results. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "web/extract.h"
#include "linkgraph/audit_page.h"
#include "findings/rules.h"
#include "tools/audit_expectations.h"
#include "tools/fixture_files.h"

#define MAX_LINES 64

struct page_case {
    char url[1024];
    uint16_t status;
    bool html;
    bool truncated;
    bool render; /* "# render": the crawl renders (js-shell stays silent) */
    unsigned long long truncated_bytes;
    struct extract_header headers[8];
    size_t header_count;
    const char *strip_params[4];
    size_t strip_param_count;
    char *expect[MAX_LINES]; /* "RULE" */
    size_t expect_count;
    char *details[MAX_LINES]; /* "expect-message RULE TEXT" / "expect-related RULE URLS" */
    size_t detail_count;
    char *body;
    size_t body_length;
    char *owned[MAX_LINES];
    size_t owned_count;
};

static struct fixture_files case_files;

static char *own(struct page_case *c, const char *text)
{
    char *copy = strdup(text);
    if (c->owned_count < MAX_LINES)
        c->owned[c->owned_count++] = copy;
    return copy;
}

static void free_case(struct page_case *c)
{
    for (size_t i = 0; i < c->owned_count; i++)
        free(c->owned[i]);
    free(c->body);
}

static void parse_directive(struct page_case *c, char *line)
{
    char *word = line + 2;
    char *value = strchr(word, ' ');
    if (value)
        *value++ = '\0';
    else
        value = word + strlen(word);
    if (strcmp(word, "url") == 0)
        snprintf(c->url, sizeof c->url, "%s", value);
    else if (strcmp(word, "status") == 0)
        c->status = (uint16_t)atoi(value);
    else if (strcmp(word, "type") == 0)
        c->html = strcmp(value, "html") == 0;
    else if (strcmp(word, "render") == 0)
        c->render = true;
    else if (strcmp(word, "truncated") == 0)
        c->truncated = true, c->truncated_bytes = strtoull(value, NULL, 10);
    else if (strcmp(word, "strip-param") == 0 && c->strip_param_count < 4)
        c->strip_params[c->strip_param_count++] = own(c, value);
    else if (strcmp(word, "header") == 0 && c->header_count < 8) {
        char *colon = strchr(value, ':');
        assert_non_null(colon);
        *colon = '\0';
        c->headers[c->header_count++] = (struct extract_header){own(c, value), own(c, colon + 1 + (colon[1] == ' '))};
    } else if (strcmp(word, "expect") == 0 && c->expect_count < MAX_LINES)
        c->expect[c->expect_count++] = own(c, value);
    else if (strncmp(word, "expect-", 7) == 0 && c->detail_count < MAX_LINES) {
        value[-1] = ' ';
        c->details[c->detail_count++] = own(c, word);
    } else
        fail_msg("unknown directive '%s'", word);
}

static void load_case(const char *name, struct page_case *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->url, sizeof c->url, "https://s.test/page");
    c->status = 200;
    c->html = true;
    char path[8192];
    fixture_files_path(&case_files, name, path, sizeof path);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    struct buf body = BUF_INIT;
    char line[8192];
    bool in_body = false;
    while (fgets(line, sizeof line, file)) {
        if (in_body) {
            buf_append_str(&body, line);
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "---") == 0)
            in_body = true;
        else if (strncmp(line, "## ", 3) == 0)
            continue;
        else if (strncmp(line, "# ", 2) == 0)
            parse_directive(c, line);
        else if (line[0] != '\0')
            fail_msg("%s: line outside the header: %s", name, line);
    }
    fclose(file);
    c->body_length = body.len;
    c->body = buf_detach(&body);
}

/* Run extract_page and audit_page on the case; findings go to list. Returns 0, or -1 when either
 * failed (no cmocka assertion here: the threads call it too). */
static int audit_case(const struct page_case *c, struct finding_list *list)
{
    struct extract_input input = {
        .url = c->url,
        .headers = c->headers,
        .header_count = c->header_count,
        .body = c->html ? c->body : "",
        .body_length = c->html ? c->body_length : 0,
    };
    struct page_signals *signals = NULL;
    if (extract_page(&input, &signals) != 0)
        return -1;
    struct url_identity_options identity = {c->strip_params, c->strip_param_count};
    struct audit_page_input page = {
        .url = c->url,
        .signals = c->html ? signals : NULL,
        .status = c->status,
        .html = c->html,
        .body_truncated = c->truncated,
        .body_bytes = c->truncated_bytes,
        .identity = &identity,
        .render = c->render,
    };
    int status = audit_page(&page, list);
    page_signals_free(signals);
    return status == 0 ? 0 : -1;
}

static int compare_rules(const struct page_case *c, const struct finding_list *list)
{
    const char *actual[MAX_LINES], *expected[MAX_LINES];
    size_t actual_count = list->count < MAX_LINES ? list->count : MAX_LINES;
    for (size_t i = 0; i < actual_count; i++)
        actual[i] = rule_get(list->items[i].rule)->id;
    for (size_t i = 0; i < c->expect_count; i++)
        expected[i] = c->expect[i];
    return audit_expectations_compare(actual, actual_count, expected, c->expect_count);
}

static int check_detail(const char *detail, const struct finding_list *list)
{
    char kind[64], rule[64];
    int consumed = 0;
    if (sscanf(detail, "%63s %63s %n", kind, rule, &consumed) < 2)
        return 1;
    const char *want = detail + consumed;
    const struct finding *f = NULL;
    for (size_t i = 0; i < list->count && !f; i++)
        if (strcmp(rule_get(list->items[i].rule)->id, rule) == 0)
            f = &list->items[i];
    if (!f) {
        fprintf(stderr, "%s: no %s finding\n", kind, rule);
        return 1;
    }
    char text[8192] = "";
    if (strcmp(kind, "expect-message") == 0) {
        snprintf(text, sizeof text, "%s", f->message);
    } else {
        size_t used = 0;
        for (size_t r = 0; r < f->related_count && used < sizeof text; r++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", r ? " " : "", f->related[r]);
    }
    if (strcmp(text, want) == 0)
        return 0;
    fprintf(stderr, "%s %s\n  expected: %s\n  actual:   %s\n", kind, rule, want, text);
    return 1;
}

static void test_page(void **state)
{
    const char *name = *state;
    struct page_case c;
    load_case(name, &c);
    struct finding_list list = FINDING_LIST_INIT;
    assert_int_equal(audit_case(&c, &list), 0);
    int mismatches = compare_rules(&c, &list);
    for (size_t i = 0; i < c.detail_count; i++)
        mismatches += check_detail(c.details[i], &list);
    for (size_t i = 0; i < list.count; i++)
        if (!list.items[i].url || strcmp(list.items[i].url, c.url) != 0 || !list.items[i].source ||
            strcmp(list.items[i].source, c.url) != 0) {
            fprintf(stderr, "finding %s does not name the page as URL and source\n", rule_get(list.items[i].rule)->id);
            mismatches++;
        }
    if (mismatches)
        for (size_t i = 0; i < list.count; i++)
            fprintf(stderr, "  reported %s: %s\n", rule_get(list.items[i].rule)->id, list.items[i].message);
    findings_free(&list);
    free_case(&c);
    assert_int_equal(mismatches, 0);
}

static bool case_expects(const struct fixture_files *files, const char *name, const char *rule)
{
    (void)files;
    struct page_case c;
    load_case(name, &c);
    bool seen = false;
    for (size_t e = 0; e < c.expect_count && !seen; e++)
        seen = strcmp(c.expect[e], rule) == 0;
    free_case(&c);
    return seen;
}

/* Every rule audit_page claims fires in some fixture. */
static void test_every_rule_fires_somewhere(void **state)
{
    (void)state;
    size_t rule_count;
    const enum rule_id *rules = audit_page_rules(&rule_count);
    assert_int_equal(audit_expectations_missing_rules(&case_files, rules, rule_count, case_expects, "page fixture"), 0);
}

/* Worker threads each audit every fixture into their own list, as the crawl's workers do; each list
 * must equal the single-threaded result. */
#define THREADS 4

struct thread_work {
    struct page_case *cases;
    struct finding_list list;
    int failures;
};

static void *audit_all(void *arg)
{
    struct thread_work *work = arg;
    for (size_t i = 0; i < case_files.count; i++)
        work->failures += audit_case(&work->cases[i], &work->list) != 0;
    return NULL;
}

static void test_threads_keep_their_own_lists(void **state)
{
    (void)state;
    struct page_case *cases = calloc(case_files.count, sizeof *cases);
    for (size_t i = 0; i < case_files.count; i++)
        load_case(case_files.names[i], &cases[i]);
    struct thread_work single = {cases, FINDING_LIST_INIT, 0};
    audit_all(&single);
    assert_int_equal(single.failures, 0);
    struct thread_work works[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        works[t] = (struct thread_work){cases, FINDING_LIST_INIT, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, audit_all, &works[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(works[t].failures, 0);
        assert_int_equal(works[t].list.count, single.list.count);
        for (size_t i = 0; i < single.list.count; i++) {
            assert_int_equal(works[t].list.items[i].rule, single.list.items[i].rule);
            assert_string_equal(works[t].list.items[i].message, single.list.items[i].message);
        }
        findings_free(&works[t].list);
    }
    findings_free(&single.list);
    for (size_t i = 0; i < case_files.count; i++)
        free_case(&cases[i]);
    free(cases);
}

int main(void)
{
    if (fixture_files_list(&case_files, "fixtures/audit/pages", ".page") != 0)
        return 1;
    const struct CMUnitTest extra[] = {cmocka_unit_test(test_every_rule_fires_somewhere),
                                       cmocka_unit_test(test_threads_keep_their_own_lists)};
    int failed = fixture_files_run(&case_files, "audit_page", test_page, extra, sizeof extra / sizeof *extra);
    fixture_files_free(&case_files);
    return failed;
}
