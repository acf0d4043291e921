/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for web/fingerprint: word normalisation, the exact hash, SimHash distances for edited
 * texts, and the main-text choice (main/article/body, boilerplate, link-density pruning). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/fingerprint.h"

static struct fingerprint of_text(const char *text)
{
    struct fingerprint f;
    assert_int_equal(fingerprint_text(text, strlen(text), &f), CP_OK);
    return f;
}

static struct fingerprint of_html(const char *html)
{
    GumboOutput *output = gumbo_parse(html);
    assert_non_null(output);
    struct fingerprint f;
    assert_int_equal(fingerprint_document(output->document, &f), CP_OK);
    gumbo_destroy_output(&kGumboDefaultOptions, output);
    return f;
}

/* A deterministic text of n words from a small vocabulary (xorshift, fixed seed). */
static void words(struct buf *out, size_t n, uint32_t seed)
{
    static const char *const vocab[] = {"lamp",  "shade", "brass", "cable", "switch", "desk",  "warm", "glass",
                                        "steel", "room",  "table", "linen", "oak",    "matte", "plug", "timer"};
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf_printf(out, "%s%s", i ? " " : "", vocab[x % 16]);
    }
}

static void test_words_are_normalised(void **state)
{
    (void)state;
    struct fingerprint a = of_text("The  Quick, brown fox!"), b = of_text("the quick brown\nFOX");
    assert_int_equal(a.words, 4);
    assert_true(a.exact != 0);
    assert_true(a.exact == b.exact);
    assert_true(a.simhash == b.simhash);
    /* U+00A0 separates words; other non-ASCII letters belong to them */
    struct fingerprint c = of_text("caf\xc3\xa9\xc2\xa0noir");
    assert_int_equal(c.words, 2);
    /* word order matters for the exact hash */
    assert_true(of_text("a b c d").exact != of_text("b a c d").exact);
}

static void test_empty_text_has_no_fingerprint(void **state)
{
    (void)state;
    struct fingerprint f = of_text(" .,;  ");
    assert_int_equal(f.words, 0);
    assert_true(f.exact == 0 && f.simhash == 0);
}

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(fingerprint_distance(0, 0), 0);
    assert_int_equal(fingerprint_distance(0, UINT64_MAX), 64);
    assert_int_equal(fingerprint_distance(0x5, 0x3), 2);
}

/* A two-word edit of a 900-word text stays within the near threshold; an unrelated text is far. */
static void test_simhash_of_edited_text_is_near(void **state)
{
    (void)state;
    struct buf base = BUF_INIT, edited = BUF_INIT, other = BUF_INIT;
    words(&base, 900, 7);
    buf_append(&edited, base.data, base.len);
    memcpy(edited.data + 2000, "zz", 2); /* inside a word: one word changed */
    memcpy(edited.data + 4000, "yy", 2);
    words(&other, 900, 99);
    struct fingerprint a = of_text(buf_str(&base)), b = of_text(buf_str(&edited)), c = of_text(buf_str(&other));
    assert_true(a.exact != b.exact);
    assert_true(fingerprint_distance(a.simhash, b.simhash) <= FINGERPRINT_NEAR_BITS);
    assert_true(fingerprint_distance(a.simhash, c.simhash) > FINGERPRINT_NEAR_BITS);
    buf_free(&base);
    buf_free(&edited);
    buf_free(&other);
}

static void test_main_element_wins(void **state)
{
    (void)state;
    struct fingerprint f = of_html("<body><p>outside words here</p><main><p>Inside the main text</p></main></body>");
    assert_true(f.exact == of_text("inside the main text").exact);
    struct fingerprint g = of_html("<body><div role=main>Role main</div><p>other</p></body>");
    assert_true(g.exact == of_text("role main").exact);
    /* one <article>: it is the root; two: the body is */
    struct fingerprint h = of_html("<body><p>intro</p><article>The article</article></body>");
    assert_true(h.exact == of_text("the article").exact);
    struct fingerprint k = of_html("<body><article>one</article><article>two</article></body>");
    assert_true(k.exact == of_text("one two").exact);
}

static void test_boilerplate_is_left_out(void **state)
{
    (void)state;
    const char *html = "<body><header>Site name</header><nav><a href=/>Home</a></nav>"
                       "<aside>Sidebar words</aside><script>var x = 1;</script><style>p{}</style>"
                       "<div aria-hidden=true>hidden</div><div hidden>also hidden</div>"
                       "<div role=search>search box</div><noscript>enable js</noscript>"
                       "<template>inert</template><svg><text>drawing</text></svg>"
                       "<p>The real content</p><footer>Copyright</footer></body>";
    assert_true(of_html(html).exact == of_text("the real content").exact);
}

static void test_link_dense_containers_are_pruned(void **state)
{
    (void)state;
    const char *html = "<body><div><ul><li><a href=/a>Alpha page</a></li><li><a href=/b>Beta page</a></li></ul>"
                       "<p>Some text with <a href=/x>one link</a> in a longer sentence of plain words.</p>"
                       "<p><a href=/more>Read more</a></p></div></body>";
    struct fingerprint f = of_html(html);
    assert_true(f.exact == of_text("some text with one link in a longer sentence of plain words").exact);
    /* the pruned list's text does not make the container around it link-dense */
    const char *nested = "<body><div><ul><li><a href=/a>a very long list of link words</a></li></ul>"
                         "<p>short text</p></div></body>";
    assert_true(of_html(nested).exact == of_text("short text").exact);
}

static void test_blocks_separate_words(void **state)
{
    (void)state;
    assert_int_equal(of_html("<body><p>one</p><p>two</p></body>").words, 2);
    assert_int_equal(of_html("<body><p>to<b>get</b>her</p></body>").words, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_are_normalised),
        cmocka_unit_test(test_empty_text_has_no_fingerprint),
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_simhash_of_edited_text_is_near),
        cmocka_unit_test(test_main_element_wins),
        cmocka_unit_test(test_boilerplate_is_left_out),
        cmocka_unit_test(test_link_dense_containers_are_pruned),
        cmocka_unit_test(test_blocks_separate_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
