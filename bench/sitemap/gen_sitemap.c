/* SPDX-License-Identifier: Apache-2.0 */
/* gen_sitemap: write a synthetic, valid sitemap of N URLs (default 50,000, about 10 MB) to stdout,
 * shaped like a large shop's: long product URLs, full lastmod timestamps, changefreq, priority.
 * Usage: gen_sitemap [URLS] [SEED]. The seed makes the files of one run list distinct URLs. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long urls = argc > 1 ? strtol(argv[1], NULL, 10) : 50000;
    long seed = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    static const char *const words[] = {"stainless",  "steel",  "kettle", "organic", "cotton", "shirt",   "wireless",
                                        "headphones", "garden", "hose",   "ceramic", "mug",    "leather", "wallet"};
    static const char *const freqs[] = {"daily", "weekly", "monthly"};
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
          stdout);
    for (long i = 0; i < urls; i++) {
        long n = seed * urls + i;
        printf("  <url>\n"
               "    <loc>https://shop.example.com/category-%ld/%s-%s-%s-model-%ld?variant=%ld</loc>\n"
               "    <lastmod>2025-%02ld-%02ldT%02ld:%02ld:%02ld+00:00</lastmod>\n"
               "    <changefreq>%s</changefreq>\n"
               "    <priority>0.%ld</priority>\n"
               "  </url>\n",
               n % 97, words[n % 14], words[(n / 14) % 14], words[(n / 196) % 14], n, n % 9, 1 + n % 12, 1 + n % 28,
               n % 24, n % 60, (n * 7) % 60, freqs[n % 3], 1 + n % 9);
    }
    fputs("</urlset>\n", stdout);
    return 0;
}
