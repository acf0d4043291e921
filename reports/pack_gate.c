/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_gate: the quality gate (see pack_gate.h). One function per section; each states
 * the source's check it implements. */
#include "reports/pack_gate.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "reports/intake.h"

static const char *const section_names[PACK_SECTION_COUNT] = {
    "Context snapshot",        "Shared capabilities + platformization",
    "Quality attributes spec", "Scaling doomsday clock",
    "Instrumentation plan",    "Discoverability plan",
    "Execution roadmap",       "Risks / open questions / next steps",
};

static void verdict(struct gate_section *s, enum gate_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void verdict(struct gate_section *s, enum gate_verdict v, const char *fmt, ...)
{
    if (v < s->verdict)
        s->verdict = v;
    if (s->reasons.len)
        buf_append_str(&s->reasons, "; ");
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&s->reasons, fmt, ap);
    va_end(ap);
}

/* Append name to a ", "-separated list when missing is true. */
static void note_missing(struct buf *list, bool missing, const char *name)
{
    if (missing)
        buf_printf(list, "%s%s", list->len ? ", " : "", name);
}

static const char *name_or(const char *name, const char *fallback)
{
    return name && *name ? name : fallback;
}

/* Step 1: "A stakeholder can answer: what will we do differently after reading this?" */
static void check_context(const struct intake *in, const struct pack_facts *f, struct gate_section *s)
{
    if (f->decision_assumed)
        verdict(s, GATE_PARTIAL, "no decision statement: the pack assumes one");
    if (!in->pains.count)
        verdict(s, GATE_PARTIAL, "no pains given (assumed)");
    else if (in->pains.count > 3)
        verdict(s, GATE_PARTIAL, "%zu pains listed; the source asks for 1-3", in->pains.count);
    if (!in->boundary)
        verdict(s, GATE_PARTIAL, "no system boundary (assumed)");
    if (!in->stakeholders.count)
        verdict(s, GATE_PARTIAL, "no stakeholders named");
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "decision statement, boundary, 1-3 pains and stakeholders given");
}

/* Step 2: each candidate has >= 2 consumers, a contract and a migration approach; anti-patterns 1
 * (platform for its own sake) and 4 (ignoring migration cost: no migration or rollback path). */
static void check_capabilities(const struct intake *in, struct gate_section *s)
{
    if (!in->candidate_count) {
        verdict(s, GATE_PARTIAL, "no platform candidates in the intake");
        return;
    }
    for (size_t i = 0; i < in->candidate_count; i++) {
        const struct intake_candidate *c = &in->candidates[i];
        const char *name = name_or(c->name, "unnamed candidate");
        if (c->consumers.count < 2)
            verdict(s, GATE_FAIL, "anti-pattern 1 (platform for its own sake): '%s' has %zu consumer(s), needs 2+",
                    name, c->consumers.count);
        if (!c->contract)
            verdict(s, GATE_FAIL, "'%s' has no API/contract", name);
        if (!c->migration)
            verdict(s, GATE_FAIL, "anti-pattern 4 (ignoring migration cost): '%s' has no migration/rollout", name);
        if (!c->rollback)
            verdict(s, GATE_FAIL, "anti-pattern 4 (ignoring migration cost): '%s' has no rollback path", name);
    }
    if (in->candidate_count < 3 || in->candidate_count > 7)
        verdict(s, GATE_PARTIAL, "%zu candidate(s); the source asks for 3-7", in->candidate_count);
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "%zu candidates, each with 2+ consumers, contract, migration and rollback",
                in->candidate_count);
}

/* Step 3: targets are measurable and owned; anti-pattern 2 (SLO theater: no measurement, no owner,
 * no error-budget policy). */
static void check_quality(const struct intake *in, struct gate_section *s)
{
    if (!in->slo_count)
        verdict(s, GATE_PARTIAL, "no SLOs in the intake: proposed SLOs have no owner yet");
    for (size_t i = 0; i < in->slo_count; i++) {
        const struct intake_slo *o = &in->slos[i];
        const char *name = name_or(o->name, name_or(o->sli, "unnamed SLO"));
        struct buf missing = BUF_INIT;
        note_missing(&missing, !o->target, "target");
        note_missing(&missing, !o->measurement, "measurement");
        note_missing(&missing, !o->owner, "owner");
        note_missing(&missing, !o->error_budget_policy, "error-budget policy");
        if (missing.len)
            verdict(s, GATE_FAIL, "anti-pattern 2 (SLO theater): '%s' has no %s", name, buf_str(&missing));
        buf_free(&missing);
    }
    if (!in->residency && !in->encryption && !in->access && !in->retention)
        verdict(s, GATE_PARTIAL, "no privacy/safety requirements (assumed none)");
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "%zu SLOs, each measured, owned, with an error-budget policy", in->slo_count);
}

/* Step 4: each limit has a metric, an alert threshold, a lead time and a mitigation project;
 * 3-10 rows; anti-pattern 3 (boil the ocean). */
