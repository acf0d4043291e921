/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance of web/robots with Google's reference matcher: every assertion of
 * robots_cases.json (allow/disallow decisions) and the helper assertions of robots_aux_cases.json
 * that map onto the public API (product-token validity, URL -> request target, pattern
 * normalisation). Each part prints "robots ...: passed/total" and fails on any disagreement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/robots.h"

static json_t *load(const char *name)
{
    const char *dir = getenv("CRAWLPACK_CONFORMANCE_DIR");
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    if (!root)
        fail_msg("%s:%d: %s", path, error.line, error.text);
    return root;
}

/* The decision for one case, computed the way Google's OneAgentAllowedByRobots computes it: the
 * request target is read from the URL as written, then matched. */
static bool case_allowed(const char *body, size_t body_length, const char *agent, const char *url)
{
    struct robots *robots;
    assert_int_equal(robots_parse(body, body_length, "robots.txt", &robots, NULL), 0);
    size_t size = strlen(url) + 2;
    char *path = malloc(size);
    assert_non_null(path);
    long length = robots_path_of_url_text(url, strlen(url), path, size);
    assert_true(length > 0);
    struct robots_decision decision;
    bool allowed = robots_check(robots, agent, path, (size_t)length, &decision);
    free(path);
    robots_free(robots);
    return allowed;
}

static void test_robots_cases(void **state)
{
    (void)state;
    json_t *cases = load("robots_cases.json");
    size_t total = json_array_size(cases), passed = 0, google_total = 0, google_passed = 0;
    for (size_t i = 0; i < total; i++) {
        json_t *c = json_array_get(cases, i);
        json_t *body = json_object_get(c, "robotstxt");
        const char *agent = json_string_value(json_object_get(c, "useragent"));
        const char *url = json_string_value(json_object_get(c, "url"));
        bool expected = json_is_true(json_object_get(c, "expected_allowed"));
        bool google = json_is_true(json_object_get(c, "google_specific"));
        bool ok = case_allowed(json_string_value(body), json_string_length(body), agent, url) == expected;
        passed += ok;
        google_total += google;
        google_passed += google && ok;
        if (!ok)
            printf("FAIL %s: agent '%s' url '%.120s' expected %s\n", json_string_value(json_object_get(c, "name")),
                   agent, url, expected ? "allowed" : "disallowed");
    }
    printf("robots conformance: %zu/%zu (google_specific %zu/%zu)\n", passed, total, google_passed, google_total);
    json_decref(cases);
    assert_true(total >= 145);
    assert_int_equal(passed, total);
}

/* Runs every case of one group of robots_aux_cases.json through check (true when the case passes;
 * it prints its own FAIL line), prints "robots aux GROUP: passed/total" and fails on any miss. */
static void run_aux_cases(const char *group, bool (*check)(json_t *c))
{
    json_t *root = load("robots_aux_cases.json");
    json_t *cases = json_object_get(root, group);
    size_t total = json_array_size(cases), passed = 0;
    for (size_t i = 0; i < total; i++)
        passed += check(json_array_get(cases, i));
    printf("robots aux %s: %zu/%zu\n", group, passed, total);
    json_decref(root);
    assert_true(total > 0);
    assert_int_equal(passed, total);
}

static bool valid_agent_token_case(json_t *c)
{
    const char *agent = json_string_value(json_object_get(c, "useragent")); /* NULL for null */
    bool ok = robots_is_valid_agent_token(agent) == json_is_true(json_object_get(c, "expected_valid"));
    if (!ok)
        printf("FAIL is_valid_user_agent_to_obey line %lld: '%s'\n",
               (long long)json_integer_value(json_object_get(c, "line")), agent ? agent : "(null)");
    return ok;
}

static bool path_params_query_case(json_t *c)
{
    const char *url = json_string_value(json_object_get(c, "url"));
    const char *expected = json_string_value(json_object_get(c, "expected_path"));
    char path[1024];
    long length = robots_path_of_url_text(url, strlen(url), path, sizeof(path));
    bool ok = length >= 0 && strcmp(path, expected) == 0;
    if (!ok)
        printf("FAIL get_path_params_query '%s': got '%s', expected '%s'\n", url, length >= 0 ? path : "(overflow)",
               expected);
    return ok;
}

static bool escape_pattern_case(json_t *c)
{
    const char *pattern = json_string_value(json_object_get(c, "pattern"));
    const char *expected = json_string_value(json_object_get(c, "expected"));
    char out[1024];
    long length = robots_normalize_pattern(pattern, strlen(pattern), out, sizeof(out));
    bool ok = length >= 0 && strcmp(out, expected) == 0;
    if (!ok)
        printf("FAIL maybe_escape_pattern '%s': got '%s', expected '%s'\n", pattern, out, expected);
    return ok;
}

static void test_aux_valid_agent_tokens(void **state)
{
    (void)state;
    run_aux_cases("is_valid_user_agent_to_obey", valid_agent_token_case);
}

static void test_aux_path_params_query(void **state)
{
    (void)state;
    run_aux_cases("get_path_params_query", path_params_query_case);
}

static void test_aux_escape_pattern(void **state)
{
    (void)state;
    run_aux_cases("maybe_escape_pattern", escape_pattern_case);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_robots_cases),
        cmocka_unit_test(test_aux_valid_agent_tokens),
        cmocka_unit_test(test_aux_path_params_query),
        cmocka_unit_test(test_aux_escape_pattern),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
