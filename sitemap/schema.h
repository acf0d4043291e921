/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/schema: --xsd, XML Schema validation of a sitemap against the sitemaps.org schemas
 * (shipped in sitemap/schemas/ and compiled into the program, see schema_data.c) or against
 * schema files the user names (for example a wrapper that imports the extension schemas).
 * Each schema error becomes a sitemap-schema finding with its line.
 *
 * Memory: compiled schemas are cached in the checker (checker->schemas) and released by
 * sitemap_schema_free. Network access is off while schemas compile and validate.
 * Threads: the checker's. */
#ifndef CRAWLPACK_SITEMAP_SCHEMA_H
#define CRAWLPACK_SITEMAP_SCHEMA_H

#include "sitemap/sitemap.h"
#include "sitemap/source.h"

/* Validate the document in source (read from its start) as kind (URLSET or INDEX); findings cite
 * name. Returns CP_OK (problems are findings) or CP_ERR_NOMEM. A schema that cannot be loaded is
 * reported as a sitemap-schema finding too. */
int sitemap_schema_validate(struct sitemap_checker *checker, struct sitemap_source *source, enum sitemap_kind kind,
                            const char *name);
void sitemap_schema_free(struct sitemap_checker *checker);

/* The shipped schemas' text (sitemap/schema_data.c). */
extern const char sitemap_schema_urlset[];
extern const char sitemap_schema_index[];

#endif
