/* SPDX-License-Identifier: Apache-2.0 */
/* End-to-end test of web/robots_get over a loopback HTTP server (libmicrohttpd): 200, 4xx,
 * 429/5xx, redirect chains within and beyond five hops, an oversized body, a refused connection.
 * The server only listens on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "web/robots_get.h"

static const char rules[] = "User-agent: *\nDisallow: /private/\n";

static enum MHD_Result reply(struct MHD_Connection *connection, unsigned status, const char *body, size_t length,
                             const char *location)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(length, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (location)
        MHD_add_response_header(response, "Location", location);
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

/* Routes: /ok, /404, /429, /503, /hop/N (N redirects, then the rules), /big (600 KB). */
static enum MHD_Result route(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    (void)cls, (void)method, (void)version, (void)upload_data, (void)upload_data_size, (void)state;
    int hops;
    if (strcmp(url, "/ok/robots.txt") == 0)
        return reply(connection, 200, rules, strlen(rules), NULL);
    if (sscanf(url, "/hop/%d", &hops) == 1) {
        if (hops == 0)
            return reply(connection, 200, rules, strlen(rules), NULL);
        char next[64];
        snprintf(next, sizeof(next), "/hop/%d", hops - 1);
        return reply(connection, hops % 2 ? 301 : 302, "", 0, next);
    }
    if (strcmp(url, "/big") == 0) {
        size_t size = 600 * 1024;
        char *body = malloc(size);
        memset(body, '#', size);
        memcpy(body, rules, strlen(rules));
        body[strlen(rules)] = '\n';
        enum MHD_Result result = reply(connection, 200, body, size, NULL);
        free(body);
        return result;
    }
    unsigned status = 0;
    if (sscanf(url, "/%u", &status) == 1)
        return reply(connection, status, "status", 6, NULL);
    return reply(connection, 404, "", 0, NULL);
}

static struct MHD_Daemon *server;
static unsigned port;

static int start_server(void **state)
{
    (void)state;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    server = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, route, NULL, MHD_OPTION_SOCK_ADDR,
                              (struct sockaddr *)&address, MHD_OPTION_END);
    if (!server)
        return -1;
    port = MHD_get_daemon_info(server, MHD_DAEMON_INFO_BIND_PORT)->port;
    return 0;
}

static int stop_server(void **state)
{
    (void)state;
    MHD_stop_daemon(server);
    return 0;
}

/* Fetch path from the server; return the decision for /private/x, its deciding rule in rule. */
static char rule[256];

static bool fetch(const char *path, struct finding_list *findings)
{
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
    struct http_get_options opts = {.connect_timeout_ms = 2000, .total_timeout_ms = 10000};
    struct robots *robots;
    assert_int_equal(robots_get(url, &opts, &robots, findings), 0);
    struct robots_decision decision;
    bool allowed = robots_check(robots, "crawlpack", "/private/x", 10, &decision);
    robots_decision_format(&decision, rule, sizeof(rule));
    robots_free(robots);
    return allowed;
}

static void test_statuses(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    assert_false(fetch("/ok/robots.txt", &findings));
    assert_string_equal(rule, "line 2: Disallow: /private/");
    assert_int_equal(findings.count, 0);

    assert_true(fetch("/404", &findings));
    assert_string_equal(rule, "no robots.txt (HTTP 404): everything allowed");
    assert_int_equal(findings.count, 0);

    assert_false(fetch("/503", &findings));
    assert_string_equal(rule, "robots.txt unreachable (HTTP 503): everything disallowed");
    assert_false(fetch("/429", &findings));
    assert_int_equal(findings.count, 2);
    assert_int_equal(findings.items[0].rule, RULE_ROBOTS_UNREACHABLE);
    assert_int_equal(findings.items[1].rule, RULE_ROBOTS_UNREACHABLE);
    findings_free(&findings);
}

static void test_redirects(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    /* Five redirects are followed, across paths, and the rules found apply. */
    assert_false(fetch("/hop/5", &findings));
    assert_string_equal(rule, "line 2: Disallow: /private/");
    assert_int_equal(findings.count, 0);
    /* A sixth is not: robots.txt counts as unavailable, so everything is allowed. */
    assert_true(fetch("/hop/6", &findings));
    assert_int_equal(findings.count, 1);
    assert_int_equal(findings.items[0].rule, RULE_ROBOTS_TOO_MANY_REDIRECTS);
    findings_free(&findings);
}

static void test_big_body_and_refused_connection(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots_decision d;
    assert_false(fetch("/big", &findings));
    assert_int_equal(findings.count, 1); /* the 600 KB comment line is cut too, harmlessly */
    assert_int_equal(findings.items[0].rule, RULE_ROBOTS_TOO_LARGE);
    findings_free(&findings);

    struct robots *robots;
    assert_int_equal(robots_get("http://127.0.0.1:1/robots.txt", NULL, &robots, &findings), CP_ERR_NETWORK);
    assert_false(robots_check(robots, "crawlpack", "/", 1, &d));
    assert_int_equal(findings.count, 1);
    assert_int_equal(findings.items[0].rule, RULE_ROBOTS_UNREACHABLE);
    robots_free(robots);
    findings_free(&findings);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_redirects),
        cmocka_unit_test(test_big_body_and_refused_connection),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
