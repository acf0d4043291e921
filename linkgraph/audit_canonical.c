/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_canonical: where a page's canonical leads — to a redirect, an error, a noindex or
 * blocked page, another origin, a further canonical (chain) or back round (loop) — and the noindex
 * conflicts (noindex robots.txt hides; noindex plus a canonical elsewhere). */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "web/url.h"
#include "linkgraph/audit_internal.h"

/* Canonical chains listed in related URLs and messages stop after this many steps. */
#define LISTED_STEPS_MAX 32

/* The next step of a canonical chain, as linkgraph/analysis resolves it: a redirect first (a
 * redirecting URL's canonical is never read), else a canonical naming another page. */
static uint32_t canonical_step(const struct audit_run *run, uint32_t id)
{
    const struct graph_node *node = audit_node(run, id);
    if (node->redirect != GRAPH_NO_NODE)
        return node->redirect;
    return audit_other_canonical(run, id);
}

/* The chain after page id: its canonical, then each step, at most LISTED_STEPS_MAX ids, stopping
 * before a repeated page. *canonical_steps counts the canonical (not redirect) steps after the
 * first. Returns the number of ids written. */
static uint32_t canonical_chain(const struct audit_run *run, uint32_t id, uint32_t *chain, uint32_t *canonical_steps)
{
    uint32_t length = 0, step = audit_other_canonical(run, id), previous = id;
    *canonical_steps = 0;
    while (step != GRAPH_NO_NODE && length < LISTED_STEPS_MAX) {
        bool repeated = step == id;
        for (uint32_t i = 0; i < length && !repeated; i++)
            repeated = chain[i] == step;
        if (repeated)
            break;
        if (length > 0 && audit_node(run, previous)->redirect == GRAPH_NO_NODE)
            (*canonical_steps)++;
        chain[length++] = step;
        previous = step;
        step = canonical_step(run, step);
    }
    return length;
}

static int add_chain_finding(struct audit_run *run, enum rule_id rule, uint32_t id, const uint32_t *chain,
                             uint32_t length)
{
    struct finding *f = audit_add(run, rule, id, audit_url(run, id), 0);
    if (!f)
        return CP_ERR_NOMEM;
    for (uint32_t i = 0; i < length; i++)
        if (audit_add_related(run, f, chain[i]) != CP_OK)
            return CP_ERR_NOMEM;
    return CP_OK;
}

static int append_chain(const struct audit_run *run, uint32_t id, const uint32_t *chain, uint32_t length,
                        struct buf *out)
{
    int status = buf_append_str(out, audit_url(run, id));
    for (uint32_t i = 0; i < length && status == CP_OK; i++)
        status = buf_printf(out, " -> %s", audit_url(run, chain[i]));
    return status;
}

static int check_loop_or_chain(struct audit_run *run, uint32_t id)
{
    uint32_t chain[LISTED_STEPS_MAX], canonical_steps;
    uint32_t length = canonical_chain(run, id, chain, &canonical_steps);
    buf_reset(&run->message);
    if (run->analysis->flags[id] & GRAPH_PAGE_CANONICAL_LOOP) {
        buf_append_str(&run->message, "canonical loop: ");
        append_chain(run, id, chain, length, &run->message);
        buf_append_str(&run->message, " -> (repeats)");
        return add_chain_finding(run, RULE_CANONICAL_LOOP, id, chain, length);
    }
    if (canonical_steps == 0)
        return CP_OK;
    buf_printf(&run->message, "canonical chain of %u canonical steps: ", canonical_steps + 1);
    append_chain(run, id, chain, length, &run->message);
    return add_chain_finding(run, RULE_CANONICAL_CHAIN, id, chain, length);
}

