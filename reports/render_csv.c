/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_csv: findings.csv (see render_csv.h). */
#include "reports/render_csv.h"

#include "common/csv.h"

#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "findings/cause.h"
#include "reports/baseline.h"

static int write_row(FILE *out, const struct finding *f, const char *state, bool with_state, struct buf *joined)
{
    const struct rule *rule = rule_get(f->rule);
    csv_write_field(out, rule->id);
    fputc(',', out);
    csv_write_field(out, severity_name(rule->severity));
    fputc(',', out);
    csv_write_field(out, f->url);
    fputc(',', out);
    csv_write_field(out, f->message);
    fputc(',', out);
    csv_write_field(out, f->source);
    fputc(',', out);
    if (f->line)
        fprintf(out, "%u", f->line);
    fputc(',', out);
    /* Joined first so the whole list is quoted as one field when any URL needs it. */
    int rc = CP_OK;
    for (size_t i = 0; i < f->related_count && rc == CP_OK; i++) {
        if (i)
            rc = buf_append_char(joined, ' ');
        if (rc == CP_OK)
            rc = buf_append_str(joined, f->related[i]);
    }
    csv_write_field(out, buf_str(joined));
    fputc(',', out);
    buf_reset(joined);
    if (rc == CP_OK)
        rc = finding_cause_key(f, joined);
    csv_write_field(out, buf_str(joined));
    if (with_state) {
        fputc(',', out);
        csv_write_field(out, state);
    }
    fputc(',', out);
    csv_write_field(out, finding_file(f));
    fputs("\r\n", out);
    buf_reset(joined);
    return rc;
}

int render_findings_csv(FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    const struct baseline_comparison *b = ctx->baseline;
    struct buf joined = BUF_INIT;
    int rc = CP_OK;
    /* file came after baseline_state: a column is only ever added at the end, so no reader's column
     * moves, with or without a baseline. */
    fputs(b ? "rule,severity,url,message,source,line,related,cause,baseline_state,file\r\n"
            : "rule,severity,url,message,source,line,related,cause,file\r\n",
          out);
    for (size_t i = 0; i < list->count && rc == CP_OK; i++)
        rc = write_row(out, &list->items[i], report_baseline_state(ctx, i), b != NULL, &joined);
    for (size_t i = 0; b && i < b->fixed_count && rc == CP_OK; i++)
        rc = write_row(out, &b->baseline->findings.items[b->fixed[i]], "fixed", true, &joined);
    if (ctx->partial) {
        /* A table has no header for the run: one last row, with no rule and no severity, says the
         * crawl was partial, so a reader of the CSV alone cannot take it for a complete audit. */
        fputs("(partial crawl),,", out);
        csv_write_field(out, ctx->inputs && ctx->input_count ? ctx->inputs[0] : NULL);
        fputc(',', out);
        csv_write_field(out, ctx->partial);
        fputs(b ? ",,,,,,\r\n" : ",,,,,\r\n", out);
    }
    buf_free(&joined);
    if (rc == CP_OK && (fflush(out) != 0 || ferror(out)))
        rc = CP_ERR_IO;
    return rc;
}
