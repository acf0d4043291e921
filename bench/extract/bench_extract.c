/* SPDX-License-Identifier: Apache-2.0 */
/* bench/extract: MB/s and pages/s of extract_page() over a folder of HTML pages, measured in the
 * same run as gumbo's bare parse + destroy of the same in-memory pages, so the walk's cost can be
 * read as a percentage over parsing.
 *
 *   bench_extract --generate N DIR   write N deterministic, realistic 20-40 KB pages into DIR
 *   bench_extract [--rounds R] DIR   measure over every *.html file in DIR
 *
 * Modes, interleaved round by round so machine noise hits all of them alike:
 *   gumbo          gumbo_parse() + gumbo_destroy_output() with default options
 *   gumbo-arena    the parse exactly as extract sets it up (arena allocator, no error list), no walk
 *   extract        extract_page() + page_signals_free(): decode, nesting cap, parse, walk, resolve
 * Time is the process's CPU time (single-threaded), so waiting for a busy core does not count;
 * the best round of each mode is reported (least disturbed by cache sharing with other processes). */
#include <dirent.h>
#include <gumbo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/buf.h"
#include "web/extract.h"
#include "web/gumbo_arena.h"
#include "tools/read_whole_file.h"

struct page {
    char *data;
    size_t length;
    char url[128];
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- page generator ---- */

static uint32_t next_random(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return *seed >> 8;
}

static const char *const vocabulary[] = {
    "platform", "latency",     "deploy",  "cache",   "request",     "server",   "index", "crawl",  "sitemap",
    "budget",   "the",         "a",       "of",      "and",         "to",       "in",    "is",     "for",
    "with",     "on",          "that",    "by",      "this",        "from",     "page",  "search", "content",
    "users",    "performance", "release", "metrics", "engineering", "reliable", "fast",
};
#define VOCABULARY_SIZE (sizeof vocabulary / sizeof vocabulary[0])

static void words(struct buf *b, uint32_t *seed, int count)
{
    for (int i = 0; i < count; i++)
        buf_printf(b, "%s%s", i ? " " : "", vocabulary[next_random(seed) % VOCABULARY_SIZE]);
}

static void generate_page(struct buf *b, int number)
{
    uint32_t seed = (uint32_t)number * 2654435761u + 7;
    buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    words(b, &seed, 6);
    buf_printf(b, " | Example</title>\n<meta name=\"description\" content=\"");
    words(b, &seed, 25);
    buf_printf(b, "\">\n<link rel=\"canonical\" href=\"https://www.example.com/articles/%d\">\n", number);
    buf_printf(b,
               "<link rel=\"alternate\" hreflang=\"de-DE\" href=\"https://www.example.com/de/articles/%d\">\n"
               "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://www.example.com/articles/%d\">\n"
               "<link rel=\"stylesheet\" href=\"/static/css/site.3f9a.css\">\n"
               "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-TEST\"></script>\n"
               "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
               "gtag('js',new Date());gtag('config','G-TEST');</script>\n</head>\n<body>\n",
               number, number);
    buf_printf(
        b, "<header class=\"site-header\"><a class=\"logo\" href=\"/\"><img src=\"/logo.svg\" alt=\"Example\"></a>\n"
           "<nav aria-label=\"main\"><ul>\n");
    for (int i = 0; i < 30; i++) {
        buf_printf(b, "<li class=\"nav-item\"><a href=\"/section/%d/\">", i);
        words(b, &seed, 2);
        buf_printf(b, "</a></li>\n");
    }
    buf_printf(b, "</ul></nav></header>\n<main id=\"content\"><article>\n<h1>");
    words(b, &seed, 8);
    buf_printf(b, "</h1>\n");
    int paragraphs = 20 + (int)(next_random(&seed) % 30);
    for (int p = 0; p < paragraphs; p++) {
        if (p % 6 == 5) {
            buf_printf(b, "<h2>");
            words(b, &seed, 5);
            buf_printf(b, "</h2>\n<ul>\n");
            for (int i = 0; i < 4; i++) {
                buf_printf(b, "<li>");
                words(b, &seed, 10);
                buf_printf(b, "</li>\n");
            }
            buf_printf(b, "</ul>\n");
        }
        buf_printf(b, "<p class=\"body-text\">");
        words(b, &seed, 40);
        buf_printf(b, " <a href=\"/articles/%u\" title=\"related\">", next_random(&seed) % 100000);
        words(b, &seed, 4);
        buf_printf(b, "</a> ");
        words(b, &seed, 30);
        if (p % 4 == 0)
            buf_printf(b, " <a href=\"https://partner.example.org/r?id=%u\" rel=\"sponsored nofollow\">partner</a>",
                       next_random(&seed) % 1000);
        buf_printf(b, ".</p>\n");
        if (p % 7 == 3)
            buf_printf(b,
                       "<figure><img src=\"/img/%u.jpg\" alt=\"figure\" loading=\"lazy\" width=\"800\" height=\"450\">"
                       "<figcaption>caption</figcaption></figure>\n",
                       next_random(&seed) % 5000);
    }
    buf_printf(b, "</article></main>\n<footer><div class=\"cols\">\n");
    for (int i = 0; i < 20; i++)
        buf_printf(b, "<a href=\"/company/%d\">company page %d</a>\n", i, i);
    buf_printf(b, "<a href=\"mailto:info@example.com\">Mail</a></div></footer>\n"
                  "<script src=\"/static/js/app.8c1e.js\" defer></script>\n</body>\n</html>\n");
}

static int generate(int count, const char *dir)
{
    mkdir(dir, 0755);
    for (int i = 0; i < count; i++) {
        struct buf page = BUF_INIT;
        generate_page(&page, i);
        char path[4096];
        snprintf(path, sizeof path, "%s/page-%05d.html", dir, i);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(page.data, 1, page.len, f) != page.len) {
            fprintf(stderr, "bench_extract: cannot write %s\n", path);
            return 1;
        }
        fclose(f);
        buf_free(&page);
    }
    printf("wrote %d pages to %s\n", count, dir);
    return 0;
}

