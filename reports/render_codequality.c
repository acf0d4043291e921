/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_codequality: GitLab's code quality report (see render_codequality.h). */
#include "reports/render_codequality.h"

#include <string.h>

#include "common/error.h"
#include "common/json_write.h"

static const char *codequality_severity(enum severity severity)
{
    switch (severity) {
    case SEVERITY_ERROR: return "critical";
    case SEVERITY_WARNING: return "major";
    default: return "info";
    }
}

int render_findings_codequality(FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    struct json_writer w;
    json_writer_init(&w, out, true);
    json_begin_array(&w);
    for (size_t i = 0; i < list->count; i++) {
        const char *state = report_baseline_state(ctx, i);
        if (state && strcmp(state, "existing") == 0)
            continue;
        const struct finding *f = &list->items[i];
        char fingerprint[17];
        finding_fingerprint_hex(f, fingerprint);
        json_begin_object(&w);
        json_key(&w, "description");
        json_string(&w, f->message);
        json_key(&w, "check_name");
        json_string(&w, rule_get(f->rule)->id);
        json_key(&w, "fingerprint");
        json_string(&w, fingerprint);
        json_key(&w, "severity");
        json_string(&w, codequality_severity(rule_get(f->rule)->severity));
        json_key(&w, "location");
        json_begin_object(&w);
        json_key(&w, "path");
        json_string(&w, f->url ? f->url : f->source ? f->source : "");
        json_key(&w, "lines");
        json_begin_object(&w);
        json_key(&w, "begin");
        json_uint(&w, f->url || !f->line ? 1 : f->line);
        json_end_object(&w);
        json_end_object(&w);
        json_end_object(&w);
    }
    json_end_array(&w);
    return json_writer_finish(&w) == 0 ? CP_OK : CP_ERR_IO;
}
