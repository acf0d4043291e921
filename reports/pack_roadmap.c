/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_roadmap: section 7 of the pack — the execution roadmap. The intake's milestones
 * first (the team's own plan), then milestones derived from the audit, one per cause
 * (findings/cause.h: a rule and its underlying reason, which one change fixes), ranked by what that
 * change fixes: links, then pages, then severity. So one broken target linked 1,449 times comes
 * before 29 pages with a single inlink. Each row shows its impact, an owner (or "unassigned",
 * raised as an open question) and a measurable acceptance criterion for the next audit. */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/error.h"
#include "common/array_grow.h"
#include "findings/cause.h"
#include "findings/rules.h"
#include "reports/pack_internal.h"

#define MAX_DERIVED_MILESTONES 6

/* One derived milestone: a cause of the audit, or (without findings.json) one of section 6's gaps. */
struct derived {
    const char *key;  /* the cause key, or a measure's name */
    const char *rule; /* the rule id; NULL for a measure */
    const char *title;
    int severity;    /* 3 error, 2 warning, 1 notice */
    size_t changes;  /* changes the milestone takes: 1 for a cause */
    size_t links;    /* links the changes fix (link causes only) */
    size_t pages;    /* pages (or sitemap entries, file lines) they fix */
    size_t findings; /* findings of the cause: the acceptance criterion */
    bool link_cause; /* counted in links: a broken or redirecting target, a missing fragment */
};

/* What one change fixes, in the milestone's own unit: links for a link cause, else pages. */
static size_t fixed(const struct derived *d)
{
    return d->link_cause ? d->links : d->pages;
}

/* Most fixed per change first (links, then pages), then severity, then key: a/b against b/a
 * compared as cross products, so no rounding decides an order. */
static int compare_derived(const void *x, const void *y)
{
    const struct derived *a = x, *b = y;
    size_t fa = fixed(a) * b->changes, fb = fixed(b) * a->changes;
    if (fa != fb)
        return fa < fb ? 1 : -1;
    size_t pa = a->pages * b->changes, pb = b->pages * a->changes;
    if (pa != pb)
        return pa < pb ? 1 : -1;
    if (a->severity != b->severity)
        return a->severity < b->severity ? 1 : -1;
    return strcmp(a->key, b->key);
}

static bool is_link_rule(enum rule_id rule)
{
    return rule == RULE_BROKEN_LINK || rule == RULE_LINK_TO_REDIRECT || rule == RULE_LINK_TO_MISSING_FRAGMENT;
}

/* Rules about the site as a whole: their one finding concerns every indexable page (a missing
 * sitemap, a build for another origin). canonical-missing is one when most pages lack a canonical. */
static bool is_site_rule(enum rule_id rule)
{
    return rule == RULE_SITEMAP_MISSING || rule == RULE_CANONICAL_MISSING || rule == RULE_SITE_BUILT_FOR_ANOTHER_ORIGIN;
}

/* links.csv rows per target URL: the link instances a fix of that target repairs. */
struct target_links {
    const char *url; /* the crawl's string */
    size_t links;
    UT_hash_handle hh;
};

static struct target_links *count_target_links(struct pack_context *ctx)
{
    struct target_links *table = NULL, *entry;
    const struct crawl_data *crawl = ctx->crawl;
    for (size_t i = 0; i < crawl->link_count; i++) {
        const struct crawl_link *l = &crawl->links[i];
        if (l->kind == LINK_CANONICAL || l->kind == LINK_HREFLANG || l->kind == LINK_OTHER)
            continue; /* what a visitor follows: links, iframes, refreshes, redirects */
        HASH_FIND_STR(table, l->target, entry);
        if (!entry) {
            if (!(entry = calloc(1, sizeof(*entry)))) {
                ctx->status = CP_ERR_NOMEM;
                break;
            }
            entry->url = l->target;
            HASH_ADD_KEYPTR(hh, table, entry->url, strlen(entry->url), entry);
        }
        entry->links++;
    }
    return table;
}

/* The pages a site-level finding concerns: the first "N of M" its message states ("1,170 of 1,172
 * indexable pages have no canonical", "canonicals of 13 of 14 pages name it"), else every indexable
 * page; 0 when it is a page's own finding (canonical-missing on one page, most pages having one). */
static size_t site_pages(const struct pack_context *ctx, const struct finding *f)
{
    for (const char *p = f->message; *p; p++) {
        if (!(*p >= '0' && *p <= '9') || (p > f->message && (p[-1] >= '0' && p[-1] <= '9')))
            continue;
        size_t n = 0;
        const char *q = p;
        for (; (*q >= '0' && *q <= '9') || (*q == ',' && q[1] >= '0' && q[1] <= '9'); q++)
            if (*q != ',')
                n = n * 10 + (size_t)(*q - '0');
        if (strncmp(q, " of ", 4) == 0 && q[4] >= '0' && q[4] <= '9')
            return n;
    }
    if (f->rule == RULE_CANONICAL_MISSING)
        return 0;
    return ctx->indexable_count ? ctx->indexable_count : 1;
}

/* The impact of one cause: the links and pages its findings name. */
static void cause_impact(const struct pack_context *ctx, const struct finding_causes *causes, size_t g,
                         struct target_links *targets, struct derived *d)
{
    const struct finding_cause_group *group = &causes->groups[g];
    const struct finding_list *list = &ctx->crawl->findings;
    d->link_cause = is_link_rule(group->rule);
    if (is_site_rule(group->rule) && (d->pages = site_pages(ctx, &list->items[group->first])) > 0)
        return;
    if (!d->link_cause) {
        d->pages = group->count;
        return;
    }
    d->pages = group->related; /* distinct source pages across the cause */
    for (size_t k = group->start; k < group->start + group->count; k++) {
        const struct finding *f = &list->items[causes->order[k]];
        struct target_links *entry = NULL;
        if (f->url)
            HASH_FIND_STR(targets, f->url, entry);
        /* every source page links at least once, even where links.csv is absent */
        d->links += entry && entry->links > f->related_count ? entry->links : f->related_count;
    }
}

static size_t from_findings(struct pack_context *ctx, struct finding_causes *causes, struct derived **out)
{
    if (finding_causes_build(&ctx->crawl->findings, causes) != CP_OK ||
        !(*out = calloc(causes->count ? causes->count : 1, sizeof(**out)))) {
        ctx->status = CP_ERR_NOMEM;
        return 0;
    }
    struct target_links *targets = count_target_links(ctx), *entry, *next;
    for (size_t g = 0; g < causes->count; g++) {
        const struct finding_cause_group *group = &causes->groups[g];
        const struct rule *r = rule_get(group->rule);
        struct derived *d = &(*out)[g];
        *d = (struct derived){.key = group->key,
                              .rule = r->id,
                              .title = group->summary,
                              .severity = (int)r->severity,
                              .changes = 1,
                              .findings = group->count};
        cause_impact(ctx, causes, g, targets, d);
    }
    HASH_ITER(hh, targets, entry, next)
    {
        HASH_DEL(targets, entry);
        free(entry);
    }
    return causes->count;
}

/* Without findings.json: section 6's gaps. A sitemap list is one change (the generator's output);
 * a broken target, a chain and a page to link are one change each. */
static size_t from_measures(const struct pack_context *ctx, struct derived **out)
{
    const struct derived all[] = {
        {"non-indexable URLs in sitemaps", NULL, "Remove non-indexable URLs from sitemaps (R4)", 3, 1, 0,
         ctx->listed_not_indexable, ctx->listed_not_indexable, false},
        {"broken link targets", NULL, "Fix or remove links to broken URLs", 3, ctx->broken_targets, ctx->broken_links,
         0, ctx->broken_targets, true}, /* their source pages are not counted */
        {"orphan pages", NULL, "Link orphan pages from their section (R5)", 2, ctx->orphan_count, 0, ctx->orphan_count,
         ctx->orphan_count, false},
        {"indexable pages missing from sitemaps", NULL, "Add missing pages to the sitemaps (R4)", 2, 1, 0,
         ctx->missing_count, ctx->missing_count, false},
        {"redirect chains", NULL, "Collapse redirect chains to one hop", 2, ctx->redirect_chains, 0,
         ctx->redirect_chains, ctx->redirect_chains, false},
        {"pages deeper than 3 clicks", NULL, "Bring deep pages within 3 clicks (R5)", 2, ctx->deep_count, 0,
         ctx->deep_count, ctx->deep_count, false},
    };
    size_t n = 0;
    *out = malloc(sizeof(all));
    if (!*out)
        return 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i].findings)
            (*out)[n++] = all[i];
    return n;
}

