/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_match: compiling parsed groups into per-agent rule sets, and the allocation-free
 * queries on them (see robots.h for the contract, robots_internal.h for the index). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "common/error.h"
#include "web/robots_internal.h"

static const char robots_txt_path[] = "/robots.txt";

static unsigned bigram_bit(char a, char b)
{
    return ((unsigned)(unsigned char)a * 31u + (unsigned)(unsigned char)b) & 255u;
}

static void bigram_set(uint64_t filter[4], char a, char b)
{
    unsigned bit = bigram_bit(a, b);
    filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
}

void robots_rule_describe(struct robots_rule *rule)
{
    size_t length = strlen(rule->pattern);
    rule->priority = (uint32_t)length;
    rule->anchored = length > 0 && rule->pattern[length - 1] == '$';
    rule->match_length = (uint32_t)(rule->anchored ? length - 1 : length);
    const char *star = memchr(rule->pattern, '*', rule->match_length);
    rule->prefix_length = star ? (uint32_t)(star - rule->pattern) : rule->match_length;
    rule->wildcard = star != NULL;
    memset(rule->bigrams, 0, sizeof(rule->bigrams));
    rule->tail_length = 0;
    for (uint32_t i = rule->prefix_length; i + 1 < rule->match_length; i++)
        if (rule->pattern[i] != '*' && rule->pattern[i + 1] != '*')
            bigram_set(rule->bigrams, rule->pattern[i], rule->pattern[i + 1]);
    while (rule->tail_length < rule->match_length && rule->pattern[rule->match_length - 1 - rule->tail_length] != '*')
        rule->tail_length++;
}

/* ---- compiling ---- */

/* qsort has no context argument: the rules being sorted are reached through this pointer, set only
 * while robots_compile runs on the parsing thread. */
static _Thread_local const struct robots_rule *sort_rules;

static int compare_prefix_bytes(const struct robots_rule *a, const struct robots_rule *b)
{
    size_t common = a->prefix_length < b->prefix_length ? a->prefix_length : b->prefix_length;
    int c = memcmp(a->pattern, b->pattern, common);
    if (c != 0)
        return c;
    if (a->prefix_length != b->prefix_length)
        return a->prefix_length < b->prefix_length ? -1 : 1;
    return 0;
}

static int compare_rule_ids(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct robots_rule *ra = &sort_rules[a], *rb = &sort_rules[b];
    int c = compare_prefix_bytes(ra, rb);
    if (c != 0)
        return c;
    if (ra->wildcard != rb->wildcard)
        return ra->wildcard ? 1 : -1;
    /* Alike rules side by side, so a block's common byte pairs filter well. */
    c = strcmp(ra->pattern + ra->prefix_length, rb->pattern + rb->prefix_length);
    if (c != 0)
        return c;
    return a < b ? -1 : a > b;
}

static bool is_prefix_of(const struct robots_prefix *shorter, const struct robots_rule *longer)
{
    return shorter->length <= longer->prefix_length && memcmp(shorter->bytes, longer->pattern, shorter->length) == 0;
}

/* Cut the rules of prefix p (ids[first .. first + count)) into blocks. */
static void add_blocks(struct robots_ruleset *set, const struct robots_rule *rules, struct robots_prefix *p,
                       uint32_t first, uint32_t count)
{
    p->first_block = (uint32_t)set->block_count;
    for (uint32_t i = first; i < first + count;) {
        struct robots_block *block = &set->blocks[set->block_count++];
        const struct robots_rule *rule = &rules[set->ids[i]];
        *block = (struct robots_block){.first = i, .wildcard = rule->wildcard};
        memcpy(block->required, rule->bigrams, sizeof(block->required));
        while (i < first + count && block->count < ROBOTS_BLOCK_RULES &&
               rules[set->ids[i]].wildcard == block->wildcard) {
            for (int w = 0; w < 4; w++)
                block->required[w] &= rules[set->ids[i]].bigrams[w];
            block->count++;
            i++;
        }
    }
    p->block_count = (uint32_t)set->block_count - p->first_block;
}

