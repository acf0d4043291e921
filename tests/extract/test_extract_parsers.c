/* SPDX-License-Identifier: Apache-2.0 */
/* tests/extract/test_extract_parsers: the parsers under web/extract — charset detection and
 * decoding, RFC 8288 Link headers, robots directives (meta and X-Robots-Tag), hreflang codes and
 * the nesting cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"
#include "web/charset.h"
#include "web/hreflang.h"
#include "web/html_depth.h"
#include "web/link_header.h"
#include "web/robots_directives.h"

/* ---- charset ---- */

static void decode(const char *body, size_t length, const char *content_type, struct charset_result *r)
{
    assert_int_equal(charset_decode(body, length, content_type, r), CP_OK);
}

static void test_charset_utf8_passthrough(void **state)
{
    (void)state;
    const char body[] = "<p>caf\xC3\xA9</p>";
    struct charset_result r;
    decode(body, sizeof body - 1, "text/html; charset=UTF-8", &r);
    assert_ptr_equal(r.text, body); /* valid UTF-8 is not copied */
    assert_int_equal(r.source, CHARSET_SOURCE_HEADER);
    assert_string_equal(r.used, "utf-8");
    assert_int_equal(r.replaced, 0);
    charset_result_free(&r);
}

static void test_charset_undeclared_is_windows_1252(void **state)
{
    (void)state;
    /* nothing declared: windows-1252 as Chromium decodes it, UTF-8 bytes included (no guessing);
     * 0x81 is U+0081 in the Encoding Standard's table, which iconv lacks */
    const char body[] = "<p>caf\xC3\xA9 \x80\x81\x9F\xFF</p>";
    struct charset_result r;
    decode(body, sizeof body - 1, "text/html", &r);
    assert_int_equal(r.source, CHARSET_SOURCE_DEFAULT);
    assert_string_equal(r.used, "windows-1252");
    assert_string_equal(r.text, "<p>caf\xC3\x83\xC2\xA9 \xE2\x82\xAC\xC2\x81\xC5\xB8\xC3\xBF</p>");
    assert_int_equal(r.replaced, 0);
    charset_result_free(&r);

    const char ascii[] = "<p>plain ASCII is its own UTF-8</p>";
    decode(ascii, sizeof ascii - 1, NULL, &r);
    assert_ptr_equal(r.text, ascii); /* not copied */
    assert_string_equal(r.used, "windows-1252");
    charset_result_free(&r);

    decode("", 0, NULL, &r);
    assert_string_equal(r.used, "windows-1252");
    assert_int_equal(r.length, 0);
    charset_result_free(&r);
}

