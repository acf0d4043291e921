/* SPDX-License-Identifier: Apache-2.0 */
/* store/page_record: encode and decode struct page_signals (see page_record.h). */
#include "store/page_record.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* A new field in these structs changes their size: add it to encode and decode below, then the
 * sizes here (64-bit builds; tests/store round-trips a fully populated record). */
#if UINTPTR_MAX == UINT64_MAX
/* page_signals.ids (the fragment targets, link-to-missing-fragment) are not stored: a decoded record
 * has none (408 bytes before them). */
_Static_assert(sizeof(struct page_signals) == 424, "page_signals changed: update store/page_record.c");
_Static_assert(sizeof(struct page_link) == 32, "page_link changed: update store/page_record.c");
_Static_assert(sizeof(struct page_canonical) == 24, "page_canonical changed: update store/page_record.c");
_Static_assert(sizeof(struct page_hreflang) == 32, "page_hreflang changed: update store/page_record.c");
_Static_assert(sizeof(struct page_robots_statement) == 24, "page_robots_statement changed: update store/page_record.c");
_Static_assert(sizeof(struct page_robots) == 48, "page_robots changed: update store/page_record.c");
_Static_assert(sizeof(struct robots_directives) == 40, "robots_directives changed: update store/page_record.c");
#endif

/* ---- encoding ---- */

struct writer {
    struct buf *out;
    size_t string_bytes; /* decoded size of every string (with its NUL) */
    int status;
    struct buf scrubbed;
};

/* The end of the userinfo that starts at p ("user:pass@"): the '@', or NULL when p starts none. */
static const char *userinfo_end(const char *p)
{
    size_t n = strcspn(p, "/?#@ \t\r\n<>\"'\\");
    return p[n] == '@' ? p + n : NULL;
}

const char *page_record_scrub(const char *text, struct buf *out)
{
    if (!text || !strchr(text, '@'))
        return text;
    buf_reset(out);
    const char *p = text;
    for (const char *slashes; (slashes = strstr(p, "//"));) {
        const char *at = userinfo_end(slashes + 2);
        buf_append(out, p, (size_t)(slashes + 2 - p));
        p = at ? at + 1 : slashes + 2;
    }
    buf_append_str(out, p);
    return buf_str(out);
}

