/* SPDX-License-Identifier: Apache-2.0 */
/* reports/svg_chart: the one chart helper of report.html: horizontal bars, plain or stacked,
 * written as inline SVG.
 *
 * Every chart of the report (histograms, breakdowns, stacked coverage) is a list of labelled bars
 * with one value per series; a histogram is bars in bucket order, a breakdown bars in count order,
 * a stacked chart bars with several series. Inline SVG needs no script and no library, prints, and
 * works under a Content-Security-Policy that allows nothing external. Labels and titles go through
 * common/html_escape (a crawled site names the sections and status texts). Each bar carries
 * data-label and data-value (the sum of its series) so a test reads the numbers the chart shows.
 *
 * Threads: pure function of its input. Memory: borrows everything. Errors: none (the stream's). */
#ifndef CRAWLPACK_REPORTS_SVG_CHART_H
#define CRAWLPACK_REPORTS_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>

#define SVG_CHART_MAX_SERIES 4

struct svg_bar {
    const char *label;
    double values[SVG_CHART_MAX_SERIES];
};

struct svg_chart {
    const char *id;            /* the figure's id (report sections link to it) */
    const char *title;         /* shown above the chart and as its accessible name */
    const char *const *series; /* series names for the legend; NULL with one series */
    size_t series_count;       /* 1..SVG_CHART_MAX_SERIES */
    const struct svg_bar *bars;
    size_t bar_count;
    const char *empty_text;     /* shown instead of the chart when every value is 0 */
    const char *const *colours; /* one CSS colour per series; NULL: the default palette */
};

/* Write the chart as a <figure> holding an <svg>. */
void svg_chart_write(FILE *out, const struct svg_chart *chart);

#endif
