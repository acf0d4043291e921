/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for web/robots: parsing and its findings, matching and the deciding rule,
 * Google's tolerances, the fetch policy, and concurrent queries on one compiled object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/robots.h"
#include "web/url.h"

static struct robots *parse(const char *body, struct finding_list *findings)
{
    struct robots *robots;
    assert_int_equal(robots_parse(body, strlen(body), "robots.txt", &robots, findings), 0);
    assert_non_null(robots);
    return robots;
}

static bool check(const struct robots *robots, const char *agent, const char *path, struct robots_decision *decision)
{
    return robots_check(robots, agent, path, strlen(path), decision);
}

/* The decision as robots check prints it: "allowed line 3: Allow: /x". */
static const char *verdict(const struct robots *robots, const char *agent, const char *path)
{
    static char text[512];
    struct robots_decision decision;
    bool allowed = check(robots, agent, path, &decision);
    char rule[400];
    robots_decision_format(&decision, rule, sizeof(rule));
    snprintf(text, sizeof(text), "%s %s", allowed ? "allowed" : "disallowed", rule);
    return text;
}

/* The findings as "LINE RULE-ID" lines, for compact assertions. */
static const char *finding_summary(const struct finding_list *findings)
{
    static char text[2048];
    size_t n = 0;
    text[0] = '\0';
    for (size_t i = 0; i < findings->count && n < sizeof(text) - 64; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%u %s\n", findings->items[i].line,
                              rule_get(findings->items[i].rule)->id);
    return text;
}

static void test_deciding_rule_and_longest_match(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\n"
                             "Disallow: /private/   # keep out\n"
                             "Allow: /private/public\n"
                             "Disallow: /*.pdf$\n"
                             "Allow: /same\n"
                             "Disallow: /same\n",
                             NULL);
    assert_string_equal(verdict(r, "AnyBot", "/private/x"), "disallowed line 2: Disallow: /private/");
    assert_string_equal(verdict(r, "AnyBot", "/private/public/a"), "allowed line 3: Allow: /private/public");
    assert_string_equal(verdict(r, "AnyBot", "/doc.pdf"), "disallowed line 4: Disallow: /*.pdf$");
    assert_string_equal(verdict(r, "AnyBot", "/doc.pdf?x=1"), "allowed no matching rule");
    assert_string_equal(verdict(r, "AnyBot", "/same/x"), "allowed line 5: Allow: /same");
    assert_string_equal(verdict(r, "AnyBot", "/robots.txt"), "allowed /robots.txt itself is always allowed (RFC 9309)");
    assert_string_equal(verdict(r, "AnyBot", ""), "allowed no matching rule");
    robots_free(r);
}

static void test_groups_merge_and_global_fallback(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nDisallow: /\n\n"
                             "User-agent: FooBot\nDisallow: /a/\n\n"
                             "User-agent: BarBot\nUser-agent: foobot\nDisallow: /b/\n"
                             "User-agent: EmptyBot\n",
                             NULL);
    assert_string_equal(verdict(r, "FOOBOT", "/a/1"), "disallowed line 5: Disallow: /a/");
    assert_string_equal(verdict(r, "FooBot", "/b/1"), "disallowed line 9: Disallow: /b/");
    assert_string_equal(verdict(r, "FooBot", "/c"), "allowed no matching rule");
    assert_string_equal(verdict(r, "BarBot", "/a/1"), "allowed no matching rule");
    assert_string_equal(verdict(r, "EmptyBot", "/x"), "allowed no matching rule");
    assert_string_equal(verdict(r, "OtherBot", "/x"), "disallowed line 2: Disallow: /");
    robots_free(r);

    r = parse("User-agent: FooBot\nDisallow: /\n", NULL);
    assert_string_equal(verdict(r, "OtherBot", "/x"), "allowed no matching rule");
    robots_free(r);
}

static void test_wildcards(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\n"
                             "Disallow: /a*b*c\n"
                             "Disallow: /lit$eral\n"
                             "Disallow: *.gif$\n"
                             "Disallow: /end$\n",
                             NULL);
    assert_false(check(r, "x", "/a-b-c", &(struct robots_decision){0}));
    assert_false(check(r, "x", "/abc/more", &(struct robots_decision){0}));
    assert_true(check(r, "x", "/acb", &(struct robots_decision){0}));
    assert_false(check(r, "x", "/lit$eral", &(struct robots_decision){0}));
    assert_true(check(r, "x", "/literal", &(struct robots_decision){0}));
    assert_false(check(r, "x", "/img/x.gif", &(struct robots_decision){0}));
    assert_true(check(r, "x", "/img/x.gif?v=1", &(struct robots_decision){0}));
    assert_false(check(r, "x", "/end", &(struct robots_decision){0}));
    assert_true(check(r, "x", "/end/", &(struct robots_decision){0}));
    robots_free(r);
}

