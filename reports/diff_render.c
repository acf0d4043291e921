/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff_render: the format name -> renderer table of `crawlpack diff --format`. */
#include "reports/diff_render.h"

#include <string.h>

#include "common/error.h"

static const struct {
    const char *name;
    int (*render)(FILE *out, const struct diff *diff);
} formats[] = {
    {"text", diff_render_text},
    {"json", diff_render_json},
    {"md", diff_render_markdown},
};

bool diff_format_known(const char *format)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i].name, format) == 0)
            return true;
    return false;
}

int diff_render(const char *format, FILE *out, const struct diff *diff)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i].name, format) == 0)
            return formats[i].render(out, diff);
    return CP_ERR_INVALID;
}
