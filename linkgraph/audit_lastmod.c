/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_lastmod: whether a sitemap's <lastmod> tells the truth — against the page's own
 * Last-Modified in this run (sitemap-lastmod-header-mismatch), and against what changed since the
 * store's previous run of the site (sitemap-lastmod-stale: content changed, lastmod did not;
 * sitemap-lastmod-unreliable: lastmod moved, content did not).
 *
 * A file whose lastmod moved on every unchanged page it lists (at least LASTMOD_GENERATED_MIN of
 * them) writes its generation time, not change times: that is one finding about the file (one
 * fix, in its generator) instead of one per page. Only pages that answered 200 are judged, each
 * once per sitemap file that lists it (sitemap-duplicate-url reports repetitions), at its first
 * entry in that file. */
#include <stdlib.h>
#include <time.h>

#include "common/error.h"
#include "linkgraph/audit_internal.h"
#include "sitemap/datetime.h"

/* A day: a lastmod may be a date alone (00:00 UTC, up to 14 hours off the page's own zone) while
 * Last-Modified has the second; less than a day apart is the same change. */
#define LASTMOD_SLACK_S 86400
/* Fewer unchanged pages than this whose lastmod moved are judged page by page. */
#define LASTMOD_GENERATED_MIN 5

/* Per sitemap file (indexed by its node id): the pages both runs dated whose content did not
 * change, and of those the ones whose lastmod moved. */
struct lastmod_counts {
    uint32_t *unchanged;
    uint32_t *moved;
};

static void date_text(int64_t when, char text[32])
{
    w3c_datetime_format((time_t)when, text);
}

/* Whether entry e of page id is the first of its sitemap file among the page's entries. The
 * entries of a page are few (one per listing), so a walk is cheaper than a set. */
static bool first_in_file(const struct audit_run *run, uint32_t id, uint32_t e)
{
    const struct graph_sitemap_entry *entry = graph_sitemap_entry(run->graph, e);
    for (uint32_t o = audit_node(run, id)->sitemap_first; o != GRAPH_NO_NODE && o != e;
         o = graph_sitemap_entry(run->graph, o)->next)
        if (graph_sitemap_entry(run->graph, o)->sitemap == entry->sitemap)
            return false;
    return true;
}

static bool judged(const struct audit_run *run, uint32_t id)
{
    return run->facts && audit_page_answer(audit_node(run, id)) == ANSWER_OK &&
           audit_node(run, id)->sitemap_first != GRAPH_NO_NODE;
}

static int check_header(struct audit_run *run, uint32_t id, const struct graph_sitemap_entry *entry)
{
    int64_t header = run->facts[id].last_modified;
    if (header <= 0 || (run->crawl_started && header >= run->crawl_started) ||
        entry->lastmod + LASTMOD_SLACK_S >= header)
        return CP_OK;
    char lastmod[32], modified[32];
    date_text(entry->lastmod, lastmod);
    date_text(header, modified);
    buf_reset(&run->message);
    buf_printf(&run->message, "lastmod %s is %lld days older than the response's Last-Modified (%s)", lastmod,
               (long long)((header - entry->lastmod) / LASTMOD_SLACK_S), modified);
    return audit_add(run, RULE_SITEMAP_LASTMOD_HEADER_MISMATCH, id, audit_url(run, entry->sitemap), entry->line)
               ? CP_OK
               : CP_ERR_NOMEM;
}

/* Whether the run compares this entry with the previous run's: both dated the page and whether
 * its content changed is known. */
static bool comparable(const struct audit_run *run, uint32_t id, const struct graph_sitemap_entry *entry)
{
    return entry->lastmod != GRAPH_NO_LASTMOD && run->facts[id].content_change != AUDIT_CONTENT_UNKNOWN;
}

