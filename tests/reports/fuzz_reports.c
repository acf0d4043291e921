/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_reports: arbitrary bytes as a baseline findings.json; whatever loads is compared with itself
 * and rendered in every format, so hostile strings reach the JSON, CSV, XML and SARIF writers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/log.h"
#include "reports/baseline.h"
#include "reports/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink) {
        sink = fopen("/dev/null", "w");
        log_set_verbosity(-1);
    }
    struct baseline baseline;
    struct buf error = BUF_INIT;
    if (baseline_parse("fuzz.json", (const char *)data, size, &baseline, &error) == 0) {
        struct baseline_comparison comparison;
        struct report_context ctx;
        report_context_init(&ctx);
        findings_sort(&baseline.findings);
        if (baseline_compare(&baseline, &baseline.findings, &comparison) == 0) {
            ctx.baseline = &comparison;
            static const char *const formats[] = {"text", "json", "csv", "junit", "sarif"};
            for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
                render_findings(formats[i], sink, &baseline.findings, &ctx);
            ctx.junit_grouping = JUNIT_BY_SOURCE_FILE;
            render_findings("junit", sink, &baseline.findings, &ctx);
            baseline_comparison_free(&comparison);
        }
        baseline_free(&baseline);
    }
    buf_free(&error);
    return 0;
}