static void put_u(struct writer *w, uint64_t v)
{
    uint8_t bytes[10];
    size_t n = 0;
    do {
        bytes[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            bytes[n] |= 0x80;
        n++;
    } while (v);
    if (w->status == CP_OK)
        w->status = buf_append(w->out, bytes, n);
}

static void put_i(struct writer *w, int64_t v)
{
    put_u(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_s(struct writer *w, const char *s)
{
    s = page_record_scrub(s, &w->scrubbed);
    if (!s) {
        put_u(w, 0);
        return;
    }
    size_t n = strlen(s);
    put_u(w, (uint64_t)n + 1);
    if (w->status == CP_OK)
        w->status = buf_append(w->out, s, n);
    w->string_bytes += n + 1;
}

static void put_directives(struct writer *w, const struct robots_directives *d)
{
    for (int f = 0; f < ROBOTS_FLAG_COUNT; f++)
        put_u(w, d->flag_sources[f]);
    put_i(w, d->max_snippet);
    put_i(w, d->max_video_preview);
    put_u(w, d->max_image_preview);
    put_u(w, d->limit_sources);
    put_u(w, d->unavailable_after_sources);
    put_u(w, d->unavailable_after_invalid);
    put_i(w, d->unavailable_after);
    put_u(w, d->unknown_count);
}

static void put_body(struct writer *w, const struct page_signals *s)
{
    put_s(w, s->url);
    put_s(w, s->base_url);
    put_s(w, s->base_raw);
    for (uint32_t i = 0; i < s->link_count; i++) {
        const struct page_link *l = &s->links[i];
        put_s(w, l->url);
        put_s(w, l->raw);
        put_s(w, l->text);
        put_u(w, l->kind);
        put_u(w, l->flags);
        put_u(w, l->region);
    }
    put_u(w, s->links_seen);
    put_u(w, s->links_over_cap);
    put_u(w, s->links_too_long);
    put_u(w, s->links_invalid);
    uint32_t schemes = s->scheme_count < EXTRACT_MAX_SCHEMES ? s->scheme_count : EXTRACT_MAX_SCHEMES;
    put_u(w, schemes);
    for (uint32_t i = 0; i < schemes; i++) {
        size_t n = strnlen(s->schemes[i].scheme, sizeof s->schemes[i].scheme);
        put_u(w, n);
        if (w->status == CP_OK)
            w->status = buf_append(w->out, s->schemes[i].scheme, n);
        put_u(w, s->schemes[i].count);
    }
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        put_s(w, s->canonicals[i].url);
        put_s(w, s->canonicals[i].raw);
        put_u(w, s->canonicals[i].place);
    }
    for (uint32_t i = 0; i < s->hreflang_count; i++) {
        const struct page_hreflang *h = &s->hreflangs[i];
        put_s(w, h->code);
        put_s(w, h->url);
        put_s(w, h->raw);
        put_u(w, h->place);
        put_u(w, h->valid);
    }
    for (uint32_t i = 0; i < s->robots_statement_count; i++) {
        put_s(w, s->robots_statements[i].agent);
        put_s(w, s->robots_statements[i].content);
        put_u(w, s->robots_statements[i].source);
    }
    for (uint32_t i = 0; i < s->robots_count; i++) {
        put_s(w, s->robots[i].token);
        put_directives(w, &s->robots[i].directives);
    }
    put_s(w, s->title);
    put_u(w, s->title_count);
    put_s(w, s->description);
    put_u(w, s->description_count);
    put_u(w, s->h1_count);
    put_s(w, s->h1);
    put_s(w, s->lang);
    put_s(w, s->meta_charset);
    put_s(w, s->charset);
    put_u(w, s->charset_source);
    put_u(w, s->replaced_bytes);
    put_u(w, s->word_count);
    put_u(w, s->content_hash);
    put_u(w, s->simhash);
    put_u(w, s->main_words);
    put_u(w, s->script_count);
    put_u(w, s->analytics);
    put_u(w, s->has_head_element);
    put_u(w, s->js_shell);
    put_u(w, s->truncated);
    put_u(w, s->malformed_link_headers);
}

int page_record_encode(const struct page_signals *s, struct buf *out)
{
    struct buf body = BUF_INIT;
    struct writer w = {&body, 0, CP_OK, BUF_INIT};
    put_body(&w, s);
    buf_free(&w.scrubbed);
    struct writer head = {out, 0, w.status, BUF_INIT};
    if (head.status == CP_OK)
        head.status = buf_append_char(out, PAGE_RECORD_VERSION);
    put_u(&head, s->link_count);
    put_u(&head, s->canonical_count);
    put_u(&head, s->hreflang_count);
    put_u(&head, s->robots_statement_count);
    put_u(&head, s->robots_count);
    put_u(&head, w.string_bytes);
    if (head.status == CP_OK)
        head.status = buf_append(out, body.data, body.len);
    buf_free(&body);
    return head.status;
}

/* ---- decoding ---- */

struct reader {
    const uint8_t *p, *end;
    char *strings, *strings_end; /* the record's string area, filled in order */
    bool bad;
};

static uint64_t get_u(struct reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = true;
            return 0;
        }
        uint8_t byte = *r->p++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static int64_t get_i(struct reader *r)
{
    uint64_t v = get_u(r);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint32_t get_u32(struct reader *r)
{
    uint64_t v = get_u(r);
    if (v > UINT32_MAX)
        r->bad = true;
    return (uint32_t)v;
}

static uint8_t get_u8(struct reader *r)
{
    uint64_t v = get_u(r);
    if (v > UINT8_MAX)
        r->bad = true;
    return (uint8_t)v;
}

static const char *get_s(struct reader *r)
{
    uint64_t n = get_u(r);
    if (n == 0 || r->bad)
        return NULL;
    n--;
    if (n > (uint64_t)(r->end - r->p) || n + 1 > (uint64_t)(r->strings_end - r->strings)) {
        r->bad = true;
        return NULL;
    }
    char *s = r->strings;
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    r->strings += n + 1;
    return s;
}

static void get_directives(struct reader *r, struct robots_directives *d)
{
    for (int f = 0; f < ROBOTS_FLAG_COUNT; f++)
        d->flag_sources[f] = get_u8(r);
    d->max_snippet = (int32_t)get_i(r);
    d->max_video_preview = (int32_t)get_i(r);
    d->max_image_preview = get_u8(r);
    d->limit_sources = get_u8(r);
    d->unavailable_after_sources = get_u8(r);
    d->unavailable_after_invalid = get_u8(r) != 0;
    d->unavailable_after = get_i(r);
    d->unknown_count = (uint16_t)get_u(r);
}

static void get_schemes(struct reader *r, struct page_signals *s)
{
    s->scheme_count = get_u32(r);
    if (s->scheme_count > EXTRACT_MAX_SCHEMES) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < s->scheme_count && !r->bad; i++) {
        uint64_t n = get_u(r);
        if (n >= sizeof s->schemes[i].scheme || n > (uint64_t)(r->end - r->p)) {
            r->bad = true;
            return;
        }
        memcpy(s->schemes[i].scheme, r->p, n);
        r->p += n;
        s->schemes[i].count = get_u32(r);
    }
}

static void get_body(struct reader *r, struct page_signals *s)
{
    s->url = get_s(r);
    s->base_url = get_s(r);
    s->base_raw = get_s(r);
    for (uint32_t i = 0; i < s->link_count && !r->bad; i++) {
        struct page_link *l = &s->links[i];
        l->url = get_s(r);
        l->raw = get_s(r);
        l->text = get_s(r);
        l->kind = get_u8(r);
        l->flags = get_u8(r);
        l->region = get_u8(r);
    }
    s->links_seen = get_u32(r);
    s->links_over_cap = get_u32(r);
    s->links_too_long = get_u32(r);
    s->links_invalid = get_u32(r);
    get_schemes(r, s);
    for (uint32_t i = 0; i < s->canonical_count && !r->bad; i++) {
        s->canonicals[i].url = get_s(r);
        s->canonicals[i].raw = get_s(r);
        s->canonicals[i].place = get_u8(r);
    }
    for (uint32_t i = 0; i < s->hreflang_count && !r->bad; i++) {
        struct page_hreflang *h = &s->hreflangs[i];
        h->code = get_s(r);
        h->url = get_s(r);
        h->raw = get_s(r);
        h->place = get_u8(r);
        h->valid = get_u8(r) != 0;
    }
    for (uint32_t i = 0; i < s->robots_statement_count && !r->bad; i++) {
        s->robots_statements[i].agent = get_s(r);
        s->robots_statements[i].content = get_s(r);
        s->robots_statements[i].source = get_u8(r);
    }
    for (uint32_t i = 0; i < s->robots_count && !r->bad; i++) {
        s->robots[i].token = get_s(r);
        get_directives(r, &s->robots[i].directives);
    }
    s->title = get_s(r);
    s->title_count = get_u32(r);
    s->description = get_s(r);
    s->description_count = get_u32(r);
    s->h1_count = get_u32(r);
    s->h1 = get_s(r);
    s->lang = get_s(r);
    s->meta_charset = get_s(r);
    s->charset = get_s(r);
    s->charset_source = get_u8(r);
    s->replaced_bytes = get_u32(r);
    s->word_count = get_u32(r);
    s->content_hash = get_u(r);
    s->simhash = get_u(r);
    s->main_words = get_u32(r);
    s->script_count = get_u32(r);
    s->analytics = get_u32(r);
    s->has_head_element = get_u8(r) != 0;
    s->js_shell = get_u8(r) != 0;
    s->truncated = get_u32(r);
    s->malformed_link_headers = get_u32(r);
    if (r->p != r->end)
        r->bad = true;
}

static size_t align_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) / a * a;
}

