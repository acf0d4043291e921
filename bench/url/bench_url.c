/* SPDX-License-Identifier: Apache-2.0 */
/* bench/url: how fast web/url parses, resolves and identifies URLs.
 *
 * Parses a fixed mixed list (absolute URLs, references relative to a base page, IDNA hosts,
 * IPv4/IPv6 hosts) over and over and prints URLs per second and nanoseconds per URL for each kind
 * and for the whole mix, then the same for url_identity on the parsed URLs. Times are the
 * process's CPU time (the program is single-threaded), so that other load on a shared machine
 * inflates them less than wall-clock time would.
 * Usage: bench_url [ROUNDS]   (default 20000 rounds of the whole list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/url.h"

struct sample {
    const char *kind;
    const char *input;
    bool relative; /* resolve against the base page */
};

static const struct sample samples[] = {
    {"absolute", "https://www.example.com/", false},
    {"absolute", "https://www.example.com/products/shoes/running?color=red&size=42#reviews", false},
    {"absolute", "http://blog.example.org:8080/2024/05/a-long-article-title-with-words.html", false},
    {"absolute", "HTTPS://User:Secret@Shop.Example.COM:443/cart/./items/../checkout?step=2", false},
    {"absolute", "https://cdn.example.net/assets/img/logo%20large.png?v=3f9a", false},
    {"absolute", "https://www.example.com/search?q=caf%C3%A9+au+lait&utm_source=news&utm_medium=mail", false},
    {"relative", "../about/team.html", true},
    {"relative", "/contact?ref=footer", true},
    {"relative", "page-2", true},
    {"relative", "//static.example.com/app.js", true},
    {"relative", "?sort=price", true},
    {"relative", "#top", true},
    {"relative", "./images/photo 1.jpg", true},
    {"idna", "https://bücher.example/katalog", false},
    {"idna", "http://faß.example/straße", false},
    {"idna", "https://例え.テスト/パス", false},
    {"ip", "http://192.168.0.1/status", false},
    {"ip", "http://0x7f.1/", false},
    {"ip", "http://[2001:db8:0:0:0:0:0:1]:8080/api", false},
    {"ip", "http://[::ffff:10.0.0.1]/", false},
};
#define SAMPLE_COUNT (sizeof samples / sizeof samples[0])

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(const char *what, size_t count, double seconds)
{
    printf("%-10s %10zu URLs %8.3f s CPU %12.0f URLs/s %8.1f ns/URL\n", what, count, seconds, (double)count / seconds,
           seconds * 1e9 / (double)count);
}

/* Parse every sample of kind (NULL: all) rounds times; returns the number parsed. */
static size_t parse_kind(const char *kind, const struct url *base, long rounds, size_t *checksum)
{
    size_t count = 0;
    for (long r = 0; r < rounds; r++) {
        for (size_t i = 0; i < SAMPLE_COUNT; i++) {
            if (kind && strcmp(samples[i].kind, kind) != 0)
                continue;
            struct url url;
            if (url_parse_str(samples[i].input, samples[i].relative ? base : NULL, &url) != URL_OK) {
                fprintf(stderr, "bench_url: %s does not parse\n", samples[i].input);
                exit(1);
            }
            *checksum += url.href_length;
            url_free(&url);
            count++;
        }
    }
    return count;
}

static void bench_identity(const struct url *base, long rounds, size_t *checksum)
{
    static const char *const strip[] = {"utm_*", "gclid"};
    const struct url_identity_options opts = {strip, 2};
    struct url urls[SAMPLE_COUNT];
    for (size_t i = 0; i < SAMPLE_COUNT; i++)
        if (url_parse_str(samples[i].input, samples[i].relative ? base : NULL, &urls[i]) != URL_OK)
            exit(1);
    double start = now_seconds();
    for (long r = 0; r < rounds; r++) {
        for (size_t i = 0; i < SAMPLE_COUNT; i++) {
            char *identity;
            if (url_identity(&urls[i], &opts, &identity) != URL_OK)
                exit(1);
            *checksum += (unsigned char)identity[0];
            free(identity);
        }
    }
    report("identity", (size_t)rounds * SAMPLE_COUNT, now_seconds() - start);
    for (size_t i = 0; i < SAMPLE_COUNT; i++)
        url_free(&urls[i]);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    if (rounds <= 0) {
        fputs("usage: bench_url [ROUNDS]\n", stderr);
        return 2;
    }
    struct url base;
    if (url_parse_str("https://www.example.com/blog/2024/post.html?page=1", NULL, &base) != URL_OK)
        return 1;
    size_t checksum = 0;
    static const char *const kinds[] = {"absolute", "relative", "idna", "ip", NULL};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        double start = now_seconds();
        size_t count = parse_kind(kinds[k], &base, rounds, &checksum);
        report(kinds[k] ? kinds[k] : "mixed", count, now_seconds() - start);
    }
    bench_identity(&base, rounds, &checksum);
    url_free(&base);
    printf("(checksum %zu)\n", checksum);
    return 0;
}
