/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_page: the audit rules one page's own response and signals decide —
 * canonical-missing, canonical-invalid, canonical-multiple, canonical-relative,
 * canonical-outside-head, canonical-header-mismatch, pagination-canonical-to-first (page N of a
 * series by its URL or its rel=prev), noindex-outside-head, hreflang-invalid-code, link-to-dev-host,
 * page-truncated, page-parse-limit, links-dropped and js-shell (without --render). A body cut at --max-body or whose parse ran
 * out of budget gets only its truncation finding: the signal rules would judge what is missing.
 *
 * Where it runs: while the page's signals exist, right after web/extract produced them (the
 * crawl frees them once merged into the graph). `crawlpack audit` calls it from the crawl's
 * on_page hook (cli/audit_evidence.c); being reentrant, it may as well run on the extraction
 * workers, each with its own list. The cross-page rules run later on the whole graph
 * (linkgraph/audit.h).
 *
 * Input: struct audit_page_input. url is the page's crawl identity — the same string as its graph
 * node — so page findings and graph findings name a page the same way (and baselines match them).
 * Canonicals are compared by crawl identity too (identity gives the crawl's --strip-param list), so
 * two spellings of one URL never "disagree".
 *
 * Which canonicals count: those in <head> and in HTTP Link headers (extract's EXTRACT_IN_HEAD /
 * EXTRACT_IN_HEADER). One in the body is ignored by search engines: canonical-outside-head reports
 * it and no other canonical rule looks at it. canonical-missing fires only for a page that wrote no
 * canonical anywhere; a page whose only canonicals are invalid or misplaced gets those findings
 * instead. canonical-missing, -multiple and -header-mismatch concern pages that answered 200 with
 * HTML; noindex pages are not "indexable" and get no canonical-missing.
 *
 * Findings: url = the page; source = the page; related[0] = the canonical concerned (as resolved;
 * the raw text when it does not resolve) or, for hreflang-invalid-code, the alternates' URLs.
 *
 * Threads: reentrant, no shared state. Each calling thread passes its own finding_list; lists are
 * merged with findings_move_all by their owner.
 * Errors: CP_OK or CP_ERR_NOMEM (the findings added before it stay in the list). */
#ifndef CRAWLPACK_LINKGRAPH_AUDIT_PAGE_H
#define CRAWLPACK_LINKGRAPH_AUDIT_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/extract.h"
#include "web/url.h"
#include "findings/findings.h"

struct audit_page_input {
    const char *url;                             /* the page's crawl identity (its graph node's URL) */
    const struct page_signals *signals;          /* extract_page's record; NULL when the body was not parsed */
    uint16_t status;                             /* HTTP status of the response */
    bool html;                                   /* the response is HTML */
    bool body_truncated;                         /* the body passed --max-body and was cut */
    uint64_t body_bytes;                         /* bytes read (the cap, when truncated) */
    const struct url_identity_options *identity; /* the crawl's identity options; NULL for none */
    bool render;                                 /* the crawl renders pages (--render): js-shell stays silent */
};

/* Run the page-local rules on one page; append findings to out. */
int audit_page(const struct audit_page_input *input, struct finding_list *out);

/* The rules audit_page checks, in catalog order (report_context.checked_rules). */
const enum rule_id *audit_page_rules(size_t *count);

#endif
