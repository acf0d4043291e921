/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render: the format table behind --format (see render.h). */
#include "reports/render.h"

#include <string.h>

#include "common/error.h"
#include "reports/render_codequality.h"
#include "reports/render_csv.h"
#include "reports/render_json.h"
#include "reports/render_junit.h"
#include "reports/render_sarif.h"
#include "reports/render_text.h"

static int render_text_format(FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    if (ctx->partial) /* a '#' line, like the cause headers: finding-line parsers skip it */
        fprintf(out, "# partial crawl: %s\n", ctx->partial);
    int rc = render_findings_text_by_cause(out, list);
    if (rc == CP_OK && (fflush(out) != 0 || ferror(out)))
        rc = CP_ERR_IO;
    return rc;
}

static int render_junit_format(FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    return render_findings_junit(out, list, ctx, ctx->junit_grouping);
}

struct format {
    const char *name;
    const char *file_name;
    int (*render)(FILE *out, const struct finding_list *list, const struct report_context *ctx);
};

static const struct format formats[] = {
    {"text", "findings.txt", render_text_format},
    {"json", "findings.json", render_findings_json},
    {"csv", "findings.csv", render_findings_csv},
    {"junit", "findings.junit.xml", render_junit_format},
    {"sarif", "findings.sarif", render_findings_sarif},
    {"codequality", "findings.codequality.json", render_findings_codequality},
};

static const struct format *find_format(const char *name)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (name && strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return NULL;
}

int render_findings(const char *format, FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    const struct format *f = find_format(format);
    return f ? f->render(out, list, ctx) : CP_ERR_INVALID;
}

bool render_format_known(const char *format)
{
    return find_format(format) != NULL;
}

const char *render_format_file_name(const char *format)
{
    const struct format *f = find_format(format);
    return f ? f->file_name : NULL;
}

const char *render_format_names(void)
{
    return "text,json,csv,junit,sarif,codequality";
}