/* Index ids (count rule indexes, taken over) by literal prefix. */
static int ruleset_build(struct robots_ruleset *set, const struct robots_rule *rules, uint32_t *ids, size_t count)
{
    set->ids = ids;
    if (count == 0)
        return CP_OK;
    sort_rules = rules;
    qsort(ids, count, sizeof(*ids), compare_rule_ids);
    sort_rules = NULL;
    set->prefixes = calloc(count, sizeof(*set->prefixes));
    set->blocks = calloc(count, sizeof(*set->blocks));
    int32_t *stack = malloc(count * sizeof(*stack));
    if (!set->prefixes || !set->blocks || !stack) {
        free(stack);
        return CP_ERR_NOMEM;
    }
    size_t depth = 0;
    for (size_t i = 0; i < count;) {
        const struct robots_rule *rule = &rules[ids[i]];
        size_t end = i + 1;
        while (end < count && compare_prefix_bytes(&rules[ids[end]], rule) == 0)
            end++;
        /* Sorted order visits a prefix before every longer string it is a prefix of, so the
         * stack holds exactly the chain of prefixes of the current one. */
        while (depth > 0 && !is_prefix_of(&set->prefixes[stack[depth - 1]], rule))
            depth--;
        struct robots_prefix *p = &set->prefixes[set->prefix_count];
        p->bytes = rule->pattern;
        p->length = rule->prefix_length;
        p->parent = depth > 0 ? stack[depth - 1] : -1;
        add_blocks(set, rules, p, (uint32_t)i, (uint32_t)(end - i));
        stack[depth++] = (int32_t)set->prefix_count++;
        i = end;
    }
    free(stack);
    return CP_OK;
}

static void ruleset_free(struct robots_ruleset *set)
{
    free(set->prefixes);
    free(set->blocks);
    free(set->ids);
}

/* Token -> groups naming it, while compiling (uthash keeps this linear in the file's size). */
struct agent_entry {
    const char *token;
    uint32_t *groups;
    size_t group_count, capacity;
    UT_hash_handle hh;
};

static int append_group(uint32_t **groups, size_t *count, size_t *capacity, uint32_t group)
{
    if (*count > 0 && (*groups)[*count - 1] == group)
        return CP_OK; /* a group naming the same token twice */
    if (*count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 4;
        uint32_t *bigger = realloc(*groups, grown * sizeof(*bigger));
        if (!bigger)
            return CP_ERR_NOMEM;
        *groups = bigger;
        *capacity = grown;
    }
    (*groups)[(*count)++] = group;
    return CP_OK;
}

static int compare_agents(const void *pa, const void *pb)
{
    const struct robots_agent *a = pa, *b = pb;
    return strcmp(a->token, b->token);
}

static int map_tokens(struct robots *robots, const struct robots_group *groups, size_t group_count,
                      struct agent_entry **map)
{
    size_t global_capacity = 0;
    for (size_t g = 0; g < group_count; g++) {
        if (groups[g].global &&
            append_group(&robots->global.groups, &robots->global.group_count, &global_capacity, (uint32_t)g) != CP_OK)
            return CP_ERR_NOMEM;
        for (size_t t = 0; t < groups[g].token_count; t++) {
            const char *token = groups[g].tokens[t];
            struct agent_entry *entry;
            HASH_FIND_STR(*map, token, entry);
            if (!entry) {
                entry = calloc(1, sizeof(*entry));
                if (!entry)
                    return CP_ERR_NOMEM;
                entry->token = token;
                HASH_ADD_KEYPTR(hh, *map, entry->token, strlen(entry->token), entry);
            }
            if (append_group(&entry->groups, &entry->group_count, &entry->capacity, (uint32_t)g) != CP_OK)
                return CP_ERR_NOMEM;
        }
    }
    return CP_OK;
}

