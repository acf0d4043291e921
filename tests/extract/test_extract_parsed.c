/* SPDX-License-Identifier: Apache-2.0 */
/* tests/extract/test_extract_parsed: extract_page_parsed()'s parses beside the record. The crawl
 * identifies a link from the slot instead of parsing the record's string again, so every slot must
 * be exactly what that second parse gives (href, scheme, port, every component), the slots must
 * follow the record's lists (dropped links leave both), and the record must be the one
 * extract_page() gives. Ownership: a url taken out of its slot is the taker's; the rest are freed
 * with the block (ASan reports a leak or a double free). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"
#include "web/extract.h"
#include "web/url.h"

static void assert_same_part(struct url_part a, struct url_part b)
{
    assert_int_equal(a.offset, b.offset);
    assert_int_equal(a.length, b.length);
}

/* slot is the parse whose serialisation text is, and parsing text again gives the same struct. */
static void assert_slot_is_reparse(const struct url *slot, const char *text, size_t max_length)
{
    if (!text) {
        assert_null(slot->href);
        return;
    }
    assert_non_null(slot->href);
    assert_string_equal(slot->href, text);
    struct url again;
    struct url_parse_options options = {.max_length = max_length};
    assert_int_equal(url_parse(text, strlen(text), NULL, &options, &again), URL_OK);
    assert_int_equal(slot->href_length, again.href_length);
    assert_int_equal(slot->scheme, again.scheme);
    assert_int_equal(slot->port, again.port);
    assert_same_part(slot->protocol, again.protocol);
    assert_same_part(slot->username, again.username);
    assert_same_part(slot->password, again.password);
    assert_same_part(slot->host, again.host);
    assert_same_part(slot->hostname, again.hostname);
    assert_same_part(slot->port_text, again.port_text);
    assert_same_part(slot->pathname, again.pathname);
    assert_same_part(slot->search, again.search);
    assert_same_part(slot->hash, again.hash);
    char *from_slot = NULL, *from_text = NULL;
    assert_int_equal(url_identity(slot, NULL, &from_slot), URL_OK);
    assert_int_equal(url_identity(&again, NULL, &from_text), URL_OK);
    assert_string_equal(from_slot, from_text);
    free(from_slot);
    free(from_text);
    url_free(&again);
}

static void assert_slots_follow(const struct page_signals *s, const struct page_parsed_urls *p, size_t max_length)
{
    assert_int_equal(p->link_count, s->link_count);
    assert_int_equal(p->canonical_count, s->canonical_count);
    assert_int_equal(p->hreflang_count, s->hreflang_count);
    for (uint32_t i = 0; i < s->link_count; i++)
        assert_slot_is_reparse(&p->links[i], s->links[i].url, max_length);
    for (uint32_t i = 0; i < s->canonical_count; i++)
        assert_slot_is_reparse(&p->canonicals[i], s->canonicals[i].url, max_length);
    for (uint32_t i = 0; i < s->hreflang_count; i++)
        assert_slot_is_reparse(&p->hreflangs[i], s->hreflangs[i].url, max_length);
}

/* Dropped (mailto:, javascript:), unresolvable and too-long hrefs between kept ones; a <base>; a
 * windows-1252 query; header links, canonicals and hreflangs resolved against the page URL. */
static const char mixed_page[] =
    "<!doctype html><html><head><meta charset=windows-1252><base href=\"/docs/\">"
    "<link rel=canonical href=\"mailto:x@example.com\"><link rel=canonical href=\"Canon?a=\xE9\">"
    "<link rel=alternate hreflang=de href=\"//DE.example.com/./a/../b\">"
    "<link rel=alternate hreflang=fr href=\"http://[::1\">"
    "<link rel=next href=\"page2\"></head><body>"
    "<a href=\"mailto:me@example.com\">mail</a><a href=\"one.html#top\">one</a>"
    "<a href=\"javascript:void(0)\">js</a><a href=\"http://[::1\">bad</a>"
    "<a href=\"https://user:pw@Example.COM:443/%7ex/%2e%2E/y?q=%41#f\">two</a>"
    "<a href=\"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
    "long</a><a href=\"tel:+1\">tel</a><a href=\"HTTP://example.com:8080/caf\xE9?\xE9\">three</a>"
    "<iframe src=\"frame.html\"></iframe><link rel=canonical href=\"body-canonical\">"
    "</body></html>";

static struct extract_input mixed_input(size_t max_url_length)
{
    static const struct extract_header headers[] = {
        {"Link", "</from-header>; rel=canonical, <http://example.com/next?x>; rel=next, "
                 "<mailto:y@example.com>; rel=prev, </fr>; rel=alternate; hreflang=fr"},
    };
    struct extract_input input = {
        .url = "http://example.com/dir/page.html",
        .headers = headers,
        .header_count = 1,
        .body = mixed_page,
        .body_length = sizeof mixed_page - 1,
        .limits = {.max_url_length = max_url_length},
    };
    return input;
}