/* "1 change, 1,449 links on 300 pages" / "3 changes, 3 pages". */
static void write_impact(struct buf *out, const struct derived *d)
{
    md_count(out, (long)d->changes);
    buf_append_str(out, d->changes == 1 ? " change, " : " changes, ");
    if (d->link_cause) {
        md_count(out, (long)d->links);
        buf_append_str(out, d->links == 1 ? " link" : " links");
        if (!d->pages)
            return;
        buf_append_str(out, " on ");
    }
    md_count(out, (long)d->pages);
    buf_append_str(out, d->pages == 1 ? " page" : " pages");
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
        buf_append_str(out, " | — | ");
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
    struct finding_causes causes = FINDING_CAUSES_INIT;
    size_t count = crawl->has_findings ? from_findings(ctx, &causes, &derived) : from_measures(ctx, &derived);
    if (count)
        qsort(derived, count, sizeof(*derived), compare_derived);
    size_t shown = count < MAX_DERIVED_MILESTONES ? count : MAX_DERIVED_MILESTONES;
    ctx->gate.milestones = ctx->intake->milestone_count;
    ctx->gate.derived_milestones = shown;
    if (crawl->has_findings)
        buf_append_str(out, "Intake milestones first, in the team's order; then one milestone per cause of the audit's "
                            "findings (a rule and its underlying reason: one change fixes all of its findings), "
                            "ranked by what that change fixes: links first, then pages, then severity.\n\n");
    else
        buf_append_str(out, "Intake milestones first, in the team's order; then section 6's measured gaps (no "
                            "findings.json), ranked by what one change fixes: links first, then pages, then "
                            "severity.\n\n");
    buf_append_str(out, "| # | milestone | impact | owner | depends on | acceptance criteria | date | source |\n"
                        "|---|---|---|---|---|---|---|---|\n");
    struct buf unowned = BUF_INIT;
    write_intake_milestones(ctx, out, &unowned);
    for (size_t i = 0; i < shown; i++) {
        const struct derived *d = &derived[i];
        char id[16];
        snprintf(id, sizeof(id), "D%zu", i + 1);
        buf_printf(out, "| %s | ", id);
        if (d->rule)
            buf_printf(out, "Fix `%s`: ", d->rule);
        md_cell(out, d->title);
        buf_append_str(out, " | ");
        write_impact(out, d);
        buf_append_str(out, " | unassigned | none | ");
        if (d->rule) {
            buf_append_str(out, "no finding of cause ");
            md_url(out, d->key);
            buf_printf(out, " in the next audit (now %zu)", d->findings);
        } else {
            buf_printf(out, "%s: 0 in the next audit (now %zu)", d->key, d->findings);
        }
        buf_printf(out, " | — | %s |\n", d->rule ? "findings" : "crawl");
        buf_printf(&unowned, "%s%s", unowned.len ? ", " : "", id);
    }
    if (count > shown)
        buf_printf(out, "\n%zu further %s with less impact %s left for a later cycle (see findings.json).\n",
                   count - shown, crawl->has_findings ? "cause(s)" : "gap(s)", count - shown == 1 ? "is" : "are");
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
    finding_causes_free(&causes);
}
