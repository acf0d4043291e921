/* SPDX-License-Identifier: Apache-2.0 */
/* findings/findings: the one findings model every check writes to and every report renders.
 *
 * A finding is a rule (from findings/rules.def) plus what it is about: the URL concerned, related
 * URLs (source pages of a broken link, members of a chain, a conflicting canonical), a one-line
 * message carrying the evidence ("301 -> 302 -> 200", "robots.txt line 4: Disallow: /private/"),
 * and where it was seen (a page URL, a sitemap file or a robots.txt URL, with line and column when
 * known). Severity is the rule's.
 *
 * Memory: a finding_list owns every string in it (copied on add). findings_add returns a pointer
 * into the list's array that stays valid only until the next findings_add on that list.
 * Threads: a list has one owner; modules that run on several threads keep a list each and the
 * owner merges them with findings_move_all. */
#ifndef CRAWLPACK_FINDINGS_FINDINGS_H
#define CRAWLPACK_FINDINGS_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#include "findings/rules.h"

struct finding {
    enum rule_id rule;
    char *url;     /* the URL the finding is about; NULL for file-level findings */
    char *message; /* one line, never NULL */
    char *source;  /* where it was seen (page URL, file path, robots.txt URL); may be NULL */
    unsigned line; /* line in source, 1-based; 0 when not applicable */
    unsigned column;
    char **related;
    size_t related_count;
};

struct finding_cap; /* findings/finding_cap.h: an optional bound per cause */

struct finding_list {
    struct finding *items;
    size_t count;
    size_t capacity;
    struct finding_cap *cap; /* NULL: unbounded */
};

#define FINDING_LIST_INIT \
    {                     \
        NULL, 0, 0, NULL  \
    }

/* Add a finding; url and source may be NULL. Returns the new finding (valid until the next add) or
 * NULL when out of memory. The message is printf-formatted. */
struct finding *findings_add(struct finding_list *list, enum rule_id rule, const char *url, const char *source,
                             unsigned line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Append a related URL to a finding (copied). Returns 0 or CP_ERR_NOMEM. */
int finding_add_related(struct finding *finding, const char *url);

/* Add a copy of f (its strings and related URLs copied). Returns CP_OK or CP_ERR_NOMEM. */
int findings_add_copy(struct finding_list *list, const struct finding *f);

/* Move every finding of from into to (from is left empty). Returns 0 or CP_ERR_NOMEM. */
int findings_move_all(struct finding_list *to, struct finding_list *from);

/* Move every finding of rule from `from` into `to`, keeping the order of both. Returns CP_OK or
 * CP_ERR_NOMEM (nothing moved). */
int findings_move_rule(struct finding_list *to, struct finding_list *from, enum rule_id rule);

/* Order for reports: most severe first, then rule id, source, line, URL. Stable across runs. */
void findings_sort(struct finding_list *list);
/* That order between two findings: < 0, 0 or > 0. */
int findings_compare(const struct finding *a, const struct finding *b);

/* How many findings have a severity at or above threshold. */
size_t findings_count_at_least(const struct finding_list *list, enum severity threshold);

void findings_free(struct finding_list *list);
/* Free what one finding owns (not the finding itself, which lives in a list's array). */
void finding_free(struct finding *finding);

/* The robots.txt or sitemap file (a sitemap or a sitemap index) a finding is about, or NULL: findings.json's
 * and findings.csv's `file`. A finding carries its file when its subject is that file or a line of it
 * (every sitemap-* and robots-* rule), or when its evidence is an entry the file lists (orphan-url: a
 * page only a sitemap names). The file is the one the finding was seen in, which those rules already
 * hold in `source` (and `line` is the line of that file), so this reads it from there rather than
 * keeping a second copy that could disagree. Site-level findings about a file that does not exist
 * (sitemap-missing, robots-missing) have no source and so no file. The result points into finding. */
const char *finding_file(const struct finding *finding);

/* Finding identity: what makes "the same finding" across two runs, for baselines and SARIF
 * fingerprints. It is the rule id, the URL, and one more key that depends on the rule's family
 * (the canonical or hreflang target in related[0], or the sitemap/robots.txt file in source);
 * messages, line numbers and the other related URLs are evidence, not identity, so a finding keeps
 * its identity when a file gains lines or a broken link gains source pages. The table is in
 * docs/formats.md; finding_identity_key_kind is its one implementation. */
enum finding_identity_key {
    FINDING_KEY_NONE,          /* rule + URL (or the source when there is no URL) */
    FINDING_KEY_FIRST_RELATED, /* rule + URL + related[0] */
    FINDING_KEY_SOURCE,        /* rule + URL + source */
};

enum finding_identity_key finding_identity_key_kind(enum rule_id rule);

/* The identity as one string, "rule-id", URL and key separated by 0x1F (unit separator), appended
 * to out. Returns 0 or CP_ERR_NOMEM. */
int finding_identity(const struct finding *finding, struct buf *out);

/* A stable 64-bit FNV-1a hash of finding_identity: the SARIF partialFingerprint and the
 * "fingerprint" of findings.json (written as 16 lower-case hex digits). Returns 0 only when out of
 * memory (and a real hash is 0 with probability 2^-64). */
uint64_t finding_fingerprint(const struct finding *finding);

/* Write finding_fingerprint as 16 lower-case hex digits plus NUL into text. */
void finding_fingerprint_hex(const struct finding *finding, char text[17]);

#endif