static void check_doomsday(const struct intake *in, const struct pack_facts *f, struct gate_section *s)
{
    if (in->limit_count > 10)
        verdict(s, GATE_FAIL,
                "anti-pattern 3 (boil the ocean): the intake lists %zu limits; keep the 3-10 closest "
                "to breach",
                in->limit_count);
    for (size_t i = 0; i < in->limit_count; i++) {
        const struct intake_limit *l = &in->limits[i];
        const char *name = name_or(l->metric, "unnamed limit");
        struct buf missing = BUF_INIT;
        note_missing(&missing, !l->metric, "metric");
        note_missing(&missing, !l->alert_threshold.set, "alert threshold");
        note_missing(&missing, !l->lead_time, "lead time");
        note_missing(&missing, !l->mitigation, "mitigation project");
        if (missing.len)
            verdict(s, GATE_FAIL, "limit '%s' lacks %s", name, buf_str(&missing));
        buf_free(&missing);
    }
    if (!in->limit_count)
        verdict(s, GATE_PARTIAL, "no capacity limits in the intake: only crawl-measured rows");
    if (f->doomsday_rows < 3)
        verdict(s, GATE_PARTIAL, "%zu row(s); the clock needs 3-10", f->doomsday_rows);
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "%zu rows, each with metric, alert threshold, lead time and mitigation",
                f->doomsday_rows);
}

/* Step 5: consistent event definitions, key events captured server-side, data-quality checks;
 * anti-pattern 5 (analytics wish-list without data contracts). */
static void check_instrumentation(const struct intake *in, const struct pack_facts *f, struct gate_section *s)
{
    bool server_side = false;
    for (size_t i = 0; i < in->event_count; i++) {
        const struct intake_event *e = &in->events[i];
        server_side |= e->server_side;
        struct buf missing = BUF_INIT;
        note_missing(&missing, !e->properties.count, "schema (properties)");
        note_missing(&missing, !e->owner, "owner");
        note_missing(&missing, !e->qa_checks.count, "QA checks");
        note_missing(&missing, !e->delivery, "delivery guarantee");
        if (missing.len)
            verdict(s, GATE_FAIL, "anti-pattern 5 (wish-list without contracts): '%s' lacks %s",
                    name_or(e->name, "unnamed event"), buf_str(&missing));
        buf_free(&missing);
    }
    if (!in->event_count)
        verdict(s, GATE_PARTIAL, "no events in the intake");
    else if (!server_side)
        verdict(s, GATE_PARTIAL, "no key event is captured server-side");
    if (f->event_names_mixed)
        verdict(s, GATE_PARTIAL, "event names mix naming styles");
    if (f->analytics_client_side_only)
        verdict(s, GATE_PARTIAL, "the crawl saw client-side tags only");
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "%zu events with schema, owner, QA checks and delivery guarantee", in->event_count);
}

/* Step 6: "a crawler can reach all indexable pages via links/sitemaps; noindex/canonicals are
 * intentional" — the site's answer is in the section; the plan passes when every gap has an action. */
static void check_discoverability(const struct pack_facts *f, struct gate_section *s)
{
    if (!f->crawl_has_pages) {
        verdict(s, GATE_FAIL, "the crawl folder has no pages");
        return;
    }
    if (f->gaps_without_action)
        verdict(s, GATE_PARTIAL, "%zu page(s) have no internal-link suggestion", f->gaps_without_action);
    if (f->site_check_passed)
        verdict(s, GATE_PASS, "the site passes the check");
    else
        verdict(s, GATE_PASS, "the site fails the check today (%zu measured gaps); R4-R6 give an action per gap",
                f->discoverability_gaps);
}

static bool has_digit(const char *text)
{
    for (; *text; text++)
        if (isdigit((unsigned char)*text))
            return true;
    return false;
}

static bool milestone_known(const struct intake *in, const char *id)
{
    char label[32];
    for (size_t i = 0; i < in->milestone_count; i++) {
        snprintf(label, sizeof(label), "M%zu", i + 1);
        if ((in->milestones[i].id && strcmp(in->milestones[i].id, id) == 0) || strcmp(label, id) == 0)
            return true;
    }
    return strcmp(id, "none") == 0;
}

/* Step 7: a first executable milestone, explicit dependencies, measurable acceptance criteria. */
static void check_roadmap(const struct intake *in, const struct pack_facts *f, struct gate_section *s)
{
    if (!in->milestone_count && !f->derived_milestones) {
        verdict(s, GATE_FAIL, "no milestone at all");
        return;
    }
    for (size_t i = 0; i < in->milestone_count; i++) {
        const struct intake_milestone *m = &in->milestones[i];
        const char *name = name_or(m->id, name_or(m->name, "unnamed milestone"));
        bool measurable = false;
        for (size_t a = 0; a < m->acceptance.count; a++)
            measurable |= has_digit(m->acceptance.items[a]);
        if (!m->acceptance.count)
            verdict(s, GATE_FAIL, "'%s' has no acceptance criteria", name);
        else if (!measurable)
            verdict(s, GATE_PARTIAL, "'%s' acceptance criteria hold no measurable number", name);
        for (size_t d = 0; d < m->dependencies.count; d++)
            if (!milestone_known(in, m->dependencies.items[d]))
                verdict(s, GATE_FAIL, "'%s' depends on unknown milestone '%s'", name, m->dependencies.items[d]);
    }
    if (in->milestone_count) {
        const struct intake_milestone *first = &in->milestones[0];
        bool blocked = first->dependencies.count &&
                       !(first->dependencies.count == 1 && strcmp(first->dependencies.items[0], "none") == 0);
        if (!first->owner || blocked || !first->acceptance.count)
            verdict(s, GATE_PARTIAL,
                    "the first milestone is not executable now (needs an owner, acceptance criteria "
                    "and no open dependency)");
    }
    size_t unowned = f->derived_milestones;
    for (size_t i = 0; i < in->milestone_count; i++)
        unowned += !in->milestones[i].owner;
    if (unowned)
        verdict(s, GATE_PARTIAL, "%zu milestone(s) unassigned", unowned);
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "first milestone executable; dependencies explicit; acceptance criteria measurable");
}