static void test_percent_encoding_of_patterns(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nDisallow: /caf\xc3\xa9\nDisallow: /x%2fy\n", NULL);
    assert_string_equal(verdict(r, "x", "/caf%C3%A9/menu"), "disallowed line 2: Disallow: /caf\xc3\xa9");
    assert_string_equal(verdict(r, "x", "/x%2Fy"), "disallowed line 3: Disallow: /x%2fy");
    assert_string_equal(verdict(r, "x", "/x/y"), "allowed no matching rule");
    robots_free(r);
}

static void test_google_tolerances_and_findings(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *r = parse("Disallow: /before-any-group\n"      /* 1 */
                             "useragent: FooBot\n"                /* 2 */
                             "disalow: /typo\n"                   /* 3 */
                             "disallow /no-colon\n"               /* 4 */
                             "Allow: /dir/index.html\n"           /* 5 */
                             "Disallow: /\n"                      /* 6 */
                             "Noindex: /secret\n"                 /* 7 */
                             "Frobnicate: yes\n"                  /* 8 */
                             "Sitemap: /relative.xml\n"           /* 9 */
                             "Sitemap: https://a.example/s.xml\n" /* 10 */
                             "Sitemap: https://a.example/s.xml\n" /* 11 */
                             "just-a-word\n"                      /* 12 */
                             "Disallow: nopath\n",                /* 13 */
                             &findings);
    assert_string_equal(finding_summary(&findings), "1 robots-invalid-line\n"
                                                    "2 robots-tolerated-typo\n"
                                                    "3 robots-tolerated-typo\n"
                                                    "4 robots-tolerated-typo\n"
                                                    "5 robots-nonstandard-line\n"
                                                    "7 robots-unsupported-rule\n"
                                                    "8 robots-invalid-line\n"
                                                    "9 robots-sitemap-invalid\n"
                                                    "12 robots-invalid-line\n"
                                                    "13 robots-invalid-line\n");
    assert_string_equal(findings.items[0].source, "robots.txt");
    assert_string_equal(verdict(r, "foobot", "/typo"), "disallowed line 3: disalow: /typo");
    assert_string_equal(verdict(r, "foobot", "/no-colon/x"), "disallowed line 4: disallow /no-colon");
    assert_string_equal(verdict(r, "foobot", "/dir/"), "allowed line 5: Allow: /dir/index.html");
    assert_string_equal(verdict(r, "foobot", "/dir/other"), "disallowed line 6: Disallow: /");
    assert_string_equal(verdict(r, "foobot", "/before-any-group"), "disallowed line 6: Disallow: /");
    size_t count;
    const char *const *sitemaps = robots_sitemaps(r, &count);
    assert_int_equal(count, 1);
    assert_string_equal(sitemaps[0], "https://a.example/s.xml");
    robots_free(r);
    findings_free(&findings);
}

static void test_more_line_findings(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *r = parse("User-agent: * (all of them)\n" /* 1: read as '*' */
                             "Disallow: /a%zz\n"             /* 2: not an escape */
                             "User-agent: Googlebot/2.1\n"   /* 3: token googlebot */
                             "User-agent: 123\n"             /* 4: no token */
                             "Disallow: /b\n"
                             "http://example.com/sitemap.xml\n"    /* 6: bare URL */
                             ": no key\n"                          /* 7 */
                             "Disallowed: /c\n"                    /* 8: prefix of a key */
                             "Sitemap:\n"                          /* 9 */
                             "Sitemap: ftp://example.com/s.xml\n", /* 10 */
                             &findings);
    assert_string_equal(finding_summary(&findings), "1 robots-nonstandard-line\n"
                                                    "2 robots-nonstandard-line\n"
                                                    "3 robots-nonstandard-line\n"
                                                    "4 robots-invalid-line\n"
                                                    "6 robots-invalid-line\n"
                                                    "7 robots-invalid-line\n"
                                                    "8 robots-tolerated-typo\n"
                                                    "9 robots-sitemap-invalid\n"
                                                    "10 robots-sitemap-invalid\n");
    assert_string_equal(verdict(r, "AnyBot", "/a%zz"), "disallowed line 2: Disallow: /a%zz");
    assert_string_equal(verdict(r, "googlebot", "/c"), "disallowed line 8: Disallowed: /c");
    assert_string_equal(verdict(r, "googlebot", "/a%zz"), "allowed no matching rule");
    assert_null(robots_policy_reason(r));
    robots_free(r);
    findings_free(&findings);
}

