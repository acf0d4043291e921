/* SPDX-License-Identifier: Apache-2.0 */
/* tests/url/test_url_wpt: the WHATWG URL suite (web-platform-tests urltestdata, the crawler subset)
 * against web/url.
 *
 * Every case is checked: a failure case must fail to parse; any other case must parse and give the
 * expected href, origin and every component. Cases marked "relativeTo" fail without a base but are
 * valid relative references: they must also parse against a base of their own scheme. Cases listed
 * in wpt-skip.txt (a JSON-string input, a tab, a JSON-string or null base, a tab, the reason) are
 * counted as skipped. Every crawlable (http, https) success must also be a fixed point: its href
 * parses again to the same struct url (every component and the port), because the crawl identifies
 * a link from extraction's parse and a page replayed from the store from a parse of the stored
 * href, and both must give the same identity (web/extract.h, page_parsed_urls). Prints "WPT URL: passed/total (skipped N)" and exits non-zero when any case
 * that is not skipped fails, or when a skip-file entry matches no case. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/url.h"

#define MAX_SKIPS 5

struct skip {
    char *input;
    char *base; /* NULL for a null base */
    bool used;
};

static struct skip skips[MAX_SKIPS];
static size_t skip_count;

static char *json_string_dup(json_t *value)
{
    if (!json_is_string(value))
        return NULL;
    return strndup(json_string_value(value), json_string_length(value));
}

/* Read wpt-skip.txt; returns -1 on a malformed file or more than MAX_SKIPS entries. */
static int load_skips(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    char line[4096];
    int line_number = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        line_number++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2 || skip_count == MAX_SKIPS) {
            fprintf(stderr, "%s:%d: %s\n", path, line_number,
                    tab2 ? "more than 5 skipped cases" : "expected INPUT<tab>BASE<tab>REASON");
            rc = -1;
            break;
        }
        json_t *input = json_loadb(line, (size_t)(tab1 - line), JSON_DECODE_ANY, NULL);
        json_t *base = json_loadb(tab1 + 1, (size_t)(tab2 - tab1 - 1), JSON_DECODE_ANY, NULL);
        if (!json_is_string(input) || !(json_is_string(base) || json_is_null(base))) {
            fprintf(stderr, "%s:%d: input and base must be JSON strings (base may be null)\n", path, line_number);
            rc = -1;
        } else {
            skips[skip_count].input = json_string_dup(input);
            skips[skip_count].base = json_string_dup(base);
            skip_count++;
        }
        json_decref(input);
        json_decref(base);
    }
    fclose(f);
    return rc;
}

static bool is_skipped(const char *input, const char *base)
{
    for (size_t i = 0; i < skip_count; i++) {
        bool same_base = skips[i].base ? base && strcmp(skips[i].base, base) == 0 : base == NULL;
        if (strcmp(skips[i].input, input) == 0 && same_base) {
            skips[i].used = true;
            return true;
        }
    }
    return false;
}

