/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_url: robots.txt questions asked with a parsed URL (web/url) — which robots.txt
 * governs a URL, and whether a crawler may request it (see robots.h). */
#include <string.h>

#include "web/robots.h"
#include "web/url.h"

bool robots_check_url(const struct robots *robots, const char *agent, const struct url *url,
                      struct robots_decision *decision)
{
    size_t length;
    const char *path = url_path_and_query(url, &length);
    return robots_check(robots, agent, path, length, decision);
}

int robots_txt_url(const struct url *url, char *dst, size_t size)
{
    static const char path[] = "/robots.txt";
    if (!url_is_crawlable(url))
        return -1;
    int length = url_origin(url, dst, size);
    if (length < 0 || (size_t)length + sizeof(path) > size)
        return -1;
    memcpy(dst + length, path, sizeof(path));
    return length + (int)sizeof(path) - 1;
}
