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
    /* the word being read */
    uint64_t current;
    bool in_word;
    /* visible and link characters so far (non-space bytes), for link density */
    size_t chars, link_chars;
};

/* splitmix64's finaliser: spreads FNV's weak low bits over all 64. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
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
    w->hash[w->count++] = mix(w->current);
}

static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static void add_text(struct words *w, const char *text, size_t length, bool in_link)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0xC2 && i + 1 < length && (unsigned char)text[i + 1] == 0xA0) {
            end_word(w); /* U+00A0, the no-break space, separates words */
            i++;
            continue;
        }
        if (!is_word_byte(c)) {
            end_word(w);
            if (c > ' ') {
                w->chars++;
                w->link_chars += in_link;
            }
            continue;
        }
        if (!w->in_word) {
            w->in_word = true;
            w->current = 0xcbf29ce484222325u;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        w->current = (w->current ^ c) * 0x100000001b3u;
        w->chars++;
        w->link_chars += in_link;
    }
}

static void finish(struct words *w, struct fingerprint *out)
{
    end_word(w);
    memset(out, 0, sizeof *out);
    if (w->failed || w->count == 0)
        return;
    uint64_t exact = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < w->count; i++)
        exact = mix(exact ^ w->hash[i]) + i;
    size_t shingles = w->count >= FINGERPRINT_SHINGLE ? w->count - FINGERPRINT_SHINGLE + 1 : 1;
    size_t width = w->count >= FINGERPRINT_SHINGLE ? FINGERPRINT_SHINGLE : w->count;
    int32_t votes[64] = {0};
    for (size_t s = 0; s < shingles; s++) {
        uint64_t h = 0;
        for (size_t k = 0; k < width; k++)
            h = mix(h ^ (w->hash[s + k] + k * 0x9e3779b97f4a7c15u));
        for (int bit = 0; bit < 64; bit++)
            votes[bit] += (h >> bit) & 1 ? 1 : -1;
    }
    uint64_t simhash = 0;
    for (int bit = 0; bit < 64; bit++)
        if (votes[bit] > 0)
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
    static const char *const roles[] = {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                                        NULL};
    const GumboElement *e = &node->v.element;
    if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
        return true;
    switch (e->tag) {
    case GUMBO_TAG_NAV: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_SELECT: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE:
        return true;
    default:
        break;
    }
    if (attribute(node, "hidden"))
        return true;
    const char *aria_hidden = attribute(node, "aria-hidden");
    if (aria_hidden && strcasecmp(aria_hidden, "true") == 0)
        return true;
    return role_is(node, roles);
}

static bool is_prunable(const GumboNode *node)
{
    switch (node->v.element.tag) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_P: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_DL: case GUMBO_TAG_MENU: case GUMBO_TAG_TABLE:
        return true;
    default:
        return false;
    }
}

/* Block-level ends separate words (<p>a</p><p>b</p> is two words); inline ones do not. */
static bool is_inline(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_B: case GUMBO_TAG_BDI: case GUMBO_TAG_BDO:
    case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DATA: case GUMBO_TAG_DFN: case GUMBO_TAG_EM:
    case GUMBO_TAG_I: case GUMBO_TAG_KBD: case GUMBO_TAG_MARK: case GUMBO_TAG_Q: case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP: case GUMBO_TAG_TIME: case GUMBO_TAG_U: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
        return true;
    default:
        return false;
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

/* The main-text root (step 1 of the header). Walks the tree once, not entering templates. */
static const GumboNode *main_root(const GumboNode *document)
{
    static const char *const main_role[] = {"main", NULL};
    const GumboNode *body = NULL, *article = NULL;
    size_t articles = 0, depth = 0, capacity = 0;
    struct frame *stack = NULL;
    const GumboNode *found = NULL;
    if (!push(&stack, &depth, &capacity, (struct frame){document, 0, 0, 0, 0, false}))
        return document;
    while (depth > 0 && !found) {
        struct frame *top = &stack[depth - 1];
        const GumboVector *children = children_of(top->node);
        if (!children || top->next >= children->length) {
            depth--;
            continue;
        }
        const GumboNode *child = children->data[top->next++];
        if (child->type != GUMBO_NODE_ELEMENT || child->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
            continue;
        GumboTag tag = child->v.element.tag;
        if (tag == GUMBO_TAG_MAIN || role_is(child, main_role))
            found = child;
        else if (tag == GUMBO_TAG_ARTICLE && articles++ == 0)
            article = child;
        else if (tag == GUMBO_TAG_BODY && !body)
            body = child;
        if (!found && !push(&stack, &depth, &capacity, (struct frame){child, 0, 0, 0, 0, false}))
            break;
    }
    free(stack);
    if (found)
        return found;
    if (articles == 1)
        return article;
    return body ? body : document;
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
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA ||
            child->type == GUMBO_NODE_WHITESPACE) {
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

int fingerprint_document(const GumboNode *document, struct fingerprint *out)
{
    struct words w = {0};
    int status = walk_main(&w, main_root(document));
    finish(&w, out);
    free(w.hash);
    return status;
}