/* One array's place in the block; false when its size overflows or passes what len can hold. */
static bool place_array(size_t *used, uint64_t count, size_t element, size_t len, size_t *offset)
{
    if (count > len) /* every element takes at least one encoded byte */
        return false;
    *offset = *used;
    *used = align_up(*used + (size_t)count * element);
    return true;
}

int page_record_decode(const void *data, size_t len, struct page_signals **out)
{
    *out = NULL;
    struct reader r = {data, (const uint8_t *)data + len, NULL, NULL, false};
    if (len < 1 || *r.p++ != PAGE_RECORD_VERSION)
        return CP_ERR_INVALID;
    uint64_t counts[5];
    for (int i = 0; i < 5; i++)
        counts[i] = get_u(&r);
    uint64_t string_bytes = get_u(&r);
    if (r.bad || string_bytes > len * 2 + 64) /* each string adds at most one NUL per encoded byte */
        return CP_ERR_INVALID;
    size_t used = align_up(sizeof(struct page_signals)), at[5];
    static const size_t sizes[5] = {sizeof(struct page_link), sizeof(struct page_canonical),
                                    sizeof(struct page_hreflang), sizeof(struct page_robots_statement),
                                    sizeof(struct page_robots)};
    for (int i = 0; i < 5; i++)
        if (!place_array(&used, counts[i], sizes[i], len, &at[i]))
            return CP_ERR_INVALID;
    size_t total = used + (size_t)string_bytes;
    char *block = calloc(1, total ? total : 1);
    if (!block)
        return CP_ERR_NOMEM;
    struct page_signals *s = (struct page_signals *)block;
    s->links = counts[0] ? (struct page_link *)(block + at[0]) : NULL;
    s->link_count = (uint32_t)counts[0];
    s->canonicals = counts[1] ? (struct page_canonical *)(block + at[1]) : NULL;
    s->canonical_count = (uint32_t)counts[1];
    s->hreflangs = counts[2] ? (struct page_hreflang *)(block + at[2]) : NULL;
    s->hreflang_count = (uint32_t)counts[2];
    s->robots_statements = counts[3] ? (struct page_robots_statement *)(block + at[3]) : NULL;
    s->robots_statement_count = (uint32_t)counts[3];
    s->robots = counts[4] ? (struct page_robots *)(block + at[4]) : NULL;
    s->robots_count = (uint32_t)counts[4];
    r.strings = block + used;
    r.strings_end = block + total;
    get_body(&r, s);
    if (r.bad) {
        free(block);
        return CP_ERR_INVALID;
    }
    s->record_bytes = total;
    *out = s;
    return CP_OK;
}
