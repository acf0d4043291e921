/* SPDX-License-Identifier: Apache-2.0 */
/* tests/extract/fuzz_extract: libFuzzer target for extract_page(). The input's first three lines
 * become the X-Robots-Tag, Link and Content-Type header values, the rest is the body, so one
 * corpus exercises the header parsers, charset detection and the HTML walk together. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"X-Robots-Tag", "Link", "Content-Type"};
    char *values[3] = {NULL, NULL, NULL};
    struct extract_header headers[3];
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        const uint8_t *newline = at < size ? memchr(data + at, '\n', size - at) : NULL;
        size_t end = newline ? (size_t)(newline - data) : at;
        values[i] = strndup((const char *)data + at, end - at); /* stops at a NUL: headers are C strings */
        headers[i] = (struct extract_header){names[i], values[i] ? values[i] : ""};
        at = newline ? end + 1 : at;
    }
    static const char *const engines[] = {"googlebot", "bingbot"};
    struct extract_input input = {.url = "https://fuzz.example/a/b.html",
                                  .headers = headers,
                                  .header_count = 3,
                                  .body = (const char *)data + at,
                                  .body_length = size - at,
                                  .engine_tokens = engines,
                                  .engine_token_count = 2,
                                  .limits = {.max_links = 50, .max_hreflangs = 10}};
    struct page_signals *signals = NULL;
    if (extract_page(&input, &signals) == 0)
        page_signals_free(signals);
    for (int i = 0; i < 3; i++)
        free(values[i]);
    return 0;
}
