/* SPDX-License-Identifier: Apache-2.0 */
/* common/out_file: temporary name, then rename (see out_file.h). */
#include "common/out_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"

static void release(struct out_file *f)
{
    free(f->path);
    free(f->temporary);
    f->path = f->temporary = NULL;
    f->file = NULL;
}

int out_file_open(struct out_file *f, const char *path, char *error, size_t error_size)
{
    f->file = NULL;
    f->path = strdup(path);
    struct buf temporary = BUF_INIT;
    if (!f->path || buf_printf(&temporary, "%s%s", path, OUT_FILE_TEMP_SUFFIX) != CP_OK) {
        buf_free(&temporary);
        release(f);
        return CP_ERR_NOMEM;
    }
    f->temporary = buf_detach(&temporary);
    if (!f->temporary) {
        release(f);
        return CP_ERR_NOMEM;
    }
    f->file = fopen(f->temporary, "wb");
    if (!f->file) {
        int saved = errno;
        if (error)
            snprintf(error, error_size, "cannot write %s: %s", path, strerror(saved));
        release(f);
        errno = saved;
        return CP_ERR_IO;
    }
    /* One writer per file (out_file.h): stdio's lock around each call, a few bytes at a time for
     * findings.json and pages.csv, guards nothing. */
    __fsetlocking(f->file, FSETLOCKING_BYCALLER);
    return CP_OK;
}

int out_file_open_in(struct out_file *f, const char *dir, const char *name, char *error, size_t error_size)
{
    struct buf path = BUF_INIT;
    int status = dir && dir[0] ? buf_printf(&path, "%s/%s", dir, name) : buf_append_str(&path, name);
    if (status == CP_OK)
        status = out_file_open(f, buf_str(&path), error, error_size);
    buf_free(&path);
    return status;
}

int out_file_commit(struct out_file *f, char *error, size_t error_size)
{
    if (!f->file)
        return CP_ERR_IO;
    bool failed = fflush(f->file) != 0 || ferror(f->file) != 0;
    int saved = errno;
    if (fclose(f->file) != 0 && !failed) {
        failed = true;
        saved = errno;
    }
    f->file = NULL;
    if (!failed && rename(f->temporary, f->path) != 0) {
        failed = true;
        saved = errno;
    }
    if (failed) {
        if (error)
            snprintf(error, error_size, "cannot write %s: %s", f->path, strerror(saved));
        remove(f->temporary);
        release(f);
        errno = saved;
        return CP_ERR_IO;
    }
    release(f);
    return CP_OK;
}

void out_file_discard(struct out_file *f)
{
    if (f->file)
        fclose(f->file);
    if (f->temporary)
        remove(f->temporary);
    release(f);
}
