/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_sections: the pack's sections that come mostly from the intake — 1 (context
 * snapshot and audited scope), 2 (shared capabilities and platformization plan) and 8 (risks, open
 * questions, next steps) — and the assumptions block. Missing inputs become explicit assumptions
 * and open-question candidates weighted by how much their answer would change the plan. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "reports/pack_internal.h"
#include "findings/rules.h"

static void row_text(struct buf *out, const char *name, const char *value, const char *assumed)
{
    buf_printf(out, "| %s | ", name);
    if (value && *value)
        md_cell(out, value);
    else
        buf_printf(out, "**assumed:** %s", assumed);
    buf_append_str(out, " |\n");
}

static void row_list(struct buf *out, const char *name, const struct intake_strings *list, const char *assumed)
{
    buf_printf(out, "| %s | ", name);
    if (!list->count)
        buf_printf(out, "**assumed:** %s", assumed);
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            buf_append_str(out, "; ");
        md_cell(out, list->items[i]);
    }
    buf_append_str(out, " |\n");
}

static void write_decision(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    if (in->decision) {
        buf_append_str(out, "**Decision this pack enables:** ");
        md_cell(out, in->decision);
        buf_append_str(out, "\n");
        return;
    }
    ctx->gate.decision_assumed = true;
    buf_append_str(out,
                   "**Decision this pack enables (assumed):** we will close the discoverability gaps measured in "
                   "section 6 and adopt the proposed SLOs of section 3 within the horizon below. Options while "
                   "the decision is open:\n\n"
                   "- A. Discoverability first: apply the sitemap diff and internal links (section 6), then SLOs.\n"
                   "- B. Reliability first: commit to the section 3 SLOs with owners, then discoverability.\n"
                   "- C. Both in one quarter with a dedicated owner each.\n");
    pack_assume(ctx, "No decision statement in the intake: the pack assumes \"close the measured discoverability gaps "
                     "and adopt the proposed SLOs\" (options A-C in section 1).");
    pack_ask(ctx, 100, NULL,
             "What will you decide after reading this pack (standardize what, commit to which SLO, "
             "by when)? Options A-C in section 1.");
}

static void write_audited_scope(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_append_str(out, "\n### Audited scope (from the crawl)\n\n| item | value |\n|---|---|\n| start URL | ");
    if (crawl->start_url)
        md_url(out, crawl->start_url);
    else
        buf_append_str(out, "unknown");
    size_t external = 0;
    for (size_t i = 0; i < crawl->page_count; i++)
        external += ctx->facts[i].external;
    buf_printf(out, " |\n| crawl date | %s |\n| crawled URLs | %zu", crawl->started_at ? crawl->started_at : "unknown",
               crawl->page_count - external);
    if (external) /* other sites' URLs the pages link to: not part of the crawl */
        buf_printf(out, " (and %zu out-of-scope URL(s) linked)", external);
    buf_append_str(out, " |\n| origins | ");
    const char *seen[10];
    size_t seen_len[10], origins = 0;
    for (size_t i = 0; i < crawl->page_count && origins < 10; i++) {
        const char *url = crawl->pages[i].url;
        if (ctx->facts[i].external)
            continue;
        size_t len = pack_url_origin_length(url), j = 0;
        while (j < origins && !(seen_len[j] == len && strncmp(seen[j], url, len) == 0))
            j++;
        if (j < origins)
            continue;
        seen[origins] = url;
        seen_len[origins] = len;
        buf_printf(out, "%s`%.*s`", origins++ ? ", " : "", (int)len, url);
    }
    buf_printf(out, " |\n| sitemap files | %zu |\n| sitemap entries | %zu |\n| links recorded | %zu |\n",
               crawl->sitemap_file_count, crawl->entry_count, crawl->link_count);
    buf_printf(out, "| findings | %s |\n| options | ",
               crawl->has_findings ? "findings.json" : "none (no findings.json)");
    md_cell(out, crawl->options ? crawl->options : "unknown");
    buf_append_str(out, " |\n");
    for (size_t i = 0; i < crawl->robots_count; i++) {
        buf_append_str(out, "| robots.txt ");
        md_cell(out, crawl->robots[i].origin);
        buf_printf(out, " | status %d, %ld bytes%s", crawl->robots[i].status, crawl->robots[i].bytes,
                   *crawl->robots[i].outcome ? ", " : "");
        md_cell(out, *crawl->robots[i].outcome ? crawl->robots[i].outcome : NULL);
        buf_append_str(out, " |\n");
    }
    if (!crawl->started_at && !ctx->options->today)
        pack_assume(ctx, "The crawl's date is unknown (no started_at, no --date): date-based projections are "
                         "skipped.");
}

