/* SPDX-License-Identifier: Apache-2.0 */
/* tests/extract/test_extract_hostile: pages built to hurt a parser — 100,000 nested elements, a
 * 20 MB page, 200,000 links, NUL bytes and broken UTF-8, unterminated constructs. They are generated
 * here rather than committed. Each must extract completely (the sanitizers watch memory; the time
 * is not asserted, but a quadratic walk would exceed the test timeout by far), and the record must
 * not point into the body, which is freed before the record is read. */
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
#include "web/charset.h"
#include "web/extract.h"
#include "web/gumbo_arena.h"
#include "web/html_depth.h"

static void append_repeated(struct buf *b, const char *text, size_t times)
{
    for (size_t i = 0; i < times; i++)
        assert_int_equal(buf_append_str(b, text), CP_OK);
}

static bool valid_utf8(const char *s)
{
    return !s || charset_utf8_valid_prefix(s, strlen(s)) == strlen(s);
}

/* Extract from a heap copy that is freed at once, then check every string of the record. */
static struct page_signals *extract_owned(struct buf *page, const struct extract_limits *limits)
{
    char *body = page->data;
    size_t length = page->len;
    page->data = NULL;
    buf_free(page);
    struct extract_input input = {
        .url = "https://www.example.com/hostile/page.html", .body = body, .body_length = length};
    if (limits)
        input.limits = *limits;
    struct page_signals *signals = NULL;
    assert_int_equal(extract_page(&input, &signals), CP_OK);
    free(body);
    assert_non_null(signals);
    assert_true(valid_utf8(signals->title));
    for (uint32_t i = 0; i < signals->link_count; i++) {
        assert_true(valid_utf8(signals->links[i].url));
        assert_true(valid_utf8(signals->links[i].raw));
        assert_true(valid_utf8(signals->links[i].text));
    }
    return signals;
}

static void test_deeply_nested_divs(void **state)
{
    (void)state;
    struct buf page = BUF_INIT;
    buf_append_str(&page, "<!DOCTYPE html><title>deep</title><body>");
    append_repeated(&page, "<div>", 100000);
    buf_append_str(&page, "<nav><a href='/bottom'>bottom of the well</a></nav>");
    append_repeated(&page, "</div>", 100000);
    buf_append_str(&page, "<a href='/after'>after</a>");
    struct page_signals *s = extract_owned(&page, NULL);
    assert_true(s->truncated & EXTRACT_TRUNCATED_DEPTH);
    assert_int_equal(s->link_count, 2);
    assert_string_equal(s->links[0].url, "https://www.example.com/bottom");
    assert_string_equal(s->links[0].text, "bottom of the well");
    assert_int_equal(s->links[0].region, EXTRACT_REGION_NAV);
    assert_string_equal(s->links[1].url, "https://www.example.com/after");
    assert_int_equal(s->word_count, 5);
    page_signals_free(s);
}

static void test_other_deep_structures(void **state)
{
    (void)state;
    static const struct {
        const char *opener;
        uint32_t links; /* inside <svg> an <a> is not HTML, <template> content is inert: none */
    } cases[] = {{"<b><i>", 1},   {"<table><tr><td>", 1},  {"<template>", 0},
                 {"<span>", 1},   {"<ul><li>", 1},         {"<nav><header>", 1},
                 {"<svg><g>", 0}, {"<select><option>", 1}, {"<a href=x>", 50001}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct buf page = BUF_INIT;
        append_repeated(&page, cases[k].opener, 50000);
        buf_append_str(&page, "<a href='/end'>end</a>");
        struct page_signals *s = extract_owned(&page, NULL);
        assert_int_equal(s->links_seen, cases[k].links);
        page_signals_free(s);
    }
}

/* The deepest element in gumbo's tree for text (an explicit stack: the tree may be deep). */
static size_t parsed_depth(const char *text, size_t length)
{
    struct gumbo_arena arena;
    GumboOptions options;
    gumbo_arena_options(&arena, &options);
    struct gumbo_arena_budget budget = {60, 0};
    GumboOutput *output;
    assert_int_equal(gumbo_arena_parse(&arena, &options, text, length, &budget, &output), CP_OK);
    size_t capacity = 1024, count = 0, deepest = 0;
    struct {
        const GumboNode *node;
        size_t depth;
    } *stack = malloc(capacity * sizeof *stack);
    assert_non_null(stack);
    stack[count++].node = output->document, stack[0].depth = 0;
    while (count) {
        const GumboNode *node = stack[--count].node;
        size_t depth = stack[count].depth;
        deepest = depth > deepest ? depth : deepest;
        const GumboVector *children = node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE
                                          ? &node->v.element.children
                                      : node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children
                                                                          : NULL;
        for (unsigned i = 0; children && i < children->length; i++) {
            if (count == capacity) {
                capacity *= 2;
                stack = realloc(stack, capacity * sizeof *stack);
                assert_non_null(stack);
            }
            stack[count].node = children->data[i];
            stack[count++].depth = depth + 1;
        }
    }
    free(stack);
    gumbo_arena_free(&arena);
    return deepest;
}

