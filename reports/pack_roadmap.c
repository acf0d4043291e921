/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_roadmap: section 7 of the pack — the execution roadmap. The intake's milestones
 * first (the team's own plan), then milestones derived from the audit's findings, ordered by
 * severity × pages affected, each with an owner (or "unassigned", raised as an open question),
 * dependencies and a measurable acceptance criterion for the next audit. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/array_grow.h"
#include "reports/pack_internal.h"
#include "findings/rules.h"

#define MAX_DERIVED_MILESTONES 6

struct derived {
    const char *key; /* rule id, or a measure name without findings.json */
    const char *title;
    int severity; /* 3 error, 2 warning, 1 notice */
    size_t pages;
};

static int compare_derived(const void *x, const void *y)
{
    const struct derived *a = x, *b = y;
    size_t wa = (size_t)a->severity * a->pages, wb = (size_t)b->severity * b->pages;
    if (wa != wb)
        return wa < wb ? 1 : -1;
    return strcmp(a->key, b->key);
}

static size_t from_findings(const struct crawl_data *crawl, struct derived **out)
{
    size_t count = 0;
    for (size_t i = 0; i < crawl->findings.count; i++) {
        const struct rule *r = rule_get(crawl->findings.items[i].rule);
        size_t k = 0;
        while (k < count && strcmp((*out)[k].key, r->id) != 0)
            k++;
        if (k == count) {
            struct derived *grown = array_grow(*out, count, sizeof(*grown));
            if (!grown)
                return count;
            *out = grown;
            grown[k].key = r->id;
            grown[k].title = r->title;
            grown[k].severity = (int)r->severity;
            grown[k].pages = 0;
            count++;
        }
        (*out)[k].pages++;
    }
    return count;
}

static size_t from_measures(const struct pack_context *ctx, struct derived **out)
{
    const struct derived all[] = {
        {"non-indexable URLs in sitemaps", "Remove non-indexable URLs from sitemaps (R4)", 3,
         ctx->listed_not_indexable},
        {"broken link targets", "Fix or remove links to broken URLs", 3, ctx->broken_targets},
        {"orphan pages", "Link orphan pages from their section (R5)", 2, ctx->orphan_count},
        {"indexable pages missing from sitemaps", "Add missing pages to the section sitemaps (R4)", 2,
         ctx->missing_count},
        {"redirect chains", "Collapse redirect chains to one hop", 2, ctx->redirect_chains},
        {"pages deeper than 3 clicks", "Bring deep pages within 3 clicks (R5)", 2, ctx->deep_count},
    };
    size_t n = 0;
    *out = malloc(sizeof(all));
    if (!*out)
        return 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i].pages)
            (*out)[n++] = all[i];
    return n;
}

static void write_strings(struct buf *out, const struct intake_strings *list, const char *empty)
{
    if (!list->count)
        buf_append_str(out, empty);
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            buf_append_str(out, "<br>");
        md_cell(out, list->items[i]);
    }
}

static void write_intake_milestones(struct pack_context *ctx, struct buf *out, struct buf *unowned)
{
    const struct intake *in = ctx->intake;
    for (size_t i = 0; i < in->milestone_count; i++) {
        const struct intake_milestone *m = &in->milestones[i];
        char id[32];
        snprintf(id, sizeof(id), "M%zu", i + 1);
        const char *label = m->id ? m->id : id;
        buf_append_str(out, "| ");
        md_cell(out, label);
        buf_append_str(out, " | ");
        md_cell(out, m->name ? m->name : "**unnamed**");
        if (m->rollout) {
            buf_append_str(out, "<br>rollout: ");
            md_cell(out, m->rollout);
        }
        buf_append_str(out, " | ");
        if (m->owner)
            md_cell(out, m->owner);
        else {
            buf_append_str(out, "unassigned");
            buf_printf(unowned, "%s%s", unowned->len ? ", " : "", label);
        }
        buf_append_str(out, " | ");
        write_strings(out, &m->dependencies, "none");
        buf_append_str(out, " | ");
        write_strings(out, &m->acceptance, "**missing**");
        buf_append_str(out, " | ");
        md_cell(out, m->date);
        buf_append_str(out, " | intake |\n");
    }
}

void pack_write_roadmap(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_append_str(out, "\n## 7. Execution roadmap\n\n");
    struct derived *derived = NULL;
    size_t count = crawl->has_findings ? from_findings(crawl, &derived) : from_measures(ctx, &derived);
    if (count)
        qsort(derived, count, sizeof(*derived), compare_derived);
    size_t shown = count < MAX_DERIVED_MILESTONES ? count : MAX_DERIVED_MILESTONES;
    ctx->gate.milestones = ctx->intake->milestone_count;
    ctx->gate.derived_milestones = shown;
    buf_printf(out,
               "Intake milestones first, in the team's order; then milestones derived from %s, ordered by "
               "severity × pages affected (error 3, warning 2, notice 1).\n\n",
               crawl->has_findings ? "the audit's findings" : "section 6's measured gaps (no findings.json)");
    buf_append_str(out, "| # | milestone | owner | depends on | acceptance criteria | date | source |\n"
                        "|---|---|---|---|---|---|---|\n");
    struct buf unowned = BUF_INIT;
    write_intake_milestones(ctx, out, &unowned);
    for (size_t i = 0; i < shown; i++) {
        const struct derived *d = &derived[i];
        char id[16];
        snprintf(id, sizeof(id), "D%zu", i + 1);
        buf_printf(out, "| %s | ", id);
        if (crawl->has_findings)
            buf_printf(out, "Fix `%s`: ", d->key);
        md_cell(out, d->title);
        buf_printf(out, " | unassigned | none | ");
        if (crawl->has_findings)
            buf_printf(out, "`%s` count 0 in the next audit (now %zu)", d->key, d->pages);
        else
            buf_printf(out, "%s: 0 in the next audit (now %zu)", d->key, d->pages);
        buf_printf(out, " | — | %s |\n", crawl->has_findings ? "findings" : "crawl");
        buf_printf(&unowned, "%s%s", unowned.len ? ", " : "", id);
    }
    if (count > shown)
        buf_printf(out, "\n%zu further rule(s) with less weight are left for a later cycle (see findings.json).\n",
                   count - shown);
    if (!ctx->intake->milestone_count)
        pack_assume(ctx, "No milestones in the intake: the roadmap holds only milestones derived from the crawl.");
    if (unowned.len)
        pack_ask(ctx, 60, NULL, "Who owns milestone(s) %s in section 7?", buf_str(&unowned));
    buf_append_str(out, "\nRollout and comms: each milestone ships behind the audit in CI (`crawlpack audit "
                        "--fail-on error`, then `crawlpack pack --check`); announce the sitemap change in the "
                        "search consoles; keep replaced sitemap files answering until the new index validates, then "
                        "remove them from robots.txt and let them return 410.\n");
    buf_free(&unowned);
    free(derived);
}
