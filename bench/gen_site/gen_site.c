/* SPDX-License-Identifier: Apache-2.0 */
/* bench/gen_site: write a deterministic synthetic website for the crawl benchmark.
 *
 * `gen_site DIR N [SEED]` writes N pages DIR/p/0.html .. DIR/p/(N-1).html, each 20-40 KB of
 * realistic HTML: a head with title, description and canonical, a shared navigation of 40 links,
 * about 20 contextual links in the text (page i always links to i+1, so every page is reachable
 * from p/0.html), about 1% of them broken (to pages that do not exist) and about 2% through
 * redirects (/old/K, which the benchmark's nginx config answers with a 301 to /p/K.html).
 * The same N and SEED always give byte-identical files. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAV_LINKS 40
#define CONTEXT_LINKS 20

static uint64_t rng_state;

static uint32_t next_random(void)
{
    /* xorshift64*: small, fast, and the same on every platform */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static const char *const words[] = {
    "platform",  "latency",   "budget",    "release",  "service",  "deploy",   "cache",      "index",    "search",
    "sitemap",   "canonical", "crawler",   "request",  "response", "header",   "throughput", "capacity", "incident",
    "review",    "storage",   "network",   "cluster",  "region",   "failover", "metric",     "trace",    "alert",
    "dashboard", "pipeline",  "artifact",  "version",  "schema",   "contract", "queue",      "worker",   "thread",
    "memory",    "profile",   "benchmark", "baseline", "growth",   "traffic",  "customer",   "page",     "content",
    "template",  "module",    "gateway",   "policy",   "quota",    "the",      "a",          "of",       "and",
    "to",        "with",      "for",       "in",       "on",       "our",      "each",       "every",    "when",
    "then",      "more",      "less",      "than",
};
#define WORD_COUNT (sizeof(words) / sizeof(words[0]))

static void write_words(FILE *out, int count)
{
    for (int i = 0; i < count; i++)
        fprintf(out, "%s%s", i ? " " : "", words[next_random() % WORD_COUNT]);
}

static void write_link(FILE *out, long n, long target_space)
{
    uint32_t roll = next_random() % 100;
    long target = (long)(next_random() % (uint32_t)target_space);
    if (roll == 0)
        fprintf(out, "<a href=\"/p/missing-%ld.html\">", target);
    else if (roll <= 2)
        fprintf(out, "<a href=\"/old/%ld\">", target);
    else
        fprintf(out, "<a href=\"/p/%ld.html\">", target);
    write_words(out, 2 + (int)(next_random() % 3));
    fputs("</a>", out);
    (void)n;
}

static int write_page(const char *dir, long i, long n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/p/%ld.html", dir, i);
    FILE *out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "gen_site: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Page %ld: ", i);
    write_words(out, 5);
    fprintf(out, "</title>\n<meta name=\"description\" content=\"");
    write_words(out, 20);
    fprintf(out,
            "\">\n<link rel=\"canonical\" href=\"/p/%ld.html\">\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
            "</head>\n<body>\n<header><nav class=\"main-nav\"><ul>\n",
            i);
    for (long k = 0; k < NAV_LINKS && k < n; k++)
        fprintf(out, "<li><a href=\"/p/%ld.html\">Section %ld</a></li>\n", k, k);
    fputs("</ul></nav></header>\n<main>\n<article>\n", out);
    fprintf(out, "<h1>Page %ld</h1>\n", i);
    long target_bytes = 20000 + (long)(next_random() % 20000);
    int links = 0;
    /* the first contextual link keeps every page reachable */
    fprintf(out, "<p>Next: <a href=\"/p/%ld.html\">page %ld</a></p>\n", (i + 1) % n, (i + 1) % n);
    while (ftell(out) < target_bytes) {
        fputs("<p>", out);
        write_words(out, 60 + (int)(next_random() % 60));
        if (links < CONTEXT_LINKS - 1) {
            fputs(" ", out);
            write_link(out, i, n);
            links++;
        }
        fputs(".</p>\n", out);
    }
    fputs("</article>\n</main>\n<footer><p>", out);
    write_words(out, 12);
    fputs("</p></footer>\n</body>\n</html>\n", out);
    return fclose(out) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fputs("usage: gen_site DIR N [SEED]\n", stderr);
        return 2;
    }
    const char *dir = argv[1];
    long n = strtol(argv[2], NULL, 10);
    rng_state = argc == 4 ? strtoull(argv[3], NULL, 10) : 0x9E3779B97F4A7C15ULL;
    if (n < 1 || n > 10000000 || rng_state == 0) {
        fputs("gen_site: N must be 1..10000000 and SEED non-zero\n", stderr);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/p", dir);
    if ((mkdir(dir, 0777) != 0 && errno != EEXIST) || (mkdir(path, 0777) != 0 && errno != EEXIST)) {
        fprintf(stderr, "gen_site: cannot create %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (long i = 0; i < n; i++)
        if (write_page(dir, i, n) != 0)
            return 1;
    snprintf(path, sizeof(path), "%s/index.html", dir);
    FILE *index = fopen(path, "w");
    if (!index)
        return 1;
    fputs(
        "<!doctype html><html><head><title>Bench site</title></head><body><a href=\"/p/0.html\">start</a></body></html>\n",
        index);
    return fclose(index) == 0 ? 0 : 1;
}