/* Shapes whose nesting an earlier prescan did not see, so gumbo built it (quadratically): after the
 * cap, the tree gumbo builds is no deeper than about twice the cap, and extraction finds the link
 * written after the nesting. */
static void test_prescan_counts_what_gumbo_builds(void **state)
{
    (void)state;
    static const struct {
        const char *prefix, *unit;
    } shapes[] = {
        {"", "<div/>"},             /* the slash means nothing on an HTML element */
        {"", "<!--><div>"},         /* "<!-->" is a whole comment */
        {"<svg><title>", "<div>"},  /* <title> in SVG holds markup, not text */
        {"<math><mi>", "<div>"},    /* nor does a MathML text integration point */
        {"<div '>", "<div>"},       /* a quote after a space is an attribute name, not a value */
        {"", "<div></span>"},       /* an end tag that closes nothing closes nothing */
        {"", "<span><div></span>"}, /* nor one that a special element stands in front of */
        {"", "<b><div></b>"},       /* the adoption agency nests a new <b> in every <div> */
        {"", "<svg><g/><foreignObject><div>"},
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        struct buf page = BUF_INIT;
        buf_append_str(&page, shapes[k].prefix);
        append_repeated(&page, shapes[k].unit, 20000);
        char *copy = NULL;
        size_t blanked = 0;
        assert_int_equal(html_depth_cap(page.data, page.len, EXTRACT_MAX_DEPTH, &copy, &blanked), CP_OK);
        assert_non_null(copy);
        size_t depth = parsed_depth(copy, page.len);
        if (depth > 2 * EXTRACT_MAX_DEPTH + 16)
            fail_msg("shape %s%s... still builds a tree %zu deep", shapes[k].prefix, shapes[k].unit, depth);
        free(copy);
        buf_append_str(&page, "</svg></math><a href='/after'>after</a>");
        struct page_signals *s = extract_owned(&page, NULL);
        assert_true(s->truncated & EXTRACT_TRUNCATED_DEPTH);
        assert_false(s->truncated & (EXTRACT_TRUNCATED_PARSE_TIME | EXTRACT_TRUNCATED_PARSE_MEMORY));
        page_signals_free(s);
    }
    /* and ordinary markup of the same kinds is left alone */
    const char *normal = "<svg><title>t</title><g/><path d='M0'/></svg><div/><!--><p>x</p><div a '>y</div>"
                         "<math><mi>x</mi></math><span><div></span></div>";
    char *copy = NULL;
    size_t blanked = 0;
    assert_int_equal(html_depth_cap(normal, strlen(normal), 4, &copy, &blanked), CP_OK);
    assert_null(copy);
}

/* The parse budget: a page that spends its CPU time or parser memory keeps its header signals,
 * says which budget ran out, and extraction returns at once. */
static void test_parse_budget(void **state)
{
    (void)state;
    struct buf page = BUF_INIT;
    for (int i = 0; i < 200000; i++)
        buf_printf(&page, "<p><a href=\"/item/%d\">Item %d</a></p>\n", i, i);
    struct buf copy = BUF_INIT;
    buf_append(&copy, page.data, page.len);
    struct extract_limits limits = {.max_parse_ms = 1};
    struct page_signals *s = extract_owned(&page, &limits);
    assert_true(s->truncated & EXTRACT_TRUNCATED_PARSE_TIME);
    assert_int_equal(s->link_count, 0);
    page_signals_free(s);
    limits = (struct extract_limits){.max_parse_bytes = 1 << 20};
    s = extract_owned(&copy, &limits);
    assert_true(s->truncated & EXTRACT_TRUNCATED_PARSE_MEMORY);
    assert_int_equal(s->link_count, 0);
    page_signals_free(s);
}

/* A parse another thread cancels (a stopping crawl) ends at its next budget check: no record, and
 * CP_ERR_INTERRUPTED rather than a page that looks as if it had no links. */
static void test_parse_cancelled(void **state)
{
    (void)state;
    struct buf page = BUF_INIT;
    for (int i = 0; i < 20000; i++)
        buf_printf(&page, "<p><a href=\"/item/%d\">Item %d</a></p>\n", i, i);
    atomic_bool cancel = true;
    struct extract_input input = {.url = "https://www.example.com/hostile/page.html",
                                  .body = page.data,
                                  .body_length = page.len,
                                  .cancel = &cancel};
    struct page_signals *signals = NULL;
    assert_int_equal(extract_page(&input, &signals), CP_ERR_INTERRUPTED);
    assert_null(signals);
    atomic_store(&cancel, false);
    assert_int_equal(extract_page(&input, &signals), CP_OK);
    assert_int_equal(signals->link_count, 20000);
    page_signals_free(signals);
    buf_free(&page);
}