/* The finding about the canonical target's own answer or directives. */
static int check_target(struct audit_run *run, uint32_t id, uint32_t canonical)
{
    const struct graph_node *target = audit_node(run, canonical);
    enum page_answer answer = audit_page_answer(target);
    bool loop = run->analysis->flags[id] & GRAPH_PAGE_CANONICAL_LOOP;
    struct finding *f;
    if (target->flags & GRAPH_NODE_ROBOTS_BLOCKED) {
        buf_reset(&run->message);
        buf_printf(&run->message, "canonical %s is ", audit_url(run, canonical));
        audit_describe_blocked(run, canonical, &run->message);
        if (!(f = audit_add(run, RULE_CANONICAL_TO_BLOCKED, id, audit_url(run, id), 0)) ||
            audit_add_related(run, f, canonical) != CP_OK)
            return CP_ERR_NOMEM;
    }
    enum rule_id rule = RULE_COUNT;
    buf_reset(&run->message);
    if (answer == ANSWER_REDIRECT && !loop) {
        rule = RULE_CANONICAL_TO_REDIRECT;
        buf_printf(&run->message, "canonical %s redirects: ", audit_url(run, canonical));
        audit_describe_redirects(run, canonical, &run->message);
    } else if (audit_answer_is_error(answer)) {
        rule = RULE_CANONICAL_TO_ERROR;
        buf_printf(&run->message, "canonical %s answers ", audit_url(run, canonical));
        audit_describe_answer(run, canonical, &run->message);
    } else if (answer == ANSWER_OK && (target->flags & GRAPH_NODE_NOINDEX)) {
        rule = RULE_CANONICAL_TO_NOINDEX;
        buf_printf(&run->message, "canonical %s has ", audit_url(run, canonical));
        audit_describe_noindex(run, canonical, &run->message);
    }
    if (rule == RULE_COUNT)
        return CP_OK;
    if (!(f = audit_add(run, rule, id, audit_url(run, id), 0)) || audit_add_related(run, f, canonical) != CP_OK)
        return CP_ERR_NOMEM;
    if (rule == RULE_CANONICAL_TO_REDIRECT) {
        uint32_t final = run->analysis->redirect_final[canonical];
        if (final != GRAPH_NO_NODE && final != canonical && audit_add_related(run, f, final) != CP_OK)
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

/* Origins compared as web/url serialises them: scheme, host and port. */
static int check_cross_origin(struct audit_run *run, uint32_t id, uint32_t canonical)
{
    struct url page, target;
    if (url_parse_str(audit_url(run, id), NULL, &page) != URL_OK)
        return CP_OK;
    if (url_parse_str(audit_url(run, canonical), NULL, &target) != URL_OK) {
        url_free(&page);
        return CP_OK;
    }
    int status = CP_OK;
    if (!url_same_origin(&page, &target)) {
        char page_origin[512], target_origin[512];
        if (url_origin(&page, page_origin, sizeof page_origin) < 0)
            strcpy(page_origin, "?");
        if (url_origin(&target, target_origin, sizeof target_origin) < 0)
            strcpy(target_origin, "?");
        buf_reset(&run->message);
        buf_printf(&run->message, "canonical %s is on %s, the page on %s", audit_url(run, canonical), target_origin,
                   page_origin);
        struct finding *f = audit_add(run, RULE_CANONICAL_CROSS_HOST, id, audit_url(run, id), 0);
        if (!f || audit_add_related(run, f, canonical) != CP_OK)
            status = CP_ERR_NOMEM;
    }
    url_free(&page);
    url_free(&target);
    return status;
}

static int check_noindex_and_canonical(struct audit_run *run, uint32_t id, uint32_t canonical)
{
    if (!(audit_node(run, id)->flags & GRAPH_NODE_NOINDEX))
        return CP_OK;
    buf_reset(&run->message);
    audit_describe_noindex(run, id, &run->message);
    buf_printf(&run->message, ", and canonical to %s", audit_url(run, canonical));
    struct finding *f = audit_add(run, RULE_NOINDEX_AND_CANONICAL, id, audit_url(run, id), 0);
    return f && audit_add_related(run, f, canonical) == CP_OK ? CP_OK : CP_ERR_NOMEM;
}

/* A noindex is only learnt from a fetched page; a blocked page is fetched only under
 * --ignore-robots, which is exactly when this conflict becomes visible. */
static int check_noindex_blocked(struct audit_run *run, uint32_t id)
{
    uint16_t flags = audit_node(run, id)->flags;
    if (!(flags & GRAPH_NODE_ROBOTS_BLOCKED) || !(flags & GRAPH_NODE_NOINDEX))
        return CP_OK;
    buf_reset(&run->message);
    audit_describe_noindex(run, id, &run->message);
    buf_append_str(&run->message, " is never seen: the page is ");
    audit_describe_blocked(run, id, &run->message);
    return audit_add(run, RULE_NOINDEX_BLOCKED, id, audit_url(run, id), 0) ? CP_OK : CP_ERR_NOMEM;
}

static int check_page(struct audit_run *run, uint32_t id)
{
    if (!audit_in_scope(run, id))
        return CP_OK;
    int status = check_noindex_blocked(run, id);
    uint32_t canonical = audit_other_canonical(run, id);
    if (status != CP_OK || canonical == GRAPH_NO_NODE || audit_page_answer(audit_node(run, id)) != ANSWER_OK)
        return status;
    status = check_loop_or_chain(run, id);
    if (status == CP_OK)
        status = check_target(run, id, canonical);
    if (status == CP_OK)
        status = check_cross_origin(run, id, canonical);
    if (status == CP_OK)
        status = check_noindex_and_canonical(run, id, canonical);
    return status;
}

int audit_canonical_rules(struct audit_run *run)
{
    for (uint32_t id = 0; id < run->node_count; id++) {
        int status = check_page(run, id);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}
