/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/read_whole_file: see the header. */
#include "read_whole_file.h"

#include <stdio.h>

#include "common/error.h"

int read_whole_file(const char *path, struct buf *out)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return -1;
    char chunk[65536];
    size_t got;
    int status = 0;
    while (status == 0 && (got = fread(chunk, 1, sizeof chunk, file)) > 0)
        status = buf_append(out, chunk, got) == CP_OK ? 0 : -1;
    if (ferror(file))
        status = -1;
    fclose(file);
    return status;
}