static int check_history(struct audit_run *run, uint32_t id, const struct graph_sitemap_entry *entry,
                         const struct lastmod_counts *counts)
{
    const struct audit_page_facts *f = &run->facts[id];
    bool moved = entry->lastmod != f->previous_lastmod;
    bool changed = f->content_change == AUDIT_CONTENT_CHANGED;
    if (moved == changed)
        return CP_OK;
    if (moved && counts->unchanged[entry->sitemap] >= LASTMOD_GENERATED_MIN &&
        counts->moved[entry->sitemap] == counts->unchanged[entry->sitemap])
        return CP_OK; /* the file's finding says it (generated_findings) */
    char now[32], before[32];
    date_text(entry->lastmod, now);
    date_text(f->previous_lastmod, before);
    buf_reset(&run->message);
    if (changed)
        buf_printf(&run->message, "the page's content changed since the previous audit, but its lastmod stayed %s",
                   now);
    else
        buf_printf(&run->message, "lastmod moved from %s to %s, but the page's content is the previous audit's", before,
                   now);
    return audit_add(run, changed ? RULE_SITEMAP_LASTMOD_STALE : RULE_SITEMAP_LASTMOD_UNRELIABLE, id,
                     audit_url(run, entry->sitemap), entry->line)
               ? CP_OK
               : CP_ERR_NOMEM;
}

/* Every judged entry (a dated page's first entry in each file that lists it): counted into counts,
 * or checked. */
static int each_entry(struct audit_run *run, struct lastmod_counts *counts, bool count_only)
{
    for (uint32_t id = 0; id < run->node_count; id++) {
        if (!judged(run, id))
            continue;
        for (uint32_t e = audit_node(run, id)->sitemap_first; e != GRAPH_NO_NODE;
             e = graph_sitemap_entry(run->graph, e)->next) {
            const struct graph_sitemap_entry *entry = graph_sitemap_entry(run->graph, e);
            if (entry->lastmod == GRAPH_NO_LASTMOD || !first_in_file(run, id, e))
                continue;
            int status = CP_OK;
            if (count_only) {
                if (comparable(run, id, entry) && run->facts[id].content_change == AUDIT_CONTENT_SAME) {
                    counts->unchanged[entry->sitemap]++;
                    counts->moved[entry->sitemap] += entry->lastmod != run->facts[id].previous_lastmod;
                }
                continue;
            }
            status = check_header(run, id, entry);
            if (status == CP_OK && comparable(run, id, entry))
                status = check_history(run, id, entry, counts);
            if (status != CP_OK)
                return status;
        }
    }
    return CP_OK;
}

/* One finding per sitemap file whose lastmod moved on every unchanged page it lists. */
static int generated_findings(struct audit_run *run, const struct lastmod_counts *counts)
{
    for (uint32_t file = 0; file < run->node_count; file++) {
        uint32_t unchanged = counts->unchanged[file];
        if (unchanged < LASTMOD_GENERATED_MIN || counts->moved[file] != unchanged)
            continue;
        buf_reset(&run->message);
        buf_printf(&run->message,
                   "lastmod moved on all %u pages of this sitemap whose content is the previous audit's: it is the "
                   "file's generation time, not the pages' change time",
                   unchanged);
        if (!audit_add(run, RULE_SITEMAP_LASTMOD_UNRELIABLE, file, audit_url(run, file), 0))
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

int audit_lastmod_rules(struct audit_run *run)
{
    if (!run->facts)
        return CP_OK;
    struct lastmod_counts counts = {
        calloc((size_t)run->node_count + 1, sizeof *counts.unchanged),
        calloc((size_t)run->node_count + 1, sizeof *counts.moved),
    };
    int status = counts.unchanged && counts.moved ? CP_OK : CP_ERR_NOMEM;
    if (status == CP_OK)
        status = each_entry(run, &counts, true);
    if (status == CP_OK)
        status = each_entry(run, &counts, false);
    if (status == CP_OK)
        status = generated_findings(run, &counts);
    free(counts.unchanged);
    free(counts.moved);
    return status;
}
