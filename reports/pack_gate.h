/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_gate: the pack's quality gate — the source document's per-step "Checks" and its five
 * anti-patterns as executable checks, scored per section (pass / partial / fail with reasons).
 *
 * Rule of scoring: something the intake states that breaks a check or an anti-pattern is a fail;
 * something missing, for which the pack had to assume, is partial. The gate reads the same facts
 * the pack printed (struct pack_facts) so verdict and text never disagree.
 *
 * Memory: a pack_gate owns its reason strings; pack_gate_free releases them. */
#ifndef CRAWLPACK_REPORTS_PACK_GATE_H
#define CRAWLPACK_REPORTS_PACK_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"

enum gate_verdict { GATE_PASS = 2, GATE_PARTIAL = 1, GATE_FAIL = 0 };

#define PACK_SECTION_COUNT 8

struct gate_section {
    enum gate_verdict verdict;
    struct buf reasons; /* "; "-separated */
};

struct pack_gate {
    struct gate_section sections[PACK_SECTION_COUNT];
};

struct intake;

/* Facts measured while writing the pack that the gate needs. */
struct pack_facts {
    bool decision_assumed;
    size_t doomsday_rows;        /* rows shown (after the cap) */
    size_t doomsday_intake_rows; /* rows the intake listed */
    bool crawl_has_pages;
    size_t discoverability_gaps; /* measured gaps (orphans, missing, non-indexable listed ...) */
    size_t gaps_without_action;  /* gaps the plan has no concrete action for */
    bool site_check_passed;
    size_t milestones;
    size_t derived_milestones;
    size_t questions_shown;
    size_t questions_unowned;
    size_t risks;
    size_t next_steps;
    bool analytics_client_side_only;
    bool event_names_mixed;
};

void pack_gate_evaluate(const struct intake *intake, const struct pack_facts *facts, struct pack_gate *gate);

/* True when any section failed (`pack --check` exits 1). */
bool pack_gate_failed(const struct pack_gate *gate);

/* The scored table as Markdown (for the pack) and as plain text (for stderr). */
void pack_gate_write_markdown(const struct pack_gate *gate, struct buf *out);
void pack_gate_write_text(const struct pack_gate *gate, FILE *out);

void pack_gate_free(struct pack_gate *gate);

#endif
