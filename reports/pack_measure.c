/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_measure: measurements over crawled pages — classification, URL sections,
 * percentiles and the page strength that ranks link sources. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/comma_list.h"
#include "reports/pack_internal.h"
#include "web/url.h"

bool pack_is_html(const char *content_type)
{
    return crawl_content_type_is_html(content_type);
}

size_t pack_url_origin_length(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    p += strcspn(p, "/?#");
    return (size_t)(p - url);
}

const char *pack_url_path(const char *url)
{
    const char *p = url + pack_url_origin_length(url);
    return *p == '/' ? p : "/";
}

char *pack_url_section(const char *url)
{
    const char *path = pack_url_path(url) + 1;
    size_t n = strcspn(path, "/?#");
    /* Only a segment followed by '/' is a section: "/blog/x" and "/blog/" are in "blog";
     * "/about.html" and "/" are top-level pages. */
    if (n == 0 || path[n] != '/')
        return strdup("pages");
    char *section = strndup(path, n);
    if (!section)
        return NULL;
    for (char *c = section; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_'))
            *c = '-';
    return section;
}

bool pack_canonical_is_invalid(const struct crawl_page *page)
{
    if (!*page->canonical || strcmp(page->canonical, page->url) == 0)
        return false;
    /* The crawl writes a canonical the graph holds as the graph's URL, and one it cannot hold
     * (file:///..., http://host:port/x) as written: parse it as the crawl did. */
    struct url parsed;
    bool valid = url_parse_str(page->canonical, NULL, &parsed) == URL_OK && url_is_crawlable(&parsed);
    url_free(&parsed);
    return !valid;
}

bool pack_page_is_external(const struct crawl_page *page, const char *origin)
{
    if (page->not_indexable_reasons)
        return comma_list_has(page->not_indexable_reasons, "out-of-scope");
    if (strcmp(page->error, "not fetched: out of scope") == 0)
        return true;
    size_t length = pack_url_origin_length(page->url);
    return *origin && (length != strlen(origin) || strncasecmp(page->url, origin, length) != 0);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pack_percentile(double *values, size_t count, double percentile)
{
    if (count == 0)
        return -1;
    qsort(values, count, sizeof(*values), compare_doubles);
    size_t rank = (size_t)ceil(percentile / 100.0 * (double)count);
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;
    return values[rank - 1];
}

double pack_page_strength(const struct crawl_page *page)
{
    if (page->link_score >= 0)
        return page->link_score;
    return page->inlinks >= 0 ? page->inlinks : 0;
}
