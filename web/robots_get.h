/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_get: fetch one robots.txt with a blocking GET and compile it, applying RFC 9309's
 * fetch semantics (robots_fetch_policy) hop by hop. For commands that check one origin
 * (`robots check --robots-url`, `robots lint URL`); the crawl uses the policy with its own fetcher.
 *
 * Memory: *out is the caller's (robots_free). Threads: any thread (one blocking transfer at a time
 * per call). Errors: CP_OK whenever a policy was reached, even if the site failed (then *out allows
 * or disallows everything and findings says why); CP_ERR_NETWORK when the host itself could not be
 * reached (DNS, connect, TLS: *out disallows everything and findings says why, as RFC 9309 wants,
 * but a command that only asked about this file has nothing to report); CP_ERR_NOMEM otherwise. */
#ifndef CRAWLPACK_WEB_ROBOTS_GET_H
#define CRAWLPACK_WEB_ROBOTS_GET_H

#include "web/http_get.h"
#include "web/robots.h"

/* opts may be NULL (defaults); its follow_redirects and max_body are overridden. Findings of the
 * fetch name robots_url; findings of the parsed file name the URL it was finally read from. */
int robots_get(const char *robots_url, const struct http_get_options *opts, struct robots **out,
               struct finding_list *findings);

#endif
