/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_fetch: what an HTTP outcome for /robots.txt means for an origin (RFC 9309
 * section 2.3.1), as a pure function so the crawler and `robots check --robots-url` agree. */
#include <stdio.h>
#include <string.h>

#include "web/robots.h"

static enum robots_fetch_action conclude(enum robots_fetch_action action, char *reason, size_t size, const char *text)
{
    if (reason && size > 0)
        snprintf(reason, size, "%s", text);
    return action;
}

enum robots_fetch_action robots_fetch_policy(const char *robots_url, const struct robots_http_outcome *outcome,
                                             struct finding_list *findings, char *reason, size_t reason_size)
{
    char text[512];
    long status = outcome->status;
    if (outcome->network_error || status == 0) {
        snprintf(text, sizeof(text), "robots.txt unreachable (%s): everything disallowed",
                 outcome->error && *outcome->error ? outcome->error : "no response");
        if (findings)
            findings_add(findings, RULE_ROBOTS_UNREACHABLE, NULL, robots_url, 0,
                         "%s; RFC 9309 treats the whole origin as disallowed until it answers",
                         outcome->error && *outcome->error ? outcome->error : "no response");
        return conclude(ROBOTS_FETCH_DISALLOW_ALL, reason, reason_size, text);
    }
    if (status >= 200 && status <= 299)
        return conclude(ROBOTS_FETCH_PARSE, reason, reason_size, "");
    if (status >= 300 && status <= 399) {
        const char *problem = NULL;
        if (!outcome->location || !*outcome->location)
            problem = "redirect without a Location header";
        else if (strncmp(outcome->location, "http://", 7) != 0 && strncmp(outcome->location, "https://", 8) != 0)
            problem = "redirect to a URL that is not http(s)";
        else if (outcome->hops >= ROBOTS_MAX_REDIRECTS)
            problem = "more than 5 redirects";
        if (!problem)
            return conclude(ROBOTS_FETCH_FOLLOW, reason, reason_size, "");
        snprintf(text, sizeof(text), "robots.txt not reached (%s, HTTP %ld): everything allowed", problem, status);
        if (findings)
            findings_add(findings, RULE_ROBOTS_TOO_MANY_REDIRECTS, NULL, robots_url, 0,
                         "%s (HTTP %ld after %d redirects); RFC 9309 then treats robots.txt as "
                         "unavailable, so every URL of the origin is allowed",
                         problem, status, outcome->hops);
        return conclude(ROBOTS_FETCH_ALLOW_ALL, reason, reason_size, text);
    }
    if (status >= 400 && status <= 499 && status != 429) {
        snprintf(text, sizeof(text), "no robots.txt (HTTP %ld): everything allowed", status);
        return conclude(ROBOTS_FETCH_ALLOW_ALL, reason, reason_size, text);
    }
    /* 429, 5xx, and statuses HTTP does not define (1xx as a final answer, 6xx+). */
    snprintf(text, sizeof(text), "robots.txt unreachable (HTTP %ld): everything disallowed", status);
    if (findings)
        findings_add(findings, RULE_ROBOTS_UNREACHABLE, NULL, robots_url, 0,
                     "HTTP %ld; RFC 9309 treats the whole origin as disallowed until robots.txt "
                     "answers 2xx or 4xx",
                     status);
    return conclude(ROBOTS_FETCH_DISALLOW_ALL, reason, reason_size, text);
}
