/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/read_whole_file: a file's bytes in memory, for tests and benchmarks that compare or
 * feed whole fixture files. */
#ifndef CRAWLPACK_TESTS_TOOLS_READ_WHOLE_FILE_H
#define CRAWLPACK_TESTS_TOOLS_READ_WHOLE_FILE_H

#include "common/buf.h"

/* Append every byte of the file at path to out (the caller owns out). Returns 0, or -1 when the
 * file cannot be opened or read, or memory runs out (out then holds what was read so far). */
int read_whole_file(const char *path, struct buf *out);

#endif
