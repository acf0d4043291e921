/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for web/robots: parse arbitrary bytes (with findings), query paths and agents
 * on the result, and run the text helpers on the same bytes. Any crash, sanitizer report or
 * inconsistency (a check that allows a path and also reports a Disallow as deciding) is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const agents[] = {"crawlpack", "Googlebot", "FooBot", "*", "", "Foo Bar"};
static const char *const paths[] = {"/", "/a/b?c=d", "/index.html", "/robots.txt", "/%E3%83%84/x$", "/foo/bar/baz.php",
                                    "",  "/*"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *robots;
    if (robots_parse(text, size, "fuzz.txt", &robots, &findings) != 0)
        return 0;
    struct robots_decision decision;
    char rule[256];
    for (size_t a = 0; a < sizeof(agents) / sizeof(agents[0]); a++) {
        for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
            bool allowed = robots_check(robots, agents[a], paths[p], strlen(paths[p]), &decision);
            if (allowed != decision.allowed || !decision.rule_text)
                abort();
            robots_decision_format(&decision, rule, sizeof(rule));
        }
        /* The input's first line doubles as a path to match. */
        size_t line = 0;
        while (line < size && line < 512 && data[line] != '\n')
            line++;
        robots_check(robots, agents[a], text, line, &decision);
        double seconds;
        robots_crawl_delay(robots, agents[a], &seconds);
    }
    size_t count;
    const char *const *sitemaps = robots_sitemaps(robots, &count);
    for (size_t i = 0; i < count; i++)
        if (!sitemaps[i])
            abort();
    robots_free(robots);
    findings_free(&findings);

    size_t cap = size * 3 + 2;
    char *out = malloc(cap);
    if (out) {
        robots_normalize_pattern(text, size, out, cap);
        robots_path_of_url_text(text, size, out, cap);
        free(out);
    }
    return 0;
}