static void test_charset_invalid_utf8_replaced(void **state)
{
    (void)state;
    const char body[] = "a\xFF"
                        "b\xC3"
                        "c\xED\xA0\x80"
                        "d\xF0\x9F\x98\x80";
    struct charset_result r;
    decode(body, sizeof body - 1, "text/html; charset=utf-8", &r);
    /* 0xFF, a truncated C3, and each byte of an encoded surrogate (ED A0 80) become U+FFFD */
    assert_string_equal(r.text, "a\xEF\xBF\xBD"
                                "b\xEF\xBF\xBD"
                                "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                "d\xF0\x9F\x98\x80");
    assert_int_equal(r.replaced, 5);
    assert_int_equal(r.source, CHARSET_SOURCE_HEADER);
    charset_result_free(&r);
}

static void test_charset_bom_wins(void **state)
{
    (void)state;
    const char body[] = "\xEF\xBB\xBF<meta charset=latin1>\xC3\xA9";
    struct charset_result r;
    decode(body, sizeof body - 1, "text/html; charset=shift_jis", &r);
    assert_int_equal(r.source, CHARSET_SOURCE_BOM);
    assert_string_equal(r.text, "<meta charset=latin1>\xC3\xA9");
    charset_result_free(&r);

    const char utf16[] = "\xFF\xFE<\0p\0>\0\xE9\0";
    decode(utf16, sizeof utf16 - 1, NULL, &r);
    assert_string_equal(r.used, "utf-16le");
    assert_string_equal(r.text, "<p>\xC3\xA9");
    charset_result_free(&r);
}

static void test_charset_latin1_by_header_and_meta(void **state)
{
    (void)state;
    const char body[] = "<p>caf\xE9 \x80</p>";
    struct charset_result r;
    decode(body, sizeof body - 1, "text/html;charset=\"ISO-8859-1\"", &r);
    assert_string_equal(r.declared, "iso-8859-1");
    assert_string_equal(r.used, "windows-1252"); /* as browsers decode it: 0x80 is the euro sign */
    assert_string_equal(r.text, "<p>caf\xC3\xA9 \xE2\x82\xAC</p>");
    charset_result_free(&r);

    const char meta[] = "<!-- <meta charset=koi8-r> --><meta http-equiv=\"Content-Type\" "
                        "content=\"text/html; charset=latin1\"><p>\xE9";
    decode(meta, sizeof meta - 1, "text/html", &r);
    assert_int_equal(r.source, CHARSET_SOURCE_META);
    assert_string_equal(r.declared, "latin1");
    assert_string_equal(r.text + sizeof meta - 2, "\xC3\xA9");
    charset_result_free(&r);
}

static void test_charset_shift_jis(void **state)
{
    (void)state;
    /* "日本" in Shift_JIS, then a lone lead byte at the end */
    const char body[] = "<meta charset='Shift_JIS'>\x93\xFA\x96\x7B\x81";
    struct charset_result r;
    decode(body, sizeof body - 1, NULL, &r);
    assert_string_equal(r.declared, "shift_jis");
    assert_string_equal(r.used, "shift_jis");
    assert_string_equal(r.text, "<meta charset='Shift_JIS'>\xE6\x97\xA5\xE6\x9C\xAC\xEF\xBF\xBD");
    assert_int_equal(r.replaced, 1);
    charset_result_free(&r);
}

static void test_charset_prescan_limits(void **state)
{
    (void)state;
    char label[CHARSET_NAME_MAX];
    /* past 1024 bytes a declaration still counts while only head elements were seen (Chromium) ... */
    static const char tail[] = "--><script>'<meta charset=koi8-r>'</script><meta charset=latin1>";
    char head[1100 + sizeof tail];
    memset(head, 'x', 1100);
    memcpy(head, "<head><!--", 10);
    memcpy(head + 1100, tail, sizeof tail);
    assert_true(charset_prescan_meta(head, sizeof head - 1, label, sizeof label));
    assert_string_equal(label, "latin1");
    /* ... but not after body content */
    char body[1200];
    memset(body, ' ', sizeof body);
    memcpy(body, "<p>", 3);
    memcpy(body + 1100, "<meta charset=latin1>", 21);
    assert_false(charset_prescan_meta(body, sizeof body, label, sizeof label));
    /* inside a comment or another tag's attribute a <meta> is not one */
    const char hidden[] = "<!-- <meta charset=koi8-r> --><a title='<meta charset=koi8-r>'><meta charset=x>";
    assert_false(charset_prescan_meta(hidden, sizeof hidden - 1, label, sizeof label));

    /* a label that names no encoding is skipped: the next declaration, else windows-1252 */
    struct charset_result r;
    decode("<meta charset=no-such-encoding>x", 32, NULL, &r);
    assert_true(r.unknown_label == false); /* the prescan looked further and found nothing */
    assert_int_equal(r.source, CHARSET_SOURCE_DEFAULT);
    assert_string_equal(r.used, "windows-1252");
    charset_result_free(&r);
    const char meta[] = "<meta charset=bogus><meta charset=koi8-r>\xF0";
    decode(meta, sizeof meta - 1, "text/html; charset=no-such-encoding", &r);
    assert_true(r.unknown_label);
    assert_int_equal(r.source, CHARSET_SOURCE_META);
    assert_string_equal(r.used, "koi8-r");
    assert_string_equal(r.text + sizeof meta - 2, "\xD0\x9F"); /* 0xF0 is U+041F in KOI8-R */
    charset_result_free(&r);
    decode("<meta charset=utf-16le>\xC3\xA9", 25, NULL, &r); /* a page cannot declare itself UTF-16 */
    assert_string_equal(r.used, "utf-8");
    charset_result_free(&r);
    decode("abc", 3, "text/html; charset=iso-2022-kr", &r); /* the replacement encoding */
    assert_string_equal(r.used, "replacement");
    assert_string_equal(r.text, "\xEF\xBF\xBD");
    charset_result_free(&r);

    assert_false(charset_from_content_type("text/html", label, sizeof label));
    assert_true(charset_from_content_type("text/html; Charset = 'EUC-JP' ; x=y", label, sizeof label));
    assert_string_equal(label, "euc-jp");
}

static size_t encode(const char *encoding, uint32_t code_point, char *out)
{
    struct charset_encoder *encoder;
    assert_int_equal(charset_encoder_open(encoding, &encoder), CP_OK);
    assert_non_null(encoder);
    size_t n = charset_encode(encoder, code_point, out);
    charset_encoder_close(encoder);
    return n;
}

static void test_charset_encoder(void **state)
{
    (void)state;
    char out[CHARSET_ENCODED_MAX];
    assert_int_equal(encode("windows-1252", 0xE9, out), 1);
    assert_int_equal((unsigned char)out[0], 0xE9);
    assert_int_equal(encode("latin1", 0x20AC, out), 1); /* the euro sign is 0x80 */
    assert_int_equal((unsigned char)out[0], 0x80);
    assert_int_equal(encode("windows-1252", 0x81, out), 1);
    assert_int_equal(encode("windows-1252", 0x3B1, out), 0); /* no alpha in windows-1252 */
    assert_int_equal(encode("shift_jis", 0x65E5, out), 2);   /* 日 */
    assert_memory_equal(out, "\x93\xFA", 2);
    assert_int_equal(encode("windows-1251", 0x41F, out), 1); /* П */
    assert_int_equal((unsigned char)out[0], 0xCF);
    assert_int_equal(encode("koi8-r", 0x1F600, out), 0);
    /* pages whose URLs are UTF-8 anyway need no encoder */
    struct charset_encoder *encoder;
    const char *utf8_like[] = {"utf-8", "utf-16le", "replacement", "no-such-encoding", NULL};
    for (size_t i = 0; i < sizeof utf8_like / sizeof utf8_like[0]; i++) {
        assert_int_equal(charset_encoder_open(utf8_like[i], &encoder), CP_OK);
        assert_null(encoder);
    }
}

/* ---- Link header ---- */

struct collected_links {
    char text[1024];
    int count;
};

static bool collect_link(const struct link_header_entry *e, void *context)
{
    struct collected_links *c = context;
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "[%.*s|%s|%s]", (int)e->target_length, e->target, e->rel,
             e->hreflang);
    c->count++;
    return true;
}

