/* SPDX-License-Identifier: Apache-2.0 */
/* findings/cause: why a finding exists, as a key shared by every finding with the same reason.
 *
 * A site with one wrong build setting gets hundreds of findings that are one observation: 527 pages
 * whose canonical uses the file: scheme, 77 broken targets under one missing folder. The cause key
 * names that observation: the rule plus the underlying reason, computed from the finding alone
 * (no other finding, no crawl state), so it is stable across runs and can be computed while the
 * findings are produced (to cap findings per cause, for instance). The reasons, by rule family:
 *
 *   canonical-*, noindex-and-canonical  the declared canonical's pattern: a non-http scheme
 *                                       ("scheme=file"), another origin ("origin=https://x"), or
 *                                       the target's folder (the first 4 path segments)
 *   broken-link, link-to-redirect,      the target's answer and folder, first 4 path segments
 *   link-to-missing-fragment            ("404 http://h/usr/share/doc/python3-doc/")
 *   sitemap-*, robots-*                 the file (sitemap or robots.txt URL); for out-of-scope
 *                                       <loc>s also the origin they name
 *   site-level rules                    the rule alone (one per run)
 *   every other page rule               the site section: the URL's first path segment
 *
 * The key is "rule-id" or "rule-id:reason", printable ASCII as the URLs are. A group of findings
 * with one key gets one human sentence ("527 pages: canonical uses the file: scheme ...").
 *
 * Memory: finding_cause_key appends to the caller's buffer; struct finding_causes owns its groups.
 * Threads: pure functions of their input; any thread. Errors: CP_OK or CP_ERR_NOMEM. */
#ifndef CRAWLPACK_FINDINGS_CAUSE_H
#define CRAWLPACK_FINDINGS_CAUSE_H

#include <stddef.h>

#include "common/buf.h"
#include "findings/findings.h"

/* Append the cause key of f to out. */
int finding_cause_key(const struct finding *f, struct buf *out);

/* Length of "scheme://authority" of an http(s) URL (its origin, as causes name it), 0 for any other
 * text. */
size_t finding_url_origin_length(const char *url);

/* The findings of a list that share one cause. */
struct finding_cause_group {
    char *key;     /* finding_cause_key of its findings */
    char *summary; /* one human sentence with the counts, never NULL */
    enum rule_id rule;
    size_t count;   /* findings in the group */
    size_t related; /* distinct related URLs across the group (source pages of broken links) */
    size_t first;   /* index in the list of the group's first finding */
    size_t start;   /* its findings are order[start .. start + count) */
};

struct finding_causes {
    struct finding_cause_group *groups; /* most severe first, then most findings, then key */
    size_t count;
    size_t *group_of; /* per finding index of the list: its group's index */
    size_t *order;    /* finding indexes by group, list order within a group */
};

#define FINDING_CAUSES_INIT \
    {                       \
        NULL, 0, NULL, NULL \
    }

/* Group list by cause. *out is then owned by the caller (finding_causes_free), even on error. */
int finding_causes_build(const struct finding_list *list, struct finding_causes *out);
void finding_causes_free(struct finding_causes *causes);

#endif
