/* SPDX-License-Identifier: Apache-2.0 */
/* web/bot_wall: whether an answer is a rate limit or a bot-protection wall in front of the page,
 * rather than the page's own status. Such a URL was not crawled, and it is not broken either: the
 * crawl reports it as blocked ("blocked: not crawled, not broken") instead of as a 4xx/5xx.
 *
 * The heuristics (docs/crawl.md, "Blocked answers"):
 *   - 429 Too Many Requests: a rate limit, always;
 *   - 503 with a Retry-After header: a rate limit or maintenance window (a server that says when
 *     to come back is not broken);
 *   - 403 or 503 with a header only protection layers send (cf-mitigated, x-datadome,
 *     x-amzn-waf-action, x-iinfo), or Server: AkamaiGHost on a 403;
 *   - 403 or 503 whose body carries a challenge page's marker (Cloudflare, DataDome, Imperva,
 *     PerimeterX/HUMAN, AWS WAF, Sucuri, SiteGround, DDoS-Guard), looked for in the first 64 KB.
 * Any other 403 or 503 is the site's own answer.
 *
 * Pure functions; any thread may call them. */
#ifndef CRAWLPACK_WEB_BOT_WALL_H
#define CRAWLPACK_WEB_BOT_WALL_H

#include <stdbool.h>
#include <stddef.h>

#include "web/fetch.h"

/* Whether the answer is a protection header, for web/fetch to keep it ("name" lower-case or not). */
bool bot_wall_header_name(const char *name, size_t length);

/* Whether response is a block; if so writes a short reason ("rate limited (HTTP 429, Retry-After
 * 30 s)", "bot protection (HTTP 403, cf-mitigated: challenge)") to reason. */
bool bot_wall_detect(const struct fetch_result *response, char *reason, size_t size);

#endif