static void test_link_header(void **state)
{
    (void)state;
    struct collected_links c = {"", 0};
    size_t malformed = link_header_parse(
        "<https://a.example/x>; rel=\"canonical\", </de>; rel=alternate; hreflang=de-DE;"
        " hreflang=fr, <https://a.example/y>; REL=\"Next Prev\"; title=\"a, b; c\"",
        collect_link, &c);
    assert_int_equal(malformed, 0);
    assert_string_equal(c.text, "[https://a.example/x|canonical|][/de|alternate|de-DE]"
                                "[https://a.example/y|next prev|]");
    assert_true(link_header_rel_has("next prev", "PREV"));
    assert_false(link_header_rel_has("nextprev", "prev"));

    struct collected_links d = {"", 0};
    malformed = link_header_parse("nonsense, <ok>; rel=x, <unterminated; rel=y, <z> junk, <last>", collect_link, &d);
    /* "<unterminated; rel=y, <z> junk" reads as one broken link: the '>' of <z> closes it */
    assert_int_equal(malformed, 2);
    assert_string_equal(d.text, "[ok|x|][last||]");

    /* 100,000 broken links in one header: counted, in linear time */
    size_t length = 100000 * 5;
    char *many = malloc(length + 1);
    assert_non_null(many);
    for (size_t i = 0; i < length; i += 5)
        memcpy(many + i, "<a>x,", 5);
    many[length] = '\0';
    struct collected_links e = {"", 0};
    assert_int_equal(link_header_parse(many, collect_link, &e), 100000);
    assert_int_equal(e.count, 0);
    free(many);
}

