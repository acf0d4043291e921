/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/discover: the discovery order and the report of each source tried (see discover.h). */
#include "sitemap/discover.h"

#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/error.h"

static int add_source(struct sitemap_discovery *d, const char *url, enum sitemap_origin origin)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->sources[i].url, url) == 0)
            return CP_OK;
    struct sitemap_discovery_source *grown = array_grow(d->sources, d->count, sizeof *grown);
    if (!grown)
        return CP_ERR_NOMEM;
    d->sources = grown;
    char *copy = strdup(url);
    if (!copy)
        return CP_ERR_NOMEM;
    d->sources[d->count++] = (struct sitemap_discovery_source){copy, origin};
    return CP_OK;
}

static int add_guesses(struct sitemap_discovery *d, const char *start_url)
{
    static const char *const guesses[] = {"/sitemap.xml", "/sitemap_index.xml"};
    struct url start;
    if (!start_url || url_parse_str(start_url, NULL, &start) != URL_OK)
        return CP_ERR_INVALID;
    int status = CP_OK;
    for (size_t i = 0; i < sizeof guesses / sizeof guesses[0] && status == CP_OK; i++) {
        struct url guess;
        if (url_parse_str(guesses[i], &start, &guess) != URL_OK) {
            status = CP_ERR_INVALID;
            break;
        }
        status = add_source(d, guess.href, SITEMAP_ORIGIN_DEFAULT);
        url_free(&guess);
    }
    url_free(&start);
    return status;
}

int sitemap_discovery_plan(const char *start_url, const char *const *robots_sitemaps, size_t robots_count,
                           const char *const *flag_sitemaps, size_t flag_count, struct sitemap_discovery *out)
{
    memset(out, 0, sizeof *out);
    int status = CP_OK;
    for (size_t i = 0; i < robots_count && status == CP_OK; i++)
        status = add_source(out, robots_sitemaps[i], SITEMAP_ORIGIN_ROBOTS);
    for (size_t i = 0; i < flag_count && status == CP_OK; i++)
        status = add_source(out, flag_sitemaps[i], SITEMAP_ORIGIN_ARGUMENT);
    if (status == CP_OK && out->count == 0)
        status = add_guesses(out, start_url);
    if (status != CP_OK)
        sitemap_discovery_free(out);
    return status;
}

void sitemap_discovery_free(struct sitemap_discovery *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->sources[i].url);
    free(d->sources);
    d->sources = NULL;
    d->count = 0;
}

int sitemap_discover_and_check(struct sitemap_checker *checker, const struct sitemap_discovery *plan,
                               sitemap_attempt_fn on_attempt, void *context)
{
    for (size_t i = 0; i < plan->count; i++) {
        struct sitemap_result result;
        int status = sitemap_check_url(checker, plan->sources[i].url, plan->sources[i].origin, &result);
        if (status != CP_OK)
            return status;
        if (on_attempt) {
            struct sitemap_attempt attempt = {plan->sources[i].url, plan->sources[i].origin, &result};
            on_attempt(&attempt, context);
        }
    }
    return CP_OK;
}

const char *sitemap_origin_name(enum sitemap_origin origin)
{
    switch (origin) {
    case SITEMAP_ORIGIN_ROBOTS: return "robots.txt";
    case SITEMAP_ORIGIN_DEFAULT: return "default";
    case SITEMAP_ORIGIN_INDEX: return "index";
    case SITEMAP_ORIGIN_ARGUMENT: break;
    }
    return "argument";
}
