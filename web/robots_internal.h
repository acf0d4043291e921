/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_internal: the compiled robots.txt shared by the parser (robots_parse.c), the
 * compiler and matcher (robots_match.c). Not part of the public API.
 *
 * A struct robots holds every Allow/Disallow rule once, one indexed rule set per group, and for
 * each product token named by a user-agent line (and for `*`) the list of groups naming it; a query
 * merges those groups by taking the best match over them. A rule set indexes its rules
 * by their literal prefix (the bytes before the first '*'): the prefixes are sorted, and each
 * knows its parent, the longest other prefix that is a prefix of it. The prefixes of a path are
 * then the last prefix sorted at or before the path and that one's chain of parents, found with
 * one binary search and no allocation. */
#ifndef CRAWLPACK_WEB_ROBOTS_INTERNAL_H
#define CRAWLPACK_WEB_ROBOTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/robots.h"

struct robots_rule {
    char *pattern;          /* normalised pattern, NUL-terminated (owned) */
    uint32_t priority;      /* length of the normalised pattern, '*' and '$' included */
    uint32_t prefix_length; /* literal bytes before the first '*' (or the end) */
    uint32_t match_length;  /* pattern bytes to match: without a trailing '$' */
    bool anchored;          /* trailing '$': the match must end where the path ends */
    bool wildcard;          /* a '*' follows the literal prefix */
    uint32_t tail_length;   /* literal bytes after the last '*' (anchored wildcard rules) */
    uint64_t bigrams[4];    /* a 256-bit filter of the byte pairs in the literal parts after the
                                prefix: a path lacking one of them cannot match */
    bool allow;
    unsigned line;
    const char *text; /* the line as written (shared with the original rule when derived) */
    bool owns_text;
};

struct robots_prefix {
    const char *bytes; /* the prefix: the first length bytes of one of its rules' pattern */
    uint32_t length;
    int32_t parent;       /* index of the longest shorter prefix of this one, or -1 */
    uint32_t first_block; /* this prefix's rules: blocks[first_block .. + block_count) */
    uint32_t block_count;
};

/* Up to ROBOTS_BLOCK_RULES rules of one prefix, adjacent in the sort (so alike), with the byte
 * pairs every one of them needs: a path lacking one skips the whole block. */
#define ROBOTS_BLOCK_RULES 16
struct robots_block {
    uint32_t first; /* ids[first .. first + count) */
    uint32_t count;
    bool wildcard; /* the rules have a '*' after the prefix (plain ones need no filter) */
    uint64_t required[4];
};

struct robots_ruleset {
    struct robots_prefix *prefixes;
    size_t prefix_count;
    struct robots_block *blocks;
    size_t block_count;
    uint32_t *ids; /* rule indexes sorted by prefix, then plain before wildcard, then by
                                the pattern after the prefix */
    bool has_crawl_delay;
    double crawl_delay;
};

/* The groups (in file order) whose user-agent lines name one product token. */
struct robots_agent {
    char *token; /* lower-case product token (may be empty: a value with none) */
    uint32_t *groups;
    size_t group_count;
};

enum robots_mode {
    ROBOTS_MODE_RULES,
    ROBOTS_MODE_ALLOW_ALL,
    ROBOTS_MODE_DISALLOW_ALL,
};

struct robots {
    enum robots_mode mode;
    char *reason; /* deciding text for the allow-all / disallow-all modes */
    struct robots_rule *rules;
    size_t rule_count;
    struct robots_ruleset *groups; /* one indexed rule set per group */
    size_t group_count;
    struct robots_agent *agents; /* sorted by token */
    size_t agent_count;
    struct robots_agent global; /* the groups naming `*` (token unused) */
    char **sitemaps;
    size_t sitemap_count;
};

/* A group as the parser collects it, before compilation. */
struct robots_group {
    char **tokens; /* lower-case product tokens */
    size_t token_count;
    bool global;     /* names `*` */
    uint32_t *rules; /* indexes into robots->rules, file order */
    size_t rule_count;
    bool has_crawl_delay;
    double crawl_delay;
};

/* Index the parsed groups into robots (taking over each group's rules array) and map every product
 * token to the groups naming it. Returns CP_OK or CP_ERR_NOMEM. */
int robots_compile(struct robots *robots, struct robots_group *groups, size_t group_count);

/* Fill the matching fields of a rule (lengths, anchoring, filter) from its normalised pattern. */
void robots_rule_describe(struct robots_rule *rule);

#endif
