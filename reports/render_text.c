/* reports/render_text: compiler-style finding lines (see render_text.h). */
#include "reports/render_text.h"

void render_finding_text(FILE *out, const struct finding *f)
{
    const struct rule *rule = rule_get(f->rule);
    const char *where = f->source ? f->source : f->url ? f->url : "-";
    fputs(where, out);
    if (f->line) {
        fprintf(out, ":%u", f->line);
        if (f->column)
            fprintf(out, ":%u", f->column);
    }
    fprintf(out, ": %s: %s: %s\n", severity_name(rule->severity), rule->id, f->message);
}

void render_findings_text(FILE *out, const struct finding_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        render_finding_text(out, &list->items[i]);
}
