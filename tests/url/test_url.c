/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for web/url: resolution rows of crawler-commons, the crawl identity, the length
 * cap, non-crawlable schemes, origins and the small accessors. The WHATWG suite itself is
 * test_url_wpt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/url.h"

/* Parse input against base_text (NULL: no base); returns the href (malloc'd) or NULL on error. */
static char *resolve(const char *input, const char *base_text)
{
    struct url base, url;
    if (base_text)
        assert_int_equal(url_parse_str(base_text, NULL, &base), URL_OK);
    enum url_error error = url_parse_str(input, base_text ? &base : NULL, &url);
    if (base_text)
        url_free(&base);
    if (error)
        return NULL;
    char *href = strdup(url.href);
    url_free(&url);
    return href;
}

/* The crawl identity of input against base_text, with the given stripped parameters. */
static char *identity_of(const char *input, const char *base_text, const char *const *strip, size_t count)
{
    struct url base, url;
    if (base_text)
        assert_int_equal(url_parse_str(base_text, NULL, &base), URL_OK);
    assert_int_equal(url_parse_str(input, base_text ? &base : NULL, &url), URL_OK);
    if (base_text)
        url_free(&base);
    struct url_identity_options opts = {strip, count};
    char *identity = NULL;
    assert_int_equal(url_identity(&url, &opts, &identity), URL_OK);
    url_free(&url);
    return identity;
}

/* ---- crawler-commons url-resolve.csv ---- */

/* Read one CSV field (optionally double-quoted, no escaped quotes in this file) from *line. */
static char *csv_field(char **line)
{
    char *s = *line;
    while (*s == ' ')
        s++;
    char *end;
    if (*s == '"') {
        s++;
        end = strchr(s, '"');
        assert_non_null(end);
        *end = '\0';
        end = strchr(end + 1, ',');
    } else {
        end = strchr(s, ',');
        char *stop = end ? end : s + strlen(s);
        while (stop > s && (stop[-1] == ' ' || stop[-1] == '\n' || stop[-1] == '\r'))
            stop--;
        if (end)
            *end = '\0';
        *stop = '\0';
    }
    *line = end ? end + 1 : s + strlen(s);
    return s;
}

/* Every row resolves as crawler-commons expects: on these rows WHATWG and crawler-commons agree
 * (an empty base means "no base"). */
static void test_crawler_commons_resolution(void **state)
{
    (void)state;
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/url/crawler-commons-url-resolve.csv", getenv("CRAWLPACK_CONFORMANCE_DIR"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *rest = line;
        char *input = csv_field(&rest);
        char *base = csv_field(&rest);
        char *expected = csv_field(&rest);
        char *href = resolve(input, base[0] ? base : NULL);
        if (!href || strcmp(href, expected) != 0)
            fail_msg("%s against \"%s\": expected %s, got %s", input, base, expected, href ? href : "(error)");
        free(href);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 22);
}

/* ---- crawl identity ---- */

