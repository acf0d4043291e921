/* SPDX-License-Identifier: Apache-2.0 */
/* tests/parity/test_parity: crawlpack's links against Chromium's, page by page.
 *
 * Every page of fixtures/parity/pages is extracted as served from http://parity.test/pages/NAME.html
 * (NAME.headers gives the response headers, Content-Type charset included) and its a[href] and
 * area[href] links are compared, in document order, with what headless Chromium reported as
 * document.links with JavaScript off (fixtures/parity/expected.json, written by record.py). The
 * browser list is cut to what crawlpack lists: http(s) URLs and hrefs that are not URLs at all
 * (Chromium gives those as written); other schemes (mailto:, javascript:, ...) are only counted by
 * crawlpack. The encoding the page was decoded from must match document.characterSet too.
 *
 * A page named in fixtures/parity/differences.txt ("NAME: reason", documented in docs/extract.md)
 * must differ; when it starts to agree the entry is stale and the test fails, so the list stays
 * true. No browser is needed: the recording is in the repository. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"
#include "tools/fixture_files.h"
#include "tools/read_whole_file.h"
#include "web/extract.h"
#include "web/url.h"

#define PAGE_URL_FORMAT "http://parity.test/pages/%s.html"
#define MAX_HEADERS 16

static struct fixture_files pages;
static json_t *recording;      /* expected.json: {"browser", "pages": {NAME: {"charset", "links"}}} */
static struct buf differences; /* differences.txt as read */

static void source_path(const char *relative, char *path, size_t size)
{
    const char *root = getenv("CRAWLPACK_SOURCE_DIR");
    snprintf(path, size, "%s/%s", root ? root : ".", relative);
}

/* The documented reason NAME differs, or NULL. */
static const char *difference_reason(const char *name, char *reason, size_t size)
{
    const char *at = differences.data;
    size_t name_length = strlen(name);
    while (at && *at) {
        const char *end = strchr(at, '\n');
        size_t length = end ? (size_t)(end - at) : strlen(at);
        if (*at != '#' && length > name_length && memcmp(at, name, name_length) == 0 && at[name_length] == ':') {
            snprintf(reason, size, "%.*s", (int)(length - name_length - 1), at + name_length + 1);
            return reason;
        }
        at = end ? end + 1 : NULL;
    }
    return NULL;
}

/* NAME.headers: "Name: value" lines into headers (values point into storage). */
static size_t read_headers(const char *name, struct buf *storage, struct extract_header *headers)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%.200s.headers", pages.directory, name);
    size_t count = 0;
    if (read_whole_file(path, storage) != 0)
        return 0;
    buf_append_char(storage, '\0');
    for (char *line = storage->data; line && *line && count < MAX_HEADERS;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *colon = strchr(line, ':');
        if (*line != '#' && colon) {
            *colon = '\0';
            char *value = colon + 1;
            while (*value == ' ' || *value == '\t')
                value++;
            headers[count++] = (struct extract_header){line, value};
        }
        line = end ? end + 1 : NULL;
    }
    return count;
}

/* What crawlpack can be compared on: http(s) URLs, and hrefs that do not parse at all. */
static bool comparable(const char *href)
{
    struct url url;
    if (url_parse_str(href, NULL, &url) != URL_OK)
        return true;
    bool crawlable = url_is_crawlable(&url);
    url_free(&url);
    return crawlable;
}

static void append_list_item(struct buf *out, const char *item)
{
    buf_append_str(out, "\n    ");
    buf_append_str(out, item);
}

/* Compare one page; returns true when crawlpack agrees with the recording. The two lists are
 * written into report for the failure message. */
