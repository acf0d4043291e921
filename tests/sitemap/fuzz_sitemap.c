/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sitemap: libFuzzer target over the whole read path of a sitemap body — gzip sniffing and
 * inflation, XML or text parsing, and every validation rule — as the crawler calls it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sitemap/sitemap.h"

static int count_entry(const struct sitemap_entry *entry, void *context)
{
    size_t *count = context;
    *count += strlen(entry->url) > 0;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const robots_sitemaps[] = {"https://example.com/sitemap.xml"};
    static const struct sitemap_robots_declaration robots[] = {{"https://partner.example", robots_sitemaps, 1}};
    struct sitemap_options options = {
        .now = 1767225600, /* 2026-01-01T00:00:00Z */
        .robots = robots,
        .robots_count = 1,
    };
    struct finding_list findings = FINDING_LIST_INIT;
    struct sitemap_checker checker;
    size_t count = 0;
    sitemap_checker_init(&checker, &options, &findings, count_entry, &count);
    sitemap_check_buffer(&checker, "fuzz.xml", "https://example.com/sitemap.xml", data, size, SITEMAP_ORIGIN_ARGUMENT,
                         NULL);
    sitemap_checker_free(&checker);
    findings_free(&findings);
    return 0;
}
