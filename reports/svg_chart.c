/* SPDX-License-Identifier: Apache-2.0 */
/* reports/svg_chart: horizontal bar charts as inline SVG (see svg_chart.h). */
#include "reports/svg_chart.h"

#include <string.h>

#include "common/html_escape.h"

#define LABEL_WIDTH 210
#define BAR_WIDTH 330
#define VALUE_WIDTH 90
#define ROW_HEIGHT 22
#define LABEL_MAX_BYTES 34

/* Colour-blind-safe (Okabe-Ito) series colours; the CSS gives severities the same ones. */
static const char *const palette[SVG_CHART_MAX_SERIES] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7"};

static double bar_total(const struct svg_bar *bar, size_t series)
{
    double total = 0;
    for (size_t s = 0; s < series; s++)
        total += bar->values[s];
    return total;
}

static const char *colour(const struct svg_chart *c, size_t series)
{
    return c->colours ? c->colours[series] : palette[series];
}

static void write_legend(FILE *out, const struct svg_chart *c)
{
    if (!c->series || c->series_count < 2)
        return;
    fputs("<figcaption class=\"legend\">", out);
    for (size_t s = 0; s < c->series_count; s++) {
        fprintf(out, "<span><i style=\"background:%s\"></i>", colour(c, s));
        html_escape(out, c->series[s]);
        fputs("</span>", out);
    }
    fputs("</figcaption>", out);
}

static void write_bar(FILE *out, const struct svg_chart *c, size_t row, double max)
{
    const struct svg_bar *bar = &c->bars[row];
    size_t series = c->series_count;
    double total = bar_total(bar, series);
    int y = (int)row * ROW_HEIGHT;
    fputs("<g class=\"bar\" data-label=\"", out);
    html_escape(out, bar->label);
    fprintf(out, "\" data-value=\"%.0f\"><title>", total);
    html_escape(out, bar->label);
    fprintf(out, ": %.0f</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", total, LABEL_WIDTH - 6, y + 15);
    html_escape_n(out, bar->label ? bar->label : "", bar->label ? strlen(bar->label) : 0, LABEL_MAX_BYTES);
    fputs("</text>", out);
    double x = LABEL_WIDTH;
    for (size_t s = 0; s < series; s++) {
        double w = max > 0 ? bar->values[s] / max * BAR_WIDTH : 0;
        if (w > 0)
            fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x, y + 3,
                    w < 1 ? 1 : w, ROW_HEIGHT - 6, colour(c, s));
        x += w;
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%d\">%.0f</text></g>", x + 4, y + 15, total);
}

void svg_chart_write(FILE *out, const struct svg_chart *c)
{
    double max = 0;
    size_t series = c->series_count < 1                      ? 1
                    : c->series_count > SVG_CHART_MAX_SERIES ? SVG_CHART_MAX_SERIES
                                                             : c->series_count;
    struct svg_chart chart = *c;
    chart.series_count = series;
    for (size_t i = 0; i < c->bar_count; i++) {
        double total = bar_total(&c->bars[i], series);
        max = total > max ? total : max;
    }
    fputs("<figure class=\"chart\" id=\"", out);
    html_escape(out, c->id);
    fputs("\"><h3>", out);
    html_escape(out, c->title);
    fputs("</h3>", out);
    if (max <= 0) {
        fputs("<p class=\"empty\">", out);
        html_escape(out, c->empty_text ? c->empty_text : "nothing to show");
        fputs("</p></figure>\n", out);
        return;
    }
    write_legend(out, &chart);
    int width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, height = (int)c->bar_count * ROW_HEIGHT;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" aria-label=\"",
            width, height, width, height);
    html_escape(out, c->title);
    fputs("\">", out);
    for (size_t i = 0; i < c->bar_count; i++)
        write_bar(out, &chart, i, max);
    fputs("</svg></figure>\n", out);
}