/* Step 8: "A team can execute without extra meetings; unknowns are explicit and owned." */
static void check_risks(const struct pack_facts *f, struct gate_section *s)
{
    if (!f->risks)
        verdict(s, GATE_FAIL, "no risks");
    if (!f->next_steps)
        verdict(s, GATE_FAIL, "no next steps");
    if (f->questions_shown > 5)
        verdict(s, GATE_FAIL, "%zu open questions; at most 5", f->questions_shown);
    if (f->questions_unowned)
        verdict(s, GATE_PARTIAL, "%zu open question(s) without an owner", f->questions_unowned);
    if (s->verdict == GATE_PASS)
        verdict(s, GATE_PASS, "risks, owned open questions and next steps present");
}

void pack_gate_evaluate(const struct intake *intake, const struct pack_facts *facts, struct pack_gate *gate)
{
    for (int i = 0; i < PACK_SECTION_COUNT; i++) {
        gate->sections[i].verdict = GATE_PASS;
        buf_init(&gate->sections[i].reasons);
    }
    check_context(intake, facts, &gate->sections[0]);
    check_capabilities(intake, &gate->sections[1]);
    check_quality(intake, &gate->sections[2]);
    check_doomsday(intake, facts, &gate->sections[3]);
    check_instrumentation(intake, facts, &gate->sections[4]);
    check_discoverability(facts, &gate->sections[5]);
    check_roadmap(intake, facts, &gate->sections[6]);
    check_risks(facts, &gate->sections[7]);
}

bool pack_gate_failed(const struct pack_gate *gate)
{
    for (int i = 0; i < PACK_SECTION_COUNT; i++)
        if (gate->sections[i].verdict == GATE_FAIL)
            return true;
    return false;
}

static const char *verdict_name(enum gate_verdict v)
{
    return v == GATE_PASS ? "pass" : v == GATE_PARTIAL ? "partial" : "fail";
}

static int score(const struct pack_gate *gate)
{
    int total = 0;
    for (int i = 0; i < PACK_SECTION_COUNT; i++)
        total += (int)gate->sections[i].verdict;
    return total;
}

void pack_gate_write_markdown(const struct pack_gate *gate, struct buf *out)
{
    buf_append_str(out, "\n## Quality gate\n\nThe source's checks per step and its five anti-patterns, scored pass "
                        "(2) / partial (1) / fail (0). Stated inputs that break a check fail; missing inputs the pack "
                        "had to assume are partial.\n\n| # | section | verdict | reasons |\n|---:|---|---|---|\n");
    for (int i = 0; i < PACK_SECTION_COUNT; i++) {
        const struct gate_section *s = &gate->sections[i];
        buf_printf(out, "| %d | %s | **%s** | ", i + 1, section_names[i], verdict_name(s->verdict));
        for (const char *p = buf_str(&s->reasons); *p; p++)
            if (*p == '|')
                buf_append_str(out, "\\|");
            else
                buf_append_char(out, *p);
        buf_append_str(out, " |\n");
    }
    buf_printf(out, "\n**Score: %d / %d — %s.**\n", score(gate), 2 * PACK_SECTION_COUNT,
               pack_gate_failed(gate) ? "FAIL (at least one section fails)" : "no section fails");
}

void pack_gate_write_text(const struct pack_gate *gate, FILE *out)
{
    fputs("crawlpack pack: quality gate\n", out);
    for (int i = 0; i < PACK_SECTION_COUNT; i++) {
        const struct gate_section *s = &gate->sections[i];
        fprintf(out, "  %d %-38s %-8s %s\n", i + 1, section_names[i], verdict_name(s->verdict), buf_str(&s->reasons));
    }
    fprintf(out, "  score %d/%d: %s\n", score(gate), 2 * PACK_SECTION_COUNT,
            pack_gate_failed(gate) ? "FAIL" : "no section fails");
}

void pack_gate_free(struct pack_gate *gate)
{
    for (int i = 0; i < PACK_SECTION_COUNT; i++) {
        buf_free(&gate->sections[i].reasons);
        buf_init(&gate->sections[i].reasons);
    }
}
