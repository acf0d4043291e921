/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_get: blocking fetch of one robots.txt under RFC 9309's rules (see robots_get.h). */
#include "web/robots_get.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

int robots_get(const char *robots_url, const struct http_get_options *opts, struct robots **out,
               struct finding_list *findings)
{
    struct http_get_options options = opts ? *opts : (struct http_get_options){0};
    options.follow_redirects = false;
    options.max_body = ROBOTS_MAX_BYTES + 1; /* one byte more tells robots_parse it is too large */
    *out = NULL;
    char *current = strdup(robots_url);
    if (!current)
        return CP_ERR_NOMEM;
    int rc = CP_OK;
    bool host_unreachable = false;
    /* The policy stops after ROBOTS_MAX_REDIRECTS hops; the loop bound is a second guard. */
    for (int hops = 0; hops <= ROBOTS_MAX_REDIRECTS && !*out && rc == CP_OK; hops++) {
        struct http_response response = {0};
        int got = http_get(current, &options, &response);
        struct robots_http_outcome outcome = {
            .status = response.status,
            .network_error = got != CP_OK,
            .error = response.error,
            .location = response.location,
            .hops = hops,
        };
        enum http_error_class failure = response.error_class;
        host_unreachable = got != CP_OK && response.status == 0 &&
                           (failure == HTTP_ERROR_DNS || failure == HTTP_ERROR_CONNECT || failure == HTTP_ERROR_TLS);
        char reason[512];
        switch (robots_fetch_policy(robots_url, &outcome, findings, reason, sizeof(reason))) {
        case ROBOTS_FETCH_PARSE:
            rc = robots_parse(response.body ? response.body : "", response.body_length, current, out, findings);
            break;
        case ROBOTS_FETCH_FOLLOW: {
            char *next = strdup(response.location);
            if (!next)
                rc = CP_ERR_NOMEM;
            free(current);
            current = next;
            break;
        }
        case ROBOTS_FETCH_ALLOW_ALL:
            *out = robots_new_allow_all(reason);
            rc = *out ? CP_OK : CP_ERR_NOMEM;
            break;
        case ROBOTS_FETCH_DISALLOW_ALL:
            *out = robots_new_disallow_all(reason);
            rc = *out ? CP_OK : CP_ERR_NOMEM;
            break;
        }
        http_response_free(&response);
    }
    free(current);
    if (rc == CP_OK && !*out) {
        *out = robots_new_allow_all("robots.txt not reached within 5 redirects: everything allowed");
        rc = *out ? CP_OK : CP_ERR_NOMEM;
    }
    return rc == CP_OK && host_unreachable ? CP_ERR_NETWORK : rc;
}