/* ---- measurement ---- */

static size_t load_pages(const char *dir, struct page **pages, size_t *total_bytes)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t count = 0, capacity = 0;
    struct dirent *entry;
    *total_bytes = 0;
    while ((entry = readdir(d)) != NULL) {
        size_t name_length = strlen(entry->d_name);
        if (name_length < 6 || strcmp(entry->d_name + name_length - 5, ".html") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        struct buf content = BUF_INIT;
        if (read_whole_file(path, &content) != 0) {
            buf_free(&content);
            continue;
        }
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 256;
            *pages = realloc(*pages, capacity * sizeof **pages);
        }
        struct page *p = &(*pages)[count++];
        p->length = content.len;
        p->data = buf_detach(&content);
        snprintf(p->url, sizeof p->url, "https://www.example.com/bench/%.80s", entry->d_name);
        *total_bytes += p->length;
    }
    closedir(d);
    return count;
}

static double run_gumbo(const struct page *pages, size_t count)
{
    double start = now();
    for (size_t i = 0; i < count; i++) {
        GumboOutput *output = gumbo_parse_with_options(&kGumboDefaultOptions, pages[i].data, pages[i].length);
        gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
    return now() - start;
}

static double run_gumbo_arena(const struct page *pages, size_t count)
{
    double start = now();
    for (size_t i = 0; i < count; i++) {
        struct gumbo_arena arena;
        GumboOptions options;
        gumbo_arena_options(&arena, &options);
        gumbo_parse_with_options(&options, pages[i].data, pages[i].length);
        gumbo_arena_free(&arena);
    }
    return now() - start;
}

static double run_extract(const struct page *pages, size_t count, size_t *links, size_t *record_bytes)
{
    double start = now();
    *links = 0;
    *record_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        struct extract_input input = {.url = pages[i].url, .body = pages[i].data, .body_length = pages[i].length};
        struct page_signals *signals = NULL;
        if (extract_page(&input, &signals) == 0) {
            *links += signals->link_count;
            *record_bytes += signals->record_bytes;
            page_signals_free(signals);
        }
    }
    return now() - start;
}

static int measure(const char *dir, int rounds)
{
    struct page *pages = NULL;
    size_t total = 0;
    size_t count = load_pages(dir, &pages, &total);
    if (count == 0) {
        fprintf(stderr, "bench_extract: no *.html files in %s (try --generate 500 %s)\n", dir, dir);
        return 1;
    }
    double best[3] = {1e9, 1e9, 1e9};
    size_t links = 0, record_bytes = 0;
    for (int r = 0; r < rounds; r++) {
        double t[3];
        t[0] = run_gumbo(pages, count);
        t[1] = run_gumbo_arena(pages, count);
        t[2] = run_extract(pages, count, &links, &record_bytes);
        for (int m = 0; m < 3; m++)
            if (t[m] < best[m])
                best[m] = t[m];
    }
    static const char *const names[] = {"gumbo parse+destroy", "gumbo parse, extract's setup", "extract_page"};
    double megabytes = (double)total / 1e6;
    printf("%zu pages, %.1f MB (%.1f KB/page), best of %d rounds, %zu links kept in the last round\n", count, megabytes,
           megabytes * 1000 / (double)count, rounds, links);
    printf("%-30s %10s %10s %12s\n", "mode", "MB/s", "pages/s", "vs gumbo");
    for (int m = 0; m < 3; m++)
        printf("%-30s %10.1f %10.0f %+11.1f%%\n", names[m], megabytes / best[m], (double)count / best[m],
               (best[m] / best[0] - 1) * 100);
    printf("extract_page vs the same parse setup: %+.1f%%\n", (best[2] / best[1] - 1) * 100);
    printf("page-signals record: %.1f KB per page on average (%.0f bytes per link kept)\n",
           (double)record_bytes / (double)count / 1000, links ? (double)record_bytes / (double)links : 0.0);
    for (size_t i = 0; i < count; i++)
        free(pages[i].data);
    free(pages);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--generate") == 0)
        return generate(atoi(argv[2]), argv[3]);
    int rounds = 5;
    int first = 1;
    if (argc >= 3 && strcmp(argv[1], "--rounds") == 0) {
        rounds = atoi(argv[2]);
        first = 3;
    }
    if (argc != first + 1 || rounds < 1) {
        fprintf(stderr, "usage: bench_extract --generate N DIR | bench_extract [--rounds R] DIR\n");
        return 2;
    }
    return measure(argv[first], rounds);
}