static void test_identity_drops_fragment_and_keeps_the_rest(void **state)
{
    (void)state;
    static const struct {
        const char *input, *base, *identity;
    } cases[] = {
        {"../c?x#y", "http://example.com/a/b", "http://example.com/c?x"},
        {"http://example.com/a#", NULL, "http://example.com/a"},
        {"http://example.com/a?#f", NULL, "http://example.com/a?"},
        /* unreserved escapes decoded, others' hex upper-cased */
        {"http://example.com/%7euser/%41%2d%5F%2E", NULL, "http://example.com/~user/A-_."},
        {"http://example.com/a%2fb%3a?q=%2b%e2%82%ac", NULL, "http://example.com/a%2Fb%3A?q=%2B%E2%82%AC"},
        /* path case, trailing slash and parameter order are the server's business */
        {"http://Example.COM/A/B/?b=1&a=2", NULL, "http://example.com/A/B/?b=1&a=2"},
        /* a lone or broken escape stays as it is */
        {"http://example.com/%zz%4", NULL, "http://example.com/%zz%4"},
        /* the parser already did scheme/host case, default port, dot segments */
        {"HTTPS://example.com:443/a/./b/../c", NULL, "https://example.com/a/c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *identity = identity_of(cases[i].input, cases[i].base, NULL, 0);
        assert_string_equal(identity, cases[i].identity);
        free(identity);
    }
}

static void test_identity_strips_parameters_by_name_and_prefix(void **state)
{
    (void)state;
    static const char *const strip[] = {"utm_*", "gclid", "fbclid"};
    static const struct {
        const char *input, *identity;
    } cases[] = {
        {"http://example.com/?utm_source=a&id=3&utm_medium=b", "http://example.com/?id=3"},
        {"http://example.com/?gclid=x", "http://example.com/"},
        {"http://example.com/?gclid=x#top", "http://example.com/"},
        {"http://example.com/?gclidx=1&gclid", "http://example.com/?gclidx=1"},
        {"http://example.com/?%75tm_term=1&a", "http://example.com/?a"},          /* names compared decoded */
        {"http://example.com/?UTM_source=1", "http://example.com/?UTM_source=1"}, /* case-sensitive */
        {"http://example.com/?a=1&&b=2", "http://example.com/?a=1&&b=2"},         /* empty parameters kept */
        {"http://example.com/?", "http://example.com/?"},
        {"http://example.com/?a=utm_x", "http://example.com/?a=utm_x"}, /* values are not names */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *identity = identity_of(cases[i].input, NULL, strip, 3);
        assert_string_equal(identity, cases[i].identity);
        free(identity);
    }
}

/* Spellings of one page share an identity; different pages do not. */
static void test_identity_equality(void **state)
{
    (void)state;
    char *a = identity_of("http://EXAMPLE.com:80/%7Efoo?x=%2f#a", NULL, NULL, 0);
    char *b = identity_of("http://example.com/~foo?x=%2F#b", NULL, NULL, 0);
    char *c = identity_of("http://example.com/~foo/?x=%2F", NULL, NULL, 0);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    free(a), free(b), free(c);
}

/* ---- limits, schemes, accessors ---- */

static void test_length_cap(void **state)
{
    (void)state;
    char *input = malloc(URL_DEFAULT_MAX_LENGTH + 2);
    struct url url;
    strcpy(input, "http://example.com/");
    size_t prefix = strlen(input);
    memset(input + prefix, 'a', URL_DEFAULT_MAX_LENGTH - prefix);
    input[URL_DEFAULT_MAX_LENGTH] = '\0';
    assert_int_equal(url_parse_str(input, NULL, &url), URL_OK);
    assert_int_equal(url.href_length, URL_DEFAULT_MAX_LENGTH);
    url_free(&url);
    strcat(input, "a");
    assert_int_equal(url_parse_str(input, NULL, &url), URL_ERR_TOO_LONG);
    assert_null(url.href);
    /* the cap also bounds the serialisation: spaces grow threefold */
    memset(input + prefix, ' ', 3000);
    input[prefix + 3000] = 'x';
    input[prefix + 3001] = '\0';
    assert_int_equal(url_parse_str(input, NULL, &url), URL_ERR_TOO_LONG);
    /* a configured cap, both smaller and larger than the default */
    struct url_parse_options small = {.max_length = 20}, large = {.max_length = 3 * URL_DEFAULT_MAX_LENGTH};
    assert_int_equal(url_parse("http://example.com/abc", 22, NULL, &small, &url), URL_ERR_TOO_LONG);
    assert_int_equal(url_parse(input, strlen(input), NULL, &large, &url), URL_OK);
    assert_int_equal(url.href_length, prefix + 9001);
    url_free(&url);
    free(input);
    assert_string_equal(url_error_string(URL_ERR_TOO_LONG), "URL longer than the configured maximum length");
}

/* A stand-in for a legacy encoding: Latin-1 for U+0000-U+00FF, and U+65E5 as two bytes whose
 * second is '\\' (as in Shift_JIS, where ASCII bytes occur inside a character). */
static size_t fake_legacy_encode(void *context, uint32_t code_point, char *out)
{
    (*(int *)context)++;
    if (code_point <= 0xFF) {
        out[0] = (char)code_point;
        return 1;
    }
    if (code_point == 0x65E5) {
        out[0] = (char)0x93, out[1] = '\\';
        return 2;
    }
    return 0;
}

static void test_query_in_document_encoding(void **state)
{
    (void)state;
    int calls = 0;
    struct url_query_encoder encoder = {fake_legacy_encode, &calls};
    struct url_parse_options options = {.query_encoder = &encoder};
    struct url base;
    assert_int_equal(url_parse_str("http://example.com/dir/page", NULL, &base), URL_OK);
    static const struct {
        const char *input, *href;
    } cases[] = {
        /* the query takes the encoding; path and fragment stay UTF-8 */
        {"/caf\xC3\xA9?q=caf\xC3\xA9#caf\xC3\xA9", "http://example.com/caf%C3%A9?q=caf%E9#caf%C3%A9"},
        /* what the encoding lacks becomes "&#N;", percent-encoded */
        {"?a=\xCE\xB1&b=\xF0\x9F\x98\x80", "http://example.com/dir/page?a=%26%23945%3B&b=%26%23128512%3B"},
        /* encoded bytes are percent-encoded by the same set: ASCII ones only when the set says so */
        {"?k=\xE6\x97\xA5'", "http://example.com/dir/page?k=%93\\%27"},
        /* escapes already there, ASCII and bytes that are not UTF-8 are kept as before */
        {"?p=%e9&s=a b&x=\xFF", "http://example.com/dir/page?p=%e9&s=a%20b&x=%FF"},
        {"https://other.example/?q=\xC3\xA9", "https://other.example/?q=%E9"},
        /* ws:, wss: and non-special URLs keep UTF-8 queries */
        {"wss://example.com/?q=\xC3\xA9", "wss://example.com/?q=%C3%A9"},
        {"web+x:thing?q=\xC3\xA9", "web+x:thing?q=%C3%A9"},
        /* a host never takes the encoding */
        {"http://caf\xC3\xA9.example/?q=\xC3\xA9", "http://xn--caf-dma.example/?q=%E9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct url url;
        assert_int_equal(url_parse(cases[i].input, strlen(cases[i].input), &base, &options, &url), URL_OK);
        assert_string_equal(url.href, cases[i].href);
        url_free(&url);
    }
    /* ASCII-only queries never call the encoder */
    calls = 0;
    struct url url;
    assert_int_equal(url_parse("/a?b=c&d=%20", 12, &base, &options, &url), URL_OK);
    assert_int_equal(calls, 0);
    url_free(&url);
    url_free(&base);
}

static void test_non_crawlable_schemes(void **state)
{
    (void)state;
    static const struct {
        const char *input, *href, *scheme_name;
        enum url_scheme scheme;
    } cases[] = {
        {"mailto:someone@example.com", "mailto:someone@example.com", "mailto", URL_SCHEME_MAILTO},
        {"javascript:void(0)", "javascript:void(0)", "javascript", URL_SCHEME_JAVASCRIPT},
        {"JavaScript:alert('x y')", "javascript:alert('x y')", "javascript", URL_SCHEME_JAVASCRIPT},
        {"data:text/plain,hi there", "data:text/plain,hi there", "data", URL_SCHEME_DATA},
        {"tel:+1-555-0100", "tel:+1-555-0100", "tel", URL_SCHEME_TEL},
        {"file:///etc/hosts", "file:///etc/hosts", "file", URL_SCHEME_FILE},
        {"ftp://example.com:21/x", "ftp://example.com/x", "ftp", URL_SCHEME_FTP},
        {"wss://example.com:443/", "wss://example.com/", "wss", URL_SCHEME_WSS},
        {"sms:+15550100?body=hi", "sms:+15550100?body=hi", "sms", URL_SCHEME_OTHER},
        {"web+x://host:1/p", "web+x://host:1/p", "web+x", URL_SCHEME_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct url base, url;
        char name[16];
        assert_int_equal(url_parse_str("https://example.org/page", NULL, &base), URL_OK);
        assert_int_equal(url_parse_str(cases[i].input, &base, &url), URL_OK);
        assert_string_equal(url.href, cases[i].href);
        assert_int_equal(url.scheme, cases[i].scheme);
        assert_false(url_is_crawlable(&url));
        url_scheme_name(&url, name, sizeof name);
        assert_string_equal(name, cases[i].scheme_name);
        url_free(&url);
        url_free(&base);
    }
    /* a relative reference against an opaque base fails, a fragment does not */
    struct url base, url;
    assert_int_equal(url_parse_str("mailto:x@example.com", NULL, &base), URL_OK);
    assert_int_equal(url_parse_str("page.html", &base, &url), URL_ERR_MISSING_SCHEME);
    assert_int_equal(url_parse_str("#f", &base, &url), URL_OK);
    assert_string_equal(url.href, "mailto:x@example.com#f");
    url_free(&url);
    url_free(&base);
}

static void test_origin_and_accessors(void **state)
{
    (void)state;
    struct url a, b, c, copy;
    char origin[64];
    assert_int_equal(url_parse_str("https://user:pw@Example.com:8443/p/q?x=1#f", NULL, &a), URL_OK);
    assert_int_equal(url_parse_str("https://example.com:8443/other", NULL, &b), URL_OK);
    assert_int_equal(url_parse_str("http://example.com:8443/", NULL, &c), URL_OK);
    assert_int_equal(url_origin(&a, origin, sizeof origin), 24);
    assert_string_equal(origin, "https://example.com:8443");
    assert_int_equal(url_origin(&a, origin, 24), -1);
    assert_true(url_same_origin(&a, &b));
    assert_false(url_same_origin(&a, &c));
    assert_int_equal(a.port, 8443);
    assert_int_equal(c.port, 8443);
    size_t length;
    const char *path = url_path_and_query(&a, &length);
    assert_int_equal(length, 8);
    assert_memory_equal(path, "/p/q?x=1", 8);
    assert_int_equal(url_copy(&a, &copy), URL_OK);
    assert_string_equal(copy.href, a.href);
    assert_ptr_not_equal(copy.href, a.href);
    assert_int_equal(copy.hostname.length, 11);
    url_free(&copy);
    url_free(&a), url_free(&b), url_free(&c);

    assert_int_equal(url_parse_str("http://example.com/a?", NULL, &a), URL_OK);
    path = url_path_and_query(&a, &length);
    assert_int_equal(length, 3); /* the request line keeps the empty query's '?' */
    assert_int_equal(a.port, 80);
    assert_int_equal(a.search.length, 0);
    url_free(&a);
    assert_int_equal(url_parse_str("mailto:x@example.com", NULL, &a), URL_OK);
    assert_int_equal(url_origin(&a, origin, sizeof origin), 4);
    assert_string_equal(origin, "null");
    assert_false(url_same_origin(&a, &a));
    assert_int_equal(a.port, -1);
    url_free(&a);
}

static void test_errors_leave_output_zeroed(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        enum url_error error;
    } cases[] = {
        {"", URL_ERR_MISSING_SCHEME},
        {"/relative", URL_ERR_MISSING_SCHEME},
        {"http://", URL_ERR_MISSING_HOST},
        {"http://user@/", URL_ERR_MISSING_HOST},
        {"http://exa mple.com/", URL_ERR_INVALID_HOST},
        {"http://1.2.3.256/", URL_ERR_INVALID_IPV4},
        {"http://[1::2::3]/", URL_ERR_INVALID_IPV6},
        {"http://example.com:65536/", URL_ERR_INVALID_PORT},
        {"http://example.com:8o/", URL_ERR_INVALID_PORT},
        {"http://\xef\xb7\x90zyx.com/", URL_ERR_IDNA},
        {"http://ex\xff.com/", URL_ERR_IDNA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct url url;
        memset(&url, 0x5a, sizeof url);
        assert_int_equal(url_parse_str(cases[i].input, NULL, &url), cases[i].error);
        assert_null(url.href);
        assert_int_equal(url.href_length, 0);
        url_free(&url);
        assert_non_null(url_error_string(cases[i].error));
        struct url copy;
        assert_int_equal(url_copy(&url, &copy), URL_OK);
        assert_null(copy.href);
    }
    /* NUL bytes: percent-encoded in a path, rejected in a host */
    struct url url;
    assert_int_equal(url_parse("http://a/\0b", 11, NULL, NULL, &url), URL_OK);
    assert_string_equal(url.href, "http://a/%00b");
    url_free(&url);
    assert_int_equal(url_parse("http://a\0b/", 11, NULL, NULL, &url), URL_ERR_INVALID_HOST);
}

/* ---- hosts ---- */

/* Internationalised hosts: UTS #46 per label, ASCII labels only lower-cased. */
static void test_idna_hosts(void **state)
{
    (void)state;
    static const struct {
        const char *input, *href;
    } cases[] = {
        {"http://B\xc3\xbc"
         "cher.Example/",
         "http://xn--bcher-kva.example/"},
        {"http://fa\xc3\x9f.de/", "http://xn--fa-hia.de/"},           /* non-transitional: sharp s kept */
        {"http://\xf0\x9f\x92\xa9.la/", "http://xn--ls8h.la/"},       /* emoji: UTS #46 allows them */
        {"http://\xe2\x98\x83.\xc3\x9f/", "http://xn--n3h.xn--zca/"}, /* symbol and deviation, two labels */
        {"http://www.foo\xe3\x80\x82"
         "bar.\xc3\xbc/",
         "http://www.foo.bar.xn--tda/"}, /* ideographic full stop */
        {"http://a.xn--pokxncvks.\xc3\xbc/", "http://a.xn--pokxncvks.xn--tda/"},
        {"http://\xc3\xbc.-com/", "http://xn--tda.-com/"}, /* no hyphen checks on ASCII labels */
        {"http://%c3%bc.com/", "http://xn--tda.com/"},     /* decoded before IDNA */
        {"http://\xe2\x85\xab.com/", "http://xii.com/"},   /* mapped: ROMAN NUMERAL TWELVE */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *href = resolve(cases[i].input, NULL);
        if (!href || strcmp(href, cases[i].href) != 0)
            fail_msg("%s: expected %s, got %s", cases[i].input, cases[i].href, href ? href : "(error)");
        free(href);
    }
}

/* ---- threads ---- */

#define THREAD_COUNT 4
static const char *const shared_inputs[] = {"../x?utm_source=a&b=1#f", "https://bücher.example/k", "//[::1]:8080/p",
                                            "http://0x7f.1/%7e"};
static struct url shared_base;

/* Each thread parses against the one shared base and checks against the single-threaded result. */
static void *parse_in_thread(void *expected)
{
    static const char *const strip[] = {"utm_*"};
    const struct url_identity_options opts = {strip, 1};
    char **identities = expected;
    for (int round = 0; round < 500; round++) {
        for (size_t i = 0; i < 4; i++) {
            struct url url;
            char *identity;
            if (url_parse_str(shared_inputs[i], &shared_base, &url) != URL_OK)
                return "parse failed";
            int rc = url_identity(&url, &opts, &identity);
            url_free(&url);
            if (rc != URL_OK || strcmp(identity, identities[i]) != 0) {
                free(identity);
                return "different identity";
            }
            free(identity);
        }
    }
    return NULL;
}

static void test_parallel_parsing_shares_a_base(void **state)
{
    (void)state;
    char *expected[4];
    static const char *const strip[] = {"utm_*"};
    assert_int_equal(url_parse_str("https://example.com/a/b", NULL, &shared_base), URL_OK);
    for (size_t i = 0; i < 4; i++)
        expected[i] = identity_of(shared_inputs[i], "https://example.com/a/b", strip, 1);
    assert_string_equal(expected[0], "https://example.com/x?b=1");
    pthread_t threads[THREAD_COUNT];
    for (int t = 0; t < THREAD_COUNT; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, parse_in_thread, expected), 0);
    for (int t = 0; t < THREAD_COUNT; t++) {
        void *result;
        assert_int_equal(pthread_join(threads[t], &result), 0);
        if (result)
            fail_msg("thread %d: %s", t, (const char *)result);
    }
    for (size_t i = 0; i < 4; i++)
        free(expected[i]);
    url_free(&shared_base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crawler_commons_resolution),
        cmocka_unit_test(test_identity_drops_fragment_and_keeps_the_rest),
        cmocka_unit_test(test_identity_strips_parameters_by_name_and_prefix),
        cmocka_unit_test(test_identity_equality),
        cmocka_unit_test(test_length_cap),
        cmocka_unit_test(test_query_in_document_encoding),
        cmocka_unit_test(test_non_crawlable_schemes),
        cmocka_unit_test(test_origin_and_accessors),
        cmocka_unit_test(test_errors_leave_output_zeroed),
        cmocka_unit_test(test_idna_hosts),
        cmocka_unit_test(test_parallel_parsing_shares_a_base),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
