/* SPDX-License-Identifier: Apache-2.0 */
/* common/buf: a growable byte buffer.
 *
 * Contract: a struct buf owns its data. After buf_init() it is empty and holds no memory; every
 * append keeps data NUL-terminated (data[len] == 0) so it can be used as a C string, but it may also
 * hold NUL bytes. Appends return CP_OK or CP_ERR_NOMEM; on failure the buffer is unchanged.
 * buf_detach() hands the memory to the caller (free() it) and leaves the buffer empty.
 * Not thread-safe: one owner at a time. */
#ifndef CRAWLPACK_COMMON_BUF_H
#define CRAWLPACK_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
};

#define BUF_INIT   \
    {              \
        NULL, 0, 0 \
    }

void buf_init(struct buf *b);
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents as a C string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
/* Forget the contents, keep the memory for reuse. */
void buf_reset(struct buf *b);
/* Hand the contents to the caller (a malloc'd NUL-terminated string, "" if empty; NULL only when out
 * of memory) and leave the buffer empty. */
char *buf_detach(struct buf *b);
void buf_free(struct buf *b);

#endif