static void describe(const char *input, const char *base)
{
    fputs("FAIL input=", stderr);
    json_t *i = json_stringn(input, strlen(input));
    char *text = json_dumps(i, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    fprintf(stderr, "%s base=%s: ", text, base ? base : "null");
    free(text);
    json_decref(i);
}

/* Parse input against base (a string or NULL). Returns the error; *out is filled on success. */
static enum url_error parse_with_base(const char *input, size_t length, const char *base, struct url *out)
{
    struct url base_url;
    if (!base)
        return url_parse(input, length, NULL, NULL, out);
    enum url_error error = url_parse_str(base, NULL, &base_url);
    if (error) {
        fprintf(stderr, "base %s does not parse: %s\n", base, url_error_string(error));
        memset(out, 0, sizeof *out);
        return error;
    }
    error = url_parse(input, length, &base_url, NULL, out);
    url_free(&base_url);
    return error;
}

static bool check_part(const struct url *url, struct url_part part, json_t *test, const char *key, const char *input,
                       const char *base)
{
    json_t *expected = json_object_get(test, key);
    if (!json_is_string(expected))
        return true;
    size_t n = json_string_length(expected);
    if (part.length == n && memcmp(url_part_start(url, part), json_string_value(expected), n) == 0)
        return true;
    describe(input, base);
    fprintf(stderr, "%s expected \"%s\", got \"%.*s\"\n", key, json_string_value(expected), (int)part.length,
            url_part_start(url, part));
    return false;
}

static bool check_origin(const struct url *url, json_t *test, const char *input, const char *base)
{
    json_t *expected = json_object_get(test, "origin");
    char origin[4096];
    if (!json_is_string(expected))
        return true;
    if (url_origin(url, origin, sizeof origin) >= 0 && strcmp(origin, json_string_value(expected)) == 0)
        return true;
    describe(input, base);
    fprintf(stderr, "origin expected \"%s\", got \"%s\"\n", json_string_value(expected), origin);
    return false;
}

static bool same_part(struct url_part a, struct url_part b)
{
    return a.offset == b.offset && a.length == b.length;
}

/* A crawlable URL's href re-parses to the same struct url. */
static bool check_fixed_point(const struct url *url, const char *input, const char *base)
{
    if (!url_is_crawlable(url))
        return true;
    struct url again;
    if (url_parse(url->href, url->href_length, NULL, NULL, &again) != URL_OK) {
        describe(input, base);
        fprintf(stderr, "href %s does not parse again\n", url->href);
        return false;
    }
    bool same = again.href_length == url->href_length && strcmp(again.href, url->href) == 0 &&
                again.scheme == url->scheme && again.port == url->port && same_part(again.protocol, url->protocol) &&
                same_part(again.username, url->username) && same_part(again.password, url->password) &&
                same_part(again.host, url->host) && same_part(again.hostname, url->hostname) &&
                same_part(again.port_text, url->port_text) && same_part(again.pathname, url->pathname) &&
                same_part(again.search, url->search) && same_part(again.hash, url->hash);
    if (!same) {
        describe(input, base);
        fprintf(stderr, "href %s parses again to a different URL (%s)\n", url->href, again.href);
    }
    url_free(&again);
    return same;
}

static bool check_success(json_t *test, const char *input, size_t length, const char *base)
{
    struct url url;
    enum url_error error = parse_with_base(input, length, base, &url);
    if (error) {
        describe(input, base);
        fprintf(stderr, "expected %s, got error: %s\n", json_string_value(json_object_get(test, "href")),
                url_error_string(error));
        return false;
    }
    struct url_part whole = {0, (uint32_t)url.href_length};
    bool ok = check_part(&url, whole, test, "href", input, base) &&
              check_part(&url, url.protocol, test, "protocol", input, base) &&
              check_part(&url, url.username, test, "username", input, base) &&
              check_part(&url, url.password, test, "password", input, base) &&
              check_part(&url, url.host, test, "host", input, base) &&
              check_part(&url, url.hostname, test, "hostname", input, base) &&
              check_part(&url, url.port_text, test, "port", input, base) &&
              check_part(&url, url.pathname, test, "pathname", input, base) &&
              check_part(&url, url.search, test, "search", input, base) &&
              check_part(&url, url.hash, test, "hash", input, base) && check_origin(&url, test, input, base) &&
              check_fixed_point(&url, input, base);
    url_free(&url);
    return ok;
}

/* A relativeTo case is a valid relative reference: against "<its scheme>://example.org/foo/bar"
 * it must parse. */
static bool check_relative_to(const char *input, size_t length)
{
    char base[64];
    const char *colon = memchr(input, ':', length);
    if (!colon || colon - input > 16) {
        describe(input, NULL);
        fputs("relativeTo case without a scheme\n", stderr);
        return false;
    }
    snprintf(base, sizeof base, "%.*s://example.org/foo/bar", (int)(colon - input), input);
    struct url url;
    enum url_error error = parse_with_base(input, length, base, &url);
    url_free(&url);
    if (!error)
        return true;
    describe(input, base);
    fprintf(stderr, "relativeTo case does not parse against a base of its scheme: %s\n", url_error_string(error));
    return false;
}

static bool check_case(json_t *test)
{
    json_t *input_json = json_object_get(test, "input");
    json_t *base_json = json_object_get(test, "base");
    const char *input = json_string_value(input_json);
    size_t length = json_string_length(input_json);
    const char *base = json_is_string(base_json) ? json_string_value(base_json) : NULL;
    if (!json_is_true(json_object_get(test, "failure")))
        return check_success(test, input, length, base);
    struct url url;
    enum url_error error = parse_with_base(input, length, base, &url);
    if (!error) {
        describe(input, base);
        fprintf(stderr, "expected failure, got %s\n", url.href);
        url_free(&url);
        return false;
    }
    if (json_object_get(test, "relativeTo"))
        return check_relative_to(input, length);
    return true;
}

int main(void)
{
    const char *conformance = getenv("CRAWLPACK_CONFORMANCE_DIR");
    const char *source = getenv("CRAWLPACK_SOURCE_DIR");
    char path[4096];
    if (!conformance || !source) {
        fputs("CRAWLPACK_CONFORMANCE_DIR and CRAWLPACK_SOURCE_DIR must be set\n", stderr);
        return 1;
    }
    snprintf(path, sizeof path, "%s/tests/url/wpt-skip.txt", source);
    if (load_skips(path) != 0)
        return 1;
    snprintf(path, sizeof path, "%s/url/urltestdata-crawler-subset.json", conformance);
    json_error_t json_error;
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &json_error);
    json_t *tests = json_object_get(root, "tests");
    if (!json_is_array(tests) || json_array_size(tests) == 0) {
        fprintf(stderr, "%s:%d: %s\n", path, json_error.line, root ? "no \"tests\" array" : json_error.text);
        json_decref(root);
        return 1;
    }
    size_t passed = 0, skipped = 0, total = json_array_size(tests);
    for (size_t i = 0; i < total; i++) {
        json_t *test = json_array_get(tests, i);
        json_t *base = json_object_get(test, "base");
        if (is_skipped(json_string_value(json_object_get(test, "input")), json_string_value(base)))
            skipped++;
        else if (check_case(test))
            passed++;
    }
    json_decref(root);
    printf("WPT URL: %zu/%zu (skipped %zu)\n", passed, total, skipped);
    int rc = passed + skipped == total ? 0 : 1;
    for (size_t i = 0; i < skip_count; i++) {
        if (!skips[i].used) {
            fprintf(stderr, "wpt-skip.txt: entry %s matches no case\n", skips[i].input);
            rc = 1;
        }
        free(skips[i].input);
        free(skips[i].base);
    }
    return rc;
}