static void test_crawl_delay(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *r = parse("Crawl-delay: 9\n"
                             "User-agent: *\nCrawl-delay: 2.5\nDisallow: /g\n"
                             "User-agent: SlowBot\nDisallow: /x\nCrawl-delay: 10\nCrawl-delay: 20\n"
                             "User-agent: BadBot\nCrawl-delay: soon\n",
                             &findings);
    double seconds = 0;
    assert_true(robots_crawl_delay(r, "slowbot", &seconds));
    assert_true(seconds == 10.0);
    assert_true(robots_crawl_delay(r, "AnyBot", &seconds));
    assert_true(seconds == 2.5);
    assert_false(robots_crawl_delay(r, "BadBot", &seconds));
    assert_string_equal(finding_summary(&findings), "1 robots-invalid-line\n"
                                                    "3 robots-unsupported-rule\n"
                                                    "7 robots-unsupported-rule\n"
                                                    "8 robots-unsupported-rule\n"
                                                    "10 robots-invalid-line\n");
    robots_free(r);
    findings_free(&findings);
}

static void test_size_limit_and_long_lines(void **state)
{
    (void)state;
    size_t size = ROBOTS_MAX_BYTES + 4096;
    char *body = malloc(size + 1);
    assert_non_null(body);
    strcpy(body, "User-agent: *\nDisallow: /early\n");
    size_t n = strlen(body);
    while (n < ROBOTS_MAX_BYTES - 16) {
        memcpy(body + n, "# padding line\n", 15);
        n += 15;
    }
    strcpy(body + n, "Disallow: /late-rule-cut-by-the-limit\n");
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *r;
    assert_int_equal(robots_parse(body, strlen(body), "big.txt", &r, &findings), 0);
    assert_false(check(r, "x", "/early", &(struct robots_decision){0}));
    assert_true(check(r, "x", "/late-rule-cut-by-the-limit", &(struct robots_decision){0}));
    /* The line cut in the middle is read as far as it goes (a notice of its own), then the size. */
    assert_true(findings.count >= 1);
    assert_int_equal(findings.items[findings.count - 1].rule, RULE_ROBOTS_TOO_LARGE);
    robots_free(r);
    findings_free(&findings);

    /* A line longer than Google's buffer is cut, and the cut pattern still applies. */
    strcpy(body, "User-agent: *\nDisallow: /x/");
    n = strlen(body);
    memset(body + n, 'a', 20000);
    strcpy(body + n + 20000, "/tail\n");
    assert_int_equal(robots_parse(body, strlen(body), "long.txt", &r, &findings), 0);
    assert_int_equal(findings.count, 1);
    assert_int_equal(findings.items[0].rule, RULE_ROBOTS_NONSTANDARD_LINE);
    assert_int_equal(findings.items[0].line, 2);
    robots_free(r);
    findings_free(&findings);
    free(body);
}

static void test_encodings_and_line_ends(void **state)
{
    (void)state;
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *r = parse("\xef\xbb\xbfUser-agent: *\r\nDisallow: /a\rDisallow: /b\n\nDisallow: /c", &findings);
    struct robots_decision d;
    assert_false(check(r, "x", "/a", &d));
    assert_false(check(r, "x", "/b", &d));
    assert_int_equal(d.line, 3);
    assert_false(check(r, "x", "/c", &d));
    assert_int_equal(d.line, 5);
    assert_int_equal(findings.count, 0);
    robots_free(r);

    static const char utf16[] =
        "\xff\xfeU\0s\0e\0r\0-\0a\0g\0e\0n\0t\0:\0 \0*\0\n\0D\0i\0s\0a\0l\0l\0o\0w\0:\0 \0/\0\n\0";
    assert_int_equal(robots_parse(utf16, sizeof(utf16) - 1, "utf16.txt", &r, &findings), 0);
    assert_true(check(r, "x", "/", &d));
    assert_string_equal(finding_summary(&findings), "1 robots-invalid-line\n");
    robots_free(r);
    findings_free(&findings);

    /* A NUL ends what Google reads of a line. */
    static const char with_nul[] = "User-agent: *\nDisallow: /a\0b\n";
    assert_int_equal(robots_parse(with_nul, sizeof(with_nul) - 1, "nul.txt", &r, NULL), 0);
    assert_false(check(r, "x", "/a", &d));
    robots_free(r);
}