static int agents_from_map(struct robots *robots, struct agent_entry **map)
{
    size_t count = HASH_COUNT(*map);
    robots->agents = calloc(count ? count : 1, sizeof(*robots->agents));
    if (!robots->agents)
        return CP_ERR_NOMEM;
    int rc = CP_OK;
    struct agent_entry *entry, *next;
    HASH_ITER(hh, *map, entry, next)
    {
        HASH_DEL(*map, entry);
        char *token = rc == CP_OK ? strdup(entry->token) : NULL;
        if (!token) {
            rc = CP_ERR_NOMEM;
            free(entry->groups);
        } else {
            struct robots_agent *agent = &robots->agents[robots->agent_count++];
            agent->token = token;
            agent->groups = entry->groups;
            agent->group_count = entry->group_count;
        }
        free(entry);
    }
    if (rc == CP_OK)
        qsort(robots->agents, robots->agent_count, sizeof(*robots->agents), compare_agents);
    return rc;
}

int robots_compile(struct robots *robots, struct robots_group *groups, size_t group_count)
{
    robots->groups = calloc(group_count ? group_count : 1, sizeof(*robots->groups));
    if (!robots->groups)
        return CP_ERR_NOMEM;
    robots->group_count = group_count;
    for (size_t g = 0; g < group_count; g++) {
        struct robots_ruleset *set = &robots->groups[g];
        set->has_crawl_delay = groups[g].has_crawl_delay;
        set->crawl_delay = groups[g].crawl_delay;
        uint32_t *ids = groups[g].rules;
        groups[g].rules = NULL;
        if (ruleset_build(set, robots->rules, ids, groups[g].rule_count) != CP_OK)
            return CP_ERR_NOMEM;
    }
    struct agent_entry *map = NULL;
    int rc = map_tokens(robots, groups, group_count, &map);
    if (rc == CP_OK)
        return agents_from_map(robots, &map);
    struct agent_entry *entry, *next;
    HASH_ITER(hh, map, entry, next)
    {
        HASH_DEL(map, entry);
        free(entry->groups);
        free(entry);
    }
    return rc;
}

static struct robots *robots_new_mode(enum robots_mode mode, const char *reason)
{
    struct robots *robots = calloc(1, sizeof(*robots));
    if (!robots)
        return NULL;
    robots->mode = mode;
    robots->reason = strdup(reason                          ? reason
                            : mode == ROBOTS_MODE_ALLOW_ALL ? "no robots.txt: everything allowed"
                                                            : "robots.txt unavailable: everything disallowed");
    if (!robots->reason) {
        free(robots);
        return NULL;
    }
    return robots;
}

struct robots *robots_new_allow_all(const char *reason)
{
    return robots_new_mode(ROBOTS_MODE_ALLOW_ALL, reason);
}

struct robots *robots_new_disallow_all(const char *reason)
{
    return robots_new_mode(ROBOTS_MODE_DISALLOW_ALL, reason);
}

const char *robots_policy_reason(const struct robots *robots)
{
    return robots->mode == ROBOTS_MODE_RULES ? NULL : robots->reason;
}

void robots_free(struct robots *robots)
{
    if (!robots)
        return;
    for (size_t i = 0; i < robots->rule_count; i++) {
        free(robots->rules[i].pattern);
        if (robots->rules[i].owns_text)
            free((char *)robots->rules[i].text);
    }
    free(robots->rules);
    for (size_t i = 0; i < robots->group_count; i++)
        ruleset_free(&robots->groups[i]);
    free(robots->groups);
    for (size_t i = 0; i < robots->agent_count; i++) {
        free(robots->agents[i].token);
        free(robots->agents[i].groups);
    }
    free(robots->agents);
    free(robots->global.groups);
    for (size_t i = 0; i < robots->sitemap_count; i++)
        free(robots->sitemaps[i]);
    free(robots->sitemaps);
    free(robots->reason);
    free(robots);
}

/* ---- queries: read-only, no allocation ---- */

/* Compare the product token of a user-agent line (lower-case) with the caller's token. */
static int compare_token(const char *lower, const char *agent)
{
    for (;; lower++, agent++) {
        int a = (unsigned char)*lower, b = tolower((unsigned char)*agent);
        if (a != b || a == 0)
            return a - b;
    }
}

