/* SPDX-License-Identifier: Apache-2.0 */
/* reports/baseline: compare a run's findings with a previous findings.json (--baseline FILE).
 *
 * A current finding whose identity (finding_identity in findings.h) appears in the baseline is
 * "existing", otherwise "new"; a baseline finding no current finding matches is "fixed". Identities
 * are matched as a multiset: if the baseline holds an identity twice and the run three times, two
 * are existing and one is new. Only new findings count toward --fail-on unless --fail-on-existing
 * (see report_finding_fails).
 *
 * The baseline may come from an older or newer crawlpack: fields other than "rule" may be missing
 * (they read as empty), unknown fields are ignored, and findings of rules this version does not
 * know are skipped with a warning (they can never match a current finding). Anything that is not a
 * findings.json is an error that names the file and what is wrong.
 *
 * Memory: struct baseline and struct baseline_comparison own their arrays; free them with their
 * _free functions. A comparison points into its baseline, which must outlive it. One owner; no
 * shared state, so different threads may use different baselines. */
#ifndef CRAWLPACK_REPORTS_BASELINE_H
#define CRAWLPACK_REPORTS_BASELINE_H

#include <stddef.h>

#include "common/buf.h"
#include "findings/findings.h"

/* A baseline file larger than this is refused (CP_ERR_LIMIT) rather than loaded into memory. */
#define BASELINE_MAX_BYTES (512u * 1024u * 1024u)

struct baseline {
    char *path;
    struct finding_list findings; /* the baseline's findings of known rules, in file order */
    size_t unknown_rule_count;    /* findings skipped because their rule id is unknown here */
};

#define BASELINE_INIT              \
    {                              \
        NULL, FINDING_LIST_INIT, 0 \
    }

enum baseline_state {
    BASELINE_NEW,
    BASELINE_EXISTING,
};

struct baseline_comparison {
    const struct baseline *baseline;
    enum baseline_state *states; /* one per current finding, same order as the compared list */
    size_t state_count;
    size_t new_count;
    size_t existing_count;
    size_t *fixed; /* indexes into baseline->findings.items, in file order */
    size_t fixed_count;
};

#define BASELINE_COMPARISON_INIT     \
    {                                \
        NULL, NULL, 0, 0, 0, NULL, 0 \
    }

/* Load path (a findings.json written by any crawlpack version). Returns CP_OK; CP_ERR_IO when the
 * file cannot be read, CP_ERR_PARSE when it is not JSON, CP_ERR_INVALID when it is JSON but not a
 * findings file, CP_ERR_LIMIT when too large, CP_ERR_NOMEM. On error *error receives one line
 * naming the file and the problem (e.g. "old.json: findings[3].rule is not a string") and
 * *baseline is left empty. */
int baseline_load(const char *path, struct baseline *baseline, struct buf *error);

/* The same for a findings.json already in memory; name stands for the file in messages and in
 * baseline->path. */
int baseline_parse(const char *name, const char *data, size_t length, struct baseline *baseline, struct buf *error);

/* The one reader of findings.json's findings (baselines, `pack`, `diff`): append the findings of
 * document (a parsed findings.json; path names it in messages) to list, counting those of unknown
 * rules in *unknown_rule_count (they are skipped with a warning). Errors as baseline_load's; on
 * error list may hold the findings read so far (the caller frees it). */
typedef struct json_t json_t; /* jansson's document type, without its header (whose names clash
                                * with common/json_write's) */
int findings_json_read(const char *path, const json_t *document, struct finding_list *list, size_t *unknown_rule_count,
                       struct buf *error);

/* Classify current against baseline. Compare the list in its final order (after findings_sort):
 * states[i] belongs to current->items[i]. Returns CP_OK or CP_ERR_NOMEM. */
int baseline_compare(const struct baseline *baseline, const struct finding_list *current,
                     struct baseline_comparison *comparison);

const char *baseline_state_name(enum baseline_state state);

void baseline_comparison_free(struct baseline_comparison *comparison);
void baseline_free(struct baseline *baseline);

#endif
