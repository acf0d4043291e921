/* SPDX-License-Identifier: Apache-2.0 */
/* tests/config: SARIF keeps within GitHub's 25,000 results per run: 24,999 findings, most severe
 * first, plus one result naming how many were left out; at the limit nothing is cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "findings/findings.h"
#include "reports/render_sarif.h"
#include "reports/report_context.h"

/* count findings: the first `errors` are broken-link errors, the rest single-inlink notices. */
static void fill(struct finding_list *list, size_t count, size_t errors)
{
    for (size_t i = 0; i < count; i++) {
        char url[64];
        snprintf(url, sizeof url, "https://example.com/p/%zu", i);
        assert_non_null(findings_add(list, i < errors ? RULE_BROKEN_LINK : RULE_SINGLE_INLINK, url, url, 0, "x"));
    }
    findings_sort(list);
}

static json_t *render(const struct finding_list *list)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    struct report_context ctx;
    report_context_init(&ctx);
    assert_int_equal(render_findings_sarif(out, list, &ctx), 0);
    fclose(out);
    json_error_t error;
    json_t *document = json_loadb(text, length, 0, &error);
    free(text);
    assert_non_null(document);
    return document;
}

static json_t *results_of(json_t *document)
{
    return json_object_get(json_array_get(json_object_get(document, "runs"), 0), "results");
}

static void test_over_the_limit_is_capped(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    fill(&list, 25010, 10);
    json_t *document = render(&list);
    json_t *results = results_of(document);
    assert_int_equal(json_array_size(results), 25000);
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 0), "ruleId")), "broken-link");
    json_t *last = json_array_get(results, 24999);
    assert_string_equal(json_string_value(json_object_get(last, "ruleId")), "crawlpack-results-capped");
    const char *message = json_string_value(json_object_get(json_object_get(last, "message"), "text"));
    assert_non_null(strstr(message, "11 more findings are not in this file"));
    json_decref(document);
    findings_free(&list);
}

static void test_at_the_limit_nothing_is_cut(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    fill(&list, 25000, 0);
    json_t *document = render(&list);
    json_t *results = results_of(document);
    assert_int_equal(json_array_size(results), 25000);
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 24999), "ruleId")), "single-inlink");
    json_decref(document);
    findings_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_over_the_limit_is_capped),
        cmocka_unit_test(test_at_the_limit_nothing_is_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
