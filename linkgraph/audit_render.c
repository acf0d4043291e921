/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_render: raw HTML against rendered DOM (see audit_render.h). */
#include "linkgraph/audit_render.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* The crawl identity of the page's counted canonical (the first in <head> or a Link header that
 * resolved), or NULL when it has none. *resolved gets its resolved URL for the message. */
static char *canonical_identity(const struct page_signals *s, const struct url_identity_options *identity,
                                const char **resolved)
{
    *resolved = NULL;
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        const struct page_canonical *k = &s->canonicals[i];
        if (!k->url || k->place == EXTRACT_IN_BODY)
            continue;
        struct url parsed;
        if (url_parse_str(k->url, NULL, &parsed) != URL_OK)
            continue;
        char *id = NULL;
        if (url_identity(&parsed, identity, &id) != URL_OK)
            id = NULL;
        url_free(&parsed);
        if (id)
            *resolved = k->url;
        return id;
    }
    return NULL;
}

static bool says_noindex(const struct page_signals *s)
{
    const struct robots_directives *d = page_signals_binding_directives(s);
    return d && robots_directives_has(d, ROBOTS_NOINDEX);
}

static int check_failed(const struct audit_render_input *in, struct finding_list *out)
{
    struct finding *f = NULL;
    if (in->failure)
        f = findings_add(out, RULE_RENDER_FAILED, in->url, in->url, 0,
                         "rendering failed (%s): the audit used the raw HTML", in->failure);
    else if (in->exceptions)
        f = findings_add(out, RULE_RENDER_FAILED, in->url, in->url, 0, "%u uncaught script error%s while rendering: %s",
                         in->exceptions, in->exceptions == 1 ? "" : "s",
                         in->first_exception ? in->first_exception : "(no message)");
    else
        return CP_OK;
    return f ? CP_OK : CP_ERR_NOMEM;
}

static int check_canonical(const struct audit_render_input *in, struct finding_list *out)
{
    const char *raw_url, *rendered_url;
    char *raw = canonical_identity(in->raw, in->identity, &raw_url);
    char *rendered = canonical_identity(in->rendered, in->identity, &rendered_url);
    int status = CP_OK;
    if ((raw || rendered) && (!raw || !rendered || strcmp(raw, rendered) != 0)) {
        struct finding *f;
        if (!raw)
            f = findings_add(out, RULE_RENDER_CANONICAL_CHANGED, in->url, in->url, 0,
                             "canonical added by JavaScript: none in the HTML, %s after rendering", rendered_url);
        else if (!rendered)
            f = findings_add(out, RULE_RENDER_CANONICAL_CHANGED, in->url, in->url, 0,
                             "canonical removed by JavaScript: %s in the HTML, none after rendering", raw_url);
        else
            f = findings_add(out, RULE_RENDER_CANONICAL_CHANGED, in->url, in->url, 0,
                             "canonical changed by JavaScript: %s in the HTML, %s after rendering", raw_url,
                             rendered_url);
        status = !f ? CP_ERR_NOMEM : rendered_url ? finding_add_related(f, rendered_url) : CP_OK;
    }
    free(raw);
    free(rendered);
    return status;
}

static int check_noindex(const struct audit_render_input *in, struct finding_list *out)
{
    bool raw = says_noindex(in->raw), rendered = says_noindex(in->rendered);
    if (raw == rendered)
        return CP_OK;
    struct finding *f = findings_add(out, RULE_RENDER_NOINDEX_CHANGED, in->url, in->url, 0, "%s",
                                     rendered ? "noindex added by JavaScript: the HTML is indexable, the rendered page "
                                                "says noindex (search engines that render drop it)"
                                              : "noindex removed by JavaScript: search engines do not render a noindex "
                                                "page, so the removal is never seen");
    return f ? CP_OK : CP_ERR_NOMEM;
}

static int check_links(const struct audit_render_input *in, struct finding_list *out)
{
    if (!in->internal_links_rendered_only)
        return CP_OK;
    struct finding *f = findings_add(out, RULE_RENDER_LINKS_ONLY, in->url, in->url, 0,
                                     "%u of the rendered page's %u internal links are not in the HTML",
                                     in->internal_links_rendered_only, in->internal_links);
    return f ? CP_OK : CP_ERR_NOMEM;
}

static int check_title(const struct audit_render_input *in, struct finding_list *out)
{
    const char *raw = in->raw->title ? in->raw->title : "";
    const char *rendered = in->rendered->title ? in->rendered->title : "";
    if (strcmp(raw, rendered) == 0)
        return CP_OK;
    struct finding *f = findings_add(out, RULE_RENDER_TITLE_CHANGED, in->url, in->url, 0,
                                     "title \"%s\" in the HTML, \"%s\" after rendering", raw, rendered);
    return f ? CP_OK : CP_ERR_NOMEM;
}

int audit_render(const struct audit_render_input *in, struct finding_list *out)
{
    int status = check_failed(in, out);
    if (status != CP_OK || !in->rendered || !in->raw)
        return status;
    if ((status = check_canonical(in, out)) != CP_OK || (status = check_noindex(in, out)) != CP_OK ||
        (status = check_links(in, out)) != CP_OK)
        return status;
    return check_title(in, out);
}
