/* SPDX-License-Identifier: Apache-2.0 */
/* reports/intake: the pack's intake file (YAML) parsed into a typed struct.
 *
 * The schema is documented in docs/intake.md and shown by fixtures/intake/example.yaml. Every key
 * is optional: what is missing becomes an assumption in the pack, never an error. A value of the
 * wrong shape (a list where text was expected, a pain not in the source's list, a number that is
 * not one) is an error naming file:line, the key and what was expected. Unknown keys are warnings.
 *
 * Memory: intake_load fills a struct intake that owns every string and array in it; free it with
 * intake_free (also after a failed load). Not thread-safe: one owner. */
#ifndef CRAWLPACK_REPORTS_INTAKE_H
#define CRAWLPACK_REPORTS_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct intake_strings {
    char **items;
    size_t count;
};

/* A number read from YAML; set is false when the key was absent. */
struct intake_number {
    double value;
    bool set;
};

struct intake_candidate {
    char *name;
    struct intake_strings consumers;
    char *contract;
    char *product_specific;
    char *migration;
    char *rollback;
    unsigned line; /* where the entry starts in the intake file */
};

struct intake_slo {
    char *name;
    char *sli;
    char *target;
    char *window;
    char *measurement;
    char *owner;
    char *error_budget_policy;
    char *confidence;
    unsigned line;
};

struct intake_limit {
    char *metric;
    char *unit;
    struct intake_number current;
    struct intake_number limit;
    struct intake_number alert_threshold;
    struct intake_number growth_per_month; /* in unit per month; drives the projected breach */
    char *lead_time;
    char *mitigation;
    char *owner;
    unsigned line;
};

struct intake_event {
    char *name;
    char *owner;
    struct intake_strings properties; /* the schema: "name: type" entries */
    char *identity;
    char *delivery;
    struct intake_strings qa_checks;
    struct intake_strings clients;
    bool server_side;
    bool server_side_set;
    unsigned line;
};

struct intake_milestone {
    char *id;
    char *name;
    char *owner;
    char *date;
    struct intake_strings dependencies;
    struct intake_strings acceptance;
    char *rollout;
    unsigned line;
};

struct intake_question {
    char *question;
    char *owner;
};

struct intake {
    char *path;
    bool present; /* false when no intake file was given */
    /* context */
    char *decision;
    char *horizon;
    char *success;
    char *boundary;
    struct intake_strings primary_users;
    struct intake_strings stakeholders;
    struct intake_strings pains;
    struct intake_strings data_stores;
    char *runtime;
    char *deployment;
    struct intake_strings dependencies;
    char *scale_current;
    char *scale_growth;
    struct intake_strings scale_spikes;
    struct intake_strings deadlines;
    char *staffing;
    char *risk_tolerance;
    struct intake_strings compliance;
    /* privacy and safety */
    char *residency;
    char *encryption;
    char *access;
    char *retention;
    /* the plan */
    struct intake_candidate *candidates;
    size_t candidate_count;
    struct intake_slo *slos;
    size_t slo_count;
    struct intake_limit *limits;
    size_t limit_count;
    struct intake_strings observability_gaps;
    struct intake_event *events;
    size_t event_count;
    struct intake_milestone *milestones;
    size_t milestone_count;
    struct intake_strings risks;
    struct intake_question *questions;
    size_t question_count;
    struct intake_strings next_steps;
};

/* The pain ids the source document lists ("pick 1-3"). */
extern const char *const intake_pain_ids[];

/* Parse path into intake. Errors and warnings go to the log as "FILE:LINE: ..." lines; *warnings
 * (may be NULL) receives the number of warnings. Returns CP_OK, CP_ERR_IO (unreadable file),
 * CP_ERR_PARSE (not YAML) or CP_ERR_INVALID (YAML of the wrong shape; every problem was logged). */
int intake_load(const char *path, struct intake *intake, size_t *warnings);

/* An intake with nothing in it (the pack then proceeds on assumptions). */
void intake_init(struct intake *intake);
void intake_free(struct intake *intake);

#endif
