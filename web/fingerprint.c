/* SPDX-License-Identifier: Apache-2.0 */
/* web/fingerprint: main text -> word hashes -> exact hash and SimHash (see web/fingerprint.h).
 *
 * Words are kept as 64-bit hashes, not text: pruning a link-dense container only moves the end of
 * the word list back to where the container began, so one walk decides everything. */
#include "web/fingerprint.h"

#include <gumbo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"

struct words {
    uint64_t *hash;
    size_t count, capacity;
    bool failed;
    /* the word being read: its last bytes packed into current (up to 8), the earlier ones folded */
    uint64_t current, folded;
    unsigned packed, length;
    bool in_word;
    /* visible and link characters so far (non-space bytes), for link density */
    size_t chars, link_chars;
};

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Bit planes of the per-bit shingle counts: 2^20 is above FINGERPRINT_MAX_WORDS shingles. */
#define PLANES 20
_Static_assert(FINGERPRINT_MAX_WORDS < (1 << PLANES), "a count needs more bit planes");
_Static_assert(FINGERPRINT_SHINGLE == 3, "the shingle hash below combines three words");

static uint64_t rotate(uint64_t x, int bits)
{
    return x << bits | x >> (64 - bits);
}

static void end_word(struct words *w)
{
    if (!w->in_word)
        return;
    w->in_word = false;
    if (w->failed || w->count >= FINGERPRINT_MAX_WORDS)
        return;
    if (w->count == w->capacity) {
        size_t capacity = w->capacity ? w->capacity * 2 : 256;
        uint64_t *bigger = realloc(w->hash, capacity * sizeof *bigger);
        if (!bigger) {
            w->failed = true;
            return;
        }
        w->hash = bigger;
        w->capacity = capacity;
    }
    w->hash[w->count++] = mix(w->folded ^ (w->current * 0x9e3779b97f4a7c15u + w->length));
}

/* A byte's place in a word: 0 for a separator, else the byte ASCII-lowercased (letters, digits and
 * every byte of a non-ASCII character belong to words). */
static const unsigned char word_byte[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,
    0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
    0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71,
    0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x81, 0x82, 0x83, 0x84,
    0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
    0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa,
    0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd,
    0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0,
    0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3,
    0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
    0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

/* U+00A0, the no-break space (C2 A0), separates words like a space does. */
static bool is_nbsp(const unsigned char *p, const unsigned char *end)
{
    return p[0] == 0xC2 && p + 1 < end && p[1] == 0xA0;
}

/* A run of word bytes from p (a word byte: the caller checked) to a separator or an 0xC2, the
 * lead byte of U+00A0 that add_text looks at more closely: the hot loop on a long page, with the
 * word's state in locals. Returns where it stopped. */
static const unsigned char *add_run(struct words *w, const unsigned char *p, const unsigned char *end)
{
    uint64_t current = w->current, folded = w->folded;
    unsigned packed = w->packed;
    const unsigned char *start = p;
    unsigned char c = word_byte[*p];
    do {
        current = current << 8 | c;
        if (++packed == 8) {
            folded = mix(folded ^ current);
            current = 0;
            packed = 0;
        }
    } while (++p < end && (c = word_byte[*p]) != 0 && c != 0xC2);
    w->current = current;
    w->folded = folded;
    w->packed = packed;
    w->length += (unsigned)(p - start);
    return p;
}

static void begin_word(struct words *w)
{
    if (w->in_word)
        return;
    w->in_word = true;
    w->current = w->folded = 0;
    w->packed = w->length = 0;
}

/* A text node into the words. A word's bytes, ASCII-lowercased, are packed 8 to a 64-bit block and
 * a full block is folded into the word's hash: a shift per byte and a mix per 8 bytes. A word may
 * go on in the next text node ("foo<b>bar</b>" is one word). */
static void add_text(struct words *w, const char *text, size_t length, bool in_link)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + length;
    size_t visible = 0;
    while (p < end) {
        unsigned char c = word_byte[*p];
        if (!c || is_nbsp(p, end)) {
            end_word(w);
            visible += c ? 0 : *p > ' ';
            p += c ? 2 : 1;
            continue;
        }
        begin_word(w);
        const unsigned char *start = p;
        p = add_run(w, p, end);
        visible += (size_t)(p - start);
    }
    w->chars += visible;
    w->link_chars += in_link ? visible : 0;
}