void pack_write_context(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n## 1. Context snapshot\n\n");
    write_decision(ctx, out);
    buf_append_str(out, "\n| item | value |\n|---|---|\n");
    row_text(out, "system boundary", in->boundary, "the crawled web property (origins below)");
    row_list(out, "primary users", &in->primary_users, "visitors arriving from search engines");
    row_list(out, "stakeholders", &in->stakeholders, "web platform team, SEO owner");
    row_list(out, "top pains (1-3)", &in->pains, "discoverability, reliability (what the crawl measures)");
    row_list(out, "data stores", &in->data_stores, "unknown, unchanged");
    row_text(out, "runtime", in->runtime, "unknown, unchanged");
    row_text(out, "deployment", in->deployment, "unknown, unchanged");
    row_list(out, "key dependencies", &in->dependencies, "unknown");
    row_text(out, "scale today", in->scale_current, "the crawled URL count below");
    row_text(out, "expected growth", in->scale_growth, "unknown (see the doomsday clock)");
    row_list(out, "known spikes", &in->scale_spikes, "none known");
    row_list(out, "deadlines", &in->deadlines, "none fixed");
    row_text(out, "staffing", in->staffing, "current team, no new hires");
    row_text(out, "risk tolerance", in->risk_tolerance, "medium");
    row_list(out, "compliance", &in->compliance, "none beyond today's");
    row_text(out, "time horizon", in->horizon, "one quarter");
    row_text(out, "success definition", in->success, "section 6's check passes and every SLO holds for a full window");
    if (!in->pains.count) {
        pack_assume(ctx, "No pains in the intake: the plan assumes discoverability and reliability, the two the crawl "
                         "measures.");
        pack_ask(ctx, 90, NULL,
                 "Which 1-3 pains matter most: reliability, performance, cost, privacy, "
                 "developer-velocity, data-quality, discoverability?");
    }
    if (!in->boundary) {
        pack_assume(ctx, "No system boundary in the intake: the scope is the crawled web property.");
        pack_ask(ctx, 85, NULL,
                 "Which services and apps are inside the boundary beyond the crawled site, and who "
                 "are their primary users?");
    }
    if (!in->scale_current && !in->scale_growth)
        pack_ask(ctx, 45, NULL, "What usage and growth do you expect over the horizon, and which spikes are coming?");
    if (!in->stakeholders.count)
        pack_ask(ctx, 40, NULL, "Who are the stakeholders who must agree to this plan?");
    if (!in->horizon)
        pack_assume(ctx, "No time horizon in the intake: one quarter.");
    if (!in->deadlines.count && !in->staffing && !in->risk_tolerance && !in->compliance.count)
        pack_assume(ctx, "No constraints in the intake: no fixed deadline, current staffing, medium risk tolerance.");
    if (!in->data_stores.count && !in->runtime && !in->deployment)
        pack_assume(ctx, "No architecture constraints in the intake: data stores, runtime and deployment stay as "
                         "they are.");
    write_audited_scope(ctx, out);
}

void pack_write_assumptions(struct pack_context *ctx, struct buf *out)
{
    buf_append_str(out, "\n### Assumptions\n\n");
    if (!ctx->assumptions.count)
        buf_append_str(out, "None: every input the plan needs was given.\n");
    for (size_t i = 0; i < ctx->assumptions.count; i++)
        buf_printf(out, "%zu. **Assumption:** %s\n", i + 1, ctx->assumptions.items[i]);
}

static void write_candidate_row(struct buf *out, const struct intake_candidate *c)
{
    const char *cells[] = {c->contract, c->product_specific, c->migration, c->rollback};
    buf_append_str(out, "| ");
    md_cell(out, c->name ? c->name : "**unnamed**");
    buf_printf(out, " | %zu: ", c->consumers.count);
    for (size_t i = 0; i < c->consumers.count; i++) {
        if (i)
            buf_append_str(out, ", ");
        md_cell(out, c->consumers.items[i]);
    }
    if (c->consumers.count < 2)
        buf_append_str(out, " **(fewer than 2 consumers: premature)**");
    for (size_t i = 0; i < 4; i++) {
        buf_append_str(out, " | ");
        if (cells[i])
            md_cell(out, cells[i]);
        else
            buf_append_str(out, i == 1 ? "—" : "**missing**");
    }
    buf_append_str(out, " |\n");
}

