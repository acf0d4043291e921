/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/validate: every rule of the sitemap protocol and its extensions, applied to what
 * sitemap/parse reads from one file. The parse handler it provides turns raw records into
 * findings and validated entries (handed to the checker's callback) and, for an index, child
 * sitemap URLs (handed to on_child).
 *
 * Memory: a sitemap_file_check lives for one file; sitemap_validate_end releases what it holds.
 * Threads: the checker's. */
#ifndef CRAWLPACK_SITEMAP_VALIDATE_H
#define CRAWLPACK_SITEMAP_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "sitemap/parse.h"
#include "sitemap/sitemap.h"

struct sitemap_file_check;

/* A valid child of an index: its URL, the line of its <loc>. Return non-zero to stop. */
typedef int (*sitemap_child_fn)(struct sitemap_file_check *file, const struct url *child, unsigned line);

struct sitemap_file_check {
    struct sitemap_checker *checker;
    const char *name; /* what findings cite */
    bool have_url;
    struct url sitemap_url;        /* where the file lives, for the scope rule */
    size_t scope_directory_length; /* bytes of sitemap_url's pathname up to its last '/' */
    /* Origins that vouch for this sitemap: their robots.txt names it, or names an index above it
     * (sitemap_validate_inherit). Any URL of these origins is in scope. */
    char **robots_origins;
    size_t robots_origin_count;
    size_t declared_origin_count; /* the first ones: robots.txt names this very file */
    enum sitemap_origin origin;
    enum sitemap_kind kind;
    unsigned root_line;
    size_t entries, news, images, videos;
    size_t lastmod_count;
    char *first_lastmod;
    bool lastmod_differs;
    bool problem_reported; /* the file was cut short (too large, malformed, refused) */
    bool binary;           /* not a sitemap at all: binary content (nothing was read) */
    sitemap_child_fn on_child;
    void *child_context;
    struct url_hash_set children; /* the children this index listed (one listed twice is a duplicate) */
    int status;                   /* CP_ERR_NOMEM when an allocation failed */
};

/* Prepare the per-file state. sitemap_url may be NULL (unknown location). */
int sitemap_validate_begin(struct sitemap_file_check *file, struct sitemap_checker *checker, const char *name,
                           const char *sitemap_url, enum sitemap_origin origin);
/* Add origins that vouch for file because they vouch for an index above it (copied; duplicates
 * skipped). Returns CP_OK or CP_ERR_NOMEM. */
int sitemap_validate_inherit(struct sitemap_file_check *file, char *const *origins, size_t count);
/* The parse handler that feeds file. */
void sitemap_validate_handler(struct sitemap_file_check *file, struct sitemap_parse_handler *handler);
/* File-level rules (empty, too many URLs, uniform lastmod, news limit, robots.txt declaration);
 * then releases file's memory. */
void sitemap_validate_end(struct sitemap_file_check *file);

/* Check one <loc> (text as written, length bytes): on success returns true and fills *out (caller
 * frees with url_free); else writes the reason into reason (size bytes). */
bool sitemap_validate_loc(const char *text, size_t length, bool truncated, struct url *out, char *reason, size_t size);

#endif