/* ---- robots directives ---- */

static struct robots_directives parse_directives(const char *text, enum robots_source source)
{
    struct robots_directives d;
    robots_directives_init(&d);
    robots_directives_merge_text(&d, text, strlen(text), source);
    return d;
}

static void test_robots_words(void **state)
{
    (void)state;
    struct robots_directives d = parse_directives(" NONE , noarchive,max-snippet: 20, bogus, index",
                                                  ROBOTS_SOURCE_META_HEAD);
    assert_true(robots_directives_has(&d, ROBOTS_NOINDEX));
    assert_true(robots_directives_has(&d, ROBOTS_NOFOLLOW));
    assert_true(robots_directives_has(&d, ROBOTS_NOARCHIVE));
    assert_false(robots_directives_has(&d, ROBOTS_NOSNIPPET));
    assert_int_equal(d.max_snippet, 20);
    assert_int_equal(d.unknown_count, 1);
    assert_int_equal(d.flag_sources[ROBOTS_NOINDEX], ROBOTS_SOURCE_META_HEAD);

    d = parse_directives("noindex  nofollow", ROBOTS_SOURCE_META_BODY);
    assert_int_equal(d.flag_sources[ROBOTS_NOINDEX], ROBOTS_SOURCE_META_BODY);
    assert_int_equal(d.flag_sources[ROBOTS_NOFOLLOW], ROBOTS_SOURCE_META_BODY);
    assert_int_equal(d.unknown_count, 0);
    d = parse_directives("noindex please", ROBOTS_SOURCE_META_BODY);
    assert_false(robots_directives_has(&d, ROBOTS_NOINDEX));
    assert_int_equal(d.unknown_count, 1);
}

static void test_robots_merge_most_restrictive(void **state)
{
    (void)state;
    struct robots_directives a = parse_directives("max-snippet:-1, max-image-preview:large, max-video-preview:30",
                                                  ROBOTS_SOURCE_META_HEAD);
    struct robots_directives b = parse_directives("noindex, max-snippet:50, max-image-preview:standard",
                                                  ROBOTS_SOURCE_HEADER);
    robots_directives_merge(&a, &b);
    assert_int_equal(a.flag_sources[ROBOTS_NOINDEX], ROBOTS_SOURCE_HEADER);
    assert_int_equal(a.max_snippet, 50);
    assert_int_equal(a.max_image_preview, ROBOTS_IMAGE_PREVIEW_STANDARD);
    assert_int_equal(a.max_video_preview, 30);
    assert_int_equal(a.limit_sources, ROBOTS_SOURCE_META_HEAD | ROBOTS_SOURCE_HEADER);
}