void pack_write_capabilities(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n## 2. Shared capabilities inventory and platformization plan\n\n");
    if (in->candidate_count) {
        buf_append_str(out, "| capability | consumers today | platform contract | stays product-specific | "
                            "migration / rollout | rollback |\n|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < in->candidate_count; i++)
            write_candidate_row(out, &in->candidates[i]);
        buf_append_str(out, "\nPlan: build each contract once, migrate one consumer at a time behind the old path, "
                            "and remove the old path only after the last consumer has run a full release on the "
                            "platform version.\n");
    } else {
        buf_append_str(out, "No candidates in the intake.\n");
        pack_assume(ctx, "No platform candidates in the intake: section 2 lists only what the crawl suggests.");
        pack_ask(ctx, 75, NULL,
                 "Which product capabilities (export, filtering, permissions, notifications, audit "
                 "logs ...) do at least two teams rebuild today?");
    }
    size_t sections = ctx->section_count;
    if (sections >= 2 && !in->candidate_count)
        buf_printf(out,
                   "\nFrom the crawl (proposed): a **discoverability module** — sitemap generation per section "
                   "and \"related content\" links — has %zu consumers today, the site's sections with indexable "
                   "pages (section 6, R1). Contract: each section publishes (URL, lastmod, indexable) records "
                   "and a related-links slot; migration: one section at a time, the old sitemap kept until the "
                   "new child sitemap validates; rollback: point the index back at the old file.\n",
                   sections);
}

static void write_derived_risks(struct pack_context *ctx, struct buf *out, size_t *count)
{
    const struct crawl_data *crawl = ctx->crawl;
    for (size_t i = 0; i < crawl->robots_count; i++) {
        const struct crawl_robots *r = &crawl->robots[i];
        bool unreachable = r->status == 0 || r->status >= 500 || r->status == 429;
        if (unreachable || strcmp(r->outcome, "disallow-all") == 0) {
            buf_printf(out,
                       "- robots.txt of `%s` answered status %d (outcome: %s): under RFC 9309 crawlers then treat "
                       "the whole origin as disallowed, so search engines stop crawling it.\n",
                       r->origin, r->status, *r->outcome ? r->outcome : "unreachable");
            (*count)++;
        }
    }
    size_t errors = findings_count_at_least(&crawl->findings, SEVERITY_ERROR);
    if (errors) {
        buf_printf(out,
                   "- The audit reports %zu error-severity finding(s); until they are fixed, search engines "
                   "receive contradictory or broken signals (section 7 orders the fixes).\n",
                   errors);
        (*count)++;
    }
    if (!ctx->gate.site_check_passed && ctx->gate.crawl_has_pages) {
        buf_printf(out,
                   "- Section 6's check fails: %zu orphan(s), %zu indexable page(s) missing from sitemaps and "
                   "%zu non-indexable URL(s) listed mean some pages may never be indexed.\n",
                   ctx->orphan_count, ctx->missing_count, ctx->listed_not_indexable);
        (*count)++;
    }
    if (ctx->assumptions.count) {
        buf_printf(out, "- The plan rests on %zu assumption(s) (section 1); each wrong one can change priorities.\n",
                   ctx->assumptions.count);
        (*count)++;
    }
}

static int compare_questions(const void *x, const void *y)
{
    const struct pack_question *a = x, *b = y;
    if (a->weight != b->weight)
        return a->weight < b->weight ? 1 : -1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void write_questions(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    for (size_t i = 0; i < in->question_count; i++)
        pack_ask(ctx, 50, in->questions[i].owner, "%s", in->questions[i].question ? in->questions[i].question : "");
    buf_append_str(out, "\n### Open questions\n\nAt most five, those whose answers would change the plan most.\n\n");
    if (ctx->question_count)
        qsort(ctx->questions, ctx->question_count, sizeof(*ctx->questions), compare_questions);
    size_t shown = ctx->question_count < PACK_MAX_QUESTIONS ? ctx->question_count : PACK_MAX_QUESTIONS;
    for (size_t i = 0; i < shown; i++) {
        const struct pack_question *q = &ctx->questions[i];
        buf_printf(out, "%zu. %s — owner: %s\n", i + 1, q->text, q->owner ? q->owner : "unassigned");
        ctx->gate.questions_unowned += q->owner == NULL;
    }
    if (!shown)
        buf_append_str(out, "None.\n");
    if (ctx->question_count > shown)
        buf_printf(out, "\n%zu lower-impact question(s) are left out; the assumptions in section 1 cover them.\n",
                   ctx->question_count - shown);
    ctx->gate.questions_shown = shown;
}

static void write_next_steps(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n### Next steps\n\n");
    size_t n = 0;
    for (size_t i = 0; i < in->next_steps.count; i++) {
        buf_printf(out, "%zu. ", ++n);
        md_cell(out, in->next_steps.items[i]);
        buf_append_char(out, '\n');
    }
    if (ctx->gate.questions_shown)
        buf_printf(out, "%zu. Answer the open questions above and name an owner for each.\n", ++n);
    if (ctx->missing_count || ctx->listed_not_indexable)
        buf_printf(out, "%zu. Apply the sitemap diff (section 6, R4: `sitemap-add.csv`, `sitemap-remove.csv`).\n", ++n);
    if (ctx->orphan_count || ctx->deep_count)
        buf_printf(out, "%zu. Add the internal links of section 6, R5 (`internal-links.csv`).\n", ++n);
    buf_printf(out, "%zu. Start the first milestone of section 7.\n", ++n);
    buf_printf(out, "%zu. Re-run `crawlpack audit` and `crawlpack pack --check`; the gate below must show no fail.\n",
               ++n);
    ctx->gate.next_steps = n;
}

void pack_write_risks(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n## 8. Risks, open questions, next steps\n\n### Risks\n\n");
    size_t risks = 0;
    for (size_t i = 0; i < in->risks.count; i++, risks++) {
        buf_append_str(out, "- ");
        md_cell(out, in->risks.items[i]);
        buf_append_char(out, '\n');
    }
    write_derived_risks(ctx, out, &risks);
    if (!risks)
        buf_append_str(out, "- No risk stated in the intake and none derived from the crawl.\n");
    ctx->gate.risks = risks;
    write_questions(ctx, out);
    write_next_steps(ctx, out);
}