/* The hash of shingle s: the words s, s+1, s+2 (fewer when the text has fewer). Rotations keep
 * "a b c" and "b a c" apart; the mix keeps shingles of a small vocabulary from being
 * XOR-combinations of each other (which skews the per-bit votes). */
static uint64_t shingle_hash(const struct words *w, size_t s, size_t width)
{
    uint64_t h = w->hash[s];
    if (width > 1)
        h = mix(h ^ rotate(w->hash[s + 1], 21) ^ (width > 2 ? rotate(w->hash[s + 2], 42) : 0));
    return h;
}

/* A carry-save adder over 64 columns at once: a + b + c = 2 * carry + sum, per bit. */
static void carry_save(uint64_t *carry, uint64_t *sum, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t u = a ^ b;
    *carry = (a & b) | (u & c);
    *sum = u ^ c;
}

/* Per-bit counts of 64-bit hashes, 64 columns at once (Harley-Seal's positional popcount): ones,
 * twos and fours are the low bits of every column's count, kept in carry-save form while hashes
 * arrive eight at a time; each group's eights are added into eights[], bit-sliced (eights[p] holds
 * bit p of every column's count of eights). About one carry-save adder per hash instead of a
 * ripple over every plane. */
struct column_counts {
    uint64_t ones, twos, fours;
    uint64_t eights[PLANES];
};

static void count_eight(struct column_counts *c, const uint64_t h[8])
{
    uint64_t twos_a, twos_b, fours_a, fours_b, eights;
    carry_save(&twos_a, &c->ones, c->ones, h[0], h[1]);
    carry_save(&twos_b, &c->ones, c->ones, h[2], h[3]);
    carry_save(&fours_a, &c->twos, c->twos, twos_a, twos_b);
    carry_save(&twos_a, &c->ones, c->ones, h[4], h[5]);
    carry_save(&twos_b, &c->ones, c->ones, h[6], h[7]);
    carry_save(&fours_b, &c->twos, c->twos, twos_a, twos_b);
    carry_save(&eights, &c->fours, c->fours, fours_a, fours_b);
    for (int p = 0; eights && p < PLANES; p++) {
        uint64_t carry = c->eights[p] & eights;
        c->eights[p] ^= eights;
        eights = carry;
    }
}

/* Column bit's count. */
static uint64_t column_count(const struct column_counts *c, int bit)
{
    uint64_t eights = 0;
    for (int p = 0; p < PLANES; p++)
        eights |= ((c->eights[p] >> bit) & 1) << p;
    return 8 * eights + 4 * ((c->fours >> bit) & 1) + 2 * ((c->twos >> bit) & 1) + ((c->ones >> bit) & 1);
}

static void finish(struct words *w, struct fingerprint *out)
{
    end_word(w);
    memset(out, 0, sizeof *out);
    if (w->failed || w->count == 0)
        return;
    uint64_t exact = 0; /* a polynomial over the word hashes: order matters */
    for (size_t i = 0; i < w->count; i++)
        exact = exact * 0x100000001b3u + w->hash[i];
    exact = mix(exact ^ w->count);
    size_t shingles = w->count >= FINGERPRINT_SHINGLE ? w->count - FINGERPRINT_SHINGLE + 1 : 1;
    size_t width = w->count >= FINGERPRINT_SHINGLE ? FINGERPRINT_SHINGLE : w->count;
    /* Each bit of the SimHash is 1 when more than half of the shingle hashes have it set (the
     * +1/-1 votes of Charikar's SimHash, summed per bit). */
    struct column_counts counts = {0};
    uint64_t group[8];
    size_t s = 0;
    for (; s + 8 <= shingles; s += 8) {
        for (int i = 0; i < 8; i++)
            group[i] = shingle_hash(w, s + i, width);
        count_eight(&counts, group);
    }
    size_t rest = shingles - s; /* fewer than 8: zeros fill the group (they vote for no bit) */
    if (rest) {
        for (size_t i = 0; i < 8; i++)
            group[i] = i < rest ? shingle_hash(w, s + i, width) : 0;
        count_eight(&counts, group);
    }
    uint64_t simhash = 0;
    for (int bit = 0; bit < 64; bit++)
        if (2 * column_count(&counts, bit) > shingles)
            simhash |= (uint64_t)1 << bit;
    out->exact = exact ? exact : 1;
    out->simhash = simhash;
    out->words = (uint32_t)w->count;
}