static void test_helpers(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(robots_normalize_pattern("/\xc3\xa1%aa%zz", 9, out, sizeof(out)), 13);
    assert_string_equal(out, "/%C3%A1%AA%zz");
    assert_int_equal(robots_normalize_pattern("/abcdef", 7, out, 4), -1);
    assert_int_equal(robots_path_of_url_text("https://h/a?b#c", 15, out, sizeof(out)), 4);
    assert_string_equal(out, "/a?b");
    assert_int_equal(robots_path_of_url_text("https://h/abcdef", 16, out, 4), -1);
    assert_true(robots_is_valid_agent_token("Googlebot-Image"));
    assert_false(robots_is_valid_agent_token("Googlebot/2.1"));
}

static void test_parsed_urls(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nDisallow: /caf\xc3\xa9\nDisallow: /*?print\n"
                             "Sitemap: HTTPS://A.Example:443/s.xml\nSitemap: https://a.example/s.xml\n"
                             "Sitemap: mailto:someone@example.com\n",
                             NULL);
    struct url url;
    struct robots_decision d;
    assert_int_equal(url_parse_str("https://shop.example/caf\xc3\xa9?x#frag", NULL, &url), URL_OK);
    assert_false(robots_check_url(r, "x", &url, &d));
    assert_int_equal(d.line, 2);
    url_free(&url);
    assert_int_equal(url_parse_str("https://shop.example/page?print=1#top", NULL, &url), URL_OK);
    assert_false(robots_check_url(r, "x", &url, &d));
    assert_int_equal(d.line, 3);
    char robots_url[256];
    assert_int_equal(robots_txt_url(&url, robots_url, sizeof(robots_url)), 31);
    assert_string_equal(robots_url, "https://shop.example/robots.txt");
    assert_int_equal(robots_txt_url(&url, robots_url, 20), -1);
    url_free(&url);
    assert_int_equal(url_parse_str("http://Shop.Example:8080/a/b", NULL, &url), URL_OK);
    robots_txt_url(&url, robots_url, sizeof(robots_url));
    assert_string_equal(robots_url, "http://shop.example:8080/robots.txt");
    url_free(&url);
    assert_int_equal(url_parse_str("mailto:a@b.example", NULL, &url), URL_OK);
    assert_int_equal(robots_txt_url(&url, robots_url, sizeof(robots_url)), -1);
    url_free(&url);
    size_t count;
    const char *const *sitemaps = robots_sitemaps(r, &count);
    assert_int_equal(count, 1);
    assert_string_equal(sitemaps[0], "https://a.example/s.xml");
    robots_free(r);
}

/* ---- differential test: the indexed matcher against a direct reading of Google's rules ---- */

/* Google's Matches(): does pattern match a prefix of path ('*' any run, final '$' = end)? */
static bool naive_matches(const char *pattern, const char *path)
{
    if (*pattern == '\0')
        return true;
    if (pattern[0] == '$' && pattern[1] == '\0')
        return *path == '\0';
    if (*pattern == '*') {
        for (const char *p = path;; p++) {
            if (naive_matches(pattern + 1, p))
                return true;
            if (*p == '\0')
                return false;
        }
    }
    return *path == *pattern && naive_matches(pattern + 1, path + 1);
}

struct naive_rule {
    bool allow;
    char pattern[64];
    unsigned line;
    int group;
};

/* Random robots.txt over a small alphabet, so that prefixes, wildcards and ties collide often. */
static char *random_robots(unsigned *seed, struct naive_rule *rules, int *rule_count, int *groups_agent)
{
    static const char alphabet[] = "/ab*$.?";
    static char body[8192];
    size_t n = 0;
    *rule_count = 0;
    unsigned line = 0;
    int group = -1;
    bool need_agent = true;
    for (int i = 0; i < 40; i++) {
        if (need_agent || rand_r(seed) % 8 == 0) {
            group++;
            int agent = rand_r(seed) % 3; /* 0: *, 1: FooBot, 2: BarBot */
            groups_agent[group] = agent;
            n += (size_t)snprintf(body + n, sizeof(body) - n, "User-agent: %s\n",
                                  agent == 0   ? "*"
                                  : agent == 1 ? "FooBot"
                                               : "BarBot");
            line++;
            need_agent = false;
        }
        struct naive_rule *r = &rules[(*rule_count)++];
        r->allow = rand_r(seed) % 2;
        r->group = group;
        int length = 1 + rand_r(seed) % 6;
        r->pattern[0] = rand_r(seed) % 5 ? '/' : '*';
        for (int k = 1; k < length; k++)
            r->pattern[k] = alphabet[rand_r(seed) % 7];
        r->pattern[length] = '\0';
        r->line = ++line;
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%s: %s\n", r->allow ? "Allow" : "Disallow", r->pattern);
    }
    return body;
}

/* Google's decision, computed directly: the groups naming the agent, else the `*` groups. Returns
 * the deciding line (0 for none) through *line. */
static bool naive_allowed(const struct naive_rule *rules, int rule_count, const int *groups_agent, int group_count,
                          int agent, const char *path, unsigned *line)
{
    bool named = false;
    for (int g = 0; g < group_count; g++)
        named |= groups_agent[g] == agent;
    int wanted = named ? agent : 0;
    int allow = -1, disallow = -1; /* best rule indexes */
    for (int i = 0; i < rule_count; i++) {
        const struct naive_rule *r = &rules[i];
        if (groups_agent[r->group] != wanted || !naive_matches(r->pattern, path))
            continue;
        int *best = r->allow ? &allow : &disallow;
        if (*best < 0 || strlen(rules[*best].pattern) < strlen(r->pattern))
            *best = i;
    }
    size_t allow_length = allow >= 0 ? strlen(rules[allow].pattern) : 0;
    size_t disallow_length = disallow >= 0 ? strlen(rules[disallow].pattern) : 0;
    *line = 0;
    if (allow_length == 0 && disallow_length == 0)
        return true;
    bool allowed = disallow_length <= allow_length;
    *line = rules[allowed ? allow : disallow].line;
    return allowed;
}

static void test_matches_naive_reading(void **state)
{
    (void)state;
    static const char *const agents[] = {"OtherBot", "foobot", "BARBOT"};
    static const char path_alphabet[] = "/ab.?$*";
    unsigned seed = 12345;
    for (int file = 0; file < 300; file++) {
        struct naive_rule rules[64];
        int groups_agent[64];
        int rule_count;
        const char *body = random_robots(&seed, rules, &rule_count, groups_agent);
        int group_count = rules[rule_count - 1].group + 1;
        struct robots *r = parse(body, NULL);
        for (int k = 0; k < 60; k++) {
            char path[16] = "/";
            int length = 1 + rand_r(&seed) % 8;
            for (int c = 1; c < length; c++)
                path[c] = path_alphabet[rand_r(&seed) % 7];
            path[length] = '\0';
            if (strcmp(path, "/robots.txt") == 0)
                continue;
            for (int a = 0; a < 3; a++) {
                unsigned line;
                bool expected = naive_allowed(rules, rule_count, groups_agent, group_count, a, path, &line);
                struct robots_decision d;
                bool allowed = check(r, agents[a], path, &d);
                if (allowed != expected || d.line != line)
                    fail_msg("file %d, agent %s, path '%s': got %d line %u, expected %d line %u\n%s", file, agents[a],
                             path, allowed, d.line, expected, line, body);
            }
        }
        robots_free(r);
    }
}

struct policy_case {
    long status;
    bool network_error;
    const char *location;
    int hops;
    enum robots_fetch_action action;
    int finding; /* rule id, or -1 for none */
};

static void test_fetch_policy(void **state)
{
    (void)state;
    static const struct policy_case cases[] = {
        {200, false, NULL, 0, ROBOTS_FETCH_PARSE, -1},
        {204, false, NULL, 3, ROBOTS_FETCH_PARSE, -1},
        {301, false, "https://other.example/robots.txt", 0, ROBOTS_FETCH_FOLLOW, -1},
        {308, false, "https://other.example/robots.txt", 4, ROBOTS_FETCH_FOLLOW, -1},
        {302, false, "https://other.example/robots.txt", 5, ROBOTS_FETCH_ALLOW_ALL, RULE_ROBOTS_TOO_MANY_REDIRECTS},
        {302, false, NULL, 0, ROBOTS_FETCH_ALLOW_ALL, RULE_ROBOTS_TOO_MANY_REDIRECTS},
        {302, false, "ftp://other.example/robots.txt", 0, ROBOTS_FETCH_ALLOW_ALL, RULE_ROBOTS_TOO_MANY_REDIRECTS},
        {404, false, NULL, 0, ROBOTS_FETCH_ALLOW_ALL, -1},
        {401, false, NULL, 0, ROBOTS_FETCH_ALLOW_ALL, -1},
        {403, false, NULL, 2, ROBOTS_FETCH_ALLOW_ALL, -1},
        {410, false, NULL, 0, ROBOTS_FETCH_ALLOW_ALL, -1},
        {429, false, NULL, 0, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
        {500, false, NULL, 0, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
        {503, false, NULL, 1, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
        {0, true, NULL, 0, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
        {0, false, NULL, 0, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
        {199, false, NULL, 0, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
        {600, false, NULL, 0, ROBOTS_FETCH_DISALLOW_ALL, RULE_ROBOTS_UNREACHABLE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct policy_case *c = &cases[i];
        struct robots_http_outcome outcome = {c->status, c->network_error, "connect: refused", c->location, c->hops};
        struct finding_list findings = FINDING_LIST_INIT;
        char reason[256] = "unset";
        enum robots_fetch_action action = robots_fetch_policy("https://example.com/robots.txt", &outcome, &findings,
                                                              reason, sizeof(reason));
        if (action != c->action)
            fail_msg("case %zu (status %ld, hops %d): action %d, expected %d", i, c->status, c->hops, action,
                     c->action);
        assert_int_equal(findings.count, c->finding < 0 ? 0 : 1);
        if (c->finding >= 0) {
            assert_int_equal(findings.items[0].rule, c->finding);
            assert_string_equal(findings.items[0].source, "https://example.com/robots.txt");
        }
        if (action == ROBOTS_FETCH_ALLOW_ALL || action == ROBOTS_FETCH_DISALLOW_ALL) {
            struct robots *r = action == ROBOTS_FETCH_ALLOW_ALL ? robots_new_allow_all(reason)
                                                                : robots_new_disallow_all(reason);
            struct robots_decision d;
            assert_int_equal(check(r, "x", "/any", &d), action == ROBOTS_FETCH_ALLOW_ALL);
            assert_string_equal(d.rule_text, reason);
            assert_string_equal(robots_policy_reason(r), reason);
            robots_free(r);
        }
        findings_free(&findings);
    }
}

/* ---- many readers on one compiled object (also run under ThreadSanitizer) ---- */

struct reader {
    const struct robots *robots;
    int mismatches;
};

static const char *const reader_paths[] = {"/private/a", "/private/public/b", "/x.pdf", "/", "/open"};
static const bool reader_expected[] = {false, true, false, true, true};

static void *read_many(void *arg)
{
    struct reader *reader = arg;
    for (int i = 0; i < 20000; i++) {
        size_t k = (size_t)i % 5;
        struct robots_decision d;
        if (check(reader->robots, i % 2 ? "Crawlpack" : "OtherBot", reader_paths[k], &d) != reader_expected[k])
            reader->mismatches++;
    }
    return NULL;
}

static void test_concurrent_readers(void **state)
{
    (void)state;
    struct robots *r = parse("User-agent: *\nUser-agent: crawlpack\nDisallow: /private/\n"
                             "Allow: /private/public\nDisallow: /*.pdf$\n",
                             NULL);
    pthread_t threads[4];
    struct reader readers[4];
    for (int t = 0; t < 4; t++) {
        readers[t] = (struct reader){r, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, read_many, &readers[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(readers[t].mismatches, 0);
    }
    robots_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deciding_rule_and_longest_match),
        cmocka_unit_test(test_groups_merge_and_global_fallback),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_percent_encoding_of_patterns),
        cmocka_unit_test(test_google_tolerances_and_findings),
        cmocka_unit_test(test_more_line_findings),
        cmocka_unit_test(test_crawl_delay),
        cmocka_unit_test(test_size_limit_and_long_lines),
        cmocka_unit_test(test_encodings_and_line_ends),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_parsed_urls),
        cmocka_unit_test(test_matches_naive_reading),
        cmocka_unit_test(test_fetch_policy),
        cmocka_unit_test(test_concurrent_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
