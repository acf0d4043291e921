/* SPDX-License-Identifier: Apache-2.0 */
/* tests/crawl/test_bot_wall: which answers are rate limits or bot walls (web/bot_wall), and which
 * stay the site's own status: each heuristic of docs/crawl.md ("Blocked answers") fires, and the
 * look-alikes do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/bot_wall.h"

static bool blocked(long status, long retry_after_ms, const char *server, const char *bot_header, const char *body,
                    char *reason)
{
    struct fetch_result r = {0};
    r.status = status;
    r.retry_after_ms = retry_after_ms;
    r.server = (char *)server;
    r.bot_header = (char *)bot_header;
    r.body = (char *)body;
    r.body_length = body ? strlen(body) : 0;
    return bot_wall_detect(&r, reason, 256);
}

static void test_rate_limits(void **state)
{
    (void)state;
    char reason[256];
    assert_true(blocked(429, -1, NULL, NULL, "slow down", reason));
    assert_string_equal(reason, "rate limited (HTTP 429)");
    assert_true(blocked(429, 30000, NULL, NULL, NULL, reason));
    assert_string_equal(reason, "rate limited (HTTP 429, Retry-After 30 s)");
    assert_true(blocked(503, 120000, "nginx", NULL, "maintenance", reason));
    assert_string_equal(reason, "unavailable for now (HTTP 503, Retry-After 120 s): a rate limit or maintenance");
    assert_false(blocked(503, -1, "nginx", NULL, "<h1>Service Unavailable</h1>", reason)); /* the site's own 5xx */
}

static void test_protection_layers(void **state)
{
    (void)state;
    char reason[256];
    assert_true(blocked(403, -1, "cloudflare", "cf-mitigated: challenge", "", reason));
    assert_string_equal(reason, "bot protection (HTTP 403, cf-mitigated: challenge)");
    assert_true(blocked(503, -1, "cloudflare", NULL, "<html><head><title>Just a moment...</title>", reason));
    assert_string_equal(reason, "bot protection (HTTP 503, Cloudflare challenge page)");
    assert_true(blocked(403, -1, NULL, NULL, "<script src=\"https://ct.captcha-delivery.com/c.js\"></script>", reason));
    assert_string_equal(reason, "bot protection (HTTP 403, DataDome challenge page)");
    assert_true(blocked(403, -1, "AkamaiGHost", NULL, "Access Denied", reason));
    assert_true(blocked(403, -1, NULL, "x-amzn-waf-action: captcha", NULL, reason));
}

static void test_look_alikes(void **state)
{
    (void)state;
    char reason[256];
    assert_false(blocked(403, -1, "cloudflare", NULL, "<h1>Forbidden</h1>", reason)); /* the origin's own 403 */
    assert_false(blocked(404, -1, NULL, "cf-mitigated: challenge", NULL, reason));
    assert_false(blocked(200, -1, NULL, NULL, "<title>Just a moment...</title>", reason)); /* a page about waiting */
    assert_false(blocked(500, 10000, NULL, NULL, NULL, reason));
    /* markers are looked for in the first 64 KB only */
    size_t size = (64u << 10) + 64;
    char *body = malloc(size + 1);
    assert_non_null(body);
    memset(body, 'x', size);
    strcpy(body + (64u << 10) + 10, "px-captcha");
    assert_false(blocked(403, -1, NULL, NULL, body, reason));
    memcpy(body + 100, "px-captcha", 10);
    assert_true(blocked(403, -1, NULL, NULL, body, reason));
    free(body);
}

static void test_header_names(void **state)
{
    (void)state;
    assert_true(bot_wall_header_name("CF-Mitigated", 12));
    assert_true(bot_wall_header_name("x-datadome", 10));
    assert_false(bot_wall_header_name("server", 6));
    assert_false(bot_wall_header_name("cf-ray", 6)); /* on every Cloudflare answer, walled or not */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_limits),
        cmocka_unit_test(test_protection_layers),
        cmocka_unit_test(test_look_alikes),
        cmocka_unit_test(test_header_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