static bool page_agrees(const char *name, struct buf *report)
{
    json_t *expected = json_object_get(json_object_get(recording, "pages"), name);
    if (!expected) {
        buf_append_str(report, "not in fixtures/parity/expected.json: run tests/parity/record.py --update");
        return false;
    }
    char path[4400], url[512];
    snprintf(path, sizeof path, "%s/%.200s.html", pages.directory, name);
    snprintf(url, sizeof url, PAGE_URL_FORMAT, name);
    struct buf body = BUF_INIT, header_storage = BUF_INIT;
    assert_int_equal(read_whole_file(path, &body), 0);
    struct extract_header headers[MAX_HEADERS];
    struct extract_input input = {
        .url = url,
        .headers = headers,
        .header_count = read_headers(name, &header_storage, headers),
        .body = body.data ? body.data : "",
        .body_length = body.len,
    };
    struct page_signals *signals;
    assert_int_equal(extract_page(&input, &signals), CP_OK);

    struct buf ours = BUF_INIT, theirs = BUF_INIT;
    size_t ours_count = 0, theirs_count = 0;
    for (uint32_t i = 0; i < signals->link_count; i++) {
        const struct page_link *link = &signals->links[i];
        if (link->kind != EXTRACT_LINK_A && link->kind != EXTRACT_LINK_AREA)
            continue;
        append_list_item(&ours, link->url ? link->url : link->raw);
        ours_count++;
    }
    size_t index;
    json_t *href;
    json_array_foreach(json_object_get(expected, "links"), index, href)
    {
        if (!comparable(json_string_value(href)))
            continue;
        append_list_item(&theirs, json_string_value(href));
        theirs_count++;
    }
    const char *browser_charset = json_string_value(json_object_get(expected, "charset"));
    bool same_links = ours_count == theirs_count && strcmp(buf_str(&ours), buf_str(&theirs)) == 0;
    bool same_charset = browser_charset && strcasecmp(browser_charset, signals->charset) == 0;
    if (!same_charset) {
        buf_printf(report, "charset: crawlpack %s, Chromium %s\n", signals->charset,
                   browser_charset ? browser_charset : "?");
    }
    if (!same_links) {
        buf_printf(report, "links: crawlpack (%zu):%s\n  Chromium (%zu):%s\n", ours_count, buf_str(&ours), theirs_count,
                   buf_str(&theirs));
    }
    page_signals_free(signals);
    buf_free(&ours);
    buf_free(&theirs);
    buf_free(&body);
    buf_free(&header_storage);
    return same_links && same_charset;
}

static void test_page(void **state)
{
    const char *file = *state;
    char name[256], reason[512];
    snprintf(name, sizeof name, "%.*s", (int)(strlen(file) - strlen(".html")), file);
    struct buf report = BUF_INIT;
    bool agrees = page_agrees(name, &report);
    const char *documented = difference_reason(name, reason, sizeof reason);
    static char message[16384]; /* fail_msg does not return: the report is copied, then freed */
    snprintf(message, sizeof message, "%s", buf_str(&report));
    buf_free(&report);
    if (documented && agrees)
        fail_msg("%s: listed in fixtures/parity/differences.txt but now agrees with Chromium: remove the "
                 "entry (and its line in docs/extract.md)",
                 name);
    if (documented)
        print_message("%s: known difference:%s\n%s", name, documented, message);
    else if (!agrees)
        fail_msg("%s (" PAGE_URL_FORMAT "):\n%s", name, name, message);
}

/* Every recorded page exists, and every difference names a page. */
static void test_corpus_complete(void **state)
{
    (void)state;
    const char *name;
    json_t *value;
    json_object_foreach(json_object_get(recording, "pages"), name, value)
    {
        char file[300];
        snprintf(file, sizeof file, "%s.html", name);
        bool found = false;
        for (size_t i = 0; i < pages.count && !found; i++)
            found = strcmp(pages.names[i], file) == 0;
        if (!found)
            fail_msg("%s is recorded but fixtures/parity/pages/%s is missing", name, file);
    }
    for (const char *at = differences.data; at && *at;) {
        const char *end = strchr(at, '\n');
        const char *colon = strchr(at, ':');
        if (*at != '#' && *at != '\n' && colon && (!end || colon < end)) {
            char page[300];
            snprintf(page, sizeof page, "%.*s", (int)(colon - at), at);
            if (!json_object_get(json_object_get(recording, "pages"), page))
                fail_msg("differences.txt names %s, which is not a recorded page", page);
        }
        at = end ? end + 1 : NULL;
    }
}

int main(void)
{
    char path[4096];
    json_error_t error;
    source_path("fixtures/parity/expected.json", path, sizeof path);
    recording = json_load_file(path, 0, &error);
    if (!recording) {
        fprintf(stderr, "%s:%d: %s\n", path, error.line, error.text);
        return 1;
    }
    source_path("fixtures/parity/differences.txt", path, sizeof path);
    if (read_whole_file(path, &differences) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    buf_append_char(&differences, '\0');
    if (fixture_files_list(&pages, "fixtures/parity/pages", ".html") != 0)
        return 1;
    const struct CMUnitTest extra[] = {cmocka_unit_test(test_corpus_complete)};
    int failed = fixture_files_run(&pages, "parity", test_page, extra, 1);
    fixture_files_free(&pages);
    json_decref(recording);
    buf_free(&differences);
    return failed;
}
