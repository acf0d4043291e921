/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/clusters_internal: what clusters.c and clusters_vote.c share. Not a public header. */
#ifndef CRAWLPACK_LINKGRAPH_CLUSTERS_INTERNAL_H
#define CRAWLPACK_LINKGRAPH_CLUSTERS_INTERNAL_H

#include "linkgraph/clusters.h"

/* out->members holds every clustered node in URL order; parent is the union-find forest (roots
 * found by walking it) and size[root] the set's size. Splits members into out->list, each cluster's
 * members in URL order, clusters in order of their first URL, and fills out->cluster_of.
 * CP_OK or CP_ERR_NOMEM. */
int clusters_layout(uint32_t *parent, const uint32_t *size, struct clusters *out);

/* Each cluster's kind, votes, preferred member, disagree and picked (linkgraph/clusters.h).
 * CP_OK or CP_ERR_NOMEM. */
int clusters_vote(const struct graph *graph, const struct graph_analysis *analysis, const struct cluster_input *pages,
                  struct clusters *out);

#endif
