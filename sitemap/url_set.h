/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/url_set: a set of 64-bit URL hashes (open addressing, linear probing), 8 bytes a slot.
 * Used for duplicate URLs across every sitemap of a run and for sitemaps already read: memory is
 * 8 bytes per distinct URL times the table's slack (load at most 0.8), whatever the URLs' lengths.
 * Memory: the set owns its table; url_hash_set_free releases it. One thread at a time. */
#ifndef CRAWLPACK_SITEMAP_URL_SET_H
#define CRAWLPACK_SITEMAP_URL_SET_H

#include "sitemap/sitemap.h"

/* Returns 1 when hash was added, 0 when it was already there, CP_ERR_NOMEM. */
int url_hash_set_insert(struct url_hash_set *set, uint64_t hash);
/* Whether hash is in the set (never allocates). */
bool url_hash_set_contains(const struct url_hash_set *set, uint64_t hash);
void url_hash_set_free(struct url_hash_set *set);

#endif
