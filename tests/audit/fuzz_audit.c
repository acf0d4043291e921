/* SPDX-License-Identifier: Apache-2.0 */
/* tests/audit/fuzz_audit: libFuzzer target for both audit entry points.
 *
 * The input's first byte chooses how many of the following bytes describe a graph; the rest is a
 * page body. The graph part gives up to 32 nodes (URLs drawn from a list of near-duplicates, so the
 * URL-variant rule sees groups), each node's status and flags, then edges, canonicals, redirects and
 * sitemap entries in any shape — loops, self-references, out-of-scope sources — which is frozen,
 * analysed and audited with small option values. The body goes through extract_page (with a
 * canonical Link header) and audit_page. Nothing may crash, leak or trip a sanitizer. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "web/extract.h"
#include "linkgraph/analysis.h"
#include "linkgraph/audit.h"
#include "linkgraph/audit_page.h"
#include "linkgraph/graph.h"
#include "findings/findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const urls[] = {
    "https://s.test/",
    "https://s.test/a",
    "https://s.test/A",
    "https://s.test/a/",
    "https://s.test/a/index.html",
    "https://s.test/b?x=1&y=2",
    "https://s.test/b?y=2&x=1",
    "https://o.test/a",
    "http://s.test/a",
    "https://s.test/c",
    "https://s.test/sitemap.xml",
    "not a url",
};
static const uint16_t statuses[] = {0, 200, 200, 200, 301, 302, 404, 410, 500, 503, 204, 308};

static void audit_graph_bytes(const uint8_t *data, size_t size)
{
    struct graph *graph = graph_create(0);
    if (!graph || size == 0)
        goto done;
    uint32_t nodes = 1 + data[0] % 32;
    size_t at = 1;
    char url[64];
    for (uint32_t i = 0; i < nodes; i++) {
        uint8_t pick = at < size ? data[at++] : 0;
        snprintf(url, sizeof url, "%s%s%u", urls[pick % 12], pick & 0x80 ? "#" : "", pick & 0x80 ? i : 0);
        uint32_t id = graph_intern(graph, url, strlen(url), NULL);
        uint8_t facts = at < size ? data[at++] : 0;
        graph_set_status(graph, id, statuses[facts % 12]);
        graph_set_flags(graph, id, (uint16_t)((facts >> 4) * 0x11u) | GRAPH_NODE_FETCHED);
        if (facts & 0x08)
            graph_clear_flags(graph, id, GRAPH_NODE_FETCHED);
    }
    nodes = graph_node_count(graph);
    while (at + 3 <= size) {
        uint32_t source = data[at] % nodes, target = data[at + 1] % nodes;
        uint8_t meta = data[at + 2];
        at += 3;
        if ((meta & GRAPH_EDGE_KIND_MASK) > GRAPH_EDGE_IFRAME) {
            graph_add_sitemap_entry(graph, source, target, meta, GRAPH_NO_LASTMOD);
            continue;
        }
        graph_add_edge(graph, source, target, meta);
        if (graph_edge_kind(meta) == GRAPH_EDGE_CANONICAL && graph_node(graph, source)->canonical == GRAPH_NO_NODE)
            graph_set_canonical(graph, source, target);
    }
    if (graph_freeze(graph) != 0)
        goto done;
    struct graph_analysis analysis;
    if (graph_analyze(&analysis, graph, NULL) != 0)
        goto done;
    struct audit_options options = {
        .max_click_depth = 1 + data[0] % 3, .sitemaps_read = data[0] & 1, .max_related = 1 + data[0] % 4};
    struct finding_list findings = FINDING_LIST_INIT;
    audit_graph(graph, &analysis, &options, &findings);
    findings_free(&findings);
    graph_analysis_free(&analysis);
done:
    graph_destroy(graph);
}

static void audit_page_bytes(const uint8_t *data, size_t size)
{
    struct extract_header header = {"Link", "<https://s.test/other>; rel=canonical"};
    struct extract_input input = {.url = "https://s.test/page",
                                  .headers = &header,
                                  .header_count = size & 1,
                                  .body = (const char *)data,
                                  .body_length = size,
                                  .limits = {.max_links = 50, .max_canonicals = 8, .max_hreflangs = 10}};
    struct page_signals *signals = NULL;
    if (extract_page(&input, &signals) != 0)
        return;
    static const char *const strip[] = {"utm_*"};
    struct url_identity_options identity = {strip, 1};
    struct audit_page_input page = {.url = "https://s.test/page",
                                    .signals = signals,
                                    .status = 200,
                                    .html = true,
                                    .body_truncated = size > 4096,
                                    .body_bytes = size,
                                    .identity = &identity};
    struct finding_list findings = FINDING_LIST_INIT;
    audit_page(&page, &findings);
    findings_free(&findings);
    page_signals_free(signals);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t graph_bytes = size ? (size_t)data[0] * 2 : 0;
    if (graph_bytes > size)
        graph_bytes = size;
    audit_graph_bytes(data, graph_bytes);
    audit_page_bytes(data + graph_bytes, size - graph_bytes);
    return 0;
}
