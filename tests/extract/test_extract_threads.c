/* SPDX-License-Identifier: Apache-2.0 */
/* tests/extract/test_extract_threads: extract_page() from several threads at once over the same
 * fixtures gives the same records as one thread (run under ThreadSanitizer too). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/extract.h"
#include "tools/read_whole_file.h"

#define THREADS 4
#define ROUNDS 25

static const char *const fixtures[] = {"links-rel", "robots-header", "shift-jis-meta", "latin1-header",
                                       "hreflang",  "template",      "broken-markup"};
#define FIXTURE_COUNT (sizeof fixtures / sizeof fixtures[0])

static struct buf bodies[FIXTURE_COUNT];

/* A digest of the record's content, to compare across threads. */
static uint64_t digest(const struct page_signals *s)
{
    uint64_t h = 1469598103934665603u;
    for (uint32_t i = 0; i < s->link_count; i++) {
        const char *parts[] = {s->links[i].url ? s->links[i].url : s->links[i].raw, s->links[i].text};
        for (int p = 0; p < 2; p++)
            for (const char *c = parts[p]; c && *c; c++)
                h = (h ^ (unsigned char)*c) * 1099511628211u;
    }
    h ^= s->word_count * 31u + s->robots[1].directives.flag_sources[ROBOTS_NOINDEX] + s->hreflang_count;
    return h;
}

static uint64_t extract_digest(size_t fixture)
{
    static const struct extract_header headers[] = {{"X-Robots-Tag", "googlebot: noindex"},
                                                    {"Link", "</c>; rel=canonical"}};
    struct extract_input input = {.url = "https://www.example.com/pages/x.html",
                                  .headers = headers,
                                  .header_count = 2,
                                  .body = bodies[fixture].data,
                                  .body_length = bodies[fixture].len};
    struct page_signals *s = NULL;
    if (extract_page(&input, &s) != CP_OK)
        return 0;
    uint64_t h = digest(s);
    page_signals_free(s);
    return h;
}

static uint64_t expected[FIXTURE_COUNT];

static void *worker(void *arg)
{
    size_t offset = (size_t)(uintptr_t)arg;
    size_t mismatches = 0;
    for (int round = 0; round < ROUNDS; round++)
        for (size_t i = 0; i < FIXTURE_COUNT; i++) {
            size_t f = (i + offset) % FIXTURE_COUNT;
            mismatches += extract_digest(f) != expected[f];
        }
    return (void *)(uintptr_t)mismatches;
}

static void test_parallel_extraction(void **state)
{
    (void)state;
    const char *source = getenv("CRAWLPACK_SOURCE_DIR");
    assert_non_null(source);
    for (size_t i = 0; i < FIXTURE_COUNT; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/fixtures/html/%s.html", source, fixtures[i]);
        assert_int_equal(read_whole_file(path, &bodies[i]), 0);
        expected[i] = extract_digest(i);
        assert_true(expected[i] != 0);
    }
    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, worker, (void *)(uintptr_t)t), 0);
    for (size_t t = 0; t < THREADS; t++) {
        void *mismatches;
        pthread_join(threads[t], &mismatches);
        assert_int_equal((uintptr_t)mismatches, 0);
    }
    for (size_t i = 0; i < FIXTURE_COUNT; i++)
        buf_free(&bodies[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parallel_extraction)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