static const struct robots_agent *select_agent(const struct robots *robots, const char *agent)
{
    size_t low = 0, high = robots->agent_count;
    while (agent && low < high) {
        size_t mid = low + (high - low) / 2;
        int c = compare_token(robots->agents[mid].token, agent);
        if (c == 0)
            return &robots->agents[mid];
        if (c < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return robots->global.group_count > 0 ? &robots->global : NULL;
}

/* Does the pattern (from byte `from` on, which the path already matched) match the path there?
 * Google's semantics: '*' matches any run of bytes, a final '$' anchors at the end of the path,
 * and without it the pattern need only match a prefix of the path. The classic two-cursor
 * wildcard match with one backtracking point: O(pattern x path) worst case, no allocation. */
static bool pattern_matches(const struct robots_rule *rule, const char *path, size_t path_length)
{
    const char *pattern = rule->pattern;
    size_t plen = rule->match_length;
    size_t pi = rule->prefix_length, si = rule->prefix_length;
    size_t star = SIZE_MAX, star_si = 0;
    while (si < path_length) {
        if (pi < plen && pattern[pi] == '*') {
            star = pi++;
            star_si = si;
        } else if (pi < plen && pattern[pi] == path[si]) {
            pi++;
            si++;
        } else if (pi == plen && !rule->anchored) {
            return true;
        } else if (star != SIZE_MAX) {
            pi = star + 1;
            si = ++star_si;
        } else {
            return false;
        }
    }
    while (pi < plen && pattern[pi] == '*')
        pi++;
    return pi == plen;
}

static size_t common_prefix(const char *a, size_t a_length, const char *b, size_t b_length)
{
    size_t n = a_length < b_length ? a_length : b_length, i = 0;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Index of the last prefix that sorts at or before path, or -1. */
static long last_prefix_not_after(const struct robots_ruleset *set, const char *path, size_t path_length)
{
    size_t low = 0, high = set->prefix_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        const struct robots_prefix *p = &set->prefixes[mid];
        size_t n = p->length < path_length ? p->length : path_length;
        int c = memcmp(p->bytes, path, n);
        if (c == 0)
            c = p->length <= path_length ? 0 : 1;
        if (c <= 0)
            low = mid + 1;
        else
            high = mid;
    }
    return (long)low - 1;
}

struct best_rules {
    long allow, disallow; /* rule indexes, -1 when none matched */
};

/* One query: the path, and its byte-pair filter, computed the first time a wildcard rule needs it. */
struct query {
    const char *path;
    size_t length;
    bool have_bigrams;
    uint64_t bigrams[4];
};

static void consider(const struct robots *robots, uint32_t id, struct best_rules *best)
{
    const struct robots_rule *rule = &robots->rules[id];
    long *slot = rule->allow ? &best->allow : &best->disallow;
    if (*slot >= 0) {
        const struct robots_rule *current = &robots->rules[*slot];
        /* Google keeps the first rule in file order among equally long matches. */
        if (current->priority > rule->priority || (current->priority == rule->priority && (uint32_t)*slot < id))
            return;
    }
    *slot = id;
}

static void compute_bigrams(struct query *q)
{
    memset(q->bigrams, 0, sizeof(q->bigrams));
    for (size_t i = 0; i + 1 < q->length; i++)
        bigram_set(q->bigrams, q->path[i], q->path[i + 1]);
    q->have_bigrams = true;
}

/* Does the path hold every byte pair of filter? */
static bool has_bigrams(struct query *q, const uint64_t filter[4])
{
    if (!q->have_bigrams)
        compute_bigrams(q);
    for (int w = 0; w < 4; w++)
        if (filter[w] & ~q->bigrams[w])
            return false;
    return true;
}

/* Does rule match the query, whose path is known to start with the rule's literal prefix? Cheap
 * necessary conditions first, the wildcard match last. */
static bool rule_matches(const struct robots_rule *rule, struct query *q)
{
    if (!rule->wildcard)
        return !rule->anchored || q->length == rule->match_length;
    if (rule->anchored && rule->tail_length > 0 &&
        (q->length < rule->prefix_length + rule->tail_length ||
         memcmp(q->path + q->length - rule->tail_length, rule->pattern + rule->match_length - rule->tail_length,
                rule->tail_length) != 0))
        return false;
    return has_bigrams(q, rule->bigrams) && pattern_matches(rule, q->path, q->length);
}

static void match_block(const struct robots *robots, const struct robots_ruleset *set, const struct robots_block *block,
                        struct query *q, struct best_rules *best)
{
    if (block->wildcard && !has_bigrams(q, block->required))
        return;
    for (uint32_t k = 0; k < block->count; k++) {
        uint32_t id = set->ids[block->first + k];
        const struct robots_rule *rule = &robots->rules[id];
        long held = rule->allow ? best->allow : best->disallow;
        if (held >= 0 && robots->rules[held].priority > rule->priority)
            continue; /* cannot win: skip the match */
        if (rule_matches(rule, q))
            consider(robots, id, best);
    }
}

static void match_ruleset(const struct robots *robots, const struct robots_ruleset *set, struct query *q,
                          struct best_rules *best)
{
    long index = last_prefix_not_after(set, q->path, q->length);
    if (index < 0)
        return;
    const struct robots_prefix *found = &set->prefixes[index];
    size_t shared = common_prefix(found->bytes, found->length, q->path, q->length);
    for (long i = index; i >= 0; i = set->prefixes[i].parent) {
        const struct robots_prefix *p = &set->prefixes[i];
        if (p->length > shared)
            continue;
        for (uint32_t b = 0; b < p->block_count; b++)
            match_block(robots, set, &set->blocks[p->first_block + b], q, best);
    }
}

static bool decide(struct robots_decision *decision, bool allowed, unsigned line, const char *text)
{
    decision->allowed = allowed;
    decision->line = line;
    decision->rule_text = text;
    return allowed;
}

bool robots_check(const struct robots *robots, const char *agent, const char *path, size_t path_length,
                  struct robots_decision *decision)
{
    if (path_length == 0) {
        path = "/";
        path_length = 1;
    }
    if (robots->mode != ROBOTS_MODE_RULES)
        return decide(decision, robots->mode == ROBOTS_MODE_ALLOW_ALL, 0, robots->reason);
    if (path_length == sizeof(robots_txt_path) - 1 && memcmp(path, robots_txt_path, path_length) == 0)
        return decide(decision, true, 0, "/robots.txt itself is always allowed (RFC 9309)");
    const struct robots_agent *selected = select_agent(robots, agent);
    struct best_rules best = {-1, -1};
    struct query q = {.path = path, .length = path_length};
    for (size_t g = 0; selected && g < selected->group_count; g++)
        match_ruleset(robots, &robots->groups[selected->groups[g]], &q, &best);
    uint32_t allow = best.allow >= 0 ? robots->rules[best.allow].priority : 0;
    uint32_t disallow = best.disallow >= 0 ? robots->rules[best.disallow].priority : 0;
    if (allow == 0 && disallow == 0)
        return decide(decision, true, 0, "no matching rule");
    const struct robots_rule *rule = &robots->rules[disallow > allow ? best.disallow : best.allow];
    return decide(decision, disallow <= allow, rule->line, rule->text);
}

void robots_decision_format(const struct robots_decision *decision, char *dst, size_t size)
{
    if (decision->line)
        snprintf(dst, size, "line %u: %s", decision->line, decision->rule_text);
    else
        snprintf(dst, size, "%s", decision->rule_text);
}

bool robots_crawl_delay(const struct robots *robots, const char *agent, double *seconds)
{
    if (robots->mode != ROBOTS_MODE_RULES)
        return false;
    const struct robots_agent *selected = select_agent(robots, agent);
    for (size_t g = 0; selected && g < selected->group_count; g++) {
        const struct robots_ruleset *set = &robots->groups[selected->groups[g]];
        if (set->has_crawl_delay) {
            *seconds = set->crawl_delay;
            return true;
        }
    }
    return false;
}

const char *const *robots_sitemaps(const struct robots *robots, size_t *count)
{
    *count = robots->sitemap_count;
    return (const char *const *)robots->sitemaps;
}
