/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_text: compiler-style finding lines (see render_text.h). */
#include "reports/render_text.h"

#include <stdbool.h>

#include "common/error.h"
#include "common/utf8.h"
#include "findings/cause.h"

/* One finding is one line: a line break or other control character taken from the input (a <loc>
 * with a newline, a robots.txt line with a CR) is written escaped, so it can neither split the
 * finding nor forge another one for the tools that read these lines; invalid UTF-8 is written as
 * U+FFFD. */
static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7F;
}

static void write_one_line(FILE *out, const char *text)
{
    while (*text) {
        size_t plain = 0;
        while (text[plain] && !is_control((unsigned char)text[plain]))
            plain++;
        utf8_write_valid(out, text, plain);
        text += plain;
        if (!*text)
            break;
        if (*text == '\n')
            fputs("\\n", out);
        else if (*text == '\r')
            fputs("\\r", out);
        else
            fprintf(out, "\\x%02X", (unsigned char)*text);
        text++;
    }
}

void render_finding_text(FILE *out, const struct finding *f)
{
    const struct rule *rule = rule_get(f->rule);
    const char *where = f->source ? f->source : f->url ? f->url : "-";
    write_one_line(out, where);
    if (f->line) {
        fprintf(out, ":%u", f->line);
        if (f->column)
            fprintf(out, ":%u", f->column);
    }
    fprintf(out, ": %s: %s: ", severity_name(rule->severity), rule->id);
    write_one_line(out, f->message);
    putc('\n', out);
}

void render_findings_text(FILE *out, const struct finding_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        render_finding_text(out, &list->items[i]);
}

int render_findings_text_by_cause(FILE *out, const struct finding_list *list)
{
    struct finding_causes causes;
    int rc = finding_causes_build(list, &causes);
    for (size_t g = 0; g < causes.count && rc == CP_OK; g++) {
        const struct finding_cause_group *group = &causes.groups[g];
        const struct rule *rule = rule_get(group->rule);
        fprintf(out, "%s# %s %s (%zu finding%s): ", g ? "\n" : "", severity_name(rule->severity), rule->id,
                group->count, group->count == 1 ? "" : "s");
        write_one_line(out, group->summary);
        fputs(" [cause ", out);
        write_one_line(out, group->key);
        fputs("]\n", out);
        for (size_t k = group->start; k < group->start + group->count; k++)
            render_finding_text(out, &list->items[causes.order[k]]);
    }
    finding_causes_free(&causes);
    return rc;
}