static void test_slots_are_the_reparse(void **state)
{
    (void)state;
    struct extract_input input = mixed_input(0);
    struct page_signals *s = NULL;
    struct page_parsed_urls *p = NULL;
    assert_int_equal(extract_page_parsed(&input, &s, &p), CP_OK);
    assert_non_null(p);
    assert_slots_follow(s, p, 0);
    /* the lists hold every kind of slot: kept, unresolvable, and dropped schemes counted */
    assert_true(s->link_count >= 6);
    assert_int_equal(s->links_invalid, 1);
    assert_true(s->scheme_count >= 3);
    assert_string_equal(s->links[0].url, "http://example.com/docs/page2"); /* link rel=next, in tree order */
    assert_string_equal(s->links[1].url, "http://example.com/docs/one.html#top");
    assert_null(s->links[2].url);
    page_parsed_urls_free(p);
    page_signals_free(s);
}

static void test_record_is_extract_page_s(void **state)
{
    (void)state;
    struct extract_input input = mixed_input(0);
    struct page_signals *plain = NULL, *s = NULL;
    struct page_parsed_urls *p = NULL;
    assert_int_equal(extract_page(&input, &plain), CP_OK);
    assert_int_equal(extract_page_parsed(&input, &s, &p), CP_OK);
    assert_int_equal(s->record_bytes, plain->record_bytes);
    assert_int_equal(s->link_count, plain->link_count);
    assert_int_equal(s->links_seen, plain->links_seen);
    assert_int_equal(s->links_too_long, plain->links_too_long);
    assert_int_equal(s->links_invalid, plain->links_invalid);
    for (uint32_t i = 0; i < s->link_count; i++) {
        if (plain->links[i].url)
            assert_string_equal(s->links[i].url, plain->links[i].url);
        else
            assert_null(s->links[i].url);
    }
    /* the record's strings live in the record, not in the slots: free the slots first */
    page_parsed_urls_free(p);
    for (uint32_t i = 0; i < s->canonical_count; i++)
        if (s->canonicals[i].url)
            assert_string_equal(s->canonicals[i].url, plain->canonicals[i].url);
    page_signals_free(s);
    page_signals_free(plain);
}

/* --max-url-length: an href over the cap is counted too long, one under it whose resolution is over
 * it does not resolve; neither leaves a slot, and every slot's href is within the cap. */
static void test_length_cap_applies_to_the_slots(void **state)
{
    (void)state;
    size_t cap = 60;
    struct extract_input input = mixed_input(cap);
    struct page_signals *s = NULL;
    struct page_parsed_urls *p = NULL;
    assert_int_equal(extract_page_parsed(&input, &s, &p), CP_OK);
    assert_int_equal(s->links_too_long, 1); /* the 101-byte href */
    assert_slots_follow(s, p, cap);
    for (uint32_t i = 0; i < p->link_count; i++)
        assert_true(p->links[i].href_length <= cap);
    page_parsed_urls_free(p);
    page_signals_free(s);

    /* "page2" (5 bytes) against a 57-byte base resolves to 62 bytes: over a 60-byte cap */
    static const char body[] = "<a href=\"page2\">p</a><a href=\"p3\">p</a>";
    struct extract_input near = {
        .url = "http://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x",
        .body = body,
        .body_length = sizeof body - 1,
        .limits = {.max_url_length = cap},
    };
    assert_int_equal(extract_page_parsed(&near, &s, &p), CP_OK);
    assert_int_equal(s->link_count, 2);
    assert_null(s->links[0].url);
    assert_int_equal(s->links_invalid, 1);
    assert_non_null(s->links[1].url);
    assert_slots_follow(s, p, cap);
    page_parsed_urls_free(p);
    page_signals_free(s);
}

/* A url taken out of its slot belongs to the taker; the block frees the rest. */
static void test_taking_a_slot(void **state)
{
    (void)state;
    struct extract_input input = mixed_input(0);
    struct page_signals *s = NULL;
    struct page_parsed_urls *p = NULL;
    assert_int_equal(extract_page_parsed(&input, &s, &p), CP_OK);
    struct url taken = p->links[1];
    memset(&p->links[1], 0, sizeof p->links[1]);
    page_parsed_urls_free(p);
    page_signals_free(s);
    assert_string_equal(taken.href, "http://example.com/docs/one.html#top");
    url_free(&taken);
}

/* No slots on failure; a page without links still gets an (empty) block. */
static void test_failure_and_empty(void **state)
{
    (void)state;
    struct page_signals *s = NULL;
    struct page_parsed_urls *p = (struct page_parsed_urls *)&s; /* must be reset */
    struct extract_input bad = {.url = "/relative", .body = "", .body_length = 0};
    assert_int_equal(extract_page_parsed(&bad, &s, &p), CP_ERR_INVALID);
    assert_null(s);
    assert_null(p);
    struct extract_input empty = {.url = "http://example.com/", .body = "<p>no links</p>", .body_length = 15};
    assert_int_equal(extract_page_parsed(&empty, &s, &p), CP_OK);
    assert_non_null(p);
    assert_int_equal(p->link_count + p->canonical_count + p->hreflang_count, 0);
    page_parsed_urls_free(p);
    page_signals_free(s);
    page_parsed_urls_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_are_the_reparse),
        cmocka_unit_test(test_record_is_extract_page_s),
        cmocka_unit_test(test_length_cap_applies_to_the_slots),
        cmocka_unit_test(test_taking_a_slot),
        cmocka_unit_test(test_failure_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