int fingerprint_text(const char *text, size_t length, struct fingerprint *out)
{
    struct words w = {0};
    add_text(&w, text, length, false);
    finish(&w, out);
    free(w.hash);
    return w.failed ? CP_ERR_NOMEM : CP_OK;
}

unsigned fingerprint_distance(uint64_t a, uint64_t b)
{
    return (unsigned)__builtin_popcountll(a ^ b);
}

/* ---- the main text ---- */

static const char *attribute(const GumboNode *node, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&node->v.element.attributes, name);
    return a ? a->value : NULL;
}

static bool role_is(const GumboNode *node, const char *const *roles)
{
    const char *role = attribute(node, "role");
    if (!role)
        return false;
    for (; *roles; roles++)
        if (strcasecmp(role, *roles) == 0)
            return true;
    return false;
}

static bool is_boilerplate(const GumboNode *node)
{
    static const char *const roles[] = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", NULL};
    const GumboElement *e = &node->v.element;
    if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
        return true;
    switch (e->tag) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE: return true;
    default: break;
    }
    /* one pass over the attributes (gumbo lower-cases HTML attribute names) */
    const GumboVector *attributes = &e->attributes;
    for (unsigned i = 0; i < attributes->length; i++) {
        const GumboAttribute *a = attributes->data[i];
        if (strcmp(a->name, "hidden") == 0 ||
            (strcmp(a->name, "aria-hidden") == 0 && strcasecmp(a->value, "true") == 0))
            return true;
        if (strcmp(a->name, "role") == 0)
            for (const char *const *r = roles; *r; r++)
                if (strcasecmp(a->value, *r) == 0)
                    return true;
    }
    return false;
}

static bool is_prunable(const GumboNode *node)
{
    switch (node->v.element.tag) {
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_P:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_TABLE: return true;
    default: return false;
    }
}

/* Block-level ends separate words (<p>a</p><p>b</p> is two words); inline ones do not. */
static bool is_inline(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_I:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_U:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_WBR: return true;
    default: return false;
    }
}

static const GumboVector *children_of(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_DOCUMENT)
        return &node->v.document.children;
    if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
        return &node->v.element.children;
    return NULL;
}

struct frame {
    const GumboNode *node;
    unsigned next;
    size_t words, chars, link_chars; /* the counts when the element opened */
    bool in_link;
};

/* Grow the explicit stack (the tree's depth is capped by web/html_depth before parsing). */
static bool push(struct frame **stack, size_t *depth, size_t *capacity, struct frame frame)
{
    if (*depth == *capacity) {
        size_t bigger_capacity = *capacity ? *capacity * 2 : 64;
        struct frame *bigger = realloc(*stack, bigger_capacity * sizeof *bigger);
        if (!bigger)
            return false;
        *stack = bigger;
        *capacity = bigger_capacity;
    }
    (*stack)[(*depth)++] = frame;
    return true;
}

void fingerprint_roots_see(struct fingerprint_roots *roots, const GumboNode *element)
{
    static const char *const main_role[] = {"main", NULL};
    if (element->type != GUMBO_NODE_ELEMENT || element->v.element.tag_namespace != GUMBO_NAMESPACE_HTML || roots->main)
        return;
    GumboTag tag = element->v.element.tag;
    if (tag == GUMBO_TAG_MAIN || role_is(element, main_role))
        roots->main = element;
    else if (tag == GUMBO_TAG_ARTICLE && roots->articles++ == 0)
        roots->article = element;
    else if (tag == GUMBO_TAG_BODY && !roots->body)
        roots->body = element;
}

