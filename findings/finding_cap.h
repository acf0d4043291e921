/* SPDX-License-Identifier: Apache-2.0 */
/* findings/finding_cap: a finding_list bounded per cause, with a count of what it left out.
 *
 * A hostile or broken site can produce a finding per URL by the million (a sitemap of a million
 * foreign URLs, a calendar of broken links): listing them all makes reports of gigabytes and a
 * process of as many. A capped list keeps the first max findings of each cause (findings/cause:
 * the rule plus its underlying reason) and ten times that of each rule, first in report order
 * (findings_sort: the same findings whatever order they arrived in), counts the rest, and
 * finding_cap_finish appends one findings-capped finding per cause (or rule) saying how many more
 * there were. The key is cap_key() in finding_cap.c, one function: the cause key today.
 *
 * How: findings_add compacts the list now and then (every max(4096, count) additions): the whole
 * list is ranked again and what is over the cap dropped, so memory stays bounded by the kept
 * findings and each addition costs a constant amount on average.
 * The finding findings_add just returned is never dropped before the next findings_add (callers
 * add related URLs to it). findings_move_all carries the dropped counts over to the target list,
 * which compacts what it receives against its own cap.
 *
 * Memory: the cap belongs to its list (findings_free releases it).
 * Threads: as the list: one owner.
 * Errors: CP_OK or CP_ERR_NOMEM. */
#ifndef CRAWLPACK_FINDINGS_FINDING_CAP_H
#define CRAWLPACK_FINDINGS_FINDING_CAP_H

#include <stddef.h>

#include "findings/findings.h"

struct finding_cap;

#define FINDING_CAP_DEFAULT 10000  /* findings kept per cause (--max-findings-per-rule) */
#define FINDING_CAP_RULE_FACTOR 10 /* findings kept per rule: this many times the cause cap */

/* Bound list to max findings per cause (0: FINDING_CAP_DEFAULT). Findings already in the list
 * count too. */
int finding_cap_set(struct finding_list *list, size_t max_per_cause);

/* Drop what is over the cap now and append one findings-capped finding per cause or rule that lost
 * findings (none when nothing was dropped). Call once, before sorting and rendering. */
int finding_cap_finish(struct finding_list *list);

/* Called by findings_add and findings_move_all (findings.c): compact when due; carry from's counts
 * into to. */
int finding_cap_before_add(struct finding_list *list);
int finding_cap_merge(struct finding_list *to, struct finding_cap *from);
void finding_cap_free(struct finding_cap *cap);

#endif
