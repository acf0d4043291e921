/* SPDX-License-Identifier: Apache-2.0 */
/* common/out_file: write a file under a temporary name in its own folder and rename it into place
 * when it is complete, so no reader, crash or signal ever finds half a file under the real name.
 *
 * out_file_open creates PATH.tmp (OUT_FILE_TEMP_SUFFIX) beside PATH; out_file_commit flushes,
 * closes and renames it to PATH (rename within one folder replaces the old file atomically);
 * out_file_discard closes and removes it. A file left as PATH.tmp (the process was killed while
 * writing) is never read by crawlpack and is removed by the next run into that folder.
 *
 * Threads: one struct out_file per writer, one thread at a time (its stream takes no lock per
 * call: __fsetlocking's FSETLOCKING_BYCALLER); no global state. Memory: the struct owns its paths
 * until commit or discard. Errors: CP_OK, CP_ERR_NOMEM, or CP_ERR_IO with errno set and a message
 * naming PATH in error (when error is not NULL). */
#ifndef CRAWLPACK_COMMON_OUT_FILE_H
#define CRAWLPACK_COMMON_OUT_FILE_H

#include <stddef.h>
#include <stdio.h>

#define OUT_FILE_TEMP_SUFFIX ".tmp"

struct out_file {
    FILE *file;      /* write here between open and commit */
    char *path;      /* the final name */
    char *temporary; /* PATH.tmp */
};

int out_file_open(struct out_file *f, const char *path, char *error, size_t error_size);
/* dir/name in one call (dir "" or NULL means the current folder). */
int out_file_open_in(struct out_file *f, const char *dir, const char *name, char *error, size_t error_size);
/* Rename into place; a write error seen on the stream fails the commit and removes the temporary. */
int out_file_commit(struct out_file *f, char *error, size_t error_size);
void out_file_discard(struct out_file *f);

#endif