/* The main-text root (step 1 of the header) from what the walk saw. */
static const GumboNode *main_root(const GumboNode *document, const struct fingerprint_roots *roots)
{
    if (roots->main)
        return roots->main;
    if (roots->articles == 1)
        return roots->article;
    return roots->body ? roots->body : document;
}

/* Every element in tree order into roots, not entering templates or foreign content. */
static void see_all(const GumboNode *document, struct fingerprint_roots *roots)
{
    size_t depth = 0, capacity = 0;
    struct frame *stack = NULL;
    if (!push(&stack, &depth, &capacity, (struct frame){document, 0, 0, 0, 0, false}))
        return;
    while (depth > 0 && !roots->main) {
        struct frame *top = &stack[depth - 1];
        const GumboVector *children = children_of(top->node);
        if (!children || top->next >= children->length) {
            depth--;
            continue;
        }
        const GumboNode *child = children->data[top->next++];
        if (child->type != GUMBO_NODE_ELEMENT || child->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
            continue;
        fingerprint_roots_see(roots, child);
        if (!push(&stack, &depth, &capacity, (struct frame){child, 0, 0, 0, 0, false}))
            break;
    }
    free(stack);
}

/* Link-density pruning (step 3): drop the container's words when over half its text is links. */
static void close_element(struct words *w, const struct frame *frame)
{
    const GumboNode *node = frame->node;
    if (node->type != GUMBO_NODE_ELEMENT)
        return;
    if (!is_inline(node->v.element.tag))
        end_word(w);
    if (!is_prunable(node))
        return;
    size_t chars = w->chars - frame->chars, links = w->link_chars - frame->link_chars;
    if (chars > 0 && links * 2 > chars && w->count >= frame->words) {
        /* gone whole: its text no longer counts for the density of the containers around it */
        w->count = frame->words;
        w->chars = frame->chars;
        w->link_chars = frame->link_chars;
    }
}

static int walk_main(struct words *w, const GumboNode *root)
{
    size_t depth = 0, capacity = 0;
    struct frame *stack = NULL;
    if (!push(&stack, &depth, &capacity, (struct frame){root, 0, 0, 0, 0, false}))
        return CP_ERR_NOMEM;
    while (depth > 0 && !w->failed) {
        struct frame *top = &stack[depth - 1];
        const GumboVector *children = children_of(top->node);
        if (!children || top->next >= children->length) {
            close_element(w, top);
            depth--;
            continue;
        }
        const GumboNode *child = children->data[top->next++];
        bool in_link = top->in_link;
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA || child->type == GUMBO_NODE_WHITESPACE) {
            add_text(w, child->v.text.text, strlen(child->v.text.text), in_link);
            continue;
        }
        if (child->type != GUMBO_NODE_ELEMENT || is_boilerplate(child))
            continue;
        if (!is_inline(child->v.element.tag))
            end_word(w); /* settled before marking where a (block) container begins */
        in_link |= child->v.element.tag == GUMBO_TAG_A;
        struct frame frame = {child, 0, w->count, w->chars, w->link_chars, in_link};
        if (!push(&stack, &depth, &capacity, frame))
            w->failed = true;
    }
    free(stack);
    return w->failed ? CP_ERR_NOMEM : CP_OK;
}

int fingerprint_main_text(const GumboNode *document, const struct fingerprint_roots *roots, struct fingerprint *out)
{
    struct words w = {0};
    int status = walk_main(&w, main_root(document, roots));
    finish(&w, out);
    free(w.hash);
    return status;
}

int fingerprint_document(const GumboNode *document, struct fingerprint *out)
{
    struct fingerprint_roots roots = {0};
    see_all(document, &roots);
    return fingerprint_main_text(document, &roots, out);
}
