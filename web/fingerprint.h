/* SPDX-License-Identifier: Apache-2.0 */
/* web/fingerprint: the content fingerprints of one page — a 64-bit hash of its main text (exact
 * duplicates) and a 64-bit SimHash over word shingles (near duplicates, Manku, Jain and Das Sarma,
 * WWW 2007).
 *
 * Main text (docs/clusters.md says it for users):
 *   1. The root: the first <main> or [role=main]; else the one <article> when there is exactly one;
 *      else <body>.
 *   2. Inside it, everything but boilerplate: nav, header, footer, aside, script, style, template,
 *      noscript, iframe, textarea, select, button, foreign content (svg, math), elements with the
 *      hidden attribute or aria-hidden=true, and the roles navigation, banner, contentinfo,
 *      complementary, search and menu.
 *   3. Link-density pruning: a container (div, section, p, ul, ol, dl, menu, table) whose text is
 *      more than half link text is dropped whole (menus, tag clouds, "related" lists, tables of
 *      contents that survived step 2).
 * Words are maximal runs of ASCII letters and digits and of non-ASCII characters (U+00A0 is a
 * space), ASCII-lowercased. exact chains the words' hashes; simhash sums, per bit, +1/-1 over the
 * hashes of every run of FINGERPRINT_SHINGLE consecutive words (all words as one shingle when there
 * are fewer). Two pages whose shingle sets differ by about 1% are within FINGERPRINT_NEAR_BITS.
 *
 * Bounds: at most FINGERPRINT_MAX_WORDS words are read (the rest of a huge page does not change its
 * fingerprint); 8 bytes of scratch per word, freed before returning.
 * Threads: reentrant, no global state. Memory: nothing is kept; out is the caller's.
 * Errors: CP_OK; CP_ERR_NOMEM (out is then all zero). A page without main-text words gets
 * exact = simhash = 0 and words = 0, which means "no fingerprint": it is never clustered. */
#ifndef CRAWLPACK_WEB_FINGERPRINT_H
#define CRAWLPACK_WEB_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

struct GumboInternalNode;

#define FINGERPRINT_SHINGLE 3
#define FINGERPRINT_MAX_WORDS 200000
/* Near duplicates: SimHashes at most this many bits apart (Manku et al.'s k for 64-bit hashes). */
#define FINGERPRINT_NEAR_BITS 3
/* Pages with fewer main-text words have too few shingles for a SimHash to mean anything: their
 * simhash is kept, but clustering compares them exactly only (linkgraph/clusters). */
#define FINGERPRINT_MIN_NEAR_WORDS 30

struct fingerprint {
    uint64_t exact;   /* 0: no main text */
    uint64_t simhash; /* 0: no main text */
    uint32_t words;   /* main-text words read (at most FINGERPRINT_MAX_WORDS) */
};

/* The fingerprints of a parsed document (a GumboNode of type GUMBO_NODE_DOCUMENT, or any element:
 * its subtree is the document). */
int fingerprint_document(const struct GumboInternalNode *document, struct fingerprint *out);

/* The same for a caller that walks the tree anyway (web/extract): it shows every element, in tree
 * order, to fingerprint_roots_see, which notes the candidates for the main-text root, and then
 * calls fingerprint_main_text, which walks only the chosen root's subtree. */
struct fingerprint_roots {
    const struct GumboInternalNode *main, *article, *body;
    size_t articles;
};
void fingerprint_roots_see(struct fingerprint_roots *roots, const struct GumboInternalNode *element);
int fingerprint_main_text(const struct GumboInternalNode *document, const struct fingerprint_roots *roots,
                          struct fingerprint *out);

/* The fingerprints of plain text taken as the whole main text (tests, tools). */
int fingerprint_text(const char *text, size_t length, struct fingerprint *out);

/* Hamming distance of two 64-bit fingerprints. */
unsigned fingerprint_distance(uint64_t a, uint64_t b);

#endif