static void test_twenty_megabytes(void **state)
{
    (void)state;
    struct buf page = BUF_INIT;
    buf_append_str(&page, "<html><head><title>big</title></head><body>");
    const char *paragraph = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
                            "incididunt ut labore et dolore magna aliqua. <a href=\"/p\">Ut enim</a> ad minim.</p>\n";
    size_t times = 20 * 1024 * 1024 / strlen(paragraph) + 1;
    append_repeated(&page, paragraph, times);
    struct page_signals *s = extract_owned(&page, NULL);
    assert_int_equal(s->word_count, times * 23);
    assert_int_equal(s->links_seen, times);
    assert_int_equal(s->link_count, EXTRACT_DEFAULT_MAX_LINKS);
    page_signals_free(s);
}

static void test_two_hundred_thousand_links(void **state)
{
    (void)state;
    struct buf page = BUF_INIT;
    for (int i = 0; i < 200000; i++)
        buf_printf(&page, "<a href=\"/item/%d\" rel=nofollow>Item %d</a>\n", i, i);
    struct page_signals *s = extract_owned(&page, NULL);
    assert_int_equal(s->links_seen, 200000);
    assert_int_equal(s->link_count, EXTRACT_DEFAULT_MAX_LINKS);
    assert_true(s->truncated & EXTRACT_TRUNCATED_LINKS);
    assert_string_equal(s->links[19999].url, "https://www.example.com/item/19999");
    assert_string_equal(s->links[19999].text, "Item 19999");
    assert_int_equal(s->links[19999].flags, EXTRACT_LINK_NOFOLLOW);
    page_signals_free(s);

    struct buf small = BUF_INIT;
    append_repeated(&small, "<a href=/x>x</a>", 10);
    struct extract_limits limits = {.max_links = 3};
    s = extract_owned(&small, &limits);
    assert_int_equal(s->link_count, 3);
    assert_int_equal(s->links_seen, 10);
    page_signals_free(s);
}

static void test_garbage_bytes(void **state)
{
    (void)state;
    /* deterministic pseudo-random bytes, biased towards markup characters */
    static const char markup[] = "<>/=\"' \0abhref\xC3\xFF\xED-!";
    uint32_t seed = 12345;
    for (int round = 0; round < 20; round++) {
        struct buf page = BUF_INIT;
        for (int i = 0; i < 200000; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned value = (seed >> 16) & 0xFF;
            char c = value < 128 ? markup[value % (sizeof markup - 1)] : (char)value;
            buf_append(&page, &c, 1);
        }
        page_signals_free(extract_owned(&page, NULL));
    }
}

static void test_unterminated_constructs(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "<a href=\"/x",
        "<a href='/x'>text",
        "<!-- never closed <a href=/y>",
        "<script>var a = '<a href=/z>'",
        "<title>no end",
        "<div",
        "<",
        "</",
        "<!",
        "<?xml",
        "<meta http-equiv=refresh content=\"0;url=",
        "<base href=",
        "<link rel=canonical href=/c",
        "<template><a href=/t>",
        "<noscript><a href=/n>",
        "<a href=/1><a href=/2><a href=/3>",
        "",
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        struct buf page = BUF_INIT;
        buf_append(&page, pages[i], strlen(pages[i]));
        page_signals_free(extract_owned(&page, NULL));
    }
    static const char nul_bytes[] = "\0\0\0<a\0href=/\0>\0<title>\0</title>";
    struct buf page = BUF_INIT;
    buf_append(&page, nul_bytes, sizeof nul_bytes - 1);
    struct page_signals *s = extract_owned(&page, NULL);
    assert_int_equal(s->link_count, 0); /* the NUL in the tag name makes it "a\uFFFDhref=" */
    assert_string_equal(s->title, "\xEF\xBF\xBD");
    page_signals_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deeply_nested_divs),
        cmocka_unit_test(test_other_deep_structures),
        cmocka_unit_test(test_prescan_counts_what_gumbo_builds),
        cmocka_unit_test(test_parse_budget),
        cmocka_unit_test(test_parse_cancelled),
        cmocka_unit_test(test_twenty_megabytes),
        cmocka_unit_test(test_two_hundred_thousand_links),
        cmocka_unit_test(test_garbage_bytes),
        cmocka_unit_test(test_unterminated_constructs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