static void test_robots_dates(void **state)
{
    (void)state;
    int64_t when;
    assert_true(robots_parse_date("2026-12-31", 10, &when));
    assert_int_equal(when, 1798675200);
    assert_true(robots_parse_date("25 Jun 2010 15:00:00 PST", 24, &when));
    assert_int_equal(when, 1277506800);
    assert_true(robots_parse_date("Wednesday, 31-Dec-25 15:00:00 GMT", 33, &when));
    assert_int_equal(when, 1767193200);
    assert_true(robots_parse_date("2026-01-02T03:04:05+01:00", 25, &when));
    assert_int_equal(when, 1767319445);
    assert_false(robots_parse_date("next tuesday", 12, &when));

    /* the RFC 850 date holds a comma; the directive after it still counts; the earliest date wins */
    struct robots_directives d = parse_directives(
        "unavailable_after: Wednesday, 31-Dec-25 15:00:00 GMT, noarchive, unavailable_after: 2025-01-01",
        ROBOTS_SOURCE_HEADER);
    assert_true(robots_directives_has(&d, ROBOTS_NOARCHIVE));
    assert_int_equal(d.unavailable_after, 1735689600);
    assert_false(d.unavailable_after_invalid);
    d = parse_directives("unavailable_after: soon", ROBOTS_SOURCE_HEADER);
    assert_true(d.unavailable_after_invalid);
    assert_int_equal(d.unavailable_after_sources, 0);
}

struct collected_runs {
    char text[512];
};

static bool collect_run(const char *agent, size_t agent_length, const char *text, size_t text_length, void *context)
{
    struct collected_runs *c = context;
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "[%.*s|%.*s]", (int)agent_length, agent ? agent : "",
             (int)text_length, text);
    return true;
}

static void test_robots_header_split(void **state)
{
    (void)state;
    struct collected_runs c = {""};
    robots_header_split("noindex", collect_run, &c);
    robots_header_split("googlebot: nofollow, otherbot: noindex, noarchive", collect_run, &c);
    robots_header_split("unavailable_after: 25 Jun 2010 15:00:00 PST", collect_run, &c);
    robots_header_split("max-snippet: 3, GoogleBot:none", collect_run, &c);
    assert_string_equal(c.text, "[|noindex][googlebot| nofollow][otherbot| noindex, noarchive]"
                                "[|unavailable_after: 25 Jun 2010 15:00:00 PST][|max-snippet: 3][GoogleBot|none]");
}

/* ---- hreflang ---- */

static void test_hreflang(void **state)
{
    (void)state;
    static const char *const valid[] = {"en", "en-US", "EN-gb", "x-default", "zh-Hant", "zh-Hant-TW", "es-419", "fil"};
    static const char *const invalid[] = {"en_US", "en-UK", "english", "us",    "",      "x",
                                          "en-",   "-en",   "en-US-x", "xx-US", "en-USA"};
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        assert_true(hreflang_is_valid(valid[i], strlen(valid[i])));
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        assert_false(hreflang_is_valid(invalid[i], strlen(invalid[i])));
}

/* ---- nesting cap ---- */

static void test_html_depth(void **state)
{
    (void)state;
    char *copy = NULL;
    size_t blanked = 0;
    const char *flat = "<div><p><ul><li>x<li>y</ul><script>'<div><div>'</script></div>";
    assert_int_equal(html_depth_cap(flat, strlen(flat), 2, &copy, &blanked), CP_OK);
    assert_null(copy);
    const char *deep = "<div><section a='>'><div>x</div></section></div><div></div>";
    assert_int_equal(html_depth_cap(deep, strlen(deep), 2, &copy, &blanked), CP_OK);
    assert_non_null(copy);
    assert_int_equal(blanked, 1);
    assert_string_equal(copy, "<div><section a='>'>     x      </section></div><div></div>");
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charset_utf8_passthrough),
        cmocka_unit_test(test_charset_undeclared_is_windows_1252),
        cmocka_unit_test(test_charset_invalid_utf8_replaced),
        cmocka_unit_test(test_charset_bom_wins),
        cmocka_unit_test(test_charset_latin1_by_header_and_meta),
        cmocka_unit_test(test_charset_shift_jis),
        cmocka_unit_test(test_charset_prescan_limits),
        cmocka_unit_test(test_charset_encoder),
        cmocka_unit_test(test_link_header),
        cmocka_unit_test(test_robots_words),
        cmocka_unit_test(test_robots_merge_most_restrictive),
        cmocka_unit_test(test_robots_dates),
        cmocka_unit_test(test_robots_header_split),
        cmocka_unit_test(test_hreflang),
        cmocka_unit_test(test_html_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
